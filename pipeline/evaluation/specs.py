"""Behaviour specs as data: ``specs/<table>.jsonl``, each line one case a maintainer can state without Python.

A case is a short document and the rows it must give::

    {"id": "targets.from_to", "text": "到2026年，低保标准从每人每月500元提高到520元。",
     "expect": [{"value_text": "520元", "value_low": 520.0, "unit": "元"}],
     "why": "从X提高到Y: only Y is a target"}

``text`` is the whole document (its first line is read as the title, as in a real file); ``expect`` lists
the rows of the table in document order, each with only the columns the case is about; ``[]`` means the
document must give no row. ``documents.jsonl`` cases expect one row of the documents table (``kind``,
``title`` …). The runner (``rules-check`` and ``make test``) runs every case through the whole pipeline
(normalize → segment → extract), the same path as a real input file.
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..extract import Extraction, Extractors
from ..run.process import build_document, document_row
from ..tables.rows import IngestedDocument

SPEC_TABLES = ("documents", "targets", "achievements", "deadlines", "responsibilities", "entities")


@dataclass(frozen=True)
class SpecCase:
    table: str
    id: str
    text: str
    expect: tuple[dict[str, Any], ...]
    why: str
    source: str                 # file:line, for the failure message


def load_specs(specs_dir: Path) -> list[SpecCase]:
    cases: list[SpecCase] = []
    seen: set[str] = set()
    for path in sorted(Path(specs_dir).glob("*.jsonl")):
        table = path.stem
        if table not in SPEC_TABLES:
            raise ValueError(f"{path}: no such table {table!r}; spec files are named after one of {SPEC_TABLES}")
        for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("//"):
                continue
            where = f"{path}:{line_no}"
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{where}: invalid JSON: {exc}") from exc
            unknown = set(raw) - {"id", "text", "expect", "why"}
            if unknown or not {"id", "text", "expect"} <= set(raw) or not isinstance(raw["expect"], list):
                raise ValueError(f"{where}: a case has id, text, expect (a list of rows) and why; got {sorted(raw)}")
            if raw["id"] in seen:
                raise ValueError(f"{where}: case id {raw['id']!r} is used twice")
            seen.add(raw["id"])
            cases.append(SpecCase(table=table, id=raw["id"], text=raw["text"], expect=tuple(raw["expect"]),
                                  why=raw.get("why", ""), source=where))
    return cases


def _rows(case: SpecCase, extractors: Extractors) -> list[dict[str, Any]]:
    doc = build_document(IngestedDocument(doc_id="0" * 16, sha256="0" * 64, source_path=f"{case.id}.txt",
                                          source_format="txt", encoding="utf-8", raw_text=case.text),
                         extractors.stages)
    extraction: Extraction = extractors(doc)
    if case.table == "documents":
        return [asdict(document_row(doc, extraction.passages.kind))]
    rows = getattr(extraction, case.table)
    if case.table == "entities":
        rows = [r for r in rows if r.type == "enterprise"]      # entity specs are about companies
    return [asdict(r) for r in rows]


def _same(want: Any, got: Any) -> bool:
    if isinstance(want, float) or isinstance(got, float):
        try:
            return want is not None and got is not None and math.isclose(float(want), float(got), abs_tol=1e-6)
        except (TypeError, ValueError):
            return False
    if isinstance(got, tuple):
        got = list(got)
    if hasattr(got, "isoformat"):
        got = got.isoformat()
    return want == got


def check_case(case: SpecCase, extractors: Extractors) -> str | None:
    """None when the case holds, else what differs, for a person."""
    rows = _rows(case, extractors)
    keys = sorted({k for row in case.expect for k in row})
    unknown = [k for k in keys if rows and k not in rows[0]]
    if unknown:
        return f"{case.source} ({case.id}): no column {unknown} in {case.table}"
    got = [{k: row.get(k) for k in keys} for row in rows]
    if len(got) == len(case.expect) and all(_same(w.get(k), g.get(k)) for w, g in zip(case.expect, got)
                                            for k in w):
        return None
    shown = [{k: (list(v) if isinstance(v, tuple) else v.isoformat() if hasattr(v, "isoformat") else v)
              for k, v in g.items()} for g in got]
    return (f"{case.source} ({case.id}): expected {json.dumps(list(case.expect), ensure_ascii=False)}, "
            f"got {json.dumps(shown, ensure_ascii=False)}" + (f" — {case.why}" if case.why else ""))


def run_specs(specs_dir: Path, extractors: Extractors) -> tuple[int, list[str]]:
    cases = load_specs(specs_dir)
    failures = [msg for msg in (check_case(c, extractors) for c in cases) if msg]
    return len(cases), failures
