"""Behaviour changes by editing rules/ alone: a unit, a marker word and a behaviour case, with no Python edit.

Each test copies rules/ to a temporary folder, edits the copy as README "Changing behaviour without Python"
shows, and checks that extraction on a sentence changes accordingly."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.evaluation.specs import SpecCase, _rows, run_specs
from pipeline.extract import Extractors
from pipeline.extract.orgs import OrgRecognizer
from pipeline.extract.rules import RuleError, load_common_defines, load_ruleset
from pipeline.rulebook import RuleBook

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
SENTENCE_UNIT = "到2025年，全市新增公共充电桩3000根。"
SENTENCE_MARKER = "到2025年，森林覆盖率不小于45%。"


def targets(rules_dir: Path, text: str) -> list[dict]:
    case = SpecCase(table="targets", id="t", text=text, expect=(), why="", source="test")
    return _rows(case, Extractors.from_rulebook(RuleBook.load(rules_dir)))


@pytest.fixture()
def rules_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "rules"
    shutil.copytree(RULES_DIR, dest)
    return dest


def test_a_unit_added_to_units_toml_is_matched_by_targets(rules_copy: Path):
    assert [r["value_text"] for r in targets(rules_copy, SENTENCE_UNIT)] == []     # 根 is no unit yet
    units = rules_copy / "units.toml"
    units.write_text(units.read_text(encoding="utf-8").replace(
        '"标箱" = { kind = "count" }', '"标箱" = { kind = "count" }\n"根" = { kind = "count", not_before = \'\'\'据|本\'\'\' }'),
        encoding="utf-8")
    rows = targets(rules_copy, SENTENCE_UNIT)
    assert [(r["value_text"], r["value_low"], r["unit"], r["unit_base"], r["target_year"]) for r in rows] == [
        ("3000根", 3000.0, "根", "根", 2025)]
    # its not_before guard is part of ${UNIT_BASE} too: 根据 is no unit
    assert targets(rules_copy, "到2025年，全市新增公共充电桩3000根据需要布局。") == []
    assert "根(?!据|本)" in load_common_defines(rules_copy)["UNIT_BASE"]


def test_unit_base_is_derived_from_units_toml_longest_first():
    base = load_common_defines(RULES_DIR)["UNIT_BASE"]
    forms = base.split("|")
    assert forms[0] == "台（套）" or len(forms[0]) >= 4                 # longest forms come first
    assert base.index("个百分点") < base.index("个(?!")                  # 个百分点 before 个
    assert "kW(?![A-Za-z])" in base and "项(?!目)" in base
    ruleset = load_ruleset(RULES_DIR / "targets.toml", load_common_defines(RULES_DIR))
    assert "UNIT_BASE" not in ruleset.defines or ruleset.defines["UNIT_BASE"] == base   # targets.toml repeats nothing


def test_a_marker_word_added_to_a_word_list_changes_the_bound(rules_copy: Path):
    before = targets(rules_copy, SENTENCE_MARKER)
    assert [(r["value_text"], r["bound"]) for r in before] == [("45%", "exact")]
    path = rules_copy / "targets.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        'words = ["超过", "突破", "不少于",', 'words = ["超过", "突破", "不小于", "不少于",'), encoding="utf-8")
    after = targets(rules_copy, SENTENCE_MARKER)
    # the word list is both ${PRE_MIN} in the value pattern and the set the bound is read from
    assert [(r["value_text"], r["value_low"], r["bound"]) for r in after] == [("不小于45%", 45.0, "min")]


def test_a_word_list_needs_words_and_checks_its_examples(rules_copy: Path):
    path = rules_copy / "targets.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('words = ["以上"]', 'words = []'), encoding="utf-8")
    with pytest.raises(RuleError, match=r"words\.POST_MIN.*non-empty list"):
        load_ruleset(path, load_common_defines(rules_copy))
    path.write_text(text, encoding="utf-8")
    ruleset = load_ruleset(path, load_common_defines(rules_copy))
    assert ruleset.word_list("POST_MAX") == ("以下", "以内", "之内")
    assert ruleset.lists["PRE_MIN"].examples and ruleset.lists["PRE_MIN"].counterexamples


def test_a_behaviour_case_is_a_line_of_specs(tmp_path: Path):
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "targets.jsonl").write_text(
        '{"id": "targets.floor", "text": "到2025年，森林覆盖率不低于45%。", '
        '"expect": [{"value_low": 45.0, "unit": "%", "bound": "min"}], "why": "不低于: a floor"}\n'
        '{"id": "targets.wrong", "text": "到2025年，森林覆盖率不低于45%。", '
        '"expect": [{"value_low": 45.0, "bound": "exact"}], "why": "a case that fails is reported"}\n',
        encoding="utf-8")
    n, failures = run_specs(specs, Extractors.from_rulebook(RuleBook.load(RULES_DIR)))
    assert n == 2
    assert len(failures) == 1 and "targets.wrong" in failures[0]


@pytest.mark.parametrize("line, label", [
    ("第三章 重点任务", "第三章"), ("二、主要目标", "二、"), ("（四）强化要素保障", "（四）"),
    ("（2）加强人才引进", "（2）"), ("3. 完善政策体系", "3."), ("①培育龙头企业", "①")])
def test_outline_label_is_one_definition_of_common_toml(line: str, label: str):
    from pipeline.extract.deadlines import _LABELED, DeadlineExtractor
    from pipeline.extract.targets import TargetExtractor
    from pipeline.stages.data import StageData
    book = RuleBook.load(RULES_DIR)
    shared = book.compile_common(r"^(?:${OUTLINE_LABEL})")
    assert shared.match(line).group(0).strip() == label
    stages = StageData.from_rulebook(book)
    assert stages.outline.line.match(line).group(0).strip() == label
    for pattern in (stages.vocabulary.label_start, stages.header.vocabulary.label_start,
                    DeadlineExtractor.from_rulebook(book).rules.pattern(_LABELED)):
        assert pattern.match(line).group(0) == label
    assert stages.ingest.content_line.search(line)
    assert TargetExtractor.from_rulebook(book).phrases.label.match(line)
    assert not shared.match("2.5万元") and not shared.match("一、二、三级医院")   # a decimal, a list of numerals


def entities(rules_dir: Path, text: str) -> list[tuple[str, str]]:
    case = SpecCase(table="entities", id="e", text=text, expect=(), why="", source="test")
    return [(r["text"], r["type"]) for r in _rows(case, Extractors.from_rulebook(RuleBook.load(rules_dir)))]


SECOND_NOT_NAME = '''
[[rule]]
id = "ent.not_name.farm"
description = "Kinds of farm operators listed like names (大户, 家庭农场): categories, not companies"
pattern = \'\'\'^\\p{Han}{0,4}(?:大户|家庭农场|专业合作社)$\'\'\'
attrs = { kind = "not_name" }
examples = ["农机大户", "种粮大户", "家庭农场"]
counterexamples = ["华德牧业", "江岭农丰"]
'''


def test_a_second_rule_of_an_entity_kind_is_read_with_no_python_edit(rules_copy: Path):
    sentence = "支持华德牧业、农机大户等企业扩大生产。"
    assert entities(rules_copy, sentence) == [("华德牧业", "enterprise"), ("农机大户", "enterprise")]
    path = rules_copy / "entities.toml"
    path.write_text(path.read_text(encoding="utf-8") + SECOND_NOT_NAME, encoding="utf-8")
    # both not_name rules act as one: the category is no member, the company still is
    assert entities(rules_copy, sentence) == [("华德牧业", "enterprise")]
    book = RuleBook.load(rules_copy)
    rec = OrgRecognizer.from_rulebook(book)
    assert [r.id for r in rec.kinds.not_name] == ["ent.not_name", "ent.not_name.farm"]
    assert rec.is_generic("种粮大户") and rec.is_generic("国资") and not rec.is_generic("华德牧业")


def test_a_kind_of_entities_toml_without_a_rule_is_named_by_file(rules_copy: Path):
    path = rules_copy / "entities.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('attrs = { kind = "name_bracket" }',
                                                             'attrs = { kind = "name_tail" }'), encoding="utf-8")
    with pytest.raises(RuleError, match=r"entities\.toml: needs at least one rule of kind 'name_bracket'"):
        OrgRecognizer.from_rulebook(RuleBook.load(rules_copy))


def test_the_outline_label_comes_from_the_book_a_run_is_given(rules_copy: Path):
    """A rules folder whose common.toml also calls 〔一〕 a label (as a （一） is): the outline finds the
    section, normalize no longer joins the line to the one before, and the running-line filter keeps it;
    the package's own book does none of these, so the outline label follows --rules."""
    from pipeline.stages.data import StageData
    from pipeline.stages.normalize import normalize
    from pipeline.stages.outline import parse_outline
    common = rules_copy / "common.toml"
    original = common.read_text(encoding="utf-8")
    edited = original.replace("(?P<cn_paren>[（(]", "(?P<cn_paren>[（(〔]").replace(
        "[一二三四五六七八九十]{1,3})[）)])", "[一二三四五六七八九十]{1,3})[）)〕])")
    assert edited != original
    common.write_text(edited, encoding="utf-8")
    text = "各部门要加强协调配合，形成工作合力\n〔一〕强化要素保障\n落实用地指标。"
    own, copy = StageData.from_rulebook(RuleBook.load(RULES_DIR)), StageData.from_rulebook(RuleBook.load(rules_copy))
    assert parse_outline(text, own.outline) == []
    assert [(s.label, s.heading) for s in parse_outline(text, copy.outline)] == [("〔一〕", "强化要素保障")]
    assert normalize(text, own.vocabulary).text.split("\n") == ["各部门要加强协调配合，形成工作合力〔一〕强化要素保障落实用地指标。"]
    assert normalize(text, copy.vocabulary).text.split("\n") == ["各部门要加强协调配合，形成工作合力", "〔一〕强化要素保障",
                                                                 "落实用地指标。"]
    assert not own.ingest.content_line.search("〔一〕强化要素保障")
    assert copy.ingest.content_line.search("〔一〕强化要素保障")


def test_the_header_reader_reads_its_date_labels_from_metadata_toml(rules_copy: Path):
    """A date label added to rule meta.labelled_date of a rules copy gives the issue date of a page that
    labels it so; the package's own rules do not know the label. A rule the reader needs, removed, is a
    RuleError naming it."""
    from pipeline.stages.metadata import HeaderData, extract_metadata
    text = "某市促进数字经济发展若干措施\n签发日期：2023年6月12日\n一、总体要求\n加快数字产业化。"
    own = HeaderData.from_rulebook(RuleBook.load(RULES_DIR))
    assert extract_metadata(text, own).issue_date is None
    meta = rules_copy / "metadata.toml"
    original = meta.read_text(encoding="utf-8")
    meta.write_text(original.replace("(?:发布时间|发布日期|", "(?:签发日期|发布时间|发布日期|"), encoding="utf-8")
    copy = HeaderData.from_rulebook(RuleBook.load(rules_copy))
    assert str(extract_metadata(text, copy).issue_date) == "2023-06-12"
    meta.write_text(original.replace('id = "meta.stamp"', 'id = "meta.stamp_renamed"'), encoding="utf-8")
    with pytest.raises(RuleError, match="meta.stamp"):
        HeaderData.from_rulebook(RuleBook.from_dir(rules_copy))
