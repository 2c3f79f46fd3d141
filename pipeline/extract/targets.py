"""targets extraction (placeholder until its issue lands: returns no rows)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..models import DeadlineRow, Document, TargetRow


@dataclass(frozen=True)
class TargetExtractor:
    @classmethod
    def from_rules(cls, rules_dir: Path) -> "TargetExtractor":
        return cls()

    def __call__(self, doc: Document, deadlines: list[DeadlineRow]) -> list[TargetRow]:
        return []
