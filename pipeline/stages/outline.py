"""Heading hierarchy of normalized text.

A heading line starts with a label of one of these kinds; ``Section.label`` is
the label as written in the text (``text[char_start:]`` starts with it):

=========  ==============================
kind       written as
=========  ==============================
chapter    第一章 / 第一节 / 第一条 …
cn_dun     一、 十一、
cn_paren   （一） (一)
ar_dot     1. 1． 1﹒ ⒈
ar_dun     1、
ar_paren   （1） (1) ⑴
circled    ①
=========  ==============================

``1.`` and ``1、`` are two kinds, because a document using both uses them at
different depths. A section's level is its depth under the sections open
when it starts (1 = top; see ``_nest``), so a document may start at ``（一）``
and a kind first seen under one parent does not fix the level of another. The
第X章/节/条/篇/部分 forms are one kind per unit and rank 篇/部分 > 章 > 节 > 条.

The heading text is the rest of the line when short (≤ 40 characters, no
``。``); when the item runs on into its text (``1．持续推进工业强基，实施产业基础
再造。围绕…``), it is the text up to the first sentence terminator (≤ 60
characters; else up to the first comma, else the first 60 characters).

Guards against false headings: table rows (tabs) are skipped; ``1.5``/``2023年``
are not labels; ``二、三产业`` (a numeral followed by the next one) is not a label; a numbered label must be 1 or
follow the last number of its kind by at most 2 (numbering may continue across
parents, and one lost heading must not hide the rest).
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

import regex

from ..extract.rules import RuleSource
from ..tables.rows import Section
from ..text.numerals import CN_DIGITS, cn_integer

_CN_DIGITS = CN_DIGITS

# a label opening a line, spaces around it: ${OUTLINE_LABEL} of the book's common.toml, whose named groups
# give the label's kind and number
LABEL_PATTERN = r"[ \u3000]*(?:${OUTLINE_LABEL})[ \u3000]*"
_LINE = regex.compile(r"[^\n]+")
_CHAPTER_RANK = ("chapter_篇", "chapter_部分", "chapter_章", "chapter_节", "chapter_条")
_TERMINATOR = regex.compile(r"[。！？；!?;]")
_CLAUSE = regex.compile(r"[，,：:]")
_SHORT_HEADING = 40
_MAX_HEADING = 60


def cn_to_int(s: str) -> int:
    """Chinese numeral (一 … 九十九, 百) or Arabic digits to int."""
    value = cn_integer(s)
    if value is None:
        raise ValueError(f"not a numeral: {s!r}")
    return value


def _label_of(m: regex.Match) -> tuple[str, int, str] | None:
    """(kind, number, label) of a label match; the label as written in the normalized text (SCHEMA.md:
    ``1．`` stays ``1．``, ``⑴`` stays ``⑴``), so that ``text[char_start:]`` starts with it."""
    if m.group("chapter"):
        unit = m.group("unit")
        return f"chapter_{unit}", cn_to_int(m.group("cnum")), m.group("chapter")
    if m.group("cn_dun"):
        return "cn_dun", cn_to_int(m.group("n_dun")), m.group("cn_dun")
    if m.group("cn_paren"):
        return "cn_paren", cn_to_int(m.group("n_cp")), m.group("cn_paren")
    if m.group("ar_paren"):
        return "ar_paren", int(m.group("n_ap")), m.group("ar_paren")
    if m.group("ar"):
        kind = "ar_dun" if m.group("p_ar") == "、" else "ar_dot"
        return kind, int(m.group("n_ar")), m.group("ar")
    if m.group("circled"):
        return "circled", ord(m.group("circled")) - ord("①") + 1, m.group("circled")
    if m.group("paren_digit"):          # ⑴ is one character for （1）
        return "ar_paren", ord(m.group("paren_digit")) - ord("⑴") + 1, m.group("paren_digit")
    if m.group("dot_digit"):            # ⒈ is one character for 1.
        return "ar_dot", ord(m.group("dot_digit")) - ord("⒈") + 1, m.group("dot_digit")
    return None


def _heading_span(line: str, start: int) -> tuple[int, int]:
    """Span (within ``line``) of the heading text that begins at ``start``."""
    rest = line[start:].rstrip()
    end = len(line[:start]) + len(rest)
    if len(rest) <= _SHORT_HEADING and "。" not in rest:
        while end > start and line[end - 1] in "：:。；;，,":
            end -= 1
        return start, end
    stop = _TERMINATOR.search(rest)
    if stop and stop.start() <= _MAX_HEADING:
        return start, start + stop.start()
    comma = _CLAUSE.search(rest)
    if comma and comma.start() <= _MAX_HEADING:
        return start, start + comma.start()
    return start, start + min(len(rest), _MAX_HEADING)


# How deep each kind conventionally sits; only used to close deeper open
# sections when a kind appears for the first time (see _nest).
_CONVENTIONAL_DEPTH = MappingProxyType({
    **{kind: rank for rank, kind in enumerate(_CHAPTER_RANK)},
    "cn_dun": 10, "cn_paren": 11, "ar_dot": 12, "ar_dun": 12, "ar_paren": 13, "circled": 14})


def _nest(kinds: list[str]) -> tuple[list[int], list[int | None]]:
    """Level and parent index of each heading, from the stack of open sections.

    A kind already open closes everything down to its open sibling and takes
    its place; a chapter unit closes everything but the larger units above it
    (篇/部分 > 章 > 节 > 条). A kind seen for the first time nests under the
    open section, after closing open sections of kinds that conventionally sit
    deeper: ``（一）`` under ``三、`` is level 2 even if ``1．`` items came
    under ``二、``, and a document may start at ``（一）``.
    """
    levels: list[int] = []
    parents: list[int | None] = []
    stack: list[tuple[str, int]] = []          # (kind, heading index) of the open sections
    for i, kind in enumerate(kinds):
        if kind.startswith("chapter_"):
            while stack and not (stack[-1][0].startswith("chapter_")
                                 and _CONVENTIONAL_DEPTH[stack[-1][0]] < _CONVENTIONAL_DEPTH[kind]):
                stack.pop()
        elif any(open_kind == kind for open_kind, _ in stack):
            while stack[-1][0] != kind:
                stack.pop()
            stack.pop()
        else:
            while stack and _CONVENTIONAL_DEPTH[stack[-1][0]] > _CONVENTIONAL_DEPTH[kind]:
                stack.pop()
        parents.append(stack[-1][1] if stack else None)
        levels.append(len(stack) + 1)
        stack.append((kind, i))
    return levels, parents


@dataclass(frozen=True)
class OutlineLabels:
    """The outline label of the run's rule book (``${OUTLINE_LABEL}`` of its common.toml), compiled: read
    from the book a run is given, so ``--rules`` decides what a label is."""
    line: regex.Pattern          # a label opening a line, spaces around it

    @classmethod
    def from_rulebook(cls, book: RuleSource) -> "OutlineLabels":
        return book.view("outline-labels", lambda: cls(line=book.compile_common(LABEL_PATTERN)))


def parse_outline(text: str, labels: OutlineLabels) -> list[Section]:
    """Sections of ``text`` in document order (see the module docstring); ``labels`` from the run's book."""
    label_at = labels.line.match
    found: list[tuple[int, str, str, int, int]] = []   # line start, kind, label, heading span
    last_number: dict[str, int] = {}
    for line_m in _LINE.finditer(text):
        line = line_m.group()
        if "\t" in line:
            continue
        m = label_at(line)
        if m is None:
            continue
        info = _label_of(m)
        if info is None:
            continue
        kind, number, label = info
        if kind == "cn_dun" and line[m.end():m.end() + 1] in _CN_DIGITS \
                and _CN_DIGITS[line[m.end()]] == number + 1:
            continue                 # 二、三产业: an enumeration of numerals, not a label
        hs, he = _heading_span(line, m.end())
        if he <= hs:
            continue                 # a bare label: nothing to call the section
        last = last_number.get(kind)
        if not (number == 1 or (last is not None and last < number <= last + 2)):
            continue                 # out of sequence: a number that happens to start a line
        last_number[kind] = number
        base = line_m.start()
        found.append((base, kind, label, base + hs, base + he))

    levels, parents = _nest([kind for _, kind, *_ in found])
    sections: list[Section] = []
    for i, (start, kind, label, hs, he) in enumerate(found):
        level = levels[i]
        end = next((s for j, (s, *_) in enumerate(found[i + 1:], i + 1) if levels[j] <= level), len(text))
        sections.append(Section(section_id=i, parent_id=parents[i], level=level, label=label,
                                heading=text[hs:he], char_start=start, char_end=end,
                                heading_start=hs, heading_end=he))
    return sections
