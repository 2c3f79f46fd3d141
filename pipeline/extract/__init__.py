"""Extraction stage: rules, gazetteers and models applied to a segmented Document.

Each concern lives in its own module with the same shape, modelled on spaCy
components: ``<Name>Extractor.from_rulebook(book)`` builds it from the run's
:class:`~pipeline.rulebook.RuleBook` (its rule files compiled once per book);
calling the extractor on a :class:`~pipeline.tables.rows.Document` is a pure
function returning rows.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..tables.rows import AchievementRow, DeadlineRow, Document, EntityRow, ResponsibilityRow, TargetRow
from .deadlines import DeadlineExtractor
from .entities import EntityExtractor
from .indicators import IndicatorTable
from .passages import PassageClassifier, Passages
from .responsibilities import ResponsibilityExtractor
from .rules import RuleSource
from .targets import TargetExtractor

if TYPE_CHECKING:   # imported where used: stages/ import extract.rules, which runs this package first
    from ..stages.data import StageData


@dataclass(frozen=True)
class Extraction:
    targets: list[TargetRow]
    achievements: list[AchievementRow]
    deadlines: list[DeadlineRow]
    responsibilities: list[ResponsibilityRow]
    entities: list[EntityRow]
    passages: Passages


@dataclass(frozen=True)
class Extractors:
    deadlines: DeadlineExtractor
    targets: TargetExtractor
    responsibilities: ResponsibilityExtractor
    entities: EntityExtractor
    passages: PassageClassifier
    indicators: IndicatorTable
    stages: StageData          # what normalize and the metadata reader read: everything a worker needs

    @classmethod
    def from_rulebook(cls, book: RuleSource) -> "Extractors":
        """Everything built from ``book``, once per book (a worker handed the book builds it once)."""
        from ..stages.data import StageData
        return book.view("extractors", lambda: cls(
            deadlines=DeadlineExtractor.from_rulebook(book),
            targets=TargetExtractor.from_rulebook(book),
            responsibilities=ResponsibilityExtractor.from_rulebook(book),
            entities=EntityExtractor.from_rulebook(book),
            passages=PassageClassifier.from_rulebook(book),
            indicators=IndicatorTable.from_rulebook(book),
            stages=StageData.from_rulebook(book),
        ))

    def _code(self, row: TargetRow | AchievementRow) -> str | None:
        return self.indicators.code(row.indicator, row.sentence, row.unit, value_text=row.value_text)

    def __call__(self, doc: Document) -> Extraction:
        # one time context per document, shared: target years are resolved against the document's own
        # deadline expressions
        # passages that report results (a bulletin, a work report's review) hold no goal and no deadline
        passages = self.passages(doc, DeadlineExtractor.document_year(doc))
        time_context = self.deadlines.context(doc, reporting=passages.reporting, reports_all=passages.reports_all)
        deadlines = self.deadlines(doc, time_context)
        targets, achievements = self.targets.read(doc, deadlines, context=time_context,
                                                  reported_year=passages.reported_year)
        # the standard indicator each value measures (rules/indicators.toml); None when none fits
        targets = [dataclasses.replace(t, indicator_code=self._code(t)) for t in targets]
        achievements = [dataclasses.replace(a, indicator_code=self._code(a)) for a in achievements]
        responsibilities = self.responsibilities(doc)
        # units named in responsibility clauses are organisations too (责任单位：…、南滨江公司)
        return Extraction(targets=targets, achievements=achievements, deadlines=deadlines, responsibilities=responsibilities,
                          entities=self.entities(doc, responsibilities), passages=passages)
