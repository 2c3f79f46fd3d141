"""Engines that map the per-document function over a corpus.

Both engines run the same pure function, :func:`pipeline.run.process.process_file`,
and yield results in input order through a bounded window of in-flight
documents, so memory stays flat however large the corpus is and both
engines' outputs are byte-identical.

- ``local``: a process pool on this machine (``--workers N``, default: cores).
  With one worker everything runs in this process.
- ``dask``: dask.distributed — a ``LocalCluster`` when no ``--scheduler`` is
  given, else the cluster at that address (its workers must have this package
  installed; the rules travel in the book).

Each worker is handed the run's :class:`~pipeline.rulebook.RuleBook` and builds
the extractors from it once (rules, gazetteers, spaCy pipeline), keeping them for
every document it processes; a forked worker inherits the ones already built.
"""
from __future__ import annotations

import collections
import ctypes
import io
import multiprocessing
import multiprocessing.connection
import os
import pickle
import resource
import signal
import time
from concurrent.futures import Future
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Protocol

from ..extract import REGISTRY, Extractors
from ..rulebook import RuleBook
from ..stages.ingest import relative_source_path
from ..tables.registry import Registry
from ..tables.rows import DocumentResult
from .budget import BUDGET_ERRORS, STAGES, RunOptions

ENGINES = ("local", "dask")
LOCAL_BATCH_SIZE = 4
LARGE_FILE_BYTES = 1 << 20      # a file this large is a batch of its own (sent first, see scheduled_batches)


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


Arrival = Callable[[DocumentResult], DocumentResult]


def _as_is(result: DocumentResult) -> DocumentResult:
    return result


class Engine(Protocol):
    def map_files(self, paths: Iterable[Path], input_dir: Path,
                  on_arrival: Arrival = _as_is) -> Iterator[DocumentResult]:
        """Each file's result, in input order; ``on_arrival`` is applied to each result as soon as it
        arrives (in the order they finish) and what it returns is what is yielded."""
        ...

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


def _file_size(path: Path) -> int:
    try:
        return os.lstat(path).st_size     # lstat: a link is never followed just to be scheduled
    except OSError:
        return 0


def scheduled_batches(paths: list[Path], window: int, size: int = LOCAL_BATCH_SIZE,
                      large: int = LARGE_FILE_BYTES) -> list[list[tuple[int, Path]]]:
    """The run's batches of (position, path): each window of ``window`` consecutive files, largest first,
    a large file alone and small ones ``size`` at a time. Largest first (LPT scheduling) keeps one huge
    file from starting last on a worker already busy with others, which would make the run as long as
    both; windows keep the results held for in-order output bounded. Positions keep the output order."""
    out: list[list[tuple[int, Path]]] = []
    for lo in range(0, len(paths), window):
        sizes = {i: _file_size(paths[i]) for i in range(lo, min(lo + window, len(paths)))}
        chunk = [(i, paths[i]) for i in sorted(sizes, key=lambda i: (-sizes[i], i))]
        out += [[item] for item in chunk if sizes[item[0]] >= large]
        out += batched([item for item in chunk if sizes[item[0]] < large], size)
    return out


# ------------------------------------------------------------------ local

_STAGE_CODES = {name: i for i, name in enumerate(STAGES)}
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Ask the kernel to kill this worker when the process that started it dies, even by kill -9."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):   # not Linux: the pipe's EOF still ends an idle worker
        pass


def _limit_memory(megabytes: int) -> None:
    """Address space of this worker capped at what it holds now plus the budget: an allocation past it
    raises MemoryError, which process_file turns into a ``too_large`` row."""
    try:
        with open("/proc/self/statm") as fh:
            held = int(fh.read().split()[0]) * resource.getpagesize()
        limit = held + megabytes * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
    except (OSError, ValueError):       # no /proc, or the hard limit is lower: the supervisor's kill remains
        pass


def _worker_main(conn: Connection, book: RuleBook, options: RunOptions, stage: Any, registry: Registry) -> None:
    from .process import process_file
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)    # Ctrl-C goes to the whole group: the parent decides
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # forked: the book arrives with the extractors the parent built from it (its views); else built once here
    extractors = Extractors.from_rulebook(book, registry)
    _limit_memory(options.budget.memory_mb)

    def on_stage(name: str) -> None:
        stage.value = _STAGE_CODES[name]

    conn.send("ready")
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        paths, input_dir = task
        for path in paths:
            result = process_file(path, input_dir, extractors, options, on_stage=on_stage)
            try:
                conn.send(result)
            except MemoryError:
                result = _send_large(conn, result, options)
            if any(e.error in BUDGET_ERRORS for e in result.errors):
                return      # memory may be fragmented or a lock left held: the supervisor starts a new one


def _send_large(conn: Connection, result: DocumentResult, options: RunOptions) -> DocumentResult:
    """Send a result whose pickling ran out of the worker's memory: the pickler's memo (an entry per object,
    hundreds of thousands of rows on a 5M-character line) is what overflows, so pickle again without one
    (rows hold no cycles; shared strings are written once per row). If even that does not fit, the document
    becomes a too_large row rather than a crashed worker. Returns what was sent."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    try:
        pickler.dump(result)
        conn.send_bytes(buffer.getbuffer())     # the parent's recv() unpickles any pickle
        return result
    except MemoryError:
        buffer = None
        replacement = _unsendable(result, options)
        conn.send(replacement)
        return replacement


def _unsendable(result: DocumentResult, options: RunOptions) -> DocumentResult:
    from .process import too_large_row
    rel = result.source_path
    replacement = DocumentResult(source_path=rel)
    replacement.errors.append(too_large_row(rel, "export", options.budget,
                                            " (its rows could not be passed to the main process)"))
    return replacement


class _Worker:
    """One worker process, its pipe, the stage it is in, and the batch it is working on."""

    def __init__(self, ctx: Any, book: RuleBook, options: RunOptions, registry: Registry):
        self.conn, child = ctx.Pipe()
        self.stage = ctx.RawValue("i", 0)
        self.proc = ctx.Process(target=_worker_main, args=(child, book, options, self.stage, registry),
                                daemon=True, name="policy-extract-worker")
        self.proc.start()
        child.close()
        self.ready = False
        self.batch: list[tuple[int, Path]] = []    # (position in the run, path) still to come back
        self.since = 0.0                          # when the document now in progress started

    def send(self, batch: list[tuple[int, Path]], input_dir: Path) -> None:
        self.batch = list(batch)
        self.since = time.monotonic()
        self.stage.value = 0
        self.conn.send(([p for _, p in batch], input_dir))

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.proc.join(2)
        self.kill()


class LocalEngine:
    """A pool of supervised worker processes on this machine.

    The supervisor gives each worker a few documents at a time and watches every document's wall time:
    past the budget it kills the worker (whatever it is doing, C code included), records a ``timeout``
    row naming the stage, starts a new worker and goes on with the rest of the batch. A worker that dies
    (out of memory, a crash) costs the document it was on, likewise. With one worker the documents are
    processed in this process, under a time guard that stops Python code only.
    """

    def __init__(self, workers: int, book: RuleBook, options: RunOptions | None = None,
                 registry: Registry = REGISTRY):
        self.workers = max(1, workers)
        self.book = book
        self.registry = registry
        self.options = options or RunOptions()
        # built here, before any fork: every worker (at start, or replacing one stopped over budget)
        # inherits them with the book instead of compiling the rules again
        self._extractors = Extractors.from_rulebook(book, registry)
        self._pool: list[_Worker] = []
        if self.workers == 1:
            return
        self._ctx = multiprocessing.get_context("fork")
        try:
            self._pool = [_Worker(self._ctx, self.book, self.options, self.registry) for _ in range(self.workers)]
            for w in self._pool:        # start-up is paid (and measured) before the first document
                self._await_ready(w)
        except BaseException:
            self.close()
            raise

    def _await_ready(self, worker: _Worker) -> None:
        if not worker.conn.poll(600) or worker.conn.recv() != "ready":
            raise RuntimeError("a worker process did not start")
        worker.ready = True

    def _replace(self, worker: _Worker) -> _Worker:
        worker.kill()
        fresh = _Worker(self._ctx, self.book, self.options, self.registry)
        self._pool[self._pool.index(worker)] = fresh
        self._await_ready(fresh)
        return fresh

    def map_files(self, paths: Iterable[Path], input_dir: Path,
                  on_arrival: Arrival = _as_is) -> Iterator[DocumentResult]:
        from .process import guarded_process_file
        if not self._pool:
            assert self._extractors is not None
            for path in paths:
                yield on_arrival(guarded_process_file(path, input_dir, self._extractors, self.options))
            return
        yield from self._supervise(list(paths), input_dir, on_arrival)

    def _supervise(self, paths: list[Path], input_dir: Path, on_arrival: Arrival) -> Iterator[DocumentResult]:
        from .process import timeout_row, too_large_row
        budget = self.options.budget
        window = 3 * self.workers * LOCAL_BATCH_SIZE     # documents ahead of the next one yielded
        todo: collections.deque[list[tuple[int, Path]]] = collections.deque(scheduled_batches(paths, window))
        done: dict[int, DocumentResult] = {}
        next_out = 0

        def lost(worker: _Worker, row_for: Callable[[str, str], Any]) -> None:
            """The document the worker was on is recorded; the rest of its batch goes back to the queue."""
            (i, path), rest = worker.batch[0], worker.batch[1:]
            rel = relative_source_path(path, input_dir)
            result = DocumentResult(source_path=rel)
            result.errors.append(row_for(rel, STAGES[worker.stage.value]))
            done[i] = on_arrival(result)
            worker.batch = []
            if rest:
                todo.appendleft(rest)

        while next_out < len(paths):
            for w in self._pool:
                if not w.batch and todo and min(i for i, _ in todo[0]) < next_out + window:
                    w.send(todo.popleft(), input_dir)
            busy = [w for w in self._pool if w.batch]
            now = time.monotonic()
            wait = min((w.since + budget.seconds - now for w in busy), default=1.0) if budget.seconds > 0 else 1.0
            multiprocessing.connection.wait([w.conn for w in busy] + [w.proc.sentinel for w in busy],
                                                    timeout=max(0.0, min(wait, 1.0)))
            now = time.monotonic()
            for w in busy:
                retire = dead = False
                try:
                    while w.batch and w.conn.poll():
                        result = w.conn.recv()
                        (i, _), w.batch = w.batch[0], w.batch[1:]
                        retire = any(e.error in BUDGET_ERRORS for e in result.errors)
                        done[i] = on_arrival(result)
                        w.since = time.monotonic()
                        if retire:
                            break
                except (EOFError, OSError):
                    dead = True
                if retire:                      # the worker ends itself after an over-budget document
                    if w.batch:
                        todo.appendleft(w.batch)
                        w.batch = []
                    self._replace(w)
                elif not w.batch:
                    continue
                elif dead or not w.proc.is_alive():
                    w.proc.join(1)
                    code = w.proc.exitcode
                    if code == -signal.SIGKILL:    # the kernel's out-of-memory killer, most likely
                        lost(w, lambda rel, st: too_large_row(rel, st, budget, " (the system killed its worker)"))
                    else:
                        lost(w, lambda rel, st: _crash_row(rel, st, code))
                    self._replace(w)
                elif budget.seconds > 0 and now - w.since > budget.seconds:
                    lost(w, lambda rel, st: timeout_row(rel, st, budget))
                    self._replace(w)
            while next_out in done:
                yield done.pop(next_out)
                next_out += 1

    def close(self) -> None:
        for w in self._pool:      # a worker still on a batch (an interrupted run) is killed at once
            w.kill() if w.batch else w.stop()
        self._pool = []


def _crash_row(rel: str, stage: str, code: int | None) -> Any:
    from ..tables.rows import ErrorRow
    return ErrorRow(source_path=rel, stage=stage, error="internal_error",
                    message=f"{rel}: the worker process stopped (exit status {code}) in the {stage} stage. "
                            "Please report it with this file.")
