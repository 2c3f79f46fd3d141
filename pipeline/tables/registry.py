"""The table registry: every output table declared once, everything else derived from it.

A table is a :class:`TableSpec` (its name and row dataclass; the columns' Arrow types, meanings and closed
value lists are the row fields' metadata, see :func:`pipeline.tables.rows.column`) and the :class:`Step`
that produces it (what it needs, how its extractor is built). A :class:`Registry` holds tables and steps in
order; from it come the pyarrow schemas, the closed value sets, the run order of the extractors, the
per-document tables a run writes and the data dictionary. Like spaCy's factories, a new table is one
module (its row dataclass and extractor) and one registration::

    registry = REGISTRY.with_table(TableSpec("mentions", MentionRow),
                                   Step(produces=("mentions",), needs=("document",),
                                        build=MentionExtractor.from_rulebook, run=MentionExtractor.__call__))

A registry is immutable: ``with_table``/``with_step`` return a new one, so no run ever sees a table another
one registered. ``CONTRACT`` here holds the tables of SCHEMA.md without their steps (this layer knows no
extractor); ``pipeline.extract.REGISTRY`` adds the steps.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

import pyarrow as pa

from . import rows as models

# Arrow type of each Python annotation a row field may have; an ``int`` is int32 unless the field's
# metadata names a narrower width (``column(arrow="int16")``).
_ARROW_OF: dict[Any, pa.DataType] = {str: pa.string(), float: pa.float64(), bool: pa.bool_(),
                                     dt.date: pa.date32(), int: pa.int32()}
_ARROW_NAMED = {"int8": pa.int8(), "int16": pa.int16(), "int32": pa.int32(), "int64": pa.int64()}


def _arrow_field(row: type, f: dataclasses.Field, hint: Any) -> pa.Field:
    nullable = False
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        nullable = len(args) < len(typing.get_args(hint))
        if len(args) != 1:
            raise TypeError(f"{row.__name__}.{f.name}: a column holds one type, not {hint}")
        hint = args[0]
    if "arrow" in f.metadata:
        type_ = _ARROW_NAMED[f.metadata["arrow"]]
    elif typing.get_origin(hint) is tuple:      # tuple[str, ...]: a list column (rows stay immutable)
        type_ = pa.list_(_ARROW_OF[typing.get_args(hint)[0]])
    elif hint in _ARROW_OF:
        type_ = _ARROW_OF[hint]
    else:
        raise TypeError(f"{row.__name__}.{f.name}: no Arrow type for {hint}; name one with column(arrow=...)")
    return pa.field(f.name, type_, nullable=nullable)


@dataclass(frozen=True)
class GoldView:
    """Gold annotations scored against a table: files ``<doc>.<name>.jsonl``, compared with the table's rows
    whose ``where`` columns have those values. ``optional``: scored only on documents that have such a file."""

    name: str
    where: tuple[tuple[str, Any], ...] = ()
    optional: bool = False


@dataclass(frozen=True)
class TableSpec:
    """One output table. ``per_document``: fed by the document workers (the panel is derived afterwards).
    ``highlight``: the column holding the text its offsets point at, for the review report's highlights."""

    name: str
    row: type
    per_document: bool = True
    highlight: str | None = None
    gold: tuple[GoldView, ...] = ()
    schema: pa.Schema = field(init=False, repr=False, compare=False)
    docs: dict[str, str] = field(init=False, repr=False, compare=False)
    enums: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        hints = typing.get_type_hints(self.row)
        fields = dataclasses.fields(self.row)
        missing = [f.name for f in fields if "doc" not in f.metadata]
        if missing:
            raise TypeError(f"{self.name}: {self.row.__name__} fields {missing} have no column(doc=...)")
        object.__setattr__(self, "schema", pa.schema([_arrow_field(self.row, f, hints[f.name]) for f in fields]))
        object.__setattr__(self, "docs", {f.name: f.metadata["doc"] for f in fields})
        object.__setattr__(self, "enums", {f.name: f.metadata["values"] for f in fields if "values" in f.metadata})
        object.__setattr__(self, "_checks", _column_checks(self.schema, self.enums))

    def to_table(self, rows: Iterable[Any], *, checked: bool = False) -> pa.Table:
        """Rows (instances of ``row``) → a table of exactly ``schema``; a value outside the contract raises.

        ``checked``: the rows already passed :meth:`row_problem` (in the worker, per document), so the value
        checks are not repeated here."""
        name, schema = self.name, self.schema
        rows = list(rows)
        for row_type in {type(row) for row in rows}:
            row_fields = [f.name for f in dataclasses.fields(row_type)]
            if row_fields != schema.names:
                raise ValueError(f"{name}: {row_type.__name__} fields {row_fields} do not match the schema "
                                 f"{schema.names}")
        # attribute access, not dataclasses.asdict: rows hold only flat values and tuples
        columns = {column: [getattr(row, column) for row in rows] for column in schema.names}
        for f in schema:
            if pa.types.is_list(f.type):   # rows hold tuples (immutable); pyarrow wants lists
                columns[f.name] = [list(v) if isinstance(v, tuple) else v for v in columns[f.name]]
        for column, allowed in self.enums.items() if not checked else ():
            bad = sorted(v for v in set(columns[column]) - set(allowed) if v is not None)
            if bad:
                raise ValueError(f"{name}.{column}: value(s) {bad} outside the contract's {list(allowed)}")
        table = pa.Table.from_pydict(columns, schema=schema)
        for f in schema if not checked else ():  # pyarrow does not enforce nullability on construction
            if not f.nullable and table.column(f.name).null_count:
                raise ValueError(f"{name}.{f.name} is declared non-null but has "
                                 f"{table.column(f.name).null_count} null value(s)")
        return table

    def row_problem(self, rows: Iterable[Any]) -> str | None:
        """The first way ``rows`` would break the schema (a null in a non-null column, a value outside an
        enum, an integer out of range), else None. Cheap: run per document in the worker, so a bad row
        becomes that document's ``errors`` row instead of failing the whole run when the tables are written."""
        name, checks = self.name, self._checks   # type: ignore[attr-defined]
        for row in rows:
            for column, nullable, allowed, bounds in checks:
                value = getattr(row, column)
                if value is None:
                    if not nullable:
                        return f"{name}.{column} is null"
                    continue
                if allowed is not None and value not in allowed:
                    return f"{name}.{column} = {value!r} is outside the contract's {sorted(allowed)}"
                if bounds is not None and isinstance(value, int) and not bounds[0] <= value <= bounds[1]:
                    return f"{name}.{column} = {value} does not fit the column's integer type"
        return None


def _column_checks(schema: pa.Schema, enums: Mapping[str, tuple[str, ...]]
                   ) -> list[tuple[str, bool, frozenset | None, tuple[int, int] | None]]:
    """(column, nullable, allowed values, integer bounds) for every column."""
    checks = []
    for f in schema:
        bounds = None
        if pa.types.is_integer(f.type):
            bits = f.type.bit_width
            bounds = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if pa.types.is_signed_integer(f.type) \
                else (0, 2 ** bits - 1)
        allowed = enums.get(f.name)
        checks.append((f.name, f.nullable, frozenset(allowed) if allowed else None, bounds))
    return checks


DOCUMENT = "document"   # what every step may read: the segmented Document


@dataclass(frozen=True)
class Step:
    """One extractor in the run order: reads ``needs`` (``document`` or values earlier steps produce) and
    returns ``produces`` (a value, or a tuple of values when it produces several: table rows or intermediate
    values such as the document's passages). ``run(extractors, **needs)`` gets the loaded built-in
    extractors (:class:`pipeline.extract.Extractors`); a step with ``build`` gets instead the object
    ``build(book)`` made from the run's rule book when the extractors were loaded, so a registered extractor loads its data once."""

    produces: tuple[str, ...]
    needs: tuple[str, ...]
    run: Callable[..., Any]
    build: Callable[[Any], Any] | None = None    # RuleBook → component

    @property
    def name(self) -> str:
        return "+".join(self.produces)


@dataclass(frozen=True)
class Registry:
    """Tables and the steps producing them, in order (the order of the parquet files, the data dictionary
    and the run)."""

    tables: tuple[TableSpec, ...] = ()
    steps: tuple[Step, ...] = ()

    def __post_init__(self) -> None:
        names = [t.name for t in self.tables]
        if len(set(names)) != len(names):
            raise ValueError(f"a table is registered twice: {names}")
        known = {DOCUMENT}
        for step in self.steps:
            missing = [n for n in step.needs if n not in known]
            if missing:
                raise ValueError(f"step {step.name} needs {missing}, which no earlier step produces")
            twice = [n for n in step.produces if n in known]
            if twice:
                raise ValueError(f"step {step.name} produces {twice}, which an earlier step produces")
            known.update(step.produces)

    def with_table(self, table: TableSpec, *steps: Step) -> "Registry":
        """This registry and one more table (after the others), with the step(s) that produce it."""
        return Registry(self.tables + (table,), self.steps + steps)

    def with_step(self, step: Step) -> "Registry":
        return Registry(self.tables, self.steps + (step,))

    def __contains__(self, name: str) -> bool:
        return any(t.name == name for t in self.tables)

    def table(self, name: str) -> TableSpec:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(f"no table {name!r}; the tables are {[t.name for t in self.tables]}")

    @property
    def per_document(self) -> tuple[str, ...]:
        """The tables a document contributes rows to, in order."""
        return tuple(t.name for t in self.tables if t.per_document)

    @property
    def produced(self) -> tuple[str, ...]:
        """The per-document tables a step produces, in table order (``errors`` is written by the run)."""
        made = {name for step in self.steps for name in step.produces}
        return tuple(name for name in self.per_document if name in made)

    @property
    def schemas(self) -> dict[str, pa.Schema]:
        return {t.name: t.schema for t in self.tables}

    def to_table(self, name: str, rows: Iterable[Any], *, checked: bool = False) -> pa.Table:
        return self.table(name).to_table(rows, checked=checked)

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the tables' schemas and the steps (what they read and produce, which functions): part of
        the incremental cache's key, so that a run with another registry never reuses another one's results."""
        digest = hashlib.sha256()
        for t in self.tables:
            digest.update(f"{t.name}\0{t.per_document}\0{t.schema}\0{sorted(t.enums.items())}\0".encode())
        for step in self.steps:
            functions = [f"{getattr(f, '__module__', '')}.{getattr(f, '__qualname__', repr(f))}"
                         for f in (step.run, step.build) if f is not None]
            digest.update(f"{step.produces}\0{step.needs}\0{functions}\0".encode())
        return digest.hexdigest()

    def run(self, components: Mapping[str, Any], extractors: Any, document: models.Document) -> dict[str, Any]:
        """Every step in order on one document: {name: value} of everything produced. ``components`` holds
        the objects the steps with a ``build`` made (keyed by step name)."""
        values: dict[str, Any] = {DOCUMENT: document}
        for step in self.steps:
            made = step.run(components[step.name] if step.build else extractors,
                            **{n: values[n] for n in step.needs})
            values.update(zip(step.produces, made if len(step.produces) > 1 else (made,), strict=True))
        del values[DOCUMENT]
        return values

    def build(self, book: Any) -> dict[str, Any]:
        """The components of the steps that build their own, built from the rule book ``book``."""
        return {step.name: step.build(book) for step in self.steps if step.build}


# ---------------------------------------------------------------- the tables of SCHEMA.md

CONTRACT = Registry(tables=(
    TableSpec("documents", models.DocumentRow),
    TableSpec("sections", models.SectionRow),
    TableSpec("targets", models.TargetRow, highlight="value_text", gold=(GoldView("targets"),)),
    TableSpec("achievements", models.AchievementRow, gold=(GoldView("achievements", optional=True),)),
    TableSpec("deadlines", models.DeadlineRow, highlight="text", gold=(GoldView("deadlines"),)),
    TableSpec("responsibilities", models.ResponsibilityRow, highlight="clause",
              gold=(GoldView("responsibilities"),)),
    TableSpec("entities", models.EntityRow, highlight="text",
              gold=(GoldView("enterprises", where=(("type", "enterprise"),)),)),
    # written by the run itself: a file that fails, and warnings about one that did not
    TableSpec("errors", models.ErrorRow),
    # derived from targets and achievements of all documents (pipeline/tables/panel.py) once they are written
    TableSpec("panel", models.PanelRow, per_document=False),
))
