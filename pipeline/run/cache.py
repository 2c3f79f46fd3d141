"""Per-document result cache that makes re-runs incremental.

A result is reused only when the input's path and SHA-256, the rules
fingerprint and the pipeline version are all unchanged: editing any rule
file or upgrading the pipeline re-processes everything. The version includes
a hash of the package's own source (:func:`code_fingerprint`), so an edited
module between releases cannot serve stale rows, and the versions of the
libraries whose output the rows depend on (:data:`RESULT_LIBRARIES`), so an
upgraded jieba or OpenCC re-processes too. Entries live in
``<output>/.cache/`` and entries no input used in a run are pruned after it,
so removed inputs disappear.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import os
import pickle
import tempfile
from pathlib import Path

from ..tables.rows import DocumentResult

CACHE_DIRNAME = ".cache"
# Libraries whose behaviour shapes the rows: segmentation, script conversion, matching, parsing of inputs.
RESULT_LIBRARIES = ("jieba", "opencc", "spacy", "regex", "lxml", "pdfminer.six", "python-docx")


def code_fingerprint() -> str:
    """SHA-256 over the pipeline package's Python sources (relative path and bytes) and the versions of
    RESULT_LIBRARIES."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    for name in RESULT_LIBRARIES:
        digest.update(f"{name}={_version(name)}\0".encode())
    return digest.hexdigest()


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class ResultCache:
    def __init__(self, output_dir: Path, rules_fingerprint: str, pipeline_version: str):
        self.dir = Path(output_dir) / CACHE_DIRNAME
        self.dir.mkdir(parents=True, exist_ok=True)
        self._salt = f"{pipeline_version}\0{rules_fingerprint}\0"
        self._used: set[str] = set()

    def key(self, source_path: str, sha256: str) -> str:
        return hashlib.sha256(f"{self._salt}{source_path}\0{sha256}".encode()).hexdigest()

    def has(self, key: str) -> bool:
        return (self.dir / f"{key}.pickle").is_file()

    def get(self, key: str) -> DocumentResult | None:
        path = self.dir / f"{key}.pickle"
        try:
            with open(path, "rb") as fh:
                result = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None  # absent or unreadable: recompute
        self._used.add(key)
        return result if isinstance(result, DocumentResult) else None

    def put(self, key: str, result: DocumentResult) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.dir, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.dir / f"{key}.pickle")
        self._used.add(key)

    def prune(self) -> int:
        """Delete entries this run did not use; returns how many."""
        removed = 0
        for path in self.dir.glob("*"):
            if path.stem not in self._used:
                path.unlink(missing_ok=True)
                removed += 1
        return removed
