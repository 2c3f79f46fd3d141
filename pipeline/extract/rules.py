"""Rule engine: regex rules kept as data in ``rules/*.toml``.

A rule file looks like this::

    [meta]
    description = "Deadline expressions"

    [define]                      # reusable sub-patterns, referenced as ${NAME}
    YEAR = '''(?:19|20)\\d{2}'''

    [[rule]]
    id = "deadline.by_year"
    description = "到2024年 / 到2024年底"
    pattern = '''到(?P<year>${YEAR})年'''
    attrs = { kind = "by" }       # free data handed to the extractor with each match
    examples = [
        { text = "到2024年，全区…", expect = { year = "2024" } },
    ]
    counterexamples = ["2018年7月31日印发"]

``${NAME}`` expands from the file's own ``[define]`` table, then from
``rules/common.toml``. Patterns are compiled once with the ``regex`` module
(VERBOSE is off unless ``flags = ["VERBOSE"]``) and run with a timeout, so a
catastrophic pattern cannot hang a run. Any defect — bad TOML, a missing
field, an unknown ``${NAME}``, a pattern that does not compile, an example
that names a group the pattern lacks — raises :class:`RuleError` naming the
file, the rule id and the reason, at load time.

``attrs`` are free data here; each extractor says what it reads from them with
a :class:`RuleSpec` per role or kind (allowed values — SCHEMA.md's value lists
where a value becomes a column —, types, the named groups it reads) and checks
every rule with :func:`validate_rule` when it loads. ``rules-check`` loads every
extractor, so a file it passes cannot fail a run at load.
"""
from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, ClassVar, Hashable, Iterator, Mapping, Protocol, Self, TypeVar

import regex
import tomllib

COMMON_FILE = "common.toml"
UNITS_FILE = "units.toml"        # units of measure: ${UNIT_BASE} is derived from it
MATCH_TIMEOUT_S = 2.0
_REF = regex.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_FLAGS = {"VERBOSE": regex.VERBOSE, "IGNORECASE": regex.IGNORECASE, "MULTILINE": regex.MULTILINE,
          "DOTALL": regex.DOTALL}
T = TypeVar("T")
_RULE_KEYS = {"id", "description", "pattern", "flags", "attrs", "examples", "counterexamples", "priority"}


class RuleError(ValueError):
    """A rule file that cannot be used: names the file, the rule and the reason."""

    def __init__(self, file: str | Path, rule_id: str | None, reason: str):
        self.file = str(file)
        self.rule_id = rule_id
        self.reason = reason
        where = f"{self.file}" + (f", rule '{rule_id}'" if rule_id else "")
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class RuleExample:
    text: str
    expect: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    source: str                      # path of the rule file, for messages
    pattern: regex.Pattern
    attrs: dict[str, Any]
    examples: tuple[RuleExample, ...]
    counterexamples: tuple[str, ...]
    priority: int = 0                # higher wins when two rules claim the same span

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[regex.Match]:
        """Matches of the rule, as ``pattern.finditer``; the timeout bounds each search, not the whole scan,
        so a long document is not a timeout. Inside :func:`collect_timeouts`, a search that times out
        skips one sentence (recorded), and the rest of the text is searched sentence by sentence; outside
        it, a timeout raises :class:`RuleError`."""
        end = len(text) if endpos is None else endpos
        pattern, by_sentence = self.pattern, False
        while pos < end or (pos == end and not by_sentence):
            stop = _sentence_end(text, pos, end) if by_sentence else end
            try:
                m = pattern.search(text, pos, stop, timeout=MATCH_TIMEOUT_S)
            except TimeoutError as exc:  # a pathological pattern on a pathological text
                if by_sentence:
                    _skip(self, text, pos, stop, exc)
                    pos = stop
                else:
                    by_sentence = _skip_allowed(self, exc)   # find the sentence: search one at a time
                continue
            if m is None:
                if not by_sentence:
                    return
                pos = stop
                continue
            yield m
            pos = m.end() if m.end() > m.start() else m.end() + 1

    def search(self, text: str) -> regex.Match | None:
        # directly, not next(finditer()): called ~100,000 times per 200 documents on short strings, where a
        # generator and a scanner object cost more than the match
        try:
            return self.pattern.search(text, timeout=MATCH_TIMEOUT_S)
        except TimeoutError as exc:
            _skip_allowed(self, exc)
            _skip(self, text, 0, len(text), exc)
            return None


@dataclass(frozen=True)
class SkippedMatch:
    """A stretch of text one rule could not search within MATCH_TIMEOUT_S: it is left unmatched."""
    file: str
    rule_id: str
    snippet: str          # the first characters of the skipped stretch, to find it
    length: int


_COLLECTOR: contextvars.ContextVar[list[SkippedMatch] | None] = contextvars.ContextVar("rule_timeouts",
                                                                                      default=None)
_SENTENCE_END = regex.compile(r"[。！？；!?;\n]")
_MAX_SKIP = 2000          # characters: a sentence without an end is skipped in pieces of this size


@contextlib.contextmanager
def collect_timeouts() -> Iterator[list[SkippedMatch]]:
    """Within this block, a rule search that times out skips the sentence it was in and is recorded in
    the yielded list, instead of raising: one slow match costs a sentence, not the document."""
    found: list[SkippedMatch] = []
    token = _COLLECTOR.set(found)
    try:
        yield found
    finally:
        _COLLECTOR.reset(token)


def timeouts_recorded() -> int:
    """How many skipped searches the enclosing :func:`collect_timeouts` holds so far (0 outside one): a caller
    that memoizes a reading keeps only readings made without a skip, so that every skip is still reported."""
    found = _COLLECTOR.get()
    return len(found) if found else 0


def _sentence_end(text: str, pos: int, end: int) -> int:
    """End of the sentence at ``pos``: just after its terminator or line break (at most _MAX_SKIP on)."""
    limit = min(end, pos + _MAX_SKIP)
    m = _SENTENCE_END.search(text, pos, limit)
    return m.end() if m is not None else limit


def _skip_allowed(rule: Rule, exc: TimeoutError) -> bool:
    if _COLLECTOR.get() is None:
        raise RuleError(rule.source, rule.id, f"matching timed out after {MATCH_TIMEOUT_S}s") from exc
    return True


def _skip(rule: Rule, text: str, start: int, stop: int, exc: TimeoutError) -> None:
    found = _COLLECTOR.get()
    if found is None:
        raise RuleError(rule.source, rule.id, f"matching timed out after {MATCH_TIMEOUT_S}s") from exc
    found.append(SkippedMatch(file=rule.source, rule_id=rule.id, snippet=text[start:min(stop, start + 30)],
                              length=stop - start))


@dataclass(frozen=True)
class RuleSet:
    name: str                        # file stem: 'targets', 'deadlines', ...
    source: str
    description: str
    rules: tuple[Rule, ...]
    defines: dict[str, str]
    # [words.NAME] lists of the file: each is also ${NAME} in its patterns, and a Rule (id 'words.NAME') whose
    # examples rules-check runs; attrs['words'] holds the words
    lists: dict[str, Rule] = field(default_factory=dict)
    _patterns: dict = field(default_factory=dict, compare=False, repr=False)   # pattern(): compiled once

    def pattern(self, pattern: str, flags: int = 0) -> regex.Pattern:
        """``pattern`` with ``${NAME}``s expanded from the file's definitions (and common.toml's), compiled
        once per set: a structural pattern of an extractor built on a shared definition (${OUTLINE_LABEL})."""
        try:
            return self._patterns[pattern, flags]
        except KeyError:
            compiled = self._patterns[pattern, flags] = compile_common(self.defines, pattern, flags,
                                                                       source=self.source)
            return compiled

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def word_list(self, name: str) -> tuple[str, ...]:
        """The words of the file's list ``[words.NAME]``, in the file's order."""
        try:
            return tuple(self.lists[name].attrs["words"])
        except KeyError:
            raise RuleError(self.source, None, f"needs a word list [words.{name}]") from None

    def words(self, name: str) -> frozenset[str]:
        """The words of ``[words.NAME]``, for membership tests."""
        return frozenset(self.word_list(name))

    def get(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


@dataclass(frozen=True)
class RuleGroup:
    """The rules of one kind (or role) acting as one pattern: a second rule of a kind an extractor already
    reads is a TOML edit only. Rules are in descending priority; of matches at the same place the first
    rule's wins."""
    kind: str
    rules: tuple[Rule, ...]

    @classmethod
    def of(cls, kind: str, rules: Any) -> "RuleGroup":
        return cls(kind=kind, rules=tuple(sorted(rules, key=lambda r: -r.priority)))

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    @functools.cached_property
    def pattern(self) -> regex.Pattern:
        """One pattern for every rule of the kind, for ``match``/``fullmatch`` at a position: the rule's own
        when there is one (same object, same speed), else their alternation in priority order (each with
        its own flags; a named group may recur, the ``regex`` module allows it)."""
        if len(self.rules) == 1:
            return self.rules[0].pattern
        parts = []
        for rule in self.rules:
            flags = "".join(c for f, c in _INLINE_FLAGS if rule.pattern.flags & f)
            parts.append(f"(?{flags}:{rule.pattern.pattern})" if flags else f"(?:{rule.pattern.pattern})")
        try:
            return regex.compile("|".join(parts))
        except regex.error as exc:
            raise RuleError(self.rules[0].source, ", ".join(r.id for r in self.rules),
                            f"the rules of kind {self.kind!r} do not compile as one pattern: {exc}") from exc

    @property
    def id(self) -> str:
        """The rule id of a kind held by one rule (what a row names); with several, ask :meth:`rule_of`."""
        if len(self.rules) != 1:
            raise ValueError(f"kind {self.kind!r} has {len(self.rules)} rules: name the one that matched")
        return self.rules[0].id

    def rule_of(self, m: regex.Match) -> Rule:
        """The rule whose match ``m`` is (a match of :meth:`finditer`, or of one rule's pattern)."""
        if len(self.rules) == 1:
            return self.rules[0]
        return next((r for r in self.rules if r.pattern is m.re), self.rules[0])

    def rule_at(self, text: str, span: tuple[int, int], group: str | int = 0) -> Rule:
        """The first rule (by priority) with a match whose ``group`` spans ``span`` in ``text``."""
        if len(self.rules) == 1:
            return self.rules[0]
        return next((r for r in self.rules for m in r.finditer(text) if m.span(group) == span), self.rules[0])

    @functools.cached_property
    def _any(self) -> regex.Pattern | None:
        """The rules' alternation, to tell in one search that none of them matches; None for one rule,
        or when they do not compile as one pattern (then each is searched, as always)."""
        if len(self.rules) < 2 or any(_BACKREFERENCE.search(r.pattern.pattern) for r in self.rules):
            return None     # a numbered back-reference would point at another group in the alternation
        try:
            return self.pattern
        except RuleError:
            return None

    def may_match(self, text: str) -> bool:
        """False only when no rule of the kind matches anywhere in ``text`` (one search of the alternation,
        instead of one per rule: most texts match none); True when one may."""
        if self._any is None:
            return True
        try:
            return self._any.search(text, timeout=MATCH_TIMEOUT_S) is not None
        except TimeoutError:
            return True     # each rule's own search then records what it cannot search

    def search_rule(self, text: str) -> tuple[Rule, regex.Match] | None:
        """The earliest match of any rule, with the rule that made it."""
        if not self.may_match(text):
            return None
        best: tuple[Rule, regex.Match] | None = None
        for rule in self.rules:
            m = rule.search(text)
            if m is not None and (best is None or m.start() < best[1].start()):
                best = (rule, m)
        return best

    def search(self, text: str) -> regex.Match | None:
        found = self.search_rule(text)
        return found[1] if found is not None else None

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[regex.Match]:
        """Every rule's matches, in text order (one rule: its own iterator, no wrapper)."""
        if len(self.rules) == 1:
            return self.rules[0].finditer(text, pos, endpos)
        return self._merged(text, pos, endpos)

    def _merged(self, text: str, pos: int, endpos: int | None) -> Iterator[regex.Match]:
        found = [(m.start(), i, m) for i, r in enumerate(self.rules) for m in r.finditer(text, pos, endpos)]
        yield from (m for _, _, m in sorted(found, key=lambda x: (x[0], x[1])))

    def sub(self, repl: str, text: str, count: int = 0) -> str:
        """Each rule's substitution in turn (priority order)."""
        for rule in self.rules:
            text = rule.pattern.sub(repl, text, count=count)
        return text


_BACKREFERENCE = regex.compile(r"\\[1-9]|\\g<\d|\(\?P=")
_INLINE_FLAGS = ((regex.IGNORECASE, "i"), (regex.MULTILINE, "m"), (regex.DOTALL, "s"), (regex.VERBOSE, "x"))


class RuleKinds(Mapping[str, RuleGroup]):
    """The rules of a file by kind, each kind a :class:`RuleGroup`, also read as an attribute
    (``kinds.platform``): resolved once when a reader is built, so a hot loop pays an attribute read, not a
    lookup by name; a rule added to a kind the reader knows is a TOML edit only."""

    def __init__(self, groups: Mapping[str, RuleGroup]):
        self._groups = dict(groups)
        for kind, group in self._groups.items():
            if not kind.isidentifier() or hasattr(type(self), kind):
                raise ValueError(f"kind {kind!r} cannot be an attribute")
            self.__dict__[kind] = group

    @classmethod
    def of(cls, ruleset: "RuleSet", key: str, specs: Mapping[str | None, RuleSpec]) -> "RuleKinds":
        """Every rule of ``ruleset`` checked with :func:`validate_rule` and grouped by ``attrs[key]``; every
        kind of ``specs`` (but None) needs at least one rule, else :class:`RuleError` naming the file."""
        grouped = group_rules(ruleset, key, specs)
        for kind in specs:
            if kind is not None and not grouped.get(kind):
                raise RuleError(ruleset.source, None, f"needs at least one rule of {key} {kind!r}")
        return cls({kind: RuleGroup.of(kind, rules) for kind, rules in grouped.items() if kind is not None})

    def __getitem__(self, kind: str) -> RuleGroup:
        return self._groups[kind]

    def __iter__(self) -> Iterator[str]:
        return iter(self._groups)

    def __len__(self) -> int:
        return len(self._groups)

    def __setattr__(self, name: str, value: Any) -> None:
        if name != "_groups":
            raise AttributeError("RuleKinds is read-only")
        object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        return f"RuleKinds({sorted(self._groups)})"


class BuiltFromBook:
    """A reader compiled once per rule book: ``from_rulebook`` keeps ``cls._build(book)`` among the book's
    views under ``cls.VIEW``, so every extractor of a run shares one."""

    VIEW: ClassVar[str]

    @classmethod
    def from_rulebook(cls, book: "RuleSource") -> Self:
        return book.view(cls.VIEW, lambda: cls._build(book))

    @classmethod
    def _build(cls, book: "RuleSource") -> Self:
        raise NotImplementedError


class RuleSource(Protocol):
    """What a reader needs of the rule book (:class:`pipeline.rulebook.RuleBook`): parsed files by name
    and a cache of what it builds from them. Readers take one instead of a folder, so that a run reads
    ``--rules`` once and a worker never opens a path."""

    origin: str

    def source(self, name: str) -> str: ...            # the file, as named in messages

    def has(self, name: str) -> bool: ...

    def text(self, name: str) -> str: ...

    def names(self, under: str = "", suffix: str = "") -> list[str]: ...

    def toml(self, name: str) -> dict[str, Any]: ...

    def tsv_lines(self, name: str) -> list[str]: ...

    def ruleset(self, stem: str) -> "RuleSet": ...

    def view(self, key: Hashable, build: Callable[[], T]) -> T: ...

    def common_defines(self) -> dict[str, str]: ...

    def compile_common(self, pattern: str, flags: int = 0) -> regex.Pattern: ...


def parse_toml(data: bytes, source: str | Path) -> dict[str, Any]:
    """A TOML file of ``rules/`` from its bytes; invalid → :class:`RuleError` naming ``source``."""
    try:
        return tomllib.loads(data.decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(source, None, f"invalid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise RuleError(source, None, f"not UTF-8: {exc}") from exc


def parse_lines(data: bytes, source: str | Path) -> list[str]:
    """The lines of a UTF-8 table of ``rules/`` (gazetteers, unit aliases); defects → :class:`RuleError`."""
    try:
        return data.decode("utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise RuleError(source, None, f"not UTF-8: {exc}") from exc


def _read_bytes(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise RuleError(path, None, f"cannot read file: {exc.strerror or exc}") from exc


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file on disk (a saved spaCy component; tests); unreadable or invalid → :class:`RuleError`."""
    return parse_toml(_read_bytes(path), path)


def read_tsv_lines(path: Path) -> list[str]:
    """The lines of a UTF-8 table on disk; defects → :class:`RuleError` naming the file."""
    return parse_lines(_read_bytes(path), path)


def _read_defines(data: dict[str, Any], path: Path | str) -> dict[str, str]:
    defines = data.get("define", {})
    if not isinstance(defines, dict) or not all(isinstance(v, str) for v in defines.values()):
        raise RuleError(path, None, "[define] must map names to pattern strings")
    return dict(defines)


def expand(pattern: str, defines: dict[str, str], *, file: Path | str, rule_id: str | None) -> str:
    """Replace every ``${NAME}`` by its definition, recursively, as a non-capturing group."""

    def expand_one(text: str, stack: tuple[str, ...]) -> str:
        def repl(m: regex.Match) -> str:
            name = m.group(1)
            if name in stack:
                raise RuleError(file, rule_id, f"definition cycle: {' -> '.join(stack + (name,))}")
            if name not in defines:
                raise RuleError(file, rule_id, f"unknown definition ${{{name}}}")
            return "(?:" + expand_one(defines[name], stack + (name,)) + ")"

        return _REF.sub(repl, text)

    return expand_one(pattern, ())


def common_defines(data: dict[str, Any] | None, source: str | Path = COMMON_FILE,
                   units: dict[str, Any] | None = None, units_source: str | Path = UNITS_FILE) -> dict[str, str]:
    """The ``[define]`` table of ``common.toml`` (parsed), shared by every rule file, with the definitions
    derived from ``units.toml`` (parsed; ${UNIT_BASE}); {} without either."""
    common = _read_defines(data, source) if data is not None else {}
    return {**(derived_defines(units, units_source) if units is not None else {}), **common}


def load_common_defines(rules_dir: Path) -> dict[str, str]:
    path, units = Path(rules_dir) / COMMON_FILE, Path(rules_dir) / UNITS_FILE
    return common_defines(read_toml(path) if path.exists() else None, path,
                          read_toml(units) if units.exists() else None, units)


def alternation(words: Any) -> str:
    """A pattern matching any of ``words`` as written, longest first (so 个百分点 is tried before 个)."""
    return "|".join(regex.escape(w) for w in sorted(dict.fromkeys(words), key=len, reverse=True))


def derived_defines(data: dict[str, Any], source: str | Path = UNITS_FILE) -> dict[str, str]:
    """Definitions derived from data files, one source of truth: ${UNIT_BASE} is every unit of units.toml,
    longest first, each with its ``not_before`` guard (个 but not 个人) and, for a unit in Latin letters, no
    letter after it (kW but not kWp); a unit added to units.toml is matched by every rule using it."""
    units = data.get("units", {})
    if not isinstance(units, dict):
        raise RuleError(source, None, "[units] must be a table")
    parts = []
    for form in sorted(units, key=len, reverse=True):       # sorted() is stable: ties keep the file's order
        spec = units[form] if isinstance(units[form], dict) else {}
        guard = spec.get("not_before")
        if guard is not None and not isinstance(guard, str):
            raise RuleError(source, f"units.{form}", "'not_before' must be a pattern string")
        part = regex.escape(form, special_only=True, literal_spaces=True)
        if guard:
            part += f"(?!{guard})"
        elif form[-1:].isascii() and form[-1:].isalpha():
            part += "(?![A-Za-z])"
        parts.append(part)
    per = data.get("per", {})
    if not isinstance(per, dict):
        raise RuleError(source, None, "[per] must be a table")
    return {"UNIT_BASE": "|".join(parts),
            "PER_BASE": "|".join(regex.escape(w) for w in sorted(per, key=len, reverse=True)) or "(?!)"}


def _read_lists(data: dict[str, Any], path: Path) -> dict[str, dict[str, Any]]:
    lists = data.get("words", {})
    if not isinstance(lists, dict):
        raise RuleError(path, None, "[words] must map names to word lists")
    for name, raw in lists.items():
        if not isinstance(raw, dict) or not isinstance(raw.get("words"), list) or not raw["words"] \
                or not all(isinstance(w, str) and w for w in raw["words"]):
            raise RuleError(path, f"words.{name}", "needs 'words', a non-empty list of strings")
        unknown = set(raw) - {"description", "words", "examples", "counterexamples"}
        if unknown:
            raise RuleError(path, f"words.{name}", f"unknown keys {sorted(unknown)}")
    return lists


def _list_rule(name: str, raw: dict[str, Any], path: Path) -> Rule:
    """A word list as a rule matching any of its words: its examples and counterexamples are checked like a
    rule's (an example contains one of the words, a counterexample none)."""
    rule_id = f"words.{name}"
    words = list(dict.fromkeys(raw["words"]))
    pattern = regex.compile(alternation(words))
    examples = _build_examples(raw.get("examples"), path, rule_id, pattern)
    counterexamples = raw.get("counterexamples")
    if not isinstance(counterexamples, list) or not counterexamples \
            or not all(isinstance(c, str) for c in counterexamples):
        raise RuleError(path, rule_id, "needs a non-empty list of 'counterexamples' (strings)")
    return Rule(id=rule_id, description=str(raw.get("description", "")), source=str(path), pattern=pattern,
                attrs={"words": tuple(words)}, examples=examples, counterexamples=tuple(counterexamples))


def compile_common(defines: dict[str, str], pattern: str, flags: int = 0, *,
                   source: str | Path = COMMON_FILE) -> regex.Pattern:
    """``pattern`` with its ``${NAME}``s expanded from ``defines`` (common.toml's and the derived ones),
    compiled: how a module without a rule file of its own (the stages) uses a shared definition such as
    ${OUTLINE_LABEL}."""
    expanded = expand(pattern, defines, file=source, rule_id=None)
    try:
        return regex.compile(expanded, flags)
    except regex.error as exc:
        raise RuleError(source, None, f"pattern {pattern!r} does not compile: {exc}") from exc




def compile_ruleset(data: dict[str, Any], source: str | Path, common: dict[str, str] | None = None) -> RuleSet:
    """Validate and compile one parsed rule file; ``source`` names it in messages (and its stem is the
    set's name). Every rule file of a run goes through here once."""
    path = source
    raw_lists = _read_lists(data, path)
    lists = {name: _list_rule(name, raw, path) for name, raw in raw_lists.items()}
    defines = {**(common or {}), **{name: alternation(r.attrs["words"]) for name, r in lists.items()},
               **_read_defines(data, path)}
    raw_rules = data.get("rule", [])
    if not isinstance(raw_rules, list) or not raw_rules:
        raise RuleError(path, None, "no [[rule]] entries")
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_rules):
        rules.append(_build_rule(raw, index, path, defines, seen))
    meta = data.get("meta", {})
    return RuleSet(name=Path(str(source)).stem, source=str(source), description=str(meta.get("description", "")),
                   rules=tuple(rules), defines=defines, lists=lists)


def load_ruleset(path: Path, common_defines: dict[str, str] | None = None) -> RuleSet:
    """Load, validate and compile one rule file on disk."""
    return compile_ruleset(read_toml(Path(path)), Path(path), common_defines)


def _build_rule(raw: Any, index: int, path: Path, defines: dict[str, str], seen: set[str]) -> Rule:
    if not isinstance(raw, dict):
        raise RuleError(path, f"#{index}", "a [[rule]] entry must be a table")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not rule_id.strip():
        raise RuleError(path, f"#{index}", "missing 'id'")
    if rule_id in seen:
        raise RuleError(path, rule_id, "duplicate rule id")
    seen.add(rule_id)
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise RuleError(path, rule_id, f"unknown keys {sorted(unknown)}; allowed: {sorted(_RULE_KEYS)}")
    for key in ("description", "pattern"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise RuleError(path, rule_id, f"missing '{key}'")
    flags = 0
    for name in raw.get("flags", []):
        if name not in _FLAGS:
            raise RuleError(path, rule_id, f"unknown flag {name!r}; allowed: {sorted(_FLAGS)}")
        flags |= _FLAGS[name]
    source = expand(raw["pattern"], defines, file=path, rule_id=rule_id)
    try:
        pattern = regex.compile(source, flags)
    except regex.error as exc:
        raise RuleError(path, rule_id, f"pattern does not compile: {exc}") from exc
    examples = _build_examples(raw.get("examples"), path, rule_id, pattern)
    counterexamples = raw.get("counterexamples")
    if not isinstance(counterexamples, list) or not counterexamples \
            or not all(isinstance(c, str) for c in counterexamples):
        raise RuleError(path, rule_id, "needs a non-empty list of 'counterexamples' (strings)")
    attrs = raw.get("attrs", {})
    if not isinstance(attrs, dict):
        raise RuleError(path, rule_id, "'attrs' must be a table")
    priority = raw.get("priority", 0)
    if not isinstance(priority, int):
        raise RuleError(path, rule_id, "'priority' must be an integer")
    return Rule(id=rule_id, description=raw["description"], source=str(path), pattern=pattern,
                attrs=dict(attrs), examples=examples, counterexamples=tuple(counterexamples),
                priority=priority)


def _build_examples(raw: Any, path: Path, rule_id: str, pattern: regex.Pattern) -> tuple[RuleExample, ...]:
    if not isinstance(raw, list) or not raw:
        raise RuleError(path, rule_id, "needs a non-empty list of 'examples'")
    examples = []
    for item in raw:
        if isinstance(item, str):
            item = {"text": item}
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise RuleError(path, rule_id, "each example is a string or a table with 'text' (and 'expect')")
        expect = item.get("expect", {})
        if not isinstance(expect, dict):
            raise RuleError(path, rule_id, "'expect' must be a table of group = value")
        missing = [g for g in expect if g not in pattern.groupindex]
        if missing:
            raise RuleError(path, rule_id, f"example expects groups the pattern lacks: {missing}")
        examples.append(RuleExample(text=item["text"], expect={k: str(v) for k, v in expect.items()}))
    return tuple(examples)


# ---------------------------------------------------------------------- what an extractor reads

@dataclass(frozen=True)
class RuleSpec:
    """What an extractor reads from the rules of one role (or kind): attributes and named groups.

    An attribute check is a tuple of allowed values or a type (``str``, ``bool``, ``int``). ``groups``
    must all be named groups of the pattern; of ``groups_any``, at least one set must be. ``check`` is a
    last, rule-specific test returning the reason a rule is unusable, or None.
    """

    attrs: Mapping[str, Any] = field(default_factory=dict)       # required
    optional: Mapping[str, Any] = field(default_factory=dict)
    groups: tuple[str, ...] = ()
    groups_any: tuple[tuple[str, ...], ...] = ()
    check: Callable[[Rule], str | None] | None = None


_TYPE_NAMES = {str: "a string", bool: "true or false", int: "an integer"}


def _check_value(rule: Rule, name: str, value: Any, allowed: Any) -> None:
    if isinstance(allowed, tuple):
        if value not in allowed:
            raise RuleError(rule.source, rule.id, f"attrs.{name} = {value!r} is not one of {list(allowed)}")
    elif not isinstance(value, allowed) or (allowed is int and isinstance(value, bool)):
        raise RuleError(rule.source, rule.id,
                        f"attrs.{name} must be {_TYPE_NAMES.get(allowed, allowed.__name__)}, got {value!r}")


def validate_rule(rule: Rule, key: str, specs: Mapping[str | None, RuleSpec]) -> str | None:
    """Check ``rule`` against the spec of its ``attrs[key]`` (``None`` in ``specs``: rules without it).

    Raises :class:`RuleError` naming the file, the rule and the reason: an unknown or missing ``key``, a
    missing attribute, a value outside its allowed set, an attribute the extractor does not read (a typo
    would be ignored silently), a named group the extractor reads that the pattern lacks. Returns
    ``attrs[key]``.
    """
    value = rule.attrs.get(key)
    if value not in specs:
        known = sorted(str(k) for k in specs if k is not None)
        if value is None:
            raise RuleError(rule.source, rule.id, f"needs attrs.{key}, one of {known}")
        also = f" (or no attrs.{key})" if None in specs else ""
        raise RuleError(rule.source, rule.id, f"attrs.{key} = {value!r} is not one of {known}{also}")
    spec = specs[value]
    what = f"a {value!r} rule" if value is not None else f"a rule without attrs.{key}"
    for name, allowed in spec.attrs.items():
        if name not in rule.attrs:
            raise RuleError(rule.source, rule.id, f"{what} needs attrs.{name}")
        _check_value(rule, name, rule.attrs[name], allowed)
    for name, allowed in spec.optional.items():
        if name in rule.attrs:
            _check_value(rule, name, rule.attrs[name], allowed)
    unknown = sorted(set(rule.attrs) - {key} - set(spec.attrs) - set(spec.optional))
    if unknown:
        allowed_names = sorted({key} | set(spec.attrs) | set(spec.optional)) if value is not None \
            else sorted(set(spec.attrs) | set(spec.optional))
        raise RuleError(rule.source, rule.id, f"unknown attrs {unknown} for {what}; allowed: {allowed_names}")
    names = rule.pattern.groupindex
    missing = [g for g in spec.groups if g not in names]
    if missing:
        raise RuleError(rule.source, rule.id, f"{what} needs the named group(s) {missing} in its pattern")
    if spec.groups_any and not any(all(g in names for g in option) for option in spec.groups_any):
        options = " or ".join(str(list(option)) for option in spec.groups_any)
        raise RuleError(rule.source, rule.id, f"{what} needs the named group(s) {options} in its pattern")
    if spec.check is not None:
        reason = spec.check(rule)
        if reason:
            raise RuleError(rule.source, rule.id, reason)
    return value


def group_rules(rules: Any, key: str, specs: Mapping[str | None, RuleSpec]) -> dict[str | None, list[Rule]]:
    """Every rule checked with :func:`validate_rule`, grouped by its ``attrs[key]`` (role or kind), in file
    order: how an extractor dispatches rules by what they do rather than by their ids."""
    grouped: dict[str | None, list[Rule]] = {}
    for rule in rules:
        grouped.setdefault(validate_rule(rule, key, specs), []).append(rule)
    return grouped


def check_rule(rule: Rule) -> list[str]:
    """Run a rule's own examples and counterexamples; return one message per failure."""
    failures = []
    for example in rule.examples:
        matches = list(rule.finditer(example.text))
        if not matches:
            failures.append(f"{rule.source}, rule '{rule.id}': example does not match: {example.text!r}")
        elif example.expect and not any(
                all(m.group(g) == v for g, v in example.expect.items()) for m in matches):
            got = [{g: m.group(g) for g in example.expect} for m in matches]
            failures.append(f"{rule.source}, rule '{rule.id}': example {example.text!r} "
                            f"expected {example.expect}, got {got}")
    for text in rule.counterexamples:
        m = rule.search(text)
        if m is not None:
            failures.append(f"{rule.source}, rule '{rule.id}': counterexample matches "
                            f"{m.group(0)!r} in {text!r}")
    return failures


def is_rule_file(name: str, data: dict[str, Any]) -> bool:
    """A rule file has a [[rule]] table; other TOML files of ``rules/`` are data (vocabulary, words)."""
    return name.endswith(".toml") and "/" not in name and name != COMMON_FILE and "rule" in data


def load_rules_dir(rules_dir: Path) -> dict[str, RuleSet]:
    """Every rule file in ``rules_dir`` (files with a [[rule]] table), by file stem."""
    rules_dir = Path(rules_dir)
    common = load_common_defines(rules_dir)
    sets: dict[str, RuleSet] = {}
    for path in sorted(rules_dir.glob("*.toml")):
        data = read_toml(path)
        if is_rule_file(path.name, data):
            sets[path.stem] = compile_ruleset(data, path, common)
    return sets


def rules_fingerprint(rules_dir: Path) -> str:
    """SHA-256 over every file below ``rules_dir`` (names and bytes): any edit changes it."""
    digest = hashlib.sha256()
    root = Path(rules_dir)
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()
