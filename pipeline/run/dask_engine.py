"""The Dask engine: the per-document function on a dask.distributed cluster.

A ``LocalCluster`` when no scheduler address is given; else the cluster at
that address, whose workers need only this package installed
(``pip install policy-extract``): nothing the client has on disk is read on a
worker. The rules go to every worker as a :class:`RuleBook` (the files'
bytes) in a worker plugin, which builds the extractors from it once; each
task carries its documents as :class:`DocumentInput` (bytes and relative
path, read here, or a URL the worker reads).
Documents go to the cluster in small batches: one task per document costs
the scheduler more than extracting a short document does (Dask's advice is
tasks of 100 ms or more), and on two cores that overhead competes with the
workers for CPU.

Budgets: each document runs under the time guard (``pipeline.run.process.guarded_process_input``,
which stops Python code) and each worker's address space is capped at what it holds plus
the memory budget; a batch with a document over budget gets its worker restarted. A batch
whose worker dies (the nanny's memory limit, a crash) is retried one document per task, so
that only the document that kills its worker is lost, as a ``too_large`` row.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Iterator

from distributed import Client, LocalCluster, get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from ..extract import Extractors
from ..rulebook import RuleBook
from ..stages.ingest import DocumentInput, read_input
from ..tables.rows import DocumentResult, ErrorRow
from .budget import BUDGET_ERRORS, RunOptions
from .engines import Arrival, _as_is, _limit_memory, batched, ordered_window

BATCH_SIZE = 8   # documents per task: ~5,000-character documents take ~25 ms each


def _dask_batch(docs: list[DocumentInput], options: RunOptions) -> tuple[list[DocumentResult], str]:
    from .process import guarded_process_input
    worker = get_worker()
    extractors = worker.plugins[ExtractorsPlugin.name].extractors
    return [guarded_process_input(doc, extractors, options) for doc in docs], worker.address


class ExtractorsPlugin(WorkerPlugin):
    """Dask worker plugin: loads the extractors once per worker."""

    name = "policy-extractors"

    def __init__(self, book: RuleBook, memory_mb: int = 0):
        self.book = book            # pickled to each worker: no path of this machine is read there
        self.memory_mb = memory_mb
        self.extractors: Extractors | None = None

    def setup(self, worker: Any) -> None:
        self.extractors = Extractors.from_rulebook(self.book)
        if self.memory_mb:
            _limit_memory(self.memory_mb)

    def teardown(self, worker: Any) -> None:
        self.extractors = None


class DaskEngine:
    def __init__(self, workers: int, book: RuleBook, scheduler: str | None = None,
                 options: RunOptions | None = None):
        self.workers = max(1, workers)
        self.options = options or RunOptions()
        self._cluster = None
        if scheduler:
            self._client = Client(scheduler)
        else:
            self._cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                         dashboard_address=None, silence_logs=40)
            self._client = Client(self._cluster)
        self._client.register_plugin(ExtractorsPlugin(book, self.options.budget.memory_mb))
        n = len(self._client.scheduler_info().get("workers", {})) or self.workers
        self._window = 3 * n   # batches in flight: every worker busy, memory bounded
        self._inputs: dict[str, list[DocumentInput]] = {}

    def map_files(self, paths: Iterable[Path], input_dir: Path,
                  on_arrival: Arrival = _as_is) -> Iterator[DocumentResult]:
        # read here, a batch at a time as the window moves: a worker never sees a path of this machine
        docs = (read_input(path, input_dir, self.options.ingest) for path in paths)
        yield from self.map_inputs(docs, on_arrival)

    def map_inputs(self, docs: Iterable[DocumentInput], on_arrival: Arrival = _as_is) -> Iterator[DocumentResult]:
        """Results of inputs given as data (bytes, or URLs the workers read), in input order; ``on_arrival``
        as in :meth:`pipeline.run.engines.Engine.map_files` (here applied as each batch is collected)."""
        for results in ordered_window(self._submit, batched(docs, BATCH_SIZE), self._window, self._collect):
            for result in results:
                yield on_arrival(result)

    def _submit(self, batch: list[DocumentInput]) -> Any:
        future = self._client.submit(_dask_batch, batch, self.options, pure=False)
        self._inputs[future.key] = batch
        return future

    def _collect(self, future: Any) -> list[DocumentResult]:
        """A batch's results; its worker restarted after a document over budget; a batch that killed its
        worker retried one document at a time."""
        batch = self._inputs.pop(future.key)
        try:
            results, address = future.result()
        except Exception as exc:   # the worker died (KilledWorker), or the task could not run
            if len(batch) > 1:
                return [r for doc in batch for r in self._collect(self._submit([doc]))]
            rel = batch[0].source_path
            result = DocumentResult(source_path=rel)
            result.errors.append(ErrorRow(
                source_path=rel, stage="unknown", error="too_large",
                message=f"{rel}: its Dask worker died while processing it ({type(exc).__name__}), most likely "
                        f"over the memory limit; it was left out (--memory-budget sets the budget)."))
            return [result]
        if any(e.error in BUDGET_ERRORS for r in results for e in r.errors):
            try:
                self._client.restart_workers([address])
            except Exception:      # an older distributed, or a worker already gone: the run goes on
                pass
        return results

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()
