"""Deadlines (GUIDELINE §2) on documents written for these tests, in several styles."""
import datetime as dt
import re
from pathlib import Path

import pytest

from pipeline.extract.deadlines import DeadlineExtractor
from pipeline.rulebook import default_book
from pipeline.tables.rows import Document, DocumentMeta, Section, Sentence

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
EXTRACT = DeadlineExtractor.from_rulebook(default_book())
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


def rows(text, **meta):
    return EXTRACT(make_doc(text, **meta))


def triples(text, **meta):
    return [(r.text, r.kind, r.start_date, r.end_date) for r in rows(text, **meta)]


# ---------------------------------------------------------------- a State Council notice

STATE_COUNCIL = """国务院关于印发《制造业数字化转型行动方案》的通知
国发〔2024〕9号
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
现将《制造业数字化转型行动方案》印发给你们，请认真贯彻执行。
国务院
2024年5月8日
制造业数字化转型行动方案
为深入实施“中国制造2025”，加快制造业数字化转型，制定本方案。
一、主要目标
到2025年，规模以上工业企业关键工序数控化率达到70%。到2027年，重点行业基本实现数字化转型。
二、重点任务
（一）建设工业互联网平台。2024年底前，遴选一批工业互联网平台。三年内实现重点园区全覆盖。每年举办一次全国工业互联网大会。
"""


def test_state_council_notice_deadlines():
    assert triples(STATE_COUNCIL, issue_date=D(2024, 5, 8)) == [
        ("到2025年", "by", None, D(2025, 12, 31)),
        ("到2027年", "by", None, D(2027, 12, 31)),
        ("2024年底前", "by", None, D(2024, 12, 31)),
        # no plan period: a relative span resolves to the plan's end (GUIDELINE §2), here the latest year the
        # 主要目标 set goals by
        ("三年内", "relative", None, D(2027, 12, 31)),
        ("每年", "recurring", None, None),
    ]


def test_without_goal_years_a_relative_span_counts_from_the_year_of_issue():
    text = STATE_COUNCIL.replace("到2025年，", "").replace("到2027年，", "")
    assert ("三年内", "relative", None, D(2026, 12, 31)) in triples(text, issue_date=D(2024, 5, 8))


def test_issue_date_document_number_and_names_are_not_deadlines():
    texts = [r.text for r in rows(STATE_COUNCIL, issue_date=D(2024, 5, 8))]
    assert not any("5月8日" in t or "〔2024〕" in t or "2025”" in t for t in texts)


def test_a_period_in_a_body_sentence_near_the_top_is_not_the_plan_period():
    text = "情况通报\n2019年至2022年，全市累计投入资金50亿元。\n未来三年，继续加大投入。"
    doc = make_doc(text, issue_date=D(2023, 2, 1))
    assert EXTRACT.plan_period(doc) is None
    assert triples(text, issue_date=D(2023, 2, 1)) == [("未来三年", "relative", None, D(2025, 12, 31))]


def test_relative_span_without_any_date_has_no_end():
    [row] = rows("一、目标\n未来三年，全区数字经济规模显著提升。")
    assert (row.text, row.kind, row.end_date) == ("未来三年", "relative", None)


# ---------------------------------------------------------------- a city action plan

CITY_PLAN = """某市推进新能源汽车产业发展三年行动计划（2023—2025年）
为落实《某省汽车产业发展规划（2021-2025年）》，在第一轮行动计划（2020-2022年）基础上，制定本计划。
一、总体目标
未来三年，全市新能源汽车产业规模持续扩大。经过三年努力，建成国内领先的新能源汽车产业基地。
到2024年6月底前，完成充电设施规划编制；到2025年底，公共充电桩实现乡镇全覆盖。
二、重点任务
（一）完善充电网络。按照“十四五”期间总体布局，分年度推进建设。
"""


def test_city_plan_deadlines_resolve_against_the_plan_period():
    assert triples(CITY_PLAN) == [
        ("（2023—2025年）", "period", D(2023, 1, 1), D(2025, 12, 31)),
        # the period inside a cited plan's name (为落实《…规划（2021-2025年）》) is that plan's, not a deadline here
        # (GUIDELINE, decisions on hard cases)
        ("未来三年", "relative", None, D(2025, 12, 31)),
        ("经过三年努力", "relative", None, D(2025, 12, 31)),
        ("到2024年6月底前", "by", None, D(2024, 6, 30)),
        ("到2025年底", "by", None, D(2025, 12, 31)),
        ("“十四五”期间", "period", D(2021, 1, 1), D(2025, 12, 31)),
        ("分年度", "recurring", None, None),
    ]


def test_a_previous_plan_period_is_history_not_a_deadline():
    assert "（2020-2022年）" not in [r.text for r in rows(CITY_PLAN)]


def test_rows_carry_section_sentence_offsets_and_stable_ids():
    doc = make_doc(CITY_PLAN, doc_id="abc123")
    first = EXTRACT(doc)
    again = EXTRACT(make_doc(CITY_PLAN, doc_id="abc123"))
    assert [r.deadline_id for r in first] == [r.deadline_id for r in again]
    assert len({r.deadline_id for r in first}) == len(first)
    row = next(r for r in first if r.text == "到2025年底")
    assert doc.text[row.char_start:row.char_end] == "到2025年底"
    assert row.deadline_id == f"abc123-D{row.char_start}-{row.char_end}"
    assert row.sentence.startswith("到2025年底，公共充电桩")
    assert doc.sections[row.section_id].heading == "总体目标"
    assert row.rule_id == "deadline.by_year"


# ---------------------------------------------------------------- a provincial 十四五 plan

PROVINCE = """某省制造业高质量发展“十四五”规划
一、发展基础
“十三五”时期，全省规模以上工业增加值年均增长7.2%，到2020年，制造业增加值占比达到32%。
制造业综合实力显著增强，为“十四五”时期高质量发展奠定了坚实基础。
二、发展目标
“十四五”时期，全省制造业年均增长6%以上。到“十四五”末，基本建成制造强省。
类别\t指标\t单位\t2020年\t2025年\t属性
创新\t研发投入强度\t%\t1.8\t2.5\t预期性
"""


def test_five_year_plan_expressions_and_indicator_table_year():
    assert triples(PROVINCE) == [
        ("“十四五”", "period", D(2021, 1, 1), D(2025, 12, 31)),          # the plan in its title
        ("“十四五”时期", "period", D(2021, 1, 1), D(2025, 12, 31)),
        ("年均", "recurring", None, None),
        ("“十四五”末", "by", None, D(2025, 12, 31)),
        ("2025年", "by", None, D(2025, 12, 31)),                        # the target-year column
    ]


def test_background_section_and_base_year_column_give_no_deadlines():
    texts = [r.text for r in rows(PROVINCE)]
    assert "“十三五”时期" not in texts and "到2020年" not in texts and "2020年" not in texts
    assert texts.count("年均") == 1
    # a forward expression inside the background section is still background
    assert texts.count("“十四五”时期") == 1


def test_status_as_of_the_document_time_is_not_a_deadline():
    text = "一、进展\n截至2024年11月底，全市累计建成5G基站5万个。到2026年，实现5G全覆盖。"
    assert [r.text for r in rows(text, issue_date=D(2024, 12, 10))] == ["到2026年"]


# ---------------------------------------------------------------- a government work report

WORK_REPORT = """政府工作报告
过去五年，全市经济年均增长6.1%。2022年，地区生产总值达到4.5万亿元。
今年经济社会发展的主要预期目标是：地区生产总值增长5.5%左右。明年基本完成老旧小区改造。
截至2023年底，全市累计建成5G基站5万个。
"""


def test_work_report_this_year_and_next_resolve_against_the_issue_date():
    assert triples(WORK_REPORT, issue_date=D(2024, 1, 20)) == [
        ("今年", "relative", D(2024, 1, 1), D(2024, 12, 31)),
        ("明年", "relative", D(2025, 1, 1), D(2025, 12, 31)),
    ]


def test_past_years_and_averages_over_the_past_are_not_deadlines():
    texts = [r.text for r in rows(WORK_REPORT, issue_date=D(2024, 1, 20))]
    assert "年均" not in texts                      # 过去五年…年均增长: history
    assert "截至2023年底" not in texts and "2022年" not in texts


def test_each_occurrence_is_a_row():
    text = "一、目标\n到2025年，建成10个园区。到2025年，培育20家企业。每年评选一次，每年表彰一批。"
    assert [r.text for r in rows(text, period_start=2023, period_end=2025)] == ["到2025年", "到2025年", "每年", "每年"]


def test_undated_months_and_year_end_take_the_document_year():
    text = "一、安排\n两年内完成改造，年底前出台实施细则，6月底前完成摸底调查，9月30日前报送材料，今年年底前全部完成。"
    assert triples(text, issue_date=D(2024, 2, 1)) == [
        ("两年内", "relative", None, D(2025, 12, 31)),
        ("年底前", "by", None, D(2024, 12, 31)),
        ("6月底前", "by", None, D(2024, 6, 30)),
        ("9月30日前", "by", None, D(2024, 9, 30)),
        ("今年年底前", "relative", D(2024, 1, 1), D(2024, 12, 31)),
    ]


@pytest.mark.parametrize("text, expected", [
    ("到二〇三五年，基本实现现代化。", ("到二〇三五年", D(2035, 12, 31))),
    ("展望二〇三五年，全省人均地区生产总值达到中等发达国家水平。", ("二〇三五年", D(2035, 12, 31))),
    ("2025年前完成全部改造。", ("2025年前", D(2025, 12, 31))),
    ("2023年6月30日前完成申报。", ("2023年6月30日前", D(2023, 6, 30))),
    ("用三年左右时间，基本建成。", ("用三年左右时间", D(2025, 12, 31))),
    ("今后三年，全市经济保持稳定增长。", ("今后三年", D(2025, 12, 31))),
    ("到2025年，五年累计实施500项。", ("五年", D(2025, 12, 31))),
    ("三年平均增速为4.1%。", ("三年平均", D(2025, 12, 31))),
])
def test_deadline_forms(text, expected):
    found = [(r.text, r.end_date) for r in rows(text, period_start=2023, period_end=2025)]
    assert expected in found


# ---------------------------------------------------------------- the document's own year and plan in reports and annual plans

def test_an_annual_plan_title_gives_the_plan_year_not_a_five_year_plan_named_near_the_top():
    text = ("某省人民政府关于下达《某省2019年国民经济和社会发展计划》的通知\n"
            "2018年，全省实现了“十三五”规划的良好开局，地区生产总值增长7.5%。\n"
            "今年全省经济社会发展的主要预期目标是：地区生产总值增长7%左右。年内完成立法。")
    # metadata read the five-year plan from the body line; the title says the plan is 2019's
    doc = make_doc(text, title="某省人民政府关于下达《某省2019年国民经济和社会发展计划》的通知",
                   issue_date=D(2019, 3, 20), period_start=2016, period_end=2020)
    assert EXTRACT.plan_period(doc) == (2019, 2019)
    found = [(r.text, r.end_date) for r in EXTRACT(doc)]
    assert ("今年", D(2019, 12, 31)) in found and ("年内", D(2019, 12, 31)) in found
    # the plan named in a statement about last year is no deadline of this document
    assert not any("十三五" in t for t, _ in found)


def test_a_report_on_last_years_plan_and_this_years_draft_takes_the_later_year():
    title = "关于某市2023年国民经济和社会发展计划执行情况与2024年国民经济和社会发展计划草案的报告"
    assert EXTRACT.plan_period(make_doc(title + "\n一、2023年计划执行情况\n全年增长5%。", title=title)) == (2024, 2024)


def test_a_work_report_dated_in_its_byline_resolves_this_year_and_next_year():
    text = ("政府工作报告\n——2025年1月15日在某市第十六届人民代表大会第五次会议上\n各位代表：\n"
            "“十四五”时期工作回顾\n五年来，全市地区生产总值年均增长6%。\n"
            "今年主要预期目标是：地区生产总值增长5%左右。明年基本建成数据平台。当年新增高新技术企业200家。"
            "今后五年，全市研发投入年均增长10%。")
    # metadata took the heading “十三五”…; a plan that ended before the report is not its plan: a 政府工作报告
    # is about the year it is delivered in
    doc = make_doc(text, period_start=2016, period_end=2020)
    assert EXTRACT.plan_period(doc) == (2025, 2025)
    found = [(r.text, r.end_date) for r in EXTRACT(doc)]
    assert ("今年", D(2025, 12, 31)) in found
    assert ("明年", D(2026, 12, 31)) in found
    assert ("当年", D(2025, 12, 31)) in found
    assert ("今后五年", D(2029, 12, 31)) in found
    assert "五年来" not in [t for t, _ in found]


def test_the_year_of_a_reports_goals_is_a_deadline():
    text = "2024年政府工作报告\n一、2023年工作回顾\n全年增长5.2%。\n二、2024年工作安排\n2024年发展主要预期目标是：国内生产总值增长5%左右。"
    found = [(r.text, r.end_date) for r in rows(text)]
    assert ("2024年", D(2024, 12, 31)) in found
    assert not any(t.startswith("2023") for t, _ in found)


def test_within_n_years_in_a_one_year_plan_counts_from_its_year():
    text = "2022年全市重点工作计划\n一、重点工作\n三年内建成5个省级产业平台。"
    # the year in a one-year plan's own title is its period (GUIDELINE's decisions: only a report's title year is not)
    assert triples(text) == [("2022年", "period", D(2022, 1, 1), D(2022, 12, 31)),
                             ("三年内", "relative", None, D(2024, 12, 31))]


def test_last_years_plan_execution_section_is_background():
    text = ("关于2022年计划执行情况与2023年计划草案的报告\n一、2022年国民经济和社会发展计划执行情况\n"
            "全年新增城镇就业5万人，年均增长3%。\n二、2023年主要目标\n年底前完成改造。")
    assert [(r.text, r.end_date) for r in rows(text)] == [("2023年", D(2023, 12, 31)), ("年底前", D(2023, 12, 31))]


def test_a_byline_date_in_chinese_numerals_dates_the_report():
    text = ("政府工作报告\n——二〇二四年三月五日在第十四届全国人民代表大会第二次会议上\n各位代表：\n"
            "一、2023年工作回顾\n过去一年，城镇新增就业1244万人。\n二、2024年工作安排\n今年发展主要预期目标是：国内生产总值增长5%左右。明年基本完成改造。")
    doc = make_doc(text)
    assert EXTRACT.document_year(doc) == 2024
    # 二、2024年工作安排 heads the year's work: its year is the period of that work
    assert [(r.text, r.end_date) for r in EXTRACT(doc)] == [("2024年", D(2024, 12, 31)), ("今年", D(2024, 12, 31)),
                                                           ("明年", D(2025, 12, 31))]


def test_half_years_quarters_every_n_years_and_this_and_next_year():
    text = ("2024年全市重点工作计划\n一、重点工作\n2024年上半年完成摸底，第三季度末前开展评估，下半年完成验收。"
            "每三年开展一次评估。今明两年重点推进。\n二、回顾\n上半年，全市工业增加值增长5%。")
    assert triples(text) == [
        ("2024年", "period", D(2024, 1, 1), D(2024, 12, 31)),
        ("2024年上半年", "by", None, D(2024, 6, 30)),
        ("第三季度末前", "by", None, D(2024, 9, 30)),
        ("下半年", "by", None, D(2024, 12, 31)),
        ("每三年", "recurring", None, None),
        ("今明两年", "relative", D(2024, 1, 1), D(2025, 12, 31)),
    ]


def test_the_whole_year_of_a_one_year_report_is_relative_to_its_year():
    text = ("2025年某区政府工作报告\n——2025年1月10日在区人民代表大会上\n各位代表：\n"
            "一、2024年工作回顾\n全年完成固定资产投资300亿元，去年全年新增企业50家。\n"
            "二、今年重点工作\n（一）扩大投资。全年新建改造城市道路20公里，全年无休开放政务窗口。")
    assert triples(text) == [("今年", "relative", D(2025, 1, 1), D(2025, 12, 31)),
                             ("全年", "relative", D(2025, 1, 1), D(2025, 12, 31))]


def test_the_whole_year_means_no_year_in_a_multi_year_plan():
    text = "某市产业发展行动计划（2024—2026年）\n一、主要任务\n全年组织企业对接活动。"
    assert [r.text for r in rows(text)] == ["（2024—2026年）"]


def test_a_bare_year_opening_a_clause_of_what_is_to_be_done_is_a_deadline():
    text = ("某省智能制造行动方案（2025—2027年）\n一、主要目标\n"
            "到2027年，建成智能工厂200家，其中，2025年完成80家企业改造，2026年建成示范区3个。\n"
            "二、发展基础\n2023年完成技改投资90亿元。")
    assert [(r.text, r.end_date) for r in rows(text)] == [
        ("（2025—2027年）", D(2027, 12, 31)), ("到2027年", D(2027, 12, 31)),
        ("2025年", D(2025, 12, 31)), ("2026年", D(2026, 12, 31))]


# ---------------------------------------------------------------- a work report's year headings and rates

WORK_REPORT_HEADINGS = """政府工作报告
——2024年1月16日在某市第十六届人民代表大会第四次会议上
一、2023年工作回顾
过去一年，全市地区生产总值增长6%。
二、2024年总体要求和主要预期目标
三、2024年重点工作
城乡居民基础养老金最低标准提高到每人每月240元。各部门于每年12月底前报送进展情况。每季度通报一次。
展望2035年，基本实现现代化。
"""


def test_work_report_year_headings_recurring_dates_and_rates():
    assert triples(WORK_REPORT_HEADINGS) == [
        ("2024年", "by", None, D(2024, 12, 31)),       # 二、2024年总体要求…: the year's goals
        ("2024年", "by", None, D(2024, 12, 31)),       # 三、2024年重点工作: the year's work
        ("每年12月底前", "recurring", None, None),      # one recurring deadline, not 每年 + a stray 12月底前
        ("每季度", "recurring", None, None),
        ("2035年", "by", None, D(2035, 12, 31)),       # 展望 introduces the year; it is not part of it
    ]                                                  # 2023年工作回顾 is history; 每人每月240元 is a rate


# ---------------------------------------------------------------- the guideline's decisions on hard cases

def pairs(text, **meta):
    return [(r.text, r.end_date) for r in rows(text, **meta)]


def _through_the_pipeline(text, **meta):
    # whether a document is a bulletin is its passages' business (pipeline.extract.passages): run them all
    from pipeline.extract import Extractors
    return Extractors.from_rulebook(default_book())(make_doc(text, **meta)).deadlines


def test_a_statistical_bulletin_sets_no_deadline():
    text = ("某县2030年国民经济和社会发展统计公报\n某县统计局\n"
            "全年地区生产总值120亿元，比上年增长5%。年末常住人口30万人。全年新增城镇就业2000人。")
    assert _through_the_pipeline(text, issue_date=D(2031, 3, 20)) == []


def test_a_bulletin_on_a_portal_page_is_known_by_its_title_line():
    # no <title>: filing fields of the portal come first, the bulletin's own title line below them
    text = ("某市统计局\n公开方式：\n主动公开\n分类：\n统计公报\n某市2030年国民经济和社会发展统计公报\n"
            "2031年3月1日\n全年粮食产量50万吨。今年将继续开展统计执法检查。")
    assert _through_the_pipeline(text) == []


def test_a_review_heading_joining_two_times_is_background():
    text = ("政府工作报告\n——2031年1月20日在某市人民代表大会上\n各位代表：\n"
            "一、2030年和“十五五”时期工作回顾\n全年新增就业3万人，地区生产总值年均增长6%，五年累计投资800亿元。\n"
            "二、2031年重点工作\n全年新增就业3.2万人。")
    assert pairs(text) == [("2031年", D(2031, 12, 31)), ("全年", D(2031, 12, 31))]


def test_a_review_headed_by_an_unlabeled_line_ends_at_the_next_heading():
    text = ("政府工作报告\n——2031年1月20日在某区人民代表大会上\n各位代表：\n2030年工作回顾\n"
            "全年招商引资到位资金80亿元，年内建成口岸。\n2031年工作安排\n年内建成物流园。")
    assert pairs(text) == [("2031年", D(2031, 12, 31)), ("年内", D(2031, 12, 31))]


def test_limits_counted_from_an_event_are_relative_without_an_end():
    text = ("某市政务服务管理办法\n第五条 窗口应当自受理之日起五个工作日内予以答复；情况复杂的，延长期限不超过十个工作日。\n"
            "第六条 材料齐全的，24小时内办结。\n第七条 企业开办时间压缩至2个工作日以内。")
    assert triples(text, issue_date=D(2029, 6, 1)) == [
        ("五个工作日内", "relative", None, None),
        ("不超过十个工作日", "relative", None, None),
        ("24小时内", "relative", None, None),
    ]


def test_a_validity_of_n_years_ends_the_day_before_the_issue_date_n_years_on():
    text = "某县惠企政策兑现办法\n第二十条 本办法自印发之日起施行，有效期3年。"
    assert triples(text, issue_date=D(2024, 5, 20)) == [("有效期3年", "relative", None, D(2027, 5, 19))]


def test_months_of_an_assessment_task_list_without_qian():
    text = ("某区2028年营商环境考核办法\n一、考核内容\n1．推行电子证照（9月底完成，牵头考核单位：区数据局）\n"
            "2．上线一网通办专区（11月份取得明显成效，牵头考核单位：区政务服务中心）")
    assert triples(text, issue_date=D(2028, 3, 1)) == [
        ("2028年", "period", D(2028, 1, 1), D(2028, 12, 31)),     # the year in the document's own name
        ("9月底", "by", None, D(2028, 9, 30)),
        ("11月份", "by", None, D(2028, 11, 30)),
    ]


def test_the_own_names_year_is_a_row_wherever_the_name_is_written():
    text = ("某市人民政府办公室关于印发《某市2029年数字政府建设考评办法》的通知\n各区人民政府：\n"
            "现将《某市2029年数字政府建设考评办法》印发给你们，请认真贯彻执行。\n某市2029年数字政府建设考评办法\n"
            "一、考评对象\n各区人民政府。")
    doc = make_doc(text, title="某市人民政府办公室关于印发《某市2029年数字政府建设考评办法》的通知",
                   issue_date=D(2029, 3, 2))
    assert [(r.text, r.kind, r.end_date) for r in EXTRACT(doc)] == [("2029年", "period", D(2029, 12, 31))] * 3


def test_names_of_cited_documents_are_not_deadlines():
    text = ("关于印发《某市数字经济促进办法》的通知\n"
            "根据《某省“十四五”数字经济发展规划》和《某市智慧城市行动方案（2021—2023年）》，制定本办法。\n"
            "“十四五”期间，全市建成10个数据中心。")
    assert pairs(text, issue_date=D(2022, 5, 6)) == [("“十四五”期间", D(2025, 12, 31))]


def test_a_span_of_years_right_after_a_date_ends_on_that_date():
    text = ("政府工作报告\n——2024年1月20日在某省人民代表大会上\n各位代表：\n"
            "二、2024年重点工作\n从现在到二〇三五年，用12年时间基本实现现代化。"
            "2025年底前实现乡镇全覆盖，三年内新增充电桩1万台。")
    found = pairs(text)
    assert ("用12年时间", D(2035, 12, 31)) in found
    assert ("三年内", D(2026, 12, 31)) in found       # not the 2025 of the clause before: it counts from the year


def test_work_within_a_five_year_plan_written_with_nei():
    text = "政府工作报告\n——2026年1月20日在某省人民代表大会上\n各位代表：\n二、2026年工作安排\n“十五五”内基本消除断头路。"
    assert ("“十五五”内", "period", D(2026, 1, 1), D(2030, 12, 31)) in triples(text)


def test_the_new_year_as_a_time_for_work_not_as_a_description():
    text = ("政府工作报告\n——2027年1月20日在某市人民代表大会上\n各位代表：\n二、2027年工作安排\n"
            "新的一年，我们将迎来重大发展机遇。新的一年，要确保完成各项任务。")
    assert [(r.text, r.sentence) for r in rows(text) if r.text == "新的一年"] == [
        ("新的一年", "新的一年，要确保完成各项任务。")]


def test_endnotes_of_a_report_define_terms_and_set_no_deadline():
    text = ("政府工作报告\n——2027年1月20日在某市人民代表大会上\n各位代表：\n二、2027年工作安排\n年内建成物流园。\n"
            "注释\n［1］两降一升：全年事故起数下降，年内亡人数下降。")
    assert pairs(text) == [("2027年", D(2027, 12, 31)), ("年内", D(2027, 12, 31))]


def test_a_year_named_as_the_year_of_a_goal_but_not_in_a_plans_name():
    text = ("政府工作报告\n——2030年1月20日在某市人民代表大会上\n各位代表：\n二、2030年工作安排\n"
            "确保完成2030年度债务化解目标。制定2030年度双随机检查计划。PM2.5年平均浓度下降到25微克/立方米。")
    assert pairs(text) == [("2030年", D(2030, 12, 31)), ("2030年度", D(2030, 12, 31))]


def test_within_n_years_as_an_attribute_of_goods_is_no_deadline():
    text = ("某省对接区域全面经济伙伴关系协定行动方案（2022—2024年）\n一、重点任务\n"
            "针对10年内关税降幅较大的1200种商品加大进口。三年内培育外贸龙头企业50家。")
    assert pairs(text) == [("（2022—2024年）", D(2024, 12, 31)), ("三年内", D(2024, 12, 31))]
