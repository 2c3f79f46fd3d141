"""Tests of pipeline.stages.metadata, on the samples and on headers written for the tests."""
from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import pytest

from pipeline.rulebook import default_book
from pipeline.stages import metadata as metadata_module
from pipeline.stages.metadata import HeaderData, find_period, five_year_plan_period
from pipeline.stages.normalize import load_vocabulary
from pipeline.stages.normalize import normalize as normalize_with
from pipeline.tables.rows import DocumentMeta

RAW = Path(__file__).resolve().parent.parent / "raw"


def normalize(text: str):
    return normalize_with(text, load_vocabulary(default_book()))


def extract_metadata(text: str, raw_text: str | None = None) -> DocumentMeta:
    """The metadata reader with the package's own rules (a run passes its book's)."""
    return metadata_module.extract_metadata(text, HeaderData.from_rulebook(default_book()), raw_text)


@functools.lru_cache(maxsize=None)
def raw(prefix: str) -> str:
    return next(RAW.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=None)
def meta(prefix: str, with_raw: bool = False) -> DocumentMeta:
    text = normalize(raw(prefix)).text
    return extract_metadata(text, raw(prefix) if with_raw else None)


def meta_of(doc: str, raw_text: str | None = None) -> DocumentMeta:
    return extract_metadata(normalize(doc).text, raw_text)


# ---------------------------------------------------------------- samples


def test_000_title_joined_over_two_lines_without_draft_mark():
    m = meta("000")
    assert m.title == "闵行区落实打响“上海制造”三年行动计划（2022-2024年）"
    assert "草案" not in m.title
    assert (m.period_start, m.period_end) == (2022, 2024)
    assert (m.issuer, m.doc_number, m.issue_date) == (None, None, None)


def test_001_notice():
    m = meta("001")
    assert m.title == "闵行区人民政府办公室关于印发《闵行制造业提升三年行动计划(2018-2020年)》的通知"
    assert m.issuer == "闵行区人民政府办公室"
    assert m.issue_date == dt.date(2018, 7, 31)
    assert (m.period_start, m.period_end) == (2018, 2020)
    assert m.doc_number is None


def test_002_web_title_after_pipe_and_publication_stamp_from_raw():
    m = meta("002")
    assert m.title == "全力打响“上海制造”品牌 加快迈向全球卓越制造基地三年行动计划(2021-2023年)"
    assert (m.period_start, m.period_end) == (2021, 2023)
    assert m.issuer is None                     # the site name before '|' is not taken for the issuer
    assert m.issue_date is None
    assert meta("002", with_raw=True).issue_date == dt.date(2021, 7, 30)


def test_003_five_year_plan():
    m = meta("003")
    assert m.title == "上海市制造业转型升级“十三五”规划"
    assert (m.period_start, m.period_end) == (2016, 2020)
    assert (m.issuer, m.doc_number, m.issue_date) == (None, None, None)


def test_004_red_header_document():
    m = meta("004")
    assert m.doc_number == "沪松府〔2022〕11号"
    assert m.issuer == "上海市松江区人民政府"
    assert (m.period_start, m.period_end) == (2021, 2023)
    assert m.title.startswith("上海市松江区人民政府关于印发《松江区全力打响\"上海制造\"品牌")
    assert m.issue_date is None                 # its only date is the 印发 line of the version record
    assert meta("004", with_raw=True).issue_date == dt.date(2022, 1, 19)


def test_raw_text_does_not_change_what_the_text_says():
    for prefix in ("000", "001", "003"):
        assert meta(prefix, with_raw=True) == meta(prefix)


# ---------------------------------------------------------------- headers written for the tests

NATIONAL = """国务院关于印发“十四五”数字经济发展规划的通知
国发〔2021〕29号
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
现将《“十四五”数字经济发展规划》印发给你们，请认真贯彻执行。
国务院
2021年12月12日
（此件公开发布）
“十四五”数字经济发展规划
一、发展现状和形势
根据《国务院关于加强数字政府建设的指导意见》（国发〔2022〕14号）要求，推进数字化发展。
"""

NATIONAL_ONE_LINE = """国务院关于印发2030年前碳达峰行动方案的通知 国发〔2021〕23号
各省、自治区、直辖市人民政府：
现将《2030年前碳达峰行动方案》印发给你们，请认真贯彻执行。
国务院
二〇二一年十月二十四日
"""

PROVINCIAL = """广东省人民政府办公厅关于印发广东省制造业高质量发展“十四五”规划的通知
粤府办(2021)53号
各地级以上市人民政府，省政府各部门、各直属机构：
《广东省制造业高质量发展“十四五”规划》已经省人民政府同意，现印发给你们，请认真组织实施。
广东省人民政府办公厅
2021年7月30日
"""

MUNICIPAL = """上海市人民政府办公厅印发《上海市促进智能终端产业高质量发展行动方案（2023—2025年）》的通知
沪府办发［2023］3号
各区人民政府，市政府各委、办、局：
《上海市促进智能终端产业高质量发展行动方案（2023—2025年）》已经市政府同意，现印发给你们，请认真按照执行。
上海市人民政府办公厅
2023年2月7日
"""

DISTRICT = """闵行区人民政府办公室关于印发《闵行区促进人工智能产业发展若干意见》的通知
闵府办发〔 2018 〕12号
各镇人民政府、街道办事处：
现将《闵行区促进人工智能产业发展若干意见》印发给你们，请认真按照执行。
2018年5月3日
"""

RED_HEADER_ONLY = """苏州市工业和信息化局文件
苏工信[2022]7号
关于开展2022年度智能制造示范工厂申报工作的通知
各县级市、区工信部门：
为贯彻落实全市智能制造工作部署，现将有关事项通知如下。
一、申报条件
"""

SIGNED_MEASURES = """关于进一步支持中小企业发展的若干措施
为支持中小企业渡过难关，制定以下措施。
一、减轻企业负担。对符合条件的企业减免房租。
二、加强金融支持。扩大信贷投放。
上海市经济和信息化委员会
2022年6月1日
"""

WEB_SUFFIX_TITLE = """重庆市制造业高质量发展“十四五”规划（2021—2025年）_重庆市人民政府网
发布时间：2021-07-12 来源：重庆市人民政府办公厅
一、发展基础
“十三五”期间，全市制造业实现较快发展。
"""

CITED_PLAN_ONLY = """关于加快推进工业互联网创新发展的实施意见
为贯彻落实有关部署，制定本意见。
一、总体要求
在第一轮三年行动计划(2018-2020年)的基础上，全面推进工业互联网发展。根据《关于支持企业发展的通知》（沪经信规〔2020〕2号）精神执行。
"""


def test_national_notice():
    m = meta_of(NATIONAL)
    assert m == DocumentMeta(title="国务院关于印发“十四五”数字经济发展规划的通知", issuer="国务院",
                             doc_number="国发〔2021〕29号", issue_date=dt.date(2021, 12, 12),
                             period_start=2021, period_end=2025, place_code="000000", place_name="全国")


def test_national_notice_number_on_the_title_line_and_chinese_date():
    m = meta_of(NATIONAL_ONE_LINE)
    assert m.title == "国务院关于印发2030年前碳达峰行动方案的通知"
    assert m.doc_number == "国发〔2021〕23号"
    assert m.issuer == "国务院"
    assert m.issue_date == dt.date(2021, 10, 24)
    assert (m.period_start, m.period_end) == (None, None)


def test_provincial_notice_ascii_brackets():
    m = meta_of(PROVINCIAL)
    assert m.doc_number == "粤府办〔2021〕53号"
    assert m.issuer == "广东省人民政府办公厅"
    assert m.issue_date == dt.date(2021, 7, 30)
    assert (m.period_start, m.period_end) == (2021, 2025)


def test_municipal_notice_fullwidth_brackets_and_dash_range():
    m = meta_of(MUNICIPAL)
    assert m.title == "上海市人民政府办公厅印发《上海市促进智能终端产业高质量发展行动方案（2023—2025年）》的通知"
    assert m.doc_number == "沪府办发〔2023〕3号"
    assert m.issuer == "上海市人民政府办公厅"
    assert m.issue_date == dt.date(2023, 2, 7)
    assert (m.period_start, m.period_end) == (2023, 2025)


def test_district_notice_bracket_with_spaces():
    m = meta_of(DISTRICT)
    assert m.doc_number == "闵府办发〔2018〕12号"
    assert m.issuer == "闵行区人民政府办公室"
    assert m.issue_date == dt.date(2018, 5, 3)
    assert (m.period_start, m.period_end) == (None, None)


def test_joint_issuers():
    doc = ("上海市经济和信息化委员会 上海市发展和改革委员会关于印发《上海市工业互联网创新发展行动方案》的通知\n"
           "沪经信规〔2023〕1号\n各区人民政府：\n现将方案印发给你们，请认真贯彻执行。\n")
    m = meta_of(doc)
    assert m.issuer == "上海市经济和信息化委员会 上海市发展和改革委员会"
    assert m.doc_number == "沪经信规〔2023〕1号"


def test_issuer_from_red_header_when_the_notice_names_none():
    m = meta_of(RED_HEADER_ONLY)
    assert m.issuer == "苏州市工业和信息化局"
    assert m.doc_number == "苏工信〔2022〕7号"
    assert m.title == "关于开展2022年度智能制造示范工厂申报工作的通知"


def test_issuer_from_signature():
    m = meta_of(SIGNED_MEASURES)
    assert m.title == "关于进一步支持中小企业发展的若干措施"
    assert m.issuer == "上海市经济和信息化委员会"
    assert m.issue_date == dt.date(2022, 6, 1)


def test_web_title_with_site_suffix_and_labelled_date():
    m = meta_of(WEB_SUFFIX_TITLE, raw_text=WEB_SUFFIX_TITLE)
    assert m.title == "重庆市制造业高质量发展“十四五”规划（2021—2025年）"
    assert (m.period_start, m.period_end) == (2021, 2025)
    assert m.issue_date == dt.date(2021, 7, 12)
    assert m.issuer == "重庆市人民政府办公厅"        # from 来源: in the raw header
    assert meta_of(WEB_SUFFIX_TITLE).issuer is None  # the normalized text no longer says it


def test_body_citations_are_not_metadata():
    m = meta_of(CITED_PLAN_ONLY)
    assert m.title == "关于加快推进工业互联网创新发展的实施意见"
    assert m.doc_number is None                  # 沪经信规〔2020〕2号 is cited in the body
    assert (m.period_start, m.period_end) == (None, None)   # (2018-2020年) is another plan's period
    assert m.issuer is None and m.issue_date is None


def test_empty_text():
    assert extract_metadata("") == DocumentMeta()


@pytest.mark.parametrize("text,expected", [
    ("三年行动计划(2021-2023年)", (2021, 2023)),
    ("行动方案（2023—2025年）", (2023, 2025)),
    ("2021年至2023年", (2021, 2023)),
    ("2021年—2023年", (2021, 2023)),
    ("“十三五”规划", (2016, 2020)),
    ("十四五", (2021, 2025)),
    ("十二五", (2011, 2015)),
    ("第十四个五年规划和2035年远景目标纲要", (2021, 2025)),
    ("“十五”计划", (2001, 2005)),
    ("2035年远景目标", None),
    ("2023-2020年", None),
])
def test_find_period(text, expected):
    assert find_period(text) == expected


def test_five_year_plan_numbering():
    assert five_year_plan_period(1) == (1953, 1957)
    assert five_year_plan_period(3) == (1966, 1970)
    assert five_year_plan_period(13) == (2016, 2020)
    assert five_year_plan_period(15) == (2026, 2030)


# ---------------------------------------------------------------- headers of other styles (written for the tests)

STATE_COUNCIL_BROKEN_TITLE = """国务院关于推动某地区高质量发展
奋力开创现代化建设新局面的意见
国发〔2024〕7号
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
为推动某地区高质量发展，现提出如下意见。
一、总体要求
（一）指导思想。坚持新发展理念。
国务院
二〇二四年三月十五日
"""

PROVINCIAL_TITLE_OVER_THREE_LINES = """某省人民政府办公厅关于印发某省

进一步支持民营经济发展

实施方案的通知

某府办〔2024〕5号

各地级以上市人民政府，省政府各部门：

现将方案印发给你们，请认真组织实施。

某省人民政府办公厅
2024年3月17日
"""


def test_state_council_title_broken_over_two_lines_and_chinese_date():
    m = meta_of(STATE_COUNCIL_BROKEN_TITLE)
    assert m.title == "国务院关于推动某地区高质量发展奋力开创现代化建设新局面的意见"
    assert m.issuer == "国务院"
    assert m.doc_number == "国发〔2024〕7号"
    assert m.issue_date == dt.date(2024, 3, 15)


def test_provincial_title_over_three_lines_with_blank_lines():
    m = meta_of(PROVINCIAL_TITLE_OVER_THREE_LINES)
    assert m.title == "某省人民政府办公厅关于印发某省进一步支持民营经济发展实施方案的通知"
    assert m.issuer == "某省人民政府办公厅"
    assert m.doc_number == "某府办〔2024〕5号"


def test_issuer_of_a_title_broken_after_guanyu():
    m = meta_of("省人民政府关于\n进一步优化营商环境的若干意见\n某政发〔2018〕26号\n各市、州、县人民政府：\n现提出如下意见。\n")
    assert m.title == "省人民政府关于进一步优化营商环境的若干意见"
    assert m.issuer == "省人民政府"
    assert m.doc_number == "某政发〔2018〕26号"


def test_broken_title_counterexamples():
    # a line that already ends with its document noun is not joined to what follows; a line of
    # running text is not a piece of a title
    m = meta_of("某区数字经济发展行动方案\n某区人民政府办公室\n为加快数字经济发展，制定本方案。\n一、总体要求\n")
    assert m.title == "某区数字经济发展行动方案"
    m = meta_of("各区人民政府，市政府各委、办、局：\n现将行动方案印发给你们\n请认真贯彻执行的通知\n")
    assert m.title != "各区人民政府，市政府各委、办、局：现将行动方案印发给你们请认真贯彻执行的通知"


def test_gov_cn_metadata_label_and_leading_number_are_not_the_title():
    doc = ("标　　题：国务院办公厅关于印发某项工作分工方案的通知\n发文字号：国办函〔2024〕31号\n"
           "国务院各部委、各直属机构：\n经国务院同意，现印发给你们。\n")
    m = meta_of(doc)
    assert m.title == "国务院办公厅关于印发某项工作分工方案的通知"
    assert m.issuer == "国务院办公厅"
    doc = ("某政办发〔2016〕26号《某市人民政府办公厅关于印发〈某市2016年政务公开工作要点〉的通知》\n"
           "各区人民政府：\n现印发给你们。\n")
    m = meta_of(doc)
    assert m.title == "某市人民政府办公厅关于印发〈某市2016年政务公开工作要点〉的通知"
    assert m.doc_number == "某政办发〔2016〕26号"
    assert m.issuer == "某市人民政府办公厅"


def test_joint_issuers_over_two_lines_and_in_the_signature():
    doc = ("农业农村部 最高人民法院 最高人民检察院\n工业和信息化部 公安部 中华全国供销合作总社\n"
           "关于印发《2024年全国农资打假工作要点》的通知\n各省、自治区、直辖市农业农村厅：\n现印发你们，请认真贯彻执行。\n"
           "农业农村部 最高人民法院 最高人民检察院\n工业和信息化部 公安部\n中华全国供销合作总社\n2024年3月1日\n")
    m = meta_of(doc)
    issuers = "农业农村部 最高人民法院 最高人民检察院 工业和信息化部 公安部 中华全国供销合作总社"
    assert m.title == issuers + "关于印发《2024年全国农资打假工作要点》的通知"
    assert m.issuer == issuers
    assert m.issue_date == dt.date(2024, 3, 1)
    signed_only = doc.split("\n", 2)[2]          # no issuers above the title: the signature says
    assert meta_of(signed_only).issuer == issuers


def test_work_list_title():
    assert meta_of("某市2024年优化营商环境重点任务清单\n一、重点任务\n").title == "某市2024年优化营商环境重点任务清单"


@pytest.mark.parametrize("signed", ["二○○八年七月十日", "二〇〇八年七月十日", "2008年7月10日", "2008 年 7 月 10 日"])
def test_signature_date_forms(signed):
    # ○ (white circle) typed for 〇 is common in signature dates
    doc = f"国务院办公厅关于某事项的通知\n国办发【2008】60号\n各省人民政府：\n现予印发。\n国务院办公厅\n{signed}\n"
    m = meta_of(doc)
    assert m.issue_date == dt.date(2008, 7, 10)
    assert m.doc_number == "国办发〔2008〕60号"        # 【】 brackets normalized too
    assert m.issuer == "国务院办公厅"


def test_date_under_the_title():
    m = meta_of("中共某市委 某市人民政府关于某事项的意见\n（2023年1月5日）\n为了推进，提出如下意见。\n")
    assert m.issue_date == dt.date(2023, 1, 5)
    assert m.issuer == "中共某市委 某市人民政府"
    m = meta_of("政府工作报告\n——2023年3月5日在第十四届全国人民代表大会第一次会议上\n各位代表：\n现在，我向大会报告政府工作。\n")
    assert m.title == "政府工作报告"
    assert m.issue_date == dt.date(2023, 3, 5)
    # counterexample: a date in running text of the header is not the issue date
    m = meta_of("某区行动方案\n为落实2023年1月5日会议精神，制定本方案。\n一、总体要求\n")
    assert m.issue_date is None


def test_an_organisation_alone_above_a_title_is_not_part_of_it():
    # a site's or bureau's name over a bulletin title that does not continue it
    m = meta_of("某市统计局\n某省2022年国民经济和社会发展统计公报\n某省统计局\n2023年3月1日\n2022年，全省经济恢复向好。\n")
    assert m.title == "某省2022年国民经济和社会发展统计公报"
    assert m.issuer == "某省统计局"
    # counterexample: a title broken after a word that ends like a body (医院) is still joined
    m = meta_of("关于进一步加强基层医院\n建设的实施意见\n为加强基层医疗卫生服务能力，提出如下意见。\n")
    assert m.title == "关于进一步加强基层医院建设的实施意见"


def test_letter_spaced_title_and_bylines_without_an_issuer():
    doc = ("政 府 工 作 报 告\n----2014年2月20日在某区第十五届人民代表大会第三次会议上\n某区人民政府区长 张三\n"
           "各位代表：\n现在，我代表区人民政府向大会作工作报告。\n")
    m = meta_of(doc)
    assert m.title == "政府工作报告"
    assert m.issue_date == dt.date(2014, 2, 20)            # ASCII dashes before the byline date
    assert m.issuer == "某区人民政府"                        # the byline's government
    m = meta_of("2025年某省政府工作报告\n2025年1月20日在某省第十四届人民代表大会第三次会议上某省省长某某作政府工作报告\n各位代表：\n")
    assert m.issue_date == dt.date(2025, 1, 20)            # a byline date with no dash
    assert m.issuer == "某省人民政府"
