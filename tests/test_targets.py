"""Targets (GUIDELINE §1) on documents written for these tests, in several styles."""
import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

from pipeline.extract.deadlines import DeadlineExtractor
from pipeline.extract.targets import TargetExtractor
from pipeline.rulebook import default_book
from pipeline.stages.segment import MAX_SENTENCE, split_sentences
from pipeline.tables.rows import Document, DocumentMeta, Section, Sentence

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
DEADLINES = DeadlineExtractor.from_rulebook(default_book())
TARGETS = TargetExtractor.from_rulebook(default_book())
D = dt.date


# ---------------------------------------------------------------- a small document builder

def _sentences(text):
    out, start = [], 0
    for m in re.finditer(r"[。！？；;]|\n", text):
        if text[start:m.end()].strip():
            out.append(Sentence(len(out), start, m.end(), text[start:m.end()]))
        start = m.end()
    if text[start:].strip():
        out.append(Sentence(len(out), start, len(text), text[start:]))
    return out


_LEVELS = [(1, r"[一二三四五六七八九十]+、"), (2, r"[（(][一二三四五六七八九十]+[）)]"), (3, r"\d+[．.](?!\d)")]


def _outline(text):
    heads, pos = [], 0
    for line in text.split("\n"):
        for level, pat in _LEVELS:
            m = re.match(pat, line)
            if m:
                heading = re.split(r"。", line[m.end():])[0]
                heads.append((level, m.group(0), heading, pos, pos + m.end(), pos + m.end() + len(heading)))
                break
        pos += len(line) + 1
    sections, stack = [], []
    for i, (level, label, heading, start, h_start, h_end) in enumerate(heads):
        end = next((s for lv, _, _, s, _, _ in heads[i + 1:] if lv <= level), len(text))
        while stack and stack[-1][0] >= level:
            stack.pop()
        sections.append(Section(i, stack[-1][1] if stack else None, level, label, heading, start, end, h_start, h_end))
        stack.append((level, i))
    return sections


def make_doc(text, doc_id="doc", **meta):
    text = text.strip("\n")
    return Document(doc_id=doc_id, source_path=f"{doc_id}.txt", source_format="txt", encoding="utf-8",
                    script="simplified", text=text, meta=DocumentMeta(**meta), sections=_outline(text),
                    sentences=_sentences(text))


def extract(text, **meta):
    doc = make_doc(text, **meta)
    return TARGETS(doc, DEADLINES(doc))


def values(text, **meta):
    """(low, high, unit, target_year) of every target, in text order."""
    return [(r.value_low, r.value_high, r.unit, r.target_year) for r in extract(text, **meta)]


def by_text(rows, value_text):
    [row] = [r for r in rows if r.value_text == value_text]
    return row


# ---------------------------------------------------------------- a State Council notice with 到2025年/到2027年 targets

STATE_COUNCIL = """国务院关于印发《推动大规模设备更新行动方案》的通知
国发〔2024〕7号
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
现将《推动大规模设备更新行动方案》印发给你们，请认真贯彻执行。
国务院
2024年3月7日
为深入实施“中国制造2025”，推动大规模设备更新，制定本行动方案。
一、总体要求
到2027年，工业、农业、建筑、交通等领域设备投资规模较2023年增长25%以上；规模以上工业企业数字化研发设计工具普及率、关键工序数控化率分别超过90%、75%；二手车交易量较2023年增长45%。
二、重点任务
（一）推进重点行业设备更新改造。到2025年，新建改造5G基站60万个，累计建成智能工厂1000家以上。
（二）实施消费品以旧换新。对符合条件的个人消费者购置新能源汽车给予最高1万元补贴；对年销量首次突破10万辆的企业给予一次性奖励500万元。
（三）完善标准。2024年底前，修订完善能耗、排放、技术标准100项以上。
"""


def test_state_council_targets_values_units_and_years():
    assert values(STATE_COUNCIL, issue_date=D(2024, 3, 7)) == [
        (25, 25, "%", 2027), (90, 90, "%", 2027), (75, 75, "%", 2027), (45, 45, "%", 2027),
        (60, 60, "万个", 2025), (1000, 1000, "家", 2025),
        (100, 100, "项", 2024),
    ]


def test_state_council_fields():
    rows = extract(STATE_COUNCIL, issue_date=D(2024, 3, 7))
    growth = by_text(rows, "25%以上")
    assert (growth.bound, growth.change, growth.baseline_year, growth.qualifiers) == ("min", "increase", 2023, ("以上",))
    assert growth.indicator == "工业、农业、建筑、交通等领域设备投资规模"
    # 分别超过90%、75%: the comparison is shared by both values
    assert by_text(rows, "75%").bound == "min"
    base = by_text(rows, "60万个")
    assert (base.value_base, base.unit_base, base.change) == (600000.0, "个", "new")
    factories = by_text(rows, "1000家以上")
    assert (factories.change, factories.qualifiers) == ("cumulative", ("累计", "以上"))


OPINION = """国务院办公厅关于加快发展智慧物流的意见
国办发〔2023〕12号
一、总体要求
到2025年，智慧物流体系初步建立。到2028年，社会物流总费用与国内生产总值的比率降至13%左右。
二、重点任务
（一）建设数据平台。三年内建设8个左右国家物流数据枢纽。（交通运输部牵头负责）
（二）培育市场主体。2025年底前培育骨干物流企业50家以上。
"""


def test_an_undated_opinion_takes_its_goals_latest_year_as_the_plan_end():
    doc = make_doc(OPINION, issue_date=D(2023, 5, 4))
    deadlines = DEADLINES(doc)
    rows = TARGETS(doc, deadlines)
    # no plan period: an untimed target takes the latest year the goals are set by (到2028年) ...
    assert [(r.value_text, r.target_year) for r in rows] == [("13%左右", 2028), ("8个左右", 2028), ("50家以上", 2025)]
    # ... and a relative time resolves to it, as the guideline's "relative → the plan's end"
    [within] = [d for d in deadlines if d.text == "三年内"]
    assert (within.kind, within.end_date) == ("relative", D(2028, 12, 31))


def test_without_goal_years_an_untimed_target_has_no_year():
    text = OPINION.replace("到2025年，", "").replace("到2028年，", "")
    doc = make_doc(text, issue_date=D(2023, 5, 4))
    rows = TARGETS(doc, DEADLINES(doc))
    assert [(r.value_text, r.target_year) for r in rows] == [("13%左右", None), ("8个左右", 2025), ("50家以上", 2025)]


def test_subsidies_rewards_and_their_thresholds_are_not_targets():
    texts = [r.value_text for r in extract(STATE_COUNCIL, issue_date=D(2024, 3, 7))]
    assert not any(t in texts for t in ("1万元", "最高1万元", "突破10万辆", "500万元"))


# ---------------------------------------------------------------- a government work report

WORK_REPORT = """2023年政府工作报告
一、2022年工作回顾
过去一年，经济社会发展取得新成效。国内生产总值增长3%，城镇新增就业1206万人，年末城镇调查失业率降到5.5%。粮食产量1.37万亿斤，增产74亿斤。
过去五年，国内生产总值从八十万亿元增加到一百二十一万亿元，年均增长5.2%，累计新增城镇就业6400万人以上。
二、2023年经济社会发展总体要求和政策取向
今年发展主要预期目标是：国内生产总值增长5%左右；城镇新增就业1200万人左右，城镇调查失业率5.5%左右；居民消费价格涨幅3%左右；粮食产量保持在1.3万亿斤以上。
"""


def test_work_report_only_this_years_targets():
    rows = extract(WORK_REPORT, issue_date=D(2023, 3, 5))
    assert [(r.value_text, r.target_year) for r in rows] == [
        ("5%左右", 2023), ("1200万人左右", 2023), ("5.5%左右", 2023), ("3%左右", 2023), ("1.3万亿斤以上", 2023)]
    gdp = rows[0]
    assert (gdp.indicator, gdp.bound, gdp.change) == ("国内生产总值", "approx", "increase")
    grain = rows[-1]
    assert (grain.unit, grain.value_base, grain.unit_base, grain.bound) == ("万亿斤", 1.3e12, "斤", "min")


def test_work_report_without_headings_last_year_and_this_year_in_one_paragraph():
    text = ("去年，国内生产总值增长3%，城镇新增就业1206万人。"
            "今年发展主要预期目标是：国内生产总值增长5%左右，城镇新增就业1200万人左右。")
    assert values(text, issue_date=D(2023, 3, 5)) == [(5, 5, "%", 2023), (1200, 1200, "万人", 2023)]


def test_a_year_before_the_document_marks_history():
    text = "2022年，全市地区生产总值达到4.5万亿元，同比增长4%。2023年，地区生产总值增长5%左右。"
    assert values(text, issue_date=D(2023, 1, 15)) == [(5, 5, "%", 2023)]


# ---------------------------------------------------------------- a provincial 十四五 plan with an indicator table

PROVINCE = """某省国民经济和社会发展第十四个五年规划纲要
一、“十三五”时期发展成就
“十三五”时期，全省地区生产总值年均增长6.5%，2020年达到4.2万亿元，人均地区生产总值突破6万元。
二、主要目标
到2025年，全省地区生产总值年均增长6%左右，研发经费投入强度达到2.8%。
“十四五”经济社会发展主要指标
类别\t指标\t2020年\t2025年\t年均增长[累计]\t属性
经济发展\t地区生产总值增长（%）\t3.7\t6左右\t—\t预期性
\t全员劳动生产率（万元/人）\t12.3\t16\t5.6\t预期性
绿色生态\t单位地区生产总值能源消耗降低（%）\t—\t—\t〔13.5〕\t约束性
\t森林覆盖率（%）\t23.4\t24.1\t〔0.7〕\t约束性
"""


def test_provincial_plan_inline_targets_and_background():
    rows = extract(PROVINCE, period_start=2021, period_end=2025)
    inline = [r for r in rows if r.rule_id != "table.cell"]
    assert [(r.value_text, r.change, r.target_year) for r in inline] == [
        ("6%左右", "annual_avg", 2025), ("2.8%", "level", 2025)]


def test_indicator_table_cells():
    rows = [r for r in extract(PROVINCE, period_start=2021, period_end=2025) if r.rule_id == "table.cell"]
    got = [(r.indicator, r.value_text, r.value_low, r.unit, r.binding, r.target_year, r.change) for r in rows]
    assert got == [
        ("地区生产总值增长（%）", "6左右", 6, "%", "预期性", 2025, "increase"),
        ("全员劳动生产率（万元/人）", "16", 16, "万元/人", "预期性", 2025, "level"),
        ("全员劳动生产率（万元/人）", "5.6", 5.6, "%", "预期性", 2025, "annual_avg"),   # an average growth rate
        ("单位地区生产总值能源消耗降低（%）", "〔13.5〕", 13.5, "%", "约束性", 2025, "cumulative"),
        ("森林覆盖率（%）", "24.1", 24.1, "%", "约束性", 2025, "level"),
        ("森林覆盖率（%）", "〔0.7〕", 0.7, "%", "约束性", 2025, "cumulative"),
    ]
    assert by_text(rows, "16").value_base == 160000.0 and by_text(rows, "16").unit_base == "元/人"
    assert by_text(rows, "6左右").bound == "approx"


def test_indicator_table_with_unit_column_and_inline_cell_unit():
    text = """一、主要指标
序号\t指标名称\t单位\t属性\t2015年\t2020年
1\t工业增加值率\t提高百分点\t预期性\t—\t比2015年提高1—1.5个百分点
2\t工业劳动生产率\t增加值万元/人\t预期性\t18\t22
3\t制造业增加值占比\t%\t预期性\t24\t力争保持25左右
4\t质量竞争力指数\t数值\t预期性\t83\t保持国内领先
"""
    rows = extract(text, period_start=2016, period_end=2020)
    got = [(r.value_low, r.value_high, r.unit, r.baseline_year, r.bound, r.aspirational, r.target_year) for r in rows]
    assert got == [
        (1, 1.5, "个百分点", 2015, "range", False, 2020),
        (22, 22, "增加值万元/人", None, "exact", False, 2020),
        (25, 25, "%", None, "approx", True, 2020),
    ]
    assert rows[1].value_base == 220000.0 and rows[1].unit_base == "元/人"
    assert rows[2].qualifiers == ("力争", "左右")


# ---------------------------------------------------------------- a city action plan

CITY = """某市推进新能源汽车产业高质量发展三年行动计划（2023—2025年）
一、发展基础
全市新能源汽车产业发展迅速，整车产量达到18万辆，产业规模突破800亿元。
二、主要目标
2022年全市新能源汽车产量同比增长85%。现有新能源汽车整车企业12家，已建成充电桩3.2万个，可用充电场站用地面积为120亩。
到2025年，全市新能源汽车产量突破50万辆，产业规模达到2000亿元以上；建成充电桩10万个，换电站200座；培育年营业收入超百亿元的龙头企业5家。
三、重点任务
1．做强整车企业。打造1-2家年营业收入超过100亿元、具有全国影响力的整车企业，力争新增整车产能30万辆。
2．完善充电网络。每年新建公共充电桩2万个以上。
3．推动配套协同。到2024年，本地配套率从2022年的35%提高到60%。
4．推进重大项目。支持年销量超过10万辆的整车企业做大做强，谋划一批超50亿元规模重大项目。对新认定的国家级绿色工厂给予一次性奖励50万元。
"""


def test_city_plan_targets():
    rows = extract(CITY)
    assert [(r.value_text, r.value_low, r.value_high, r.unit, r.target_year) for r in rows] == [
        ("突破50万辆", 50, 50, "万辆", 2025),
        ("2000亿元以上", 2000, 2000, "亿元", 2025),
        ("10万个", 10, 10, "万个", 2025),
        ("200座", 200, 200, "座", 2025),
        ("5家", 5, 5, "家", 2025),
        ("1-2家", 1, 2, "家", 2025),
        ("30万辆", 30, 30, "万辆", 2025),
        ("2万个以上", 2, 2, "万个", 2025),
        ("60%", 60, 60, "%", 2024),           # 到2024年 governs its own sentence
    ]


def test_city_plan_fields():
    rows = extract(CITY)
    capacity = by_text(rows, "30万辆")
    assert (capacity.aspirational, capacity.change, capacity.qualifiers) == (True, "new", ("力争", "新增"))
    assert by_text(rows, "突破50万辆").bound == "min"
    assert by_text(rows, "1-2家").bound == "range"
    assert by_text(rows, "2万个以上").change == "annual_avg"
    assert by_text(rows, "2000亿元以上").value_base == 2e11


def test_city_plan_history_facts_and_thresholds_are_not_targets():
    texts = [r.value_text for r in extract(CITY)]
    for not_a_target in ("18万辆", "突破800亿元", "85%", "12家", "3.2万个", "120亩",   # background, past, facts
                         "超百亿元", "超过100亿元",                                  # thresholds describing what is counted
                         "超过10万辆", "超50亿元",                                    # thresholds before a noun
                         "50万元",                                                    # a reward
                         "35%"):                                                     # a starting point (从…的)
        assert not_a_target not in texts


def test_paragraph_and_section_opening_deadlines_govern_what_follows():
    text = ("一、目标\n到2023年，全区新增5家上市企业。培育10家单项冠军企业。\n"
            "——加快集聚，引进20个重大项目。\n"
            "二、任务\n建设30个示范园区。到2024年，建成40个智能工厂。")
    assert values(text, period_start=2022, period_end=2025) == [
        (5, 5, "家", 2023), (10, 10, "家", 2023),   # the paragraph opened by 到2023年
        (20, 20, "个", 2023),                       # a later paragraph of the section it introduces
        (30, 30, "个", 2025),                       # another section, nothing said: the plan's end
        (40, 40, "个", 2024)]                       # the sentence's own deadline


def test_a_base_year_in_a_section_introduction_does_not_make_the_section_history():
    text = ("一、发展目标\n2020年，全市制造业增加值占比为28%。到2025年，保持在30%左右。\n"
            "（一）产业集群\n培育5个千亿级产业集群。")
    assert values(text, period_start=2021, period_end=2025) == [(30, 30, "%", 2025), (5, 5, "个", 2025)]


def test_on_the_basis_of_a_year_is_not_a_time_of_the_statement():
    text = "一、发展目标\n在2020年基础上，新增5个千亿级产业集群。"
    assert values(text, period_start=2021, period_end=2025) == [(5, 5, "个", 2025)]


def test_relative_deadline_and_this_year():
    text = "一、目标\n经过三年努力，培育30家企业。今年完成10个项目。"
    assert values(text, period_start=2024, period_end=2026, issue_date=D(2024, 2, 1)) == [
        (30, 30, "家", 2026), (10, 10, "个", 2024)]


def test_a_one_year_work_plan_takes_the_year_of_its_title():
    text = ("2024年全市工业和信息化工作要点\n一、总体要求\n2023年，全市规模以上工业增加值增长6%。"
            "今年全市规模以上工业增加值增长5%左右。\n二、重点工作\n（一）推进技术改造。实施技改项目300项。")
    assert values(text) == [(5, 5, "%", 2024), (300, 300, "项", 2024)]


def test_no_plan_period_and_no_deadline_gives_no_year():
    assert values("一、任务\n建设10个示范园区。") == [(10, 10, "个", None)]


# ---------------------------------------------------------------- what is not a value

@pytest.mark.parametrize("text", [
    "大力发展5G、人工智能等“4+1”重点产业，建设G60科创走廊，推进C919大型客机研制。",
    "加快发展三大先导产业和六大重点产业，按照相关工作节点推进十个专项行动。",
    "推进“十四五”规划实施，全面落实“3+6”产业体系和“6+X”战略性新兴产业。",
    "加快推进12英寸生产线建设，支持28纳米工艺量产，发展700℃超超临界机组。",
    "形成若干千亿级、五百亿级产业集群，推进百亿元级项目开工建设。",
    "根据《关于支持产业发展的若干政策》（沪府发〔2023〕5号），经区政府第166次常务会议审议通过。",
    "落地一批创新平台，培育若干龙头企业，建设一系列示范工程，多个园区加快发展。",
    "每10万人口拥有执业医师数明显增加，实施“1+10”人才新政，建设两个中心。",
])
def test_names_labels_dates_and_vague_amounts_are_not_targets(text):
    assert values("一、任务\n" + text, period_start=2023, period_end=2025) == []


@pytest.mark.parametrize("text, low, high, unit", [
    ("培育30~40家企业。", 30, 40, "家"),
    ("培育30至40家企业。", 30, 40, "家"),
    ("比2020年提高1—1.5个百分点。", 1, 1.5, "个百分点"),
    ("工业用地按照不低于1/3比例用于重点项目。", 0.3333, 0.3333, ""),
    ("服务业增加值比重达到三分之二左右。", 0.6667, 0.6667, ""),
    ("城镇化率达到百分之七十以上。", 70, 70, "%"),
    ("培育企业300余家。", 300, 300, "家"),
    ("产出效益达到12.5亿元/平方公里。", 12.5, 12.5, "亿元/平方公里"),
    ("有效发明专利达到1.2件/亿元。", 1.2, 1.2, "件/亿元"),
    ("营业收入突破1.5万亿元。", 1.5, 1.5, "万亿元"),
    ("培育十家以上单项冠军企业。", 10, 10, "家"),       # a Chinese-numeral count with a qualifier is a value
    ("建设一百个美丽乡村示范村。", 100, 100, "个"),     # so is a large one
])
def test_value_forms(text, low, high, unit):
    [(got_low, got_high, got_unit, _)] = values("一、目标\n到2025年，" + text, period_start=2023, period_end=2025)
    assert (got_low, got_high, got_unit) == (pytest.approx(low), pytest.approx(high), unit)


def test_threshold_inside_a_counted_phrase_is_not_a_target():
    text = "一、目标\n到2025年，打造1-2家年营业收入超过10亿元，具有行业影响力的系统集成商。"
    assert values(text) == [(1, 2, "家", 2025)]


def test_a_threshold_opening_the_noun_of_a_count_is_not_a_target():
    # N亿元以上 + noun + count: the amount sorts the things counted; only the count is the goal
    text = ("某市招商引资行动方案（2024—2026年）\n一、目标\n每年新签约5亿元以上制造业项目20个，"
            "引进年产值50万吨以上化工企业3家。投资10亿元建设项目3个。")
    assert [(r.value_text, r.unit) for r in extract(text)] == [
        ("20个", "个"), ("3家", "家"), ("10亿元", "亿元"), ("3个", "个")]


def test_statement_of_available_stock_is_not_a_target():
    text = "一、保障\n“十四五”期间可用工业土地总面积为9921.1亩，可用厂房总面积为367.9万平方米（不含26栋厂房）。"
    assert values(text, period_start=2022, period_end=2024) == []


def test_weak_fact_cue_yields_to_a_forward_deadline():
    text = "一、目标\n目前全市拥有上市企业80家。到2025年，拥有上市企业100家以上。"
    assert values(text, period_start=2023, period_end=2025) == [(100, 100, "家", 2025)]


def test_scope_of_an_aspiration():
    # 力争 opening a clause governs the parallel clauses after it; after a subject it governs its own clause only
    text = ("一、目标\n到2025年，力争培育30家单项冠军企业，新增20家上市企业。"
            "到2025年，数字产业规模力争增长50%左右，新增3个国家级平台。")
    rows = extract(text, period_start=2023, period_end=2025)
    assert [(r.value_text, r.aspirational, r.qualifiers) for r in rows] == [
        ("30家", True, ("力争",)), ("20家", True, ("力争", "新增")),
        ("50%左右", True, ("力争", "左右")), ("3个", False, ("新增",))]


def test_a_subset_inherits_the_context_of_the_clause_before():
    text = "一、现状\n全市共有各类市场主体200万户，其中企业80万户。"
    assert values(text, period_start=2023, period_end=2025) == []
    text = "一、目标\n到2025年，新增专精特新企业500家，其中“小巨人”企业50家。"
    [_, giants] = extract(text, period_start=2023, period_end=2025)
    assert (giants.value_low, giants.change, giants.qualifiers) == (50, "new", ("新增",))


@pytest.mark.parametrize("text", [
    "对符合条件的项目，按照设备投资额的10%给予补助，最高不超过500万元。",   # a subsidy and its cap
    "自受理之日起20个工作日内作出决定。",                                   # a procedural time limit
    "申请人应当在30个工作日内补齐材料。",
    "从5个方面提出20条政策措施，实施10项重点任务。",                        # the document's own structure
])
def test_rules_caps_and_document_structure_are_not_targets(text):
    assert values("一、措施\n" + text, period_start=2023, period_end=2025) == []


def test_a_task_heading_that_mentions_a_foundation_is_not_background():
    text = "一、夯实发展基础\n到2025年，建成10个公共服务平台。\n二、发展基础\n全市已建成5个平台，拥有企业300家。"
    assert values(text, period_start=2023, period_end=2025) == [(10, 10, "个", 2025)]


def test_totals_and_past_spans_in_a_report_are_not_targets():
    text = ("关于2023年产业发展情况的报告\n一、总体情况\n"
            "2019年至2022年，全市累计投入资金50亿元。\n二、企业培育\n全市共计认定专精特新企业800家，合计营业收入2000亿元。")
    assert values(text, issue_date=D(2024, 3, 1)) == []


def test_binding_written_with_the_value():
    [row] = extract("一、目标\n到2025年，单位地区生产总值能耗降低13.5%（约束性）。", period_start=2021, period_end=2025)
    assert (row.binding, row.change, row.value_low) == ("约束性", "decrease", 13.5)


def test_rows_have_offsets_sentence_section_and_stable_ids():
    doc = make_doc(CITY, doc_id="city1")
    rows = TARGETS(doc, DEADLINES(doc))
    again = TARGETS(make_doc(CITY, doc_id="city1"), DEADLINES(doc))
    assert [r.target_id for r in rows] == [r.target_id for r in again]
    assert len({r.target_id for r in rows}) == len(rows)
    for r in rows:
        assert doc.text[r.char_start:r.char_end] == r.value_text
        assert r.target_id == f"city1-T{r.char_start}-{r.char_end}"
        assert r.value_text.replace(" ", "") in r.sentence.replace(" ", "")
    five = by_text(rows, "5家")
    assert doc.sections[five.section_id].heading == "主要目标"
    assert five.indicator == "年营业收入超百亿元的龙头企业"


def test_a_large_document_yields_every_value_once():
    # speed is measured by `make bench`, not here; this checks that nothing is lost or doubled at scale
    paragraph = ("到2025年，全市新能源汽车产量突破50万辆，产业规模达到2000亿元以上；建成充电桩10万个。"
                 "支持5G、人工智能等“4+1”重点产业，建设G60科创走廊。\n")
    text = "一、目标\n" + paragraph * 4000                       # about 330,000 characters
    doc = make_doc(text, period_start=2023, period_end=2025)
    rows = TARGETS(doc, DEADLINES(doc))
    assert [r.value_text for r in rows] == ["突破50万辆", "2000亿元以上", "10万个"] * 4000
    assert len({r.char_start for r in rows}) == 3 * 4000


def test_text_without_punctuation():
    # no sentence or clause boundary for 60,000 characters: every value is still read, each in a bounded sentence
    text = "一、目标\n" + "到2025年培育10家企业建成20个平台 " * 3000
    doc = make_doc(text, period_start=2023, period_end=2025)
    doc = dataclasses.replace(doc, sentences=split_sentences(doc.text))   # the pipeline's segmenter
    rows = TARGETS(doc, DEADLINES(doc))
    assert [(r.value_text, r.target_year) for r in rows] == [("10家", 2025), ("20个", 2025)] * 3000
    # the segmenter bounds a sentence (cut at a space below MAX_SENTENCE): the column is never 60,000 chars
    assert max(len(r.sentence) for r in rows) <= MAX_SENTENCE
    assert all(r.sentence in doc.text and r.value_text in r.sentence for r in rows)


# ---------------------------------------------------------------- reports and annual plans: this year's goals, not last year's results

def test_annual_plan_results_of_last_year_are_not_targets_even_when_metadata_names_a_five_year_plan():
    title = "某省人民政府关于下达《某省2019年国民经济和社会发展计划》的通知"
    text = (title + "\n某省2019年国民经济和社会发展计划\n"
            "2018年，全省实现了“十三五”良好开局。全省实现地区生产总值3.6万亿元，增长7.8%，其中一、二、三产业分别增长3.5%、"
            "7.2%和9.1%；新增城镇就业75万人。\n"
            "全省经济社会发展的主要预期目标是：地区生产总值增长7.5%左右；城镇新增就业70万人以上。")
    rows = extract(text, title=title, issue_date=D(2019, 3, 20), period_start=2016, period_end=2020)
    assert [(r.value_text, r.target_year) for r in rows] == [("7.5%左右", 2019), ("70万人以上", 2019)]


def test_work_report_with_a_byline_date_and_a_review_heading():
    text = ("政府工作报告\n——2021年2月3日在某市第十五届人民代表大会第六次会议上\n各位代表：\n"
            "“十三五”时期工作回顾\n过去五年，2020年全市实现生产总值1100亿元，较2015年分别增长26%。\n"
            "“十四五”时期主要目标和2021年工作安排\n今后五年，全市地区生产总值年均增长6.5%左右。\n"
            "2021年主要预期目标是：地区生产总值增长8%以上。今年新开工项目200个。")
    rows = extract(text, period_start=2016, period_end=2020)
    assert [(r.value_text, r.target_year) for r in rows] == [("6.5%左右", 2025), ("8%以上", 2021), ("200个", 2021)]


def test_indicators_in_lists_and_clauses_that_start_with_a_time_or_verb():
    text = ("一、主要目标\n“十四五”期间，全市软件业务收入年均增长10%左右，到2025年达到900亿元。"
            "二氧化硫、氮氧化物、挥发性有机物排放总量比2020年分别下降6%、9%、10%以上。"
            "工业互联网平台接入设备超过50万台（套）。\n"
            "二、监测\n一、对地区生产总值增长6%、城镇新增就业12万人左右、城镇调查失业率5%左右等指标进行监测。\n"
            "（一）到2025年，累计培育智能工厂60家、数字化车间150个。")
    rows = extract(text, period_start=2021, period_end=2025)
    got = {r.value_text: r for r in rows}
    assert got["900亿元"].indicator == "软件业务收入"          # the subject of the clause before
    assert [got[v].indicator for v in ("6%", "9%", "10%以上")][1:] == ["氮氧化物", "挥发性有机物排放总量"]
    assert got["超过50万台（套）"].indicator == "工业互联网平台接入设备"   # 台（套） is one measure word
    growth = [r for r in rows if r.value_text == "6%" and r.change == "increase"][0]
    assert growth.indicator == "地区生产总值"                   # not 一、对地区生产总值
    # 新增 inside the previous item's name (城镇新增就业) is not a qualifier of the next value
    assert (got["5%左右"].qualifiers, got["5%左右"].change) == (("左右",), "level")
    # a qualifier that opens the clause governs the whole list
    assert [(got[v].qualifiers, got[v].change) for v in ("60家", "150个")] == [(("累计",), "cumulative")] * 2


def test_indicator_table_with_spaced_name_header_base_column_and_plan_change_column():
    text = """某市国民经济和社会发展第十四个五年规划纲要
一、主要目标
专栏1 “十四五”时期主要指标
指 标\t2020年基数\t2025年目标\t“十四五”年均增长（%）\t属性
地区生产总值（亿元）\t900\t1300\t7.5左右\t预期性
常住人口城镇化率（%）\t60.2\t64\t〔3.8〕\t预期性
单位地区生产总值能耗降低（%）\t—\t—\t完成省下达任务\t约束性
"""
    rows = extract(text, period_start=2021, period_end=2025)
    got = [(r.indicator, r.value_text, r.unit, r.binding, r.target_year, r.change) for r in rows]
    assert got == [
        ("地区生产总值（亿元）", "1300", "亿元", "预期性", 2025, "level"),
        ("地区生产总值（亿元）", "7.5左右", "%", "预期性", 2025, "annual_avg"),
        ("常住人口城镇化率（%）", "64", "%", "预期性", 2025, "level"),
        ("常住人口城镇化率（%）", "〔3.8〕", "%", "预期性", 2025, "cumulative"),
    ]
    doc = make_doc(text, period_start=2021, period_end=2025)
    # the expression is the year; 目标 names the column (as a header cell 2020年 is marked)
    assert [(d.text, d.end_date) for d in DEADLINES(doc) if d.text.startswith("202")] == [("2025年", D(2025, 12, 31))]


def test_a_comparison_with_last_year_is_a_result_unless_planned_ahead():
    report = ("2025年政府工作报告\n一、2024年工作回顾\n全年地区生产总值比上年增长5%。\n"
              "二、今年重点工作\n拟安排地方政府专项债券4万亿元、比上年增加5000亿元。全年完成一般预算收入9000万元以上。")
    rows = extract(report)
    assert [(r.value_text, r.target_year, r.change) for r in rows] == [
        ("4万亿元", 2025, "level"), ("5000亿元", 2025, "increase"), ("9000万元以上", 2025, "level")]
    assert rows[0].indicator == "地方政府专项债券" and rows[-1].indicator == "一般预算收入"
    # without a time ahead, a comparison with last year reports a result
    assert values("情况通报\n全市工业增加值同比增长8.3%，比上年增加120亿元。") == []


def test_indicators_of_a_second_value_a_share_clause_and_a_trailing_time_word():
    text = ("2026年政府工作报告\n一、今年主要目标\n城镇调查失业率全年控制在5.5%以内。"
            "拟安排地方政府专项债券5万亿元、比上年增加6000亿元。"
            "数字经济核心产业增加值年均增长10%，占地区生产总值比重提高到13%左右。")
    got = {r.value_text: r.indicator for r in extract(text)}
    assert got == {"5.5%以内": "城镇调查失业率", "5万亿元": "地方政府专项债券", "6000亿元": "地方政府专项债券",
                   "10%": "数字经济核心产业增加值", "13%左右": "数字经济核心产业增加值占地区生产总值比重"}


def test_a_statement_of_the_current_state_governs_the_clauses_after_it():
    text = ("某省专精特新企业培育行动计划（2024—2026年）\n一、主要目标\n"
            "到2026年，累计培育制造业单项冠军200家和专精特新“小巨人”企业1200家，省级专精特新中小企业8000家以上。\n"
            "截至目前，全省累计培育省级专精特新中小企业4100家，国家级“小巨人”企业520家。"
            "全省现有单项冠军企业150家，创新型中小企业3万家。目前已建成公共服务平台40个，力争新建20个。")
    rows = extract(text)
    # the goals; of the status sentences only what 力争 makes a goal again
    assert [r.value_text for r in rows] == ["200家", "1200家", "8000家以上", "20个"]
    assert [r.indicator for r in rows[:3]] == ["制造业单项冠军", "专精特新“小巨人”企业", "省级专精特新中小企业"]
    assert {r.target_year for r in rows} == {2026}


def test_what_the_plan_works_through_is_not_a_target():
    text = "一、总体要求\n聚焦12个重点产业链和6个产业集群，围绕8个先进制造业集群，培育链主企业30家。"
    assert values(text, period_start=2024, period_end=2026) == [(30, 30, "家", 2026)]


def test_multiples_of_a_base_year_doubling_and_spans_of_years_before_a_cumulative():
    text = ("一、主要目标\n到2025年，全市地区生产总值力争实现翻一番，达到2万亿元左右；城乡居民收入是2020年的1.5倍。"
            "PM2.5平均浓度降至30微克/立方米。五年累计完成固定资产投资1.2万亿元。")
    rows = extract(text, period_start=2021, period_end=2025, issue_date=D(2021, 6, 1))
    got = [(r.value_text, r.indicator, r.baseline_year, r.target_year) for r in rows]
    assert got == [("2万亿元左右", "地区生产总值", None, 2025), ("1.5倍", "城乡居民收入", 2020, 2025),
                   ("30微克/立方米", "PM2.5平均浓度", None, 2025), ("1.2万亿元", "固定资产投资", None, 2025)]


def test_an_undated_plans_table_skips_the_earliest_year_column_as_the_base():
    text = "一、主要指标\n指标\t单位\t2020年\t2025年\t属性\n地区生产总值\t亿元\t900\t1300\t预期性\n"
    assert values(text) == [(1300, 1300, "亿元", 2025)]


def test_a_count_whose_measure_is_the_goal_is_not_a_target():
    text = ("一、主要任务\n做大集成电路、生物医药、人工智能等3个先导产业规模，培育龙头企业10家。"
            "打造新材料、生物医药等4个千亿级产业集群。力争形成20-30个特色园区建设培育规模。")
    assert values(text, period_start=2024, period_end=2026) == [
        (10, 10, "家", 2026), (4, 4, "个", 2026), (20, 30, "个", 2026)]


def test_a_threshold_inside_the_subject_stays_in_the_indicator():
    text = "一、任务\n到2026年，年营业收入超10亿元企业新增20家。"
    [row] = extract(text, period_start=2024, period_end=2026)
    assert (row.value_text, row.indicator) == ("20家", "年营业收入超10亿元企业")


def test_a_unitless_index_score_or_level_is_a_target():
    text = ("某省制造业质量提升行动方案（2024—2026年）\n一、主要目标\n"
            "到2026年，制造业质量竞争力指数提高到86以上，营商环境评价得分提升至92.5，关键工序水平达到国际先进水平。")
    got = [(r.value_text, r.value_low, r.unit, r.target_year, r.indicator) for r in extract(text)]
    assert got == [("86以上", 86, "", 2026, "制造业质量竞争力指数"), ("92.5", 92.5, "", 2026, "营商环境评价得分")]


def test_energy_and_power_units_have_a_base():
    text = ("某市储能产业行动方案（2024—2026年）\n一、主要目标\n"
            "到2026年，动力电池产能达到300GWh以上，新型储能装机规模达到5GW，光伏装机达到200万千瓦，GWP值不计。")
    got = [(r.value_text, r.unit, r.value_base, r.unit_base) for r in extract(text)]
    assert got == [("300GWh以上", "GWh", 3e8, "千瓦时"), ("5GW", "GW", 5e6, "千瓦"), ("200万千瓦", "万千瓦", 2e6, "千瓦")]


def test_a_power_rating_naming_a_machine_is_not_a_target():
    text = ("某市高端装备行动方案（2024—2026年）\n一、主要任务\n"
            "突破12MW和16MW半直驱海上风机技术，研制E级300MW燃气轮机，到2026年建成100MW光伏电站3座。")
    assert [(r.value_text, r.unit) for r in extract(text)] == [("3座", "座")]


def test_indicators_leave_out_time_words_and_name_the_thing_a_size_belongs_to():
    text = ("某县产业发展行动方案（2024—2026年）\n一、主要任务\n"
            "2025年底前累计发放贷款不低于80亿元。“十四五”期间每年培育骨干企业20家。三年内新增高新技术企业60家。"
            "县财政每年统筹安排产业引导资金不少于2亿元。组建总规模50亿元的产业引导基金。"
            "全县规上工业增加值年均增长8%，三年平均增速不低于7%。")
    got = {r.value_text: r.indicator for r in extract(text)}
    assert got == {"不低于80亿元": "发放贷款", "20家": "骨干企业", "60家": "高新技术企业",
                   "不少于2亿元": "产业引导资金", "50亿元": "产业引导基金规模",
                   "8%": "全县规上工业增加值", "不低于7%": "三年平均增速"}


# ---------------------------------------------------------------- a digital-economy plan: data and compute units

def test_measure_words_and_latin_units_of_digital_plans():
    text = """一、主要目标
到2025年，工业互联网平台连接设备数达到1500万台（套），千兆宽带平均接入速率达到500Mbps以上，骨干网出口带宽达到10Gbps，总算力规模达到8EFLOPS，每年开展免费诊断服务不少于1万家次。
"""
    rows = extract(text, period_start=2021, period_end=2025)
    assert [(r.value_text, r.unit, r.value_base, r.unit_base, r.bound) for r in rows] == [
        ("1500万台（套）", "万台（套）", 15000000.0, "台套", "exact"),
        ("500Mbps以上", "Mbps", 500.0, "Mbps", "min"),
        ("10Gbps", "Gbps", 10000.0, "Mbps", "exact"),
        ("8EFLOPS", "EFLOPS", 8.0, "EFLOPS", "exact"),
        ("不少于1万家次", "万家次", 10000.0, "家次", "min"),
    ]


def test_a_dash_in_the_unit_column_means_no_unit():
    text = """一、主要指标
指标\t单位\t2020年\t2025年目标\t属性
数据中心电能利用效率（PUE）\t—\t1.5\t1.3以下\t约束性
数字经济核心产业增加值占GDP比重\t%\t7.8\t10\t预期性
"""
    rows = extract(text, period_start=2021, period_end=2025)
    assert [(r.value_text, r.unit, r.bound, r.binding, r.target_year) for r in rows] == [
        ("1.3以下", "", "max", "约束性", 2025), ("10", "%", "exact", "预期性", 2025)]


def test_unitless_efficiency_bounds_are_targets_and_permitted_levels_are_not():
    text = """一、主要目标
到2025年，新建大型数据中心电能利用效率原则上不高于1.3，存量数据中心PUE降至1.5以下。
二、保障措施
市级政府投资基金对重点项目的出资比例可提高至40%。
"""
    rows = extract(text, period_start=2023, period_end=2025)
    assert [(r.value_text, r.unit, r.bound, r.target_year) for r in rows] == [
        ("不高于1.3", "", "max", 2025), ("1.5以下", "", "max", 2025)]   # 可提高至40% is a permission


def test_the_sentence_column_is_the_whole_sentence_however_long():
    # a 2,000-character enumeration with no stop: the sentence column is never cut (SCHEMA: the full sentence)
    filler = "、".join(f"推进第{i}项工作" for i in range(300))
    text = f"一、主要目标\n到2025年，{filler}，新增企业50家。\n"
    doc = make_doc(text, period_start=2023, period_end=2025)
    deadlines = DEADLINES(doc)
    [row] = TARGETS(doc, deadlines)
    sentence = text.split("\n")[1]
    assert len(sentence) > 2000
    assert row.sentence == sentence and row.value_text == "50家"
    assert [d.sentence for d in deadlines] == [sentence]


def test_a_population_threshold_is_not_a_target_and_an_indicator_may_say_has():
    text = """一、主要目标
到2027年，65岁及以上老年人健康管理率达到65%以上，人均预期寿命达到79岁，建成示范学校5所以上，每年开展对接活动不少于10场次。
二、重点任务
推进优质医疗资源扩容下沉，每千人口拥有执业（助理）医师数达到3.6人。全市拥有国家级企业技术中心63家。
"""
    rows = extract(text, period_start=2025, period_end=2027)
    # 65岁及以上老年人 sorts a population; 拥有…达到 names an indicator; 拥有…63家 is a fact
    assert [(r.value_text, r.unit) for r in rows] == [
        ("65%以上", "%"), ("79岁", "岁"), ("5所以上", "所"), ("不少于10场次", "场次"), ("3.6人", "人")]


def test_a_work_report_without_a_year_in_its_title_is_about_the_year_it_is_delivered():
    text = """政府工作报告
——2025年1月15日在某市第十七届人民代表大会第四次会议上
一、2024年工作回顾
过去一年，地区生产总值增长5.2%。
二、今年主要预期目标
全市地区生产总值增长5%左右。
三、加强政府自身建设
坚持过紧日子，一般性支出再压减5%。
"""
    rows = extract(text, title="政府工作报告")
    assert [(r.value_text, r.target_year) for r in rows] == [("5%左右", 2025), ("5%", 2025)]


def test_a_long_range_vision_is_not_an_undated_documents_plan_end():
    text = OPINION.replace("到2028年，社会物流总费用", "到2035年，社会物流总费用")
    doc = make_doc(text, issue_date=D(2023, 5, 4))
    deadlines = DEADLINES(doc)
    rows = TARGETS(doc, deadlines)
    # 到2035年 lies beyond a plan's reach from 2023: the goals' horizon is 2025, the latest within it
    assert [(r.value_text, r.target_year) for r in rows] == [("13%左右", 2035), ("8个左右", 2025), ("50家以上", 2025)]
    [within] = [d for d in deadlines if d.text == "三年内"]
    assert within.end_date == D(2025, 12, 31)


def test_targets_in_a_task_table_take_the_rows_deadline_and_a_statistics_table_stays_out():
    text = """某市制造业数字化转型实施方案（2025—2027年）
一、主要目标
到2027年，全市规模以上工业企业数字化改造全覆盖。
二、重点任务
序号\t重点任务\t牵头单位\t配合单位\t完成时限
1\t推进企业上云用数，新增上云企业1500家。\t市经济和信息化局\t市财政局\t2026年底前
2\t建设数字化车间，新建市级数字化车间40个以上。\t市经济和信息化局\t市科技局\t2025年6月底前
三、发展基础
年份\t企业数\t产值
2023年\t120家\t800亿元
"""
    doc = make_doc(text, period_start=2025, period_end=2027)
    doc = dataclasses.replace(doc, sentences=split_sentences(doc.text))   # a table row is one sentence
    rows = TARGETS(doc, DEADLINES(doc))
    # the task cells are read as text; each target takes its row's 完成时限; the statistics rows are no targets
    assert [(r.value_text, r.target_year) for r in rows] == [("1500家", 2026), ("40个以上", 2025)]


# ---------------------------------------------------------------- comparisons and subsidies in real documents

def test_from_x_to_y_keeps_only_the_new_levels_even_in_a_list():
    text = "到2026年，城乡低保补助标准分别从每人每月500元、380元提高到520元、400元。"
    assert [(r.value_low, r.unit) for r in extract(text)] == [(520.0, "元"), (400.0, "元")]


def test_a_start_level_introduced_by_you_is_dropped_but_you_as_agent_is_not():
    assert [r.value_low for r in extract("到2025年，县域托管帮扶范围由20个县扩大到45个县。")] == [45.0]
    assert [r.value_low for r in extract("到2025年，由市财政安排专项资金500万元。")] == [500.0]


def test_a_count_reached_by_a_subsidy_is_a_goal_but_its_threshold_and_caps_are_not():
    assert [r.value_text for r in extract("2026年，开展补贴性职业技能培训超20万人次。")] == ["超20万人次"]
    assert [r.value_text for r in extract("2026年，为超200万名婴幼儿发放育儿补贴。")] == ["超200万名"]
    assert extract("对年接待游客超5万人次的民宿给予每家3万元奖励。") == []
    assert extract("到2026年，创业担保贷款个人最高额度提高至30万元。") == []


def test_compared_with_the_year_before_gives_the_previous_year_as_baseline():
    [row] = extract("2026年，全市粮食产量比上年增加10万吨。")
    assert (row.value_low, row.unit, row.target_year, row.baseline_year) == (10.0, "万吨", 2026, 2025)


def test_sessions_are_counted_and_phase_names_are_not():
    assert [r.value_text for r in extract("2026年，举办专业技术培训班超10期。")] == ["超10期"]
    assert extract("2026年，加快推进产业园二期建设。") == []


def test_an_attributive_already_built_does_not_make_the_sentence_a_statement_of_fact():
    text = "2026年，改造提升已建成村庄的污水治理设施，项目区群众满意度不低于85%。"
    assert [r.value_text for r in extract(text)] == ["不低于85%"]


def test_descriptions_that_are_not_amounts_to_reach():
    # ages delimiting a group, a service's hours, a plant's rating, weights of a scoring formula
    assert extract("2026年，为0—6岁儿童、65岁以上老年人提供健康管理服务，每天24小时开放热线。") == []
    assert extract("2026年，加快推进某能源公司2×35万千瓦热电联产项目和某矿业公司300万吨露天矿前期工作。") == []
    assert extract("考评分值=日常监测（60%）+实地调研（30%）+第三方评估（10%）") == []
    assert extract("推动一二三次产业融合发展。") == []
    # the work a project consists of is an amount of work
    assert [r.value_text for r in extract("2026年，实施新建20公里给排水管网等项目。")] == ["20公里"]


def test_a_procedure_is_no_goal_in_any_clause_of_its_sentence():
    assert extract("政务部门应当自情形发生之日起10个工作日内更新目录，并在3个工作日内报送主管部门。") == []
    assert [r.value_text for r in extract("到2025年，审批时限压缩至15个工作日。")] == ["15个工作日"]


def test_a_half_and_bandwidths_written_in_words_are_numbers():
    [half] = extract("到2026年，拖欠中小企业账款清偿一半以上。")
    assert (half.value_low, half.unit) == (0.5, "")
    rows = extract("2026年，骨干网络达到万兆到县、千兆到乡镇、百兆到村，力争实现50兆进户。")
    assert [(r.value_low, r.unit) for r in rows] == [(10000.0, "兆"), (1000.0, "兆"), (100.0, "兆"), (50.0, "兆")]
    assert extract("2026年，推进千兆光网和千兆城市建设。") == []


def test_a_forecast_with_a_goal_verb_is_a_goal():
    assert [r.value_text for r in extract("2016年，预计全年旅游接待人数达到700万人次。")] == ["700万人次"]
    assert extract("预计今年高校毕业生超过1170万人。") == []


# ---------------------------------------------------------------- units and magnitudes of work reports

WORK_PLAN = """江岭市2026年政府工作报告
二、2026年主要目标
今年全市地区生产总值力争突破万亿元，打造万亿级装备产业集群。
天然气产量达到120亿方，完成土方回填30万方，加强三方协作。
全市PM2.5平均浓度不超过30微克每立方米。
重点做好以下8项工作：
建成年产20亿方的岭北气田扩能项目。
"""


def test_magnitudes_and_units_of_a_work_plan():
    rows = extract(WORK_PLAN, issue_date=D(2026, 1, 20))
    got = [(r.value_text, r.value_low, r.unit, r.value_base) for r in rows]
    assert got == [
        ("突破万亿元", 1.0, "万亿元", 1e12),            # a magnitude word without a digit is the number 1
        ("120亿方", 120.0, "亿方", 1.2e10),              # 方 is a cubic metre after a magnitude
        ("30万方", 30.0, "万方", 3e5),
        ("不超过30微克每立方米", 30.0, "微克每立方米", 30.0),
    ]
    # 万亿级 is a level; 三方 are parties; 以下8项工作 counts the report's own parts; 20亿方 sizes a gas field
    assert all(r.target_year == 2026 for r in rows)


def test_a_percentage_of_things_is_a_share_not_a_threshold():
    text = """江岭市2026年政府工作报告
二、2026年主要目标
确保全市85%的化工园区达到较低安全风险等级，70%的城镇污水处理厂完成提标改造。
对研发投入增长20%以上的企业给予奖励。
"""
    rows = extract(text, issue_date=D(2026, 1, 20))
    assert [(r.value_text, r.value_low) for r in rows] == [("85%", 85.0), ("70%", 70.0)]


def test_a_set_put_to_use_already_exists():
    text = """江岭市2026年政府工作报告
二、2026年主要目标
发挥好6个省级区域医疗中心作用，用好3个国家级开放平台，新建12个社区医院。
"""
    rows = extract(text, issue_date=D(2026, 1, 20))
    assert [(r.value_text, r.value_low) for r in rows] == [("12个", 12.0)]


def test_counts_and_rates_that_describe_rather_than_aim():
    text = """江岭市2026年政府工作报告
二、2026年主要目标
力争技术合同交易额突破百亿，整合设立千亿产业基金，发电量超2000亿度。
我市有12个对外开放口岸，要提升口岸功能。
30户以上自然村寨生活垃圾收运设施覆盖率达95%。
建成120个3人制篮球场。
用好企业所得税减按15%征收等优惠政策。
"""
    rows = extract(text, issue_date=D(2026, 1, 20))
    assert [(r.value_text, r.value_low, r.unit) for r in rows] == [
        ("突破百亿", 100.0, "亿"), ("千亿", 1000.0, "亿"), ("超2000亿度", 2000.0, "亿度"),
        ("95%", 95.0, "%"), ("120个", 120.0, "个")]
    assert by_text(rows, "超2000亿度").unit_base == "千瓦时"


def test_people_counted_with_ten_thousand_alone():
    text = """江岭市2026年政府工作报告
二、2026年主要目标
帮助2万困难群众稳定就业，职工医保参保人数突破600万，新建3万亩高标准农田，新增就业1.2万人。
"""
    rows = extract(text, issue_date=D(2026, 1, 20))
    assert [(r.value_text, r.value_low, r.unit) for r in rows] == [
        ("2万", 2.0, "万"), ("突破600万", 600.0, "万"), ("3万亩", 3.0, "万亩"), ("1.2万人", 1.2, "万人")]


def test_measure_words_of_counts_and_a_vague_batch():
    text = """江岭市2026年政府工作报告
二、2026年主要目标
举办3届产业大会，突破一批关键核心技术，推出2批改革清单，压减安全事故20起。
"""
    rows = extract(text, issue_date=D(2026, 1, 20))
    assert [(r.value_text, r.unit) for r in rows] == [("3届", "届"), ("2批", "批"), ("20起", "起")]


def test_a_unit_written_once_after_a_list_and_the_parts_of_a_ratio():
    text = """江岭市2026年政府工作报告
二、2026年主要目标
两项指标分别提高1.5、2.0个百分点，三次产业结构调整为5.0:38.0:57.0，城乡居民收入比缩小至2.1:1，第1、2批试点完成验收。
"""
    rows = extract(text, issue_date=D(2026, 1, 20))
    assert [(r.value_low, r.unit) for r in rows] == [
        (1.5, "个百分点"), (2.0, "个百分点"), (5.0, ""), (38.0, ""), (57.0, ""), (2.1, "")]


def test_a_fullwidth_percent_sign_is_read_and_its_unit_written_ascii():
    rows = extract("""江岭市2026年政府工作报告
二、2026年主要目标
研发经费投入强度达到２.５％，城镇调查失业率控制在5.5％左右。
""", issue_date=D(2026, 1, 20))
    assert [(r.value_low, r.unit, r.unit_base) for r in rows] == [(2.5, "%", "%"), (5.5, "%", "%")]


def test_the_capacity_of_a_chemical_or_power_plant_sizes_the_project():
    rows = extract("""江岭市2026年政府工作报告
二、2026年主要目标
开工建设江岭60万吨煤制烯烃和30万吨甲醇制乙醇项目，建成岭北35万千瓦热电项目，新增光伏装机100万千瓦。
""", issue_date=D(2026, 1, 20))
    assert [(r.value_low, r.unit) for r in rows] == [(100.0, "万千瓦")]


def test_the_length_of_stay_of_the_visa_free_transit_scheme_is_its_name():
    rows = extract("""江岭市2026年政府工作报告
二、2026年主要目标
用好240小时过境免签政策，政务服务实现24小时“不打烊”。
""", issue_date=D(2026, 1, 20))
    assert [(r.value_low, r.unit) for r in rows] == [(24.0, "小时")]


def test_a_table_cell_with_a_fullwidth_percent_writes_its_unit_ascii():
    rows = extract("""江岭市“十四五”规划
主要指标\t单位\t2025年\t属性
研发经费投入强度\t％\t3.2\t预期性
森林覆盖率\t\t45％\t约束性
""", issue_date=D(2021, 3, 1))
    assert {(r.value_low, r.unit) for r in rows} == {(3.2, "%"), (45.0, "%")}


@pytest.mark.parametrize("sentence, expected", [
    ("力争有10家企业进入全国500强。", [("10家", 10.0, "家")]),          # 有 after a goal word is a goal
    ("确保每个县至少有1所公办幼儿园。", [("1所", 1.0, "所")]),
    ("建成300个以上美丽宜居村庄。", [("300个以上", 300.0, "个")]),      # a count of villages, not a size
    ("单日客运量分别达1.2亿、8000万人次。", [("8000万人次", 8000.0, "万人次")]),  # own magnitude kept apart
    ("第1、2、3批试点完成验收。", []),                                 # an ordinal list
    ("完成投资5000万，新建园区2个。", [("2个", 2.0, "个")]),            # bare 万 of money is no count of people
])
def test_goals_the_first_readings_of_new_rules_had_dropped_or_misread(sentence, expected):
    rows = extract("江岭市2026年政府工作报告\n二、2026年主要目标\n" + sentence + "\n", issue_date=D(2026, 1, 20))
    assert [(r.value_text, r.value_low, r.unit) for r in rows] == expected


def test_a_rate_keeps_its_bound():
    rows = extract("""江岭市2026年政府工作报告
二、2026年主要目标
城乡低保标准提高到800元/月以上，污水处理能力达到20万吨/日。
""", issue_date=D(2026, 1, 20))
    assert [(r.value_low, r.unit, r.bound) for r in rows] == [(800.0, "元/月", "min"), (20.0, "万吨/日", "exact")]
