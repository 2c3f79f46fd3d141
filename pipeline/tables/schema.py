"""The pyarrow schemas of the output tables (the contract in SCHEMA.md), derived from the registry.

Column order, types, meanings and closed value sets are declared once, on the row dataclasses of
``pipeline.tables.rows`` (field metadata), and the tables in ``pipeline.tables.registry.CONTRACT``; the names
here are views of them for the modules that read the contract (loaders check rule attributes against
``ENUMS``, publish and report print ``COLUMN_DOCS``).
"""
from __future__ import annotations

from typing import Any, Iterable

import pyarrow as pa

from .registry import CONTRACT

SCHEMAS: dict[str, pa.Schema] = CONTRACT.schemas
# Closed value sets of SCHEMA.md (the backquoted words of a column's meaning, when the list has no "…").
# Rule loaders validate rule attributes against these, and to_table rejects anything else: a value outside
# the contract never reaches a parquet file. null stays allowed where the column is nullable.
ENUMS: dict[str, dict[str, tuple[str, ...]]] = {t.name: t.enums for t in CONTRACT.tables if t.enums}
COLUMN_DOCS: dict[str, dict[str, str]] = {t.name: t.docs for t in CONTRACT.tables}
ROW_TYPES: dict[str, type] = {t.name: t.row for t in CONTRACT.tables}
TABLES: tuple[str, ...] = CONTRACT.per_document   # the tables the document workers feed


def to_table(name: str, rows: Iterable[Any], *, checked: bool = False) -> pa.Table:
    """Rows (dataclass instances of ``ROW_TYPES[name]``) → a table of exactly ``SCHEMAS[name]``; ``checked``:
    the rows already passed ``row_problem`` in the worker, so the value checks are not repeated."""
    return CONTRACT.table(name).to_table(rows, checked=checked)


def row_problem(name: str, rows: Iterable[Any]) -> str | None:
    """The first way ``rows`` would break ``SCHEMAS[name]``, else None (see TableSpec.row_problem)."""
    return CONTRACT.table(name).row_problem(rows)
