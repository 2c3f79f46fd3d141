"""Rules read by kind (RuleKinds, RuleGroup): several rules of one kind act as one pattern, and the rule
that matched is the one a row names."""
from __future__ import annotations

import pickle

import pytest

from pipeline.extract.rules import BuiltFromBook, RuleError, RuleKinds, RuleSpec, compile_ruleset


def _ruleset(*rules: dict):
    return compile_ruleset({"rule": [{"description": "d", "examples": [r["ex"]], "counterexamples": ["无关文字"],
                                      **{k: v for k, v in r.items() if k != "ex"}} for r in rules]},
                           "test.toml")


SPECS = {"bracket": RuleSpec(), "suffix": RuleSpec(groups=("suffix",))}
RULES = _ruleset(
    {"id": "b.region", "pattern": r"[（(](?:中国|上海)[）)]", "attrs": {"kind": "bracket"}, "ex": "（中国）"},
    {"id": "b.form", "pattern": r"[（(] 有限 合伙 [）)]", "flags": ["VERBOSE"], "attrs": {"kind": "bracket"},
     "ex": "（有限合伙）", "priority": -1},
    {"id": "s.legal", "pattern": r"(?P<suffix>有限公司)", "attrs": {"kind": "suffix"}, "ex": "江岭有限公司"},
)


def test_rules_of_a_kind_act_as_one_pattern_each_with_its_flags():
    kinds = RuleKinds.of(RULES, "kind", SPECS)
    bracket = kinds.bracket
    assert kinds["bracket"] is bracket and sorted(kinds) == ["bracket", "suffix"]
    assert [r.id for r in bracket] == ["b.region", "b.form"]             # by priority
    assert bracket.pattern.fullmatch("（中国）") and bracket.pattern.fullmatch("（有限合伙）")
    assert not bracket.pattern.fullmatch("（一）")
    with pytest.raises(ValueError, match="2 rules"):
        bracket.id
    m = next(r for r in bracket.finditer("华泰（有限合伙）基金"))
    assert bracket.rule_of(m).id == "b.form"
    assert bracket.rule_at("华泰（有限合伙）基金", (2, 8)).id == "b.form"
    # one rule: its own pattern object and its id
    assert kinds.suffix.pattern is RULES.get("s.legal").pattern and kinds.suffix.id == "s.legal"


def test_rule_kinds_are_read_only_and_travel_to_workers():
    kinds = RuleKinds.of(RULES, "kind", SPECS)
    with pytest.raises(AttributeError):
        kinds.bracket = None
    copy = pickle.loads(pickle.dumps(kinds))
    assert [r.id for r in copy.bracket] == ["b.region", "b.form"] and copy.suffix.id == "s.legal"


def test_a_kind_without_a_rule_is_named_with_the_file():
    with pytest.raises(RuleError, match=r"test\.toml: needs at least one rule of kind 'name'"):
        RuleKinds.of(RULES, "kind", {**SPECS, "name": RuleSpec()})


def test_built_from_book_keeps_one_reader_per_book():
    class Book:
        def __init__(self):
            self.views = {}

        def view(self, key, build):
            return self.views.setdefault(key, build())

    class Reader(BuiltFromBook):
        VIEW = "reader"

        @classmethod
        def _build(cls, book):
            return cls()

    book = Book()
    assert Reader.from_rulebook(book) is Reader.from_rulebook(book) is book.views["reader"]


def test_a_group_tells_in_one_search_that_none_of_its_rules_matches():
    bracket = RuleKinds.of(RULES, "kind", SPECS).bracket
    assert bracket.may_match("华泰（有限合伙）基金") and bracket.may_match("（上海）")
    assert not bracket.may_match("（一）加快建设") and bracket.search_rule("（一）加快建设") is None
    rule, m = bracket.search_rule("见（中国）与（有限合伙）")
    assert rule.id == "b.region" and m.group() == "（中国）"
    # a numbered back-reference would point elsewhere inside the alternation: every rule is searched instead
    echo = _ruleset({"id": "e.twice", "pattern": r"(好)\1", "attrs": {"kind": "bracket"}, "ex": "好好"},
                    {"id": "e.form", "pattern": r"有限", "attrs": {"kind": "bracket"}, "ex": "有限"})
    group = RuleKinds.of(echo, "kind", {"bracket": RuleSpec()}).bracket
    assert group.may_match("无关") and group.search_rule("很好好")[0].id == "e.twice"
