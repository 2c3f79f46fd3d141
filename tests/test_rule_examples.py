"""Every rule and word list in rules/ passes its own examples and counterexamples (`make rules-check`)."""
from pathlib import Path

import pytest

from pipeline.extract.rules import check_rule, load_rules_dir

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
ALL_RULES = [rule for ruleset in load_rules_dir(RULES_DIR).values()
             for rule in (*ruleset, *ruleset.lists.values())]


@pytest.mark.parametrize("rule", ALL_RULES, ids=[r.id for r in ALL_RULES])
def test_rule_examples(rule):
    assert check_rule(rule) == []
