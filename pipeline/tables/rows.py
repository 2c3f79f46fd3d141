"""Typed records passed between pipeline stages.

Each stage is a pure function from one of these records to the next:

    SourceFile --ingest--> IngestedDocument --normalize--> NormalizedText
    NormalizedText --segment/outline/metadata--> Document --extract--> rows

Row classes (``*Row``) mirror the tables of ``SCHEMA.md`` column for column;
``pipeline.tables.schema`` holds their pyarrow types.
"""
from __future__ import annotations

import bisect
import heapq
import datetime as dt
from dataclasses import dataclass, field


class PipelineError(Exception):
    """A document-level failure that becomes a row of the ``errors`` table.

    ``kind`` is short and machine-readable (``undecodable``, ``empty``,
    ``unsupported_format``, ``corrupt``, ...); ``message`` is for a person.
    """

    def __init__(self, stage: str, kind: str, message: str):
        super().__init__(f"{stage}/{kind}: {message}")
        self.stage = stage
        self.kind = kind
        self.message = message


# ---------------------------------------------------------------- ingest

@dataclass(frozen=True)
class IngestedDocument:
    """The text of one input file, decoded but not yet cleaned."""

    doc_id: str            # first 16 hex chars of SHA-256 of the raw bytes
    sha256: str
    source_path: str       # relative to --input, '/'-separated
    source_format: str     # txt | html | docx | pdf
    encoding: str          # detected encoding ('utf-8', 'gb18030', 'big5', 'utf-16', ...)
    raw_text: str


# ---------------------------------------------------------------- normalize

@dataclass(frozen=True)
class NormalizedText:
    text: str              # Simplified, cleaned: every offset in the outputs points here
    script: str            # simplified | traditional | mixed (of the original)


# ---------------------------------------------------------------- segment / outline / metadata

@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Section:
    section_id: int
    parent_id: int | None
    level: int
    label: str             # '一、', '（一）', '1.', '（1）', '①' as normalized
    heading: str           # heading text without the label
    char_start: int        # span of the whole section (heading line to the next sibling or ancestor)
    char_end: int
    heading_start: int     # span of the heading text itself
    heading_end: int


@dataclass(frozen=True)
class DocumentMeta:
    title: str | None = None
    issuer: str | None = None
    doc_number: str | None = None
    issue_date: dt.date | None = None
    period_start: int | None = None
    period_end: int | None = None
    # the issuing government's division (pipeline/stages/places.py): 6-digit code, 000000 central
    place_code: str | None = None
    place_name: str | None = None


@dataclass
class Document:
    """A normalized, segmented document: what every extractor reads."""

    doc_id: str
    source_path: str
    source_format: str
    encoding: str
    script: str
    text: str
    meta: DocumentMeta
    sections: list[Section] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._sentence_starts = [s.start for s in self.sentences]

    def sentence_at(self, offset: int) -> Sentence | None:
        """The sentence containing character ``offset`` (None between sentences)."""
        i = bisect.bisect_right(self._sentence_starts, offset) - 1
        if i >= 0 and self.sentences[i].start <= offset < self.sentences[i].end:
            return self.sentences[i]
        return None

    def section_at(self, offset: int) -> Section | None:
        """The innermost section whose span contains ``offset`` (the first listed of the deepest). Indexed once
        per list of sections: a scan of every section for every row is quadratic on a long document."""
        key = (id(self.sections), len(self.sections))
        if getattr(self, "_section_key", None) != key:
            self._section_bounds, self._section_answers = _section_index(self.sections)
            self._section_key = key
        k = bisect.bisect_right(self._section_bounds, offset) - 1
        return self._section_answers[k] if 0 <= k < len(self._section_answers) else None


def _section_index(sections: list[Section]) -> tuple[list[int], list[Section | None]]:
    """Elementary intervals between all section bounds and the innermost section of each: a sweep with a heap
    keyed (-level, list position), as the scan it replaces prefers the deepest, then the first listed."""
    bounds = sorted({s.char_start for s in sections} | {s.char_end for s in sections})
    order = sorted(range(len(sections)), key=lambda i: sections[i].char_start)
    heap: list[tuple[int, int, int]] = []
    answers: list[Section | None] = []
    j = 0
    for x in bounds[:-1]:
        while j < len(order) and sections[order[j]].char_start <= x:
            i = order[j]
            heapq.heappush(heap, (-sections[i].level, i, sections[i].char_end))
            j += 1
        while heap and heap[0][2] <= x:
            heapq.heappop(heap)
        answers.append(sections[heap[0][1]] if heap else None)
    return bounds, answers


# ---------------------------------------------------------------- output rows (SCHEMA.md)

@dataclass(frozen=True)
class DocumentRow:
    doc_id: str
    source_path: str
    source_format: str
    encoding: str
    script: str
    title: str | None
    issuer: str | None
    doc_number: str | None
    issue_date: dt.date | None
    period_start: int | None
    period_end: int | None
    kind: str | None           # plan | action_plan | work_report | statistical_bulletin | opinion | measures | notice | other
    # issue 15: the issuing government's division; keyword-only with a default so that rows built
    # without it still construct (the field keeps its place in the schema's column order)
    place_code: str | None = field(default=None, kw_only=True)
    place_name: str | None = field(default=None, kw_only=True)
    n_chars: int
    text: str


@dataclass(frozen=True)
class SectionRow:
    doc_id: str
    section_id: int
    parent_id: int | None
    level: int
    label: str
    heading: str
    char_start: int
    char_end: int


@dataclass(frozen=True)
class TargetRow:
    doc_id: str
    target_id: str
    section_id: int | None
    sentence: str
    char_start: int
    char_end: int
    indicator: str | None
    value_text: str
    value_low: float | None
    value_high: float | None
    unit: str
    value_base: float | None
    unit_base: str | None
    bound: str                 # exact | approx | min | max | range
    aspirational: bool
    change: str | None         # level | increase | decrease | new | cumulative | annual_avg | share
    target_year: int | None
    baseline_year: int | None
    binding: str | None        # 约束性 | 预期性
    indicator_code: str | None  # code from rules/indicators.toml, None when none fits
    rule_id: str
    qualifiers: tuple[str, ...] = ()   # extra column: qualifiers as written (GUIDELINE.md §1)


@dataclass(frozen=True)
class AchievementRow:
    """A figure the document reports as the result of a past year or period (the same reading as a target)."""

    doc_id: str
    achievement_id: str
    section_id: int | None
    sentence: str
    char_start: int
    char_end: int
    indicator: str | None
    indicator_code: str | None
    value_text: str
    value_low: float | None
    value_high: float | None
    unit: str
    value_base: float | None
    unit_base: str | None
    change: str | None
    period_year: int | None    # the year (or last year of the period) the figure is for
    rule_id: str


@dataclass(frozen=True)
class DeadlineRow:
    doc_id: str
    deadline_id: str
    section_id: int | None
    sentence: str
    char_start: int
    char_end: int
    text: str
    kind: str                  # by | period | relative | recurring
    start_date: dt.date | None
    end_date: dt.date | None
    rule_id: str


@dataclass(frozen=True)
class ResponsibilityRow:
    doc_id: str
    clause_id: str
    section_id: int | None
    task: str
    clause: str
    marker: str
    unit: str
    unit_canonical: str
    unit_type: str
    role: str                  # lead | co | participant | responsible
    position: int
    char_start: int
    char_end: int
    rule_id: str


@dataclass(frozen=True)
class EntityRow:
    doc_id: str
    mention_id: str
    section_id: int | None
    sentence: str
    char_start: int
    char_end: int
    text: str
    canonical: str
    type: str                  # enterprise | research | university | platform | park | government | other
    embedded: bool
    context_role: str | None
    method: str                # gazetteer | pattern | model


@dataclass(frozen=True)
class ErrorRow:
    source_path: str
    stage: str
    error: str
    message: str


# ---------------------------------------------------------------- panel (derived from all documents)

@dataclass(frozen=True)
class PanelRow:
    """One (place, year, indicator) of the panel: the target set for the year and the outcome reported."""

    place_code: str
    place_name: str
    year: int
    indicator_code: str
    target_low: float | None
    target_high: float | None
    target_doc_id: str | None
    target_id: str | None
    actual: float | None
    actual_doc_id: str | None
    achievement_id: str | None
    unit: str


@dataclass
class DocumentResult:
    """Everything one input file contributes to the output tables."""

    source_path: str
    sha256: str | None = None
    documents: list[DocumentRow] = field(default_factory=list)
    sections: list[SectionRow] = field(default_factory=list)
    targets: list[TargetRow] = field(default_factory=list)
    achievements: list[AchievementRow] = field(default_factory=list)
    deadlines: list[DeadlineRow] = field(default_factory=list)
    responsibilities: list[ResponsibilityRow] = field(default_factory=list)
    entities: list[EntityRow] = field(default_factory=list)
    errors: list[ErrorRow] = field(default_factory=list)


TABLES = ("documents", "sections", "targets", "achievements", "deadlines", "responsibilities", "entities", "errors")
