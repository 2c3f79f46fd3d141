"""One document through every stage: ingest → normalize → segment/outline/metadata → extract.

``process_file`` is the unit of work: a pure function of (file, loaded extractors, options) to a
:class:`DocumentResult`. Any failure of one file becomes an ``errors`` row and the run goes on with the rest.

Budgets (:class:`Budget`, README "Budgets"): each document may take ``seconds`` of wall time and its
worker ``memory_mb`` of memory; over budget, the document becomes an ``errors`` row of kind
``timeout`` or ``too_large`` naming the stage, and the engine replaces the worker.
"""
from __future__ import annotations

import contextlib
import ctypes
import logging
import threading
import traceback
from pathlib import Path
from typing import Callable, Iterator

from ..extract import Extractors
from ..extract.documents import document_row, section_rows  # noqa: F401  (were defined here; specs import them)
from ..extract.rules import collect_timeouts
from ..rulebook import default_book
from ..stages.data import StageData
from ..stages.ingest import DocumentInput, ingest_input, ingest_with_notes, relative_source_path
from ..stages.metadata import extract_metadata
from ..stages.normalize import normalize
from ..stages.outline import parse_outline
from ..stages.segment import split_sentences
from ..tables.rows import Document, DocumentResult, ErrorRow, IngestedDocument, PipelineError
from .budget import DEFAULT_OPTIONS, Budget, DocumentTimeout, RunOptions

log = logging.getLogger(__name__)

def build_document(ingested: IngestedDocument, data: StageData | None = None) -> Document:
    """normalize → segment → outline → metadata: the Document every extractor reads. ``data`` is what
    the run's rule book gives the stages (``Extractors.stages``); None: the package's own rules."""
    data = data or StageData.from_rulebook(default_book())
    normalized = normalize(ingested.raw_text, data.vocabulary)
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
        meta=extract_metadata(normalized.text, data.header, raw_text=ingested.raw_text,
                              raw_script=normalized.script),
        sections=parse_outline(normalized.text, data.outline),
        sentences=split_sentences(normalized.text),
    )


def process_file(path: Path, input_dir: Path, extractors: Extractors, options: RunOptions = DEFAULT_OPTIONS,
                 on_stage: Callable[[str], None] | None = None) -> DocumentResult:
    """Every row one input file contributes; failures become ``errors`` rows.

    ``on_stage`` is told each stage as it starts (an engine's supervisor names the stage of a document it
    stops). Over the memory budget (MemoryError under the worker's limit), or when a time guard raises
    :class:`DocumentTimeout`, the document becomes a ``too_large`` / ``timeout`` row naming the stage."""
    return _process(relative_source_path(path, input_dir),
                    lambda: ingest_with_notes(path, input_dir, extractors.stages.ingest, options.ingest), extractors, options, on_stage)


def process_input(doc: DocumentInput, extractors: Extractors, options: RunOptions = DEFAULT_OPTIONS,
                  on_stage: Callable[[str], None] | None = None) -> DocumentResult:
    """``process_file`` of a file given as data (its bytes or URL and relative path): what a Dask worker
    on another machine runs; the rows are those ``process_file`` gives for the file."""
    return _process(doc.source_path, lambda: ingest_input(doc, extractors.stages.ingest, options.ingest), extractors, options, on_stage)


def _process(rel: str, ingest: Callable[[], tuple], extractors: Extractors, options: RunOptions,
             on_stage: Callable[[str], None] | None) -> DocumentResult:
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
        ingested, notes = ingest()
        warnings += [ErrorRow(source_path=rel, stage="ingest", error=n.kind, message=n.message) for n in notes]
        result.sha256 = ingested.sha256
        enter("normalize")
        doc = build_document(ingested, extractors.stages)
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
    registry = extractors.registry
    tables = {name: extraction.rows(name) for name in registry.produced}
    for name, rows in tables.items():
        problem = registry.table(name).row_problem(rows)
        if problem is not None:     # checked here so that the run names this file and goes on
            result.errors.append(ErrorRow(source_path=rel, stage="export", error="contract",
                                          message=f"{rel}: a row breaks the output contract ({problem}); the "
                                                  f"file's rows were left out. Please report it with this file."))
            return result
    for name, rows in tables.items():
        result.rows(name).extend(rows)
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
    return _guarded(relative_source_path(path, input_dir), options,
                    lambda on_stage: process_file(path, input_dir, extractors, options, on_stage=on_stage))


def guarded_process_input(doc: DocumentInput, extractors: Extractors,
                          options: RunOptions = DEFAULT_OPTIONS) -> DocumentResult:
    """``process_input`` under the time budget (the Dask engine)."""
    return _guarded(doc.source_path, options,
                    lambda on_stage: process_input(doc, extractors, options, on_stage=on_stage))


def _guarded(rel: str, options: RunOptions,
             run: Callable[[Callable[[str], None]], DocumentResult]) -> DocumentResult:
    stage = ["ingest"]
    try:
        with time_guard(options.budget.seconds):
            return run(lambda s: stage.__setitem__(0, s))
    except DocumentTimeout:    # raised after the document was done, just before the guard was disarmed
        result = DocumentResult(source_path=rel)
        result.errors.append(timeout_row(result.source_path, stage[0], options.budget))
        return result
