"""The rule engine: loading, validation messages, examples, fingerprint."""
from pathlib import Path

import pytest

from pipeline.extract.rules import RuleError, check_rule, load_rules_dir, load_ruleset, rules_fingerprint

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"

GOOD = """
[define]
UNIT = '''家|个'''

[[rule]]
id = "t.count"
description = "a count with a measure word"
pattern = '''(?P<value>\\d+)(?P<unit>${UNIT})'''
attrs = { kind = "count" }
examples = [{ text = "培育30家企业", expect = { value = "30", unit = "家" } }, "建设2个园区"]
counterexamples = ["5G基站"]
"""


def write(tmp_path: Path, text: str, name: str = "demo.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_rule_loads_compiles_and_passes_its_examples(tmp_path):
    rs = load_ruleset(write(tmp_path, GOOD))
    rule = rs.get("t.count")
    assert rule.attrs == {"kind": "count"}
    assert [m.group("unit") for m in rule.finditer("新增3家，建设4个")] == ["家", "个"]
    assert check_rule(rule) == []


@pytest.mark.parametrize("mutation, reason", [
    (lambda s: s.replace("(?P<value>\\d+)", "(?P<value>\\d+"), "pattern does not compile"),
    (lambda s: s.replace("${UNIT}", "${MISSING}"), "unknown definition ${MISSING}"),
    (lambda s: s.replace('counterexamples = ["5G基站"]', ""), "counterexamples"),
    (lambda s: s.replace('expect = { value = "30", unit = "家" }', 'expect = { amount = "30" }'),
     "example expects groups the pattern lacks: ['amount']"),
    (lambda s: s.replace('description = "a count with a measure word"', ""), "missing 'description'"),
    (lambda s: s.replace('attrs =', 'atrs ='), "unknown keys ['atrs']"),
])
def test_broken_rule_fails_at_load_naming_file_rule_and_reason(tmp_path, mutation, reason):
    path = write(tmp_path, mutation(GOOD), "broken.toml")
    with pytest.raises(RuleError) as info:
        load_ruleset(path)
    message = str(info.value)
    assert str(path) in message
    assert "t.count" in message
    assert reason in message


def test_invalid_toml_names_the_file(tmp_path):
    path = write(tmp_path, "[[rule]\nid = 'x'", "bad.toml")
    with pytest.raises(RuleError, match=r"bad\.toml: invalid TOML"):
        load_ruleset(path)


def test_definition_cycle_is_reported(tmp_path):
    text = GOOD.replace("UNIT = '''家|个'''", "UNIT = '''${OTHER}'''\nOTHER = '''${UNIT}'''")
    with pytest.raises(RuleError, match="definition cycle: UNIT -> OTHER -> UNIT"):
        load_ruleset(write(tmp_path, text))


def test_check_rule_reports_failing_example_and_matching_counterexample(tmp_path):
    text = GOOD.replace('"建设2个园区"', '"建设两个园区"').replace('["5G基站"]', '["新增5家"]')
    failures = check_rule(load_ruleset(write(tmp_path, text)).get("t.count"))
    assert len(failures) == 2
    assert "example does not match: '建设两个园区'" in failures[0]
    assert "counterexample matches '5家'" in failures[1]


def test_duplicate_rule_ids_are_rejected(tmp_path):
    text = GOOD + GOOD[GOOD.index("[[rule]]"):]
    with pytest.raises(RuleError, match="t.count.*duplicate rule id"):
        load_ruleset(write(tmp_path, text))


def test_fingerprint_changes_when_any_rule_file_changes(tmp_path):
    write(tmp_path, GOOD)
    before = rules_fingerprint(tmp_path)
    assert rules_fingerprint(tmp_path) == before
    write(tmp_path, GOOD.replace("家|个", "家|个|项"))
    assert rules_fingerprint(tmp_path) != before


def test_project_rule_files_load():
    # Every rule file in rules/ must load; test_rule_examples runs their examples.
    for name, ruleset in load_rules_dir(RULES_DIR).items():
        assert len(ruleset) > 0, name
