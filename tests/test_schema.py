"""Row dataclasses and pyarrow schemas agree with each other and with SCHEMA.md."""
import dataclasses
import re
from pathlib import Path

import pyarrow as pa
import pytest

from pipeline.tables import rows as models
from pipeline.tables.schema import COLUMN_DOCS, ENUMS, ROW_TYPES, SCHEMAS, to_table

# The contract lives in ../shared/spec/SCHEMA.md; tests/spec/ holds a copy so a
# clone without ../shared is still checked (the shared one wins when present).
SHARED_SPEC = Path(__file__).resolve().parents[2] / "shared" / "spec" / "SCHEMA.md"
SPEC = SHARED_SPEC if SHARED_SPEC.exists() else Path(__file__).parent / "spec" / "SCHEMA.md"


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_row_fields_equal_schema_columns_in_order(name):
    assert [f.name for f in dataclasses.fields(ROW_TYPES[name])] == SCHEMAS[name].names
    assert set(COLUMN_DOCS[name]) == set(SCHEMAS[name].names)
    assert all(COLUMN_DOCS[name].values())


def spec_columns(table: str) -> list[str]:
    text = SPEC.read_text(encoding="utf-8")
    block = text.split(f"### {table}")[1].split("###")[0]
    cols = []
    for line in block.splitlines():
        m = re.match(r"\|\s*([a-z_, ]+?)\s*\|", line)
        if m and m.group(1) not in ("column",):
            cols.extend(c.strip() for c in m.group(1).split(","))
    return cols


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_every_contract_column_is_present(name):
    missing = [c for c in spec_columns(name) if c not in SCHEMAS[name].names]
    assert missing == []


def test_spec_lists_the_tables_and_key_columns():
    # guards spec_columns() itself: a parsing slip would make the check above vacuous
    assert spec_columns("targets")[:4] == ["doc_id", "target_id", "section_id", "sentence"]
    assert "unit_type" in spec_columns("responsibilities")
    assert "embedded" in spec_columns("entities")


def test_contract_types():
    assert SCHEMAS["documents"].field("issue_date").type == pa.date32()
    assert SCHEMAS["documents"].field("period_start").type == pa.int16()
    assert SCHEMAS["sections"].field("level").type == pa.int8()
    assert SCHEMAS["targets"].field("value_low").type == pa.float64()
    assert SCHEMAS["targets"].field("aspirational").type == pa.bool_()
    assert SCHEMAS["responsibilities"].field("position").type == pa.int16()


def test_to_table_rejects_null_in_non_null_column():
    row = models.ErrorRow(source_path="a.txt", stage="ingest", error=None, message="m")
    with pytest.raises(ValueError, match="errors.error is declared non-null"):
        to_table("errors", [row])


def test_empty_table_has_the_schema():
    assert to_table("targets", []).schema == SCHEMAS["targets"]


def spec_enum(table: str, column: str) -> tuple[str, ...]:
    """The backquoted words of a column's meaning in SCHEMA.md (`a` `b` …)."""
    block = SPEC.read_text(encoding="utf-8").split(f"### {table}")[1].split("###")[0]
    for line in block.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and column in [c.strip() for c in cells[0].split(",")]:
            if cells[2].startswith("as in `"):       # achievements.change: "as in `targets`"
                return spec_enum(re.match(r"as in `([a-z_]+)`", cells[2]).group(1), column)
            return tuple(re.findall(r"`([^`]+)`", cells[2].split("(")[0]))
    raise KeyError(f"{table}.{column}")


@pytest.mark.parametrize("table,column", [(t, c) for t, cols in ENUMS.items() for c in cols])
def test_enums_are_the_contracts_value_lists(table, column):
    # ENUMS is what loaders and to_table enforce: it must be SCHEMA.md's list, word for word
    assert ENUMS[table][column] == spec_enum(table, column)


def test_spec_enum_reads_the_lists():
    # guards spec_enum(): 'change' lists seven words, 'binding' two (split at ' / ')
    assert spec_enum("targets", "change")[-1] == "share"
    assert spec_enum("targets", "binding") == ("约束性", "预期性")


def _target(**changes):
    row = models.TargetRow(doc_id="d", target_id="d-T0-3", section_id=None, sentence="新增30家", char_start=2,
                           char_end=5, indicator=None, value_text="30家", value_low=30.0, value_high=30.0,
                           unit="家", value_base=30.0, unit_base="家", bound="exact", aspirational=False,
                           change="new", target_year=2025, baseline_year=None, binding=None, indicator_code=None,
                           rule_id="r")
    return dataclasses.replace(row, **changes)


def test_to_table_accepts_contract_values_and_null():
    table = to_table("targets", [_target(), _target(change=None, binding="约束性")])
    assert table.column("change").to_pylist() == ["new", None]


def test_to_table_rejects_a_value_outside_the_enum():
    # 'annual-average' (a rule-file typo of annual_avg) must not reach a parquet file
    with pytest.raises(ValueError) as exc:
        to_table("targets", [_target(change="annual-average")])
    assert str(exc.value) == ("targets.change: value(s) ['annual-average'] outside the contract's "
                              "['level', 'increase', 'decrease', 'new', 'cumulative', 'annual_avg', 'share']")


def test_row_problem_names_the_first_contract_break():
    from pipeline.tables.schema import row_problem
    row = models.ErrorRow(source_path="a.txt", stage="ingest", error="empty", message="a.txt is empty")
    assert row_problem("errors", [row]) is None
    assert row_problem("errors", [dataclasses.replace(row, stage=None)]) == "errors.stage is null"
