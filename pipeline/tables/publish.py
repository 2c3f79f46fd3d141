"""The extracted tables in the forms researchers load them: DuckDB, Excel, a data dictionary.

All three are derived from the committed parquet tables of an output folder
(never from the run's memory), and each file is written to a temporary name
and renamed into place, so a reader never sees half a file.

- ``policy.duckdb``: one self-contained database file. The rows are stored in
  tables of the schema ``data``; the main schema has one view per table
  (``SELECT * FROM data.<table>``) carrying the column comments. Queries use
  the plain names (``FROM targets``). Nothing points outside the file, so it
  keeps working when the folder is moved or the parquet files are deleted,
  and the views are the stable surface if the storage ever changes.
- ``policy.xlsx``: one sheet per table, for spreadsheet users. Excel holds at
  most 32,767 characters per cell; longer values (``documents.text``) are cut
  with a marker, and a ``notes`` sheet lists every cut cell and replaced
  character.
- ``DATA_DICTIONARY.md``: every column of every table with its type,
  nullability and meaning, from the table registry (``pipeline.tables.registry``).

Each takes the ``registry`` whose tables it publishes (the contract's by default).
"""
from __future__ import annotations

import datetime as dt
import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from .export import write_atomically
from .registry import CONTRACT, Registry

DUCKDB_NAME = "policy.duckdb"
XLSX_NAME = "policy.xlsx"
DICTIONARY_NAME = "DATA_DICTIONARY.md"

EXCEL_MAX_CELL = 32_767
EXCEL_MAX_ROWS = 1_048_576  # including the header row
TRUNCATION_MARKER = "…[truncated by policy.xlsx: {kept} of {total} characters; full value in {table}.parquet]"


def _check_tables(output_dir: Path, registry: Registry) -> None:
    """Every table of a run is there: a missing file is an error, never an empty table (that would publish
    no rows for a table the run did not write). Checked before anything is written."""
    for name in registry.schemas:
        path = output_dir / f"{name}.parquet"
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing: run `python -m pipeline extract` into {output_dir} first")


def _read_table(output_dir: Path, name: str) -> pa.Table:
    return pq.read_table(output_dir / f"{name}.parquet")


_GLOB_CHARACTERS = set("*?[]{}")


def _load_table(cursor: Any, output_dir: Path, name: str) -> None:
    """Copy ``name``.parquet into table ``data.name`` of the DuckDB file (``cursor``: one of its
    connection's cursors). DuckDB's own parquet reader: the same types and values as the Arrow table,
    without building it in Python first."""
    path = output_dir / f"{name}.parquet"
    try:
        if _GLOB_CHARACTERS & set(str(path)):    # read_parquet would take the path for a pattern
            cursor.register("incoming", _read_table(output_dir, name))
            cursor.execute(f'CREATE TABLE data."{name}" AS SELECT * FROM incoming')
            cursor.unregister("incoming")
        else:
            cursor.execute(f'CREATE TABLE data."{name}" AS SELECT * FROM read_parquet({_sql_str(path)})')
    finally:
        cursor.close()


# --- data dictionary --------------------------------------------------------------------------

def _md_cell(text: str) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def data_dictionary_markdown(registry: Registry = CONTRACT) -> str:
    """The data dictionary as Markdown: one table per output table."""
    lines = ["# Data dictionary", "",
             "Generated from `pipeline/tables/schema.py` (the pyarrow schemas and `COLUMN_DOCS`); the contract is "
             "`SCHEMA.md`. Types are Arrow types as stored in the parquet files. All `char_start`/`char_end` "
             "are Python string indices into `documents.text`.", ""]
    for table in registry.tables:
        name, schema = table.name, table.schema
        lines += [f"## {name}", "", f"`{name}.parquet`, the `{name}` view of `{DUCKDB_NAME}`, "
                                    f"the `{name}` sheet of `{XLSX_NAME}`.", "",
                  "| column | type | nullable | meaning |", "|---|---|---|---|"]
        for f in schema:
            lines.append(f"| `{f.name}` | `{f.type}` | {'yes' if f.nullable else 'no'} | "
                         f"{_md_cell(table.docs[f.name])} |")
        lines.append("")
    return "\n".join(lines)


def write_data_dictionary(output_dir: Path, registry: Registry = CONTRACT) -> Path:
    path = Path(output_dir) / DICTIONARY_NAME
    write_atomically(path, lambda tmp: tmp.write_text(data_dictionary_markdown(registry), encoding="utf-8"))
    return path


# --- DuckDB -----------------------------------------------------------------------------------

def _sql_str(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def write_duckdb(output_dir: Path, path: Path | None = None, registry: Registry = CONTRACT) -> Path:
    """Write ``policy.duckdb``: tables in schema ``data``, one view per table in ``main``."""
    import duckdb

    output_dir = Path(output_dir)
    _check_tables(output_dir, registry)
    path = Path(path) if path else output_dir / DUCKDB_NAME
    manifest = {}
    if (output_dir / "manifest.json").exists():
        manifest = json.loads((output_dir / "manifest.json").read_text(encoding="utf-8"))

    def write(tmp: Path) -> None:
        tmp.unlink()  # duckdb wants to create the file itself
        con = duckdb.connect(str(tmp))
        try:
            con.execute("SET preserve_insertion_order = true")  # row order as in the parquet files
            con.execute("SET enable_progress_bar = false")
            con.execute("CREATE SCHEMA data")
            # the tables are loaded two at a time, largest first: the load of a large table is mostly one
            # thread's work (it keeps the rows in order), so a second load beside it nearly halves the time
            names = sorted((t.name for t in registry.tables),
                           key=lambda n: -(output_dir / f"{n}.parquet").stat().st_size)
            with ThreadPoolExecutor(max_workers=2) as pool:
                for loaded in [pool.submit(_load_table, con.cursor(), output_dir, n) for n in names]:
                    loaded.result()
            for table in registry.tables:
                name, schema = table.name, table.schema
                con.execute(f'CREATE VIEW main."{name}" AS SELECT * FROM data."{name}"')
                con.execute(f'COMMENT ON VIEW main."{name}" IS '
                            + _sql_str(f"{name}: rows of {name}.parquet (stored in data.{name})"))
                for f in schema:
                    doc = _sql_str(table.docs[f.name])
                    con.execute(f'COMMENT ON COLUMN data."{name}"."{f.name}" IS {doc}')
                    con.execute(f'COMMENT ON COLUMN main."{name}"."{f.name}" IS {doc}')
            con.execute("CREATE TABLE data.about (key VARCHAR, value VARCHAR)")
            about = [("pipeline_version", manifest.get("pipeline_version")),
                     ("rules_fingerprint", manifest.get("rules_fingerprint")),
                     ("run_finished", manifest.get("run_finished")),
                     ("layout", "rows in schema data; one view per table in main; see DATA_DICTIONARY.md")]
            con.executemany("INSERT INTO data.about VALUES (?, ?)", [(k, str(v) if v is not None else None)
                                                                     for k, v in about])
            con.execute("CHECKPOINT")
        finally:
            con.close()
        wal = Path(str(tmp) + ".wal")
        wal.unlink(missing_ok=True)

    write_atomically(path, write, named=True)
    return path


# --- Excel ------------------------------------------------------------------------------------

def _excel_value(value: Any, table: str, column: str, row_number: int, notes: list[list[Any]]) -> Any:
    """A value Excel can hold: XML-illegal characters replaced, long text cut with a marker."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, list):
        value = "; ".join("" if v is None else str(v) for v in value)
    if not isinstance(value, str):
        return value
    cleaned, n_illegal = ILLEGAL_CHARACTERS_RE.subn("\ufffd", value)
    if n_illegal:
        notes.append([table, row_number, column, "illegal_characters",
                      f"{n_illegal} character(s) not allowed in XML replaced by U+FFFD"])
    if len(cleaned) > EXCEL_MAX_CELL:
        total = len(cleaned)
        keep = EXCEL_MAX_CELL - len(TRUNCATION_MARKER.format(kept=EXCEL_MAX_CELL, total=total, table=table))
        marker = TRUNCATION_MARKER.format(kept=keep, total=total, table=table)
        cleaned = cleaned[:keep] + marker
        notes.append([table, row_number, column, "truncated",
                      f"{total} characters; the first {keep} kept (Excel's limit is {EXCEL_MAX_CELL} per cell)"])
    return cleaned


def _text_cell(ws: Any, value: str) -> Any:
    """A cell that stays text: openpyxl would otherwise store '=…' as a formula."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    return cell


def _fix_zip_times(path: Path) -> None:
    """Rewrite the workbook with fixed timestamps (openpyxl stamps the current time in two places)."""
    import zipfile

    with zipfile.ZipFile(path) as src:
        members = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info, data in members:
            if info.filename == "docProps/core.xml":  # openpyxl stamps "modified" with the time of saving
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>2000-01-01T00:00:00Z\g<2>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, data)


def write_xlsx(output_dir: Path, path: Path | None = None, registry: Registry = CONTRACT) -> dict[str, Any]:
    """Write ``policy.xlsx``: one sheet per table and a ``notes`` sheet."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    output_dir = Path(output_dir)
    _check_tables(output_dir, registry)
    path = Path(path) if path else output_dir / XLSX_NAME
    notes: list[list[Any]] = []
    sheets: dict[str, int] = {}

    def write(tmp: Path) -> None:
        wb = Workbook(write_only=True)
        bold = Font(bold=True)
        for name, schema in registry.schemas.items():
            table = _read_table(output_dir, name)
            columns = [f.name for f in schema]
            per_sheet = EXCEL_MAX_ROWS - 1
            chunks = max(1, -(-table.num_rows // per_sheet))
            for part in range(chunks):
                title = name if part == 0 else f"{name}_{part + 1}"
                ws = wb.create_sheet(title)
                header = []
                for c in columns:
                    cell = WriteOnlyCell(ws, value=c)
                    cell.font = bold
                    header.append(cell)
                ws.append(header)
                ws.freeze_panes = "A2"
                rows = table.slice(part * per_sheet, per_sheet).to_pylist()
                for i, row in enumerate(rows):
                    excel_row = i + 2
                    values = [_excel_value(row[c], title, c, excel_row, notes) for c in columns]  # notes name the sheet
                    ws.append([_text_cell(ws, v) if isinstance(v, str) and v.startswith("=") else v
                               for v in values])
                sheets[title] = len(rows)
                if part:
                    notes.append([name, None, None, "split",
                                  f"more than {per_sheet} rows: continued on sheet {title}"])
        ws = wb.create_sheet("notes")
        ws.append(["sheet", "row", "column", "kind", "note"])
        ws.append(["*", None, None, "about",
                   "One sheet per table of the extracted data; the parquet files and policy.duckdb are the "
                   "complete data. List columns (targets.qualifiers) are joined with '; '. Offsets index the "
                   "full documents.text, which is cut in this workbook when longer than Excel's "
                   f"{EXCEL_MAX_CELL} characters per cell."])
        for note in notes:
            ws.append(note)
        wb.properties.creator = "policy-extract"
        fixed = dt.datetime(2000, 1, 1)  # fixed stamps: the same tables give the same bytes
        wb.properties.created = fixed
        wb.properties.modified = fixed
        wb.save(tmp)
        _fix_zip_times(tmp)

    write_atomically(path, write, named=True)
    return {"path": str(path), "sheets": sheets, "notes": notes}


def publish(output_dir: Path, registry: Registry = CONTRACT) -> list[Path]:
    """What ``extract`` ships beside the parquet tables: the DuckDB file and the data dictionary."""
    output_dir = Path(output_dir)
    return [write_duckdb(output_dir, registry=registry), write_data_dictionary(output_dir, registry)]
