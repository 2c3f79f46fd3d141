"""entities extraction (placeholder until its issue lands: returns no rows)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..models import Document, EntityRow


@dataclass(frozen=True)
class EntityExtractor:
    @classmethod
    def from_rules(cls, rules_dir: Path) -> "EntityExtractor":
        return cls()

    def __call__(self, doc: Document) -> list[EntityRow]:
        return []
