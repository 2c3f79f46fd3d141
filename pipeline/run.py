"""Runs the stages over one document and over a corpus.

``process_file`` is the unit of work: a pure function of (file, loaded
extractors) to a :class:`DocumentResult`. Any failure of one file becomes an
``errors`` row and the run goes on with the rest.
"""
from __future__ import annotations

import datetime as dt
import logging
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from . import __version__
from .export import write_json, write_table
from .extract import Extractors
from .extract.rules import rules_fingerprint
from .ingest import discover, ingest_file, relative_source_path
from .metadata import extract_metadata
from .models import (TABLES, Document, DocumentResult, DocumentRow, ErrorRow, IngestedDocument,
                     PipelineError, SectionRow)
from .normalize import normalize
from .outline import parse_outline
from .schema import to_table
from .segment import split_sentences

log = logging.getLogger(__name__)

DEFAULT_RULES_DIR = Path(__file__).resolve().parent.parent / "rules"


def build_document(ingested: IngestedDocument) -> Document:
    """normalize → segment → outline → metadata: the Document every extractor reads."""
    normalized = normalize(ingested.raw_text)
    if not normalized.text.strip():
        raise PipelineError("normalize", "empty", f"{ingested.source_path}: no text is left after removing "
                                                  "page furniture (navigation, footers, page numbers)")
    return Document(
        doc_id=ingested.doc_id,
        source_path=ingested.source_path,
        source_format=ingested.source_format,
        encoding=ingested.encoding,
        script=normalized.script,
        text=normalized.text,
        meta=extract_metadata(normalized.text),
        sections=parse_outline(normalized.text),
        sentences=split_sentences(normalized.text),
    )


def document_row(doc: Document) -> DocumentRow:
    m = doc.meta
    return DocumentRow(doc_id=doc.doc_id, source_path=doc.source_path, source_format=doc.source_format,
                       encoding=doc.encoding, script=doc.script, title=m.title, issuer=m.issuer,
                       doc_number=m.doc_number, issue_date=m.issue_date, period_start=m.period_start,
                       period_end=m.period_end, n_chars=len(doc.text), text=doc.text)


def section_rows(doc: Document) -> list[SectionRow]:
    return [SectionRow(doc_id=doc.doc_id, section_id=s.section_id, parent_id=s.parent_id, level=s.level,
                       label=s.label, heading=s.heading, char_start=s.char_start, char_end=s.char_end)
            for s in doc.sections]


def process_file(path: Path, input_dir: Path, extractors: Extractors) -> DocumentResult:
    """Every row one input file contributes; failures become ``errors`` rows."""
    rel = relative_source_path(path, input_dir)
    result = DocumentResult(source_path=rel)
    stage = "ingest"
    try:
        ingested = ingest_file(path, input_dir)
        result.sha256 = ingested.sha256
        stage = "normalize"
        doc = build_document(ingested)
        stage = "extract"
        extraction = extractors(doc)
    except PipelineError as exc:
        result.errors.append(ErrorRow(source_path=rel, stage=exc.stage, error=exc.kind, message=exc.message))
        return result
    except Exception as exc:  # a bug must not lose the other documents of the run
        log.debug("internal error on %s\n%s", rel, traceback.format_exc())
        result.errors.append(ErrorRow(source_path=rel, stage=stage, error="internal_error",
                                      message=f"{rel}: unexpected {type(exc).__name__} in the {stage} "
                                              f"stage: {exc}. Please report it with this file."))
        return result
    result.documents.append(document_row(doc))
    result.sections.extend(section_rows(doc))
    result.targets.extend(extraction.targets)
    result.deadlines.extend(extraction.deadlines)
    result.responsibilities.extend(extraction.responsibilities)
    result.entities.extend(extraction.entities)
    return result


@dataclass(frozen=True)
class RunSummary:
    rows: dict[str, int]
    n_inputs: int
    n_errors: int


def write_outputs(results: Iterable[DocumentResult], output_dir: Path, *, rules_fp: str,
                  input_dir: Path, started: dt.datetime) -> RunSummary:
    """Tables in input order, then the manifest (last: it vouches for the tables)."""
    ordered = sorted(results, key=lambda r: r.source_path)
    counts: dict[str, int] = {}
    for name in TABLES:
        rows = [row for r in ordered for row in getattr(r, name)]
        write_table(to_table(name, rows), output_dir / f"{name}.parquet")
        counts[name] = len(rows)
    manifest = {
        "pipeline_version": __version__,
        "rules_fingerprint": rules_fp,
        "run_started": started.isoformat(timespec="seconds"),
        "run_finished": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "input_dir": str(input_dir),
        "tables": counts,
        "inputs": [{"path": r.source_path, "sha256": r.sha256,
                    "doc_id": r.documents[0].doc_id if r.documents else None,
                    "rows": {name: len(getattr(r, name)) for name in TABLES}} for r in ordered],
    }
    write_json(manifest, output_dir / "manifest.json")
    return RunSummary(rows=counts, n_inputs=len(ordered), n_errors=counts["errors"])


def run_extract(input_dir: Path, output_dir: Path, rules_dir: Path = DEFAULT_RULES_DIR) -> RunSummary:
    started = dt.datetime.now(dt.timezone.utc)
    extractors = Extractors.from_rules(rules_dir)  # a bad rule file fails here, before any work
    fingerprint = rules_fingerprint(rules_dir)
    results = [process_file(path, input_dir, extractors) for path in discover(input_dir)]
    return write_outputs(results, output_dir, rules_fp=fingerprint, input_dir=input_dir, started=started)
