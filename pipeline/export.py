"""Export stage: tables to parquet and the run manifest, written atomically.

Every file is written to a temporary name in the output folder and renamed
over the old one (``os.replace`` is atomic on POSIX), so an interrupted run
leaves the previous outputs readable. The tables of a run are renamed into
place one after another only once every one is complete, so only an
interruption inside that loop of renames (microseconds) can mix two runs; the
manifest, written last, gives each table's row count, against which a reader
can check the set.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Callable

import pyarrow as pa
import pyarrow.parquet as pq


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp_path)`` then move the finished file into ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
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
                 to_table: Callable[[str, list[Any]], pa.Table], *, chunk_rows: int = 2_000,
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
        self._tmp: dict[str, Path] = {}
        self._writers: dict[str, pq.ParquetWriter] = {}
        for name, schema in schemas.items():
            fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.parquet.", suffix=".tmp", dir=self.output_dir)
            os.close(fd)
            self._tmp[name] = Path(tmp_name)
            self._writers[name] = pq.ParquetWriter(tmp_name, schema, compression="zstd", store_schema=True)

    def add(self, name: str, rows: list[Any]) -> None:
        if not rows:
            return
        self._rows[name].extend(rows)
        self.counts[name] += len(rows)
        if len(self._rows[name]) >= self.chunk_rows:
            self._convert(name)

    def _convert(self, name: str) -> None:
        if self._rows[name]:
            self._chunks[name].append(self.to_table(name, self._rows[name]))
            self._rows[name] = []
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
            os.replace(self._tmp[name], self.output_dir / f"{name}.parquet")
        self._tmp.clear()

    def abort(self) -> None:
        for writer in self._writers.values():
            try:
                writer.close()
            except Exception:  # already closed or broken: the temp file goes anyway
                pass
        for tmp in self._tmp.values():
            tmp.unlink(missing_ok=True)
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
