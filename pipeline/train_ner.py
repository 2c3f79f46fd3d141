"""Does a trained spaCy NER add anything to the rules? A leave-one-document-out measurement.

For each gold document D (the held-out one):

1. a labeller is built with D's gold names (and their canonicals) excluded from every
   gazetteer — the same exclusion as :mod:`pipeline.lodo`;
2. the *other* documents' candidate sentences are labelled ``ENT`` with the labeller's
   enterprise mentions and with their own gold names (silver + gold);
3. a small NER (``spacy.blank("zh")``, the project's jieba tokenizer, spaCy's default
   ``ner`` with its own tok2vec) is trained on them;
4. on D, recall and precision of the rules alone are compared with rules ∪ model.

The model is shipped only if (4) shows a recall gain. Run::

    python -m pipeline.train_ner --input raw --gold tests/gold --output extracted/ner_lodo.json

With ``--save DIR`` a model trained on every document is written to DIR (for inspection;
nothing in the pipeline loads it unless the measurement says so).
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

import spacy
from spacy.training import Example

from .evaluate import load_gold, norm, score_enterprises
from .extract.entities import EntityExtractor
from .extract.entity_nlp import TOKENIZER
from .extract.orgs import GAZETTEER_DIR, Gazetteer
from .extract.responsibilities import ResponsibilityExtractor
from .ingest import discover, ingest_file
from .lodo import exclusion_set
from .run import build_document

LABEL = "ENT"


def labelled_sentences(doc, extractor: EntityExtractor, gold_names: list[str]) -> list[tuple[str, list]]:
    """(sentence, [(start, end, ENT)]) for the candidate sentences of a document."""
    rec = extractor.recognizer
    out = []
    for sentence in doc.sentences:
        text = sentence.text
        if not rec.is_candidate(text):
            continue
        spans = {(m.start, m.end) for m in rec(text) if m.type == "enterprise"}
        for name in gold_names:
            start = text.find(name)
            while start >= 0:
                spans.add((start, start + len(name)))
                start = text.find(name, start + 1)
        kept: list[tuple[int, int]] = []
        for s, e in sorted(spans, key=lambda x: (-(x[1] - x[0]), x[0])):   # longest first, no overlaps
            if not any(s < ke and ks < e for ks, ke in kept):
                kept.append((s, e))
        out.append((text, [(s, e, LABEL) for s, e in sorted(kept)]))
    return out


def train(rules_dir: Path, exclude: set[str], data: list[tuple[str, list]], epochs: int, seed: int = 0):
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER}}})
    words = Gazetteer.load(Path(rules_dir) / GAZETTEER_DIR, exclude).entries
    nlp.tokenizer.set_user_words(words)
    ner = nlp.add_pipe("ner")
    ner.add_label(LABEL)
    examples = []
    for text, ents in data:
        doc = nlp.make_doc(text)
        spans = [doc.char_span(s, e, label=lab, alignment_mode="expand") for s, e, lab in ents]
        ents_ok = [(sp.start_char, sp.end_char, LABEL) for sp in spans if sp is not None]
        try:
            examples.append(Example.from_dict(doc, {"entities": ents_ok}))
        except ValueError:
            continue
    random.seed(seed)
    spacy.util.fix_random_seed(seed)
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(epochs):
        random.shuffle(examples)
        for batch in spacy.util.minibatch(examples, size=16):
            nlp.update(batch, sgd=optimizer, drop=0.2)
    return nlp


def measure(input_dir: Path, gold_dir: Path, rules_dir: Path, epochs: int) -> dict[str, Any]:
    gold = load_gold(gold_dir)["enterprises"]
    files = {p.name: p for p in discover(input_dir)}
    docs = {name: build_document(ingest_file(files[name], input_dir)) for name in sorted(gold) if name in files}
    full = Gazetteer.load(Path(rules_dir) / GAZETTEER_DIR)
    responsibilities = ResponsibilityExtractor.from_rules(rules_dir)
    per_doc: dict[str, Any] = {}
    for held in docs:
        records = gold[held]
        if not records:
            continue
        excluded = exclusion_set((r["name"] for r in records), full)
        extractor = EntityExtractor.from_rules(rules_dir, exclude=excluded)
        data = []
        for name, doc in docs.items():
            if name != held:
                data += labelled_sentences(doc, extractor,
                                           [r["name"] for r in gold[name] if norm(r["name"]) not in excluded])
        model = train(rules_dir, excluded, data, epochs)
        doc = docs[held]
        rows = extractor(doc, responsibilities(doc))
        rules = [{"text": r.text, "canonical": r.canonical, "embedded": r.embedded}
                 for r in rows if r.type == "enterprise"]
        model_pred = []
        for sentence in doc.sentences:
            if extractor.recognizer.is_candidate(sentence.text):
                model_pred += [{"text": e.text, "canonical": e.text, "embedded": False}
                               for e in model(sentence.text).ents]
        scores = {}
        for label, pred in (("rules", rules), ("model", model_pred), ("rules+model", rules + model_pred)):
            s, missed, spurious = score_enterprises(records, pred, True)
            scores[label] = {"recall": round(s.r, 4), "precision": round(s.p, 4), "tp": s.tp, "fp": s.fp,
                             "fn": s.fn, "missed": sorted(missed), "spurious": sorted(spurious)[:20]}
        per_doc[held] = {"train_sentences": len(data), **scores}
    summary = {}
    for label in ("rules", "model", "rules+model"):
        rs = [d[label]["recall"] for d in per_doc.values()]
        ps = [d[label]["precision"] for d in per_doc.values()]
        summary[label] = {"average_recall": round(sum(rs) / len(rs), 4) if rs else None,
                          "average_precision": round(sum(ps) / len(ps), 4) if ps else None}
    gain = (summary["rules+model"]["average_recall"] or 0) - (summary["rules"]["average_recall"] or 0)
    return {"epochs": epochs, "per_document": per_doc, "summary": summary,
            "recall_gain": round(gain, 4), "ship_model": gain > 0}


def main(argv: list[str] | None = None) -> int:
    from .export import write_json
    from .run import DEFAULT_RULES_DIR

    parser = argparse.ArgumentParser(prog="python -m pipeline.train_ner", description=__doc__.splitlines()[0])
    parser.add_argument("--input", default="raw")
    parser.add_argument("--gold", default="tests/gold")
    parser.add_argument("--rules", default=str(DEFAULT_RULES_DIR))
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--output", default="extracted/ner_lodo.json")
    parser.add_argument("--save", default=None, help="also train on every document and save the model here")
    args = parser.parse_args(argv)
    result = measure(Path(args.input), Path(args.gold), Path(args.rules), args.epochs)
    for doc, d in result["per_document"].items():
        print(f"{doc:28s} " + "  ".join(f"{k} R={d[k]['recall']:.3f} P={d[k]['precision']:.3f}"
                                        for k in ("rules", "model", "rules+model")))
    print(json.dumps(result["summary"], ensure_ascii=False))
    print(f"recall gain of rules+model over rules: {result['recall_gain']:+.3f} -> "
          f"{'ship' if result['ship_model'] else 'do not ship'} the model")
    write_json(result, Path(args.output))
    if args.save:
        gold = load_gold(Path(args.gold))["enterprises"]
        extractor = EntityExtractor.from_rules(Path(args.rules))
        data = []
        for p in discover(Path(args.input)):
            doc = build_document(ingest_file(p, Path(args.input)))
            data += labelled_sentences(doc, extractor, [r["name"] for r in gold.get(p.name, [])])
        train(Path(args.rules), set(), data, args.epochs).to_disk(args.save)
    return 0


if __name__ == "__main__":
    sys.exit(main())

