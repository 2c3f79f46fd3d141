"""Deadlines (GUIDELINE §2) and the time context of a document.

``rules/deadlines.toml`` holds the patterns. One pass of every rule over the
text gives the *time mentions* of a document: deadlines (by / period /
relative / recurring) and context-only mentions (a bare year, past-time words
such as 去年 or 过去五年). Overlaps are resolved longest first.

:class:`TimeContext` is what both extractors reason with:

- the plan period (``doc.meta`` period, else the first period in the title
  zone) and the document's year (issue date);
- which mentions are *history*: a year before the document's time (a period
  ending before the plan starts, 到2015年 in a 2016–2020 plan, 2022年 in a 2023
  report) or a past-time word;
- background sections (headings such as 发展基础, 工作回顾);
- the *governing* time of an offset: the nearest preceding mention in its
  sentence, else a mention that opens its paragraph (到2023年，… governs the
  paragraph), else a mention in the introduction of an enclosing section.

A deadline row is emitted for every deadline mention that is not history, not
inside a background section, and (for relative and recurring ones) not
governed by a past time (过去五年，年均增长…).
"""
from __future__ import annotations

import bisect
import calendar
import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import ClassVar

import regex

from ..tables.rows import DeadlineRow, Document, Section
from ..tables.schema import ENUMS
from ..text.spans import Intervals, SpanSet
from .numbers import parse_number
from .rules import BuiltFromBook, Rule, RuleSet, RuleSource, RuleSpec, validate_rule

RULES_FILE = "deadlines.toml"
DEADLINE_KINDS = ENUMS["deadlines"]["kind"]      # by | period | relative | recurring: the rows' kinds
CONTEXT_KINDS = ("year", "past")                 # mentions that are context only, never rows
GOVERNING_KINDS = ("by", "period", "relative", "year", "past")
HORIZON_YEARS = 6        # the farthest an undated document's goals reach for its plan end (a five-year span)
WINDOW = 400            # characters of context read on each side of a value or a time expression
_CLAUSE_END = "，,；;。！？!?：:\n"
_NEWLINE = regex.compile("\n")


@dataclass(frozen=True)
class TimeMention:
    start: int
    end: int
    text: str
    kind: str                       # by | period | relative | recurring | year | past
    rule_id: str
    start_date: dt.date | None
    end_date: dt.date | None
    historical: bool                # a time before the document's own (or a past-time word)
    doc_relative: bool = False      # resolved from the document's year (全年, 今年): read like a relative one

    @property
    def year(self) -> int | None:
        return self.end_date.year if self.end_date else None


def _five_year_plan(digit: str) -> tuple[int, int]:
    """``四`` (十四五) → (2021, 2025)."""
    n = 10 + int(parse_number(digit) or 0)
    start = 2006 + 5 * (n - 11)
    return start, start + 4


def _year(text: str | None) -> int | None:
    if not text:
        return None
    value = parse_number(text)
    return int(value) if value is not None else None


def _last_day(year: int, month: int | None, day: int | None) -> dt.date | None:
    try:
        if month is None:
            return dt.date(year, 12, 31)
        if day is None:
            return dt.date(year, month, calendar.monthrange(year, month)[1])
        return dt.date(year, month, day)
    except ValueError:
        return None


def _reads_a_year(rule: Rule) -> str | None:
    """A by/year rule resolves its year from 'fyp' (plan_end), from 'year', or from the document's year."""
    names = rule.pattern.groupindex
    if rule.attrs.get("plan_end") and "fyp" not in names:
        return "attrs.plan_end needs the named group 'fyp' in the pattern"
    if "year" in names or rule.attrs.get("plan_end") or "doc_year_offset" in rule.attrs \
            or rule.attrs.get("year_or_doc_year"):
        return None
    return (f"a {rule.attrs['kind']!r} rule needs the named group 'year' in its pattern "
            "(or 'fyp' with attrs.plan_end, or attrs.doc_year_offset / year_or_doc_year)")


def _reads_a_period(rule: Rule) -> str | None:
    names = rule.pattern.groupindex
    if "doc_year_offset" in rule.attrs or "fyp" in names or ("y1" in names and "y2" in names):
        return None
    return "a 'period' rule needs the named group(s) ['fyp'] or ['y1', 'y2'] in its pattern (or attrs.doc_year_offset)"


# What this module reads from rules/deadlines.toml (see RuleSpec): a rule with attrs.role is a context rule,
# any other has attrs.kind, whose row kinds are SCHEMA.md's deadlines.kind.
_YEAR_ATTRS = {"as_of": bool, "plan_end": bool, "doc_year_offset": int, "year_or_doc_year": bool}
KIND_SPECS: dict[str | None, RuleSpec] = {
    "by": RuleSpec(optional=_YEAR_ATTRS, check=_reads_a_year),
    "year": RuleSpec(optional=_YEAR_ATTRS, check=_reads_a_year),
    "period": RuleSpec(optional={"as_of": bool, "doc_year_offset": int}, check=_reads_a_period),
    # event: a limit counted from an event (7个工作日内答复), no date; from_issue_date: 有效期2年 counts from the issue
    # date; one_year_only: 全年 names a year only in a document about one year
    "relative": RuleSpec(optional={"doc_year_offset": int, "span_from_doc_year": bool, "event": bool,
                                   "from_issue_date": bool, "one_year_only": bool}),
    "recurring": RuleSpec(),
    "past": RuleSpec(),
}
assert set(KIND_SPECS) == set(DEADLINE_KINDS + CONTEXT_KINDS)
ROLE_SPECS: dict[str | None, RuleSpec] = {
    "title_year": RuleSpec(groups=("year",)),
    "background_heading": RuleSpec(),
    "goal_heading": RuleSpec(),
    "one_year_title": RuleSpec(),
    "bulletin_title": RuleSpec(),
    "report_title": RuleSpec(),
    "notes_heading": RuleSpec(),
    "own_name_year": RuleSpec(groups=("year",)),
}


@dataclass(frozen=True)
class _Raw:
    start: int
    end: int
    rule_index: int


@dataclass
class TimeContext:
    """Time facts of one document, computed once and shared by the extractors."""

    doc: Document
    plan: tuple[int, int] | None
    doc_year: int | None
    ref_year: int | None
    mentions: list[TimeMention]
    background: list[tuple[int, int]]
    # The end of an undated document's horizon (an 意见 whose 主要目标 run 到2025年…到2027年): the plan's end
    # when the document names no plan period; None when it has one or states no goal years.
    horizon: int | None = None
    # a statistical bulletin (统计公报): the whole text reports a past year, so it sets no deadline. A local check of
    # the document's kind from its title lines (the lead's documents.kind may replace it)
    reports_past: bool = False
    _mention_starts: list[int] = field(default_factory=list)
    _line_starts: list[int] = field(default_factory=list)
    _children: dict[int | None, list[Section]] = field(default_factory=dict)
    _by_start: list[Section] = field(default_factory=list)
    _section_starts: list[int] = field(default_factory=list)
    _by_id: dict[int, Section] = field(default_factory=dict)
    _intro_memo: dict[tuple[int, int], "TimeMention | None"] = field(default_factory=dict)
    _background: SpanSet = field(default_factory=lambda: SpanSet(()))
    # one string per sentence, shared by every row in it: a slice per row held (and pickled to the parent)
    # the same sentence once per target — gigabytes on a 5M-character line of targets
    _sentences: dict[tuple[int, int], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._background = SpanSet(self.background)
        self._mention_starts = [m.start for m in self.mentions]
        self._line_starts = [0] + [m.end() for m in _NEWLINE.finditer(self.doc.text)]
        for s in self.doc.sections:
            self._children.setdefault(s.parent_id, []).append(s)
        self._by_start = sorted(self.doc.sections, key=lambda s: (s.char_start, s.level))
        self._section_starts = [s.char_start for s in self._by_start]
        self._by_id = {s.section_id: s for s in self.doc.sections}

    # ---- structure

    def in_background(self, offset: int) -> bool:
        return offset in self._background

    def paragraph(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._line_starts, offset) - 1
        start = self._line_starts[i]
        end = self._line_starts[i + 1] - 1 if i + 1 < len(self._line_starts) else len(self.doc.text)
        return start, end

    def sentence_span(self, offset: int) -> tuple[int, int]:
        """The sentence around ``offset`` (its paragraph if the segmenter left a gap), bounded to ±WINDOW
        characters: the context a statement's reading depends on, and a bound on the work per value when a text
        has no punctuation."""
        s = self.doc.sentence_at(offset)
        start, end = (s.start, s.end) if s is not None else self.paragraph(offset)
        return max(start, offset - WINDOW), min(end, offset + WINDOW)

    def sentence_text(self, offset: int) -> str:
        """The ``sentence`` column: the full sentence containing ``offset`` (SCHEMA.md), else its paragraph. Never
        cut, so that every table carries the same sentence for the same offset."""
        s = self.doc.sentence_at(offset)
        span = (s.start, s.end) if s is not None else self.paragraph(offset)
        text = self._sentences.get(span)
        if text is None:
            text = self._sentences[span] = self.doc.text[span[0]:span[1]]
        return text

    def section_chain(self, offset: int) -> list[Section]:
        """Enclosing sections, innermost first (sections nest: the last one starting before ``offset``, then up
        its parents; O(depth) rather than a scan of every section)."""
        i = bisect.bisect_right(self._section_starts, offset) - 1
        chain: list[Section] = []
        seen: set[int] = set()
        while i >= 0:
            s = self._by_start[i]
            node: Section | None = s
            while node is not None and node.section_id not in seen:
                seen.add(node.section_id)
                if node.char_start <= offset < node.char_end:
                    chain.append(node)
                node = self._by_id.get(node.parent_id) if node.parent_id is not None else None
            if chain:
                break
            i -= 1                  # the section just before ended before offset: try the one before it
        return sorted(chain, key=lambda s: -s.level)

    def section_at(self, offset: int) -> Section | None:
        """Innermost section containing ``offset`` (as ``Document.section_at``, indexed)."""
        chain = self.section_chain(offset)
        return chain[0] if chain else None

    # ---- time

    def mentions_between(self, start: int, end: int) -> list[TimeMention]:
        i = bisect.bisect_left(self._mention_starts, start)
        out = []
        while i < len(self.mentions) and self.mentions[i].start < end:
            out.append(self.mentions[i])
            i += 1
        return out

    def governing(self, offset: int, *, sentence: tuple[int, int] | None = None) -> TimeMention | None:
        """The time that governs ``offset`` (see the module docstring); None if nothing does."""
        s_start, s_end = sentence or self.sentence_span(offset)
        i = bisect.bisect_left(self._mention_starts, offset) - 1     # the nearest mention before offset…
        while i >= 0 and self.mentions[i].start >= s_start:          # …within its sentence
            m = self.mentions[i]
            if m.kind in GOVERNING_KINDS and m.end <= offset:
                return m
            i -= 1
        text = self.doc.text
        if text.find("\t", s_start, s_end) >= 0:     # find, not a slice: this runs for every value
            # a row of a task table: its own deadline column (完成时限: 2026年底前) comes after the task's text
            later = [m for m in self.mentions_between(offset, s_end)
                     if m.kind in GOVERNING_KINDS and text.find("\t", offset, m.start) >= 0]
            if later:
                return later[-1]
        p_start, p_end = self.paragraph(offset)
        opener = self._opener(p_start, p_end)
        if opener is not None and opener.end <= offset:
            return opener
        for section in self.section_chain(offset):
            # the section's introduction: its heading and text before its first subsection; a forward deadline
            # there sets the section's horizon, else a time of the past makes the section history
            kids = self._children.get(section.section_id, [])
            intro_end = min([k.char_start for k in kids] + [section.char_end, p_start])
            key = (section.section_id, intro_end)
            if key not in self._intro_memo:
                intro = [m for m in self.mentions_between(section.char_start, intro_end) if m.kind in GOVERNING_KINDS]
                forward = [m for m in intro if not m.historical]
                self._intro_memo[key] = (forward or intro or [None])[0]
            if self._intro_memo[key] is not None:
                return self._intro_memo[key]
        return None

    def _opener(self, p_start: int, p_end: int) -> TimeMention | None:
        """A time mention in the first clause of a paragraph (到2023年，… / 今年发展主要预期目标是：)."""
        text = self.doc.text
        j = p_start
        p_end = min(p_end, p_start + WINDOW)
        while j < p_end and text[j] not in _CLAUSE_END:
            j += 1
        for m in self.mentions_between(p_start, j + 1):
            if m.kind in GOVERNING_KINDS:
                return m
        return None


@dataclass(frozen=True)
class DeadlineExtractor(BuiltFromBook):
    rules: RuleSet
    VIEW: ClassVar[str] = "deadlines"

    @classmethod
    def _build(cls, book: RuleSource) -> "DeadlineExtractor":
        rules = book.ruleset(RULES_FILE.removesuffix(".toml"))
        for rule in rules:
            if "role" in rule.attrs:
                validate_rule(rule, "role", ROLE_SPECS)
            else:
                validate_rule(rule, "kind", KIND_SPECS)
        return cls(rules=rules)

    # ---- scanning

    def _scan(self, text: str) -> list[tuple[_Raw, object]]:
        raws = []
        for index, rule in enumerate(self.rules):
            if rule.attrs.get("role"):
                continue
            for m in rule.finditer(text):
                if m.end() > m.start():
                    raws.append((_Raw(m.start(), m.end(), index), m))
        # longest first, then priority; keep non-overlapping
        raws.sort(key=lambda rm: (-(rm[0].end - rm[0].start), -self.rules.rules[rm[0].rule_index].priority,
                                  rm[0].start))
        taken: list[tuple[int, int]] = []
        kept = []
        for raw, m in raws:
            i = bisect.bisect_left(taken, (raw.start, raw.end))
            if i > 0 and taken[i - 1][1] > raw.start:
                continue
            if i < len(taken) and taken[i][0] < raw.end:
                continue
            taken.insert(i, (raw.start, raw.end))
            kept.append((raw, m))
        kept.sort(key=lambda rm: rm[0].start)
        return kept

    def plan_period(self, doc: Document) -> tuple[int, int] | None:
        """The document's own plan period, from the most reliable source on:

        1. a period in the title; 2. the year of a one-year plan or report in the title (2024年工作要点; of
        2021年计划执行情况与2022年计划草案, the later); 3. ``doc.meta``'s period, unless it ended before the
        document's year (a body line near the top such as 实现了“十三五”良好开局, or a heading “十三五”时期的工作回顾,
        names a past plan, not this one); 4. a period, else a title year, in the title zone; 5. the document's
        own year when its title names a one-year document without a year (政府工作报告 on a dated byline)."""
        meta = doc.meta
        title_rules = [r for r in self.rules if r.attrs.get("role") == "title_year"]

        def period_in(zone: str) -> tuple[int, int] | None:
            for raw, m in self._scan(zone):
                if self.rules.rules[raw.rule_index].attrs.get("kind") == "period":
                    span = self._period_years(m)
                    if span:
                        return span
            return None

        def year_in(zone: str) -> tuple[int, int] | None:
            years = [int(m.group("year")) for r in title_rules for m in r.finditer(zone)]
            return (max(years), max(years)) if years else None

        title = meta.title or ""
        found = period_in(title) or year_in(title)
        if found:
            return found
        if meta.period_start and meta.period_end:
            doc_year = self.document_year(doc)
            if doc_year is None or meta.period_end >= doc_year:
                return meta.period_start, meta.period_end
        zone = _title_zone(doc.text)
        found = period_in(zone) or year_in(zone)
        if found:
            return found
        # 5. a report about one year that does not write it (政府工作报告 on a dated byline)
        doc_year = self.document_year(doc)
        one_year = [r for r in self.rules if r.attrs.get("role") == "one_year_title"]
        if doc_year is not None and any(r.search(title or zone) for r in one_year):
            return doc_year, doc_year
        return None

    @staticmethod
    def document_year(doc: Document) -> int | None:
        """The year the document was issued or delivered: its issue date, else a full date in the title zone
        (a report's ——2021年2月2日在…会议上, ——二〇二四年三月五日在…)."""
        if doc.meta.issue_date:
            return doc.meta.issue_date.year
        m = _ZONE_DATE.search(_title_zone(doc.text))
        return int(m.group("year").translate(_CN_YEAR_DIGITS)) if m else None

    @staticmethod
    def _period_years(m) -> tuple[int, int] | None:
        groups = m.groupdict()
        if groups.get("fyp"):
            return _five_year_plan(groups["fyp"])
        y1, y2 = _year(groups.get("y1")), _year(groups.get("y2"))
        if y1 and y2 and y1 <= y2:
            return y1, y2
        return None

    def context(self, doc: Document, reporting: tuple[tuple[int, int], ...] = (),
                reports_all: bool = False) -> TimeContext:
        """The time context of ``doc``: every time mention, the plan period and the document's year. Callers
        that run several extractors on one document compute it once and pass it on (Extractors.__call__).
        ``reporting`` spans (passages that report results, from :mod:`.passages`) are background;
        ``reports_all`` (a statistical bulletin) means the document sets no deadline at all."""
        plan = self.plan_period(doc)
        doc_year = self.document_year(doc)
        if doc_year is None and plan and plan[0] == plan[1]:
            doc_year = plan[0]                 # a one-year plan or report: 今年 is its year
        ref_year = plan[0] if plan else doc_year
        scanned = [(self.rules.rules[raw.rule_index], m) for raw, m in self._scan(doc.text)]
        issue = doc.meta.issue_date
        mentions = [x for x in (self._resolve(rule, m, plan, doc_year, ref_year, issue) for rule, m in scanned)
                    if x is not None]
        background = sorted(set(self._sections_headed(doc, "background_heading") + self._unlabeled_background(doc))
                            | set(reporting))
        horizon = None
        if plan is None:
            horizon = self._horizon(mentions, self._sections_headed(doc, "goal_heading"), background, doc_year)
            if horizon is not None:
                # relative times (三年内, 未来三年) resolve to the plan's end, here the horizon
                pseudo_plan = (min(doc_year or horizon, horizon), horizon)
                mentions = [x for x in (self._resolve(rule, m, pseudo_plan if rule.attrs.get("kind") == "relative"
                                                      else None, doc_year, ref_year, issue) for rule, m in scanned)
                            if x is not None]
        return TimeContext(doc=doc, plan=plan, doc_year=doc_year, ref_year=ref_year,
                           mentions=mentions, background=background, horizon=horizon,
                           reports_past=reports_all)

    def _role_rules(self, role: str) -> list[Rule]:
        return [r for r in self.rules if r.attrs.get("role") == role]

    def own_names(self, doc: Document) -> list[str]:
        """The document's own name as it is written in its text: the name in 《》 of a 关于印发《…》的通知 title,
        else the title itself. Looked up in the title and in the title zone (the title may be missing)."""
        names = []
        for zone in (doc.meta.title or "", _title_zone(doc.text)):
            inner = _BOOK_NAME.findall(zone)
            names.extend(inner if inner else [ln.strip() for ln in zone.split("\n")[:1] if ln.strip()])
        return [n for n in dict.fromkeys(names) if len(n) >= 4]

    def _unlabeled_background(self, doc: Document) -> list[tuple[int, int]]:
        """Review parts headed by a line without an outline label (2024年工作回顾 on a line of its own, as some
        reports are laid out): from that line to the next heading-like line (short, no punctuation) that is not a
        review heading (2025年工作安排). Labeled headings are sections already (_sections_headed)."""
        rules = self._role_rules("background_heading")
        text = doc.text
        lines = [(m.start(), m.group(0)) for m in _LINE.finditer(text)]
        out = []
        open_at = None
        for start, line in lines:
            stripped = line.strip()
            if not stripped or len(stripped) > _HEADING_MAX or _ANY_PUNCT.search(stripped) or self.rules.pattern(_LABELED).match(stripped):
                continue
            is_bg = any(r.search(stripped) for r in rules)
            if is_bg and open_at is None:
                open_at = start
            elif not is_bg and open_at is not None:
                out.append((open_at, start))
                open_at = None
        # a review heading never followed by another heading: where the review ends is unknown, so none is assumed
        return out

    def _sections_headed(self, doc: Document, role: str) -> list[tuple[int, int]]:
        """Spans of the sections whose heading a rule of ``role`` matches."""
        heading_rules = [r for r in self.rules if r.attrs.get("role") == role]
        return [(s.char_start, s.char_end) for s in doc.sections if any(r.search(s.heading) for r in heading_rules)]

    @staticmethod
    def _horizon(mentions: list[TimeMention], goal_sections: list[tuple[int, int]],
                 background: list[tuple[int, int]], doc_year: int | None) -> int | None:
        """The latest year a document's goal sections (总体要求, 主要目标) set a goal by (到2027年): an undated
        document's plan end. Only goal sections count: a year in a task (2026年底前制修订…) is that task's own;
        a long-range vision (展望2035年, 到2035年 in a 2022 opinion: more than HORIZON_YEARS after the document)
        is not the plan's end."""
        goal, past = SpanSet(goal_sections), SpanSet(background)     # bisects, not a scan per mention
        years = [m.year for m in mentions
                 if m.kind == "by" and not m.historical and m.year is not None
                 and m.rule_id != "deadline.outlook"
                 and (doc_year is None or m.year <= doc_year + HORIZON_YEARS)
                 and m.start in goal and m.start not in past]
        return max(years) if years else None

    def _resolve(self, rule, m, plan, doc_year, ref_year, issue_date: dt.date | None = None) -> TimeMention | None:
        kind = rule.attrs.get("kind")
        groups = m.groupdict()
        start_date = end_date = None
        historical = False
        doc_relative = rule.attrs.get("doc_year_offset") is not None
        if kind == "period" and doc_relative:
            # 全年: the whole of the document's year, only where the document is about one year (a work report, an
            # annual plan); in a multi-year plan 全年 names no year of its own
            if doc_year is None or (plan is not None and plan[0] != plan[1]):
                return None
            year = doc_year + rule.attrs["doc_year_offset"]
            start_date, end_date = dt.date(year, 1, 1), dt.date(year, 12, 31)
        elif kind == "period":
            span = self._period_years(m)
            if span is None:
                return None
            start_date, end_date = dt.date(span[0], 1, 1), dt.date(span[1], 12, 31)
        elif kind in ("by", "year"):
            if rule.attrs.get("plan_end") and groups.get("fyp"):
                year = _five_year_plan(groups["fyp"])[1]
            elif rule.attrs.get("doc_year_offset") is not None:       # 6月底前, 年底前: this year
                year = doc_year + rule.attrs["doc_year_offset"] if doc_year is not None else None
            else:
                year = _year(groups.get("year"))
                if year is None and rule.attrs.get("year_or_doc_year"):  # 三季度末前: this year
                    year = doc_year
            if year is None:
                return None
            month = _year(groups.get("month"))
            if groups.get("half"):                # 上半年 / 下半年
                month = 6 if groups["half"] == "上" else 12
            elif groups.get("quarter"):           # 第三季度 / 三季度
                month = 3 * (_year(groups["quarter"]) or 4)
            end_date = _last_day(year, month, _year(groups.get("day")))
            if end_date is None:
                return None
        elif kind == "relative" and rule.attrs.get("event"):
            pass                                  # 7个工作日内: counted from an event, no date
        elif kind == "relative" and rule.attrs.get("from_issue_date"):
            n = _year(groups.get("n"))
            if issue_date is not None and n:
                try:
                    end_date = issue_date.replace(year=issue_date.year + n) - dt.timedelta(days=1)
                except ValueError:                # issued on 29 February
                    end_date = dt.date(issue_date.year + n, 2, 28)
        elif kind == "relative":
            offset = rule.attrs.get("doc_year_offset")
            if rule.attrs.get("one_year_only") and (doc_year is None or (plan is not None and plan[0] != plan[1])):
                return None                       # 全年 in a multi-year plan names no year of its own
            if offset is not None:
                if doc_year is not None:
                    first = doc_year if rule.attrs.get("span_from_doc_year") else doc_year + offset
                    start_date = dt.date(first, 1, 1)
                    end_date = dt.date(doc_year + offset, 12, 31)
            elif plan is not None:
                # 未来三年 in a three-year plan ends with it; 三年内 in a one-year plan or report (2024年工作要点,
                # a work report) runs past it: it counts from the year
                n = _year(groups.get("n")) if groups.get("n") else None
                end_date = dt.date(plan[0] + n - 1 if n and plan[0] == plan[1] else plan[1], 12, 31)
            elif doc_year is not None and groups.get("n"):
                n = _year(groups["n"]) or 1
                end_date = dt.date(doc_year + n - 1, 12, 31)
        elif kind == "past":
            historical = True
        elif kind != "recurring":
            return None
        if kind in ("by", "period", "year") and ref_year is not None and end_date is not None:
            historical = end_date.year < ref_year
            if rule.attrs.get("as_of"):           # 截至2023年底: a status report unless it lies ahead
                historical = end_date.year <= max(ref_year, doc_year or ref_year)
        return TimeMention(start=m.start(), end=m.end(), text=m.group(0), kind=kind, rule_id=rule.id,
                           start_date=start_date, end_date=end_date, historical=historical,
                           doc_relative=doc_relative)

    # ---- rows

    @staticmethod
    def _in_past_sentence(ctx: TimeContext, m: TimeMention) -> bool:
        """A period mention after a time of the past in its own sentence (2016年，…实现了“十三五”良好开局)."""
        before = _nearest_in_sentence(ctx, m)
        return before is not None and before.historical

    def __call__(self, doc: Document, context: TimeContext | None = None) -> list[DeadlineRow]:
        ctx = context or self.context(doc)
        if ctx.reports_past:
            return []
        own = self.own_names(doc)
        cited = SpanSet(_cited_spans(doc.text, own))
        notes = self._notes_start(doc)
        rows = []
        mentions = self._own_name_years(doc, ctx, own) + ctx.mentions
        mentions.sort(key=lambda x: x.start)
        for m in mentions:
            if m.kind not in DEADLINE_KINDS or m.historical or ctx.in_background(m.start):
                continue
            if m.start >= notes:
                continue            # the endnotes define terms
            if m.start in cited and not _same_plan_span(ctx, m):
                # 根据《“十四五”数字经济发展规划》: a cited document's name, not this one's time; a cited plan for this
                # plan's own years (为落实《…三年行动计划（2021-2023年）》 in a 2021-2023 plan) is its period too
                continue
            m = _span_to_governing_date(ctx, m)
            if m.kind in ("relative", "recurring") or (m.kind == "period" and m.doc_relative):
                gov = ctx.governing(m.start)
                if gov is not None and gov.historical:
                    continue
            elif m.kind == "period" and self._in_past_sentence(ctx, m):
                continue            # 2016年，…实现了“十三五”良好开局: a plan named in a statement about the past
            section = ctx.section_at(m.start)
            rows.append(DeadlineRow(
                doc_id=doc.doc_id, deadline_id=f"{doc.doc_id}-D{m.start}-{m.end}",
                section_id=section.section_id if section else None,
                sentence=ctx.sentence_text(m.start), char_start=m.start, char_end=m.end, text=m.text,
                kind=m.kind, start_date=m.start_date, end_date=m.end_date, rule_id=m.rule_id))
        return rows


    def _notes_start(self, doc: Document) -> int:
        """Where the endnotes of a report begin (a line 注释), else the end of the text."""
        starts = [m.start() for r in self._role_rules("notes_heading") for m in r.finditer(doc.text)]
        return min(starts) if starts else len(doc.text) + 1

    def _own_name_years(self, doc: Document, ctx: TimeContext, own: list[str]) -> list[TimeMention]:
        """The year of a one-year document's own name (《某市2024年…考评办法》), at each place the name is written;
        not a report's (its title year is the year reported on or delivered)."""
        report = self._role_rules("report_title")
        year_rules = self._role_rules("own_name_year")
        taken = Intervals({(m.start, m.end) for m in ctx.mentions if m.kind in DEADLINE_KINDS})
        out: list[TimeMention] = []
        for name in own:
            if any(r.search(name) for r in report):
                continue
            for rule in year_rules:
                hits = list(rule.finditer(name))
                if len(hits) != 1:
                    continue        # no year, or several (a span is a period rule's)
                h = hits[0]
                year = int(h.group("year"))
                if ctx.ref_year is not None and year < ctx.ref_year:
                    continue
                pos = doc.text.find(name)
                while pos >= 0:
                    start, end = pos + h.start(), pos + h.end()
                    if not taken.overlaps(start, end):
                        out.append(TimeMention(start=start, end=end, text=h.group(0), kind="period",
                                               rule_id=rule.id, start_date=dt.date(year, 1, 1),
                                               end_date=dt.date(year, 12, 31), historical=False))
                        taken.add(start, end)
                    pos = doc.text.find(name, pos + len(name))
        return out


def _span_to_governing_date(ctx: TimeContext, m: TimeMention) -> TimeMention:
    """到二〇三五年，用13年时间…: a span of years after a date in its sentence ends on that date."""
    if m.kind != "relative" or m.doc_relative or m.end_date is None:
        return m
    before = _nearest_in_sentence(ctx, m)
    if before is not None and before.kind == "by" and not before.historical and before.end_date is not None \
            and not ctx.doc.text[before.end:m.start].strip(" ，,、"):
        return dataclasses.replace(m, end_date=before.end_date)
    return m


def _same_plan_span(ctx: TimeContext, m: TimeMention) -> bool:
    """A span of years written out (（2021-2023年）, not “十四五”) equal to the document's own plan period."""
    return (m.kind == "period" and ctx.plan is not None and ctx.plan[0] != ctx.plan[1]
            and m.rule_id in _YEAR_SPAN_RULES and m.start_date is not None and m.end_date is not None
            and (m.start_date.year, m.end_date.year) == ctx.plan)


def _cited_spans(text: str, own: list[str]) -> list[tuple[int, int]]:
    """Spans of 《…》 names that are not the document's own: the documents it cites."""
    spans = []
    for mm in _BOOK_NAME_SPAN.finditer(text):
        inner = mm.group(1)
        if not any(inner in name or name in inner for name in own):
            spans.append((mm.start(), mm.end()))
    return spans


def _nearest_in_sentence(ctx: TimeContext, m: TimeMention) -> TimeMention | None:
    s_start, _ = ctx.sentence_span(m.start)
    before = [x for x in ctx.mentions_between(s_start, m.start) if x.kind in GOVERNING_KINDS and x.end <= m.start]
    return before[-1] if before else None


def _title_zone(text: str, n_lines: int = 6, max_chars: int = 400) -> str:
    """Title-like lines among the first few: where a plan's title and period stand (body sentences, which carry
    clause punctuation, are left out: 2019年至2022年，全市累计… is not a plan period). The zone ends at the
    salutation (各位代表： / 各区人民政府…：): what follows is the body, whose headings (“十三五”时期的工作回顾)
    are not the title; so does the first numbered heading (一、 / 第一章)."""
    lines = [ln for ln in text[:max_chars * 2].split("\n") if ln.strip()][:n_lines]
    kept = []
    for ln in lines:
        if _SALUTATION.search(ln) or _BODY_HEADING.match(ln):
            break
        if not _BODY_PUNCT.search(ln):
            kept.append(ln)
    return "\n".join(kept)[:max_chars]


_BOOK_NAME = regex.compile(r"《([^《》\n]{2,120})》")
_BOOK_NAME_SPAN = _BOOK_NAME
_YEAR_SPAN_RULES = ("deadline.period_bracketed", "deadline.period_span")
_LINE = regex.compile(r"[^\n]+")
_HEADING_MAX = 30         # a heading line is short
_ANY_PUNCT = regex.compile(r"[，。；,;！？!?：:、]")
_LABELED = r"(?:${OUTLINE_LABEL})"   # compiled from the rule book (common.toml) by RuleSet.pattern
_BODY_PUNCT = regex.compile(r"[，。；,;]")
_SALUTATION = regex.compile(r"[:：]\s*$")
_BODY_HEADING = regex.compile(r"\s*(?:[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十]{1,3}[章节篇部])")
_ZONE_DATE = regex.compile(r"(?P<year>(?:19|20)\d{2}|[一二][〇零○一二三四五六七八九]{3})\s*年\s*(?:\d{1,2}|[一二三四五六七八九十]{1,2})\s*月"
                           r"\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*日")
_CN_YEAR_DIGITS = str.maketrans("〇零○一二三四五六七八九", "000123456789")
