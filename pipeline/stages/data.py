"""What the stages that build a Document read from the rule book, built once per book.

``normalize`` reads the boilerplate vocabulary (``boilerplate.toml``); the metadata reader its own words
(``metadata.toml``), the site rules (``sites.toml``) and the places (``places.toml``,
``gazetteers/divisions.csv``); the outline its label (``${OUTLINE_LABEL}`` of ``common.toml``). A worker builds this once from the book it was handed.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..extract.rules import RuleSource
from .ingest import PageFurniture
from .metadata import HeaderData
from .normalize import Vocabulary, load_vocabulary
from .outline import OutlineLabels


@dataclass(frozen=True)
class StageData:
    vocabulary: Vocabulary      # page furniture (normalize)
    header: HeaderData          # title, issuer, 文号, place (metadata)
    outline: OutlineLabels      # the outline label of the book's common.toml (outline)
    ingest: PageFurniture       # a PDF's running lines (ingest)

    @classmethod
    def from_rulebook(cls, book: RuleSource) -> "StageData":
        return book.view("stage-data", lambda: cls(vocabulary=load_vocabulary(book),
                                                   header=HeaderData.from_rulebook(book),
                                                   outline=OutlineLabels.from_rulebook(book),
                                                   ingest=PageFurniture.from_rulebook(book)))
