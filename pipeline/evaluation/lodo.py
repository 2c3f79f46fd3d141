"""Leave-one-document-out recall of the entities extractor: does it find names it has never seen?

For each gold document, every gold enterprise name of that document — as
written, and the canonical the gazetteers give it — is removed from every
gazetteer and from the segmenter's user dictionary (an exclusion set handed
to :meth:`EntityExtractor.from_rulebook`; no file is changed). The extractor so
built runs on that document only, and the document's recall is reported with
and without embedded names (the scorer's name matching, :mod:`pipeline.evaluation.evaluate`).

A document with no gold enterprise has no recall (``None``) and is left out
of the average.

``python -m pipeline lodo --input raw --gold tests/gold --output extracted/lodo.json``
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from ..extract.entities import EntityExtractor
from ..extract.orgs import Gazetteer
from ..extract.responsibilities import ResponsibilityExtractor
from ..rulebook import RuleBook
from ..run.process import build_document
from ..stages.data import StageData
from ..stages.ingest import discover, ingest_file
from .evaluate import load_gold, norm, score_enterprises


def exclusion_set(names: Iterable[str], gazetteer: Gazetteer) -> set[str]:
    """Gold names and the canonicals the gazetteer maps them to."""
    out: set[str] = set()
    for name in names:
        out.add(name)
        entry = gazetteer.get(name)
        if entry is not None:
            out.add(entry.canonical)
    return out


def predicted_records(extractor: EntityExtractor, responsibilities: ResponsibilityExtractor, path: Path,
                      input_dir: Path, stages: StageData) -> list[dict]:
    doc = build_document(ingest_file(path, input_dir, stages.ingest), stages)
    rows = extractor(doc, responsibilities(doc))
    return [{"text": r.text, "canonical": r.canonical, "embedded": r.embedded} for r in rows
            if r.type == "enterprise"]


def run_lodo(input_dir: Path, gold_dir: Path, rules_dir: Path) -> dict[str, Any]:
    gold = load_gold(gold_dir)["enterprises"]
    book = RuleBook.load(Path(rules_dir))
    full = Gazetteer.from_rulebook(book)
    responsibilities = ResponsibilityExtractor.from_rulebook(book)
    stages = StageData.from_rulebook(book)
    files = {p.name: p for p in discover(input_dir)}
    per_doc: dict[str, dict[str, Any]] = {}
    for doc_name in sorted(gold):
        records = gold[doc_name]
        if doc_name not in files:
            continue
        excluded = exclusion_set((r["name"] for r in records), full)
        extractor = EntityExtractor.from_rulebook(book, exclude=excluded)
        pred = predicted_records(extractor, responsibilities, files[doc_name], input_dir, stages)
        with_e, missed, _ = score_enterprises(records, pred, True)
        without_e, _, _ = score_enterprises(records, pred, False)
        per_doc[doc_name] = {
            "gold": with_e.tp + with_e.fn,
            "gold_no_embedded": without_e.tp + without_e.fn,
            "recall": round(with_e.r, 4) if records else None,
            "recall_no_embedded": round(without_e.r, 4) if without_e.tp + without_e.fn else None,
            "precision": round(with_e.p, 4) if with_e.tp + with_e.fp else None,
            "excluded": sorted(norm(x) for x in excluded),
            "missed": sorted(missed),
        }
    result: dict[str, Any] = {"per_document": per_doc}
    for key in ("recall", "recall_no_embedded"):
        values = [d[key] for d in per_doc.values() if d[key] is not None]
        result[f"average_{key}"] = round(sum(values) / len(values), 4) if values else None
    return result


def format_lodo(result: dict[str, Any]) -> str:
    lines = [f"{'leave-one-document-out':28s} {'gold':>5s} {'recall':>7s} {'no_emb':>7s}  missed"]

    def fmt(x: float | None) -> str:
        return "n/a" if x is None else f"{x:.3f}"

    for doc, d in result["per_document"].items():
        lines.append(f"{doc:28s} {d['gold']:5d} {fmt(d['recall']):>7s} {fmt(d['recall_no_embedded']):>7s}  "
                     + ", ".join(d["missed"]))
    lines.append(f"{'average (docs with gold)':28s} {'':5s} {fmt(result['average_recall']):>7s} "
                 f"{fmt(result['average_recall_no_embedded']):>7s}")
    return "\n".join(lines)
