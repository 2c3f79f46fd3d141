"""Indicator codes (rules/indicators.toml, pipeline/extract/indicators.py): wording, unit and ambiguity."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.extract import indicators as indicators_module
from pipeline.extract.indicators import IndicatorTable
from pipeline.extract.rules import RuleError
from pipeline.rulebook import RuleBook, default_book

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"

SCHEMA_CODES = ("gdp_growth", "gdp_level", "industry_va_growth", "fixed_asset_investment_growth",
                "retail_sales_growth", "cpi", "urban_jobs_new", "urban_unemployment_surveyed", "rd_intensity",
                "energy_intensity_reduction", "urbanization_rate", "income_per_capita_growth", "grain_output",
                "fiscal_deficit_ratio", "forest_coverage", "high_tech_enterprises")


def load_indicators() -> IndicatorTable:
    return IndicatorTable.from_rulebook(default_book())


def indicator_code(*args, **kwargs):
    """indicator_code with the shipped table (a run passes its book's)."""
    return indicators_module.indicator_code(*args, table=load_indicators(), **kwargs)


def test_the_shipped_table_has_every_code_of_the_contract():
    table = load_indicators()
    codes = table.codes
    assert set(SCHEMA_CODES) <= set(codes)
    assert codes["gdp_growth"].units == frozenset({"%"})
    assert codes["gdp_level"].units == frozenset({"元", "美元"})
    assert codes["grain_output"].unit == "万吨"
    assert [i.code for i in table.indicators if i.flow] == ["urban_jobs_new"]


@pytest.mark.parametrize("text, unit, code", [
    ("地区生产总值增长", "%", "gdp_growth"),
    ("国内生产总值增长", "%", "gdp_growth"),
    ("经济增长", "%", "gdp_growth"),
    ("GDP增长", "%", "gdp_growth"),
    ("全省生产总值年均增长率", "%", "gdp_growth"),
    ("地区生产总值", "亿元", "gdp_level"),
    ("地区生产总值从", "万亿元", "gdp_level"),
    ("规模以上工业增加值增长", "%", "industry_va_growth"),
    ("规上工业增加值", "%", "industry_va_growth"),
    ("全社会固定资产投资", "%", "fixed_asset_investment_growth"),
    ("社会消费品零售总额", "%", "retail_sales_growth"),
    ("社会消费品零售总额", "亿元", "retail_sales"),
    ("居民消费价格涨幅", "%", "cpi"),
    ("城镇新增就业", "万人", "urban_jobs_new"),
    ("城镇新增就业人数", "人", "urban_jobs_new"),
    ("城镇调查失业率", "%", "urban_unemployment_surveyed"),
    ("研发经费投入强度", "%", "rd_intensity"),
    ("单位GDP能耗降低", "%", "energy_intensity_reduction"),
    ("单位地区生产总值能耗", "%", "energy_intensity_reduction"),
    ("常住人口城镇化率", "%", "urbanization_rate"),
    ("居民人均可支配收入增长", "%", "income_per_capita_growth"),
    ("农村常住居民人均可支配收入", "%", "income_per_capita_rural_growth"),
    ("城镇居民人均可支配收入", "元", "income_per_capita_urban"),
    ("粮食产量", "亿斤", "grain_output"),
    ("粮食产量", "万吨", "grain_output"),
    ("赤字率", "%", "fiscal_deficit_ratio"),
    ("森林覆盖率", "％", "forest_coverage"),
    ("高新技术企业", "家", "high_tech_enterprises"),
    ("地方一般公共预算收入", "%", "fiscal_revenue_growth"),
    ("外贸进出口总额", "亿美元", "foreign_trade"),
    ("实际使用外资", "%", "fdi_actual_growth"),
    ("“地区生产总值” 增长", "%", "gdp_growth"),        # quotes and spaces are layout
])
def test_wordings_with_a_compatible_unit(text, unit, code):
    assert indicator_code(text, "", unit) == code


@pytest.mark.parametrize("text, unit", [
    ("地区生产总值增长", "亿元"),        # an amount is not a growth rate
    ("地区生产总值", "万人"),            # a count is neither growth nor level
    ("地区生产总值", "个百分点"),        # a change of the rate, not the rate
    ("城镇调查失业率", "万人"),
    ("粮食产量", "%"),
    ("地区生产总值", ""),                # no unit: nothing to check against
    ("地区生产总值", "奇怪单位"),         # a unit units.toml does not know
])
def test_an_incompatible_unit_gives_none(text, unit):
    assert indicator_code(text, "", unit) is None


@pytest.mark.parametrize("text", [
    "人均地区生产总值增长", "数字经济核心产业增加值占地区生产总值比重", "上半年地区生产总值增长",
    "区本级固定资产投资增长率", "城乡居民人均可支配收入", "城镇调查失业率、居民消费价格涨幅",
    "新增高新技术企业", "第一产业增加值", "户籍人口城镇化率", "数字经济增长",
])
def test_unknown_or_compound_indicators_are_never_forced(text):
    assert indicator_code(text, "", "%") is None
    assert indicator_code(text, "", "家") is None


def test_a_change_word_takes_the_subject_of_the_previous_clause():
    sentence = "全年地区生产总值1234.5亿元，比上年增长5.2%。"
    assert indicator_code("比上年增长", sentence, "%") == "gdp_growth"
    assert indicator_code("同比", sentence, "%") == "gdp_growth"
    assert indicator_code(None, sentence, "%") == "gdp_growth"
    assert indicator_code(None, sentence, "亿元") == "gdp_level"
    # the subject of its own clause, when it has one
    assert indicator_code(None, "城镇新增就业5.1万人，城镇调查失业率5.2%。", "%") == "urban_unemployment_surveyed"
    assert indicator_code(None, "城镇新增就业5.1万人，城镇调查失业率5.2%。", "万人") == "urban_jobs_new"
    # two clauses back over an intermediate change clause
    assert indicator_code("增长", "农村居民人均可支配收入16387元，比上年增加915元，增长5.9%。", "%",
                          value_text="5.9%") == "income_per_capita_rural_growth"


def test_the_sentence_is_not_read_when_the_value_is_ambiguous_or_the_subject_unknown():
    two = "全年地区生产总值1234亿元，同比增长5.2%，其中第一产业增加值100亿元，增长3.1%。"
    assert indicator_code("同比", two, "%") is None                 # two % values: which one?
    assert indicator_code("同比", two, "%", value_text="5.2%") == "gdp_growth"
    assert indicator_code("增长", two, "%", value_text="3.1%") is None  # 第一产业增加值 is no standard indicator
    # an indicator text the extractor gave is not overridden by the sentence
    assert indicator_code("工业投资", "地区生产总值增长5%，工业投资增长8%。", "%") is None


def test_a_rule_file_with_a_duplicate_code_or_unknown_unit_fails_at_load(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    path = rules / "indicators.toml"
    original = path.read_text(encoding="utf-8")

    path.write_text(original.replace('code = "gdp_level"', 'code = "gdp_growth"'), encoding="utf-8")
    with pytest.raises(RuleError) as exc:
        IndicatorTable.from_rulebook(RuleBook.from_dir(rules))
    assert (exc.value.rule_id, exc.value.reason) == ("indicator.gdp_level",
                                                     "attrs.code = 'gdp_growth' is used by another rule")

    path.write_text(original.replace('units = ["吨", "斤", "千克"]', 'units = ["吨", "万斤"]'), encoding="utf-8")
    with pytest.raises(RuleError) as exc:
        IndicatorTable.from_rulebook(RuleBook.from_dir(rules))
    assert (exc.value.rule_id, exc.value.reason) == ("indicator.grain_output",
                                                     "attrs.units: '万斤' is not a unit base of units.toml")

    path.write_text(original.replace("pattern = '''^${PRE}森林覆盖率${LINK}$'''",
                                     "pattern = '''森林覆盖率'''"), encoding="utf-8")
    with pytest.raises(RuleError) as exc:
        IndicatorTable.from_rulebook(RuleBook.from_dir(rules))
    assert exc.value.rule_id == "indicator.forest_coverage"
    assert "anchored" in exc.value.reason


def test_missing_values_from_a_dataframe_are_no_text():
    nan = float("nan")
    assert indicator_code(nan, "全年地区生产总值1234亿元，比上年增长5.2%。", "%", value_text=nan) == "gdp_growth"
    assert indicator_code("地区生产总值", nan, "%") == "gdp_growth"
    assert indicator_code("地区生产总值", None, nan) is None
