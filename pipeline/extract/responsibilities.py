"""responsibilities extraction (placeholder until its issue lands: returns no rows)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..models import Document, ResponsibilityRow


@dataclass(frozen=True)
class ResponsibilityExtractor:
    @classmethod
    def from_rules(cls, rules_dir: Path) -> "ResponsibilityExtractor":
        return cls()

    def __call__(self, doc: Document) -> list[ResponsibilityRow]:
        return []
