"""Row dataclasses and pyarrow schemas agree with each other and with SCHEMA.md."""
import dataclasses
import re
from pathlib import Path

import pyarrow as pa
import pytest

from pipeline import models
from pipeline.schema import COLUMN_DOCS, ROW_TYPES, SCHEMAS, to_table

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
