"""Per-document budgets and the options a run hands to every worker (README "Budgets")."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..stages.ingest import IngestOptions

STAGES = ("ingest", "normalize", "extract", "export")
# Kinds of errors row that mean "over budget": the worker that produced one is replaced.
BUDGET_ERRORS = ("timeout", "too_large")


@dataclass(frozen=True)
class Budget:
    """What one document may cost; settable with --time-budget / --memory-budget."""
    seconds: float = 300.0     # wall time of one document, all stages (0: no limit)
    memory_mb: int = 4096      # memory a worker may take on top of what it holds before the document


@dataclass(frozen=True)
class RunOptions:
    budget: Budget = field(default_factory=Budget)
    ingest: IngestOptions = field(default_factory=IngestOptions)
    # no rules here: the rule book travels on its own (engines hand it to each worker)


DEFAULT_OPTIONS = RunOptions()


class DocumentTimeout(BaseException):
    """Raised into the thread processing a document that ran past its time budget (BaseException: no
    ``except Exception`` on the way swallows it)."""
