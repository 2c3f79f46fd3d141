"""The behaviour cases of specs/*.jsonl hold (also run by `make rules-check`), and the runner catches a broken one."""
import json
from pathlib import Path

import pytest

from pipeline.evaluation.specs import check_case, load_specs
from pipeline.extract import Extractors
from pipeline.rulebook import default_book

ROOT = Path(__file__).resolve().parent.parent
EXTRACTORS = Extractors.from_rulebook(default_book())
CASES = load_specs(ROOT / "specs")


def test_every_table_has_cases():
    assert {c.table for c in CASES} >= {"documents", "targets", "achievements", "deadlines"}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_behaviour_case(case):
    assert check_case(case, EXTRACTORS) is None


def test_a_case_that_does_not_hold_is_reported_with_what_was_found(tmp_path):
    case = {"id": "targets.wrong", "text": "到2025年，全市培育专精特新企业100家。",
            "expect": [{"value_low": 90.0, "unit": "家"}], "why": "deliberately wrong"}
    (tmp_path / "targets.jsonl").write_text(json.dumps(case, ensure_ascii=False) + "\n", "utf-8")
    [loaded] = load_specs(tmp_path)
    message = check_case(loaded, EXTRACTORS)
    assert message is not None and '"value_low": 100.0' in message and "deliberately wrong" in message


def test_a_malformed_spec_file_is_an_error(tmp_path):
    (tmp_path / "targets.jsonl").write_text('{"id": "x", "text": "y"}\n', "utf-8")
    with pytest.raises(ValueError, match="a case has id, text, expect"):
        load_specs(tmp_path)
    (tmp_path / "targets.jsonl").unlink()
    (tmp_path / "target.jsonl").write_text('{"id": "x", "text": "y", "expect": []}\n', "utf-8")
    with pytest.raises(ValueError, match="no such table 'target'"):
        load_specs(tmp_path)
