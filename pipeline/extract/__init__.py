"""Extraction stage: rules, gazetteers and models applied to a segmented Document.

Each concern lives in its own module with the same shape, modelled on spaCy
components: ``<Name>Extractor.from_rulebook(book)`` builds it from the run's
:class:`~pipeline.rulebook.RuleBook` (its rule files compiled once per book);
calling the extractor on a :class:`~pipeline.tables.rows.Document` is a pure
function returning rows.

``REGISTRY`` says which step produces which table from what (the run order); a
new table is registered there, or on a registry handed to the run, never by
editing the run (``pipeline.tables.registry``).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping

from ..tables.registry import CONTRACT, Registry, Step
from ..tables.rows import AchievementRow, DeadlineRow, Document, TargetRow
from .deadlines import DeadlineExtractor
from .documents import document_row, section_rows
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
    """Everything the steps produced for one document, by name: each table's rows (``extraction.targets``)
    and the values between steps (``extraction.passages``, ``extraction.time_context``)."""

    values: dict[str, Any]

    def rows(self, table: str) -> list[Any]:
        return self.values[table]

    def __getattr__(self, name: str) -> Any:
        values = self.__dict__.get("values")
        if name.startswith("_") or values is None or name not in values:
            raise AttributeError(name)
        return values[name]


# ---------------------------------------------------------------- the steps of a run, in order
# Each reads the loaded Extractors and what earlier steps produced (Step.needs); module-level functions,
# not lambdas, so that a registry pickles.

def _passages(x: "Extractors", document: Document) -> Passages:
    # passages that report results (a bulletin, a work report's review) hold no goal and no deadline
    return x.passages(document, DeadlineExtractor.document_year(document))


def _documents(x: "Extractors", document: Document, passages: Passages) -> list:
    return [document_row(document, passages.kind)]


def _sections(x: "Extractors", document: Document) -> list:
    return section_rows(document)


def _time_context(x: "Extractors", document: Document, passages: Passages) -> Any:
    # one time context per document, shared: target years are resolved against the document's own
    # deadline expressions
    return x.deadlines.context(document, reporting=passages.reporting, reports_all=passages.reports_all)


def _deadlines(x: "Extractors", document: Document, time_context: Any) -> list[DeadlineRow]:
    return x.deadlines(document, time_context)


def _targets(x: "Extractors", document: Document, deadlines: list[DeadlineRow], time_context: Any,
             passages: Passages) -> tuple[list[TargetRow], list[AchievementRow]]:
    targets, achievements = x.targets.read(document, deadlines, context=time_context,
                                           reported_year=passages.reported_year)
    # the standard indicator each value measures (rules/indicators.toml); None when none fits
    return ([dataclasses.replace(t, indicator_code=x._code(t)) for t in targets],
            [dataclasses.replace(a, indicator_code=x._code(a)) for a in achievements])


def _responsibilities(x: "Extractors", document: Document) -> list:
    return x.responsibilities(document)


def _entities(x: "Extractors", document: Document, responsibilities: list) -> list:
    # units named in responsibility clauses are organisations too (责任单位：…、南滨江公司)
    return x.entities(document, responsibilities)


REGISTRY = Registry(CONTRACT.tables, steps=(
    Step(produces=("passages",), needs=("document",), run=_passages),
    Step(produces=("documents",), needs=("document", "passages"), run=_documents),
    Step(produces=("sections",), needs=("document",), run=_sections),
    Step(produces=("time_context",), needs=("document", "passages"), run=_time_context),
    Step(produces=("deadlines",), needs=("document", "time_context"), run=_deadlines),
    Step(produces=("targets", "achievements"), needs=("document", "deadlines", "time_context", "passages"),
         run=_targets),
    Step(produces=("responsibilities",), needs=("document",), run=_responsibilities),
    Step(produces=("entities",), needs=("document", "responsibilities"), run=_entities),
))


@dataclass(frozen=True)
class Extractors:
    deadlines: DeadlineExtractor
    targets: TargetExtractor
    responsibilities: ResponsibilityExtractor
    entities: EntityExtractor
    passages: PassageClassifier
    indicators: IndicatorTable
    stages: StageData          # what normalize and the metadata reader read: everything a worker needs
    registry: Registry = REGISTRY
    # what the registry's steps with their own ``build`` loaded, by step name
    components: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_rulebook(cls, book: RuleSource, registry: Registry = REGISTRY) -> "Extractors":
        """Everything built from ``book``, once per book (a worker handed the book builds it once), running
        ``registry``'s steps."""
        from ..stages.data import StageData
        built = book.view("extractors", lambda: cls(
            deadlines=DeadlineExtractor.from_rulebook(book),
            targets=TargetExtractor.from_rulebook(book),
            responsibilities=ResponsibilityExtractor.from_rulebook(book),
            entities=EntityExtractor.from_rulebook(book),
            passages=PassageClassifier.from_rulebook(book),
            indicators=IndicatorTable.from_rulebook(book),
            stages=StageData.from_rulebook(book),
        ))
        return built if registry is REGISTRY else built.with_registry(registry, book)

    def with_registry(self, registry: Registry, book: RuleSource) -> "Extractors":
        """These extractors running ``registry``'s steps; a step with its own ``build`` builds from ``book``."""
        return dataclasses.replace(self, registry=registry, components=registry.build(book))

    def _code(self, row: TargetRow | AchievementRow) -> str | None:
        return self.indicators.code(row.indicator, row.sentence, row.unit, value_text=row.value_text)

    def __call__(self, doc: Document) -> Extraction:
        return Extraction(self.registry.run(self.components, self, doc))
