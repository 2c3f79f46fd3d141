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
