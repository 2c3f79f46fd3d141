"""Tests of pipeline.stages.normalize (cleaning, boilerplate) and pipeline.stages.segment (sentences)."""
from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
import regex

from pipeline.rulebook import default_book
from pipeline.stages import normalize as normalize_module
from pipeline.stages.normalize import (
    clean_spaces,
    continues_title,
    detect_script,
    load_vocabulary,
    should_join,
    to_simplified,
)
from pipeline.stages.segment import split_sentences
from pipeline.tables.rows import NormalizedText

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
GOLD = ROOT / "tests" / "gold"
SAMPLES = ("000_0f004923c64f4588.txt", "001_3d25c37045d9436d.txt", "002_b93c2e8feae018a1.txt",
           "003_20255303f76f1c82.txt", "004_2d4c2d3bcdcedaa7.txt")


def normalize(text: str) -> NormalizedText:
    """normalize with the package's own vocabulary (a run passes its book's)."""
    return normalize_module.normalize(text, load_vocabulary(default_book()))


@functools.lru_cache(maxsize=None)
def raw(name: str) -> str:
    return (RAW / name).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=None)
def norm(name: str) -> NormalizedText:
    return normalize(raw(name))


def text_of(prefix: str) -> str:
    return norm(next(n for n in SAMPLES if n.startswith(prefix))).text


def lines_of(prefix: str) -> list[str]:
    return text_of(prefix).split("\n")


# ---------------------------------------------------------------- script


def test_detect_script_on_samples():
    assert [norm(n).script for n in SAMPLES] == ["simplified", "simplified", "traditional", "simplified",
                                                 "simplified"]


def test_detect_script_mixed_and_noise():
    assert detect_script("全力打響上海製造品牌，加快邁向全球卓越製造基地") == "traditional"
    assert detect_script("全力打響「上海製造」品牌，加快邁向全球卓越製造基地，實現產業發展。"
                         "推动产业发展，实现新突破，建设现代化产业体系") == "mixed"
    # One Traditional name in a Simplified text is not a mixed document.
    assert detect_script("支持臺積電在本市设立研发中心，推动集成电路产业发展和产业链协同") == "simplified"
    assert detect_script("2023 ABC") == "simplified"


def test_traditional_sample_is_converted():
    text = text_of("002")
    for ch in "響製劃產業範為關":
        assert ch not in text
    assert "全力打响“上海制造”品牌 加快迈向全球卓越制造基地三年行动计划(2021-2023年)" in text
    assert "力争新增1-2家制造业世界500强企业" in text


def test_simplified_text_is_not_passed_through_t2s():
    # t2s would turn 乾燥 into 干燥; a Simplified document keeps what it wrote.
    out = normalize("乾燥设备和乾坤科技有限公司的项目。")
    assert out.script == "simplified"
    assert out.text == "乾燥设备和乾坤科技有限公司的项目。"
    assert to_simplified("乾燥设备") == "干燥设备"


def test_samples_simplified_are_unchanged_by_script_step():
    for prefix in ("000", "001", "003", "004"):
        text = text_of(prefix)
        assert to_simplified(text) == text


# ---------------------------------------------------------------- characters


def test_fullwidth_digits_letters_folded_punctuation_and_percent_sign_kept():
    out = normalize("到２０２５年，ＡＩ产业规模增长１５％，（一）比重达到４２％左右：ｆｉｎｅ。").text
    assert out == "到2025年，AI产业规模增长15％，（一）比重达到42％左右：fine。"   # ％ as written: snippets copy it


def test_ascii_and_fullwidth_punctuation_and_quotes_are_kept_as_written():
    src = '推进"上海制造"(2021-2023年),建设“松江品牌”（2022-2024年）：完成;'
    assert normalize(src).text == src


def test_ideographic_space_and_nbsp_removed():
    assert normalize("\u3000\u3000本市今年将培育\u00a0100家智能工厂。").text == "本市今年将培育100家智能工厂。"


def test_nfc():
    assert normalize("Cafe\u0301 项目。").text == "Caf\u00e9项目。"


def test_word_bookmarks_removed():
    text = text_of("000")
    assert "bookmark" not in text and "_GoBack" not in text and "_Hlk" not in text
    assert "——努力建设面向全球的先进制造业增长极。" in text
    assert normalize("[bookmark: _Toc53723868]（一）加强统筹协调").text == "（一）加强统筹协调"


# ---------------------------------------------------------------- dashes, bullets, page numbers


def test_yiyi_as_dash():
    src = "- 一一着力构建高端引领的产业集群。\n一一全力培育品牌。\n实现一一对应，统一一批标准。"
    assert normalize(src).text == "——着力构建高端引领的产业集群。\n——全力培育品牌。\n实现一一对应，统一一批标准。"


def test_sample_004_dashes_and_bullets():
    lines = lines_of("004")
    assert any(line.startswith("——着力构建高端引领、具有核心竞争力的世界级产业集群聚集地。") for line in lines)
    assert any(line.startswith("——全力培育品牌突出") for line in lines)
    assert not any(line.startswith(("- ", "-", "一一")) for line in lines)
    # "鼓励企业进" + "- 一步集聚": a bullet glued on a continuation line by the PDF converter.
    assert "鼓励企业进一步集聚产业发展要素" in text_of("004")
    assert "推动互联网、大数据、人工智能和实体经济深度融合" in text_of("004")


def test_bullets_removed():
    src = "• 加强组织领导。\n● 强化政策支持。\n▪ 优化营商环境。\n◆ 完善考核机制。\n□ 做好宣传。"
    assert normalize(src).text == "加强组织领导。\n强化政策支持。\n优化营商环境。\n完善考核机制。\n做好宣传。"


@pytest.mark.parametrize("page_line", ["- 3 -", "— 12 —", "第3页", "第 3 页 共 20 页", "3/20", "12", "·5·"])
def test_page_number_lines_removed_and_paragraph_rejoined(page_line):
    src = f"到2025年，全市工业增加值达到\n\n{page_line}\n\n1.2万亿元，年均增长5%。"
    assert normalize(src).text == "到2025年，全市工业增加值达到1.2万亿元，年均增长5%。"


# ---------------------------------------------------------------- spaces


def test_spaces_between_cjk_and_digits_removed_latin_spaces_and_tabs_kept():
    assert clean_spaces("到 2023 年，全面提 升 PET CT 等设备水平，达到 4.8%") == "到2023年，全面提升PET CT等设备水平，达到4.8%"
    assert clean_spaces("Copyright All Rights Reserved 版权所有") == "Copyright All Rights Reserved版权所有"
    assert clean_spaces("指标\t单位\t2025 年") == "指标\t单位\t2025年"
    assert clean_spaces("位居全国前列, 2015 年外商投资") == "位居全国前列,2015年外商投资"


def test_title_keeps_phrase_space():
    assert clean_spaces("全力打响“上海制造”品牌 加快迈向全球卓越制造基地三年行动计划 (2021-2023年)") == \
        "全力打响“上海制造”品牌 加快迈向全球卓越制造基地三年行动计划(2021-2023年)"


def test_sample_spaces():
    assert "到2023年,地区研发投入强度达到4.8%" in text_of("004")
    assert "经区政府第166次常务会议审议通过" in text_of("004")
    assert "长三角G60科创走廊" in text_of("004")
    assert "到 2023" not in text_of("004")


# ---------------------------------------------------------------- line joining


def test_pdf_page_break_inside_sentence_is_joined():
    text = text_of("003")
    assert "华力微电子12英寸生产线、中芯国际28纳米工艺投入量产" in text
    assert "两化融合指数从2010年的75.5提高到2015年的85,位居全国前列。" in text
    assert "预期实现产值2500亿元。" in text
    assert "打造“品牌之都”。完善质量标准体系建设" in text
    assert "——努力打造双轮驱动、具有重要影响力的科技创新策源地。进一步强化" in text_of("004")


def test_titles_headings_and_tables_are_not_joined():
    lines = lines_of("003")
    assert lines[0] == "上海市制造业转型升级“十三五”规划"
    assert lines[1].startswith("制造业是国民经济的主体")
    assert "上海“十三五”制造业转型升级主要指标" in lines
    header = lines.index("上海“十三五”制造业转型升级主要指标")
    assert lines[header + 1] == "类别\t序号\t指标名称\t单位\t属性\t2020年"
    assert "\t2\t规模以上工业企业研发经费内部支出占主营业务收入比重\t%\t预期性\t1.7左右" in lines  # empty first cell
    assert "1.新一代信息技术" in lines and "发展方针是：" in lines
    assert "专栏1制造业创新中心建设工程" in lines


def test_notice_lines_stay_apart():
    lines = lines_of("001")
    assert lines[:6] == [
        "闵行区人民政府办公室关于印发《闵行制造业提升三年行动计划(2018-2020年)》的通知",
        "各镇人民政府、街道办事处,莘庄工业区管委会,区政府各委、办、局:",
        "《闵行制造业提升三年行动计划(2018-2020年)》已经区政府研究同意,现印发给你们,请认真遵照执行。",
        "特此通知",
        "2018年7月31日",
        "闵行制造业提升三年行动计划(2018-2020年)",
    ]


def test_title_broken_over_two_lines_is_joined():
    assert lines_of("000")[:2] == ["闵行区落实打响“上海制造”三年行动计划（2022-2024年）", "（草案）"]


def test_should_join_rules():
    vocab = load_vocabulary(default_book())
    assert should_join("产业重点项目取得显著进展,华力微电子12", "英寸生产线、中芯国际28纳米工艺投入量产。", vocab)
    assert should_join("坚持以习近平新时代中国特色社会主义思想为指导,", "在实施打响品牌的基础上,坚定不移落实。", vocab)
    assert not should_join("加快发展先进制造业。", "推动产业升级。", vocab)
    assert not should_join("发展方针是：", "——高端化。坚持走创新驱动之路。", vocab)
    assert not should_join("（三）发展目标", "到2024年，闵行区制造业原始创新能力显著提高。", vocab)
    assert not should_join("上海市制造业转型升级“十三五”规划", "制造业是国民经济的主体,是本市的重要支撑。", vocab)
    assert not should_join("推动产业高质量发展,支持企业加大投入", "2.着力引培总部型企业。", vocab)
    assert not should_join("推动产业高质量发展,支持企业加大投入", "上海市人民政府", vocab)
    assert not should_join("类别\t序号\t指标名称", "创新能力\t1\t比重", vocab)
    assert not should_join("（责任单位：区经委）", "2．支持创新平台建设。", vocab)
    assert continues_title("闵行制造业提升三年行动计划", "(2018-2020年)", vocab)
    assert continues_title("闵行区落实打响“上海制造”三年行动", "计划（2022-2024年）", vocab)
    assert not continues_title("（三）主要任务", "计划安排如下", vocab)
    assert not continues_title("上海市制造业转型升级规划", "规划期内全市要坚持创新", vocab)


def test_output_layout_one_paragraph_per_line_deterministic():
    for name in SAMPLES:
        text = norm(name).text
        assert "\n\n" not in text and not text.startswith("\n") and not text.endswith("\n")
        assert all(line == line.strip(" ") and line for line in text.split("\n"))
        assert normalize(raw(name)) == norm(name)
    assert normalize("第一段。\n\n\n\n\n第二段。").text == "第一段。\n第二段。"


# ---------------------------------------------------------------- boilerplate on the samples


def test_sample_001_web_furniture_removed():
    text = text_of("001")
    for junk in ("打造网上国际投资促进平台", "您现在的位置", "首页 >", "发布时间", "来源:", "上一条", "与我们联系",
                 "联系电话", "传真", "邮箱", "info@investchn.com", "Copyright", "版权所有"):
        assert junk not in text, junk
    assert text.endswith("重点推动科创“1 7”政策落实,打好招商、投融资等政策组合拳。")


def test_sample_002_web_furniture_removed():
    text = text_of("002")
    for junk in ("世界食品网", "2021-07-30", "核心提示", "反对 0", "反对", "举报", "标签", "更多>", "同类法规",
                 "盐池滩羊", "460"):
        assert junk not in text, junk
    # The 核心提示 repeated the first paragraph: it is there once.
    assert text.count("为进一步贯彻落实市委、市政府关于全力打响“四大品牌”的决策部署") == 1
    assert text.split("\n")[0] == "上海市人民政府|全力打响“上海制造”品牌 加快迈向全球卓越制造基地三年行动计划(2021-2023年)"
    assert text.endswith("确保按时高效完成新一轮打响“上海制造”品牌相关工作。")


def test_sample_004_official_tail_removed_header_kept():
    lines = lines_of("004")
    text = text_of("004")
    assert "抄送" not in text and "区群团" not in text and "印发\n" not in text and not text.endswith("印发")
    assert "2022年1月19日印发" not in text and "上海市松江区人民政府办公室" not in lines
    assert lines[:3] == ["松江区人民政府文件", "沪松府[2022]11号",
                         "上海市松江区人民政府关于印发《松江区全力打响\"上海制造\"品牌打造先进制造业新高地三年行动计划"
                         "(2021-2023年)》的通知"]
    assert "特此通知。" in lines
    assert text.endswith("持续吸引优质企业基金落地,增强区域金融发展能级。(责任单位:区发展改革委<金融服务办>)")


def test_sample_003_and_000_keep_their_ends():
    assert text_of("003").endswith("健全市、区县、企业三级联动的跟踪运行监测体系。")
    assert text_of("000").endswith("培育具有全球影响力的产业集群。（责任单位：区发改委、区经委、区科委、南虹桥公司）")


# ---------------------------------------------------------------- boilerplate on pages written for the tests

PROVINCIAL_PORTAL = """江苏省人民政府门户网站
首页 » 信息公开 » 政策文件
当前位置：首页 > 政府信息公开 > 规划计划
江苏省“十四五”制造业高质量发展规划
发布日期：2021-08-10  信息来源：省工业和信息化厅  浏览次数：1234
字号：【大】【中】【小】  打印本页  关闭窗口

一、发展基础
“十三五”以来，全省制造业规模持续扩大，产业结构不断优化。
二、主要目标
到 2025 年，制造业增加值占比保持基本稳定。

相关文章：
关于印发《江苏省数字经济发展三年行动计划（2021-2023年）》的通知
分享到：微信 微博
主办单位：江苏省人民政府办公厅   承办单位：江苏省大数据管理中心
网站标识码：3200000063   苏ICP备05009144号   苏公网安备 32010202010000号
地址：南京市北京东路68号  邮编：210008  电话：025-83392000
"""

OFFICIAL_NOTICE = """广东省人民政府办公厅关于印发广东省推动工业稳增长若干措施的通知
粤府办〔2022〕5号

各地级以上市人民政府，省政府各部门、各直属机构：
《广东省推动工业稳增长若干措施》已经省人民政府同意，现印发给你们，请认真组织实施。

广东省人民政府办公厅
2022年3月10日

（此件公开发布）

广东省推动工业稳增长若干措施
一、加大企业纾困力度。对符合条件的工业企业给予贷款贴息。
二、扩大有效投资。加快推进重大项目建设。

公开方式：主动公开
抄送：省委有关部委办，省人大常委会办公厅，省政协办公厅，
省法院，省检察院。
广东省人民政府办公厅秘书处             2022年3月11日印发
"""

NEWS_PAGE = """新闻中心
 | 首页 | 要闻 | 政策 | 解读 |
市经信委：今年将培育100家智能工厂
2023-02-14 09:30:12  来源：市经济信息化委  作者：张三   【字体：大 中 小】
\u3000\u3000本市今年将培育１００家智能工厂，带动全市制造业数字化转型。
\u3000\u3000据介绍，到２０２５年，规模以上工业企业数字化转型比例达到８０％以上。
【打印】【关闭】
上一篇：关于开展2023年度专精特新企业申报工作的通知
下一篇：没有了
责任编辑：李四
扫一扫在手机打开当前页
Copyright © 2023 上海市经济和信息化委员会 版权所有 沪ICP备12345678号-1
"""

COUNTY_PAGE = """XX县人民政府网 — 服务为民 务实高效
网站导航 | 政务公开 | 办事服务 | 互动交流
XX县推进新型工业化实施方案
时间：2024年5月6日 16:20    阅读量：89
为加快推进新型工业化，结合我县实际，制定本方案。
（一）工作目标。到2026年，全县规上工业产值突破300亿元。
（二）保障措施。各部门要加强协同配合。
附件：重点项目清单

XX县人民政府
2024年5月6日
【我要纠错】 【打印本页】 【关闭窗口】
热门文章
XX县召开2024年度工作会议
联系我们 | 网站声明 | 网站地图
电子邮箱：xxgov@163.com  传真：0731-1234567
"""


def test_provincial_portal_page():
    assert normalize(PROVINCIAL_PORTAL).text == (
        "江苏省“十四五”制造业高质量发展规划\n"
        "一、发展基础\n"
        "“十三五”以来，全省制造业规模持续扩大，产业结构不断优化。\n"
        "二、主要目标\n"
        "到2025年，制造业增加值占比保持基本稳定。")


def test_official_notice_keeps_signature_drops_version_record():
    assert normalize(OFFICIAL_NOTICE).text == (
        "广东省人民政府办公厅关于印发广东省推动工业稳增长若干措施的通知\n"
        "粤府办〔2022〕5号\n"
        "各地级以上市人民政府，省政府各部门、各直属机构：\n"
        "《广东省推动工业稳增长若干措施》已经省人民政府同意，现印发给你们，请认真组织实施。\n"
        "广东省人民政府办公厅\n"
        "2022年3月10日\n"
        "广东省推动工业稳增长若干措施\n"
        "一、加大企业纾困力度。对符合条件的工业企业给予贷款贴息。\n"
        "二、扩大有效投资。加快推进重大项目建设。")


def test_news_page_keeps_headline_drops_stamp_and_footer():
    assert normalize(NEWS_PAGE).text == (
        "市经信委：今年将培育100家智能工厂\n"
        "本市今年将培育100家智能工厂，带动全市制造业数字化转型。\n"
        "据介绍，到2025年，规模以上工业企业数字化转型比例达到80％以上。")


def test_county_page_keeps_attachment_signature_and_date():
    assert normalize(COUNTY_PAGE).text == (
        "XX县推进新型工业化实施方案\n"
        "为加快推进新型工业化，结合我县实际，制定本方案。\n"
        "（一）工作目标。到2026年，全县规上工业产值突破300亿元。\n"
        "（二）保障措施。各部门要加强协同配合。\n"
        "附件：重点项目清单\n"
        "XX县人民政府\n"
        "2024年5月6日")


JOINT_NOTICE = """上海市经济和信息化委员会 上海市发展和改革委员会关于印发《上海市工业互联网创新发展行动方案》的通知
沪经信规〔2023〕1号
各区人民政府，各有关单位：
现将《上海市工业互联网创新发展行动方案》印发给你们，请认真贯彻执行。
更多支持政策，请咨询市经济信息化委产业处。
附件：1.重点任务清单
2.重点项目表
上海市经济和信息化委员会
上海市发展和改革委员会
2023年3月1日
"""


def test_joint_signature_attachment_list_and_last_paragraph_kept():
    # The short notice title keeps the space between its two issuers.
    assert normalize(JOINT_NOTICE).text == JOINT_NOTICE.strip()


def test_plain_document_is_left_whole():
    src = "关于加快发展先进制造业的实施意见\n一、总体要求\n坚持创新驱动。\n二、主要任务\n（一）做强产业。推动集群发展。"
    assert normalize(src).text == src


def test_empty_and_furniture_only_inputs():
    assert normalize("").text == ""
    assert normalize("\n\n   \n").text == ""
    assert normalize("Copyright © 2023 版权所有\n联系电话：010-12345678").text == ""


def test_vocabulary_is_data():
    vocab = load_vocabulary(default_book())
    assert "您现在的位置" in vocab.location_markers
    assert "抄送" in vocab.cc_labels
    assert "规划" in vocab.title_keywords
    assert vocab.labelled.match("联系电话:+86-0512") and not vocab.labelled.match("联系企业开展调研")


# ---------------------------------------------------------------- sentences


def _spans(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def test_split_on_terminators_and_line_ends():
    assert _spans("一、总体要求\n到2025年，实现A。实现B！是否C？D；E;F!G?H") == [
        "一、总体要求", "到2025年，实现A。", "实现B！", "是否C？", "D；", "E;", "F!", "G?", "H"]


def test_decimal_point_and_labels_do_not_split():
    assert _spans("1.增长4.3%，达到12.5亿元。") == ["1.增长4.3%，达到12.5亿元。"]


def test_closing_quotes_and_brackets_stay_with_sentence():
    assert _spans("他指出：“要加快发展。”随后部署工作。") == ["他指出：“要加快发展。”", "随后部署工作。"]
    assert _spans("（完成改造任务。）下一步推进。") == ["（完成改造任务。）", "下一步推进。"]
    assert _spans('提出"加快发展!"目标。') == ['提出"加快发展!"', "目标。"]
    # An ASCII quote after a full stop opens the next sentence when none is open.
    assert _spans('完成任务。"新一轮"行动启动。') == ["完成任务。", '"新一轮"行动启动。']


def test_table_row_is_one_sentence():
    text = "指标\t单位\t2020年\n比重；增加值\t%\t20左右\n结束。"
    assert _spans(text) == ["指标\t单位\t2020年", "比重；增加值\t%\t20左右", "结束。"]


def test_a_run_without_stops_is_cut_at_a_comma_below_the_limit():
    from pipeline.stages.segment import MAX_SENTENCE
    clause = "推进第一项重点工作，"                       # 10 characters ending in a comma
    text = clause * 450 + "完成。"                        # 4,503 characters without a stop
    sents = split_sentences(text)
    assert [len(s.text) for s in sents] == [2000, 2000, 503]
    assert all(s.text.endswith("，") for s in sents[:2]) and sents[-1].text.endswith("完成。")
    assert "".join(s.text for s in sents) == text and max(len(s.text) for s in sents) <= MAX_SENTENCE
    hard = "甲" * 4100                                    # no break at all: cut at the limit
    assert [len(s.text) for s in split_sentences(hard)] == [2000, 2000, 100]


def test_sentence_offsets_exact_and_trimmed():
    text = "  第一句。  第二句！\n\n\t第三句\t\n   \n第四句；"
    sents = split_sentences(text)
    assert [s.text for s in sents] == ["第一句。", "第二句！", "第三句", "第四句；"]
    for i, s in enumerate(sents):
        assert s.index == i and text[s.start:s.end] == s.text and s.text.strip() == s.text
    assert split_sentences("") == [] and split_sentences("\n \n。") == [split_sentences("\n \n。")[0]]
    assert split_sentences("\n \n。")[0].text == "。"


def test_sentences_on_samples_cover_gold_snippets():
    """Every gold snippet lies inside one sentence (the scorer's test), except one that spans 。."""
    spanning_two_sentences = {"煤电站远程诊断系统。到 2020 年，打造成"}

    def key(s: str) -> str:
        return regex.sub(r"\s", "", to_simplified(s))

    missing = []
    checked = 0
    for name in SAMPLES:
        sents = [key(s.text) for s in split_sentences(norm(name).text)]
        for path in sorted(GOLD.glob(f"{name}.*.jsonl")):
            for row in map(json.loads, path.read_text(encoding="utf-8").splitlines()):
                for field in ("snippet", "clause"):
                    if field in row and row[field] not in spanning_two_sentences:
                        checked += 1
                        if not any(key(row[field]) in s for s in sents):
                            missing.append((name, row[field]))
    assert checked > 300
    assert missing == []


def test_sentences_on_samples_are_exact():
    for name in SAMPLES:
        text = norm(name).text
        sents = split_sentences(text)
        assert len(sents) > 50
        assert all(text[s.start:s.end] == s.text and s.text for s in sents)
        assert all(a.end <= b.start for a, b in zip(sents, sents[1:]))
    first = split_sentences(text_of("000"))
    assert any(s.text == "1．持续推进工业强基，实施产业基础再造。" for s in first)


def test_split_of_a_long_text_repeats_the_split_of_its_parts():
    # speed is measured by `make bench`; here, that a 2-million-character text splits exactly like its parts
    text = "\n".join([text_of("003")] * 100)
    sents = split_sentences(text)
    assert len(sents) == 100 * len(split_sentences(text_of("003")))


def test_traditional_line_in_a_simplified_document_is_converted():
    body = "推动产业链现代化，发展数字经济，实现经济质量效益显著提升，为长远发展打下坚实基础。\n" * 3
    text = body + "三、保障措施\n（一）加强組織領導。成立工作專班。\n（二）弘扬乾隆时期文化。\n"
    out = normalize(text)
    assert out.script == "simplified"                     # the original is Simplified
    assert out.text.split("\n")[-2] == "（一）加强组织领导。成立工作专班。"
    # counterexample: one Traditional-only character in a Simplified line (a name) stays
    assert out.text.split("\n")[-1] == "（二）弘扬乾隆时期文化。"
