"""Document kind and passage status: which passages set goals, which report results."""
from pathlib import Path

import pytest

from pipeline.extract import Extractors
from pipeline.rulebook import default_book
from pipeline.run.process import build_document
from pipeline.tables.rows import IngestedDocument

RULES = Path(__file__).resolve().parent.parent / "rules"
EXTRACTORS = Extractors.from_rulebook(default_book())


def run(text: str, name: str = "doc.txt"):
    doc = build_document(IngestedDocument(doc_id="d" * 16, sha256="0" * 64, source_path=name,
                                          source_format="txt", encoding="utf-8", raw_text=text.strip("\n")))
    return doc, EXTRACTORS(doc)


def kind_of(text: str) -> str:
    return run(text)[1].passages.kind


@pytest.mark.parametrize("text, kind", [
    ("某省2023年国民经济和社会发展统计公报\n某省统计局\n2024年3月1日\n全年地区生产总值5000亿元，比上年增长5.0%。", "statistical_bulletin"),
    ("政 府 工 作 报 告\n——2024年1月20日在某市第十届人民代表大会第三次会议上\n各位代表：\n今年全市地区生产总值增长6%左右。", "work_report"),
    ("某市人民政府关于印发《某市制造业数字化转型行动方案（2024—2026年）》的通知\n各区人民政府：\n现将方案印发给你们。", "action_plan"),
    ("某省人民政府办公厅关于促进民营经济发展壮大的实施意见\n各市人民政府：\n为促进民营经济发展，提出如下意见。", "opinion"),
    ("某州人民政府办公室关于印发《某州公共数据管理暂行办法》的通知\n各县人民政府：\n现印发给你们。", "measures"),
    ("某市“十四五”现代产业体系发展规划\n第一章 发展基础\n到2025年，全市工业增加值达到3000亿元。", "plan"),
    ("关于做好2024年元旦春节期间安全生产工作的通知\n各区县：\n现就有关事项通知如下。", "notice"),
    ("会议纪要\n会议研究了有关事项。", "other"),
])
def test_document_kind(text, kind):
    assert kind_of(text) == kind


def test_a_bulletin_sets_no_target_however_its_figures_read():
    _, ex = run("""某县2023年国民经济和社会发展统计公报
某县统计局
一、综合
全年地区生产总值达到320.5亿元，比上年增长6.1%。
新增高新技术企业15家，总数达到80家。""")
    assert ex.passages.kind == "statistical_bulletin"
    assert ex.targets == []


REPORT = """政府工作报告
——2026年1月20日在某省第十四届人民代表大会第五次会议上
各位代表：
一、2025年和“十四五”时期工作回顾
过去一年，全省地区生产总值增长5.6%，新增国家高新技术企业1200家。
“十四五”时期，全省城镇新增就业累计达到600万人。
二、2026年工作安排
今年经济社会发展的主要预期目标是：地区生产总值增长5%左右，城镇新增就业110万人以上。
"""


def test_a_work_report_review_section_is_not_read_as_goals():
    doc, ex = run(REPORT)
    assert ex.passages.kind == "work_report"
    assert [(t.value_low, t.unit) for t in ex.targets] == [(5.0, "%"), (110.0, "万人")]
    review_start = doc.text.index("一、2025年")
    assert ex.passages.is_reporting(review_start + 20)
    assert not ex.passages.is_reporting(doc.text.index("二、2026年") + 10)


def test_a_review_under_bare_heading_lines_ends_at_the_bare_forward_heading():
    # no 一、二、 labels: the heading lines stand alone
    _, ex = run("""2026年某自治区政府工作报告
各位代表：
2025年工作回顾
2025年是“十四五”规划收官之年。全区地区生产总值增长6.3%，粮食产量突破110万吨。
2026年工作安排
今年是“十五五”规划开局之年。全区地区生产总值增长7%以上，粮食产量稳定在100万吨以上。
""")
    assert [(t.value_low, t.unit) for t in ex.targets] == [(7.0, "%"), (100.0, "万吨")]


def test_a_review_opened_by_a_phrase_runs_until_the_text_turns_to_this_year():
    # a 2026 report: 2025年是…收官之年 is the past year's, not a turn to this year's work
    _, ex = run("""某市人民政府工作报告
——2026年2月1日在某市第九届人民代表大会第五次会议上
各位代表：
过去的一年，我们攻坚克难，全市规模以上工业增加值增长8.2%。
2025年是“十四五”收官之年，全市完成固定资产投资1500亿元。
今年是“十五五”开局之年，全市规模以上工业增加值增长6%以上。
""")
    assert [(t.value_low, t.unit) for t in ex.targets] == [(6.0, "%")]


def test_a_plan_without_review_passages_keeps_its_goals():
    _, ex = run("""某市加快发展数字经济三年行动方案（2024—2026年）
一、主要目标
到2026年，全市数字经济核心产业增加值达到1000亿元，培育省级专精特新企业100家。
""")
    assert ex.passages.kind == "action_plan"
    assert ex.passages.reporting == ()
    assert [(t.value_low, t.unit) for t in ex.targets] == [(1000.0, "亿元"), (100.0, "家")]


def test_the_review_becomes_achievements_with_the_year_it_reports():
    _, ex = run(REPORT)
    got = [(a.value_low, a.unit, a.period_year) for a in ex.achievements]
    # the review's figures, for 2025 (the year before the report's); the five-year total for its last year
    assert got == [(5.6, "%", 2025), (1200.0, "家", 2025), (600.0, "万人", 2025)]
    assert {a.change for a in ex.achievements[:1]} == {"increase"}


def test_a_bulletin_reports_the_year_in_its_name():
    _, ex = run("""某县2023年国民经济和社会发展统计公报
某县统计局 2024年3月20日
全年地区生产总值达到320.5亿元，比上年增长6.1%。""")
    assert [(a.value_low, a.unit, a.period_year) for a in ex.achievements] == [(320.5, "亿元", 2023), (6.1, "%", 2023)]


def test_a_forecast_of_the_coming_year_is_neither_goal_nor_result_but_a_planned_effect_is_a_goal():
    _, ex = run("""某市人民政府工作报告
——2026年2月1日在某市第九届人民代表大会第五次会议上
二、2026年工作安排
预计今年全市高校毕业生超过12万人。实施城市更新，预计腾出建设用地3000亩。""")
    assert [(t.value_low, t.unit) for t in ex.targets] == [(3000.0, "亩")]
    assert ex.achievements == []


def test_the_goals_a_report_lists_as_main_expected_goals_are_expected_ones():
    _, ex = run(REPORT)
    assert [(t.value_low, t.binding, t.target_year) for t in ex.targets] == [(5.0, "预期性", 2026), (110.0, "预期性", 2026)]


def test_a_plan_report_reviews_the_plan_executed_and_sets_the_next():
    text = """关于某市2024年国民经济和社会发展计划执行情况与2025年计划草案的报告
一、2024年国民经济和社会发展计划执行情况
全市地区生产总值增长5.2%，城镇新增就业12.5万人。
二、2025年经济社会发展的总体要求和主要目标
全市地区生产总值增长5%左右，城镇新增就业12万人以上。
"""
    _, ex = run(text)
    assert ex.passages.kind == "plan"
    assert [(t.value_low, t.unit) for t in ex.targets] == [(5.0, "%"), (12.0, "万人")]
    assert [(a.value_low, a.unit) for a in ex.achievements] == [(5.2, "%"), (12.5, "万人")]


def test_targets_and_achievements_carry_the_standard_indicator_code():
    _, ex = run(REPORT)
    assert [t.indicator_code for t in ex.targets] == ["gdp_growth", "urban_jobs_new"]
    assert [a.indicator_code for a in ex.achievements][:2] == ["gdp_growth", "high_tech_enterprises"]


def test_money_a_review_says_was_paid_out_is_a_result_but_not_the_cap_of_a_scheme():
    _, ex = run("""某县2024年政府工作报告
一、2023年工作回顾
过去一年，全年发放各类补贴1250.5万元，累计发放住房租赁补贴310万元，对新购车辆给予最高3000元补贴，对首次认定的高新技术企业给予30万元奖励。
二、2024年工作安排
对企业研发投入给予补贴，每家最高200万元。""")
    assert [(a.value_low, a.unit) for a in ex.achievements] == [(1250.5, "万元"), (310.0, "万元")]
    assert ex.targets == []


def test_bulletin_units_and_ratio_parts():
    _, ex = run("""某县2023年国民经济和社会发展统计公报
某县统计局 2024年3月20日
粮食种植面积37.6千公顷，三次产业结构为8.7:48.5:42.8，出生率为7.19‰，比上年下降1.15个千分点。""")
    assert [(a.value_low, a.unit) for a in ex.achievements] == [
        (37.6, "千公顷"), (8.7, ""), (48.5, ""), (42.8, ""), (7.19, "‰"), (1.15, "个千分点")]


def test_a_bulletins_notes_define_thresholds_not_results():
    _, ex = run("""某县2023年国民经济和社会发展统计公报
某县统计局 2024年3月20日
全年固定资产投资增长6.0%。
注：固定资产投资（不含农户）统计范围为计划总投资500万元及以上项目。""")
    assert [(a.value_low, a.unit) for a in ex.achievements] == [(6.0, "%")]


def test_a_past_count_in_the_plan_section_is_a_result_not_a_dropped_goal():
    _, ex = run("""某县2025年政府工作报告
二、2025年工作安排
2024年，全市有63家企业进入全国百强。""")
    assert [(a.value_low, a.unit) for a in ex.achievements] == [(63.0, "家")] and ex.targets == []
