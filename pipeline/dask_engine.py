"""The Dask engine: the per-document function on a dask.distributed cluster.

A ``LocalCluster`` when no scheduler address is given; else the cluster at
that address, whose workers must have this package and its ``rules/``
installed. Each worker loads the extractors once, through a worker plugin.
Documents go to the cluster in small batches: one task per document costs
the scheduler more than extracting a short document does (Dask's advice is
tasks of 100 ms or more), and on two cores that overhead competes with the
workers for CPU.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Iterator

from distributed import Client, LocalCluster, get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from .engines import batched, ordered_window
from .extract import Extractors
from .models import DocumentResult


BATCH_SIZE = 8   # documents per task: ~5,000-character documents take ~25 ms each


def _dask_batch(paths: list[Path], input_dir: Path) -> list[DocumentResult]:
    from .run import process_file
    extractors = get_worker().plugins[ExtractorsPlugin.name].extractors
    return [process_file(path, input_dir, extractors) for path in paths]


class ExtractorsPlugin(WorkerPlugin):
    """Dask worker plugin: loads the extractors once per worker."""

    name = "policy-extractors"

    def __init__(self, rules_dir: str):
        self.rules_dir = rules_dir
        self.extractors: Extractors | None = None

    def setup(self, worker: Any) -> None:
        self.extractors = Extractors.from_rules(Path(self.rules_dir))

    def teardown(self, worker: Any) -> None:
        self.extractors = None


class DaskEngine:
    def __init__(self, workers: int, rules_dir: Path, scheduler: str | None = None):
        self.workers = max(1, workers)
        self._cluster = None
        if scheduler:
            self._client = Client(scheduler)
        else:
            self._cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                         dashboard_address=None, silence_logs=40)
            self._client = Client(self._cluster)
        self._client.register_plugin(ExtractorsPlugin(str(Path(rules_dir).resolve())))
        n = len(self._client.scheduler_info().get("workers", {})) or self.workers
        self._window = 3 * n   # batches in flight: every worker busy, memory bounded

    def map_files(self, paths: Iterable[Path], input_dir: Path) -> Iterator[DocumentResult]:
        client = self._client
        batches = ordered_window(lambda batch: client.submit(_dask_batch, batch, input_dir, pure=False),
                                 batched(paths, BATCH_SIZE), self._window)
        for results in batches:
            yield from results

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()
