"""Numbers, ranges and units as written in Chinese policy documents.

Pure functions; the unit/magnitude table is data (``rules/units.toml``)::

    >>> parse_number("1,200.5"), parse_number("三十"), parse_number("两")
    (1200.5, 30.0, 2.0)
    >>> parse_number("1.5万"), parse_number("百分之九"), parse_number("1/3"), parse_number("三分之二")
    (15000.0, 9.0, 0.3333, 0.6667)
    >>> parse_range("1—1.5")
    (1.0, 1.5)
    >>> units = UnitTable.load(Path("rules"))
    >>> units.to_base(1.5, "亿元")
    (150000000.0, '元')

Fractions are rounded to 4 decimals (``1/3`` → 0.3333), the precision the gold
annotations use. Chinese numerals are parsed here rather than with ``cn2an``:
the forms policy texts use (``三十``, ``两``, ``一百零五``, ``二〇二五``,
``三点五``, ``三千五百万``) take a few lines, and no dependency is needed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex

from ..text.numerals import CN_BIG_UNITS, CN_DIGITS, CN_NUMERAL_CHARS, CN_SMALL_UNITS, cn_integer
from .rules import RuleError, RuleSource

UNITS_FILE = "units.toml"
# kinds a units.toml entry may have (targets.py reads count, spec and percent; rate and none are derived)
UNIT_KINDS = ("count", "percent", "currency", "measure", "spec")
_UNIT_KEYS = ("kind", "base", "factor", "not_before")   # not_before: read by rules.py for ${UNIT_BASE}
FRACTION_DECIMALS = 4

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，／－～％", "0123456789.,/-~%")
_CN_DIGIT = CN_DIGITS
_CN_CHARS = CN_NUMERAL_CHARS

# Magnitude words after a number (1.5万, 3千万, 2万亿) and alone (百场, 千兆): numeral arithmetic, not
# vocabulary. Each is a run of the numeral units of pipeline/text/numerals.py and is worth their product
# (千万 = 千 × 万), so it stays beside the parser sharing that table instead of in rules/, where a
# reader would need the book at every call of these pure functions; the magnitudes that prefix a
# *unit* (亿元, 万吨) are data, units.toml's [magnitudes].
_UNIT_VALUE = {**CN_SMALL_UNITS, **CN_BIG_UNITS}                       # 十 百 千 万 亿
_MAGNITUDE_WORDS = ("万亿", "千万", "百万", "十万", "万", "亿", "千")   # the order the pattern tries them
_MAGNITUDE_WORD = {w: float(math.prod(_UNIT_VALUE[ch] for ch in w)) for w in _MAGNITUDE_WORDS}
_BARE_MAGNITUDE = {ch: float(v) for ch, v in _UNIT_VALUE.items()}      # a magnitude word alone is its number

_ARABIC = regex.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_ARABIC_FULL = regex.compile(rf"(?P<n>{_ARABIC.pattern})\s*(?P<mag>{'|'.join(_MAGNITUDE_WORDS)})?")
_CN_NUMBER = regex.compile(rf"[{_CN_CHARS}]+(?:点[{''.join(_CN_DIGIT)}]+)?")
_FRACTION = regex.compile(rf"(?P<num>{_ARABIC.pattern})\s*/\s*(?P<den>{_ARABIC.pattern})")
_CN_FRACTION = regex.compile(rf"(?P<den>[{_CN_CHARS}\d.]+)分之(?P<num>[{_CN_CHARS}\d.]+)")
_CN_PERCENT = regex.compile(rf"百分之(?P<num>[{_CN_CHARS}\d.]+(?:点[{''.join(_CN_DIGIT)}]+)?)")
_RANGE_SEP = regex.compile(r"\s*(?:——|--|[-—–~～－至到])\s*")


def to_halfwidth(text: str) -> str:
    return text.translate(_FULLWIDTH)


def _cn_number(text: str) -> float | None:
    whole, _, frac = text.partition("点")
    value = cn_integer(whole)
    if value is None:
        return None
    if frac:
        if any(ch not in _CN_DIGIT for ch in frac):
            return None
        return float(f"{value}.{''.join(str(_CN_DIGIT[ch]) for ch in frac)}")
    return float(value)


def _simple_number(text: str) -> float | None:
    """An Arabic or Chinese number, with an optional trailing magnitude word (``1.5万``)."""
    m = _ARABIC_FULL.fullmatch(text)
    if m:
        value = float(m.group("n").replace(",", ""))
        return value * _MAGNITUDE_WORD[m.group("mag")] if m.group("mag") else value
    if text in _BARE_MAGNITUDE:               # 百场, 千兆, 突破万亿元: a magnitude word alone is its own number
        return _BARE_MAGNITUDE[text]
    if _CN_NUMBER.fullmatch(text):
        return _cn_number(text)
    return None


def parse_number(text: str) -> float | None:
    """The value of one number as written; None if ``text`` is not a number.

    Arabic (``1,200.5``, full-width), Chinese (``三十``, ``两``, ``三点五``),
    mixed (``1.5万``), fractions (``1/3``, ``三分之二`` → 4 decimals) and
    ``百分之九`` (→ 9, a percentage).
    """
    text = to_halfwidth(text).strip()
    if not text:
        return None
    m = _CN_PERCENT.fullmatch(text)
    if m:
        return _simple_number(m.group("num"))
    m = _FRACTION.fullmatch(text) or _CN_FRACTION.fullmatch(text)
    if m:
        num, den = _simple_number(m.group("num")), _simple_number(m.group("den"))
        if num is None or not den:
            return None
        return round(num / den, FRACTION_DECIMALS)
    return _simple_number(text)


def parse_range(text: str) -> tuple[float, float] | None:
    """``30-40``, ``30—40``, ``30~40``, ``30至40``, ``1—1.5`` → (low, high); a point → (v, v)."""
    text = to_halfwidth(text).strip()
    single = parse_number(text)
    if single is not None:
        return single, single
    parts = _RANGE_SEP.split(text)
    if len(parts) != 2:
        return None
    low, high = parse_number(parts[0]), parse_number(parts[1])
    if low is None or high is None:
        return None
    return (low, high) if low <= high else (high, low)


# ---------------------------------------------------------------- units

@dataclass(frozen=True)
class UnitInfo:
    """A unit as written, resolved: ``亿元`` → kind currency, base ``元``, factor 1e8."""

    unit: str
    kind: str                 # count | percent | currency | measure | spec | rate | none
    base: str
    factor: float


@dataclass(frozen=True)
class UnitTable:
    magnitudes: tuple[tuple[str, float], ...]       # longest first
    units: dict[str, tuple[str, str]]               # form -> (kind, base)
    factors: dict[str, float] = field(default_factory=dict)   # form -> base units per unit (GWh → 1e6 千瓦时)
    per: frozenset[str] = frozenset()               # time words that may follow "/" only (元/月, 万吨/日)
    _memo: dict[str, "UnitInfo | None"] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_rulebook(cls, book: RuleSource) -> "UnitTable":
        """The book's ``units.toml`` (once per book; targets and indicators share it)."""
        return book.view("units", lambda: cls.from_toml(book.toml(UNITS_FILE), book.source(UNITS_FILE)))

    @classmethod
    def from_toml(cls, data: dict[str, Any], path: Path | str) -> "UnitTable":
        """Check parsed ``units.toml``; a defect raises :class:`RuleError` naming the file and the entry
        (``units.<form>``, ``magnitudes.<word>``) — a run must not start on a table it cannot use."""
        unknown = sorted(set(data) - {"magnitudes", "units", "per"})
        if unknown:
            raise RuleError(path, None, f"unknown tables {unknown}; allowed: ['magnitudes', 'per', 'units']")
        per = data.get("per", {})
        if not isinstance(per, dict) or not all(isinstance(v, dict) and not v for v in per.values()):
            raise RuleError(path, None, "[per] must map time words to empty tables: 月 = {}")
        magnitudes, unit_specs = data.get("magnitudes", {}), data.get("units")
        if not isinstance(magnitudes, dict):
            raise RuleError(path, None, "[magnitudes] must map magnitude words to numbers")
        if not isinstance(unit_specs, dict) or not unit_specs:
            raise RuleError(path, None, "needs a [units] table of unit = { kind = … }")
        mags = sorted(((k, _positive(v, path, f"magnitudes.{k}", "the magnitude")) for k, v in magnitudes.items()),
                      key=lambda kv: -len(kv[0]))
        units: dict[str, tuple[str, str]] = {}
        factors: dict[str, float] = {}
        for form, spec in unit_specs.items():
            entry = f"units.{form}"
            if not isinstance(spec, dict):
                raise RuleError(path, entry, "must be a table such as { kind = \"count\" }")
            extra = sorted(set(spec) - set(_UNIT_KEYS))
            if extra:
                raise RuleError(path, entry, f"unknown keys {extra}; allowed: {list(_UNIT_KEYS)}")
            if "kind" not in spec:
                raise RuleError(path, entry, f"needs 'kind', one of {list(UNIT_KINDS)}")
            if spec["kind"] not in UNIT_KINDS:
                raise RuleError(path, entry, f"kind = {spec['kind']!r} is not one of {list(UNIT_KINDS)}")
            base = spec.get("base", form)
            if not isinstance(base, str) or not base:
                raise RuleError(path, entry, f"base must be a non-empty string, got {base!r}")
            units[form] = (spec["kind"], base)
            if "factor" in spec:
                factors[form] = _positive(spec["factor"], path, entry, "factor")
        return cls(magnitudes=tuple(mags), units=units, factors=factors, per=frozenset(per))

    def _simple(self, text: str) -> tuple[str, str, float] | None:
        """(kind, base, factor) of ``[magnitude]unit``; None if unknown."""
        if text in self.units:
            kind, base = self.units[text]
            return kind, base, self.factors.get(text, 1.0)
        for mag, factor in self.magnitudes:
            if text.startswith(mag) and text[len(mag):] in self.units:
                kind, base = self.units[text[len(mag):]]
                return kind, base, factor * self.factors.get(text[len(mag):], 1.0)
        return None

    def _with_prefix(self, text: str) -> tuple[str, str, float] | None:
        """Like :meth:`_simple`, ignoring descriptive words before the unit (``增加值万元``)."""
        for i in range(len(text)):
            found = self._simple(text[i:])
            if found:
                return found
        return None

    def resolve(self, unit: str) -> UnitInfo | None:
        """Resolve a unit as written; ``""`` → kind ``none``; None if unknown (memoized: units repeat)."""
        if unit not in self._memo:
            self._memo[unit] = self._resolve(unit)
        return self._memo[unit]

    def _resolve(self, unit: str) -> UnitInfo | None:
        text = to_halfwidth(unit).replace(" ", "")
        if not text:
            return UnitInfo(unit=unit, kind="none", base="", factor=1.0)
        numerator, slash, denominator = text.partition("/")
        top = self._with_prefix(numerator)
        if top is None:
            return None
        if not slash:
            return UnitInfo(unit=unit, kind=top[0], base=top[1], factor=top[2])
        denominator = denominator.lstrip("每")
        bottom = self._simple(denominator) or (("time", denominator, 1.0) if denominator in self.per else None)
        if bottom is None:
            return None
        return UnitInfo(unit=unit, kind="rate", base=f"{top[1]}/{bottom[1]}", factor=top[2] / bottom[2])

    def to_base(self, value: float | None, unit: str) -> tuple[float | None, str | None]:
        """(value_base, unit_base): ``(1.5, '亿元')`` → ``(1.5e8, '元')``; unknown unit → (None, None)."""
        info = self.resolve(unit)
        if info is None or value is None:
            return None, None
        if info.kind == "percent" or info.factor == 1.0:
            return value, info.base
        return _clean_float(value * info.factor), info.base

    def kind(self, unit: str) -> str | None:
        info = self.resolve(unit)
        return info.kind if info else None


def _positive(value: Any, path: Path | str, entry: str, what: str) -> float:
    """A number > 0 (TOML int or float; a string such as "1e8" or a boolean is a defect)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise RuleError(path, entry, f"{what} must be a positive number, got {value!r}")
    return float(value)


def _clean_float(x: float) -> float:
    """Drop binary noise from a scaled value (1.2 * 1e8 → 120000000.0, not 120000000.00000001)."""
    return float(f"{x:.12g}")
