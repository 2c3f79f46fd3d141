"""Typed records passed between pipeline stages.

Each stage is a pure function from one of these records to the next:

    SourceFile --ingest--> IngestedDocument --normalize--> NormalizedText
    NormalizedText --segment/outline/metadata--> Document --extract--> rows

Row classes (``*Row``) mirror the tables of ``SCHEMA.md`` column for column; each field carries its
meaning and closed value list (:func:`column`), from which ``pipeline.tables.registry`` derives the
pyarrow schemas and the data dictionary.
"""
from __future__ import annotations

import bisect
import datetime as dt
import heapq
from dataclasses import dataclass, field
from typing import Any


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

def column(doc: str | None = None, *, arrow: str | None = None, values: tuple[str, ...] | None = None,
           **field_options: Any) -> Any:
    """A row field with its part of the contract, read by ``pipeline.tables.registry``: ``doc`` what the
    column means (default: its ``values`` joined by ' | '), ``arrow`` the Arrow type where the annotation
    leaves it open (an ``int`` is int32 unless this says int8/int16), ``values`` the closed set of values
    SCHEMA.md allows (loaders and to_table reject anything else). Nullable is ``X | None``."""
    metadata: dict[str, Any] = {"doc": doc if doc is not None else " | ".join(values or ())}
    if arrow is not None:
        metadata["arrow"] = arrow
    if values is not None:
        metadata["values"] = tuple(values)
    return field(metadata=metadata, **field_options)


CHANGES = ("level", "increase", "decrease", "new", "cumulative", "annual_avg", "share")
_SECTION = "innermost section"
_RULE = "rule that produced the row"
_STABLE = "unique and stable across runs"
_VALUE_SENTENCE = "the sentence of documents.text containing the value"
_INDICATOR_CODE = "code from rules/indicators.toml, null when none fits"


@dataclass(frozen=True)
class DocumentRow:
    doc_id: str = column("stable id: first 16 hex chars of SHA-256 of the raw bytes")
    source_path: str = column("path relative to --input, '/'-separated")
    source_format: str = column(values=("txt", "html", "docx", "pdf"))
    encoding: str = column("detected input encoding")
    script: str = column("simplified | traditional | mixed (of the original)",
                         values=("simplified", "traditional", "mixed"))
    title: str | None = column("document title")
    issuer: str | None = column("issuing body, e.g. 上海市松江区人民政府")
    doc_number: str | None = column("文号, brackets normalized to 〔〕")
    issue_date: dt.date | None = column("date of issue or publication")
    period_start: int | None = column("first year of the plan period", arrow="int16")
    period_end: int | None = column("last year of the plan period", arrow="int16")
    kind: str | None = column(values=("plan", "action_plan", "work_report", "statistical_bulletin", "opinion",
                                      "measures", "notice", "other"))
    # issue 15: the issuing government's division; keyword-only with a default so that rows built
    # without it still construct (the field keeps its place in the schema's column order)
    place_code: str | None = column("the issuing government's division: 6-digit code, 000000 for the central "
                                    "government", default=None, kw_only=True)
    place_name: str | None = column("that division's full name, e.g. 上海市闵行区; 全国 for the central government",
                                    default=None, kw_only=True)
    n_chars: int = column("length of text")
    text: str = column("normalized text (Simplified script, cleaned); all offsets point here")


@dataclass(frozen=True)
class SectionRow:
    doc_id: str = column("document id")
    section_id: int = column("order in the document, from 0")
    parent_id: int | None = column("enclosing section")
    level: int = column("1 = top", arrow="int8")
    label: str = column("一、 （一） 1． （1） ① … as written in documents.text")
    heading: str = column("heading text without the label")
    char_start: int = column("start of the whole section in documents.text")
    char_end: int = column("end of the whole section in documents.text")


@dataclass(frozen=True)
class TargetRow:
    doc_id: str = column("document id")
    target_id: str = column(_STABLE)
    section_id: int | None = column(_SECTION)
    sentence: str = column(_VALUE_SENTENCE)
    char_start: int = column("start of value_text in documents.text")
    char_end: int = column("end of value_text in documents.text")
    indicator: str | None = column("what is measured")
    value_text: str = column("the value as written, with unit and qualifiers")
    value_low: float | None = column("lower numeric bound (equal to value_high for a point value)")
    value_high: float | None = column("upper numeric bound")
    unit: str = column("unit or measure word as written (Simplified); '' if none")
    value_base: float | None = column("the value in base units (亿元 → 元 ×1e8); % stays %")
    unit_base: str | None = column("the base unit")
    bound: str = column(values=("exact", "approx", "min", "max", "range"))
    aspirational: bool = column("力争 / 争取 / 努力")
    change: str | None = column(values=CHANGES)
    target_year: int | None = column("year by which it is to be reached", arrow="int16")
    baseline_year: int | None = column("year compared against", arrow="int16")
    binding: str | None = column(values=("约束性", "预期性"))
    indicator_code: str | None = column(_INDICATOR_CODE)
    rule_id: str = column(_RULE)
    # extra column: qualifiers as written (GUIDELINE.md §1)
    qualifiers: tuple[str, ...] = column("qualifiers attached to the value, as written (左右, 以上, 力争, 新增 …)",
                                         default=())


@dataclass(frozen=True)
class AchievementRow:
    """A figure the document reports as the result of a past year or period (the same reading as a target)."""

    doc_id: str = column("document id")
    achievement_id: str = column(_STABLE)
    section_id: int | None = column(_SECTION)
    sentence: str = column(_VALUE_SENTENCE)
    char_start: int = column("start of value_text in documents.text")
    char_end: int = column("end of value_text in documents.text")
    indicator: str | None = column("what is measured")
    indicator_code: str | None = column(_INDICATOR_CODE)
    value_text: str = column("the value as written, with unit and qualifiers")
    value_low: float | None = column("lower numeric bound (equal to value_high for a point value)")
    value_high: float | None = column("upper numeric bound")
    unit: str = column("unit or measure word as written (Simplified); '' if none")
    value_base: float | None = column("the value in base units (亿元 → 元 ×1e8); % stays %")
    unit_base: str | None = column("the base unit")
    change: str | None = column(values=CHANGES)
    period_year: int | None = column("the year (or last year of the period) the figure is for", arrow="int16")
    rule_id: str = column(_RULE)


@dataclass(frozen=True)
class DeadlineRow:
    doc_id: str = column("document id")
    deadline_id: str = column(_STABLE)
    section_id: int | None = column(_SECTION)
    sentence: str = column("the sentence containing the expression")
    char_start: int = column("start of text in documents.text")
    char_end: int = column("end of text in documents.text")
    text: str = column("expression as written")
    kind: str = column(values=("by", "period", "relative", "recurring"))
    start_date: dt.date | None = column("resolved start")
    end_date: dt.date | None = column("resolved end")
    rule_id: str = column(_RULE)


@dataclass(frozen=True)
class ResponsibilityRow:
    doc_id: str = column("document id")
    clause_id: str = column("shared by the rows of one clause")
    section_id: int | None = column(_SECTION)
    task: str = column("the task the clause closes (its item heading or sentence)")
    clause: str = column("text inside the brackets")
    marker: str = column("责任单位 牵头部门 牵头单位 配合单位 牵头 负责 按职责分工负责 …")
    unit: str = column("unit as written, whitespace removed")
    unit_canonical: str = column("canonical name (区发改委 → 区发展改革委)")
    unit_type: str = column(values=("ministry", "municipal_bureau", "district_bureau", "town_street", "park",
                                    "enterprise", "university", "collective", "other"))
    role: str = column(values=("lead", "co", "participant", "responsible"))
    position: int = column("1-based order in the clause", arrow="int16")
    char_start: int = column("start of the clause in documents.text")
    char_end: int = column("end of the clause in documents.text")
    rule_id: str = column(_RULE)


@dataclass(frozen=True)
class EntityRow:
    doc_id: str = column("document id")
    mention_id: str = column(_STABLE)
    section_id: int | None = column(_SECTION)
    sentence: str = column("the sentence containing the mention")
    char_start: int = column("start of text in documents.text")
    char_end: int = column("end of text in documents.text")
    text: str = column("mention as written (normalized script)")
    canonical: str = column("canonical name")
    type: str = column(values=("enterprise", "research", "university", "platform", "park", "government", "other"))
    embedded: bool = column("named only inside another organisation's name")
    context_role: str | None = column("链主企业, 龙头企业, 专精特新小巨人 …")
    method: str = column(values=("gazetteer", "pattern", "model"))


@dataclass(frozen=True)
class ErrorRow:
    source_path: str = column("path relative to --input")
    stage: str = column("stage that failed")
    error: str = column("short machine-readable kind: undecodable, empty, unsupported_format, corrupt …")
    message: str = column("what a person needs to know")


# ---------------------------------------------------------------- panel (derived from all documents)

@dataclass(frozen=True)
class PanelRow:
    """One (place, year, indicator) of the panel: the target set for the year and the outcome reported."""

    place_code: str = column("administrative division code of the issuing government (6 digits), "
                             "000000 for the central government")
    place_name: str = column("e.g. 四川省, 上海市闵行区")
    year: int = column("the year the target is set for and the outcome is reported for", arrow="int16")
    indicator_code: str = column("code from rules/indicators.toml")
    target_low: float | None = column("the target set for that year, lower bound (from the earliest document "
                                      "setting it)")
    target_high: float | None = column("the target set for that year, upper bound")
    target_doc_id: str | None = column("provenance: the document that set the target")
    target_id: str | None = column("provenance: targets.target_id")
    actual: float | None = column("the outcome reported for that year (from the latest document reporting it), "
                                  "in the row's unit")
    actual_doc_id: str | None = column("provenance: the document that reported the outcome")
    achievement_id: str | None = column("provenance: achievements.achievement_id")
    unit: str = column("unit of target_low/target_high/actual, as written in the target (else the outcome)")


@dataclass
class DocumentResult:
    """Everything one input file contributes to the output tables: {table: rows}, for the tables of the
    run's registry. ``result.targets`` reads (and creates, empty) the rows of a table by name.

    The rows are row objects; on their way to the parquet writers a large table may have been packed
    into an Arrow table of the same rows (``pipeline.tables.export.pack_tables``)."""

    source_path: str
    sha256: str | None = None
    tables: dict[str, list[Any]] = field(default_factory=dict)

    def rows(self, name: str) -> list[Any]:
        """The rows of table ``name`` (empty when the file gave none)."""
        return self.tables.setdefault(name, [])

    def __getattr__(self, name: str) -> list[Any]:
        # only called for names that are not attributes; dunders (pickle, copy) must stay AttributeErrors
        tables = self.__dict__.get("tables")
        if name.startswith("_") or tables is None:
            raise AttributeError(name)
        return tables.setdefault(name, [])
