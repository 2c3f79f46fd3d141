"""Training data of the (unshipped) statistical NER, pipeline/ner/train.py: the synthetic sentences
label exactly the names put in them, government bodies as GOV, and weak labels never overlap.
No model is trained here (``make train-ner`` does that) and none is loaded by the pipeline."""
from __future__ import annotations

from pathlib import Path

from pipeline.extract.entities import EntityExtractor
from pipeline.ner.train import LABELS, _no_overlap, blank_nlp, synthetic, to_examples
from pipeline.rulebook import default_book

ROOT = Path(__file__).resolve().parent.parent

LEXICON = {"place": ["澜川", "岳北"], "brand": ["青禾", "远拓"], "trade": ["精密机械", "新材料"]}


def test_synthetic_spans_cover_the_inserted_names():
    data = synthetic(60, ["北岭重工"], LEXICON, seed=3)
    assert len(data) == 60
    labels = {lab for _, spans in data for *_, lab in spans}
    assert labels <= set(LABELS) and {"ENTERPRISE", "GOV"} <= labels
    for text, spans in data:
        for s, e, lab in spans:
            name = text[s:e]
            if lab == "GOV":
                assert not name.endswith(("公司", "集团", "银行"))
            if lab == "ENTERPRISE":
                assert not name.endswith(("厅", "局", "委"))


def test_negative_templates_hold_no_names():
    # every third sentence is a negative template (industries in the list slots)
    data = synthetic(9, [], LEXICON, seed=1)
    assert all(lab == "GOV" for _, spans in data[2::3] for *_, lab in spans)


def test_overlapping_weak_labels_keep_the_longest():
    assert _no_overlap([(0, 4, "ENTERPRISE"), (0, 2, "OTHER_ORG"), (5, 8, "GOV")]) == \
        [(0, 4, "ENTERPRISE"), (5, 8, "GOV")]


def test_examples_drop_sentences_whose_span_splits_a_token():
    nlp = blank_nlp(["澜川精密机械有限公司"])
    ok = ("支持澜川精密机械有限公司扩大产能。", [(2, 12, "ENTERPRISE")])
    split = ("支持澜川精密机械有限公司扩大产能。", [(2, 6, "ENTERPRISE")])   # ends inside the user word
    examples = to_examples(nlp, [ok, split])
    assert len(examples) == 1
    assert [(e.start_char, e.end_char, e.label_) for e in examples[0].reference.ents] == [(2, 12, "ENTERPRISE")]


def test_pipeline_loads_no_statistical_ner():
    # not shipped: the measurement in pipeline/ner/MODEL_CARD.md showed no gain
    extractor = EntityExtractor.from_rulebook(default_book())
    assert "ner" not in extractor.nlp.pipe_names
    assert (ROOT / "pipeline" / "ner" / "MODEL_CARD.md").is_file()
