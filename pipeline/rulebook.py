"""The rule book: every file of a rules folder, read once, immutable and serializable.

A run reads ``--rules`` into one :class:`RuleBook` and hands it to every worker (pickled to a process or a
Dask worker on another machine), so no worker reads a path that exists only where the run started. The
book holds the files' bytes; parsed and compiled views (``toml``, ``tsv_lines``, ``ruleset``, and what each
reader builds with ``view``) are built on demand and kept per book: each rule file is compiled once per
process, however many readers use it. The views are not pickled; a worker rebuilds them once from the bytes.

:meth:`RuleBook.load` reads a folder and validates everything a run reads — every rule file, every TOML and
table, and what each stage and extractor builds from them — raising :class:`RuleError` naming the file.
Readers (``stages/``, ``extract/``) take the book as a :class:`~pipeline.extract.rules.RuleSource` and never
import this module, so it may build them all; :func:`default_book` (the package's own ``rules/``) is the one
place a default is loaded, for convenience APIs above the stages.
"""
from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Hashable, Mapping, TypeVar

from .extract import rules as engine
from .extract.rules import COMMON_FILE, UNITS_FILE, RuleError, RuleSet

T = TypeVar("T")


@dataclass(frozen=True)
class RuleBook:
    files: Mapping[str, bytes]          # relative POSIX path → bytes, every file below the folder
    origin: str = ""                    # the folder it was read from, for messages only
    fingerprint: str = field(default="", compare=False)
    # parsed and compiled views by key, built on demand; not pickled (see __reduce__)
    _views: dict = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "files", MappingProxyType(dict(sorted(self.files.items()))))
        object.__setattr__(self, "_views", {})
        if not self.fingerprint:
            object.__setattr__(self, "fingerprint", _fingerprint(self.files))

    @classmethod
    def from_dir(cls, rules_dir: Path) -> "RuleBook":
        root = Path(rules_dir)
        if not root.is_dir():
            raise FileNotFoundError(f"rules folder {root} does not exist")
        files = {p.relative_to(root).as_posix(): p.read_bytes()
                 for p in sorted(root.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}
        return cls(files=files, origin=str(root))

    @classmethod
    def load(cls, rules_dir: Path) -> "RuleBook":
        """Read ``rules_dir`` and validate everything a run reads (:meth:`validate`)."""
        try:
            book = cls.from_dir(rules_dir)
        except FileNotFoundError as exc:
            raise RuleError(rules_dir, None, str(exc)) from exc
        book.validate()
        return book

    def validate(self) -> None:
        """Parse every TOML and table, compile every rule file, and build what the stages (boilerplate,
        header words, sites, places, divisions) and the extractors (units, aliases, gazetteers, spaCy
        pipeline) read: a defect raises :class:`RuleError` naming the file, before any document. What is
        built stays in the book's views, so the run that follows reuses it."""
        from .extract import Extractors  # readers never import this module: no cycle
        from .stages.data import StageData
        for name in self.files:
            if name.endswith(".toml"):
                self.toml(name)
            elif name.endswith((".tsv", ".csv")):
                self.tsv_lines(name)
        self.rulesets()
        StageData.from_rulebook(self)
        Extractors.from_rulebook(self)

    def __reduce__(self):   # MappingProxyType does not pickle: send a plain dict
        return (RuleBook, (dict(self.files), self.origin, self.fingerprint))   # views are rebuilt

    def text(self, name: str) -> str:
        try:
            return self.files[name].decode("utf-8")
        except KeyError:
            raise FileNotFoundError(f"{self.origin or 'rule book'}: no file {name}") from None

    # ------------------------------------------------------------------ views (RuleSource)

    def source(self, name: str) -> str:
        """The file as messages name it: the folder it came from and its name (``rules/targets.toml``)."""
        return str(Path(self.origin) / name) if self.origin else name

    def has(self, name: str) -> bool:
        return name in self.files

    def names(self, under: str = "", suffix: str = "") -> list[str]:
        """Files directly in the folder ``under`` ("" for the top) whose names end with ``suffix``, sorted."""
        prefix = f"{under.rstrip('/')}/" if under else ""
        return [n for n in self.files if n.startswith(prefix) and "/" not in n[len(prefix):]
                and n.endswith(suffix)]

    def view(self, key: Hashable, build: Callable[[], T]) -> T:
        """``build()``, once per book and key: a reader keeps what it compiles from the book here."""
        try:
            return self._views[key]
        except KeyError:
            value = self._views[key] = build()
            return value

    def _data(self, name: str) -> bytes:
        try:
            return self.files[name]
        except KeyError:
            raise RuleError(self.source(name), None, "missing: the rules folder has no such file") from None

    def toml(self, name: str) -> dict[str, Any]:
        """The parsed TOML file (shared: read it, do not change it)."""
        return self.view(("toml", name), lambda: engine.parse_toml(self._data(name), self.source(name)))

    def tsv_lines(self, name: str) -> list[str]:
        """The lines of a UTF-8 table (shared: read them, do not change them)."""
        return self.view(("lines", name), lambda: engine.parse_lines(self._data(name), self.source(name)))

    def common_defines(self) -> dict[str, str]:
        """common.toml's definitions and those derived from data files (${UNIT_BASE} from units.toml)."""
        return self.view("common", lambda: engine.common_defines(
            self.toml(COMMON_FILE) if self.has(COMMON_FILE) else None, self.source(COMMON_FILE),
            self.toml(UNITS_FILE) if self.has(UNITS_FILE) else None, self.source(UNITS_FILE)))

    def compile_common(self, pattern: str, flags: int = 0):
        """``pattern`` with common ``${NAME}``s expanded, compiled once per book (a stage's shared pattern)."""
        return self.view(("common-pattern", pattern, flags), lambda: engine.compile_common(
            self.common_defines(), pattern, flags, source=self.source(COMMON_FILE)))

    def ruleset(self, stem: str) -> RuleSet:
        """The rule file ``<stem>.toml``, validated and compiled with ``common.toml``'s definitions."""
        name = f"{stem}.toml"
        return self.view(("ruleset", stem), lambda: engine.compile_ruleset(
            self.toml(name), self.source(name), self.common_defines()))

    def rulesets(self) -> dict[str, RuleSet]:
        """Every rule file of the folder (a TOML file with [[rule]] entries), by stem."""
        return {name[:-5]: self.ruleset(name[:-5]) for name in self.names(suffix=".toml")
                if engine.is_rule_file(name, self.toml(name))}

    def materialize(self, dest: Path) -> Path:
        """Write the files below ``dest`` (for code that still reads a folder); returns ``dest``."""
        dest = Path(dest)
        for name, data in self.files.items():
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return dest


def _fingerprint(files: Mapping[str, bytes]) -> str:
    """SHA-256 over names and bytes; equals ``rules_fingerprint`` of the folder the files came from."""
    digest = hashlib.sha256()
    for name, data in files.items():
        digest.update(name.encode() + b"\0" + data + b"\0")
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def default_book() -> RuleBook:
    """The package's own ``rules/``, loaded and validated once per process: the one default, for
    convenience APIs (the report, tests); a run reads its ``--rules`` instead."""
    from . import DEFAULT_RULES_DIR
    return RuleBook.load(DEFAULT_RULES_DIR)
