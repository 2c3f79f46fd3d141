"""The rule book: read once from a folder, immutable, pickles, and writes back the same files."""
from __future__ import annotations

import pickle

import pytest

from pipeline import DEFAULT_RULES_DIR
from pipeline.extract.rules import rules_fingerprint
from pipeline.rulebook import RuleBook


def test_a_rule_book_holds_every_file_and_the_folders_fingerprint():
    book = RuleBook.from_dir(DEFAULT_RULES_DIR)
    assert "targets.toml" in book.files and "gazetteers/divisions.csv" in book.files
    assert book.fingerprint == rules_fingerprint(DEFAULT_RULES_DIR)
    assert "[[rule]]" in book.text("targets.toml")


def test_a_rule_book_is_immutable_and_survives_pickling(tmp_path):
    book = RuleBook.from_dir(DEFAULT_RULES_DIR)
    with pytest.raises(TypeError):
        book.files["targets.toml"] = b""            # type: ignore[index]
    again = pickle.loads(pickle.dumps(book))
    assert again == book and again.fingerprint == book.fingerprint
    out = again.materialize(tmp_path / "rules")
    assert rules_fingerprint(out) == book.fingerprint


def test_a_missing_file_or_folder_is_named():
    book = RuleBook(files={"a.toml": b"x = 1\n"}, origin="/somewhere/rules")
    with pytest.raises(FileNotFoundError, match="/somewhere/rules: no file b.toml"):
        book.text("b.toml")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        RuleBook.from_dir(DEFAULT_RULES_DIR / "no-such-folder")


# ---------------------------------------------------------------- views, loading, one read per run

import shutil
from collections import Counter
from pathlib import Path

import pandas as pd

from pipeline.__main__ import main
from pipeline.extract import rules as engine
from pipeline.extract.rules import RuleError
from pipeline.run.runner import run_extract
from pipeline.stages import normalize as normalize_module
from pipeline.tables.rows import TargetRow
from pipeline.tables.schema import to_table

ROOT = Path(__file__).resolve().parents[1]
SENTENCE = "到2025年，全区规模以上工业总产值达到3000亿元，年均增长8%以上。"


def test_views_are_built_once_per_book_and_rebuilt_after_unpickling():
    book = RuleBook.from_dir(DEFAULT_RULES_DIR)
    targets = book.ruleset("targets")
    assert book.ruleset("targets") is targets                    # compiled once, kept
    assert targets.source == str(DEFAULT_RULES_DIR / "targets.toml")   # messages name the file
    assert set(book.rulesets()) == {"deadlines", "entities", "indicators", "metadata", "passages", "places",
                                    "responsibilities", "sites", "targets", "unit_types"}
    again = pickle.loads(pickle.dumps(book))
    assert again._views == {}                                    # views do not travel: bytes do
    assert again.ruleset("targets").get("table.cell").pattern.pattern == targets.get("table.cell").pattern.pattern


def test_a_run_compiles_each_rule_file_and_the_vocabulary_exactly_once(tmp_path, monkeypatch):
    compiled: Counter[str] = Counter()
    real_ruleset, real_vocabulary = engine.compile_ruleset, normalize_module.compile_vocabulary

    def count_ruleset(data, source, common=None):
        compiled[Path(source).name] += 1
        return real_ruleset(data, source, common)

    def count_vocabulary(data, source, common):
        compiled[Path(source).name] += 1
        return real_vocabulary(data, source, common)

    monkeypatch.setattr(engine, "compile_ruleset", count_ruleset)
    monkeypatch.setattr(normalize_module, "compile_vocabulary", count_vocabulary)
    summary = run_extract(ROOT / "raw", tmp_path / "out", workers=1, incremental=False, progress=False)
    assert summary.n_inputs == 5 and summary.rows["targets"] > 100
    assert compiled == Counter({name: 1 for name in (
        "deadlines.toml", "entities.toml", "indicators.toml", "metadata.toml", "passages.toml", "places.toml",
        "responsibilities.toml", "sites.toml", "targets.toml", "unit_types.toml", "boilerplate.toml")})


def test_the_runs_own_rules_folder_is_read_not_the_packages(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, rules)
    vocab = rules / "boilerplate.toml"
    # a breadcrumb marker only the copy knows: the copy's run drops the line, the package's keeps it
    vocab.write_text(vocab.read_text(encoding="utf-8").replace(
        "location_markers = [", 'location_markers = ["本页所处栏目", ', 1), encoding="utf-8")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("本页所处栏目：政策 文件\n关于加快发展的实施意见\n" + SENTENCE + "\n",
                                           encoding="utf-8")
    run_extract(tmp_path / "in", tmp_path / "package", workers=1, incremental=False, progress=False)
    run_extract(tmp_path / "in", tmp_path / "copy", rules, workers=2, incremental=False, progress=False)
    package = pd.read_parquet(tmp_path / "package" / "documents.parquet").text[0]
    copy = pd.read_parquet(tmp_path / "copy" / "documents.parquet").text[0]
    assert package.startswith("本页所处栏目") and copy.startswith("关于加快发展的实施意见")
    manifest = (tmp_path / "copy" / "manifest.json").read_text(encoding="utf-8")
    assert RuleBook.from_dir(rules).fingerprint in manifest


BROKEN = [
    ("boilerplate.toml", lambda t: t.replace("\nfooter = [", "\nfooters = [", 1), None,
     "[web] has unknown key(s) ['footers']"),
    ("sites.toml", lambda t: t + '\n[[rule]]\nid = "site.broken"\n', "site.broken", "missing 'description'"),
    ("places.toml", lambda t: t + '\n[[rule]]\nid = "place.broken"\n', "place.broken", "missing 'description'"),
    ("metadata.toml", lambda t: t + "\n= 1\n", None, "invalid TOML"),
    ("gazetteers/divisions.csv", lambda t: t + "12345,某县,110000,county\n", "line", "needs a 6-digit code"),
]


@pytest.mark.parametrize("name,edit,rule_id,reason", BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_stage_file_fails_at_load_naming_the_file(tmp_path, capsys, name, edit, rule_id, reason):
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, rules)
    path = rules / name
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(RuleError) as exc:
        RuleBook.load(rules)
    assert exc.value.file == str(path) and reason in exc.value.reason
    if rule_id is not None:
        assert (exc.value.rule_id or "").startswith(rule_id)
    capsys.readouterr()
    assert main(["rules-check", "--rules", str(rules)]) == 3
    assert str(path) in capsys.readouterr().err
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(SENTENCE + "\n", encoding="utf-8")
    assert main(["extract", "--input", str(tmp_path / "in"), "--output", str(tmp_path / "out"),
                 "--rules", str(rules), "--workers", "1", "--no-publish"]) == 3
    assert str(path) in capsys.readouterr().err


def test_a_missing_rules_folder_is_a_rule_error():
    with pytest.raises(RuleError, match="does not exist"):
        RuleBook.load(DEFAULT_RULES_DIR / "no-such-folder")


def test_rows_checked_in_the_worker_are_not_checked_again_by_the_writer():
    row = TargetRow(**{**{f: None for f in TargetRow.__dataclass_fields__}, "doc_id": "d", "target_id": "t",
                       "bound": "about"})
    with pytest.raises(ValueError, match="targets.bound"):
        to_table("targets", [row])
    assert to_table("targets", [row], checked=True).num_rows == 1    # process_file's row_problem did it
