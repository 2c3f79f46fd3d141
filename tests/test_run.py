"""End to end: bad inputs, atomic and deterministic outputs, incremental runs, engines, CLI."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline import DEFAULT_RULES_DIR
from pipeline.__main__ import main
from pipeline.run import process as process_module
from pipeline.run import runner as run_module
from pipeline.run.runner import run_extract
from pipeline.tables.registry import Registry

POLICY = """某某市推进先进制造业高质量发展三年行动计划（2023-2025年）

一、总体要求
到2025年，全市规模以上工业总产值达到5000亿元，力争培育30-40家专精特新“小巨人”企业。
二、重点任务
（一）做强产业集群
支持光明乳业、华力微电子等龙头企业发展。（责任单位：市经济信息化委、市发展改革委）
"""

TABLES = ("documents", "sections", "targets", "deadlines", "responsibilities", "entities", "errors")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def table_bytes(out: Path) -> dict[str, bytes]:
    return {name: (out / f"{name}.parquet").read_bytes() for name in TABLES}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "plan.txt").write_text(POLICY, encoding="utf-8")
    (src / "sub" / "plan_gbk.txt").write_bytes(POLICY.replace("某某市", "另一市").encode("gbk"))
    return src


def bad_inputs(src: Path) -> dict[str, str]:
    """Write one file of each kind of bad input; returns {path: expected error kind(s)}."""
    (src / "empty.txt").write_bytes(b"")
    (src / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (src / "notes.xlsx").write_bytes(b"PK\x03\x04not really a workbook")
    (src / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
    return {"empty.txt": "empty", "binary.txt": "undecodable|binary", "notes.xlsx": "unsupported_format",
            "broken.pdf": "corrupt"}


def test_bad_inputs_become_error_rows_and_the_rest_is_processed(corpus, tmp_path):
    expected = bad_inputs(corpus)
    before = {p: sha(p) for p in corpus.rglob("*") if p.is_file()}
    summary = run_extract(corpus, tmp_path / "out", workers=1)
    docs = pd.read_parquet(tmp_path / "out" / "documents.parquet")
    errors = pd.read_parquet(tmp_path / "out" / "errors.parquet")
    assert sorted(docs.source_path) == ["plan.txt", "sub/plan_gbk.txt"]
    assert dict(zip(docs.source_path, docs.encoding))["sub/plan_gbk.txt"] == "gb18030"
    assert sorted(errors.source_path) == sorted(expected)
    for row in errors.itertuples():
        assert row.error in expected[row.source_path].split("|"), row
        assert row.source_path in row.message and len(row.message) > 20
    assert summary.n_errors == 4 and summary.n_inputs == 6
    # the input folder is never written
    assert {p: sha(p) for p in corpus.rglob("*") if p.is_file()} == before


def test_gbk_and_utf8_copies_give_the_same_text(corpus, tmp_path):
    (corpus / "sub" / "plan_gbk.txt").write_bytes(POLICY.encode("gbk"))
    run_extract(corpus, tmp_path / "out", workers=1)
    docs = pd.read_parquet(tmp_path / "out" / "documents.parquet").set_index("source_path")
    assert docs.loc["plan.txt", "text"] == docs.loc["sub/plan_gbk.txt", "text"]
    assert docs.loc["plan.txt", "doc_id"] != docs.loc["sub/plan_gbk.txt", "doc_id"]


def test_two_runs_give_identical_tables(corpus, tmp_path):
    run_extract(corpus, tmp_path / "a", workers=1, incremental=False)
    run_extract(corpus, tmp_path / "b", workers=1, incremental=False)
    assert table_bytes(tmp_path / "a") == table_bytes(tmp_path / "b")
    ma = json.loads((tmp_path / "a" / "manifest.json").read_text())
    mb = json.loads((tmp_path / "b" / "manifest.json").read_text())
    for m in (ma, mb):
        m.pop("run_started"), m.pop("run_finished")
    assert ma == mb


@pytest.mark.parametrize("where", ["while processing documents", "while writing the tables"])
def test_interrupted_run_leaves_previous_outputs_intact(corpus, tmp_path, monkeypatch, where):
    out = tmp_path / "out"
    run_extract(corpus, out, workers=1)
    before = table_bytes(out)
    manifest_before = (out / "manifest.json").read_bytes()
    (corpus / "plan.txt").write_text(POLICY + "\n三、保障措施\n加强组织领导。\n", encoding="utf-8")
    calls = {"n": 0}
    if where == "while processing documents":
        real_process = process_module.process_file

        def interrupt(path, input_dir, extractors, *args, **kw):
            calls["n"] += 1
            if calls["n"] == 2:  # the first document's rows are already buffered
                raise KeyboardInterrupt
            return real_process(path, input_dir, extractors, *args, **kw)

        monkeypatch.setattr(process_module, "process_file", interrupt)
    else:
        real_to_table = Registry.to_table      # what the run converts rows with

        def interrupt(self, name, rows, **kw):
            calls["n"] += 1
            if calls["n"] == 3:  # two tables converted, the others not yet
                raise KeyboardInterrupt
            return real_to_table(self, name, rows, **kw)

        monkeypatch.setattr(Registry, "to_table", interrupt)
    with pytest.raises(KeyboardInterrupt):
        run_extract(corpus, out, workers=1, incremental=False)
    assert calls["n"] >= 2
    assert table_bytes(out) == before
    assert (out / "manifest.json").read_bytes() == manifest_before
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_incremental_runs_reuse_unchanged_inputs(corpus, tmp_path):
    out = tmp_path / "out"
    first = run_extract(corpus, out, workers=1)
    assert (first.n_reused, first.n_inputs) == (0, 2)
    full = table_bytes(out)

    again = run_extract(corpus, out, workers=1)
    assert again.n_reused == 2
    assert table_bytes(out) == full  # reuse gives the same bytes as processing

    (corpus / "plan.txt").write_text(POLICY.replace("5000亿元", "6000亿元"), encoding="utf-8")
    changed = run_extract(corpus, out, workers=1)
    assert changed.n_reused == 1
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["incremental"] == {"enabled": True, "reused": 1, "processed": 1}

    (corpus / "sub" / "plan_gbk.txt").unlink()
    removed = run_extract(corpus, out, workers=1)
    docs = pd.read_parquet(out / "documents.parquet")
    assert list(docs.source_path) == ["plan.txt"] and removed.n_reused == 1
    assert len(list((out / ".cache").iterdir())) == 1  # the removed input's entry is pruned


def test_a_damaged_cache_entry_is_recomputed(corpus, tmp_path):
    out = tmp_path / "out"
    run_extract(corpus, out, workers=1)
    full = table_bytes(out)
    entries = sorted((out / ".cache").iterdir())
    assert len(entries) == 2
    entries[0].write_bytes(b"not a pickle")
    again = run_extract(corpus, out, workers=1)
    assert again.n_reused == 1 and table_bytes(out) == full
    assert run_extract(corpus, out, workers=1).n_reused == 2      # the entry was rewritten


def test_a_transient_error_is_not_cached(corpus, tmp_path, monkeypatch):
    # a crash (internal_error) says nothing about the file: the next run must try it again
    out = tmp_path / "out"
    real_extract = run_module.Extractors.__call__
    calls = {"n": 0}

    def crash_once(self, doc):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("simulated crash")
        return real_extract(self, doc)

    monkeypatch.setattr(run_module.Extractors, "__call__", crash_once)
    first = run_extract(corpus, out, workers=1)
    errors = pd.read_parquet(out / "errors.parquet")
    assert first.n_errors == 1 and list(errors.error) == ["internal_error"]
    assert len(list((out / ".cache").iterdir())) == 1             # only the good result is cached
    second = run_extract(corpus, out, workers=1)
    assert (second.n_reused, second.n_errors) == (1, 0)
    assert pd.read_parquet(out / "errors.parquet").empty


@pytest.mark.parametrize("change,message", [
    ({"target_year": 40000}, "targets.target_year = 40000 does not fit"),
    ({"bound": "about"}, "targets.bound = 'about' is outside the contract's"),
])
def test_a_row_breaking_the_contract_becomes_that_files_error_row(corpus, tmp_path, monkeypatch, change, message):
    # a bug that yields a bad value must name the file and spare the rest of the run: the worker checks
    # each file's rows (the writer does not check them again)
    real_extract = run_module.Extractors.__call__

    def bad_year(self, doc):
        extraction = real_extract(self, doc)
        if doc.source_path == "plan.txt":
            extraction.targets[0] = dataclasses.replace(extraction.targets[0], **change)
        return extraction

    monkeypatch.setattr(run_module.Extractors, "__call__", bad_year)
    summary = run_extract(corpus, tmp_path / "out", workers=1, incremental=False)
    errors = pd.read_parquet(tmp_path / "out" / "errors.parquet")
    assert (list(errors.source_path), list(errors.stage), list(errors.error)) == (
        ["plan.txt"], ["export"], ["contract"])
    assert message in errors.message[0]
    docs = pd.read_parquet(tmp_path / "out" / "documents.parquet")
    assert list(docs.source_path) == ["sub/plan_gbk.txt"] and summary.n_errors == 1


def test_a_changed_rule_file_reprocesses_everything(corpus, tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, rules)
    out = tmp_path / "out"
    run_extract(corpus, out, rules, workers=1)
    with open(rules / "common.toml", "a", encoding="utf-8") as fh:
        fh.write("\n# a maintainer's comment\n")
    rerun = run_extract(corpus, out, rules, workers=1)
    assert rerun.n_reused == 0


def test_engines_produce_identical_tables(corpus, tmp_path):
    bad_inputs(corpus)
    run_extract(corpus, tmp_path / "one", workers=1, incremental=False)
    run_extract(corpus, tmp_path / "pool", workers=2, incremental=False)
    run_extract(corpus, tmp_path / "dask", engine="dask", workers=2, incremental=False)
    one = table_bytes(tmp_path / "one")
    assert table_bytes(tmp_path / "pool") == one
    assert table_bytes(tmp_path / "dask") == one


def test_cli_exit_codes(corpus, tmp_path, capsys):
    assert main(["extract", "--input", str(tmp_path / "missing"), "--output", str(tmp_path / "o")]) == 2
    assert main(["extract", "--input", str(corpus), "--output", str(tmp_path / "o"), "--workers", "0"]) == 2
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, rules)
    (rules / "broken.toml").write_text("[[rule]]\nid = 'x.broken'\ndescription = 'd'\npattern = '(unclosed'\n"
                                       "examples = ['a']\ncounterexamples = ['b']\n", encoding="utf-8")
    capsys.readouterr()
    code = main(["extract", "--input", str(corpus), "--output", str(tmp_path / "o"), "--rules", str(rules)])
    err = capsys.readouterr().err
    assert code == 3
    assert "broken.toml" in err and "x.broken" in err and "does not compile" in err
    assert main(["extract", "--input", str(corpus), "--output", str(tmp_path / "o"), "--workers", "1"]) == 0
    assert (tmp_path / "o" / "manifest.json").exists()


def test_a_change_to_the_pipeline_code_reprocesses(corpus, tmp_path, monkeypatch):
    out = tmp_path / "out"
    run_extract(corpus, out, workers=1)
    assert run_extract(corpus, out, workers=1).n_reused == 2
    # an edited module between releases (same __version__) must not serve stale rows
    monkeypatch.setattr(run_module, "code_fingerprint", lambda: "0" * 64)
    assert run_extract(corpus, out, workers=1).n_reused == 0
    assert json.loads((out / "manifest.json").read_text())["code_fingerprint"] == "0" * 64


def test_code_fingerprint_covers_the_package_sources():
    from pipeline.run.cache import code_fingerprint
    assert len(code_fingerprint()) == 64 and code_fingerprint() == code_fingerprint()


def test_batched_keeps_order_and_the_short_tail():
    from pipeline.run.engines import batched
    assert list(batched(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(batched([], 3)) == []


def test_scheduled_batches_send_large_files_first_and_alone_within_each_window(tmp_path):
    from pipeline.run.engines import scheduled_batches
    sizes = {"a.txt": 10, "b.txt": 5000, "c.txt": 30, "d.txt": 20, "e.txt": 2000, "f.txt": 1}
    paths = []
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(b"x" * size)
        paths.append(tmp_path / name)
    paths.append(tmp_path / "missing.txt")                     # unreadable: size 0, still scheduled
    batches = scheduled_batches(paths, window=4, size=2, large=1000)
    names = [[p.name for _, p in b] for b in batches]
    # window 1 (a b c d): b alone first, then the small ones by size; window 2 (e f missing) likewise
    assert names == [["b.txt"], ["c.txt", "d.txt"], ["a.txt"], ["e.txt"], ["f.txt", "missing.txt"]]
    # every position once, so the output order can be restored
    assert sorted(i for b in batches for i, _ in b) == list(range(len(paths)))


def test_local_engine_yields_input_order_when_files_are_scheduled_largest_first(tmp_path):
    from pipeline.rulebook import default_book
    from pipeline.run.budget import RunOptions
    from pipeline.run.engines import LocalEngine
    corpus = tmp_path / "in"
    corpus.mkdir()
    for i, n in enumerate([1, 400, 2, 300, 3, 200, 4, 100, 5]):      # sizes out of input order
        (corpus / f"{i:02d}.txt").write_text("关于推进工作的通知\n" + "到2025年，新建学校5所。" * n, encoding="utf-8")
    paths = sorted(corpus.glob("*.txt"))
    engine = LocalEngine(2, default_book(), RunOptions())
    try:
        out = [r.source_path for r in engine.map_files(paths, corpus)]
    finally:
        engine.close()
    assert out == [f"{i:02d}.txt" for i in range(9)]


def test_a_result_is_prepared_when_it_arrives_and_yielded_in_its_turn(tmp_path):
    """The small file scheduled on the second worker finishes while the first worker is still on the large
    file before it: the run prepares (caches, converts) it then, not after the large one is yielded."""
    from pipeline.rulebook import default_book
    from pipeline.run.budget import RunOptions
    from pipeline.run.engines import LocalEngine
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "00.txt").write_text("关于推进工作的通知\n" + "到2025年，新建学校5所。" * 3000, encoding="utf-8")
    for i in range(1, 5):      # batches of four: 00 with three of these on one worker, the smallest alone
        (corpus / f"{i:02d}.txt").write_text("关于推进工作的通知\n" + "到2025年，新建学校5所。" * (10 - i),
                                             encoding="utf-8")
    events: list[tuple[str, str]] = []

    def arrived(result):
        events.append(("arrived", result.source_path))
        result.sha256 = "prepared"
        return result

    engine = LocalEngine(2, default_book(), RunOptions())
    try:
        for result in engine.map_files(sorted(corpus.glob("*.txt")), corpus, arrived):
            assert result.sha256 == "prepared"          # what on_arrival returned is what is yielded
            events.append(("yielded", result.source_path))
    finally:
        engine.close()
    assert [name for kind, name in events if kind == "yielded"] == [f"{i:02d}.txt" for i in range(5)]
    assert sorted(name for kind, name in events if kind == "arrived") == [f"{i:02d}.txt" for i in range(5)]
    assert events.index(("arrived", "04.txt")) < events.index(("yielded", "00.txt"))


def test_a_packed_document_lands_in_the_same_row_groups_as_its_rows(tmp_path):
    """pack_tables converts a document's large tables to Arrow on arrival; the parquet file holds the same
    rows in the same row groups as when the writer converts the rows itself."""
    import pyarrow.parquet as pq

    from pipeline.extract import REGISTRY
    from pipeline.tables.export import StreamingTables, pack_tables
    from pipeline.tables.rows import DeadlineRow

    def rows(doc: str, n: int) -> list:
        return [DeadlineRow(doc_id=doc, deadline_id=f"{doc}-d{i}", section_id=None, sentence="到2025年。",
                            char_start=i, char_end=i + 5, text="到2025年", kind="by",
                            start_date=None, end_date=None, rule_id="deadline.by") for i in range(n)]

    documents = [rows("a", 30), rows("b", 7000), rows("c", 40), rows("d", 2500), rows("e", 5)]
    schema = REGISTRY.table("deadlines").schema

    def to_table(name, rs):
        return REGISTRY.to_table(name, rs, checked=True)

    for out, packed in ((tmp_path / "rows", False), (tmp_path / "packed", True)):
        with StreamingTables(out, {"deadlines": schema}, to_table, row_group_rows=5000) as tables:
            for doc in documents:
                tables.add("deadlines", pack_tables({"deadlines": doc}, to_table, ["deadlines"])["deadlines"]
                           if packed else doc)
        assert tables.counts == {"deadlines": 9575}
    assert pack_tables({"deadlines": documents[1], "errors": []}, to_table, ["deadlines"])["deadlines"].num_rows \
        == 7000
    assert isinstance(pack_tables({"deadlines": documents[0]}, to_table, ["deadlines"])["deadlines"], list)
    assert pq.read_table(tmp_path / "packed" / "deadlines.parquet").equals(
        pq.read_table(tmp_path / "rows" / "deadlines.parquet"))
    meta = pq.read_metadata(tmp_path / "packed" / "deadlines.parquet")
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [7030, 2545]
    assert pq.read_table(tmp_path / "packed" / "deadlines.parquet").column("deadline_id").to_pylist() == \
        [r.deadline_id for doc in documents for r in doc]


def test_code_fingerprint_changes_with_a_library_version(monkeypatch):
    from pipeline.run import cache
    before = cache.code_fingerprint()
    real = cache._version
    monkeypatch.setattr(cache, "_version", lambda name: "9.9" if name == "jieba" else real(name))
    assert cache.code_fingerprint() != before
    assert real("jieba") != "absent" and real("no-such-distribution") == "absent"
