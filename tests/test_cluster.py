"""The package as a cluster runs it: a wheel installed away from the checkout, Dask workers that see no
path of the client.

The wheel is built once from a copy of the sources, installed into a venv of its own (the project's
dependencies reach it through a plain path line, which does not activate the checkout's editable
install), and run with its working directory in a temporary folder: with the local engine, and with
``--engine dask`` against a ``dask scheduler`` and two ``dask worker`` processes started from that venv.
"""
from __future__ import annotations

import importlib.util
import json
import os
import pickle
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
import tomllib

from pipeline import DEFAULT_RULES_DIR, DEFAULT_SPECS_DIR
from pipeline.__main__ import main
from pipeline.extract import Extractors
from pipeline.rulebook import RuleBook, default_book
from pipeline.run.budget import RunOptions
from pipeline.run.dask_engine import ExtractorsPlugin
from pipeline.run.process import process_file, process_input
from pipeline.stages.ingest import DocumentInput, IngestOptions, discover_url, read_input

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "raw").glob("*.txt"))[:3]
MAX_DOCX_MB = 1


def big_docx(path: Path) -> None:
    """A .docx whose one part decompresses to more than MAX_DOCX_MB (a few KB on disk)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", " " * ((MAX_DOCX_MB << 20) + 1))


def make_corpus(dest: Path) -> Path:
    """A few sample documents, and inputs that end as errors rows (too large, unsupported, empty)."""
    (dest / "sub").mkdir(parents=True)
    for path in SAMPLES:
        shutil.copy(path, dest / path.name)
    shutil.copy(SAMPLES[0], dest / "sub" / "copy.txt")
    big_docx(dest / "sub" / "huge.docx")
    (dest / "notes.md").write_text("# 说明\n", encoding="utf-8")
    (dest / "empty.txt").write_bytes(b"")
    return dest


def parquet_bytes(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.parquet"))}


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PYTHONNOUSERSITE"] = "1"
    return env


def run(args: list, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=clean_env(), capture_output=True, text=True)
    if check and done.returncode != 0:
        raise AssertionError(f"{args} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


# ------------------------------------------------------------------ the package


def test_the_package_list_names_every_code_folder():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "pipeline").rglob("__init__.py")}
    assert on_disk | {"pipeline._rules", "pipeline._specs"} == listed


def test_in_a_checkout_the_defaults_are_the_checkout_folders():
    assert DEFAULT_RULES_DIR == ROOT / "rules" and DEFAULT_SPECS_DIR == ROOT / "specs"


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The python of a venv that has the wheel and the project's dependencies, and no checkout."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("pipeline", "rules", "specs"):
        shutil.copytree(ROOT / name, src / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", src, "-w", tmp / "dist"], cwd=tmp)
    wheel = next((tmp / "dist").glob("policy_extract-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    rule_files = {p.relative_to(ROOT / "rules").as_posix() for p in (ROOT / "rules").rglob("*") if p.is_file()}
    assert {f"pipeline/_rules/{n}" for n in rule_files} <= names
    assert {f"pipeline/_specs/{p.name}" for p in (ROOT / "specs").glob("*.jsonl")} <= names

    venv = tmp / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=tmp)
    python = venv / "bin" / "python"
    run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", "--no-index", wheel],
        cwd=tmp)
    purelib = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=tmp).stdout.strip()
    # a plain path line: the dependencies, without running that folder's .pth files (the editable install)
    (Path(purelib) / "project_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    where = run([python, "-c", "import pipeline; print(pipeline.__file__); print(pipeline.DEFAULT_RULES_DIR); "
                               "print(pipeline.DEFAULT_SPECS_DIR)"], cwd=tmp).stdout.split()
    assert all(Path(p).is_relative_to(purelib) for p in where), where
    assert not any(Path(p).is_relative_to(ROOT) for p in where)
    assert Path(where[1]) == Path(purelib) / "pipeline" / "_rules"
    assert RuleBook.from_dir(Path(where[1])).fingerprint == RuleBook.from_dir(ROOT / "rules").fingerprint
    return python


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    """The corpus, and the tables the checkout's local engine makes of it."""
    tmp = tmp_path_factory.mktemp("reference")
    corpus = make_corpus(tmp / "corpus")
    assert main(["extract", "--input", str(corpus), "--output", str(tmp / "out"), "--workers", "1",
                 "--max-docx-mb", str(MAX_DOCX_MB), "--no-publish"]) == 0
    return corpus, parquet_bytes(tmp / "out")


def test_the_installed_package_runs_without_the_checkout(installed, reference, tmp_path):
    corpus, expected = reference
    inputs = shutil.copytree(corpus, tmp_path / "in")
    run([installed, "-m", "pipeline", "extract", "--input", inputs, "--output", tmp_path / "out",
         "--max-docx-mb", MAX_DOCX_MB], cwd=tmp_path)
    assert parquet_bytes(tmp_path / "out") == expected
    assert (tmp_path / "out" / "policy.duckdb").is_file()
    check = run([installed, "-m", "pipeline", "rules-check"], cwd=tmp_path)
    assert "behaviour cases in " + str(Path(installed).parent.parent) in check.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def cluster(installed, tmp_path_factory):
    """A scheduler and two workers started from the installed venv, working in folders of their own."""
    from distributed import Client
    tmp_path = tmp_path_factory.mktemp("cluster")
    address = f"tcp://127.0.0.1:{free_port()}"
    procs: list[subprocess.Popen] = []

    def start(args: list, name: str) -> None:
        cwd = tmp_path / name
        cwd.mkdir()
        log = open(cwd / "log.txt", "w")
        procs.append(subprocess.Popen([str(a) for a in args], cwd=cwd, env=clean_env(), stdout=log,
                                      stderr=subprocess.STDOUT, start_new_session=True))

    try:
        start([installed, "-m", "dask", "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
               "--no-dashboard"], "scheduler")
        for i in range(2):
            start([installed, "-m", "dask", "worker", address, "--nthreads", "1", "--no-dashboard",
                   "--local-directory", tmp_path / f"worker{i}" / "space"], f"worker{i}")
        with Client(address, timeout=120) as client:
            client.wait_for_workers(2, timeout=180)
            origins = client.run(lambda: importlib.util.find_spec("pipeline").origin)
        assert len(origins) == 2 and not any(Path(o).is_relative_to(ROOT) for o in origins.values()), origins
        yield address
    finally:
        for proc in procs:       # the process groups started above, nanny and worker alike
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def test_a_dask_cluster_of_installed_workers_gives_the_local_tables(installed, reference, cluster, tmp_path):
    corpus, expected = reference
    client = tmp_path / "client"
    client.mkdir()
    shutil.copytree(corpus, client / "in")
    # --input relative to the client's folder: a worker (working elsewhere) given the paths would not find them
    run([installed, "-m", "pipeline", "extract", "--input", "in", "--output", "out", "--engine", "dask",
         "--scheduler", cluster, "--max-docx-mb", MAX_DOCX_MB, "--no-publish"], cwd=client)
    got = parquet_bytes(client / "out")
    assert list(got) == list(expected) and "errors.parquet" in got
    assert got == expected


# ------------------------------------------------------------------ what goes to a worker


@pytest.fixture(scope="module")
def extractors() -> Extractors:
    return Extractors.from_rulebook(default_book())


def test_a_document_as_data_gives_the_rows_of_its_file(extractors, tmp_path):
    corpus = make_corpus(tmp_path / "in")
    options = RunOptions(ingest=IngestOptions(max_docx_bytes=MAX_DOCX_MB << 20))
    paths = sorted(p for p in corpus.rglob("*") if p.is_file())
    local = [process_file(p, corpus, extractors, options) for p in paths]
    docs = pickle.loads(pickle.dumps([read_input(p, corpus, options.ingest) for p in paths]))
    shutil.rmtree(corpus)      # a worker elsewhere has the data, not the files
    assert [process_input(d, extractors, options) for d in docs] == local
    errors = {r.source_path: r.errors[0].error for r in local if r.errors}
    assert errors == {"empty.txt": "empty", "notes.md": "unsupported_format", "sub/huge.docx": "too_large"}
    assert docs[paths.index(corpus / "notes.md")].data is None    # an unsupported file is not read


def test_a_document_behind_a_url_is_read_by_the_worker(extractors, tmp_path):
    corpus = make_corpus(tmp_path / "in")
    path = corpus / SAMPLES[0].name
    doc = read_input(path, corpus)
    by_url = type(doc)(doc.source_path, doc.suffix, url=path.as_uri())
    assert process_input(by_url, extractors) == process_file(path, corpus, extractors)
    gone = type(doc)("gone.txt", ".txt", url=(corpus / "gone.txt").as_uri())
    assert [e.error for e in process_input(gone, extractors).errors] == ["unreadable"]


def test_the_worker_plugin_carries_the_rules_not_their_path(tmp_path):
    rules = shutil.copytree(DEFAULT_RULES_DIR, tmp_path / "rules")
    plugin = pickle.loads(pickle.dumps(ExtractorsPlugin(RuleBook.from_dir(rules))))
    shutil.rmtree(rules)
    plugin.setup(worker=None)
    try:
        assert plugin.extractors is not None
        assert plugin.book.fingerprint == default_book().fingerprint
    finally:
        plugin.teardown(worker=None)
    assert plugin.extractors is None


def test_a_folder_url_is_read_by_the_dask_workers(installed, reference, cluster, tmp_path):
    corpus, expected = reference
    run([installed, "-m", "pipeline", "extract", "--input", corpus.as_uri(), "--output", tmp_path / "out",
         "--engine", "dask", "--scheduler", cluster, "--max-docx-mb", MAX_DOCX_MB, "--no-publish"], cwd=tmp_path)
    assert parquet_bytes(tmp_path / "out") == expected
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["incremental"]["enabled"] is False and len(manifest["inputs"]) == 7
    assert main(["extract", "--input", corpus.as_uri(), "--output", str(tmp_path / "o2")]) == 2
    with pytest.raises(NotADirectoryError, match="does not exist"):
        discover_url((tmp_path / "nothing").as_uri())


def test_without_fsspec_a_url_is_an_errors_row(extractors, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "fsspec", None)     # import fsspec raises ImportError
    doc = DocumentInput("a/plan.txt", ".txt", url="s3://bucket/a/plan.txt")
    [error] = process_input(doc, extractors).errors
    assert (error.stage, error.error) == ("ingest", "unreadable") and "needs fsspec" in error.message
    with pytest.raises(NotADirectoryError, match="needs fsspec"):
        discover_url("s3://bucket/a")
