"""Export stage: tables to parquet and the run manifest, written atomically.

Every file is written to a temporary name in the output folder and renamed
over the old one (``os.replace`` is atomic on POSIX), so an interrupted run
leaves the previous outputs readable. The manifest is written last: it
describes a complete set of tables.
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
