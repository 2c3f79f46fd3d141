"""policy.duckdb, policy.xlsx, DATA_DICTIONARY.md, and the README's loading instructions."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from pipeline.__main__ import main
from pipeline.tables.publish import EXCEL_MAX_CELL, data_dictionary_markdown, write_duckdb, write_xlsx
from pipeline.tables.report import render_dictionary_page
from pipeline.tables.schema import COLUMN_DOCS, SCHEMAS

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> Path:
    """The samples extracted by the CLI, as `make extract` does (with policy.duckdb and the dictionary)."""
    out = tmp_path_factory.mktemp("extracted") / "extracted"
    assert main(["extract", "--input", str(ROOT / "raw"), "--output", str(out)]) == 0
    return out


# --- DuckDB -----------------------------------------------------------------------------------

def test_extract_writes_duckdb_and_dictionary(samples):
    assert (samples / "policy.duckdb").is_file() and (samples / "DATA_DICTIONARY.md").is_file()
    leftovers = [p.name for p in samples.iterdir() if p.name.endswith((".tmp", ".wal"))]
    assert leftovers == []


def test_duckdb_views_match_parquet(samples):
    con = duckdb.connect(str(samples / "policy.duckdb"), read_only=True)
    kinds = dict(((s, n), k) for s, n, k in con.execute(
        "SELECT table_schema, table_name, table_type FROM information_schema.tables").fetchall())
    for name, schema in SCHEMAS.items():
        assert kinds[("main", name)] == "VIEW"
        assert kinds[("data", name)] == "BASE TABLE"
        parquet = pq.read_table(samples / f"{name}.parquet")
        assert con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] == parquet.num_rows, name
        cols = [r[0] for r in con.execute(f'DESCRIBE "{name}"').fetchall()]
        assert cols == schema.names
        comments = dict(con.execute("SELECT column_name, comment FROM duckdb_columns() "
                                    "WHERE schema_name = 'main' AND table_name = ?", [name]).fetchall())
        assert comments == COLUMN_DOCS[name]
    n_targets = pq.read_metadata(samples / "targets.parquet").num_rows
    assert n_targets > 200 and con.execute("SELECT count(*) FROM targets").fetchone()[0] == n_targets
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 5
    # the values themselves, not only the counts
    from_db = pa.Table.from_pandas(con.execute("SELECT * FROM targets").df(), preserve_index=False)
    from_pq = pq.read_table(samples / "targets.parquet")
    assert from_db.column("target_id").to_pylist() == from_pq.column("target_id").to_pylist()
    assert from_db.column("value_high").to_pylist() == from_pq.column("value_high").to_pylist()
    assert from_db.column("qualifiers").to_pylist() == from_pq.column("qualifiers").to_pylist()
    texts = [t for (t,) in con.execute("SELECT text FROM documents ORDER BY doc_id").fetchall()]
    docs = sorted(pq.read_table(samples / "documents.parquet").to_pylist(), key=lambda d: d["doc_id"])
    assert texts == [d["text"] for d in docs]
    con.close()


def test_duckdb_file_is_self_contained(samples, tmp_path):
    moved = tmp_path / "elsewhere" / "copy.duckdb"
    moved.parent.mkdir()
    shutil.copy(samples / "policy.duckdb", moved)
    con = duckdb.connect(str(moved), read_only=True)
    assert con.execute("SELECT count(*) FROM responsibilities").fetchone()[0] == \
        pq.read_metadata(samples / "responsibilities.parquet").num_rows
    views = con.execute("SELECT sql FROM duckdb_views() WHERE NOT internal").fetchall()
    assert len(views) == len(SCHEMAS)
    assert not any("parquet" in sql.lower() or "/" in sql for (sql,) in views)
    assert dict(con.execute("SELECT key, value FROM data.about").fetchall())["layout"].startswith("rows in schema data")


def test_duckdb_rewrite_is_atomic_and_repeatable(samples, tmp_path):
    out = tmp_path / "o"
    shutil.copytree(samples, out)
    before = out / "policy.duckdb"
    old_inode = before.stat().st_ino
    write_duckdb(out)
    assert before.stat().st_ino != old_inode  # a new file renamed over the old one
    a = duckdb.connect(str(samples / "policy.duckdb"), read_only=True)
    b = duckdb.connect(str(before), read_only=True)
    for name in SCHEMAS:
        q = f'SELECT * FROM "{name}"'
        assert a.execute(q).fetchall() == b.execute(q).fetchall(), name
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".") and p.name != ".cache") == []


def test_duckdb_rows_are_the_parquet_rows_in_order_even_in_a_folder_named_like_a_pattern(samples, tmp_path):
    """DuckDB reads the parquet files itself, two tables at a time; a folder name with glob characters
    (which its reader would expand) takes the Arrow route. Either way: every row, in file order."""
    for folder in (tmp_path / "plain", tmp_path / "run[2]*"):
        shutil.copytree(samples, folder)
        (folder / "policy.duckdb").unlink()
        write_duckdb(folder)
        con = duckdb.connect(str(folder / "policy.duckdb"), read_only=True)
        for name in SCHEMAS:
            from_db = con.sql(f'SELECT * FROM "{name}"').to_arrow_table()
            assert from_db.equals(pq.read_table(folder / f"{name}.parquet").cast(from_db.schema)), (folder, name)
        con.close()


def test_a_missing_table_is_an_error_not_an_empty_table(samples, tmp_path):
    out = tmp_path / "o"
    shutil.copytree(samples, out)
    (out / "targets.parquet").unlink()
    before = (out / "policy.duckdb").read_bytes()
    with pytest.raises(FileNotFoundError, match="targets.parquet is missing"):
        write_duckdb(out)
    assert (out / "policy.duckdb").read_bytes() == before
    with pytest.raises(FileNotFoundError, match="targets.parquet is missing"):
        write_xlsx(out, out / "policy.xlsx")


def test_duckdb_failure_leaves_previous_file(samples, tmp_path, monkeypatch):
    out = tmp_path / "o"
    shutil.copytree(samples, out)
    before = (out / "policy.duckdb").read_bytes()
    import pipeline.tables.publish as publish

    def boom(*a, **k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(publish, "_load_table", boom)
    with pytest.raises(RuntimeError):
        write_duckdb(out)
    assert (out / "policy.duckdb").read_bytes() == before
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


# --- README: Loading the data ------------------------------------------------------------------

def _loading_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"^## Loading the data\n(.*?)(?=^## )", readme, flags=re.S | re.M)
    assert m, "README.md has no '## Loading the data' section"
    return m.group(1)


def _blocks(section: str, lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```", section, flags=re.S | re.M)


def test_readme_join_query_runs_on_the_samples(samples):
    (sql,) = _blocks(_loading_section(), "sql")  # exactly one query
    assert re.search(r"JOIN responsibilities", sql) and "section_id" in sql
    con = duckdb.connect(str(samples / "policy.duckdb"), read_only=True)
    df = con.execute(sql).df()
    rows = {(r.doc_id, r.indicator, r.value_text): r for r in df.itertuples()}
    # 到2023年 … 品牌引领示范企业20家 (raw/004), section with 区市场监管局 and 区经委 responsible
    r = rows[("413b37755cf94980", "品牌引领示范企业", "20家")]
    assert r.target_year == 2023 and r.responsible_units == "区市场监管局、区经委"
    # 产业领军人才100名以上 (raw/000): units include the universities of the section's clause
    r = rows[("7f6ce235b76d7c07", "产业领军人才", "100名以上")]
    assert {"上海交通大学", "华东师范大学", "区经委"} <= set(r.responsible_units.split("、"))
    # one row per target that shares a section with a responsibility clause, as pandas computes it
    t = pd.read_parquet(samples / "targets.parquet")
    resp = pd.read_parquet(samples / "responsibilities.parquet")
    joined = t.merge(resp, on=["doc_id", "section_id"])
    assert len(df) == joined["target_id"].nunique() == df["target_id"].nunique()
    expected = joined.groupby("target_id")["unit_canonical"].agg(lambda s: "、".join(sorted(set(s))))
    assert df.set_index("target_id")["responsible_units"].to_dict() == expected.to_dict()
    # ordered by document, then by position in the text
    starts = t.set_index("target_id")["char_start"]
    for _, g in df.groupby("doc_id", sort=False):
        assert list(starts[g["target_id"]]) == sorted(starts[g["target_id"]])


def test_readme_query_also_runs_on_the_parquet_files(samples, tmp_path, monkeypatch):
    section = _loading_section()
    assert "replace\n`targets` by `'extracted/targets.parquet'`" in section
    (sql,) = _blocks(section, "sql")
    on_files = re.sub(r"\b(targets|responsibilities) AS", r"'extracted/\1.parquet' AS", sql)
    assert on_files.count(".parquet'") == 2
    (tmp_path / "extracted").symlink_to(samples, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    from_files = duckdb.connect().execute(on_files).fetchall()
    from_db = duckdb.connect(str(samples / "policy.duckdb"), read_only=True).execute(sql).fetchall()
    assert from_files == from_db and len(from_db) > 10


def test_readme_python_snippets_run(samples, tmp_path, monkeypatch, capsys):
    section = _loading_section()
    (sql,) = _blocks(section, "sql")
    snippets = _blocks(section, "python")
    assert len(snippets) == 2 and "read_parquet" in snippets[0] and "duckdb.connect" in snippets[1]
    (tmp_path / "extracted").symlink_to(samples, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    env: dict = {"QUERY": sql}
    for code in snippets:
        exec(compile(code, "README.md", "exec"), env)
    n_targets = pq.read_metadata(samples / "targets.parquet").num_rows
    assert n_targets > 200 and len(env["targets"]) == n_targets and len(env["df"]) > 0
    assert str(n_targets) in capsys.readouterr().out


# --- data dictionary ---------------------------------------------------------------------------

def _unescape(cell: str) -> str:
    return re.sub(r"\\(.)", r"\1", cell)


def test_data_dictionary_lists_every_column_with_type_and_meaning(samples):
    md = (samples / "DATA_DICTIONARY.md").read_text(encoding="utf-8")
    assert md == data_dictionary_markdown()
    found: dict[str, dict[str, tuple[str, str, str]]] = {}
    table = None
    for line in md.splitlines():
        if line.startswith("## "):
            table = line[3:].strip()
            found[table] = {}
        elif line.startswith("| `") and table:
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            name, type_, nullable, meaning = cells
            found[table][name.strip("`")] = (type_.strip("`"), nullable, _unescape(meaning))
    assert list(found) == list(SCHEMAS)
    for name, schema in SCHEMAS.items():
        assert list(found[name]) == schema.names, name
        for f in schema:
            assert found[name][f.name] == (str(f.type), "yes" if f.nullable else "no",
                                           COLUMN_DOCS[name][f.name]), (name, f.name)
    assert found["targets"]["qualifiers"][0] == "list<item: string>"
    assert found["documents"]["source_format"][2] == "txt | html | docx | pdf"


def test_dictionary_page_of_the_report_lists_every_column():
    from lxml import html as lhtml

    page = lhtml.fromstring(render_dictionary_page())
    for name, schema in SCHEMAS.items():
        rows = [[td.text_content() for td in tr.iter("td")]
                for tr in page.get_element_by_id(f"dict-{name}").iter("tr")][1:]
        assert rows == [[f.name, str(f.type), "yes" if f.nullable else "no", COLUMN_DOCS[name][f.name]]
                        for f in schema]


# --- Excel --------------------------------------------------------------------------------------

def test_xlsx_has_a_sheet_per_table_with_all_rows(samples, tmp_path):
    path = tmp_path / "policy.xlsx"
    assert main(["xlsx", "--input", str(samples), "--output", str(path)]) == 0
    wb = load_workbook(path, read_only=True)
    assert wb.sheetnames == [*SCHEMAS, "notes"]
    for name, schema in SCHEMAS.items():
        rows = list(wb[name].iter_rows(values_only=True))
        assert list(rows[0]) == schema.names
        assert len(rows) - 1 == pq.read_metadata(samples / f"{name}.parquet").num_rows, name
    targets = list(wb["targets"].iter_rows(values_only=True))
    header = targets[0]
    first = pq.read_table(samples / "targets.parquet").slice(0, 1).to_pylist()[0]
    row = dict(zip(header, targets[1]))
    assert row["target_id"] == first["target_id"] and row["value_text"] == first["value_text"]
    assert row["qualifiers"] == ("; ".join(first["qualifiers"]) or None)
    docs = list(wb["documents"].iter_rows(values_only=True))
    assert all(len(r[-1]) < EXCEL_MAX_CELL for r in docs[1:])  # the samples need no cut
    notes = list(wb["notes"].iter_rows(values_only=True))
    assert notes[0] == ("sheet", "row", "column", "kind", "note") and [n[3] for n in notes[1:]] == ["about"]


def test_xlsx_truncates_long_cells_and_cleans_illegal_characters(tmp_path):
    text = "开头" + "长" * 40_000 + "结尾"
    doc = {"doc_id": "D1", "source_path": "a\x01b.txt", "source_format": "txt", "encoding": "utf-8",
           "script": "simplified", "title": "=SUM(A1:A2)", "issuer": None, "doc_number": None,
           "issue_date": None, "period_start": 2021, "period_end": None, "n_chars": len(text), "text": text}
    pq.write_table(pa.Table.from_pylist([doc], schema=SCHEMAS["documents"]), tmp_path / "documents.parquet")
    for name, schema in SCHEMAS.items():
        if name != "documents":
            pq.write_table(schema.empty_table(), tmp_path / f"{name}.parquet")
    result = write_xlsx(tmp_path)
    wb = load_workbook(tmp_path / "policy.xlsx")
    ws = wb["documents"]
    header = [c.value for c in ws[1]]
    cells = {h: c for h, c in zip(header, ws[2])}
    cut = cells["text"].value
    assert len(cut) == EXCEL_MAX_CELL
    assert cut.startswith("开头长长") and cut.endswith(
        f"…[truncated by policy.xlsx: {EXCEL_MAX_CELL - len(cut[cut.index('…['):])} of {len(text)} characters; "
        f"full value in documents.parquet]")
    assert "结尾" not in cut
    assert cells["source_path"].value == "a\ufffdb.txt"
    assert cells["title"].value == "=SUM(A1:A2)" and cells["title"].data_type == "s"  # text, not a formula
    assert cells["period_start"].value == 2021 and cells["issuer"].value is None
    # an empty table still gets its sheet, with a header
    assert [c.value for c in wb["entities"][1]] == SCHEMAS["entities"].names and wb["entities"].max_row == 1
    notes = [tuple(c.value for c in r) for r in wb["notes"].iter_rows(min_row=2)]
    kinds = {(n[0], n[1], n[2], n[3]) for n in notes}
    assert ("documents", 2, "text", "truncated") in kinds
    assert ("documents", 2, "source_path", "illegal_characters") in kinds
    assert {n[3] for n in result["notes"]} == {"truncated", "illegal_characters"}


def test_xlsx_is_byte_repeatable(samples, tmp_path):
    import time

    write_xlsx(samples, tmp_path / "a.xlsx")
    time.sleep(2.1)  # zip entries have a 2-second resolution; core.xml has seconds
    write_xlsx(samples, tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    wb = load_workbook(tmp_path / "b.xlsx", read_only=True)
    assert wb.sheetnames == [*SCHEMAS, "notes"]
    assert wb.properties.modified == wb.properties.created


def test_xlsx_cli_needs_extracted_tables(tmp_path):
    assert main(["xlsx", "--input", str(tmp_path)]) == 2
    assert not (tmp_path / "policy.xlsx").exists()
