"""Engines that map the per-document function over a corpus.

Both engines run the same pure function, :func:`pipeline.run.process_file`,
and yield results in input order through a bounded window of in-flight
documents, so memory stays flat however large the corpus is and both
engines' outputs are byte-identical.

- ``local``: a process pool on this machine (``--workers N``, default: cores).
  With one worker everything runs in this process.
- ``dask``: dask.distributed — a ``LocalCluster`` when no ``--scheduler`` is
  given, else the cluster at that address (its workers must have this package
  and its ``rules/`` installed).

Each worker loads the extractors once (rules, gazetteers, spaCy pipeline) and
keeps them for every document it processes.
"""
from __future__ import annotations

import collections
import os
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Protocol

from .extract import Extractors
from .models import DocumentResult

ENGINES = ("local", "dask")
LOCAL_BATCH_SIZE = 4


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class Engine(Protocol):
    def map_files(self, paths: Iterable[Path], input_dir: Path) -> Iterator[DocumentResult]: ...

    def close(self) -> None: ...


def ordered_window(submit: Callable[[Any], Future], items: Iterable[Any], window: int,
                   result: Callable[[Future], Any] = lambda f: f.result()) -> Iterator[Any]:
    """Submit at most ``window`` items ahead and yield their results in input order."""
    pending: collections.deque[Future] = collections.deque()
    for item in items:
        pending.append(submit(item))
        if len(pending) >= window:
            yield result(pending.popleft())
    while pending:
        yield result(pending.popleft())


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive lists of ``size`` items (the last may be shorter); itertools.batched before 3.12."""
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# ------------------------------------------------------------------ local

# Per-process state of a pool worker: set once by the pool's initializer.
_worker_extractors: Extractors | None = None


def _init_local_worker(rules_dir: str) -> None:
    global _worker_extractors
    _worker_extractors = Extractors.from_rules(Path(rules_dir))


def _local_batch(paths: list[Path], input_dir: Path) -> list[DocumentResult]:
    from .run import process_file
    assert _worker_extractors is not None, "pool worker was not initialized"
    return [process_file(path, input_dir, _worker_extractors) for path in paths]


def _ready() -> bool:
    return _worker_extractors is not None


class LocalEngine:
    def __init__(self, workers: int, rules_dir: Path, extractors: Extractors | None = None):
        self.workers = max(1, workers)
        self._extractors = extractors
        self._pool: ProcessPoolExecutor | None = None
        if self.workers == 1:
            if self._extractors is None:
                self._extractors = Extractors.from_rules(rules_dir)
        else:
            self._pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_init_local_worker,
                                             initargs=(str(rules_dir),))
            # Start every worker now, so start-up is paid (and measured) before the first document.
            for f in [self._pool.submit(_ready) for _ in range(self.workers)]:
                f.result()

    def map_files(self, paths: Iterable[Path], input_dir: Path) -> Iterator[DocumentResult]:
        from .run import process_file
        if self._pool is None:
            assert self._extractors is not None
            for path in paths:
                yield process_file(path, input_dir, self._extractors)
            return
        pool = self._pool
        # a few documents per task: fewer round trips through the pool's pipes
        for results in ordered_window(lambda batch: pool.submit(_local_batch, batch, input_dir),
                                      batched(paths, LOCAL_BATCH_SIZE), 3 * self.workers):
            yield from results

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def make_engine(name: str, workers: int, rules_dir: Path, scheduler: str | None = None,
                extractors: Extractors | None = None) -> Engine:
    """``extractors`` already loaded in this process are used when the work stays in this process."""
    if name == "local":
        if scheduler:
            raise ValueError("--scheduler goes with --engine dask")
        return LocalEngine(workers, rules_dir, extractors)
    if name == "dask":
        from .dask_engine import DaskEngine  # dask is imported only when asked for
        return DaskEngine(workers, rules_dir, scheduler)
    raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
