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

Full registered names (``…股份有限公司``, ``…有限公司``, ``…分公司``, and a branch
``中国电信江西公司``) are read context-free: leftwards from the legal form over name
characters and region brackets (``西门子（中国）有限公司``), cut at the rightmost
context word (``name_left``: 支持, 依托, 与, 重点企业, 到2025年 …) that stands at a token
boundary and leaves a real brand. A company before ``与…大学共建`` is read by the
``partner`` rule. Inside an enumeration, a member that holds a full name is that name,
a member that opens with a known company (``腾讯云``) is evidence for the list, and a
member with no evidence of its own is typed by its siblings only when it has the shape
of a company name (``树根互联``; not a place, a body or a category).

Business endings (``rules/entities.toml``): a *strong* ending (bank, hotel, plant, group:
``STRONG_SUFFIX``) closes a name whatever follows (``包商银行`` + 培训中心) and its brand is judged
as a whole (``世纪天伦`` + 酒店); a *place form* (``place_form``: 农村商业银行, 热电厂, 邮政公司) may
be named by a place alone. Leading context words are cut at token boundaries with the part-of-speech
tags of jieba's own dictionary (verbs, adverbs, function words: 关停 + 晨鸣公司, 来自 + 中国铁路…).
A list closed by ``等…企业`` types its members when they all have the shape of names and one
has an ending or a rare brand; ``等酒店`` types them by its head. A rare name before a capacity
(``亘富`` + 200万吨…) heads a project. Across a document (:mod:`pipeline.extract.entities`),
a declared short name (``（以下简称“某钢”）``) and the brand of a form-read name (``麦福劳`` of
``麦福劳公司``) are the company wherever they stand alone.
"""
from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

import regex

from ..tables.schema import ENUMS
from .rules import (
    Rule,
    RuleError,
    RuleKinds,
    RuleSet,
    RuleSource,
    RuleSpec,
    expand,
    read_tsv_lines,
)

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
MAX_LEGAL = 30                # longest full name (before its legal form) read leftwards
MAX_SUB_BRAND = 3             # 腾讯 + 云, 百度 + 智能云: a known company + a short product line
_WS = regex.compile(r"\s+")
_HAN_ONLY = regex.compile(r"^\p{Han}+$")
_ALNUM_START = regex.compile(r"[0-9A-Za-z]")
_SHAPE_LATIN = regex.compile(r"^(?=.*[A-Za-z])[\p{Han}A-Za-z0-9·\-]{2,12}$")


# What this module reads from rules/entities.toml, by attrs.kind (see RuleSpec): a type is SCHEMA.md's
# entities.type; a role is free text (entities.context_role: 链主企业, 龙头企业 …).
KIND_SPECS: dict[str | None, RuleSpec] = {
    "type": RuleSpec(attrs={"type": TYPES}),
    "role": RuleSpec(attrs={"role": str}),
    "enumeration": RuleSpec(groups=("list", "tail"), optional={"head_is_evidence": bool, "any_member": bool}),
    "morphology": RuleSpec(groups=("name", "suffix")),
    "platform": RuleSpec(groups=("platform",)),
    "hyphen_pair": RuleSpec(groups=("a", "b")),
    "legal_suffix": RuleSpec(groups=("suffix",)),
    "partner": RuleSpec(groups=("name", "partner")),
    **{kind: RuleSpec() for kind in ("candidate", "owner_boundary", "owner_stop", "not_name", "generic_brand",
                                     "name_left", "name_bracket", "name_tail", "place_form", "item_lead", "strong_suffix", "owner_zone", "place_like", "head_evidence", "facility_head", "counted_tail", "owner_count", "short_ending")},
    "short_declared": RuleSpec(groups=("short",)),
    "project_head": RuleSpec(groups=("name",)),
    "project_list": RuleSpec(groups=("list",)),
    **{kind: RuleSpec() for kind in ("project_part", "name_close", "project_not_owner", "project_property",
                                     "public_works", "legal_form", "context_char", "preposition", "conjunction")},
}


def norm_name(name: str) -> str:
    return _WS.sub("", name)


# Part-of-speech tags of jieba's own dictionary that mark a word as context, never the start of a
# brand: verbs (关停, 争取, 来自), adverbs (相继), prepositions, conjunctions, particles, pronouns.
CONTEXT_TAGS = frozenset({"v", "vd", "d", "ad", "p", "c", "u", "ul", "uj", "uz", "ug", "uv", "r", "b"})
MIN_CONTEXT_FREQ = 10         # a rare dictionary entry tagged v (包商) says little
# Tags of proper nouns (persons, brands, organisations; not places): a brand heading a project may be
# one of these even when it is not rare (西门子, 大唐), up to MAX_OWNER_FREQ. Transliterations and
# organisation names (nrt, nt) are strong evidence: such a word may name a company alone (等…项目);
# the dictionary's nz and nr hold many ordinary phrases (大力发展, 楼宇), so they need a work after them.
PROPER_TAGS = frozenset({"nr", "nrt", "nz", "nt"})
STRONG_PROPER_TAGS = frozenset({"nrt", "nt"})
PLACE_TAGS = frozenset({"ns"})


@functools.lru_cache(maxsize=1)
def context_words() -> frozenset[str]:
    """Words of 2+ characters that jieba's dictionary tags as verbs, adverbs or function words
    (read once from the dictionary file that ships in the jieba package; immutable)."""
    import jieba
    out = set()
    with jieba.get_dict_file() as fh:
        for raw in fh:
            parts = raw.decode("utf-8").split()
            if len(parts) == 3 and len(parts[0]) >= 2 and parts[2] in CONTEXT_TAGS \
                    and int(parts[1]) >= MIN_CONTEXT_FREQ:
                out.add(parts[0])
    return frozenset(out)


@functools.lru_cache(maxsize=1)
def tagged_words() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Words of 2+ characters that jieba's dictionary tags as proper nouns (PROPER_TAGS), as strong
    proper nouns (STRONG_PROPER_TAGS) and as places (PLACE_TAGS)."""
    import jieba
    proper, strong, places = set(), set(), set()
    with jieba.get_dict_file() as fh:
        for raw in fh:
            parts = raw.decode("utf-8").split()
            if len(parts) == 3 and len(parts[0]) >= 2:
                if parts[2] in PROPER_TAGS:
                    proper.add(parts[0])
                if parts[2] in STRONG_PROPER_TAGS:
                    strong.add(parts[0])
                if parts[2] in PLACE_TAGS:
                    places.add(parts[0])
    return frozenset(proper), frozenset(strong), frozenset(places)


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
        """Every ``*.tsv`` in ``folder`` on disk (a saved spaCy component; see :meth:`from_files`)."""
        return cls.from_files([(p, read_tsv_lines(p)) for p in sorted(Path(folder).glob("*.tsv"))], exclude)

    @classmethod
    def from_rulebook(cls, book: RuleSource, exclude: Iterable[str] = ()) -> "Gazetteer":
        """Every ``*.tsv`` of the book's ``gazetteers/``."""
        return cls.from_files([(book.source(n), book.tsv_lines(n)) for n in book.names(GAZETTEER_DIR, ".tsv")],
                              exclude)

    @classmethod
    def from_files(cls, files: Iterable[tuple[Path | str, list[str]]], exclude: Iterable[str] = ()) -> "Gazetteer":
        """The gazetteer of (file, lines) tables; names or canonicals in ``exclude`` are left out
        (with all the aliases of an excluded canonical)."""
        excluded = {norm_name(x) for x in exclude}
        entries: dict[str, GazEntry] = {}
        for path, lines in files:
            for n, fields in _tsv_rows(path, lines):
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


def _tsv_rows(path: Path | str, lines: list[str]) -> list[tuple[int, list[str]]]:
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
        return not (self.platforms or self.gazetteer or self.enumerations or self.morphology or self.legal
                    or self.partners or self.projects or self.project_lists)

    text: str = ""
    legal: list = field(default_factory=list)       # LegalSpan: full names read leftwards from a legal form
    partners: list = field(default_factory=list)    # partner-rule matches (X与Y大学共建)
    projects: list = field(default_factory=list)    # project-head matches (X + 200万吨…)
    project_lists: list = field(default_factory=list)   # project lists (A二期、B核心装置等项目)

    @property
    def token_spans(self) -> list[tuple[int, int]]:
        """The gazetteer, morphology and full-name spans whose edges touch Han characters (a full
        name's context words are cut only at token boundaries)."""
        spans = [m.span() for m in self.gazetteer if not _clear_edges(self.text, *m.span())]
        # morphology and full-name runs are segmented even between punctuation: their leading
        # context words (关停, 相继, 来自) are cut at token boundaries
        spans += [m.span("name") for _, m in self.morphology]
        spans += [(x.run_start, x.suffix_end) for x in self.legal]
        spans += [m.span("list") for _, m in self.enumerations] + [m.span("name") for m in self.projects]
        spans += [m.span("list") for m in self.project_lists]
        return spans

    @property
    def needs_tokens(self) -> bool:
        """Gazetteer names and morphology are kept only at token boundaries; a span whose both
        edges touch something other than a Han character (punctuation, digits, the sentence's
        ends) is at a boundary whatever the segmentation, so only the others need the segmenter."""
        return bool(self.token_spans)


_NAME_CHAR = regex.compile(r"[\p{Han}A-Za-z0-9·]")     # a character of a registered name (NAME_CHAR)
_BRACKETED = regex.compile(r"[（(][^（）()]*[）)]")      # a region or form in brackets: （中国）


@dataclass(frozen=True)
class LegalSpan:
    """A legal form and the run of name characters before it (the widest name it can close)."""

    run_start: int
    suffix_start: int
    suffix_end: int
    suffix: str


# needles: a rule kind is run on a sentence only when its needle (a [define] of the rule file) occurs
NEEDLES = {"platform": "PLATFORM_SUFFIX", "enumeration": "ENUM_NEEDLE", "morphology": "RUN_SUFFIX",
           "partner": "PARTNER_NEEDLE", "project": "PROJECT_NEEDLE"}


@dataclass(frozen=True)
class PlaceForms:
    """The place levels and list separators of ``entities.toml`` (``[words.LEVEL]`` …, ``${LEVEL_PLACE}``,
    ``${ITEM}``), compiled once: a one-character level is tested by membership, a place by pattern."""

    level_place: regex.Pattern      # a place with its level opening a name: 上海市 + 凌峰科技
    level_word: regex.Pattern       # a level word after a place (江西 + 省)
    item: regex.Pattern             # a list item (split at 、 及 以及)
    item_and: regex.Pattern         # a project item or a member of a counted list (also at 和)
    level: frozenset[str]           # 省 市 区 县
    admin_level: frozenset[str]     # 省 市 县 区 州 盟 旗
    local_level: frozenset[str]     # 区 旗 乡 镇 村: closing a place below a city
    seat_level: frozenset[str]      # 区 县 市: the place where a list's first company stands
    direction: frozenset[str]       # 东 西 南 北
    region: regex.Pattern           # a region of the country opening the rest of a platform name: 西北, 华东

    @classmethod
    def of(cls, ruleset: RuleSet) -> "PlaceForms":
        def define(name: str) -> str:
            if name not in ruleset.defines:
                raise RuleError(ruleset.source, None, f"[define] needs {name}")
            return expand(ruleset.defines[name], ruleset.defines, file=ruleset.source, rule_id=None)

        return cls(level_place=regex.compile(f"^(?:{define('LEVEL_PLACE')})"),
                   level_word=regex.compile(f"(?:{define('LEVEL')})"),
                   item=regex.compile(define("ITEM")), item_and=regex.compile(define("ITEM_AND")),
                   level=ruleset.words("LEVEL"), admin_level=ruleset.words("ADMIN_LEVEL"),
                   local_level=ruleset.words("LOCAL_LEVEL"), seat_level=ruleset.words("SEAT_LEVEL"),
                   direction=ruleset.words("DIRECTION"),
                   region=regex.compile(f"(?:{define('REGION')})"))


@dataclass(frozen=True)
class OrgRecognizer:
    rules: RuleSet
    gazetteer: Gazetteer
    gaz_pattern: re.Pattern | None
    # the rules of each kind of KIND_SPECS, resolved once (kinds.platform, kinds.type …): a new rule of a
    # kind is a TOML edit; a new kind is its KIND_SPECS entry and the code that reads it
    kinds: RuleKinds
    forms: PlaceForms
    needles: Mapping[str, regex.Pattern] = field(default_factory=dict)
    word_freq: Mapping[str, int] = field(default_factory=dict)
    context: frozenset = frozenset()       # context_words(): verbs, adverbs, function words
    proper: frozenset = frozenset()        # tagged_words(): persons, brands, organisations
    strong_proper: frozenset = frozenset()  # transliterations and organisations
    place_words: frozenset = frozenset()    # places of the dictionary (硅谷, 东海)

    @classmethod
    def from_rulebook(cls, book: RuleSource, exclude: Iterable[str] = (), gazetteer: Gazetteer | None = None,
                      word_freq: Mapping[str, int] | None = None) -> "OrgRecognizer":
        if gazetteer is None:
            gazetteer = Gazetteer.from_rulebook(book, exclude)
        return cls.build(book.ruleset(RULES_FILE.removesuffix(".toml")), gazetteer, word_freq)

    @classmethod
    def build(cls, ruleset: RuleSet, gazetteer: Gazetteer, word_freq: Mapping[str, int] | None = None) -> "OrgRecognizer":
        """The recognizer of a compiled ``entities.toml`` and a gazetteer."""
        kinds = RuleKinds.of(ruleset, "kind", KIND_SPECS)
        needles = {}
        for kind, name in NEEDLES.items():
            if name not in ruleset.defines:
                raise RuleError(ruleset.source, None, f"[define] needs {name} (the needle of {kind} rules)")
            needles[kind] = _fast(expand(ruleset.defines[name], ruleset.defines, file=ruleset.source,
                                                 rule_id=None))
        return cls(rules=ruleset, gazetteer=gazetteer, gaz_pattern=_gaz_pattern(gazetteer), kinds=kinds,
                   forms=PlaceForms.of(ruleset),
                   needles=needles, word_freq=word_freq or {}, context=context_words(), proper=tagged_words()[0],
                   strong_proper=tagged_words()[1], place_words=tagged_words()[2])

    # ------------------------------------------------------------ small questions

    def is_candidate(self, text: str) -> bool:
        """Worth segmenting: a cue of the candidate rule or a gazetteer name."""
        if self.kinds.candidate.pattern.search(text) is not None:
            return True
        return self.gaz_pattern is not None and self.gaz_pattern.search(text) is not None

    def type_of(self, name: str) -> str | None:
        """Type of a name: the gazetteer's, else the first type rule (by priority) matching its end."""
        entry = self.gazetteer.get(name)
        if entry is not None:
            return entry.type
        for rule in self.kinds.type:
            if rule.pattern.search(name):
                return rule.attrs["type"]
        return None

    def canonical(self, name: str) -> str:
        entry = self.gazetteer.get(name)
        return entry.canonical if entry is not None else name

    def is_generic(self, name: str) -> bool:
        return self.kinds.not_name.pattern.search(name) is not None \
            or self.kinds.generic_brand.pattern.search(name) is not None

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
        for rule in self.kinds.role:
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
        if len(brand) < 2 or self.is_generic(brand) or brand in self.context:
            return False
        entry = self.gazetteer.get(brand)
        if entry is not None and entry.type in ("place", "park"):
            return False
        k = self.place_prefix(brand)
        if k and (len(brand) - k < 2 or not self.rare(brand[k:]) or self.is_generic(brand[k:])):
            return False
        return len(brand) - k <= 4 and self.rare(brand[k:] if k else brand)

    def _before_place_word(self, text: str, e: int, boundaries: set[int] | None) -> bool:
        """The name is followed by a short token closing a place (海尔 + 汗区): part of a place name."""
        if not boundaries:
            return False
        # (a city's name after a company, 国轩高科 + 江州, is context: only 区, 旗 and below count)
        return any(b in boundaries and text[b - 1] in self.forms.local_level and _HAN_ONLY.match(text[e:b])
                   for b in range(e + 1, min(e + 2, len(text)) + 1))

    def _project_head(self, text: str, m: regex.Match, boundaries: set[int] | None) -> Mention | None:
        """A company heading a project by its capacity (江岭 + 200万吨…): a rare, company-shaped
        Han name at token boundaries, not a place, a category, a verb or a common word."""
        s, e = m.span("name")
        if boundaries is None or s not in boundaries or e not in boundaries:
            return None
        s = self.trim_start(text, s, e, boundaries)
        name = text[s:e]
        entry = self.gazetteer.get(name)
        if entry is not None:
            return None if entry.type != "enterprise" else \
                Mention(s, e, name, entry.canonical, "enterprise", method="gazetteer",
                        rule_id=self.kinds.project_head.rule_of(m).id)
        if len(name) < 2 or not self._company_shaped(name) or not self.rare(name) or self.place_prefix(name + "　") \
                or self.kinds.project_not_owner.pattern.search(name) \
                or any(self.is_context(name[:j]) or self.is_context(name[j:]) for j in range(1, len(name))) \
                or name in self.context:
            return None
        return Mention(s, e, name, name, "enterprise", method="pattern", rule_id=self.kinds.project_head.rule_of(m).id)

    def _project_items(self, text: str, m: regex.Match, boundaries: set[int] | None) -> list[Mention]:
        """The companies heading the items of a project list (岭丰 + 核心装置, 江澜科技 + 云计算基地):
        each item, its leading context and place cut, opens with a brand the segmenter does not know
        as a common word, followed by a phase, a work, a number or an industry word (ent.project.part),
        else by a common noun; a list closed by 等…项目 may also name the company alone."""
        if boundaries is None:
            return []
        tail = m.group("tail")
        closed = tail is not None
        # a list closed by 等…项目 may name a company alone, unless its head names works a place is
        # named for (等6个高铁项目, 等水电站和抽水蓄能项目)
        alone = closed and not self.kinds.project_not_owner.pattern.search(tail) and \
            not any(self.kinds.project_not_owner.pattern.match(tail, i) for i in range(len(tail)))
        # 海阳三期、莱阳一期等核电项目: public works are named for their place; only a known company heads one
        public_works = closed and self.kinds.public_works.pattern.search(tail) is not None
        out = []
        for part in self.forms.item_and.finditer(text, m.start("list"), m.end("list")):
            s, e = part.span()
            s = self.trim_start(text, s, e, boundaries)
            k = self._place_len(text[s:e])
            if k and s + k in boundaries and e - s - k >= 2:
                s += k                      # 江州 + 岭丰核心装置: the place is where, not who
            if self.kinds.context_char.pattern.fullmatch(text[s]) \
                    or self.kinds.project_property.pattern.search(text, s, e):
                continue                    # 恒达 + 二手车交易市场: a property named by its brand
            end = self._project_owner_end(text, s, e, boundaries, closed, alone)
            if end is None:
                continue
            name = text[s:end]
            last = max((x for x in boundaries if s < x < end), default=s)
            if last - s == 2 and s + 1 in boundaries and end - last >= 3 and text[last:end] in self.proper \
                    and self.gazetteer.get(text[s:last]) is None and not self.common_word(text[last:end], MAX_RARE_FREQ):
                s, name = last, text[last:end]      # 深汕 + 比亚迪: a short place the lists lack
            entry = self.gazetteer.get(name)
            if entry is not None and entry.type != "enterprise" or entry is None and public_works:
                continue                    # 海阳三期等核电项目: works named for their place, not a builder
            out.append(Mention(s, end, name, self.canonical(name), "enterprise",
                               method="gazetteer" if entry else "pattern", rule_id=self.kinds.project_list.rule_of(m).id))
        return out

    def _project_owner_end(self, text: str, s: int, e: int, boundaries: set[int], closed: bool,
                           alone: bool) -> int | None:
        cuts = sorted(b for b in boundaries if s + 2 <= b <= min(e, s + MAX_OWNER))
        fallback = None
        for b in cuts:
            if b == e:
                if fallback is None and alone and b - s <= 5 and self._project_brand(text, s, b, boundaries) \
                        and self._oov_brand(text, s, b, boundaries) \
                        and not self.common_word(text[s:b], MAX_RARE_FREQ):
                    return b                # 维多利等…项目: the company alone
                break
            if not self._project_brand(text, s, b, boundaries):
                continue
            rest = text[b:e]
            if self.kinds.project_not_owner.pattern.match(rest):
                return None                 # 远山红郡 + 住宅小区: housing, named by its estate
            if self.kinds.project_part.pattern.match(rest):
                close = self.kinds.name_close.pattern.match(rest)
                return b + close.end() if close else b
            k = self._place_len(rest)
            if k and b + k in boundaries and self.kinds.project_part.pattern.match(rest[k:]):
                return b                    # 中能建 + 泰安 + 压缩空气: the place of the works follows the brand
            nxt = min((x for x in boundaries if b < x <= e), default=e)
            word = text[b:nxt]
            if fallback is None and closed and len(word) >= 2 and self.word_freq.get(word, 0) > 0 \
                    and word not in self.proper and not (word in self.place_words and not self.common_word(word)) \
                    and self.place_prefix(word + "　") == 0 and self._oov_brand(text, s, b, boundaries):
                fallback = b                # 玉佳禾 + 面粉…: a common noun opens the description
        return fallback

    def _oov_brand(self, text: str, s: int, b: int, boundaries: set[int]) -> bool:
        """Strong evidence of a name without a work after it: characters the dictionary joins to no
        word (玉 + 佳 + 禾), a transliteration or organisation name (维多利), or a known company."""
        brand = text[s:b]
        if self.gazetteer.get(brand) is not None or brand in self.strong_proper:
            return True
        cuts = sorted(x for x in boundaries if s < x <= b)
        # two characters alone are as often a place's or a line's abbreviation (南繁, 济枣)
        return b - s >= 3 and len(cuts) > 1 and any(y - x == 1 for x, y in zip([s] + cuts, cuts))

    def _project_brand(self, text: str, s: int, b: int, boundaries: set[int]) -> bool:
        """A brand heading a project item: Han, not generic, not a place, a facility, a category or a
        context word; a single dictionary word is rare or a proper noun (大唐, 西门子), and a longer brand
        opens with a rare word, a proper noun or a character the dictionary does not join to the next."""
        brand = text[s:b]
        if not _HAN_ONLY.match(brand) or self.is_generic(brand) or brand in self.context \
                or self.kinds.owner_stop.pattern.search(brand) or self.kinds.project_not_owner.pattern.search(brand) \
                or self.place_prefix(brand + "　") == len(brand) or self._place_len(brand) == len(brand):
            return False
        entry = self.gazetteer.get(brand)
        if entry is not None:
            return entry.type == "enterprise"
        cuts = sorted(x for x in boundaries if s < x <= b)
        if any(self.kinds.project_part.pattern.match(text[x:b]) for x in [s] + cuts[:-1]):
            return False                    # 冷饮厂 + 迁建, 异质结 + …: the work is inside, not after, the brand
        first = text[s:cuts[0]]

        def proper(w: str) -> bool:
            return w in self.proper and self.word_freq.get(w, 0) < MAX_OWNER_FREQ
        if cuts[0] == b:                    # one dictionary word: a proper noun (金丰, 大唐), not 种养
            return proper(brand)
        if len(first) == 1 and (self.kinds.context_char.pattern.fullmatch(first)
                                or self.kinds.owner_stop.pattern.match(first)):
            return False
        # every word of a longer brand is a proper noun, or a rare word that is no verb or adverb
        # (红星 + 美凯龙, 华润 + 雪花); a verb or a common word says the item is a phrase (高质量 + 推进)
        tokens = [text[x:y] for x, y in zip([s] + cuts, cuts)]
        for i, w in enumerate(tokens):
            if w in self.context:
                return False
            if len(w) >= 2 and not proper(w) and self.common_word(w, MAX_RARE_FREQ if i == 0 else MAX_OWNER_FREQ):
                return False
        return not self.common_word(brand, MAX_RARE_FREQ) and any(len(w) == 1 or proper(w) for w in tokens)

    def short_brand(self, name: str) -> str | None:
        """The brand a company's name is also written as alone (北岭 of 北岭公司): 2–4 Han characters
        before a short-name ending, rare, not a place, a category, a context word or a known other body."""
        m = self.kinds.short_ending.pattern.search(name)
        if m is None:
            return None
        brand = name[:m.start()]
        if not (2 <= len(brand) <= 4) or not _HAN_ONLY.match(brand) or not self.rare(brand) \
                or self.place_prefix(brand + "　") or self._place_len(brand) or self.is_generic(brand) \
                or brand in self.context or brand[0] in self.forms.admin_level:
            return None
        entry = self.gazetteer.get(brand)
        if entry is not None and entry.type != "enterprise":
            return None
        return brand

    def is_context(self, token: str) -> bool:
        """A token that is context, never the start of a brand: a verb, adverb or function word
        of the dictionary (关停, 相继, 来自), a one-character conjunction, or a list particle."""
        if self.gazetteer.get(token) is not None:
            return False
        return token in self.context or self.kinds.context_char.pattern.fullmatch(token) is not None

    def trim_start(self, text: str, s: int, limit: int, boundaries: set[int] | None) -> int:
        """Start of a name read up to ``limit`` (where its ending starts) once leading context tokens
        are cut (关停 + 晨鸣公司, 相继 + 关停 + 蒙西水泥有限公司), and once the text before a
        conjunction, or before a context word followed by a place, a level or a known company, is cut
        (华能 + 和 + 双良公司; 数据 + 来自 + 中国铁路…, 来自 + 县邮政公司): at least two characters
        stay before ``limit``."""
        if not boundaries:
            return s
        cuts = sorted(b for b in boundaries if s < b <= limit - 2)
        pos = s
        for b in cuts:                      # leading context tokens
            if self.is_context(text[pos:b]):
                pos = b
            else:
                break
        prev = pos
        for b in cuts:                      # a context word further in (数据 + 来自 + 县邮政公司) or a
            if b <= pos:                    # one-character conjunction (华能 + 和 + 双良公司)
                prev = max(prev, b)
                continue
            token = text[prev:b]
            if self.kinds.conjunction.pattern.fullmatch(token) or len(token) >= 2 and self.is_context(token) and (
                    self._place_len(text[b:limit]) or text[b] in self.forms.level or self._anchored(text[b:limit])):
                pos = b                     # (a verb inside a name, 山东 + 如意 + 科技, is not cut)
            prev = b
        return pos

    # ------------------------------------------------------------ the sentence

    def __call__(self, text: str, boundaries: set[int] | None = None) -> list[Mention]:
        """Mentions in one sentence; ``boundaries`` are the segmenter's token offsets (None: any)."""
        return self.resolve(text, self.scan(text), boundaries)

    def scan(self, text: str) -> "Scan":
        """The regex stage: every rule whose needle occurs, and the gazetteer. Cheap; no segmentation."""
        return Scan(
            platforms=self._platform_scan(text),
            gazetteer=list(self.gaz_pattern.finditer(text)) if self.gaz_pattern is not None else [],
            enumerations=[(r, m) for r in self.kinds.enumeration for m in r.finditer(text)]
            if self.needles["enumeration"].search(text) else [],
            morphology=self._morphology_scan(text), text=text, legal=self._legal_scan(text),
            partners=list(self.kinds.partner.finditer(text)) if self.needles["partner"].search(text) else [],
            projects=list(self.kinds.project_head.finditer(text)) if self.needles["project"].search(text) else [],
            project_lists=list(self.kinds.project_list.finditer(text)) if self.needles["project"].search(text) else [])

    def _platform_scan(self, text: str) -> list[regex.Match]:
        """Platform matches; a platform name ends with its suffix, so nothing after the last suffix is
        scanned (the pattern has no lookahead past the suffix: same matches, less work)."""
        last_end = max((m.end() for m in self.needles["platform"].finditer(text)), default=0)
        return list(self.kinds.platform.finditer(text, 0, last_end)) if last_end else []

    def _legal_scan(self, text: str) -> list[LegalSpan]:
        """Each legal form (or 公司) with the run of name characters and region brackets before it."""
        out = []
        for m in self.kinds.legal_suffix.finditer(text):
            s = m.start("suffix")
            run = self._run_start(text, s)
            if run < s:
                out.append(LegalSpan(run, s, m.end("suffix"), m.group("suffix")))
        return out

    def _run_start(self, text: str, end: int) -> int:
        """Start of the run of name characters ending at ``end``; a region bracket after a name
        character is part of the run (金蝶软件（中国）有限公司)."""
        i, limit = end, max(0, end - MAX_LEGAL)
        while i > limit:
            ch = text[i - 1]
            if ch in "）)":
                j = max(text.rfind("（", limit, i - 1), text.rfind("(", limit, i - 1))
                if j > limit and _NAME_CHAR.match(text, j - 1) and self.kinds.name_bracket.pattern.match(text[j:i]):
                    i = j
                    continue
                break
            if not _NAME_CHAR.match(ch):
                break
            i -= 1
        return i

    def _morphology_scan(self, text: str) -> list:
        """Morphology matches, tried only at the few starts before each industry/legal ending
        (the needle) instead of at every position of the sentence: same matches, far cheaper."""
        out, seen = [], set()
        ends = {m.end() for m in self.needles["morphology"].finditer(text)}
        if not ends:
            return out
        for rule in self.kinds.morphology:
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
            for mention in self._platform(text, s, e, self.kinds.platform.rule_of(m)):
                add(mention)

        def in_platform(s: int, e: int) -> bool:
            return any(ps <= s and e <= pe and (ps, pe) != (s, e) for ps, pe in platforms)

        if scan.gazetteer:
            for m in scan.gazetteer:
                s, e = m.span()
                if not aligned(s, e) or not _latin_bounded(text, s, e):
                    continue
                entry = self.gazetteer.entries[m.group()]
                if entry.type == "place" or entry.type == "enterprise" and self._before_place_word(text, e, boundaries):
                    continue
                add(Mention(s, e, m.group(), entry.canonical, entry.type, embedded=in_platform(s, e),
                            method="gazetteer", rule_id="gazetteer"))

        legal: dict[tuple[int, int], Mention] = {}
        bare: set[int] = set()          # ends of legal forms that close no name (培育10家股份有限公司)
        for span in scan.legal:
            mention = self._legal(text, span, boundaries)
            if mention is None and span.suffix != "公司":
                bare.add(span.suffix_end)
            if mention is not None:
                mention = Mention(**{**mention.__dict__, "embedded": in_platform(mention.start, mention.end)})
                legal[(mention.start, mention.end)] = mention
                add(mention)

        listed: list[tuple[int, int]] = list(legal)
        holders: list[tuple[int, int]] = []        # list members that are platforms or parks
        for rule, m in scan.enumerations:
            for mention in self._enumeration(text, m, rule, legal, boundaries):
                if mention.type in ("platform", "park"):
                    holders.append((mention.start, mention.end))
                else:
                    listed.append((mention.start, mention.end))
                add(mention)

        for m in scan.partners:
            mention = self._partner(text, m, aligned)
            if mention is not None and not any(ls < mention.end and mention.start < le for ls, le in listed):
                add(mention)

        for rule, m in scan.morphology:
            if True:
                s, e = m.span("name")
                if any(ls <= s < le or ls < e <= le for ls, le in listed) or in_platform(s, e) or e in bare:
                    continue
                mention = self._morphology(text, s, e, m.group("suffix"), rule, aligned, boundaries)
                if mention is not None:
                    if any(hs <= mention.start and mention.end < he for hs, he in holders):
                        mention = Mention(**{**mention.__dict__, "embedded": True})    # 江州银行 + 培训中心
                    add(mention)
        for m in scan.projects:
            mention = self._project_head(text, m, boundaries)
            if mention is not None and not any(ls <= mention.start < le for ls, le in listed) \
                    and not any(o.start <= mention.start < o.end for o in found.values()):
                add(mention)
        for m in scan.project_lists:
            for mention in self._project_items(text, m, boundaries):
                if not any(o.start < mention.end and mention.start < o.end for o in found.values()):
                    add(mention)
        return sorted(_drop_nested(found.values()), key=lambda x: (x.start, x.end))

    # ------------------------------------------------------------ evidence

    def _platform(self, text: str, s: int, e: int, rule: Rule) -> list[Mention]:
        name = text[s:e]
        out: list[Mention] = []
        owners: list[tuple[int, int, bool]] = []      # (start, end, strong) in the sentence
        pair = self.kinds.hyphen_pair.search(name)
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
            if self.kinds.owner_zone.pattern.match(text, o_e, e):
                continue           # 江州经济 + 技术开发区…: the start of a zone's name, not an owner
            typ = self._owner_type(owner, strong)
            if typ is None:
                continue
            owner_types.append(typ)
            entry = self.gazetteer.get(owner)
            out.append(Mention(o_s, o_e, owner, self.canonical(owner), typ, embedded=True,
                               method="gazetteer" if entry else "pattern", rule_id=rule.id))
        typ = self.type_of(name) or "platform"
        if "enterprise" in owner_types and typ in ("research", "platform"):
            typ = "platform"
        elif any(t in ("university", "research") for t in owner_types) and typ == "platform":
            typ = "research"
        if owner_types or self._named_platform(name):
            out.append(Mention(s, e, name, self.canonical(name), typ, method="pattern", rule_id=rule.id))
        return out

    def _named_platform(self, name: str) -> bool:
        """A platform or park *name* (紫竹创业孵化器, 零号湾军民融合孵化器), not a description
        (技术创新中心, 一批高能级创新平台, 具有全国影响力的特色产业基地)."""
        if "的" in name or not _HAN_START.match(name) or self.kinds.owner_stop.pattern.search(name) \
                or self.kinds.generic_brand.pattern.search(name[:2]):
            return False
        body = next((name[:m.start()] for m in self.needles["platform"].finditer(name) if m.end() == len(name)),
                    None)
        if body and self.kinds.generic_brand.pattern.fullmatch(body):
            return False           # 新材料产业 + 研究院: field words only, a description
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
            if self.kinds.owner_count.pattern.match(rest):
                continue                            # 已批建的 + 3家省实验室: a count of platforms, no owner
            if _ALNUM_START.match(rest) or self.place_prefix(rest + "　") or self.forms.region.match(rest):
                return end                      # 华为 + 5G…, 美敦力 + 中国…, 启迪 + 漕河泾…, 国能 + 西北…
            if self.kinds.owner_boundary.pattern.match(rest) and (
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
        if self.common_word(owner) or self.kinds.owner_stop.pattern.search(owner):
            return None        # 形成 + 上海…, 新增 + 2个…: a verb, not an owner
        if any(self.is_context(owner[:j]) for j in range(2, len(owner) + 1)) or owner[-1] in self.forms.admin_level:
            return None        # 争取 + 更多…, 筹建 + 内蒙古…, 大湾区 + 国际…: not an owner
        if not strong and len(owner) > 2 and self.common_word(owner[-2:]) and \
                self.kinds.owner_boundary.pattern.fullmatch(owner[-2:]):
            return None        # 澄州 + 先进 (技术研究院): a field word closes a description, not a name
        return "enterprise"

    def _enumeration(self, text: str, m: regex.Match, rule: Rule,
                     legal: Mapping[tuple[int, int], Mention] | None = None,
                     boundaries: set[int] | None = None) -> list[Mention]:
        legal = legal or {}
        items: list[tuple[int, int]] = []
        any_member = bool(rule.attrs.get("any_member"))     # 移动、电信和联通三家: the count types every member
        items_of = self.forms.item_and if any_member else self.forms.item
        for part in items_of.finditer(text, m.start("list"), m.end("list")):
            s, e = part.span()
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            # a member holding a full name is that name (如 + 南昌矿机集团股份有限公司); a member that is
            # only part of a full name (the brackets cut the list) is no member
            inner = [(ls, le) for ls, le in legal if ls < e and s < le]
            if inner:
                ls, le = inner[-1]
                if le != e or ls < s:
                    continue
                s = ls
            lead = self.kinds.item_lead.pattern.match(text[s:e])
            if lead is not None and e - s - lead.end() >= 2:
                s += lead.end()           # 引进了 + 恒远精工
            elif not items and boundaries:
                s = self.trim_start(text, s, e, boundaries)     # 抓好 + 恒远精工 (the first member)
                first = min((b for b in boundaries if s < b <= e - 2), default=None)
                if first is not None and first - s <= 3 and text[first - 1] in self.forms.seat_level \
                        and not self._legal_close(text, e):
                    s = first                 # 主城区 + 华德牧业: where the company stands, not its name
            if e - s >= 2:
                items.append((s, e))
        names = [(s, e, text[s:e]) for s, e in items if not self.is_generic(text[s:e])
                 and not (self.gazetteer.get(text[s:e]) and self.gazetteer.get(text[s:e]).type == "place")]
        if not names:
            return []
        role = self.role_after(text[m.start("tail"):])

        def own_evidence(s: int, e: int, n: str) -> bool:
            entry = self.gazetteer.get(n)
            return (s, e) in legal or (entry is not None and entry.type == "enterprise") \
                or self._well_formed(n) or self._sub_brand(n) is not None

        head = m.groupdict().get("head") or ""
        if self.kinds.facility_head.pattern.match(head) and not any(
                (entry := self.gazetteer.get(n)) is not None and entry.type == "enterprise" for _, _, n in names):
            return []              # 江州、岭北等数据中心: centres are named by places as often as by companies
        shaped = [self._company_shaped(n) or self._form_typed(n) for _, _, n in names]
        evidence = role is not None or bool(rule.attrs.get("head_is_evidence")) or \
            self.kinds.head_evidence.pattern.match(head) is not None or \
            self.kinds.counted_tail.pattern.match(m.groupdict().get("tail") or "") is not None or \
            len(names) >= 2 and all(shaped) and sum(self._form_typed(n) or self._rare_brand(n)
                                                    for _, _, n in names) >= 1 or \
            any(own_evidence(s, e, n) for s, e, n in names) or all(
            2 <= len(n) <= 6 and _HAN_ONLY.match(n) and self._rare_brand(n) for _, _, n in names)
        # every member reads as a name: 华峰智联、渝新精工等配套企业, 江州来福等物流企业
        if not evidence:
            return []
        out = []
        for s, e, name in names:
            typ = self.type_of(name)
            own = own_evidence(s, e, name)
            if typ is None and not own and not self._company_shaped(name) and not (
                    any_member and _HAN_ONLY.match(name) and len(name) <= 4 and name not in self.context
                    and not self.place_prefix(name + "　") and not self.forms.level_place.match(name)):
                continue           # the list's type goes only to members shaped like a company name
            if typ in ("platform", "park") and not own and not self._named_platform(name):
                continue           # 省级平台 in a list of companies is a description, not a name
            if not own and self.kinds.project_part.pattern.fullmatch(name):
                continue           # 钢铁、焦化等行业企业: industries, not companies
            if typ is None or typ == "enterprise" or (s, e) in legal:
                typ = "enterprise"
            entry = self.gazetteer.get(name)
            group = self._sub_brand(name) if entry is None else None
            canonical = legal[(s, e)].canonical if (s, e) in legal else \
                group.canonical if group is not None else self.canonical(name)
            out.append(Mention(s, e, name, canonical, typ, role=role if typ == "enterprise" else None,
                               method="gazetteer" if entry else "pattern", rule_id=rule.id))
        return out

    def _legal_close(self, text: str, e: int) -> bool:
        """A registered legal form ends at ``e`` (the place before it belongs to the name)."""
        legal = self.kinds.legal_form.pattern.search(text, 0, e)
        return legal is not None and legal.end() == e and \
            text[max(0, e - 4):e].endswith(("有限公司", "分公司"))

    def _form_typed(self, name: str) -> bool:
        """A company by its ending, with a brand of its own before it (强力 + 水泥): the list's
        head confirms what the ending says."""
        m = next((r.pattern.search(name) for r in self.kinds.type if r.pattern.search(name)), None)
        if m is None or self.type_of(name) != "enterprise" or self.gazetteer.get(name) is not None:
            return False
        brand = name[:m.start()]
        return 2 <= len(brand) <= 6 and _HAN_ONLY.match(brand) is not None and not self.is_generic(brand) \
            and self._place_len(brand) < len(brand) and brand not in self.context

    def _rare_brand(self, name: str) -> bool:
        """Rare as a whole, or a place + a rare brand of 2+ characters (江州 + 来福)."""
        k = self.place_prefix(name + "　")
        if not k:
            return self.rare(name)
        rest = name[k:]
        return len(rest) >= 2 and self.rare(rest) and not self.is_generic(rest)

    def _sub_brand(self, name: str) -> GazEntry | None:
        """The known company opening ``name`` when the rest is a short product line (腾讯 + 云)."""
        if not _HAN_ONLY.match(name):
            return None
        for k in range(len(name) - 1, max(1, len(name) - MAX_SUB_BRAND - 1), -1):
            entry = self.gazetteer.get(name[:k])
            if entry is not None and entry.type == "enterprise":
                rest = name[k:]
                typ = self.type_of(name)
                if (typ is None or typ == "enterprise") and not self.place_prefix(rest + "　") \
                        and not self.common_word(rest) or len(rest) == 1:
                    return entry
                return None
        return None

    def _company_shaped(self, name: str) -> bool:
        """Shaped like a company's short name: 2–6 Han characters (or a short Latin/mixed name),
        not a place, a body, a category or a common word."""
        if not (2 <= len(name) <= 6 and _HAN_ONLY.match(name)) and not _SHAPE_LATIN.match(name):
            return False
        if self.is_generic(name) or self.place_prefix(name + "　") == len(name) or \
                (self.forms.level_place.match(name) and self.forms.level_place.match(name).end() == len(name)):
            return False
        if self.kinds.owner_stop.pattern.search(name) or self.common_word(name):
            return False
        return self.type_of(name) in (None, "enterprise")

    def _legal(self, text: str, span: LegalSpan, boundaries: set[int] | None) -> Mention | None:
        """The full name closed by a legal form: from the rightmost context word (at a token
        boundary) that leaves a real brand, else from the start of the run."""
        def at_boundary(a: int, b: int) -> bool:
            if boundaries is None:
                return True
            # a one-character word (与, 和, 如) must stand alone: 和平, 如意 are inside names;
            # a longer one need only end a token (国有企业 + 江西…)
            return b in boundaries and (a in boundaries or b - a >= 2)

        stops = [m for m in self.kinds.name_left.finditer(text, span.run_start, span.suffix_start)
                 if at_boundary(*m.span())]
        starts = [m.end() for m in reversed(stops)]
        if not stops or stops[0].start() > span.run_start:
            starts.append(span.run_start)
        for i, start in enumerate(starts):
            start = self.trim_start(text, start, span.suffix_start, boundaries)
            body = text[start:span.suffix_start]
            if not body:
                return None            # a bare legal form: 改制为股份有限公司, 设立有限责任公司
            if i and stops and not self._anchored(body):
                continue               # across a context word only from a place or a known company:
                                       # 中国 + 建设银行, not 全省…工业企业中 + 有限责任公司
            group = self._branch_group(body, span.suffix)
            if span.suffix == "公司" and group is None:
                return None            # a plain 公司 is read here only as a branch (中国电信江西公司)
            if group is not None or self._legal_body_ok(body):
                name = text[start:span.suffix_end]
                entry = self.gazetteer.get(name)
                whole = self.gazetteer.get(_BRACKETED.sub("", body))
                canonical = entry.canonical if entry is not None else \
                    whole.canonical if whole is not None and whole.type == "enterprise" else \
                    group.canonical if group is not None and group.canonical else name
                return Mention(start, span.suffix_end, name, canonical, "enterprise",
                               method="gazetteer" if entry else "pattern", rule_id=self.kinds.legal_suffix.rule_at(
                                   text, (span.suffix_start, span.suffix_end), "suffix").id)
        return None

    def _anchored(self, body: str) -> bool:
        """A full name's body opens with a place or a known company."""
        if self._place_len(body):
            return True
        return any(self.gazetteer.get(body[:k]) is not None and self.gazetteer.get(body[:k]).type == "enterprise"
                   for k in range(2, min(len(body), 8) + 1))

    def _place_len(self, name: str) -> int:
        """Length of the places (and their level words) opening ``name``: 江西 + 省, 南昌市."""
        pos = 0
        while pos < len(name):
            k = self.place_prefix(name[pos:] + "　")
            if not k:
                lp = self.forms.level_place.match(name, pos)
                k = lp.end() - pos if lp else 0
            if not k:
                break
            pos += k
            if self.forms.level_word.match(name, pos):
                pos += 1
        return pos

    def _legal_body_ok(self, body: str) -> bool:
        """What precedes a legal form is a name: a place + anything not generic (江西省投资集团),
        or a brand of 2+ characters that is neither generic nor, standing alone, a common word."""
        core = _BRACKETED.sub("", body)
        if not core or "的" in core or self.kinds.owner_stop.pattern.search(core):
            return False
        k = self._place_len(core)
        rest = core[k:]
        if k:
            return bool(rest) and not self.is_generic(rest)
        tail = self.kinds.name_tail.pattern.search(rest)
        brand = rest[:tail.start()] if tail else rest
        if len(brand) < 2 or self.is_generic(brand):
            return False
        return not (brand == core and self.common_word(brand))

    def _branch_group(self, body: str, suffix: str) -> GazEntry | None:
        """The group of a branch's name: a company + a place (+ level, + a short field word):
        中国电信 + 江西, 国网 + 江西省 + 电力, 中国联通 + 赣州 (before 分公司). A group not in the
        gazetteer must look like a company's name (well-formed, or rare and company-shaped)."""
        core = _BRACKETED.sub("", body)
        for k in range(min(len(core) - 2, 8), 1, -1):
            entry = self.gazetteer.get(core[:k])
            if entry is None and self._group_shaped(core[:k]):
                entry = GazEntry(core[:k], "", "enterprise")     # an unknown group names no canonical
            if entry is None or entry.type != "enterprise":
                continue
            rest = core[k:]
            p = self._place_len(rest)
            if not p and suffix == "分公司" and 2 <= len(rest) <= 3:
                p = len(rest)          # 中国联通 + 赣州 + 分公司: a branch is named by its place
            if p and len(rest) - p <= 4 and _HAN_ONLY.match(rest):
                return entry
        return None

    def _group_shaped(self, name: str) -> bool:
        """An unknown group's name: well-formed (赣能集团), or company-shaped and rare, a leading
        place aside (中国 + 铁塔 is a name, 省属 or 南昌 is not)."""
        if self._well_formed(name):
            return True
        if not self._company_shaped(name):
            return False
        k = self.place_prefix(name)
        return self.rare(name) if not k else len(name) - k >= 2 and self.rare(name[k:])

    def _partner(self, text: str, m: regex.Match, aligned) -> Mention | None:
        """The company in ``X与南昌大学共建``: a known company, a well-formed name or a
        company-shaped name; never a place, a body, a university or a category."""
        s, e = m.span("name")
        name = text[s:e]
        if not aligned(s, e):
            return None
        entry = self.gazetteer.get(name)
        if entry is not None:
            if entry.type != "enterprise":
                return None
        elif not (self._well_formed(name) or self._company_shaped(name)):
            return None
        return Mention(s, e, name, self.canonical(name), "enterprise",
                       method="gazetteer" if entry else "pattern", rule_id=self.kinds.partner.rule_of(m).id)

    def _place_named(self, name: str) -> bool:
        """A business form a place alone may name: 江州 + 农村商业银行, 东 + 江州 + 热电厂."""
        m = self.kinds.place_form.pattern.search(name)
        if m is None or m.start() == 0:
            return False
        body = name[:m.start()]
        if body in self.forms.admin_level:
            return True               # 县 + 邮政公司: the county's own
        if body[0] in self.forms.direction and len(body) > 2 and self._place_len(body[1:]) == len(body) - 1:
            return True
        return self._place_len(body) == len(body)

    def _well_formed(self, name: str) -> bool:
        """A company by its form alone: a legal form, or an industry word after a real brand."""
        if self._place_named(name) and self.type_of(name) == "enterprise":
            return True
        hotel = next((m for m in (self.kinds.head_evidence.pattern.search(name[-k:]) for k in (2, 3)) if m), None)
        if hotel is not None and self.kinds.place_like.pattern.search(name[:-len(hotel.group())]):
            return False              # 翠湖 + 酒店 among lakes and parks: a facility named by its place
        for rule in self.kinds.type:
            m = rule.pattern.search(name)
            if m is not None:
                if rule.attrs["type"] != "enterprise":
                    return False
                brand = name[:m.start()]
                if self.kinds.legal_form.pattern.search(name):       # 南滨江公司: a legal form allows a longer brand
                    lp = self.forms.level_place.match(brand)          # 上海市 + 凌峰科技 + 有限公司
                    core = brand[lp.end():] if lp and len(brand) - lp.end() >= 2 else brand
                    if 2 <= len(core) <= 6 and not self.is_generic(core) and self.rare(core) \
                            and not self.kinds.not_name.pattern.search(core[:2]):    # 省属 + 江西公司: a category
                        return True
                    # a known place + a field (宜昌 + 交旅 + 集团, 株洲 + 产业发展 + 集团): a local state company
                    k = self._place_len(brand)
                    rest = brand[k:]
                    return 0 < k and 2 <= len(rest) <= 6 and not self.is_generic(rest) \
                        and (not self.common_word(rest) or len(rest) == 2 and rest not in self.context) \
                        and not self.kinds.not_name.pattern.search(rest)     # 江岭 + 森工 + 集团
                if self.kinds.strong_suffix.pattern.match(name[m.start():]) and self._strong_brand(brand):
                    return True           # 世纪天伦 + 酒店: judged as a whole
                return self.brand_ok(brand)
        return False

    def _strong_brand(self, brand: str) -> bool:
        """A brand before a strong ending: 2–6 characters, not generic, not a context or common word
        as a whole, not only a place, and not two common words (发展 + 银行 is no name)."""
        if not (2 <= len(brand) <= 6) or self.is_generic(brand) or brand in self.context \
                or self.common_word(brand, MAX_RARE_FREQ) or self.kinds.not_name.pattern.search(brand):
            return False
        k = self._place_len(brand)
        if k == len(brand):
            return False
        rest = brand[k:]
        if len(rest) < 2 or self.is_generic(rest) or self.common_word(rest, MAX_RARE_FREQ):
            return False
        if any(rest[i:i + n] in self.context for n in (2, 3) for i in range(1, len(rest) - n + 1)):
            return False              # 城区 + 所有 + 燃煤 (电厂): a phrase, not a brand
        return not (len(rest) >= 4 and self.common_word(rest[:2], MAX_RARE_FREQ) and
                    self.common_word(rest[2:], MAX_RARE_FREQ))

    def _morphology(self, text: str, s: int, e: int, suffix: str, rule: Rule, aligned,
                    boundaries: set[int] | None = None) -> Mention | None:
        s = self.trim_start(text, s, e - len(suffix), boundaries)
        if s and text[s - 1] == "和" and boundaries is not None and s - 1 not in boundaries:
            return None               # 和 + 辉光电: 和 opens the name
        if boundaries is not None and self.kinds.preposition.pattern.fullmatch(text[s]) and s + 1 in boundaries:
            return None               # 以 + 农牧业…, 把 + 农牧业…: a preposition opens a phrase
        if not self.kinds.legal_form.pattern.search(text, s, e) and e - len(suffix) - 1 > s and \
                self.common_word(text[e - len(suffix) - 1:e], MAX_RARE_FREQ):
            return None               # 农 + 牧业: the ending is part of a common word (农牧业)
        name = text[s:e]
        entry = self.gazetteer.get(name)
        if entry is not None and entry.type != "enterprise":
            return None               # 世界银行: an international body
        if not self.kinds.legal_form.pattern.search(name):          # 上海市 + 名称: the place is context unless a legal form follows
            lp = self.forms.level_place.match(name)
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


_HAN_START = regex.compile(r"\p{Han}")


def _clear_edges(text: str, s: int, e: int) -> bool:
    """Neither neighbour of text[s:e] is a Han character."""
    return (s == 0 or not _HAN_START.match(text, s - 1)) and (e == len(text) or not _HAN_START.match(text, e))


_LATIN = regex.compile(r"^[A-Za-z0-9·\-]+$")


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
