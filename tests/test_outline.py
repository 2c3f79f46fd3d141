"""Tests of pipeline.stages.outline."""
from __future__ import annotations

import functools
from pathlib import Path

from pipeline.rulebook import default_book
from pipeline.stages.normalize import load_vocabulary, normalize
from pipeline.stages.outline import OutlineLabels, cn_to_int
from pipeline.stages.outline import parse_outline as parse_with
from pipeline.tables.rows import Section


def parse_outline(text: str) -> list[Section]:
    """The outline of ``text`` with the package's own rule book."""
    return parse_with(text, OutlineLabels.from_rulebook(default_book()))

RAW = Path(__file__).resolve().parent.parent / "raw"


@functools.lru_cache(maxsize=None)
def sample(prefix: str) -> tuple[str, tuple[Section, ...]]:
    path = next(RAW.glob(f"{prefix}_*.txt"))
    text = normalize(path.read_text(encoding="utf-8"), load_vocabulary(default_book())).text
    return text, tuple(parse_outline(text))


def find(sections, label: str, heading: str) -> Section:
    matches = [s for s in sections if s.label == label and s.heading == heading]
    assert len(matches) == 1, (label, heading, matches)
    return matches[0]


def outline_of(text: str) -> list[tuple[str, str, int, int | None]]:
    return [(s.label, s.heading, s.level, s.parent_id) for s in parse_outline(text)]


# ---------------------------------------------------------------- samples


def test_000_hierarchy_and_run_in_heading():
    text, sections = sample("000")
    assert len(sections) == 32
    top = find(sections, "一、", "明确打响制造品牌总体要求")
    goals = find(sections, "（三）", "发展目标")
    assert (top.level, top.parent_id) == (1, None)
    assert (goals.level, goals.parent_id) == (2, top.section_id)
    item = find(sections, "1．", "持续推进工业强基，实施产业基础再造")
    parent = sections[item.parent_id]
    assert (parent.label, parent.heading, item.level) == ("（一）", "提升高端制造创新能力", 3)
    # Spans: the heading text and the whole item up to the next item.
    assert text[item.heading_start:item.heading_end] == "持续推进工业强基，实施产业基础再造"
    assert text[item.char_start:].startswith("1．持续推进工业强基，实施产业基础再造。围绕")
    nxt = find(sections, "2．", "支持创新平台建设，打造特色创新载体")
    assert item.char_end == nxt.char_start
    assert text[item.char_start:item.char_end].rstrip().endswith("（责任单位：区经委、区科委）")
    # A top section ends where the next top section starts; the last one at the end of the text.
    second = find(sections, "二、", "打造制造业高质量发展新优势")
    assert top.char_end == second.char_start == goals.char_end
    assert sections[-1].char_end == len(text)
    last_top = find(sections, "三、", "实施保障制造业发展新举措")
    assert last_top.char_end == len(text)


def test_001_ascii_bracket_labels_as_written_and_numbering_across_parents():
    text, sections = sample("001")
    assert len(sections) == 33
    goals = find(sections, "(三)", "发展目标")
    assert sections[goals.parent_id].heading == "明确制造业发展思路与目标"
    five = find(sections, "5.", "全力打响“南上海高新智造带”品牌影响力")
    assert sections[five.parent_id].heading == "创新能力提升工程"
    sixteen = find(sections, "16.", "主动融入长三角高质量一体化发展")
    assert sections[sixteen.parent_id].heading == "融合联动示范工程"
    assert text[goals.char_start:goals.char_start + 7] == "(三)发展目标"


def test_002_traditional_sample_outline():
    _, sections = sample("002")
    assert len(sections) == 49
    tenth = find(sections, "(十)", "绿色创先专项行动")
    assert sections[tenth.parent_id].heading == "专项行动"
    assert find(sections, "2.", "加快绿色示范引领").parent_id == tenth.section_id


def test_003_table_and_false_headings():
    text, sections = sample("003")
    assert len(sections) == 51
    assert [s.label for s in sections if s.level == 1] == ["一、", "二、", "三、", "四、"]
    goals = find(sections, "(四)", "主要目标")
    nxt = sections[goals.section_id + 1]
    assert (nxt.label, nxt.heading) == ("二、", "聚焦重点,形成产业发展新格局")
    table = text.index("类别\t序号")
    assert goals.char_start < table < goals.char_end
    for s in sections:
        assert not s.heading.startswith(("是", "专栏")) and "\t" not in s.heading
    item = find(sections, "1.", "新一代信息技术")      # written "1. 新一代信息技术"
    assert text[item.heading_start:item.heading_end] == "新一代信息技术"


def test_004_outline():
    _, sections = sample("004")
    assert len(sections) == 47
    item = find(sections, "1.", "引育产业领军拨尖人才")
    assert sections[item.parent_id].heading == "名家汇聚专项行动"
    assert sections[sections[item.parent_id].parent_id].heading == "专项行动"


def test_invariants_on_samples():
    for prefix in ("000", "001", "002", "003", "004"):
        text, sections = sample(prefix)
        for i, s in enumerate(sections):
            assert s.section_id == i
            assert s.char_start <= s.heading_start < s.heading_end <= s.char_end <= len(text)
            assert text[s.heading_start:s.heading_end] == s.heading
            assert s.char_start == 0 or text[s.char_start - 1] == "\n"
            if s.parent_id is not None:
                parent = sections[s.parent_id]
                assert parent.level < s.level
                assert parent.char_start < s.char_start and s.char_end <= parent.char_end


# ---------------------------------------------------------------- synthetic


def test_levels_by_first_appearance_document_may_start_at_paren():
    text = "（一）总体目标\n到2025年完成。\n1.产业目标\n产值增长。\n（二）主要任务\n1.做强产业\n2.做优环境"
    assert outline_of(text) == [
        ("（一）", "总体目标", 1, None), ("1.", "产业目标", 2, 0), ("（二）", "主要任务", 1, None),
        ("1.", "做强产业", 2, 2), ("2.", "做优环境", 2, 2)]


def test_chapters_sections_articles_and_circled():
    text = ("第一章 总则\n第一条 为了促进制造业发展，制定本条例。\n第二条 本条例适用于本市。\n"
            "第二章 产业发展\n第一节 重点产业\n第三条 市人民政府应当支持下列产业：\n①集成电路\n②生物医药")
    assert outline_of(text) == [
        ("第一章", "总则", 1, None),
        ("第一条", "为了促进制造业发展，制定本条例", 2, 0),   # level = depth in the tree
        ("第二条", "本条例适用于本市", 2, 0),
        ("第二章", "产业发展", 1, None),
        ("第一节", "重点产业", 2, 3),          # 节 ranks above 条 though it appears later
        ("第三条", "市人民政府应当支持下列产业", 3, 4),
        ("①", "集成电路", 4, 5),
        ("②", "生物医药", 4, 5),
    ]


def test_label_forms_as_written():
    # a label is what the text has at char_start (SCHEMA: as normalized), whatever its bracket or stop
    text = "一、总体要求\n(一)指导思想\n1．坚持创新\n(1)加强研发\n（2）强化应用\n1、坚持开放\n二、其他"
    sections = parse_outline(text)
    assert [(s.label, s.heading) for s in sections] == [
        ("一、", "总体要求"), ("(一)", "指导思想"), ("1．", "坚持创新"), ("(1)", "加强研发"),
        ("（2）", "强化应用"), ("1、", "坚持开放"), ("二、", "其他")]
    assert all(text[s.char_start:].startswith(s.label) for s in sections)
    # 1． and 1、 are different kinds; 1、 closes the open (2) (conventionally deeper)
    # and nests under the open 1．
    levels = {s.heading: s.level for s in parse_outline(text)}
    assert levels == {"总体要求": 1, "指导思想": 2, "坚持创新": 3, "加强研发": 4, "强化应用": 4, "坚持开放": 4,
                      "其他": 1}


def test_level_is_depth_under_the_open_section_not_the_kind_seen_first():
    # 1． items come under 二、; the first （一） comes under 三、 and is its child at level 2
    text = ("一、总体要求\n到2025年完成。\n二、重点任务\n1．做强产业\n2．做优环境\n"
            "三、保障措施\n（一）加强组织领导\n（二）强化资金保障\n1．设立基金")
    assert outline_of(text) == [
        ("一、", "总体要求", 1, None), ("二、", "重点任务", 1, None), ("1．", "做强产业", 2, 1),
        ("2．", "做优环境", 2, 1), ("三、", "保障措施", 1, None),
        ("（一）", "加强组织领导", 2, 4), ("（二）", "强化资金保障", 2, 4), ("1．", "设立基金", 3, 6)]


def test_a_higher_kind_seen_late_closes_deeper_open_sections():
    text = "1．前言事项\n2．另一事项\n一、总体要求\n（一）指导思想"
    assert outline_of(text) == [("1．", "前言事项", 1, None), ("2．", "另一事项", 1, None),
                                ("一、", "总体要求", 1, None), ("（一）", "指导思想", 2, 2)]


def test_false_headings_rejected():
    text = ("一、发展基础\n"
            "2023年，全市工业总产值增长5%。\n"
            "1.5倍的增长来自新兴产业。\n"
            "二、三产业融合发展取得成效。\n"
            "一是高端发展实现重大进步。\n"
            "5.以上数据来自统计局。\n"
            "1\t战略性新兴产业增加值\t%\n"
            "(2018-2020年)\n"
            "二、主要目标")
    assert outline_of(text) == [("一、", "发展基础", 1, None), ("二、", "主要目标", 1, None)]


def test_one_lost_heading_does_not_hide_the_rest():
    text = "1.第一项\n3.第三项\n4.第四项\n9.不是标题"
    assert [s.heading for s in parse_outline(text)] == ["第一项", "第三项", "第四项"]


def test_heading_of_long_item_without_full_stop():
    long_item = "1、加强组织领导，各区各部门要把推进制造业高质量发展摆在突出位置，建立健全工作机制，明确责任分工并抓好落实"
    assert [s.heading for s in parse_outline(long_item)] == ["加强组织领导"]
    assert [s.heading for s in parse_outline("（一）主要目标：")] == ["主要目标"]
    # A numbering that does not start at 1 is not an outline.
    assert parse_outline("（三）主要目标") == []
    assert parse_outline("一、") == [] and parse_outline("") == []


def test_cn_to_int():
    text = "九、其他\n十、附则\n十一、实施"
    assert [s.label for s in parse_outline("一、总则\n" + "\n".join(f"{n}、条目" for n in "二三四五六七八") + "\n" + text)][-3:] \
        == ["九、", "十、", "十一、"]
    assert [cn_to_int(x) for x in ("一", "十", "十一", "二十", "二十三", "一百零五", "12")] == [1, 10, 11, 20, 23, 105, 12]


def test_small_full_stop_and_enclosed_digit_labels():
    # 1﹒ (U+FE52, a small full stop some word processors produce), ⒈ and ⑴ are labels
    text = ("一、重点任务\n（一）壮大产业集群\n1﹒培育龙头企业。支持企业兼并重组。\n"
            "⑴开展梯度培育\n⑵建立企业库\n2﹒发展专精特新企业\n（二）强化要素保障\n⒈推进试点示范\n")
    assert outline_of(text) == [
        ("一、", "重点任务", 1, None), ("（一）", "壮大产业集群", 2, 0), ("1﹒", "培育龙头企业", 3, 1),
        ("⑴", "开展梯度培育", 4, 2), ("⑵", "建立企业库", 4, 2), ("2﹒", "发展专精特新企业", 3, 1),
        ("（二）", "强化要素保障", 2, 0), ("⒈", "推进试点示范", 3, 6)]


def test_small_full_stop_in_a_number_is_not_a_label():
    # counterexamples: a decimal written with ﹒, a year with a dot
    assert outline_of("2023﹒全区增长8%。\n10﹒5亿元用于改造。\n") == []
