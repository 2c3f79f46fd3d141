"""The statistical NER experiment (train.py, MODEL_CARD.md): measured, not shipped."""
