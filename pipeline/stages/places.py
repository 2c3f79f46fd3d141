"""The issuing government's division of a document: ``documents.place_code`` / ``place_name``.

Data: ``rules/gazetteers/divisions.csv`` (code, name, parent code, level; source and licence in
``divisions.README.md``) and ``rules/places.toml`` (central bodies, bylines, province
abbreviations of 文号, ethnic names of autonomous divisions). Decisions:

- A place is read from the *start* of an issuer or title as a chain of division names, each
  inside the one before (``上海市松江区人民政府`` → 上海市 › 松江区 → ``310117``); the deepest
  one is the issuing government's: a district has its own code, not its city's.
- Names: the full name (``阿坝藏族羌族自治州``), the short form of an autonomous division
  (``阿坝州``, ``长阳县``) and, for provinces only, the bare name (``宁夏``, ``广东``): a bare
  city or county name (``东方``, ``和平``) is too often an ordinary word.
- Evidence in order: issuer, title, byline (``广东省省长``, ``在某省第N届人民代表大会``), the
  文号's province abbreviation, then any header line opening with a place (``上海市人民政府|…``,
  the site a page title names: weak, so last). The first piece of evidence that names a place decides; a
  place-shaped name missing from the table stops the search (null, no guess).
- A name shared by several divisions (``朝阳区``) takes the one whose enclosing division is
  written before it or named in the document's header; if none or several, null.
- ``place_name`` is the full chain (``上海市松江区``, ``江西省宜春市万载县``); the central
  government is ``000000`` / ``全国``.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import Iterable

import regex

from ..extract.rules import RuleError, RuleSource

DIVISIONS_FILE = "gazetteers/divisions.csv"
PLACES_FILE = "places.toml"
CENTRAL = ("000000", "全国")
_LEVELS = ("province", "prefecture", "county")
_MAX_NAME = 20
_CONTEXT_CHARS = 3000       # the header and opening of a document: where an enclosing place is named
_GOVERNMENT_AFTER = regex.compile(r"人民政府|政府|人大|委员会|党委|\d")


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    parent: str | None
    level: str


@dataclass(frozen=True)
class Place:
    code: str
    name: str


@dataclass(frozen=True)
class Divisions:
    """The division table with every written form of each name."""

    by_code: dict[str, Division]
    by_name: dict[str, tuple[str, ...]]      # written form → codes

    def ancestors(self, code: str) -> list[Division]:
        out = []
        parent = self.by_code[code].parent
        while parent:
            out.append(self.by_code[parent])
            parent = self.by_code[parent].parent
        return out

    def is_inside(self, code: str, outer: str) -> bool:
        return any(a.code == outer for a in self.ancestors(code))

    def full_name(self, code: str) -> str:
        return "".join(d.name for d in reversed(self.ancestors(code))) + self.by_code[code].name

    def names_of(self, code: str) -> list[str]:
        return [name for name, codes in self.by_name.items() if code in codes]

    def chain_at(self, s: str, pos: int = 0) -> list[tuple[int, int, tuple[str, ...]]]:
        """Division names written one after the other from ``pos`` (longest name first). A two-character
        county name opening the chain (城区, 矿区, 青县) counts only before a government word: alone it is
        more often an ordinary word (矿区生态修复方案)."""
        chain: list[tuple[int, int, tuple[str, ...]]] = []
        while pos < len(s):
            for length in range(min(_MAX_NAME, len(s) - pos), 1, -1):
                codes = self.by_name.get(s[pos:pos + length])
                if codes and not chain and length == 2 and not _GOVERNMENT_AFTER.match(s, pos + length) \
                        and all(self.by_code[c].level == "county" for c in codes):
                    continue
                if codes:
                    chain.append((pos, pos + length, codes))
                    pos += length
                    break
            else:
                break
        return chain


@dataclass(frozen=True)
class PlaceRules:
    central: tuple
    head_byline: tuple
    congress_byline: tuple
    central_byline: tuple
    unknown_place: tuple
    abbreviations: dict[str, str]


def _short_forms(name: str, level: str, ethnic: Iterable[str]) -> list[str]:
    """Other written forms of a division's name: 阿坝藏族羌族自治州 → 阿坝州; 广西壮族自治区 → 广西."""
    # 族 is written in all but one name (新疆维吾尔自治区)
    ethnic_end = regex.compile(rf"(?:{'|'.join(sorted(map(regex.escape, ethnic), key=len, reverse=True))})族?$")

    def strip_ethnic(stem: str) -> str:
        while True:
            shorter = ethnic_end.sub("", stem)
            if shorter == stem or len(shorter) < 2:
                return stem
            stem = shorter

    forms: list[str] = []
    for suffix, short_suffixes in (("特别行政区", ("",)), ("自治区", ("", "自治区")), ("自治州", ("州",)),
                                   ("自治县", ("县",)), ("自治旗", ("旗",)), ("省", ("",)), ("市", ("",))):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            stem = strip_ethnic(name[:-len(suffix)])
            for short in short_suffixes:
                if short == "" and level != "province":
                    continue                  # bare names only for provinces: 广东, 宁夏, 北京
                forms.append(stem + short)
            break
    return [f for f in forms if f != name and len(f) >= 2]


def load_divisions(book: RuleSource) -> Divisions:
    """``gazetteers/divisions.csv`` (with the ethnic names of ``places.toml`` for short forms), once per book."""
    return book.view("divisions", lambda: _divisions(book))


def _divisions(book: RuleSource) -> Divisions:
    path = book.source(DIVISIONS_FILE)
    ethnic = book.toml(PLACES_FILE).get("ethnic", {}).get("names", [])
    rows = list(csv.DictReader(book.tsv_lines(DIVISIONS_FILE)))
    by_code: dict[str, Division] = {}
    for n, row in enumerate(rows, 2):
        code, name, level = row.get("code", ""), row.get("name", ""), row.get("level", "")
        if not regex.fullmatch(r"\d{6}", code or "") or not name or level not in _LEVELS:
            raise RuleError(path, f"line {n}", f"needs a 6-digit code, a name and a level in {_LEVELS}; got {row}")
        by_code[code] = Division(code, name, row.get("parent_code") or None, level)
    for d in by_code.values():
        if d.parent and d.parent not in by_code:
            raise RuleError(path, d.code, f"parent {d.parent} is not in the table")
    by_name: dict[str, list[str]] = {}
    for d in by_code.values():
        for form in [d.name] + _short_forms(d.name, d.level, ethnic):
            by_name.setdefault(form, []).append(d.code)
    return Divisions(by_code=by_code, by_name={k: tuple(v) for k, v in by_name.items()})


def load_place_rules(book: RuleSource) -> PlaceRules:
    """``places.toml``: the rules by kind and the abbreviations, once per book."""
    return book.view("place-rules", lambda: _place_rules(book))


def _place_rules(book: RuleSource) -> PlaceRules:
    by_kind: dict[str, list] = {}
    for rule in book.ruleset(PLACES_FILE[:-5]):
        by_kind.setdefault(rule.attrs.get("kind", ""), []).append(rule)
    abbreviations = book.toml(PLACES_FILE).get("abbreviations", {})
    return PlaceRules(central=tuple(by_kind.get("central", ())), head_byline=tuple(by_kind.get("head_byline", ())),
                      congress_byline=tuple(by_kind.get("congress_byline", ())),
                      central_byline=tuple(by_kind.get("central_byline", ())),
                      unknown_place=tuple(by_kind.get("unknown_place", ())), abbreviations=dict(abbreviations))


@dataclass(frozen=True)
class Places:
    """What :func:`find_place` reads: the divisions table and the place rules of one rule book."""
    divisions: Divisions
    rules: PlaceRules

    @classmethod
    def from_rulebook(cls, book: RuleSource) -> "Places":
        return cls(divisions=load_divisions(book), rules=load_place_rules(book))


_UNDECIDED = object()       # the evidence names no place: look at the next piece


def _context_names(division: Division, divisions: Divisions) -> list[str]:
    """How an enclosing division may be named in running text: its forms and, for a city, its bare
    name (长春现代化都市圈 names 长春市)."""
    names = divisions.names_of(division.code)
    if division.level == "prefecture" and division.name.endswith("市") and len(division.name) >= 3:
        names.append(division.name[:-1])
    return names


def _settle(codes: Iterable[str], divisions: Divisions, context: str) -> str | None:
    """One code from several: the one whose enclosing division is named in ``context``."""
    codes = list(dict.fromkeys(codes))
    if len(codes) == 1:
        return codes[0]
    named = [c for c in codes if any(name in context for a in divisions.ancestors(c)
                                     for name in _context_names(a, divisions))]
    return named[0] if len(named) == 1 else None


def _chain_code(s: str, divisions: Divisions, context: str) -> object:
    """The deepest division of the chain of names opening ``s``; None when ambiguous; _UNDECIDED
    when ``s`` opens with no division name."""
    chain = divisions.chain_at(s)
    if not chain:
        return _UNDECIDED
    current = list(chain[0][2])
    for _, _, codes in chain[1:]:
        inner = [c for c in codes if any(divisions.is_inside(c, outer) for outer in current)]
        if not inner:
            break                 # the next name is not inside the last: the chain ends here
        current = inner
    return _settle(current, divisions, context)


def _from_name(s: str | None, divisions: Divisions, rules: PlaceRules, context: str) -> object:
    """A place from the opening of an issuer or title: a code, None (stop: unknown or ambiguous),
    or _UNDECIDED (no place is named)."""
    if not s:
        return _UNDECIDED
    s = regex.sub(r"\s+", " ", s).strip().split(" ")[0]          # the first of joint issuers
    s = regex.sub(r"^(?:19|20)\d{2}年(?:度)?", "", s)            # 2025年贵州省政府工作报告
    if any(rule.search(s) for rule in rules.central):
        return CENTRAL[0]
    code = _chain_code(s, divisions, context)
    if code is _UNDECIDED and any(rule.search(s) for rule in rules.unknown_place):
        return None
    return code


def _from_bylines(lines: list[str], divisions: Divisions, rules: PlaceRules, context: str) -> object:
    for line in lines:
        if any(rule.search(line) for rule in rules.central_byline):
            return CENTRAL[0]
        for rule in rules.head_byline + rules.congress_byline:
            m = rule.search(line.strip())
            if m:
                code = _chain_code(m.group("place"), divisions, context)
                if code is not _UNDECIDED:
                    return code
    return _UNDECIDED


def _from_doc_number(doc_number: str | None, divisions: Divisions, rules: PlaceRules) -> object:
    """沪松府〔2022〕11号 → 上海市 and, when exactly one of its divisions starts with 松, 松江区."""
    if not doc_number:
        return _UNDECIDED
    prefix = doc_number.split("〔")[0]
    province = rules.abbreviations.get(prefix[:1])
    if province is None or province not in divisions.by_code:
        return _UNDECIDED
    if len(prefix) > 1:
        inner = {c for name, codes in divisions.by_name.items() if name.startswith(prefix[1])
                 for c in codes if divisions.is_inside(c, province)}
        if len(inner) == 1:
            return inner.pop()
    return province


def head_lines(text: str, n: int = 10) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()][:n]


def byline_government(lines: list[str], rules: PlaceRules) -> str | None:
    """The government a report is delivered for, from its byline: ``广东省省长 某某`` →
    ``广东省人民政府``; ``某区人民政府区长`` → ``某区人民政府``; ``在某省第N届人民代表大会`` → ``某省人民政府``."""
    if any(rule.search(line) for line in lines for rule in rules.central_byline):
        return "国务院"
    for kind in (rules.head_byline, rules.congress_byline):
        for line in lines:
            for rule in kind:
                m = rule.search(line.strip())
                if m and regex.search(r"(?:省|自治区|市|州|盟|地区|县|区|旗)$", m.group("place")):
                    return m.group("place") + "人民政府"
    return None


def _from_header(header: Iterable[str], divisions: Divisions, rules: PlaceRules, context: str) -> object:
    """The first header line (or page-title part: ``上海市人民政府|…``) opening with a known place."""
    for line in header:
        code = _from_name(line, divisions, rules, context)
        if code is not None and code is not _UNDECIDED:
            return code
    return _UNDECIDED


def find_place(issuer: str | None, title: str | None, doc_number: str | None, text: str, *,
               places: Places, header: Iterable[str] = ()) -> Place | None:
    """The issuing government's division, or None when the document does not say (or is ambiguous).
    ``header``: the lines above the body (and the parts of a page title), the last evidence."""
    divisions, rules = places.divisions, places.rules
    context = text[:_CONTEXT_CHARS]
    code: object = _UNDECIDED
    for step in (lambda: _from_name(issuer, divisions, rules, context),
                 lambda: _from_name(title, divisions, rules, context),
                 lambda: _from_bylines(head_lines(text), divisions, rules, context),
                 lambda: _from_doc_number(doc_number, divisions, rules),
                 lambda: _from_header(header, divisions, rules, context)):
        code = step()
        if code is not _UNDECIDED:
            break
    if code is _UNDECIDED or code is None:
        return None
    if code == CENTRAL[0]:
        return Place(*CENTRAL)
    return Place(code=str(code), name=divisions.full_name(str(code)))
