"""deadlines extraction (placeholder until its issue lands: returns no rows)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..models import Document, DeadlineRow


@dataclass(frozen=True)
class DeadlineExtractor:
    @classmethod
    def from_rules(cls, rules_dir: Path) -> "DeadlineExtractor":
        return cls()

    def __call__(self, doc: Document) -> list[DeadlineRow]:
        return []
