"""Explicit pyarrow schemas of the output tables (the contract in SCHEMA.md).

Column order and types here are the contract; ``COLUMN_DOCS`` says what each
column means and feeds the data dictionary. A row dataclass in
``pipeline.tables.rows`` must have exactly these fields, in this order (a test
checks it).
"""
from __future__ import annotations

import dataclasses
from typing import Any, Iterable

import pyarrow as pa

from . import rows as models

_STR = pa.string()
_I8, _I16, _I32 = pa.int8(), pa.int16(), pa.int32()
_F64 = pa.float64()
_BOOL = pa.bool_()
_DATE = pa.date32()


def _f(name: str, type_: pa.DataType, nullable: bool, doc: str) -> tuple[pa.Field, str]:
    return pa.field(name, type_, nullable=nullable), doc


_TABLES: dict[str, list[tuple[pa.Field, str]]] = {
    "documents": [
        _f("doc_id", _STR, False, "stable id: first 16 hex chars of SHA-256 of the raw bytes"),
        _f("source_path", _STR, False, "path relative to --input, '/'-separated"),
        _f("source_format", _STR, False, "txt | html | docx | pdf"),
        _f("encoding", _STR, False, "detected input encoding"),
        _f("script", _STR, False, "simplified | traditional | mixed (of the original)"),
        _f("title", _STR, True, "document title"),
        _f("issuer", _STR, True, "issuing body, e.g. 上海市松江区人民政府"),
        _f("doc_number", _STR, True, "文号, brackets normalized to 〔〕"),
        _f("issue_date", _DATE, True, "date of issue or publication"),
        _f("period_start", _I16, True, "first year of the plan period"),
        _f("period_end", _I16, True, "last year of the plan period"),
        _f("kind", _STR, True, "plan | action_plan | work_report | statistical_bulletin | opinion | measures | "
                               "notice | other"),
        _f("place_code", _STR, True, "the issuing government's division: 6-digit code, 000000 for the central government"),
        _f("place_name", _STR, True, "that division's full name, e.g. 上海市闵行区; 全国 for the central government"),
        _f("n_chars", _I32, False, "length of text"),
        _f("text", _STR, False, "normalized text (Simplified script, cleaned); all offsets point here"),
    ],
    "sections": [
        _f("doc_id", _STR, False, "document id"),
        _f("section_id", _I32, False, "order in the document, from 0"),
        _f("parent_id", _I32, True, "enclosing section"),
        _f("level", _I8, False, "1 = top"),
        _f("label", _STR, False, "一、 （一） 1． （1） ① … as written in documents.text"),
        _f("heading", _STR, False, "heading text without the label"),
        _f("char_start", _I32, False, "start of the whole section in documents.text"),
        _f("char_end", _I32, False, "end of the whole section in documents.text"),
    ],
    "targets": [
        _f("doc_id", _STR, False, "document id"),
        _f("target_id", _STR, False, "unique and stable across runs"),
        _f("section_id", _I32, True, "innermost section"),
        _f("sentence", _STR, False, "the sentence of documents.text containing the value"),
        _f("char_start", _I32, False, "start of value_text in documents.text"),
        _f("char_end", _I32, False, "end of value_text in documents.text"),
        _f("indicator", _STR, True, "what is measured"),
        _f("value_text", _STR, False, "the value as written, with unit and qualifiers"),
        _f("value_low", _F64, True, "lower numeric bound (equal to value_high for a point value)"),
        _f("value_high", _F64, True, "upper numeric bound"),
        _f("unit", _STR, False, "unit or measure word as written (Simplified); '' if none"),
        _f("value_base", _F64, True, "the value in base units (亿元 → 元 ×1e8); % stays %"),
        _f("unit_base", _STR, True, "the base unit"),
        _f("bound", _STR, False, "exact | approx | min | max | range"),
        _f("aspirational", _BOOL, False, "力争 / 争取 / 努力"),
        _f("change", _STR, True, "level | increase | decrease | new | cumulative | annual_avg | share"),
        _f("target_year", _I16, True, "year by which it is to be reached"),
        _f("baseline_year", _I16, True, "year compared against"),
        _f("binding", _STR, True, "约束性 | 预期性"),
        _f("indicator_code", _STR, True, "code from rules/indicators.toml, null when none fits"),
        _f("rule_id", _STR, False, "rule that produced the row"),
        _f("qualifiers", pa.list_(_STR), False, "qualifiers attached to the value, as written (左右, 以上, 力争, 新增 …)"),
    ],
    "achievements": [
        _f("doc_id", _STR, False, "document id"),
        _f("achievement_id", _STR, False, "unique and stable across runs"),
        _f("section_id", _I32, True, "innermost section"),
        _f("sentence", _STR, False, "the sentence of documents.text containing the value"),
        _f("char_start", _I32, False, "start of value_text in documents.text"),
        _f("char_end", _I32, False, "end of value_text in documents.text"),
        _f("indicator", _STR, True, "what is measured"),
        _f("indicator_code", _STR, True, "code from rules/indicators.toml, null when none fits"),
        _f("value_text", _STR, False, "the value as written, with unit and qualifiers"),
        _f("value_low", _F64, True, "lower numeric bound (equal to value_high for a point value)"),
        _f("value_high", _F64, True, "upper numeric bound"),
        _f("unit", _STR, False, "unit or measure word as written (Simplified); '' if none"),
        _f("value_base", _F64, True, "the value in base units (亿元 → 元 ×1e8); % stays %"),
        _f("unit_base", _STR, True, "the base unit"),
        _f("change", _STR, True, "level | increase | decrease | new | cumulative | annual_avg | share"),
        _f("period_year", _I16, True, "the year (or last year of the period) the figure is for"),
        _f("rule_id", _STR, False, "rule that produced the row"),
    ],
    "deadlines": [
        _f("doc_id", _STR, False, "document id"),
        _f("deadline_id", _STR, False, "unique and stable across runs"),
        _f("section_id", _I32, True, "innermost section"),
        _f("sentence", _STR, False, "the sentence containing the expression"),
        _f("char_start", _I32, False, "start of text in documents.text"),
        _f("char_end", _I32, False, "end of text in documents.text"),
        _f("text", _STR, False, "expression as written"),
        _f("kind", _STR, False, "by | period | relative | recurring"),
        _f("start_date", _DATE, True, "resolved start"),
        _f("end_date", _DATE, True, "resolved end"),
        _f("rule_id", _STR, False, "rule that produced the row"),
    ],
    "responsibilities": [
        _f("doc_id", _STR, False, "document id"),
        _f("clause_id", _STR, False, "shared by the rows of one clause"),
        _f("section_id", _I32, True, "innermost section"),
        _f("task", _STR, False, "the task the clause closes (its item heading or sentence)"),
        _f("clause", _STR, False, "text inside the brackets"),
        _f("marker", _STR, False, "责任单位 牵头部门 牵头单位 配合单位 牵头 负责 按职责分工负责 …"),
        _f("unit", _STR, False, "unit as written, whitespace removed"),
        _f("unit_canonical", _STR, False, "canonical name (区发改委 → 区发展改革委)"),
        _f("unit_type", _STR, False, "ministry | municipal_bureau | district_bureau | town_street | park | "
                                     "enterprise | university | collective | other"),
        _f("role", _STR, False, "lead | co | participant | responsible"),
        _f("position", _I16, False, "1-based order in the clause"),
        _f("char_start", _I32, False, "start of the clause in documents.text"),
        _f("char_end", _I32, False, "end of the clause in documents.text"),
        _f("rule_id", _STR, False, "rule that produced the row"),
    ],
    "entities": [
        _f("doc_id", _STR, False, "document id"),
        _f("mention_id", _STR, False, "unique and stable across runs"),
        _f("section_id", _I32, True, "innermost section"),
        _f("sentence", _STR, False, "the sentence containing the mention"),
        _f("char_start", _I32, False, "start of text in documents.text"),
        _f("char_end", _I32, False, "end of text in documents.text"),
        _f("text", _STR, False, "mention as written (normalized script)"),
        _f("canonical", _STR, False, "canonical name"),
        _f("type", _STR, False, "enterprise | research | university | platform | park | government | other"),
        _f("embedded", _BOOL, False, "named only inside another organisation's name"),
        _f("context_role", _STR, True, "链主企业, 龙头企业, 专精特新小巨人 …"),
        _f("method", _STR, False, "gazetteer | pattern | model"),
    ],
    "errors": [
        _f("source_path", _STR, False, "path relative to --input"),
        _f("stage", _STR, False, "stage that failed"),
        _f("error", _STR, False, "short machine-readable kind: undecodable, empty, unsupported_format, corrupt …"),
        _f("message", _STR, False, "what a person needs to know"),
    ],
}

# ---- panel: derived from targets and achievements of all documents (pipeline/tables/panel.py), written after the
# per-document tables; not fed by the document workers (not in models.TABLES).
_TABLES["panel"] = [
    _f("place_code", _STR, False, "administrative division code of the issuing government (6 digits), "
                                  "000000 for the central government"),
    _f("place_name", _STR, False, "e.g. 四川省, 上海市闵行区"),
    _f("year", _I16, False, "the year the target is set for and the outcome is reported for"),
    _f("indicator_code", _STR, False, "code from rules/indicators.toml"),
    _f("target_low", _F64, True, "the target set for that year, lower bound (from the earliest document setting it)"),
    _f("target_high", _F64, True, "the target set for that year, upper bound"),
    _f("target_doc_id", _STR, True, "provenance: the document that set the target"),
    _f("target_id", _STR, True, "provenance: targets.target_id"),
    _f("actual", _F64, True, "the outcome reported for that year (from the latest document reporting it), "
                             "in the row's unit"),
    _f("actual_doc_id", _STR, True, "provenance: the document that reported the outcome"),
    _f("achievement_id", _STR, True, "provenance: achievements.achievement_id"),
    _f("unit", _STR, False, "unit of target_low/target_high/actual, as written in the target (else the outcome)"),
]
# ---- end panel

SCHEMAS: dict[str, pa.Schema] = {name: pa.schema([f for f, _ in cols]) for name, cols in _TABLES.items()}

# Closed value sets of SCHEMA.md (the backquoted words of a column's meaning, when the list has no "…").
# Rule loaders validate rule attributes against these, and to_table rejects anything else: a value outside
# the contract never reaches a parquet file. null stays allowed where the column is nullable.
ENUMS: dict[str, dict[str, tuple[str, ...]]] = {
    "documents": {
        "source_format": ("txt", "html", "docx", "pdf"),
        "script": ("simplified", "traditional", "mixed"),
        "kind": ("plan", "action_plan", "work_report", "statistical_bulletin", "opinion", "measures", "notice",
                 "other"),
    },
    "targets": {
        "bound": ("exact", "approx", "min", "max", "range"),
        "change": ("level", "increase", "decrease", "new", "cumulative", "annual_avg", "share"),
        "binding": ("约束性", "预期性"),
    },
    "achievements": {
        "change": ("level", "increase", "decrease", "new", "cumulative", "annual_avg", "share"),
    },
    "deadlines": {
        "kind": ("by", "period", "relative", "recurring"),
    },
    "responsibilities": {
        "unit_type": ("ministry", "municipal_bureau", "district_bureau", "town_street", "park", "enterprise",
                      "university", "collective", "other"),
        "role": ("lead", "co", "participant", "responsible"),
    },
    "entities": {
        "type": ("enterprise", "research", "university", "platform", "park", "government", "other"),
        "method": ("gazetteer", "pattern", "model"),
    },
}
COLUMN_DOCS: dict[str, dict[str, str]] = {name: {f.name: d for f, d in cols} for name, cols in _TABLES.items()}

ROW_TYPES: dict[str, type] = {
    "documents": models.DocumentRow,
    "sections": models.SectionRow,
    "targets": models.TargetRow,
    "achievements": models.AchievementRow,
    "deadlines": models.DeadlineRow,
    "responsibilities": models.ResponsibilityRow,
    "entities": models.EntityRow,
    "errors": models.ErrorRow,
    "panel": models.PanelRow,
}


def to_table(name: str, rows: Iterable[Any], *, checked: bool = False) -> pa.Table:
    """Rows (dataclass instances of ``ROW_TYPES[name]``) → a table of exactly ``SCHEMAS[name]``.

    ``checked``: the rows already passed :func:`row_problem` (in the worker, per document), so the
    value checks are not repeated here."""
    schema = SCHEMAS[name]
    rows = list(rows)
    for row_type in {type(row) for row in rows}:
        row_fields = [f.name for f in dataclasses.fields(row_type)]
        if row_fields != schema.names:
            raise ValueError(f"{name}: {row_type.__name__} fields {row_fields} do not match the schema {schema.names}")
    # attribute access, not dataclasses.asdict: rows hold only flat values and tuples
    columns = {column: [getattr(row, column) for row in rows] for column in schema.names}
    for f in schema:
        if pa.types.is_list(f.type):   # rows hold tuples (immutable); pyarrow wants lists
            columns[f.name] = [list(v) if isinstance(v, tuple) else v for v in columns[f.name]]
    for column, allowed in ENUMS.get(name, {}).items() if not checked else ():
        bad = sorted(v for v in set(columns[column]) - set(allowed) if v is not None)
        if bad:
            raise ValueError(f"{name}.{column}: value(s) {bad} outside the contract's {list(allowed)}")
    table = pa.Table.from_pydict(columns, schema=schema)
    for f in schema if not checked else ():  # pyarrow does not enforce nullability on construction
        if not f.nullable and table.column(f.name).null_count:
            raise ValueError(f"{name}.{f.name} is declared non-null but has "
                             f"{table.column(f.name).null_count} null value(s)")
    return table


def _column_checks(name: str) -> list[tuple[str, bool, frozenset | None, tuple[int, int] | None]]:
    """(column, nullable, allowed values, integer bounds) for every column of ``name``."""
    checks = []
    for f in SCHEMAS[name]:
        bounds = None
        if pa.types.is_integer(f.type):
            bits = f.type.bit_width
            bounds = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if pa.types.is_signed_integer(f.type) \
                else (0, 2 ** bits - 1)
        allowed = ENUMS.get(name, {}).get(f.name)
        checks.append((f.name, f.nullable, frozenset(allowed) if allowed else None, bounds))
    return checks


_CHECKS = {name: _column_checks(name) for name in SCHEMAS}


def row_problem(name: str, rows: Iterable[Any]) -> str | None:
    """The first way ``rows`` would break ``SCHEMAS[name]`` (a null in a non-null column, a value outside an
    enum, an integer out of range), else None. Cheap: run per document in the worker, so a bad row becomes
    that document's ``errors`` row instead of failing the whole run when the tables are written."""
    checks = _CHECKS[name]
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
