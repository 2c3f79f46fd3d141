"""The rule book: every file of a rules folder, read once, immutable and serializable.

A run reads ``--rules`` into one :class:`RuleBook` and hands it to every worker (pickled to a process or a
Dask worker on another machine), so no worker reads a path that exists only where the run started. The
book holds the files' bytes; parsed and compiled views are built from them where they are used.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Mapping


@dataclass(frozen=True)
class RuleBook:
    files: Mapping[str, bytes]          # relative POSIX path → bytes, every file below the folder
    origin: str = ""                    # the folder it was read from, for messages only
    fingerprint: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "files", MappingProxyType(dict(sorted(self.files.items()))))
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

    def __reduce__(self):   # MappingProxyType does not pickle: send a plain dict
        return (RuleBook, (dict(self.files), self.origin, self.fingerprint))

    def text(self, name: str) -> str:
        try:
            return self.files[name].decode("utf-8")
        except KeyError:
            raise FileNotFoundError(f"{self.origin or 'rule book'}: no file {name}") from None

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
