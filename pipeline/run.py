"""Runs the stages over one document and over a corpus.

``process_file`` is the unit of work: a pure function of (file, loaded
extractors, options) to a :class:`DocumentResult`. Any failure of one file becomes an
``errors`` row and the run goes on with the rest. ``run_extract`` streams the
results, in input order, from an engine (``pipeline.engines``) or the
incremental cache (``pipeline.cache``) into the parquet writers.

Budgets (:class:`Budget`, README "Budgets"): each document may take ``seconds`` of wall time and its
worker ``memory_mb`` of memory; over budget, the document becomes an ``errors`` row of kind
``timeout`` or ``too_large`` naming the stage, and the engine replaces the worker.
"""
from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import logging
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from tqdm import tqdm

from . import __version__
from .cache import ResultCache, code_fingerprint, file_sha256
from .engines import Engine, default_workers, make_engine
from .export import StreamingTables, write_json
from .extract import Extractors
from .budget import (BUDGET_ERRORS, DEFAULT_OPTIONS, DEFAULT_RULES_DIR, STAGES, Budget, DocumentTimeout,  # noqa: F401
                     RunOptions)
from .extract.rules import collect_timeouts, rules_fingerprint
from .ingest import IngestOptions, discover, ingest_with_notes, relative_source_path
from .metadata import extract_metadata
from .models import (TABLES, Document, DocumentResult, DocumentRow, ErrorRow, IngestedDocument,
                     PipelineError, SectionRow)
from .normalize import load_vocabulary, normalize
from .outline import parse_outline
from .panel import write_panel
from .schema import SCHEMAS, row_problem, to_table
from .segment import split_sentences

log = logging.getLogger(__name__)

def build_document(ingested: IngestedDocument, vocabulary: Path | None = None) -> Document:
    """normalize → segment → outline → metadata: the Document every extractor reads."""
    normalized = normalize(ingested.raw_text, vocabulary_path=vocabulary)
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
        meta=extract_metadata(normalized.text, raw_text=ingested.raw_text, raw_script=normalized.script,
                              vocabulary_path=vocabulary),
        sections=parse_outline(normalized.text),
        sentences=split_sentences(normalized.text),
    )


def document_row(doc: Document, kind: str | None = None) -> DocumentRow:
    m = doc.meta
    return DocumentRow(doc_id=doc.doc_id, source_path=doc.source_path, source_format=doc.source_format,
                       encoding=doc.encoding, script=doc.script, title=m.title, issuer=m.issuer,
                       doc_number=m.doc_number, issue_date=m.issue_date, period_start=m.period_start,
                       period_end=m.period_end, kind=kind, place_code=m.place_code, place_name=m.place_name,
                       n_chars=len(doc.text), text=doc.text)


def section_rows(doc: Document) -> list[SectionRow]:
    return [SectionRow(doc_id=doc.doc_id, section_id=s.section_id, parent_id=s.parent_id, level=s.level,
                       label=s.label, heading=s.heading, char_start=s.char_start, char_end=s.char_end)
            for s in doc.sections]


def process_file(path: Path, input_dir: Path, extractors: Extractors, options: RunOptions = DEFAULT_OPTIONS,
                 on_stage: Callable[[str], None] | None = None) -> DocumentResult:
    """Every row one input file contributes; failures become ``errors`` rows.

    ``on_stage`` is told each stage as it starts (an engine's supervisor names the stage of a document it
    stops). Over the memory budget (MemoryError under the worker's limit), or when a time guard raises
    :class:`DocumentTimeout`, the document becomes a ``too_large`` / ``timeout`` row naming the stage."""
    rel = relative_source_path(path, input_dir)
    result = DocumentResult(source_path=rel)
    stage = "ingest"

    def enter(name: str) -> None:
        nonlocal stage
        stage = name
        if on_stage is not None:
            on_stage(name)

    warnings: list[ErrorRow] = []
    try:
        enter("ingest")
        ingested, notes = ingest_with_notes(path, input_dir, options.ingest)
        warnings += [ErrorRow(source_path=rel, stage="ingest", error=n.kind, message=n.message) for n in notes]
        result.sha256 = ingested.sha256
        enter("normalize")
        doc = build_document(ingested, options.vocabulary)
        enter("extract")
        with collect_timeouts() as skipped:
            extraction = extractors(doc)
        warnings += rule_timeout_rows(rel, skipped)
        enter("export")
    except PipelineError as exc:
        result.errors.append(ErrorRow(source_path=rel, stage=exc.stage, error=exc.kind, message=exc.message))
        return result
    except DocumentTimeout:
        result.errors.append(timeout_row(rel, stage, options.budget))
        return result
    except MemoryError:
        result.errors.append(too_large_row(rel, stage, options.budget))
        return result
    except Exception as exc:  # a bug must not lose the other documents of the run
        log.debug("internal error on %s\n%s", rel, traceback.format_exc())
        result.errors.append(ErrorRow(source_path=rel, stage=stage, error="internal_error",
                                      message=f"{rel}: unexpected {type(exc).__name__} in the {stage} "
                                              f"stage: {exc}. Please report it with this file."))
        return result
    tables = {"documents": [document_row(doc, extraction.passages.kind)], "sections": section_rows(doc), "targets": extraction.targets,
              "achievements": extraction.achievements,
              "deadlines": extraction.deadlines, "responsibilities": extraction.responsibilities,
              "entities": extraction.entities}
    for name, rows in tables.items():
        problem = row_problem(name, rows)
        if problem is not None:     # checked here so that the run names this file and goes on
            result.errors.append(ErrorRow(source_path=rel, stage="export", error="contract",
                                          message=f"{rel}: a row breaks the output contract ({problem}); the "
                                                  f"file's rows were left out. Please report it with this file."))
            return result
    for name, rows in tables.items():
        getattr(result, name).extend(rows)
    result.errors.extend(warnings)
    return result


def timeout_row(rel: str, stage: str, budget: Budget) -> ErrorRow:
    return ErrorRow(source_path=rel, stage=stage, error="timeout",
                    message=f"{rel}: still in the {stage} stage after the time budget of {budget.seconds:g}s "
                            f"per document; it was stopped and left out (--time-budget raises the budget).")


def too_large_row(rel: str, stage: str, budget: Budget, detail: str = "") -> ErrorRow:
    return ErrorRow(source_path=rel, stage=stage, error="too_large",
                    message=f"{rel}: needed more than the memory budget of {budget.memory_mb} MB in the {stage} "
                            f"stage{detail}; it was left out (--memory-budget raises the budget).")


def rule_timeout_rows(rel: str, skipped: list) -> list[ErrorRow]:
    """One ``rule_timeout_warning`` row per rule that skipped sentences of this document."""
    by_rule: dict[tuple[str, str], list] = {}
    for s in skipped:
        by_rule.setdefault((s.rule_id, s.file), []).append(s)
    rows = []
    for (rule_id, file), items in by_rule.items():
        rows.append(ErrorRow(
            source_path=rel, stage="extract", error="rule_timeout_warning",
            message=f"{rel}: rule '{rule_id}' ({Path(file).name}) timed out on {len(items)} sentence(s), "
                    f"which it skipped (the first starts {items[0].snippet!r}); the document's other rows "
                    f"are kept. Please report it with this file."))
    return rows


@contextlib.contextmanager
def time_guard(seconds: float) -> Iterator[None]:
    """Raise :class:`DocumentTimeout` in this thread once ``seconds`` have passed (Python code only: a
    C call that never returns is stopped by the supervising engine, which kills the process)."""
    if not seconds or seconds <= 0:
        yield
        return
    target = threading.get_ident()
    done = threading.Event()

    def fire() -> None:
        if not done.wait(seconds):
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), ctypes.py_object(DocumentTimeout))

    watchdog = threading.Thread(target=fire, daemon=True, name="document-time-guard")
    watchdog.start()
    try:
        yield
    finally:
        done.set()
        watchdog.join()


def guarded_process_file(path: Path, input_dir: Path, extractors: Extractors,
                         options: RunOptions = DEFAULT_OPTIONS) -> DocumentResult:
    """``process_file`` under the time budget, for engines that cannot kill a worker (one process, Dask)."""
    stage = ["ingest"]
    try:
        with time_guard(options.budget.seconds):
            return process_file(path, input_dir, extractors, options, on_stage=lambda s: stage.__setitem__(0, s))
    except DocumentTimeout:    # raised after process_file returned, just before the guard was disarmed
        result = DocumentResult(source_path=relative_source_path(path, input_dir))
        result.errors.append(timeout_row(result.source_path, stage[0], options.budget))
        return result


@dataclass(frozen=True)
class RunSummary:
    rows: dict[str, int]
    n_inputs: int
    n_errors: int
    n_reused: int
    seconds: float
    n_internal_errors: int = 0     # files that failed with internal_error: a defect (exit status 5)

    def format(self) -> str:
        rows = ", ".join(f"{name} {n}" for name, n in self.rows.items())
        internal = f"; {self.n_internal_errors} internal error(s): please report them" \
            if self.n_internal_errors else ""
        return (f"{self.n_inputs} input file(s) in {self.seconds:.1f}s "
                f"({self.n_reused} unchanged, reused); rows: {rows}; "
                f"{self.n_errors} row(s) in errors{internal}")


# Errors that say nothing about the file's content (a read that failed, a crash or a timeout under load):
# such a result is not cached, so the next run tries the file again.
TRANSIENT_ERRORS = ("unreadable", "internal_error", *BUDGET_ERRORS)


def _results(paths: list[Path], input_dir: Path, engine: Engine, cache: ResultCache | None,
             stats: dict[str, int]) -> Iterator[DocumentResult]:
    """Results in input order: cached ones reused, the others computed by the engine.

    Cached results are loaded one at a time as they are yielded, so a rerun over a large unchanged corpus
    holds no more in memory than a first run; an entry that turns out unreadable is recomputed."""
    keyed: list[tuple[Path, str | None]] = []
    for path in paths:
        key = None
        if cache is not None:
            try:
                key = cache.key(relative_source_path(path, input_dir), file_sha256(path))
            except OSError:
                key = None  # unreadable: let ingest report it
        keyed.append((path, key))
    hits = {key for _, key in keyed if cache is not None and key is not None and cache.has(key)}
    computed = engine.map_files([path for path, key in keyed if key not in hits], input_dir)
    for path, key in keyed:
        if key in hits:
            hit = cache.get(key)
            if hit is not None:
                stats["reused"] += 1
                yield hit
                continue
            result = next(engine.map_files([path], input_dir))    # a damaged entry: compute it now
        else:
            result = next(computed)
        if cache is not None and key is not None and \
                not any(e.error in TRANSIENT_ERRORS for e in result.errors):
            cache.put(key, result)
        yield result


def run_extract(input_dir: Path, output_dir: Path, rules_dir: Path = DEFAULT_RULES_DIR, *,
                engine: str = "local", workers: int | None = None, scheduler: str | None = None,
                incremental: bool = True, progress: bool | None = None, budget: Budget | None = None,
                ingest: IngestOptions | None = None) -> RunSummary:
    """Run the pipeline on every file under ``input_dir``; write tables and manifest to ``output_dir``."""
    started = dt.datetime.now(dt.timezone.utc)
    options = RunOptions.for_rules(rules_dir, budget=budget or Budget(), ingest=ingest or IngestOptions())
    # Loading here validates every rule file, the boilerplate vocabulary and the gazetteers before any work
    # or worker starts.
    load_vocabulary(options.vocabulary)
    extractors = Extractors.from_rules(rules_dir)
    runner = make_engine(engine, workers or default_workers(), rules_dir, scheduler, extractors=extractors,
                         options=options)
    try:
        return extract_with_engine(Path(input_dir), Path(output_dir), runner, rules_fingerprint(rules_dir),
                                   engine_name=engine, incremental=incremental, progress=progress,
                                   started=started, follow_symlinks=options.ingest.follow_symlinks)
    finally:
        runner.close()


def extract_with_engine(input_dir: Path, output_dir: Path, runner: Engine, fingerprint: str, *,
                        engine_name: str, incremental: bool = True, progress: bool | None = None,
                        started: dt.datetime | None = None, follow_symlinks: bool = False) -> RunSummary:
    """The run proper, on an engine that is already up (the benchmark times this part)."""
    started = started or dt.datetime.now(dt.timezone.utc)
    clock = time.perf_counter()
    paths = discover(input_dir, follow_symlinks)
    code = code_fingerprint()
    cache = ResultCache(output_dir, fingerprint, f"{__version__}+{code[:16]}") if incremental else None
    stats = {"reused": 0}
    inputs: list[dict] = []
    internal = 0
    show = sys.stderr.isatty() if progress is None else progress
    # the per-document tables; the panel is derived from them once they are in place
    with StreamingTables(output_dir, {n: SCHEMAS[n] for n in TABLES}, to_table) as tables:
        for result in tqdm(_results(paths, input_dir, runner, cache, stats), total=len(paths),
                           unit="doc", disable=not show, file=sys.stderr):
            for name in TABLES:
                tables.add(name, getattr(result, name))
            internal += any(e.error == "internal_error" for e in result.errors)
            inputs.append({"path": result.source_path, "sha256": result.sha256,
                           "doc_id": result.documents[0].doc_id if result.documents else None,
                           "rows": {name: len(getattr(result, name)) for name in TABLES}})
    if cache is not None:
        cache.prune()
    counts = tables.counts
    counts["panel"] = write_panel(output_dir)
    manifest = {
        "pipeline_version": __version__,
        "code_fingerprint": code,
        "rules_fingerprint": fingerprint,
        "run_started": started.isoformat(timespec="seconds"),
        "run_finished": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "engine": engine_name,
        "incremental": {"enabled": incremental, "reused": stats["reused"],
                        "processed": len(paths) - stats["reused"]},
        "tables": counts,
        "inputs": inputs,
    }
    write_json(manifest, output_dir / "manifest.json")
    return RunSummary(rows=dict(counts), n_inputs=len(paths), n_errors=counts["errors"],
                      n_reused=stats["reused"], seconds=time.perf_counter() - clock, n_internal_errors=internal)
