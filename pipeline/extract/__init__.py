"""Extraction stage: rules, gazetteers and models applied to a segmented Document.

Each concern lives in its own module with the same shape, modelled on spaCy
components: ``<Name>Extractor.from_rules(rules_dir)`` loads and compiles its
data once; calling the extractor on a :class:`~pipeline.tables.rows.Document` is a
pure function returning rows.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from ..tables.rows import AchievementRow, DeadlineRow, Document, EntityRow, ResponsibilityRow, TargetRow
from .deadlines import DeadlineExtractor
from .entities import EntityExtractor
from .indicators import IndicatorTable
from .passages import PassageClassifier, Passages
from .responsibilities import ResponsibilityExtractor
from .rules import load_rules_dir
from .targets import TargetExtractor


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

    @classmethod
    def from_rules(cls, rules_dir: Path) -> "Extractors":
        # Validate every rule file, used or not: a broken file must fail the run at load.
        load_rules_dir(rules_dir)
        return cls(
            deadlines=DeadlineExtractor.from_rules(rules_dir),
            targets=TargetExtractor.from_rules(rules_dir),
            responsibilities=ResponsibilityExtractor.from_rules(rules_dir),
            entities=EntityExtractor.from_rules(rules_dir),
            passages=PassageClassifier.from_rules(rules_dir),
            indicators=IndicatorTable.from_rules(rules_dir),
        )

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
