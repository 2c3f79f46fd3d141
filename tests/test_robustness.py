"""Robustness: no input stalls a run, loses a good document, or escapes the input folder.

A generated folder of malformed inputs (truncated, mixed-encoding, oversized, deeply nested, binary,
adversarial, a hanging and a memory-hungry document, a link out of the folder, a .docx that expands
far past its size) runs on two workers: every file ends in ``documents`` or ``errors``, the good files
keep exactly the rows they have alone, and nothing is an ``internal_error``. Hypothesis generates byte
strings for the per-file property. Runs killed with SIGKILL or SIGTERM leave the previous tables
byte-identical, no worker and no temporary file. No test asserts a time: budgets are checked by the
errors rows they produce.
"""
from __future__ import annotations

import io
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import regex
from distributed.diagnostics.plugin import WorkerPlugin
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pipeline.run.process as process_module
from pipeline import DEFAULT_RULES_DIR
from pipeline.__main__ import main
from pipeline.extract import Extractors
from pipeline.extract import rules as rules_module
from pipeline.extract.rules import Rule, collect_timeouts
from pipeline.rulebook import RuleBook, default_book
from pipeline.run.budget import Budget, RunOptions
from pipeline.run.process import process_file
from pipeline.run.runner import run_extract
from pipeline.stages.ingest import IngestOptions
from pipeline.stages.normalize import MAX_LINE, load_vocabulary, normalize
from pipeline.tables.schema import TABLES

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "raw").glob("*.txt"))
SENTENCE = "到2025年，全区规模以上工业总产值达到3000亿元，年均增长8%以上。"
HANG = "本文件用于检验时间预算"          # a document the test makes hang (see the monkeypatch below)
HOG = "本文件用于检验内存预算"           # ... and one that asks for far more memory than its budget


@pytest.fixture(scope="module")
def extractors() -> Extractors:
    return Extractors.from_rulebook(default_book())


def _docx(body_xml: str) -> bytes:
    """A minimal .docx whose document.xml holds ``body_xml``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="rels" ContentType="application/'
                   'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
                   '"application/xml"/><Override PartName="/word/document.xml" ContentType="application/'
                   'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
                   '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                   'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
                   'Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml",
                   '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats'
                   f'.org/wordprocessingml/2006/main"><w:body>{body_xml}</w:body></w:document>')
    return buf.getvalue()


def build_malformed_corpus(folder: Path, outside: Path, seed: int = 13) -> dict[str, str]:
    """Write the malformed folder; returns {file: what it is}. ``good`` files must keep their rows."""
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    kinds: dict[str, str] = {}

    def put(name: str, data: bytes, kind: str) -> None:
        (folder / name).write_bytes(data)
        kinds[name] = kind

    for path in SAMPLES[:3]:
        put(f"good_{path.name}", path.read_bytes(), "good")
    sample = SAMPLES[0].read_bytes()
    cut = len(sample) // 2
    while sample[cut] & 0xC0 == 0x80:     # cut inside a UTF-8 character, on purpose
        cut += 1
    put("truncated.txt", sample[:cut + 1], "truncated")
    mixed = sample.decode().split("\n")
    mixed.insert(3, "（二）本行是国标编码的一句话。")
    put("mixed_encoding.txt", "\n".join(mixed[:3]).encode() + b"\n" + mixed[3].encode("gbk") + b"\n"
        + "\n".join(mixed[4:]).encode(), "mixed")
    put("one_long_line.txt", (SENTENCE * (400_000 // len(SENTENCE))).encode(), "oversized")
    put("digit_run.txt", b"7" * 200_000, "oversized")
    put("nested.html", b"<html><body>" + b"<div>" * 20_000 + "正文".encode() + b"</div>" * 20_000
        + b"</body></html>", "nested")
    put("binary.txt", bytes(rng.randrange(256) for _ in range(4096)), "binary")
    put("brackets.txt", ("（" * 50_000 + "到2025年" + "）" * 50_000).encode(), "adversarial")
    put("tabs.txt", ("\t".join(["增长8%"] * 20_000)).encode(), "adversarial")
    put("truncated.docx", _docx("<w:p><w:r><w:t>到2025年完成。</w:t></w:r></w:p>")[:300], "truncated")
    put("expands.docx", _docx("<w:p><w:r><w:t>" + "增" * 1_000_000 + "</w:t></w:r></w:p>"), "bomb")
    put("truncated.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n", "truncated")
    put("hang.txt", f"{HANG}。\n{SENTENCE}\n".encode(), "hang")
    put("hog.txt", f"{HOG}。\n{SENTENCE}\n".encode(), "hog")
    outside.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    os.symlink(outside, folder / "passwd.txt")
    kinds["passwd.txt"] = "symlink"
    return kinds


def _slow_build(real):
    def build(ingested, vocabulary=None):
        if HANG in ingested.raw_text:
            while True:           # a Python loop that never ends: the supervisor kills the worker
                pass
        if HOG in ingested.raw_text:
            hog = bytearray(8 << 30)   # far over the memory budget: MemoryError under the worker's limit
            return hog
        return real(ingested, vocabulary)
    return build


def test_a_malformed_folder_runs_to_completion_and_accounts_for_every_file(tmp_path, monkeypatch, extractors):
    kinds = build_malformed_corpus(tmp_path / "in", tmp_path / "passwd")
    # forked workers inherit the patched function: two inputs misbehave only in this test
    monkeypatch.setattr(process_module, "build_document", _slow_build(process_module.build_document))
    summary = run_extract(tmp_path / "in", tmp_path / "out", workers=2, incremental=False,
                          budget=Budget(seconds=60, memory_mb=1024),
                          ingest=IngestOptions(max_docx_bytes=1 << 20))
    tables = {name: pq.read_table(tmp_path / "out" / f"{name}.parquet").to_pylist() for name in TABLES}
    errors: dict[str, list[dict]] = {}
    for row in tables["errors"]:
        errors.setdefault(row["source_path"], []).append(row)
    documents = {row["source_path"] for row in tables["documents"]}
    assert summary.n_inputs == len(kinds)
    assert summary.n_internal_errors == 0
    for name in kinds:       # every file is a document, or is explained in errors
        assert name in documents or name in errors, name
    assert not [r for r in tables["errors"] if r["error"] == "internal_error"]
    kind_of = {name: {r["error"] for r in rows if not r["error"].endswith("_warning")}
               for name, rows in errors.items()}
    assert kind_of["hang.txt"] == {"timeout"}
    assert [r["stage"] for r in errors["hang.txt"]] == ["normalize"]
    assert kind_of["hog.txt"] == {"too_large"}
    assert kind_of["expands.docx"] == {"too_large"}
    assert kind_of["passwd.txt"] == {"symlink_outside"}
    assert "/etc/passwd" not in str(tables["documents"]) and "root:x:0:0" not in str(tables["documents"])
    assert kind_of["binary.txt"] == {"undecodable"}
    assert {"mixed_encoding.txt", "truncated.txt", "one_long_line.txt", "brackets.txt"} <= documents
    warning = next(r for r in errors["mixed_encoding.txt"] if r["error"] == "decoding_warning")
    assert "line(s) 4" in warning["message"]
    # a good file keeps exactly the rows it has on its own
    good = [name for name, kind in kinds.items() if kind == "good"]
    for name in good:
        alone = process_file(tmp_path / "in" / name, tmp_path / "in", extractors)
        for table in ("targets", "deadlines", "responsibilities"):
            got = [r for r in tables[table] if r["doc_id"] == alone.documents[0].doc_id]
            assert len(got) == len(getattr(alone, table)), (name, table)
    long_doc = next(r for r in tables["documents"] if r["source_path"] == "one_long_line.txt")
    assert max(len(line) for line in long_doc["text"].split("\n")) <= MAX_LINE


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(
    st.binary(max_size=3000),
    st.text(max_size=2000).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.lists(st.sampled_from([SENTENCE, "（一）", "\t", "1234567890", "首页 > ", "。", "\n", "\ufffd", "一一"]),
             max_size=300).map(lambda parts: "".join(parts).encode("utf-8")),
    st.tuples(st.sampled_from(SAMPLES), st.integers(0, 20_000), st.binary(max_size=50)).map(
        lambda t: t[0].read_bytes()[:t[1]] + t[2]),
), suffix=st.sampled_from([".txt", ".html", ".docx", ".pdf"]))
def test_any_bytes_end_in_documents_or_errors_never_internal_error(data, suffix, extractors, tmp_path_factory):
    folder = tmp_path_factory.mktemp("gen")
    path = folder / f"input{suffix}"
    path.write_bytes(data)
    result = process_file(path, folder, extractors)
    assert result.documents or result.errors
    assert not [e for e in result.errors if e.error == "internal_error"], result.errors
    if result.documents:
        assert all(len(line) <= MAX_LINE for line in result.documents[0].text.split("\n"))


def test_a_rule_timeout_costs_one_sentence_not_the_document(tmp_path, monkeypatch, extractors):
    slow = Rule(id="test.slow", description="", source="rules/test.toml",
                pattern=regex.compile(r"(?:a|aa)+c|到(?P<year>\d{4})年"), attrs={}, examples=(),
                counterexamples=())
    text = f"{SENTENCE}\n{'a' * 40}。\n到2026年，新增高新技术企业500家。\n"
    monkeypatch.setattr(rules_module, "MATCH_TIMEOUT_S", 0.2)
    with collect_timeouts() as skipped:
        years = [m.group("year") for m in slow.finditer(text) if m.group("year")]
    assert years == ["2025", "2026"]              # the matches before and after the slow sentence
    assert [(s.rule_id, s.snippet[:5]) for s in skipped] == [("test.slow", "aaaaa")]
    with pytest.raises(rules_module.RuleError, match="timed out"):   # outside a document: an error
        list(slow.finditer(text))

    (tmp_path / "plan.txt").write_text(text, encoding="utf-8")
    plain = process_file(tmp_path / "plan.txt", tmp_path, extractors)
    real_call = Extractors.__call__

    def with_slow_rule(self, doc):
        list(slow.finditer(doc.text))
        return real_call(self, doc)

    monkeypatch.setattr(Extractors, "__call__", with_slow_rule)
    result = process_file(tmp_path / "plan.txt", tmp_path, extractors)
    assert [(e.error, e.stage) for e in result.errors] == [("rule_timeout_warning", "extract")]
    assert "'test.slow'" in result.errors[0].message and "1 sentence(s)" in result.errors[0].message
    assert len(result.documents) == 1 and len(result.targets) == len(plain.targets) > 0


def test_one_worker_time_guard_and_exit_status_5(tmp_path, monkeypatch, extractors):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(f"{HANG}。\n", encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_text(f"{SENTENCE}\n", encoding="utf-8")
    monkeypatch.setattr(process_module, "build_document", _slow_build(process_module.build_document))
    options = RunOptions(budget=Budget(seconds=1))
    hung = process_module.guarded_process_file(tmp_path / "in" / "a.txt", tmp_path / "in", extractors, options)
    assert [(e.error, e.stage) for e in hung.errors] == [("timeout", "normalize")]

    def crash(self, doc):
        raise ValueError("a defect")

    monkeypatch.setattr(Extractors, "__call__", crash)
    code = main(["extract", "--input", str(tmp_path / "in"), "--output", str(tmp_path / "out"), "--workers", "1",
                 "--time-budget", "2", "--no-publish"])
    assert code == 5                             # b.txt failed with internal_error; the tables are written
    errors = pq.read_table(tmp_path / "out" / "errors.parquet").to_pylist()
    assert sorted((r["source_path"], r["error"]) for r in errors) == [("a.txt", "timeout"),
                                                                     ("b.txt", "internal_error")]


def test_boilerplate_vocabulary_is_checked_and_read_from_rules(tmp_path):
    rules = tmp_path / "rules"
    subprocess.run(["cp", "-r", str(DEFAULT_RULES_DIR), str(rules)], check=True)
    vocab = rules / "boilerplate.toml"
    original = vocab.read_text(encoding="utf-8")
    vocab.write_text(original.replace("\nfooter = [", "\nfooters = [", 1), encoding="utf-8")
    assert main(["rules-check", "--rules", str(rules)]) == 3
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(f"{SENTENCE}\n", encoding="utf-8")
    assert main(["extract", "--input", str(tmp_path / "in"), "--output", str(tmp_path / "o"),
                 "--rules", str(rules), "--workers", "1"]) == 3
    # a marker only the copied vocabulary knows removes the breadcrumb line
    vocab.write_text(original.replace('location_markers = [', 'location_markers = ["本页所处栏目", ', 1),
                     encoding="utf-8")
    text = "本页所处栏目：政策 文件\n关于加快发展的实施意见\n" + SENTENCE
    assert normalize(text, load_vocabulary(default_book())).text.startswith("本页所处栏目")
    assert normalize(text, load_vocabulary(RuleBook.load(rules))).text.startswith("关于加快发展")


def test_follow_symlinks_option_reads_a_link_out_of_the_folder(tmp_path, extractors):
    (tmp_path / "in").mkdir()
    (tmp_path / "elsewhere.txt").write_text(f"{SENTENCE}\n", encoding="utf-8")
    os.symlink(tmp_path / "elsewhere.txt", tmp_path / "in" / "linked.txt")
    refused = process_file(tmp_path / "in" / "linked.txt", tmp_path / "in", extractors)
    assert [e.error for e in refused.errors] == ["symlink_outside"] and not refused.documents
    options = RunOptions(ingest=IngestOptions(follow_symlinks=True))
    followed = process_file(tmp_path / "in" / "linked.txt", tmp_path / "in", extractors, options)
    assert len(followed.documents) == 1 and not followed.errors


# ---------------------------------------------------------------- interrupted runs


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("interrupt")
    corpus = base / "in"
    corpus.mkdir()
    for path in SAMPLES[:2]:
        (corpus / path.name).write_bytes(path.read_bytes())
    out = base / "out"
    run_extract(corpus, out, workers=1)
    for i in range(40):       # the next run has work enough to be stopped in the middle
        (corpus / f"copy_{i:02d}.txt").write_bytes(SAMPLES[i % len(SAMPLES)].read_bytes() + f"\n{i}。".encode())
    (corpus / "long.txt").write_bytes((SENTENCE * 6000).encode())
    return corpus, out


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_run_leaves_previous_tables_and_no_worker_or_temp_file(finished_run, sig):
    corpus, out = finished_run
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "extract", "--input", str(corpus), "--output",
                             str(out), "--workers", "2", "--no-incremental"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    workers: set[int] = set()
    for _ in range(600):          # until both workers run (the tables are open by then)
        workers = _children(proc.pid)
        if len(workers) >= 2 or proc.poll() is not None:
            break
        time.sleep(0.1)
    assert len(workers) >= 2, proc.stderr.read().decode() if proc.poll() is not None else "no workers"
    time.sleep(1.0)
    proc.send_signal(sig)
    code = proc.wait(60)
    assert code == (-signal.SIGKILL if sig == signal.SIGKILL else 128 + signal.SIGTERM)
    for _ in range(50):
        if not any(_alive(pid) for pid in workers):
            break
        time.sleep(0.1)
    assert not [pid for pid in workers if _alive(pid)]
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before                       # byte-identical, nothing added (no temp file)
    for name in TABLES:
        pq.read_table(out / f"{name}.parquet")   # and readable


class _MisbehaveOnMarkers(WorkerPlugin):
    """A Dask worker plugin (pickled by value: the workers are spawned and do not import this test module) that
    makes the HANG and HOG documents misbehave in each worker, a restarted worker included."""

    name = "test-misbehave-on-markers"

    def setup(self, worker) -> None:
        import pipeline.run.process as process_in_worker
        process_in_worker.build_document = _slow_build(process_in_worker.build_document)


def test_dask_engine_keeps_the_budgets(tmp_path, extractors):
    """On the Dask engine (LocalCluster, two workers) a document over the time budget becomes a ``timeout`` row
    and one over the memory budget a ``too_large`` row, and every other document keeps exactly its rows."""
    import cloudpickle

    from pipeline.run.dask_engine import DaskEngine
    from pipeline.run.runner import extract_with_engine

    folder = tmp_path / "in"
    folder.mkdir()
    for path in SAMPLES:
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "hang.txt").write_text(f"{HANG}。\n{SENTENCE}\n", encoding="utf-8")
    (folder / "hog.txt").write_text(f"{HOG}。\n{SENTENCE}\n", encoding="utf-8")
    (folder / "short.txt").write_text(SENTENCE + "\n", encoding="utf-8")
    options = RunOptions(budget=Budget(seconds=30, memory_mb=1024))
    engine = DaskEngine(2, default_book(), options=options)
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    try:
        engine._client.register_plugin(_MisbehaveOnMarkers())
        summary = extract_with_engine(folder, tmp_path / "out", engine, default_book().fingerprint,
                                      engine_name="dask", incremental=False, progress=False)
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
        engine.close()
    tables = {name: pq.read_table(tmp_path / "out" / f"{name}.parquet").to_pylist() for name in TABLES}
    errors = {(r["source_path"], r["error"], r["stage"]) for r in tables["errors"]}
    assert ("hang.txt", "timeout", "normalize") in errors
    assert ("hog.txt", "too_large", "normalize") in errors
    assert summary.n_internal_errors == 0
    assert {r["source_path"] for r in tables["errors"]} == {"hang.txt", "hog.txt"}
    documents = {r["source_path"] for r in tables["documents"]}
    assert documents == {p.name for p in SAMPLES} | {"short.txt"}
    for name in sorted(documents):      # the others keep the rows they have alone
        alone = process_file(folder / name, folder, extractors)
        for table in ("targets", "achievements", "deadlines", "responsibilities", "entities"):
            got = [r for r in tables[table] if r["doc_id"] == alone.documents[0].doc_id]
            assert len(got) == len(getattr(alone, table)), (name, table)


@pytest.mark.parametrize("memo_free_fits", [True, False])
def test_rows_too_large_to_pass_to_the_parent(tmp_path, monkeypatch, memo_free_fits):
    """A document whose rows fit in the worker but whose pickled message does not (the pickler's memo runs out
    of the worker's memory budget, as on a 5M-character line of targets) is sent again without a memo and
    keeps its rows; if that does not fit either, it is a ``too_large`` row of the export stage — never a
    crashed worker and an internal_error. The other documents keep their rows."""
    import multiprocessing.connection

    real_send, real_send_bytes = multiprocessing.connection.Connection.send, \
        multiprocessing.connection.Connection.send_bytes

    def send(self, obj):            # inherited by the forked workers; the parent sends tasks, not results
        if getattr(obj, "source_path", None) == "huge.txt" and obj.documents:    # the rows, not an error row
            raise MemoryError
        return real_send(self, obj)

    def send_bytes(self, buf, *args):
        if not memo_free_fits and b"huge.txt" in bytes(buf):
            raise MemoryError
        return real_send_bytes(self, buf, *args)

    monkeypatch.setattr(multiprocessing.connection.Connection, "send", send)
    monkeypatch.setattr(multiprocessing.connection.Connection, "send_bytes", send_bytes)
    folder = tmp_path / "in"
    folder.mkdir()
    for path in SAMPLES[:2]:
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "huge.txt").write_text(SENTENCE + "\n", encoding="utf-8")
    summary = run_extract(folder, tmp_path / "out", workers=2, incremental=False, progress=False)
    errors = pq.read_table(tmp_path / "out" / "errors.parquet").to_pylist()
    documents = sorted(d["source_path"] for d in pq.read_table(tmp_path / "out" / "documents.parquet").to_pylist())
    assert summary.n_internal_errors == 0
    if memo_free_fits:
        assert errors == [] and documents == sorted([p.name for p in SAMPLES[:2]] + ["huge.txt"])
        targets = pq.read_table(tmp_path / "out" / "targets.parquet").to_pylist()
        assert {r["value_text"] for r in targets if SENTENCE[:10] in r["sentence"]} >= {"3000亿元", "8%以上"}
    else:
        assert [(e["source_path"], e["error"], e["stage"]) for e in errors] == [("huge.txt", "too_large", "export")]
        assert "could not be passed to the main process" in errors[0]["message"]
        assert documents == sorted(p.name for p in SAMPLES[:2])
