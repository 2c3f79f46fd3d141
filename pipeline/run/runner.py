"""A corpus through the pipeline: files in input order from an engine or the incremental cache into the tables.

``run_extract`` loads the extractors once, starts an engine (``pipeline.run.engines`` on this machine,
``pipeline.run.dask_engine`` on a cluster), streams each file's :class:`DocumentResult` into the parquet
writers, derives the panel and writes the manifest.
"""
from __future__ import annotations

import datetime as dt
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pyarrow as pa
from tqdm import tqdm

from .. import DEFAULT_RULES_DIR, __version__
from ..extract import REGISTRY, Extractors
from ..rulebook import RuleBook
from ..stages.ingest import IngestOptions, discover, discover_url, is_url, relative_source_path
from ..tables.export import StreamingTables, pack_tables, write_json
from ..tables.panel import write_panel
from ..tables.registry import Registry
from ..tables.rows import DocumentResult
from .budget import BUDGET_ERRORS, Budget, RunOptions
from .cache import ResultCache, code_fingerprint, file_sha256
from .engines import ENGINES, Engine, LocalEngine, default_workers


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
             stats: dict[str, int], pack: Callable[[DocumentResult], DocumentResult]) -> Iterator[DocumentResult]:
    """Results in input order: cached ones reused, the others computed by the engine.

    A computed result is cached and packed (``pack``) as soon as it arrives, which may be long before
    its turn: a huge document finishing while the run waits for another is converted in that wait.
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
    keys = {relative_source_path(path, input_dir): key for path, key in keyed if key is not None}

    def arrived(result: DocumentResult) -> DocumentResult:
        key = keys.get(result.source_path)
        if cache is not None and key is not None and \
                not any(e.error in TRANSIENT_ERRORS for e in result.errors):
            cache.put(key, result)
        return pack(result)

    hits = {key for _, key in keyed if cache is not None and key is not None and cache.has(key)}
    computed = engine.map_files([path for path, key in keyed if key not in hits], input_dir, arrived)
    for path, key in keyed:
        if key in hits:
            hit = cache.get(key)
            if hit is not None:
                stats["reused"] += 1
                yield pack(hit)
                continue
            yield next(engine.map_files([path], input_dir, arrived))    # a damaged entry: compute it now
        else:
            yield next(computed)


def run_extract(input_dir: Path | str, output_dir: Path, rules_dir: Path = DEFAULT_RULES_DIR, *,
                engine: str = "local", workers: int | None = None, scheduler: str | None = None,
                incremental: bool = True, progress: bool | None = None, budget: Budget | None = None,
                ingest: IngestOptions | None = None, registry: Registry = REGISTRY) -> RunSummary:
    """Run the pipeline on every file under ``input_dir`` (a folder, or with the Dask engine a folder URL
    such as ``s3://bucket/prefix`` that the workers read through fsspec); write tables and manifest to
    ``output_dir``.

    ``registry``: the tables and the steps producing them (``pipeline.extract.REGISTRY``, or one with more
    tables registered)."""
    started = dt.datetime.now(dt.timezone.utc)
    remote = is_url(input_dir)
    if remote and engine != "dask":
        raise ValueError(f"--input {input_dir} is a URL, which the Dask engine reads (--engine dask)")
    options = RunOptions(budget=budget or Budget(), ingest=ingest or IngestOptions())
    # The rules are read once, here: loading validates every file (rule files, vocabulary, sites, places,
    # gazetteers …) before any work or worker starts, and every worker is handed this book.
    book = RuleBook.load(Path(rules_dir))
    runner = make_engine(engine, workers or default_workers(), book, scheduler, options=options, registry=registry)
    try:
        return extract_with_engine(str(input_dir) if remote else Path(input_dir), Path(output_dir), runner,
                                   book.fingerprint,
                                   engine_name=engine, incremental=incremental, progress=progress,
                                   started=started, follow_symlinks=options.ingest.follow_symlinks,
                                   extractors=Extractors.from_rulebook(book), registry=registry)
    finally:
        runner.close()


def extract_with_engine(input_dir: Path | str, output_dir: Path, runner: Engine, fingerprint: str, *,
                        engine_name: str, incremental: bool = True, progress: bool | None = None,
                        started: dt.datetime | None = None, follow_symlinks: bool = False,
                        extractors: Extractors | None = None, registry: Registry = REGISTRY) -> RunSummary:
    """The run proper, on an engine that is already up (the benchmark times this part); ``extractors``
    (of the run's rule book) give the panel its indicator table. A URL ``input_dir`` (str) is read by
    the workers (``runner.map_inputs``), without the incremental cache: its bytes never come here to be
    hashed."""
    started = started or dt.datetime.now(dt.timezone.utc)
    clock = time.perf_counter()
    code = code_fingerprint()
    stats = {"reused": 0}
    # the per-document tables; the panel is derived from them once they are in place
    names = registry.per_document

    # every table but errors was checked row by row in the worker (process_file), where a bad row becomes
    # that file's error row: the writer does not check the values again
    def to_table(name: str, rows: list) -> pa.Table:
        return registry.to_table(name, rows, checked=name != "errors")

    def pack(result: DocumentResult) -> DocumentResult:
        return DocumentResult(source_path=result.source_path, sha256=result.sha256,
                              tables=pack_tables(result.tables, to_table, names))

    if isinstance(input_dir, str):
        docs = discover_url(input_dir)
        incremental, cache, paths = False, None, docs
        results = runner.map_inputs(docs, pack)
    else:
        paths = discover(input_dir, follow_symlinks)
        # the registry is part of the key: a result cached by a run with other tables lacks this run's rows
        cache = ResultCache(output_dir, fingerprint, f"{__version__}+{code[:16]}+{registry.fingerprint[:16]}") \
            if incremental else None
        results = _results(paths, input_dir, runner, cache, stats, pack)
    inputs: list[dict] = []
    internal = 0
    show = sys.stderr.isatty() if progress is None else progress
    with StreamingTables(output_dir, {n: registry.table(n).schema for n in names}, to_table) as tables:
        for result in tqdm(results, total=len(paths),
                           unit="doc", disable=not show, file=sys.stderr):
            for name in names:
                tables.add(name, result.rows(name))
            internal += any(e.error == "internal_error" for e in result.errors)
            inputs.append({"path": result.source_path, "sha256": result.sha256,
                           "doc_id": result.documents[0].doc_id if result.documents else None,
                           "rows": {name: len(result.rows(name)) for name in names}})
    if cache is not None:
        cache.prune()
    counts = tables.counts
    counts["panel"] = write_panel(output_dir, extractors.indicators if extractors is not None else None)
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


def make_engine(name: str, workers: int, book: RuleBook, scheduler: str | None = None,
                options: RunOptions | None = None, registry: Registry = REGISTRY) -> Engine:
    """An engine whose workers build everything from ``book`` (built once in this process, and once in
    a worker that does not inherit it) and run ``registry``'s steps."""
    if name == "local":
        if scheduler:
            raise ValueError("--scheduler goes with --engine dask")
        return LocalEngine(workers, book, options, registry)
    if name == "dask":
        if registry is not REGISTRY:
            # Dask workers load their extractors themselves, from the default registry
            raise ValueError("a registry with tables of its own runs on the local engine only")
        from .dask_engine import DaskEngine  # dask is imported only when asked for
        return DaskEngine(workers, book, scheduler, options)
    raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
