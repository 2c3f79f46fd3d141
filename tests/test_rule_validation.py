"""A rule file that lacks what an extractor reads fails at load, naming file, rule and reason.

Each test copies rules/ to a temporary folder, breaks one thing, and checks that loading raises
RuleError with the exact file, rule id and reason, and that `rules-check` on the copy exits 3 with
that message. Before these checks each broken copy passed rules-check and failed (or silently
misbehaved) only on documents.
"""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.__main__ import EXIT_RULES, main
from pipeline.extract.rules import RuleError

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"


def broken(tmp_path: Path, file: str, old: str, new: str) -> Path:
    """A copy of rules/ with ``old`` replaced by ``new`` in ``file`` (``old`` must occur exactly once)."""
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    path = rules / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {file}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return rules


def assert_rule_error(exc: RuleError, rules: Path, file: str, rule_id: str | None, reason: str) -> None:
    assert Path(exc.file) == rules / file
    assert exc.rule_id == rule_id
    assert exc.reason == reason


def assert_rules_check_fails(rules: Path, capsys, exc: RuleError) -> None:
    assert main(["rules-check", "--rules", str(rules)]) == EXIT_RULES
    assert f"error: {exc}" in capsys.readouterr().err


# ---------------------------------------------------------------- rules-check loads what a run loads

def test_the_shipped_rules_pass(capsys):
    assert main(["rules-check"]) == 0
    assert "0 failing example(s)" in capsys.readouterr().out


def test_rules_check_reads_the_gazetteers(tmp_path, capsys):
    # a gazetteer is no rule file: rules-check used to skip it, and only `extract` failed on it
    rules = broken(tmp_path, "gazetteers/places.tsv", "松江\t松江\tplace\n", "松江\t松江\tplaces\n")
    assert main(["rules-check", "--rules", str(rules)]) == EXIT_RULES
    err = capsys.readouterr().err
    assert err.startswith(f"error: {rules / 'gazetteers/places.tsv'}, rule 'line ")
    assert "unknown type 'places'; allowed: ('enterprise', " in err
