"""Export stage: tables to parquet and the run manifest, written atomically.

Every file is written to a temporary name in the output folder and renamed
over the old one (``os.replace`` is atomic on POSIX), so an interrupted run
leaves the previous outputs readable. The tables of a run are renamed into
place one after another only once every one is complete, so only an
interruption inside that loop of renames (microseconds) can mix two runs; the
manifest, written last, gives each table's row count, against which a reader
can check the set.

Where the system allows (Linux, ``O_TMPFILE``), a file being written has no
name at all until it is committed: a run killed with ``kill -9`` leaves
nothing behind in the output folder. Elsewhere it is a hidden ``.*.tmp``
file, removed on any exception or signal the process can catch.
"""
from __future__ import annotations

import ctypes
import json
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterable

import pyarrow as pa
import pyarrow.parquet as pq

_AT_FDCWD, _AT_SYMLINK_FOLLOW = -100, 0x400


class StagedFile:
    """A file written under ``path`` (a name to write to) that appears as ``target`` only on :meth:`commit`.

    Anonymous (``O_TMPFILE``, written through ``/proc/self/fd/N``) when the system allows, so that not even
    ``kill -9`` leaves a temporary file; else a hidden named temporary file next to the target."""

    def __init__(self, target: Path, named: bool = False):
        self.target = Path(target)
        self._fd: int | None = None
        try:
            if named:
                raise OSError("a named temporary file was asked for")
            self._fd = os.open(self.target.parent, os.O_TMPFILE | os.O_WRONLY, 0o644)
            self.path = Path(f"/proc/self/fd/{self._fd}")
            self._libc = ctypes.CDLL(None, use_errno=True)
        except (AttributeError, OSError):    # no O_TMPFILE here (or no /proc): a named temporary file
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
            fd, name = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".tmp", dir=self.target.parent)
            os.close(fd)
            self.path = Path(name)

    def commit(self) -> None:
        if self._fd is None:
            os.replace(self.path, self.target)
            return
        # linkat cannot replace a file: link under a fresh hidden name, then rename over the target
        while True:
            visible = self.target.parent / f".{self.target.name}.{secrets.token_hex(6)}.tmp"
            if self._libc.linkat(_AT_FDCWD, str(self.path).encode(), _AT_FDCWD, str(visible).encode(),
                                 _AT_SYMLINK_FOLLOW) == 0:
                break
            err = ctypes.get_errno()
            if err != 17:   # EEXIST: try another name
                raise OSError(err, os.strerror(err), str(visible))
        try:
            os.replace(visible, self.target)
        except BaseException:
            visible.unlink(missing_ok=True)
            raise
        self.discard()

    def discard(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        elif self.path.name.endswith(".tmp"):
            self.path.unlink(missing_ok=True)


def write_atomically(path: Path, write: Callable[[Path], None], named: bool = False) -> None:
    """Call ``write(tmp_path)`` then move the finished file into ``path``. ``named``: ``tmp_path`` is a real
    name in the folder (for writers that create side files or replace the file themselves, like DuckDB)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = StagedFile(path, named)
    try:
        write(staged.path)
        staged.commit()
    except BaseException:
        staged.discard()
        raise


def write_table(table: pa.Table, path: Path) -> None:
    # Fixed writer options keep the bytes identical from run to run.
    write_atomically(path, lambda tmp: pq.write_table(table, tmp, compression="zstd",
                                                      write_statistics=True, store_schema=True))


def write_json(data: Any, path: Path) -> None:
    def write(tmp: Path) -> None:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False, default=str) + "\n",
                       encoding="utf-8")

    write_atomically(path, write)


def write_text(text: str, path: Path) -> None:
    write_atomically(path, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))


CHUNK_ROWS = 2_000     # rows converted to Arrow at a time


def pack_tables(tables: dict[str, list[Any]], to_table: Callable[[str, list[Any]], pa.Table],
                names: Iterable[str], min_rows: int = CHUNK_ROWS) -> dict[str, list[Any] | pa.Table]:
    """One document's rows with each of the tables ``names`` that has ``min_rows`` rows or more converted
    to Arrow, for :meth:`StreamingTables.add`. The run converts a result this way as soon as it arrives,
    so a document with hundreds of thousands of rows that finishes while the run still waits for one
    before it is converted in that wait, not after it."""
    convert = set(names)
    return {name: to_table(name, rows) if name in convert and isinstance(rows, list) and len(rows) >= min_rows
            else rows for name, rows in tables.items()}


class StreamingTables:
    """One parquet writer per table, fed document by document, flushed in row groups.

    Rows (dataclass instances) are collected and converted to Arrow in chunks
    of ``chunk_rows`` (converting per document costs more than the extraction
    of a small one); Arrow chunks are written as a row group once a table holds
    ``row_group_rows`` rows or ``row_group_bytes`` bytes, so memory is bounded
    by the buffers, not by the corpus. Boundaries depend only on row counts and
    sizes, so the files are the same whichever engine produced the rows. Files
    go to temporary names; :meth:`commit` moves them all into place, and an
    exception (or an interrupted run) leaves the previous outputs untouched.
    """

    def __init__(self, output_dir: Path, schemas: dict[str, pa.Schema],
                 to_table: Callable[[str, list[Any]], pa.Table], *, chunk_rows: int = CHUNK_ROWS,
                 row_group_rows: int = 50_000, row_group_bytes: int = 64 << 20):
        self.output_dir = Path(output_dir)
        self.output_dir.mkdir(parents=True, exist_ok=True)
        self.schemas = schemas
        self.to_table = to_table
        self.chunk_rows = chunk_rows
        self.row_group_rows = row_group_rows
        self.row_group_bytes = row_group_bytes
        self.counts = {name: 0 for name in schemas}
        self._rows: dict[str, list[Any]] = {name: [] for name in schemas}
        self._chunks: dict[str, list[pa.Table]] = {name: [] for name in schemas}
        self._tmp: dict[str, StagedFile] = {}
        self._writers: dict[str, pq.ParquetWriter] = {}
        try:
            for name, schema in schemas.items():
                self._tmp[name] = StagedFile(self.output_dir / f"{name}.parquet")
                self._writers[name] = pq.ParquetWriter(str(self._tmp[name].path), schema, compression="zstd",
                                                       store_schema=True)
        except BaseException:
            self.abort()
            raise

    def add(self, name: str, rows: list[Any] | pa.Table) -> None:
        """Append one document's rows of table ``name``: row objects, or a table of the schema that
        :func:`pack_tables` made of them (which lands in the same row groups)."""
        if isinstance(rows, pa.Table):
            if not rows.num_rows:
                return
            if self._rows[name]:        # the rows before it keep their place
                self._chunks[name].append(self.to_table(name, self._rows[name]))
                self._rows[name] = []
            self._chunks[name].append(rows)
            self.counts[name] += rows.num_rows
            self._flush_if_full(name)
            return
        if not rows:
            return
        self._rows[name].extend(rows)
        self.counts[name] += len(rows)
        if len(self._rows[name]) >= self.chunk_rows:
            self._chunks[name].append(self.to_table(name, self._rows[name]))
            self._rows[name] = []
            self._flush_if_full(name)

    def _flush_if_full(self, name: str) -> None:
        chunks = self._chunks[name]
        if (sum(c.num_rows for c in chunks) >= self.row_group_rows
                or sum(c.nbytes for c in chunks) >= self.row_group_bytes):
            self._flush(name)

    def _flush(self, name: str) -> None:
        if self._rows[name]:
            self._chunks[name].append(self.to_table(name, self._rows[name]))
            self._rows[name] = []
        if self._chunks[name]:
            table = pa.concat_tables(self._chunks[name])
            self._writers[name].write_table(table, row_group_size=max(table.num_rows, 1))
            self._chunks[name] = []

    def commit(self) -> None:
        for name in self.schemas:
            self._flush(name)
            self._writers[name].close()
        for name in self.schemas:
            self._tmp.pop(name).commit()

    def abort(self) -> None:
        for writer in self._writers.values():
            try:
                writer.close()
            except Exception:  # already closed or broken: the temp file goes anyway
                pass
        for staged in self._tmp.values():
            staged.discard()
        self._tmp.clear()

    def __enter__(self) -> "StreamingTables":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is not None:
            self.abort()
            return
        try:
            self.commit()
        except BaseException:  # interrupted while writing the last row groups
            self.abort()
            raise
