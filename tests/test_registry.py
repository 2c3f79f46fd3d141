"""The table registry: a new table is one module and one registration, and the contract's tables derive from it.

The toy table below (``mentions`` of one word, with its own extractor) is this file's whole "module": it is
registered on a registry instance handed to the run, never on the global one, and must reach the schema,
the parquet output, the manifest, the DuckDB file and the data dictionary with no other edit.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.extract import REGISTRY
from pipeline.rulebook import default_book
from pipeline.run.runner import make_engine, run_extract
from pipeline.tables.publish import data_dictionary_markdown, write_data_dictionary, write_duckdb
from pipeline.tables.registry import CONTRACT, Registry, Step, TableSpec
from pipeline.tables.rows import Document, DocumentResult, column
from pipeline.tables.schema import COLUMN_DOCS, SCHEMAS, TABLES

# ---------------------------------------------------------------- the toy table: row, extractor, registration


@dataclass(frozen=True)
class MentionRow:
    doc_id: str = column("document id")
    mention_id: str = column("unique and stable across runs")
    section_id: int | None = column("innermost section")
    char_start: int = column("start of the word in documents.text")
    char_end: int = column("end of the word in documents.text")
    word: str = column("the word as written")
    year: int | None = column("a year written just before the word", arrow="int16")
    case: str = column(values=("plain", "quoted"))


@dataclass(frozen=True)
class MentionExtractor:
    word: str

    @classmethod
    def from_rulebook(cls, book) -> "MentionExtractor":
        return cls(word="企业")      # a toy: real extractors read their words from the book

    def __call__(self, document: Document) -> list[MentionRow]:
        rows, start = [], document.text.find(self.word)
        while start >= 0:
            section = document.section_at(start)
            quoted = start > 0 and document.text[start - 1] in "”\""
            rows.append(MentionRow(doc_id=document.doc_id, mention_id=f"{document.doc_id}-m{len(rows)}",
                                   section_id=section.section_id if section else None, char_start=start,
                                   char_end=start + len(self.word), word=self.word, year=None,
                                   case="quoted" if quoted else "plain"))
            start = document.text.find(self.word, start + 1)
        return rows


def _mentions(extractor: MentionExtractor, document: Document) -> list[MentionRow]:
    return extractor(document)


MENTIONS = TableSpec("mentions", MentionRow)
WITH_MENTIONS = REGISTRY.with_table(MENTIONS, Step(produces=("mentions",), needs=("document",),
                                                   build=MentionExtractor.from_rulebook, run=_mentions))

# ---------------------------------------------------------------- tests

POLICY = """某某市支持企业创新的若干措施

一、培育创新主体
支持龙头企业牵头组建创新联合体，到2025年培育专精特新“小巨人”企业30家。
二、强化要素保障
对新认定的高新技术企业给予一次性奖励。
"""


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "measures.txt").write_text(POLICY, encoding="utf-8")
    return folder


def test_the_schema_is_derived_from_the_row_annotations_and_metadata():
    assert MENTIONS.schema == pa.schema([
        pa.field("doc_id", pa.string(), nullable=False), pa.field("mention_id", pa.string(), nullable=False),
        pa.field("section_id", pa.int32()), pa.field("char_start", pa.int32(), nullable=False),
        pa.field("char_end", pa.int32(), nullable=False), pa.field("word", pa.string(), nullable=False),
        pa.field("year", pa.int16()), pa.field("case", pa.string(), nullable=False)])
    assert MENTIONS.enums == {"case": ("plain", "quoted")}
    assert MENTIONS.docs["case"] == "plain | quoted"      # a closed list documents itself
    assert WITH_MENTIONS.schemas["mentions"] == MENTIONS.schema


def test_registering_changes_no_global_registry():
    assert "mentions" in WITH_MENTIONS and "mentions" not in REGISTRY and "mentions" not in CONTRACT
    assert "mentions" not in SCHEMAS and "mentions" not in TABLES and "mentions" not in COLUMN_DOCS
    assert WITH_MENTIONS.per_document == (*REGISTRY.per_document, "mentions")
    assert WITH_MENTIONS.produced == (*REGISTRY.produced, "mentions")
    assert "## mentions" not in data_dictionary_markdown()


def test_the_contract_registry_lists_the_tables_of_schema_md():
    assert list(SCHEMAS) == ["documents", "sections", "targets", "achievements", "deadlines",
                             "responsibilities", "entities", "errors", "panel"]
    assert TABLES == tuple(n for n in SCHEMAS if n != "panel")
    # every per-document table but errors (written by the run) has a step, in the order of the tables
    assert REGISTRY.produced == tuple(n for n in TABLES if n != "errors")


def test_a_registered_table_reaches_the_parquet_files_the_manifest_and_the_dictionary(corpus, tmp_path):
    plain, out = tmp_path / "plain", tmp_path / "out"
    run_extract(corpus, plain, workers=1, incremental=False)
    summary = run_extract(corpus, out, workers=1, incremental=False, registry=WITH_MENTIONS)

    mentions = pq.read_table(out / "mentions.parquet")
    assert mentions.schema == MENTIONS.schema
    text = pq.read_table(out / "documents.parquet").column("text")[0].as_py()
    rows = mentions.to_pylist()
    assert [text[r["char_start"]:r["char_end"]] for r in rows] == ["企业"] * 4
    assert [r["case"] for r in rows] == ["plain", "plain", "quoted", "plain"]
    assert [r["section_id"] for r in rows] == [None, 0, 0, 1]     # the title precedes every section
    assert summary.rows["mentions"] == 4
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables"]["mentions"] == 4 and manifest["inputs"][0]["rows"]["mentions"] == 4
    # the contract's tables are untouched by the extra one, byte for byte
    for name in SCHEMAS:
        assert (out / f"{name}.parquet").read_bytes() == (plain / f"{name}.parquet").read_bytes(), name

    dictionary = write_data_dictionary(out, WITH_MENTIONS).read_text(encoding="utf-8")
    assert dictionary.startswith(data_dictionary_markdown())      # the contract's part is as before
    assert "## mentions" in dictionary
    assert "| `year` | `int16` | yes | a year written just before the word |" in dictionary
    assert "| `case` | `string` | no | plain \\| quoted |" in dictionary

    con = duckdb.connect(str(write_duckdb(out, registry=WITH_MENTIONS)), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM mentions").fetchone() == (4,)
    finally:
        con.close()


def test_an_incremental_run_with_another_registry_reuses_nothing(corpus, tmp_path):
    out = tmp_path / "out"
    assert run_extract(corpus, out, workers=1).n_reused == 0
    with_mentions = run_extract(corpus, out, workers=1, registry=WITH_MENTIONS)
    assert (with_mentions.n_reused, with_mentions.rows["mentions"]) == (0, 4)
    assert run_extract(corpus, out, workers=1, registry=WITH_MENTIONS).n_reused == 1
    assert REGISTRY.fingerprint == Registry(REGISTRY.tables, REGISTRY.steps).fingerprint != WITH_MENTIONS.fingerprint


def test_a_row_outside_the_new_tables_contract_becomes_that_files_error_row(corpus, tmp_path):
    def shouting(extractor: MentionExtractor, document: Document) -> list[MentionRow]:
        return [MentionRow(**{**r.__dict__, "case": "LOUD"}) for r in extractor(document)]

    registry = REGISTRY.with_table(MENTIONS, Step(produces=("mentions",), needs=("document",),
                                                  build=MentionExtractor.from_rulebook, run=shouting))
    summary = run_extract(corpus, tmp_path / "out", workers=1, incremental=False, registry=registry)
    errors = pq.read_table(tmp_path / "out" / "errors.parquet").to_pylist()
    assert [(e["stage"], e["error"]) for e in errors] == [("export", "contract")]
    assert "mentions.case = 'LOUD' is outside the contract's ['plain', 'quoted']" in errors[0]["message"]
    assert summary.rows["mentions"] == 0 and summary.rows["documents"] == 0


def test_steps_run_in_order_and_read_only_what_earlier_steps_produced():
    with pytest.raises(ValueError, match=r"needs \['passages_of_a_typo'\]"):
        REGISTRY.with_step(Step(produces=("x",), needs=("document", "passages_of_a_typo"), run=_mentions))
    with pytest.raises(ValueError, match="produces \\['deadlines'\\]"):
        REGISTRY.with_step(Step(produces=("deadlines",), needs=("document",), run=_mentions))
    with pytest.raises(ValueError, match="registered twice"):
        REGISTRY.with_table(TableSpec("targets", MentionRow))


def test_a_row_field_without_its_meaning_is_refused():
    @dataclass(frozen=True)
    class Undocumented:
        doc_id: str

    with pytest.raises(TypeError, match=r"\['doc_id'\] have no column"):
        TableSpec("undocumented", Undocumented)


def test_a_document_result_holds_the_rows_of_any_registered_table():
    result = DocumentResult(source_path="a.txt")
    assert result.errors == [] and result.rows("mentions") == []
    result.mentions.append("row")
    assert result.tables["mentions"] == ["row"]
    with pytest.raises(AttributeError):
        result._private


def test_a_registry_of_its_own_is_refused_by_the_dask_engine():
    with pytest.raises(ValueError, match="local engine only"):
        make_engine("dask", 1, default_book(), registry=WITH_MENTIONS)
