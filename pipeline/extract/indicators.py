"""Indicator codes: which standard indicator (``rules/indicators.toml``) a value measures.

``indicator_code(indicator_text, sentence, unit)`` is a pure function of the
row's indicator as extracted, its sentence and its unit::

    >>> indicator_code("地区生产总值", "地区生产总值增长5%左右。", "%")
    'gdp_growth'
    >>> indicator_code("地区生产总值", "地区生产总值达到1200亿元。", "亿元")
    'gdp_level'
    >>> indicator_code("地区生产总值", "…", "万人") is None   # a count is neither
    True
    >>> indicator_code("同比", "全年地区生产总值1234亿元，同比增长5.2%。", "%")
    'gdp_growth'

How it decides:

1. The indicator text (whitespace and quotes removed) must match one rule's
   anchored pattern as a whole: a scope, a change word and a linking verb are
   allowed around the wording, anything more (人均…, …占…比重) is not.
2. The unit's base (``rules/units.toml``: 亿元 → 元, 万人 → 人) must be one of
   the rule's ``units``: a 亿元 value is never a growth rate.
3. Exactly one indicator must be left; two (a text naming two indicators) or
   none give None — never a forced match.
4. Only when the indicator text is missing or only a change word (同比, 比上年
   增长) is the sentence read: the value is located there (by ``value_text``
   when given, else as the only number written with ``unit``), and its subject
   is the text before the number in its clause, or, when that is only a change
   word again, the previous clause's subject — how bulletins write a level and
   its growth (全年地区生产总值1234亿元，比上年增长5.2%).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import ClassVar

import regex

from .numbers import UnitTable
from .rules import BuiltFromBook, Rule, RuleError, RuleSource, RuleSpec, timeouts_recorded, validate_rule

RULES_FILE = "indicators.toml"


def _anchored(rule: Rule) -> str | None:
    source = rule.pattern.pattern
    if not (source.startswith("^") and source.endswith("$")):
        return "the pattern must be anchored (^…$): it has to cover the whole indicator text"
    return None


def _list_of_str(rule: Rule) -> str | None:
    units = rule.attrs.get("units")
    if not units or not all(isinstance(u, str) and u for u in units):
        return "attrs.units must be a non-empty list of unit bases (rules/units.toml)"
    return _anchored(rule)


ROLE_SPECS: dict[str | None, RuleSpec] = {
    None: RuleSpec(attrs={"code": str, "name": str, "unit": str, "units": list}, optional={"flow": bool},
                   check=_list_of_str),
    "change_only": RuleSpec(check=_anchored),
}

# Removed before matching: layout and quotation, never part of a wording.
_NOISE = regex.compile(r"[\s“”\"'‘’「」『』《》]+")
_CLAUSE_SEP = regex.compile(r"[，,；;：:。！？!?\n]")
_NUMBER = r"(?<![\d.])\d+(?:\.\d+)?\s*"


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str                  # the usual unit, as written
    units: frozenset[str]      # unit bases a value may have
    flow: bool                 # a yearly 新增 value is this indicator itself
    rule: Rule


@dataclass(frozen=True)
class IndicatorTable(BuiltFromBook):
    indicators: tuple[Indicator, ...]
    change_only: tuple[Rule, ...]
    units: UnitTable

    VIEW: ClassVar[str] = "indicators"

    @classmethod
    def _build(cls, book: RuleSource) -> "IndicatorTable":
        """Load and check ``indicators.toml``: every rule's attributes, unique codes, unit bases that
        ``units.toml`` knows (a typo would make an indicator unmatchable without a word)."""
        ruleset = book.ruleset(RULES_FILE.removesuffix(".toml"))
        units = UnitTable.from_rulebook(book)
        indicators: list[Indicator] = []
        change_only: list[Rule] = []
        seen: set[str] = set()
        for rule in ruleset:
            if validate_rule(rule, "role", ROLE_SPECS) == "change_only":
                change_only.append(rule)
                continue
            code = rule.attrs["code"]
            if not regex.fullmatch(r"[a-z][a-z0-9_]*", code):
                raise RuleError(rule.source, rule.id, f"attrs.code = {code!r} must be lower_snake_case")
            if code in seen:
                raise RuleError(rule.source, rule.id, f"attrs.code = {code!r} is used by another rule")
            seen.add(code)
            bases = set()
            for unit in rule.attrs["units"]:
                info = units.resolve(unit)
                if info is None or info.base != unit:
                    raise RuleError(rule.source, rule.id, f"attrs.units: {unit!r} is not a unit base of "
                                                          f"units.toml")
                bases.add(info.base)
            if units.resolve(rule.attrs["unit"]) is None or units.resolve(rule.attrs["unit"]).base not in bases:
                raise RuleError(rule.source, rule.id, f"attrs.unit = {rule.attrs['unit']!r} is not one of "
                                                      f"its own attrs.units {sorted(bases)}")
            indicators.append(Indicator(code=code, name=rule.attrs["name"], unit=rule.attrs["unit"],
                                        units=frozenset(bases), flow=bool(rule.attrs.get("flow", False)),
                                        rule=rule))
        return cls(indicators=tuple(indicators), change_only=tuple(change_only), units=units)

    @property
    def codes(self) -> dict[str, Indicator]:
        return {i.code: i for i in self.indicators}

    # ------------------------------------------------------------------ matching

    def _is_change_only(self, text: str) -> bool:
        return any(rule.search(text) for rule in self.change_only)

    @functools.cached_property
    def _by_base(self) -> dict[str, tuple[Indicator, ...]]:
        # the indicators measured in each base unit: a value is searched against its unit's indicators only
        by_base: dict[str, list[Indicator]] = {}
        for i in self.indicators:
            for base in dict.fromkeys(i.units):
                by_base.setdefault(base, []).append(i)
        return {k: tuple(v) for k, v in by_base.items()}

    @functools.cached_property
    def _memo(self) -> dict[tuple[str, str], str | None]:
        return {}

    def _match_text(self, text: str, base: str) -> str | None:
        # a document names the same indicator many times (地区生产总值, 研发投入强度): each (text, base) is
        # matched once; a reading during which a search timed out is not kept, so every skip is reported
        key = (text, base)
        memo = self._memo
        if key in memo:
            return memo[key]
        skipped = timeouts_recorded()
        found = {i.code for i in self._by_base.get(base, ()) if i.rule.search(text)}
        code = found.pop() if len(found) == 1 else None
        if timeouts_recorded() == skipped:
            if len(memo) >= _MEMO_MAX:
                memo.clear()
            memo[key] = code
        return code

    def code(self, indicator_text: str | None, sentence: str | None, unit: str | None,
             value_text: str | None = None) -> str | None:
        """The indicator code of one value, or None when no indicator fits (see the module docstring)."""
        # a missing value from a DataFrame (NaN, None) is no text
        indicator_text, sentence, unit, value_text = (v if isinstance(v, str) else None
                                                      for v in (indicator_text, sentence, unit, value_text))
        info = self.units.resolve(unit or "")
        if info is None or info.kind == "none":
            return None
        text = _NOISE.sub("", indicator_text or "")
        if text and not self._is_change_only(text):
            return self._match_text(text, info.base)
        subject = self._subject(sentence or "", unit or "", value_text)
        return self._match_text(subject, info.base) if subject else None

    def _subject(self, sentence: str, unit: str, value_text: str | None) -> str | None:
        """The subject of the value in ``sentence``: the text before its number in its clause, or the
        previous clause's when that is only a change word. None when the value cannot be located."""
        at = _locate(sentence, unit, value_text)
        if at is None:
            return None
        clauses = [(m.start(), m.end()) for m in _CLAUSE.finditer(sentence)]
        index = next((k for k, (s, e) in enumerate(clauses) if s <= at < e), None)
        if index is None:
            return None
        end = at
        for k in range(index, max(index - 3, -1), -1):   # at most two clauses back
            start = clauses[k][0]
            head = sentence[start:end] if k == index else _before_number(sentence[start:clauses[k][1]])
            head = _NOISE.sub("", head)
            if head and not self._is_change_only(head):
                return head
        return None


def _locate(sentence: str, unit: str, value_text: str | None) -> int | None:
    """Where the value starts in ``sentence``: ``value_text`` when written there once, else the only number
    written with ``unit``; None when the value is absent or ambiguous."""
    if value_text and sentence.count(value_text) == 1:
        at = sentence.index(value_text)
        digit = _DIGIT.search(value_text)
        return at + (digit.start() if digit else 0)
    if not unit:
        return None
    forms = {unit, unit.replace("%", "％"), unit.replace("％", "%")}
    unit_re = "|".join(regex.escape(f) for f in sorted(forms, key=len, reverse=True))
    hits = [m.start() for m in _number_with(unit_re).finditer(sentence)]
    return hits[0] if len(hits) == 1 else None


# compiled once (these run for every value; regex's cache lookup per call costs more than the match)
_CLAUSE = regex.compile(r"[^，,；;：:。！？!?\n]+")
_MEMO_MAX = 50_000       # (indicator text, unit base) readings kept per table
_DIGIT = regex.compile(r"\d")


@functools.lru_cache(maxsize=256)
def _number_with(unit_re: str) -> regex.Pattern:
    return regex.compile(rf"{_NUMBER}(?:{unit_re})")


def _before_number(clause: str) -> str:
    m = _DIGIT.search(clause)
    return clause[:m.start()] if m else clause


def indicator_code(indicator_text: str | None, sentence: str | None, unit: str | None, *,
                   value_text: str | None = None, table: IndicatorTable) -> str | None:
    """The code of the standard indicator a value measures, or None when none fits; ``table`` is
    :meth:`IndicatorTable.from_rulebook` of the run's rule book."""
    return table.code(indicator_text, sentence, unit, value_text=value_text)
