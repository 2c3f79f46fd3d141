"""Document kind and passage status: is a passage setting goals or reporting results?

A figure is a target only where the document looks forward. Which passages do is decided
first by the document's kind (a statistical bulletin reports a past year and sets no goal),
then by its structure (a work report's 工作回顾 section, or a review opened by 过去的一年 in a
report without headings, runs until the text turns to this year's work). Tense inside a
forward passage (去年, 已) is read later, clause by clause, by the targets extractor.

Every marker is a rule of ``rules/passages.toml``.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..tables.rows import Document
from ..tables.schema import ENUMS
from ..text.spans import SpanSet, merge_spans
from .rules import Rule, RuleSource, RuleSpec, group_rules

RULES_FILE = "passages.toml"
KINDS = ENUMS["documents"]["kind"]
ROLE_SPECS: dict[str | None, RuleSpec] = {
    "kind": RuleSpec(attrs={"kind": KINDS}, optional={"status": ("reporting",)}),
    "review_heading": RuleSpec(),
    "forward_heading": RuleSpec(),
    "review_opening": RuleSpec(),
    "forward_opening": RuleSpec(),
}
# A notice that issues another document is of that document's kind: 关于印发《…实施意见》的通知
_ISSUED = re.compile(r"(?:印发|转发|发布)[《〈“\"]?(.+?)[》〉”\"]?的(?:通知|决定|公告)")
_WS = re.compile(r"\s+")
_NAMED_YEAR = re.compile(r"((?:19|20)\d{2})年")
_HEAD_LINES = 20          # lines of the text head that may carry the name (a portal puts site and filing fields first)
_NAME_MAX = 80
_BARE_HEADING_MAX = 30    # a line this short that reads as a heading is one, labelled or not


@dataclass(frozen=True)
class Passages:
    """The kind of one document and the spans of its text that report results."""

    kind: str
    reporting: tuple[tuple[int, int], ...] = ()
    # the year a reporting passage is about when its text names none: a bulletin's year (江西省2022年…统计公报),
    # the year before a work report's own (its review)
    reported_year: int | None = None
    reports_all: bool = False           # the whole document reports (a bulletin): no goal, no deadline

    def is_reporting(self, offset: int) -> bool:
        i = bisect.bisect_right([a for a, _ in self.reporting], offset) - 1
        return i >= 0 and self.reporting[i][0] <= offset < self.reporting[i][1]


@dataclass(frozen=True)
class PassageClassifier:
    kind_rules: tuple[Rule, ...]
    by_role: dict[str, tuple[Rule, ...]]

    @classmethod
    def from_rulebook(cls, book: RuleSource) -> "PassageClassifier":
        rules = book.ruleset(RULES_FILE.removesuffix(".toml"))
        by_role = group_rules(rules, "role", ROLE_SPECS)     # file order is priority order for kinds
        return cls(kind_rules=tuple(by_role.pop("kind", [])), by_role={k: tuple(v) for k, v in by_role.items()})

    # ------------------------------------------------------------------ kind

    def kind_rule(self, doc: Document) -> tuple[Rule, str] | tuple[None, None]:
        """The kind rule of the document's name: the title (or the document a notice issues), else the first
        short lines of the text (a portal page whose title was not found)."""
        names: list[str] = []
        if doc.meta.title:
            names.append(doc.meta.title)
        names.extend(line for line in doc.text.split("\n", _HEAD_LINES)[:_HEAD_LINES]
                     if 0 < len(line.strip()) <= _NAME_MAX)
        for name in names:
            name = _WS.sub("", name)
            issued = _ISSUED.search(name)
            for candidate in ((issued.group(1), name) if issued else (name,)):
                for rule in self.kind_rules:
                    if rule.pattern.search(candidate):
                        return rule, candidate
        return None, None

    # ------------------------------------------------------------------ passages

    def __call__(self, doc: Document, doc_year: int | None = None) -> Passages:
        rule, name = self.kind_rule(doc)
        kind = str(rule.attrs["kind"]) if rule is not None else "other"
        if rule is not None and rule.attrs.get("status") == "reporting":
            named = _NAMED_YEAR.search(name or "")
            year = int(named.group(1)) if named else (doc_year - 1 if doc_year else None)
            return Passages(kind=kind, reporting=((0, len(doc.text)),), reported_year=year, reports_all=True)
        spans = [(s.char_start, s.char_end) for s in doc.sections if self._heading(s.heading, "review_heading")]
        forward = [(s.char_start, s.char_end) for s in doc.sections if self._heading(s.heading, "forward_heading")]
        spans.extend(self._opened_reviews(doc, doc_year, spans, forward, openings=kind == "work_report"))
        reported = doc_year - 1 if kind == "work_report" and doc_year else None
        return Passages(kind=kind, reporting=tuple(merge_spans(spans)), reported_year=reported)

    def _heading(self, heading: str, role: str) -> bool:
        return any(r.pattern.search(heading) for r in self.by_role.get(role, ()))

    def _opened_reviews(self, doc: Document, doc_year: int | None, headed: list[tuple[int, int]],
                        forward: list[tuple[int, int]], openings: bool) -> list[tuple[int, int]]:
        """Reviews opened by a heading line the outline does not label (a bare 2024年工作回顾 line) or, in a work
        report (``openings``), by a phrase (过去的一年，…): from that paragraph to the first paragraph that turns
        to this year's work (a bare forward heading line, a forward opening) or the first forward-headed
        section."""
        text = doc.text
        forward_starts = sorted(a for a, _ in forward)
        found: list[tuple[int, int]] = []
        open_at: int | None = None
        pos = 0
        in_headed, in_forward = SpanSet(headed), SpanSet(forward)   # a bisect per line, not a scan of every section
        for line in text.split("\n"):
            start, pos = pos, pos + len(line) + 1
            if start in in_headed:
                continue
            if open_at is not None:
                i = bisect.bisect_right(forward_starts, start) - 1
                crossed = i >= 0 and forward_starts[i] > open_at
                if crossed or self._bare_heading(line, "forward_heading") or \
                        (openings and self._turns_forward(line, doc_year)):
                    found.append((open_at, forward_starts[i] if crossed else start))
                    open_at = None
                continue
            if start in in_forward:
                continue
            if self._bare_heading(line, "review_heading") or (
                    openings and any(r.pattern.match(line) for r in self.by_role.get("review_opening", ()))):
                open_at = start
        if open_at is not None:
            found.append((open_at, len(text)))
        return found

    def _bare_heading(self, line: str, role: str) -> bool:
        line = line.strip()
        return 0 < len(line) <= _BARE_HEADING_MAX and self._heading(line, role)

    def _turns_forward(self, line: str, doc_year: int | None) -> bool:
        for rule in self.by_role.get("forward_opening", ()):
            m = rule.pattern.match(line)
            if m is None:
                continue
            year = m.groupdict().get("year")
            # 2025年是…收官之年 opens the review of a 2026 report; only the report's own year looks ahead
            if year is None or doc_year is None or int(year) >= doc_year:
                return True
        return False
