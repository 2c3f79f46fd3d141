"""Unit names of responsibility clauses: canonical names and unit types.

Data, not code: ``rules/unit_aliases.tsv`` maps abbreviations, full names and
former names to canonical names; ``rules/unit_types.toml`` holds the unit-type
patterns (rules of the rule engine, with examples and counterexamples).

A local body is a *prefix* naming its level or place, then a *core*::

    区 + 发改委            → 区 + 发展改革委
    上海市 + 经信委        → 上海市 + 经济信息化委
    上海市松江区 + 人社局  → 上海市松江区 + 人力资源社会保障局

so one alias row (``发改委 → 发展改革委``, scope ``local``) serves every
district, city and province. National bodies are whole names (``工信部 →
工业和信息化部``); bare names such as ``发展改革委`` or ``统计局`` mean the
national body only in a national document (State Council, ministries), which
the caller says with ``national=True``.

A sub-unit in brackets stays attached (``区发展改革委<金融服务办>``); it is
canonicalized under the main unit's prefix (``区发展改革委<区金融办>``) and
the type is the main unit's.
"""
from __future__ import annotations

import csv
import functools
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import ClassVar, Mapping

import regex

from ..tables.schema import ENUMS
from .rules import BuiltFromBook, Rule, RuleError, RuleGroup, RuleSource, RuleSpec, expand, read_tsv_lines, validate_rule

ALIASES_FILE = "unit_aliases.tsv"
TYPES_FILE = "unit_types.toml"
SCOPES = ("local", "national", "bare", "any")
KINDS = ("abbr", "full", "former", "canonical")
ALIAS_COLUMNS = ("alias", "canonical", "scope", "kind", "note")
UNIT_TYPES = ENUMS["responsibilities"]["unit_type"]   # ministry | municipal_bureau | … | other
# What this module reads from rules/unit_types.toml (see RuleSpec): a type rule (no kind) names one of
# SCHEMA.md's responsibilities.unit_type; the one 'org_like' rule says a name has the form of a body.
KIND_SPECS = {None: RuleSpec(attrs={"type": UNIT_TYPES}), "org_like": RuleSpec()}

_WS = regex.compile(r"\s+")
# main unit + one bracketed sub-unit at the end: 区发展改革委<金融服务办>, 市政府办公厅（市政府研究室）
_SUB_UNIT = regex.compile(r"^(?P<main>.+?)(?P<open>[<〈《（(〔【])(?P<sub>[^<>〈〉《》（）()〔〕【】]+)"
                          r"(?P<close>[>〉》）)〕】])$")
_CPC = regex.compile(r"^中共(?!中央)")
_MAX_SEGMENT = 12          # longest place segment: 新疆维吾尔自治区


@dataclass(frozen=True)
class UnitName:
    """A unit as written, split into its main unit and an optional sub-unit."""

    main: str
    sub: str | None = None
    open: str = ""
    close: str = ""

    @classmethod
    @functools.lru_cache(maxsize=1 << 16)   # pure, and asked several times for every unit of a clause
    def parse(cls, unit: str) -> "UnitName":
        unit = _WS.sub("", unit)
        m = _SUB_UNIT.match(unit)
        if not m:
            return cls(main=unit)
        return cls(main=m.group("main"), sub=m.group("sub"), open=m.group("open"), close=m.group("close"))


@dataclass(frozen=True)
class UnitLexicon(BuiltFromBook):
    """Canonical names and types of units; loaded once, pure afterwards."""

    aliases: Mapping[str, Mapping[str, str]]   # scope -> alias -> canonical
    cores: frozenset[str]                      # every known local core (aliases and canonicals)
    type_rules: tuple[Rule, ...]               # by descending priority
    org_rule: Rule
    bare_prefix: regex.Pattern                 # 区 / 市 / 省 … opening a name
    place_segment: regex.Pattern               # 上海市 / 松江区 / 浦东新区 …
    # unit_type and split_prefix of a name, remembered: pure functions of the rules, asked many times per clause
    _types: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    _splits: dict[str, tuple[str, str]] = field(default_factory=dict, compare=False, repr=False)
    _org_like: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)
    VIEW: ClassVar[str] = "unit-lexicon"

    # ------------------------------------------------------------ loading

    @classmethod
    def _build(cls, book: RuleSource) -> "UnitLexicon":
        ruleset = book.ruleset(TYPES_FILE.removesuffix(".toml"))
        kinds = {rule.id: validate_rule(rule, "kind", KIND_SPECS) for rule in ruleset}
        type_rules = tuple(sorted((r for r in ruleset if kinds[r.id] is None), key=lambda r: -r.priority))
        org = [r for r in ruleset if kinds[r.id] == "org_like"]
        if len(org) != 1:
            raise RuleError(ruleset.source, None, "needs exactly one rule with attrs.kind = 'org_like'")

        def define(name: str) -> str:
            if name not in ruleset.defines:
                raise RuleError(ruleset.source, None, f"[define] needs {name}")
            return expand(ruleset.defines[name], ruleset.defines, file=ruleset.source, rule_id=None)

        bare_prefix = regex.compile(f"(?:{define('BARE_LEVEL')})")
        place_segment = regex.compile(f"(?:{define('PLACE')})(?:{define('LEVEL')})(?:{define('NOT_WORD')})")
        aliases = aliases_from_lines(book.tsv_lines(ALIASES_FILE), book.source(ALIASES_FILE))
        cores = frozenset(aliases["local"]) | frozenset(aliases["local"].values())
        return cls(aliases=MappingProxyType({k: MappingProxyType(v) for k, v in aliases.items()}),
                   cores=cores, type_rules=type_rules, org_rule=org[0], bare_prefix=bare_prefix,
                   place_segment=place_segment)

    @functools.cached_property
    def _typed(self) -> RuleGroup:
        """The type rules as one group: one search tells that a name has no type (most names read have none)."""
        return RuleGroup.of("type", self.type_rules)

    # ------------------------------------------------------------ names

    def split_prefix(self, name: str) -> tuple[str, str]:
        """(level/place prefix, core): ``上海市松江区经委`` → (``上海市松江区``, ``经委``).

        Among the possible cuts, the longest whose core is a known core wins (``区市场监管局``
        → ``区`` + ``市场监管局``, not ``区市`` + …); with no known core, the longest cut.
        """
        found = self._splits.get(name)
        if found is None:
            found = self._splits[name] = self._split_prefix(name)
        return found

    def _split_prefix(self, name: str) -> tuple[str, str]:
        starts = [0]
        m = self.bare_prefix.match(name)
        if m:
            starts = [m.end()]
        cuts = set(starts)
        frontier = list(starts)
        while frontier:   # every way of reading place segments: 广州市 is 广州 + 市, not 广 + 州 …
            pos = frontier.pop()
            for end in range(pos + 2, min(len(name), pos + _MAX_SEGMENT) + 1):
                if end not in cuts and self.place_segment.fullmatch(name, pos, end):
                    cuts.add(end)
                    frontier.append(end)
        cuts = sorted(c for c in cuts | {0} if c < len(name))
        known = [c for c in cuts if name[c:] in self.cores]
        cut = max(known) if known else max(cuts)
        return name[:cut], name[cut:]

    def _canonical_main(self, name: str, national: bool) -> str:
        name = _CPC.sub("", name)
        for scope in ("any", "national"):
            if name in self.aliases[scope]:
                return self.aliases[scope][name]
        if national and name in self.aliases["bare"]:
            return self.aliases["bare"][name]
        prefix, core = self.split_prefix(name)
        if prefix or not national:
            return prefix + self.aliases["local"].get(core, core)
        return name

    def canonical(self, unit: str, *, national: bool = False, inherit: str = "") -> str:
        """Canonical name of a unit as written (whitespace removed, sub-unit kept).

        ``inherit`` is the level/place prefix of the unit listed before it: a known local core
        written without a prefix takes it (``省发展改革委、科技厅`` → ``省科技厅``).
        """
        parsed = UnitName.parse(unit)
        main = self._canonical_main(parsed.main, national)
        if inherit and main == self.aliases["local"].get(parsed.main, parsed.main) \
                and parsed.main in self.cores and not self.split_prefix(main)[0]:
            main = inherit + main
        if parsed.sub is None:
            return main
        sub = parsed.sub
        if self.is_org_like(sub):
            prefix, _ = self.split_prefix(main)
            sub_prefix, _ = self.split_prefix(sub)
            sub = self._canonical_main(sub if sub_prefix else prefix + sub, national)
        return f"{main}{parsed.open}{sub}{parsed.close}"

    def prefix_of(self, canonical: str) -> str:
        """The level/place prefix of a canonical local body (``区`` of 区经委), else ''."""
        main = UnitName.parse(canonical).main
        if self.unit_type(main) not in ("municipal_bureau", "district_bureau"):
            return ""
        return self.split_prefix(main)[0]

    def unit_type(self, name: str) -> str:
        """Type of a (canonical) unit name from its form; the sub-unit is ignored."""
        main = UnitName.parse(name).main
        found = self._types.get(main)
        if found is None:
            found = "other" if not self._typed.may_match(main) else \
                next((rule.attrs["type"] for rule in self.type_rules if rule.search(main)), "other")
            self._types[main] = found
        return found

    def is_org_like(self, name: str) -> bool:
        """True when a name has the form of an organisation or is a known alias."""
        main = UnitName.parse(name).main
        found = self._org_like.get(main)
        if found is None:
            found = self._org_like[main] = any(main in table for table in self.aliases.values()) or \
                self.org_rule.search(main) is not None or self.unit_type(main) != "other"
        return found

    def is_national_name(self, name: str) -> bool:
        """A whole name that only a national body has (工信部, 国家发展改革委, 海关总署 …)."""
        main = _CPC.sub("", UnitName.parse(name).main)
        canonical = self.aliases["national"].get(main, main)
        return self.unit_type(canonical) == "ministry"

    def is_local_body(self, name: str) -> bool:
        """A body of a province, city, district or county by its form (市经委, 区人社局, 广东省工信厅)."""
        return self.unit_type(self.canonical(name)) in ("municipal_bureau", "district_bureau")


def load_aliases(path: Path) -> dict[str, dict[str, str]]:
    """Read ``unit_aliases.tsv`` on disk (see :func:`aliases_from_lines`)."""
    return aliases_from_lines(read_tsv_lines(Path(path)), Path(path))


def aliases_from_lines(lines: list[str], path: Path | str) -> dict[str, dict[str, str]]:
    """``unit_aliases.tsv``'s lines: {scope: {alias: canonical}}; defects raise RuleError naming the line."""
    tables: dict[str, dict[str, str]] = {scope: {} for scope in SCOPES}
    rows = [(n, line) for n, line in enumerate(lines, 1) if line.strip() and not line.lstrip().startswith("#")]
    if not rows or rows[0][1].split("\t")[:3] != ["alias", "canonical", "scope"]:
        raise RuleError(path, None, "first non-comment line must be the header 'alias<TAB>canonical<TAB>scope…'")
    for n, fields in ((n, next(csv.reader([line], delimiter="\t"))) for n, line in rows[1:]):
        where = f"line {n}"
        if len(fields) < 3:
            raise RuleError(path, where, f"needs at least alias, canonical, scope; got {fields}")
        if len(fields) > len(ALIAS_COLUMNS):    # a stray tab shifts the note into a sixth column
            raise RuleError(path, where, f"{len(fields)} columns; at most {len(ALIAS_COLUMNS)}: "
                                         f"{', '.join(ALIAS_COLUMNS)}")
        alias, canonical, scope = (f.strip() for f in fields[:3])
        kind = fields[3].strip() if len(fields) > 3 else ""
        if not alias or not canonical or _WS.search(alias + canonical):
            raise RuleError(path, where, "alias and canonical must be non-empty and without spaces")
        if scope not in SCOPES:
            raise RuleError(path, where, f"unknown scope {scope!r}; allowed: {SCOPES}")
        if kind and kind not in KINDS:
            raise RuleError(path, where, f"unknown kind {kind!r}; allowed: {KINDS}")
        previous = tables[scope].get(alias)
        if previous is not None and previous != canonical:
            raise RuleError(path, where, f"alias {alias!r} ({scope}) maps to both {previous!r} and {canonical!r}")
        tables[scope][alias] = canonical
    return tables
