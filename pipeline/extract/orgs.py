"""Recognition of organisation names in one sentence: gazetteers, enumerations, morphology.

Data, not code: ``rules/entities.toml`` holds the patterns (by ``attrs.kind``, see
the file's header) and ``rules/gazetteers/*.tsv`` the known names. This module
reads one sentence at a time, with the token boundaries of the segmenter, and
returns :class:`Mention` records; :mod:`pipeline.extract.entity_nlp` wraps it
as a spaCy component and :mod:`pipeline.extract.entities` turns mentions into
rows.

How a mention is found, strongest evidence first:

1. a gazetteer name at token boundaries (``method = gazetteer``);
2. an item of an enumeration whose head noun says its members are companies
   (``支持A、B、C等…企业``): every member is typed by the enumeration unless its
   own form or the gazetteer says otherwise; the enumeration is read only when
   one member is a known or well-formed company or the head names a role
   (``龙头``, ``头部`` …), so ``国资、外资等各类企业`` gives nothing;
3. the owner named at the start of a platform name (``华为`` + ``5G创新中心``,
   ``美敦力`` + ``中国研发中心``, ``A-B`` + …), ``embedded = True``;
4. company morphology in running text (brand + industry word or legal form),
   kept only when the brand is not a common word of the segmenter's dictionary.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

import regex

from ..schema import ENUMS
from .rules import (Rule, RuleError, RuleSet, RuleSpec, expand, load_common_defines, load_ruleset,
                    read_tsv_lines, validate_rule)

RULES_FILE = "entities.toml"
GAZETTEER_DIR = "gazetteers"
TYPES = ENUMS["entities"]["type"]      # enterprise | research | university | platform | park | government | other
PLACE_TYPES = ("place",)
GAZ_TYPES = TYPES + PLACE_TYPES
GAZ_COLUMNS = ("name", "canonical", "type", "aliases")
MAX_OWNER_FREQ = 500          # an owner read before a park, a place or digits is not a common word
MAX_RARE_FREQ = 100           # a brand in running text (or an owner before a field word) is rare:
                              # neither it nor the word it opens is common in the segmenter's dictionary
MAX_MORPH = 16                # longest name (brand + ending) tried by morphology
MAX_OWNER = 6                 # longest owner name read at the start of a platform name
_WS = regex.compile(r"\s+")
_LATIN = regex.compile(r"^[A-Za-z0-9·\-]+$")
_LEGAL = regex.compile(r"(?:股份有限公司|有限责任公司|有限公司|集团公司|总公司|公司|集团|控股)$")
_ITEM = regex.compile(r"(?:(?!以及|及)[^、])+")   # list items: split at 、 and at 及 / 以及
_HAN_START = regex.compile(r"\p{Han}")
_HAN_ONLY = regex.compile(r"^\p{Han}+$")
_ALNUM_START = regex.compile(r"[0-9A-Za-z]")
_LEVEL_PLACE = regex.compile(r"^(?:\p{Han}{2,3}?(?:省|市|区|县))")


# What this module reads from rules/entities.toml, by attrs.kind (see RuleSpec): a type is SCHEMA.md's
# entities.type; a role is free text (entities.context_role: 链主企业, 龙头企业 …).
KIND_SPECS: dict[str | None, RuleSpec] = {
    "type": RuleSpec(attrs={"type": TYPES}),
    "role": RuleSpec(attrs={"role": str}),
    "enumeration": RuleSpec(groups=("list", "tail")),
    "morphology": RuleSpec(groups=("name", "suffix")),
    "platform": RuleSpec(groups=("platform",)),
    "hyphen_pair": RuleSpec(groups=("a", "b")),
    **{kind: RuleSpec() for kind in ("candidate", "owner_boundary", "owner_stop", "not_name", "generic_brand")},
}


def norm_name(name: str) -> str:
    return _WS.sub("", name)


# ---------------------------------------------------------------- gazetteers

@dataclass(frozen=True)
class GazEntry:
    name: str
    canonical: str
    type: str


@dataclass(frozen=True)
class Gazetteer:
    """Every known name (names and aliases) → entry; loaded once, read-only."""

    entries: Mapping[str, GazEntry]

    @classmethod
    def load(cls, folder: Path, exclude: Iterable[str] = ()) -> "Gazetteer":
        """Read every ``*.tsv`` below ``folder``; names or canonicals in ``exclude`` are left out
        (with all the aliases of an excluded canonical)."""
        excluded = {norm_name(x) for x in exclude}
        entries: dict[str, GazEntry] = {}
        for path in sorted(Path(folder).glob("*.tsv")):
            for n, fields in _tsv_rows(path):
                name, canonical, typ = (f.strip() for f in fields[:3])
                if typ not in GAZ_TYPES:
                    raise RuleError(path, f"line {n}", f"unknown type {typ!r}; allowed: {GAZ_TYPES}")
                aliases = [a.strip() for a in fields[3].split("|")] if len(fields) > 3 else []
                surfaces = [name] + [a for a in aliases if a]
                if canonical in excluded or any(norm_name(s) in excluded for s in surfaces) and typ == "enterprise":
                    continue
                for surface in surfaces:
                    if norm_name(surface) in excluded:
                        continue
                    entries.setdefault(surface, GazEntry(surface, canonical, typ))
        return cls(entries=entries)

    def get(self, name: str) -> GazEntry | None:
        return self.entries.get(name)

    def names(self) -> list[str]:
        return sorted(self.entries, key=lambda s: (-len(s), s))

    def to_tsv(self) -> str:
        """One file holding every entry (what a serialized pipeline carries)."""
        lines = ["name\tcanonical\ttype"]
        lines += [f"{e.name}\t{e.canonical}\t{e.type}" for e in sorted(self.entries.values(),
                                                                        key=lambda e: (e.type, e.name))]
        return "\n".join(lines) + "\n"


def _tsv_rows(path: Path) -> list[tuple[int, list[str]]]:
    lines = read_tsv_lines(path)
    rows = [(n, line) for n, line in enumerate(lines, 1) if line.strip() and not line.lstrip().startswith("#")]
    if not rows or rows[0][1].split("\t")[:3] != ["name", "canonical", "type"]:
        raise RuleError(path, None, "first non-comment line must be the header 'name<TAB>canonical<TAB>type…'")
    out = []
    for n, line in rows[1:]:
        fields = next(csv.reader([line], delimiter="\t"))
        if len(fields) < 3 or not all(f.strip() for f in fields[:3]):
            raise RuleError(path, f"line {n}", f"needs name, canonical, type; got {fields}")
        if len(fields) > len(GAZ_COLUMNS):      # a stray tab: aliases are separated by '|'
            raise RuleError(path, f"line {n}", f"{len(fields)} columns; at most {len(GAZ_COLUMNS)}: "
                                               f"{', '.join(GAZ_COLUMNS)} (aliases separated by '|')")
        out.append((n, fields))
    return out


# ---------------------------------------------------------------- mentions

@dataclass(frozen=True)
class Mention:
    start: int                 # offsets in the sentence
    end: int
    text: str
    canonical: str
    type: str
    embedded: bool = False
    role: str | None = None
    method: str = "pattern"    # gazetteer | pattern | model
    rule_id: str = ""


@dataclass(frozen=True)
class Scan:
    """Regex matches in one sentence, before any segmentation."""

    platforms: list
    gazetteer: list
    enumerations: list
    morphology: list

    @property
    def empty(self) -> bool:
        return not (self.platforms or self.gazetteer or self.enumerations or self.morphology)

    text: str = ""

    @property
    def token_spans(self) -> list[tuple[int, int]]:
        """The gazetteer and morphology spans whose edges touch Han characters."""
        spans = [m.span() for m in self.gazetteer] + [m.span("name") for _, m in self.morphology]
        return [(s, e) for s, e in spans if not _clear_edges(self.text, s, e)]

    @property
    def needs_tokens(self) -> bool:
        """Gazetteer names and morphology are kept only at token boundaries; a span whose both
        edges touch something other than a Han character (punctuation, digits, the sentence's
        ends) is at a boundary whatever the segmentation, so only the others need the segmenter."""
        spans = [m.span() for m in self.gazetteer] + [m.span("name") for _, m in self.morphology]
        return any(not _clear_edges(self.text, s, e) for s, e in spans)


# needles: a rule kind is run on a sentence only when its needle (a [define] of the rule file) occurs
NEEDLES = {"platform": "PLATFORM_SUFFIX", "enumeration": "ENUM_NEEDLE", "morphology": "RUN_SUFFIX"}


@dataclass(frozen=True)
class OrgRecognizer:
    rules: RuleSet
    gazetteer: Gazetteer
    gaz_pattern: re.Pattern | None
    candidate: Rule
    enumerations: tuple[Rule, ...]
    morphology: tuple[Rule, ...]
    platform: Rule
    owner_boundary: Rule
    hyphen_pair: Rule
    owner_stop: Rule
    not_name: Rule
    generic_brand: Rule
    roles: tuple[Rule, ...]
    type_rules: tuple[Rule, ...]
    needles: Mapping[str, regex.Pattern] = field(default_factory=dict)
    word_freq: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def from_rules(cls, rules_dir: Path, exclude: Iterable[str] = (), gazetteer: Gazetteer | None = None,
                   word_freq: Mapping[str, int] | None = None) -> "OrgRecognizer":
        rules_dir = Path(rules_dir)
        ruleset = load_ruleset(rules_dir / RULES_FILE, load_common_defines(rules_dir))
        if gazetteer is None:
            gazetteer = Gazetteer.load(rules_dir / GAZETTEER_DIR, exclude)
        by_kind: dict[str, list[Rule]] = {}
        for rule in ruleset:
            by_kind.setdefault(validate_rule(rule, "kind", KIND_SPECS), []).append(rule)

        def one(kind: str) -> Rule:
            found = by_kind.get(kind, [])
            if len(found) != 1:
                raise RuleError(ruleset.source, None, f"needs exactly one rule of kind {kind!r}, has {len(found)}")
            return found[0]

        def some(kind: str) -> tuple[Rule, ...]:
            found = by_kind.get(kind, [])
            if not found:
                raise RuleError(ruleset.source, None, f"needs at least one rule of kind {kind!r}")
            return tuple(sorted(found, key=lambda r: -r.priority))

        needles = {}
        for kind, name in NEEDLES.items():
            if name not in ruleset.defines:
                raise RuleError(ruleset.source, None, f"[define] needs {name} (the needle of {kind} rules)")
            needles[kind] = _fast(expand(ruleset.defines[name], ruleset.defines, file=ruleset.source,
                                                 rule_id=None))
        return cls(rules=ruleset, gazetteer=gazetteer, gaz_pattern=_gaz_pattern(gazetteer),
                   candidate=one("candidate"), enumerations=some("enumeration"), morphology=some("morphology"),
                   platform=one("platform"), owner_boundary=one("owner_boundary"),
                   hyphen_pair=one("hyphen_pair"), owner_stop=one("owner_stop"), not_name=one("not_name"), generic_brand=one("generic_brand"),
                   roles=some("role"), type_rules=some("type"), needles=needles, word_freq=word_freq or {})

    # ------------------------------------------------------------ small questions

    def is_candidate(self, text: str) -> bool:
        """Worth segmenting: a cue of the candidate rule or a gazetteer name."""
        if self.candidate.pattern.search(text) is not None:
            return True
        return self.gaz_pattern is not None and self.gaz_pattern.search(text) is not None

    def type_of(self, name: str) -> str | None:
        """Type of a name: the gazetteer's, else the first type rule (by priority) matching its end."""
        entry = self.gazetteer.get(name)
        if entry is not None:
            return entry.type
        for rule in self.type_rules:
            if rule.pattern.search(name):
                return rule.attrs["type"]
        return None

    def canonical(self, name: str) -> str:
        entry = self.gazetteer.get(name)
        return entry.canonical if entry is not None else name

    def is_generic(self, name: str) -> bool:
        return self.not_name.pattern.search(name) is not None or self.generic_brand.pattern.search(name) is not None

    def common_word(self, text: str, limit: int = MAX_OWNER_FREQ) -> bool:
        return self.word_freq.get(text, 0) >= limit

    def rare(self, text: str) -> bool:
        """Neither ``text`` nor any dictionary word (2+ characters) opening it is common."""
        if self.common_word(text, MAX_RARE_FREQ):
            return False
        return not any(self.common_word(text[:k], MAX_RARE_FREQ) for k in range(2, len(text)))

    def role_after(self, text: str) -> str | None:
        """The first context role named in ``text`` (the rest of the sentence after a list)."""
        best: tuple[int, str] | None = None
        for rule in self.roles:
            m = rule.pattern.search(text)
            if m is not None and (best is None or m.start() < best[0]):
                best = (m.start(), rule.attrs["role"])
        return None if best is None else best[1]

    def place_prefix(self, name: str) -> int:
        """Length of a leading place name (上海, 闵行 …) from the gazetteer, else 0."""
        for k in range(min(len(name) - 1, 4), 1, -1):
            entry = self.gazetteer.get(name[:k])
            if entry is not None and entry.type in ("place", "park"):
                return k
        return 0

    def brand_ok(self, brand: str) -> bool:
        """A brand standing alone in running text: not generic, not a common word, not a place."""
        if len(brand) < 2 or self.is_generic(brand):
            return False
        entry = self.gazetteer.get(brand)
        if entry is not None and entry.type in ("place", "park"):
            return False
        k = self.place_prefix(brand)
        if k and (len(brand) - k < 2 or not self.rare(brand[k:]) or self.is_generic(brand[k:])):
            return False
        return len(brand) - k <= 4 and self.rare(brand[k:] if k else brand)

    # ------------------------------------------------------------ the sentence

    def __call__(self, text: str, boundaries: set[int] | None = None) -> list[Mention]:
        """Mentions in one sentence; ``boundaries`` are the segmenter's token offsets (None: any)."""
        return self.resolve(text, self.scan(text), boundaries)

    def scan(self, text: str) -> "Scan":
        """The regex stage: every rule whose needle occurs, and the gazetteer. Cheap; no segmentation."""
        return Scan(
            platforms=list(self.platform.finditer(text)) if self.needles["platform"].search(text) else [],
            gazetteer=list(self.gaz_pattern.finditer(text)) if self.gaz_pattern is not None else [],
            enumerations=[(r, m) for r in self.enumerations for m in r.finditer(text)]
            if self.needles["enumeration"].search(text) else [],
            morphology=self._morphology_scan(text), text=text)

    def _morphology_scan(self, text: str) -> list:
        """Morphology matches, tried only at the few starts before each industry/legal ending
        (the needle) instead of at every position of the sentence: same matches, far cheaper."""
        out, seen = [], set()
        ends = {m.end() for m in self.needles["morphology"].finditer(text)}
        if not ends:
            return out
        for rule in self.morphology:
            for end in sorted(ends):
                for start in range(max(0, end - MAX_MORPH), end - 2):
                    m = rule.pattern.match(text, start)
                    if m is not None and m.end() == end:
                        if m.span("name") not in seen:
                            seen.add(m.span("name"))
                            out.append((rule, m))
                        break
        return out

    def resolve(self, text: str, scan: "Scan", boundaries: set[int] | None = None) -> list[Mention]:
        """Mentions from a scan; token ``boundaries`` matter only when ``scan.needs_tokens``."""
        def aligned(s: int, e: int) -> bool:
            if _clear_edges(text, s, e):
                return True                 # at a boundary whatever the segmentation
            return boundaries is not None and s in boundaries and e in boundaries

        found: dict[tuple[int, int], Mention] = {}

        def add(m: Mention) -> None:
            key = (m.start, m.end)
            old = found.get(key)
            if old is None or (old.role is None and m.role is not None) or \
                    (old.method != "gazetteer" and m.method == "gazetteer" and m.role == old.role):
                if old is not None and old.role is not None and m.role is None:
                    m = Mention(**{**m.__dict__, "role": old.role})
                found[key] = m

        platforms: list[tuple[int, int]] = []
        for m in scan.platforms:
            s, e = m.span("platform")
            platforms.append((s, e))
            for mention in self._platform(text, s, e):
                add(mention)

        def in_platform(s: int, e: int) -> bool:
            return any(ps <= s and e <= pe and (ps, pe) != (s, e) for ps, pe in platforms)

        if scan.gazetteer:
            for m in scan.gazetteer:
                s, e = m.span()
                if not aligned(s, e) or not _latin_bounded(text, s, e):
                    continue
                entry = self.gazetteer.entries[m.group()]
                if entry.type == "place":
                    continue
                add(Mention(s, e, m.group(), entry.canonical, entry.type, embedded=in_platform(s, e),
                            method="gazetteer", rule_id="gazetteer"))

        listed: list[tuple[int, int]] = []
        for rule, m in scan.enumerations:
            for mention in self._enumeration(text, m, rule):
                listed.append((mention.start, mention.end))
                add(mention)

        for rule, m in scan.morphology:
            if True:
                s, e = m.span("name")
                if any(ls <= s < le or ls < e <= le for ls, le in listed) or in_platform(s, e):
                    continue
                mention = self._morphology(text, s, e, m.group("suffix"), rule, aligned)
                if mention is not None:
                    add(mention)
        return sorted(_drop_nested(found.values()), key=lambda x: (x.start, x.end))

    # ------------------------------------------------------------ evidence

    def _platform(self, text: str, s: int, e: int) -> list[Mention]:
        name = text[s:e]
        out: list[Mention] = []
        owners: list[tuple[int, int, bool]] = []      # (start, end, strong) in the sentence
        pair = self.hyphen_pair.search(name)
        if pair is not None:
            a_s, a_e = pair.span("a")
            owners.append((s + a_s, s + a_e, True))
            b_s = pair.start("b")
            split = self._owner_split(name, b_s, strong=True)
            if split:
                owners.append((s + b_s, s + split, True))
        else:
            split = self._owner_split(name, 0)
            if split:
                owners.append((s, s + split, False))
        owner_types = []
        for o_s, o_e, strong in owners:
            owner = text[o_s:o_e]
            typ = self._owner_type(owner, strong)
            if typ is None:
                continue
            owner_types.append(typ)
            entry = self.gazetteer.get(owner)
            out.append(Mention(o_s, o_e, owner, self.canonical(owner), typ, embedded=True,
                               method="gazetteer" if entry else "pattern", rule_id=self.platform.id))
        typ = self.type_of(name) or "platform"
        if "enterprise" in owner_types and typ in ("research", "platform"):
            typ = "platform"
        elif any(t in ("university", "research") for t in owner_types) and typ == "platform":
            typ = "research"
        if owner_types or self._named_platform(name):
            out.append(Mention(s, e, name, self.canonical(name), typ, method="pattern", rule_id=self.platform.id))
        return out

    def _named_platform(self, name: str) -> bool:
        """A platform or park *name* (紫竹创业孵化器, 零号湾军民融合孵化器), not a description
        (技术创新中心, 一批高能级创新平台, 具有全国影响力的特色产业基地)."""
        if "的" in name or not _HAN_START.match(name) or self.owner_stop.pattern.search(name) \
                or self.generic_brand.pattern.search(name[:2]):
            return False
        if self.place_prefix(name) or self.gazetteer.get(name) is not None:
            return True
        k = next((k for k in range(min(len(name) - 2, 6), 1, -1) if self.gazetteer.get(name[:k])), 0)
        if k:
            return True
        return self.rare(name[:2]) and self.rare(name[:3])

    def _owner_split(self, name: str, pos: int, strong: bool = False) -> int:
        """End (in ``name``) of an owner's name starting at ``pos``: the shortest prefix followed by
        a field word, a region, a park, digits or Latin; 0 when there is none."""
        def known(end: int) -> bool:
            entry = self.gazetteer.get(name[pos:end])
            return entry is not None and entry.type != "place"

        last = min(len(name) - 2, pos + MAX_OWNER)
        longest_known = max((end for end in range(pos + 2, last + 1) if known(end)), default=0)
        for end in range(pos + 2, last + 1):
            owner, rest = name[pos:end], name[end:]
            if longest_known and end > longest_known and not strong:
                return longest_known                # 比亚迪 + 中央研究院, not 比亚迪中央
            if not known(end) and not _HAN_ONLY.match(owner):
                continue                            # an unknown owner is written in Han characters
            if _ALNUM_START.match(rest) or self.place_prefix(rest + "　"):
                return end                      # 华为 + 5G…, 美敦力 + 中国…, 启迪 + 漕河泾…
            if self.owner_boundary.pattern.match(rest) and (
                    known(end) or strong or end - pos >= 3 and self.rare(owner)):
                if not known(end) and self.needles["platform"].fullmatch(rest) and not self._well_formed(owner):
                    continue                        # 碳中和 + 研究院: a topic, unless 凯越集团 + 研发中心
                return end                          # 宁德时代 + 未来…: a rare name of 3+ characters
                                                    # (after a dash: any name, 西门子能源 + 智慧…)
        known_ends = [end for end in range(pos + 2, last + 1) if known(end)]
        return known_ends[-1] if known_ends else 0

    def _owner_type(self, owner: str, strong: bool) -> str | None:
        entry = self.gazetteer.get(owner)
        if entry is not None:
            return None if entry.type == "place" else entry.type
        typ = self.type_of(owner)
        if typ is not None and typ != "enterprise":
            return typ
        if self.is_generic(owner):
            return None
        k = self.place_prefix(owner)
        if k == len(owner):
            return None
        if not strong and k and (self.common_word(owner[k:]) or self.is_generic(owner[k:]) or len(owner) - k < 2):
            return None        # 上海 + 分析 (a place and a field): not a company
        if self.common_word(owner) or self.owner_stop.pattern.search(owner):
            return None        # 形成 + 上海…, 新增 + 2个…: a verb, not an owner
        return "enterprise"

    def _enumeration(self, text: str, m: regex.Match, rule: Rule) -> list[Mention]:
        items: list[tuple[int, int]] = []
        for part in _ITEM.finditer(text, m.start("list"), m.end("list")):
            s, e = part.span()
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e - s >= 2:
                items.append((s, e))
        names = [(s, e, text[s:e]) for s, e in items if not self.is_generic(text[s:e])
                 and not (self.gazetteer.get(text[s:e]) and self.gazetteer.get(text[s:e]).type == "place")]
        if not names:
            return []
        role = self.role_after(text[m.start("tail"):])
        evidence = role is not None or any(
            (self.gazetteer.get(n) is not None and self.gazetteer.get(n).type == "enterprise")
            or self._well_formed(n) for _, _, n in names) or all(
            2 <= len(n) <= 6 and _HAN_ONLY.match(n) and self.rare(n) and not self.place_prefix(n + "　")
            for _, _, n in names)      # every member reads as a name: 华峰智联、渝新精工等配套企业
        if not evidence:
            return []
        out = []
        for s, e, name in names:
            typ = self.type_of(name)
            if typ is None or typ == "enterprise":
                typ = "enterprise"
            entry = self.gazetteer.get(name)
            out.append(Mention(s, e, name, self.canonical(name), typ, role=role if typ == "enterprise" else None,
                               method="gazetteer" if entry else "pattern", rule_id=rule.id))
        return out

    def _well_formed(self, name: str) -> bool:
        """A company by its form alone: a legal form, or an industry word after a real brand."""
        for rule in self.type_rules:
            m = rule.pattern.search(name)
            if m is not None:
                if rule.attrs["type"] != "enterprise":
                    return False
                brand = name[:m.start()]
                if _LEGAL.search(name):       # 南滨江公司: a legal form allows a longer brand
                    lp = _LEVEL_PLACE.match(brand)          # 上海市 + 凌峰科技 + 有限公司
                    core = brand[lp.end():] if lp and len(brand) - lp.end() >= 2 else brand
                    return 2 <= len(core) <= 6 and not self.is_generic(core) and self.rare(core)
                return self.brand_ok(brand)
        return False

    def _morphology(self, text: str, s: int, e: int, suffix: str, rule: Rule, aligned) -> Mention | None:
        name = text[s:e]
        if not _LEGAL.search(name):          # 上海市 + 名称: the place is context unless a legal form follows
            lp = _LEVEL_PLACE.match(name)
            if lp and len(name) - lp.end() >= len(suffix) + 2:
                s += lp.end()
                name = text[s:e]
        if self.is_generic(name) or not aligned(s, e):
            return None
        typ = self.type_of(name)
        if typ != "enterprise" or not self._well_formed(name):
            return None
        return Mention(s, e, name, self.canonical(name), "enterprise", method="pattern", rule_id=rule.id)


def _gaz_pattern(gazetteer: Gazetteer):
    """Every non-place name as one regex, written as a character trie: the standard ``re`` module
    runs it more than ten times faster than an alternation of the names. Greedy optional groups
    give the longest name at each position, as a longest-first alternation would."""
    names = [n for n in gazetteer.names() if gazetteer.entries[n].type != "place"]
    if not names:
        return None
    trie: dict = {}
    for name in names:
        node = trie
        for ch in name:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict) -> str:
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return re.compile(build(trie))


def _fast(pattern: str):
    """``re`` when the pattern is plain enough for it (it is faster), else ``regex``."""
    try:
        return re.compile(pattern)
    except re.error:
        return regex.compile(pattern)


def _clear_edges(text: str, s: int, e: int) -> bool:
    """Neither neighbour of text[s:e] is a Han character."""
    return (s == 0 or not _HAN_START.match(text, s - 1)) and (e == len(text) or not _HAN_START.match(text, e))


def _latin_bounded(text: str, s: int, e: int) -> bool:
    """A Latin name (GE, ABB) is not part of a longer Latin word."""
    if not _LATIN.match(text[s:e]):
        return True
    return (s == 0 or not text[s - 1].isascii() or not text[s - 1].isalnum()) and \
        (e == len(text) or not text[e].isascii() or not text[e].isalnum())


def _drop_nested(mentions: Iterable[Mention]) -> list[Mention]:
    """A non-embedded mention inside a longer non-embedded one of the same type is dropped
    (海尔集团 over 海尔); embedded owners and the platforms holding them are both kept."""
    ms = list(mentions)
    out = []
    for m in ms:
        if m.method == "gazetteer" and m.type in ("park", "university", "research") and any(
                o is not m and o.start <= m.start and m.end <= o.end and (o.end - o.start) > (m.end - m.start)
                and o.type in ("enterprise", "government") for o in ms):
            continue          # 滨江 inside 南滨江公司 is not the park
        if not m.embedded and any(o is not m and not o.embedded and o.start <= m.start and m.end <= o.end
                                  and (o.end - o.start) > (m.end - m.start) and o.type == m.type for o in ms):
            continue
        out.append(m)
    return out
