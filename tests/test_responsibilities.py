"""Responsibility clauses: forms, roles, lead declarations, task linking, precision."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.evaluation.evaluate import score_responsibilities
from pipeline.extract.responsibilities import ResponsibilityExtractor
from pipeline.rulebook import RuleBook, default_book
from pipeline.run.process import build_document
from pipeline.stages.ingest import PageFurniture, ingest_file
from pipeline.stages.outline import OutlineLabels, parse_outline
from pipeline.stages.segment import split_sentences
from pipeline.tables.rows import Document, DocumentMeta

ROOT = Path(__file__).resolve().parent.parent
RULES_DIR = ROOT / "rules"

# ---------------------------------------------------------------- Documents
# Synthetic texts go through the real segmenter and outline parser (not normalize, so that the
# text, line breaks included, is exactly what the test wrote); the samples go through the whole
# pipeline front end (ingest → normalize → segment/outline/metadata).

def make_doc(text: str, doc_id: str = "d1", issuer: str | None = None) -> Document:
    return Document(doc_id=doc_id, source_path=f"{doc_id}.txt", source_format="txt", encoding="utf-8",
                    script="simplified", text=text, meta=DocumentMeta(issuer=issuer),
                    sections=parse_outline(text, OutlineLabels.from_rulebook(default_book())), sentences=split_sentences(text))


def sample_doc(name: str) -> Document:
    return build_document(ingest_file(ROOT / "raw" / name, ROOT / "raw", PageFurniture.from_rulebook(default_book())))


@pytest.fixture(scope="module")
def extract():
    return ResponsibilityExtractor.from_rulebook(default_book())


def clauses(rows):
    """{clause: [(unit, role, marker)]} in order."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    for r in rows:
        out.setdefault(r.clause, []).append((r.unit, r.role, r.marker))
    return out


def run(extract, text, **kw):
    return clauses(extract(make_doc(text, **kw)))


# ---------------------------------------------------------------- the samples (gold)

@pytest.mark.parametrize("name", ["000_0f004923c64f4588.txt", "004_2d4c2d3bcdcedaa7.txt"])
def test_samples_against_gold(extract, name):
    rows = [r.__dict__ for r in extract(sample_doc(name))]
    gold = [json.loads(line) for line in
            (ROOT / "tests" / "gold" / f"{name}.responsibilities.jsonl").read_text(encoding="utf-8").splitlines()]
    score, lead, clause_score = score_responsibilities(gold, rows)
    assert score.f1 >= 0.97, score.as_dict()
    assert lead.value >= 0.95
    assert clause_score.fp == 0 and clause_score.fn == 0


def test_samples_without_clauses_give_no_rows(extract):
    for name in ("001_3d25c37045d9436d.txt", "002_b93c2e8feae018a1.txt", "003_20255303f76f1c82.txt"):
        assert extract(sample_doc(name)) == []


# ---------------------------------------------------------------- district / municipal / provincial styles

def test_labelled_full_width(extract):
    got = run(extract, "1．持续推进工业强基。攻克关键技术。（责任单位：区经委、区科委）\n")
    assert got == {"责任单位：区经委、区科委": [("区经委", "responsible", "责任单位"),
                                             ("区科委", "responsible", "责任单位")]}


def test_labelled_ascii_lead_label_makes_every_unit_lead(extract):
    got = run(extract, "(一)加强组织领导\n构建工作框架。(牵头部门:区经委、相关部门、相关街镇)\n")
    assert got == {"牵头部门:区经委、相关部门、相关街镇": [
        ("区经委", "lead", "牵头部门"), ("相关部门", "lead", "牵头部门"), ("相关街镇", "lead", "牵头部门")]}


def test_municipal_lead_and_co_labels_with_comma_continuation(extract):
    text = ("（一）强化人才支撑。实施高层次人才引进计划。（牵头单位：市发展改革委，配合单位：市委组织部、"
            "市人力资源和社会保障局，各区、县级市）\n")
    rows = extract(make_doc(text))
    assert [(r.unit, r.role, r.marker, r.unit_canonical, r.unit_type) for r in rows] == [
        ("市发展改革委", "lead", "牵头单位", "市发展改革委", "municipal_bureau"),
        ("市委组织部", "co", "配合单位", "市委组织部", "municipal_bureau"),
        ("市人力资源和社会保障局", "co", "配合单位", "市人力资源社会保障局", "municipal_bureau"),
        ("各区", "co", "配合单位", "各区", "collective"),
        ("县级市", "co", "配合单位", "县级市", "collective"),
    ]
    assert [r.position for r in rows] == [1, 2, 3, 4, 5]


def test_provincial_semicolon_groups_with_participants(extract):
    text = ("（二）加快工业互联网建设。（牵头单位：省工业和信息化厅；配合单位：省发展改革委、省科技厅；"
            "参与单位：各地级以上市人民政府）\n")
    got = run(extract, text)
    assert list(got.values()) == [[
        ("省工业和信息化厅", "lead", "牵头单位"), ("省发展改革委", "co", "配合单位"),
        ("省科技厅", "co", "配合单位"), ("各地级以上市人民政府", "participant", "参与单位")]]


def test_leader_names_and_time_limits_are_not_units(extract):
    got = run(extract, "（六）加强组织领导。（牵头领导：张三；牵头单位：省发展改革委；完成时限：2023年底前）\n")
    assert list(got.values()) == [[("省发展改革委", "lead", "牵头单位")]]


def test_unbracketed_label_lines_make_one_clause(extract):
    text = "（一）优化营商环境。深化改革。\n牵头单位：市经信委\n配合单位：市商务委、市市场监管局等\n（二）下一项\n"
    rows = extract(make_doc(text))
    assert [(r.unit, r.role, r.unit_canonical) for r in rows] == [
        ("市经信委", "lead", "市经济信息化委"), ("市商务委", "co", "市商务委"), ("市市场监管局", "co", "市市场监管局")]
    assert rows[0].clause == "牵头单位：市经信委\n配合单位：市商务委、市市场监管局等"
    assert rows[0].task == "优化营商环境"


def test_unit_notes_sub_units_and_trailing_deng(extract):
    text = ("1．建设人才公寓。（责任单位：区人社局、区住建委(牵头)、区财政局等）\n"
            "2．引导企业上市。(责任单位:区发展改革委 <金融服务办>、区财政局）\n"
            "3．推进产融结合。（责任单位：区发展改革委（区金融办））\n")
    rows = extract(make_doc(text))
    got = [(r.unit, r.role, r.rule_id) for r in rows]
    assert got == [
        ("区人社局", "co", "resp.label.responsible"), ("区住建委", "lead", "resp.note.lead"),
        ("区财政局", "co", "resp.label.responsible"),
        ("区发展改革委<金融服务办>", "responsible", "resp.label.responsible"),
        ("区财政局", "responsible", "resp.label.responsible"),
        ("区发展改革委（区金融办）", "responsible", "resp.label.responsible"),
    ]
    assert rows[3].unit_canonical == "区发展改革委<区金融办>"
    assert rows[3].unit_type == "district_bureau"


def test_lead_and_co_verbs(extract):
    got = run(extract, "1．推进数字化转型。加快建设（区科委牵头，区经委、区发改委配合）\n")
    assert list(got.values()) == [[("区科委", "lead", "牵头"), ("区经委", "co", "配合"), ("区发改委", "co", "配合")]]


def test_huitong_first_unit_leads(extract):
    got = run(extract, "（六）推进改革。完善机制（省发展改革委会同省财政厅、省统计局负责）。\n")
    assert [(u, role) for u, role, _ in list(got.values())[0]] == [
        ("省发展改革委", "lead"), ("省财政厅", "co"), ("省统计局", "co")]


def test_named_lead_refines_a_list(extract):
    got = run(extract, "（一）建设平台（责任单位：区经委、区科委，其中区科委为牵头单位）\n")
    assert [(u, role) for u, role, _ in list(got.values())[0]] == [("区经委", "co"), ("区科委", "lead")]


def test_deadline_inside_a_clause_is_not_a_unit(extract):
    got = run(extract, "（七）提升服务能力（市发改委、市财政局负责，2022年底前完成）。\n")
    assert list(got.values()) == [[("市发改委", "responsible", "负责"), ("市财政局", "responsible", "负责")]]


def test_separators_ascii_comma_and_semicolon(extract):
    got = run(extract, "1．推进。(责任单位:区经委,区科委;区教育局)\n")
    assert [u for u, _, _ in list(got.values())[0]] == ["区经委", "区科委", "区教育局"]


# ---------------------------------------------------------------- State Council style

STATE_COUNCIL = """国务院关于进一步优化营商环境的意见
一、完善税费政策
（一）落实减税降费。对符合条件的企业减按15%的税率征收企业所得税（税务总局、财政部、海关总署负责，排在第一位的部门为牵头部门，下同）。落实进口税收优惠政策（海关总署、商务部负责）。
（二）稳定就业。加强职业技能培训（人力资源社会保障部、财政部负责。列第一位者为牵头单位，下同）。
二、推进绿色发展
（三）推进减污降碳。开展减污降碳协同增效行动（生态环境部牵头，国家发展改革委、工业和信息化部参与）。
（四）促进农业机械化。（农业农村部、工业和信息化部牵头负责）
（五）完善统计。健全统计制度（发展改革委、统计局负责）。
（六）分类推进。（各省级人民政府分别负责）
三、抓好落实
（七）各地区各部门要高度重视（各有关部门和单位，各省级人民政府按职责分工负责）。
"""


@pytest.fixture(scope="module")
def state_council(extract):
    return extract(make_doc(STATE_COUNCIL, "sc", issuer="国务院"))


def test_state_council_xiatong_declaration_makes_first_listed_lead(state_council):
    got = clauses(state_council)
    assert got["税务总局、财政部、海关总署负责，排在第一位的部门为牵头部门，下同"] == [
        ("税务总局", "lead", "负责"), ("财政部", "co", "负责"), ("海关总署", "co", "负责")]
    # a later clause of the document, with no declaration of its own
    assert got["海关总署、商务部负责"] == [("海关总署", "lead", "负责"), ("商务部", "co", "负责")]
    assert got["人力资源社会保障部、财政部负责。列第一位者为牵头单位，下同"] == [
        ("人力资源社会保障部", "lead", "负责"), ("财政部", "co", "负责")]


def test_state_council_lead_and_participants(state_council):
    got = clauses(state_council)
    assert got["生态环境部牵头，国家发展改革委、工业和信息化部参与"] == [
        ("生态环境部", "lead", "牵头"), ("国家发展改革委", "participant", "参与"),
        ("工业和信息化部", "participant", "参与")]
    assert got["农业农村部、工业和信息化部牵头负责"] == [
        ("农业农村部", "lead", "牵头负责"), ("工业和信息化部", "lead", "牵头负责")]


def test_state_council_declared_lead_applies_to_collective_first_units(state_council):
    # GUIDELINE: lead = the first-listed where the document says the first is lead
    got = clauses(state_council)
    assert got["各省级人民政府分别负责"] == [("各省级人民政府", "lead", "分别负责")]
    assert got["各有关部门和单位，各省级人民政府按职责分工负责"] == [
        ("各有关部门和单位", "lead", "按职责分工负责"), ("各省级人民政府", "co", "按职责分工负责")]


def test_state_council_bare_names_are_national_bodies(state_council):
    rows = [r for r in state_council if r.clause == "发展改革委、统计局负责"]
    assert [(r.unit, r.unit_canonical, r.unit_type, r.role) for r in rows] == [
        ("发展改革委", "国家发展改革委", "ministry", "lead"), ("统计局", "国家统计局", "ministry", "co")]


def test_state_council_national_context_told_from_units_when_issuer_unknown(extract):
    rows = extract(make_doc("（一）完善统计。健全统计制度（发展改革委、财政部负责）。\n"))
    assert [r.unit_canonical for r in rows] == ["国家发展改革委", "财政部"]
    rows = extract(make_doc("（一）完善统计。健全统计制度（发展改革委、区财政局负责）。\n"))
    assert [r.unit_canonical for r in rows] == ["发展改革委", "区财政局"]


def test_state_council_task_is_the_sentence_when_an_item_has_several_clauses(state_council):
    tasks = {r.clause: r.task for r in state_council}
    assert tasks["税务总局、财政部、海关总署负责，排在第一位的部门为牵头部门，下同"] == \
        "对符合条件的企业减按15%的税率征收企业所得税"
    assert tasks["海关总署、商务部负责"] == "落实进口税收优惠政策"
    assert tasks["人力资源社会保障部、财政部负责。列第一位者为牵头单位，下同"] == "稳定就业"
    assert tasks["农业农村部、工业和信息化部牵头负责"] == "促进农业机械化"


def test_declaration_without_xiatong_holds_for_its_own_clause_only(extract):
    text = ("（一）甲任务。做好甲（财政部、税务总局负责，排在第一位的为牵头部门）。\n"
            "（二）乙任务。做好乙（商务部、海关总署负责）。\n")
    got = clauses(extract(make_doc(text)))
    assert got["财政部、税务总局负责，排在第一位的为牵头部门"][0][1] == "lead"
    assert [role for _, role, _ in got["商务部、海关总署负责"]] == ["responsible", "responsible"]


def test_declaration_applies_forward_only(extract):
    text = ("（一）甲。做好甲（商务部、海关总署负责）。\n"
            "（二）乙。做好乙（财政部、税务总局负责，列第一位者为牵头单位，下同）。\n"
            "（三）丙。做好丙（科技部、教育部负责）。\n")
    got = clauses(extract(make_doc(text)))
    assert [role for _, role, _ in got["商务部、海关总署负责"]] == ["responsible", "responsible"]
    assert [role for _, role, _ in got["科技部、教育部负责"]] == ["lead", "co"]


def test_note_declaration_after_the_last_clause_holds_for_all(extract):
    text = ("（一）甲。做好甲（商务部、海关总署负责）。\n（二）乙。做好乙（科技部负责）。\n"
            "注：各项任务中排在第一位的部门为牵头部门。\n")
    got = clauses(extract(make_doc(text)))
    assert [role for _, role, _ in got["商务部、海关总署负责"]] == ["lead", "co"]
    assert [role for _, role, _ in got["科技部负责"]] == ["lead"]


def test_conjunction_splits_only_two_units(extract):
    got = run(extract, "（一）甲。做好甲（财政部和税务总局、工业和信息化部、各有关部门和单位按职责分工负责）。\n",
              issuer="国务院")
    assert [u for u, _, _ in list(got.values())[0]] == ["财政部", "税务总局", "工业和信息化部", "各有关部门和单位"]


def test_fixed_collective_names_are_not_split(extract):
    got = run(extract, "（一）甲。做好甲（各省、自治区、直辖市人民政府负责）。\n")
    assert list(got.values()) == [[("各省、自治区、直辖市人民政府", "responsible", "负责")]]


# ---------------------------------------------------------------- broken and unclosed clauses

def test_clause_broken_across_lines(extract):
    text = ("1．持续推进工业强基。攻克一批关键技术。(责任单位:区经委、\n区科委)\n"
            "2．加快培育知名制造品牌。推动企业增强品牌意识。(责任单\n位:区市场监管局、区经委)\n")
    rows = extract(make_doc(text))
    got = clauses(rows)
    assert list(got.values()) == [
        [("区经委", "responsible", "责任单位"), ("区科委", "responsible", "责任单位")],
        [("区市场监管局", "responsible", "责任单位"), ("区经委", "responsible", "责任单位")]]
    assert rows[0].clause == "责任单位:区经委、\n区科委"
    assert [r.task for r in rows] == ["持续推进工业强基"] * 2 + ["加快培育知名制造品牌"] * 2


def test_clause_never_closed_ends_at_the_line_end(extract):
    text = ("2．赋能时尚消费品新发展。加快发展时尚产业。(责任单位:区经委、区科委\n"
            "3．加快培育知名制造品牌。推动企业增强品牌意识。\n")
    rows = extract(make_doc(text))
    assert {r.clause for r in rows} == {"责任单位:区经委、区科委"}
    assert [r.unit for r in rows] == ["区经委", "区科委"]
    assert text[rows[0].char_start:rows[0].char_end] == "责任单位:区经委、区科委"


# ---------------------------------------------------------------- precision

@pytest.mark.parametrize("text", [
    "上海市经济和信息化委员会（以下简称“市经信委”）负责解释。",
    "《松江区三年行动计划（2021-2023年）》",
    "（一）总体要求\n",
    "依据《国务院关于印发XX的通知》（国发〔2021〕5号）。",
    "牵头建立重大科创成果定期发布机制，优化以区经委牵头、各相关部门分工落实的协同工作机制。",
    "推动企业建立主要负责人质量培训制度（含企业主要负责人）。",
    "具体措施由企业负责（不含政府投资项目）。",
    "建立联席会议（由区主要领导牵头的项目除外）。",
    "鼓励社会资本参与（包括研发、生产等环节，由企业负责）。",
    "支持企业（特别是中小企业）参与。",
    "加强协同（配合做好相关工作）。",
    "各区要落实属地责任（负责同志要亲自抓）。",
    "（牵头）",
    "建设人才公寓（市政府负责解释）。",
    "资金安排（由国家统一负责）。",
    "召开推进会（区经委、区科委等部门负责同志参加）。",
    "加强统筹（政府引导、市场运作、企业负责）。",
])
def test_brackets_that_assign_nothing_give_no_rows(extract, text):
    assert extract(make_doc(text)) == []


# ---------------------------------------------------------------- rows

def test_row_fields_spans_and_ids(extract):
    text = "一、重点任务\n1．建设高端制造产业集群。打造集群。（责任单位：区经委、南滨江公司、上海交大、各街镇、各园区）\n"
    doc = make_doc(text, "abc")
    rows = extract(doc)
    r0 = rows[0]
    assert text[r0.char_start:r0.char_end] == r0.clause == "责任单位：区经委、南滨江公司、上海交大、各街镇、各园区"
    assert {r.clause_id for r in rows} == {f"abc-R{r0.char_start}"}
    assert r0.section_id == 1 and r0.task == "建设高端制造产业集群"
    assert [(r.unit, r.unit_canonical, r.unit_type) for r in rows] == [
        ("区经委", "区经委", "district_bureau"), ("南滨江公司", "南滨江公司", "enterprise"),
        ("上海交大", "上海交通大学", "university"), ("各街镇", "各街镇", "town_street"),
        ("各园区", "各园区", "park")]
    assert extract(doc) == rows          # pure and stable across runs


def test_task_is_the_heading_text_before_a_clause_in_the_heading_line(extract):
    rows = extract(make_doc("（一）推进改革（发展改革委会同财政部负责）\n"))
    assert rows[0].task == "推进改革"


def test_task_is_the_sentence_when_the_clause_does_not_end_its_item(extract):
    text = "1．建设平台。加快建设平台（区科委负责）。同时完善配套政策。\n"
    rows = extract(make_doc(text))
    assert rows[0].task == "加快建设平台"


def test_a_document_without_markers_is_skipped(extract):
    assert extract(make_doc("（一）总体要求\n到2024年，建成先进制造业集群（2021-2023年）。\n" * 200)) == []


def test_rules_file_defect_is_reported_with_the_rule(tmp_path):
    for path in RULES_DIR.iterdir():
        if path.is_file():       # rules/gazetteers/ (a folder) is not read by this extractor
            (tmp_path / path.name).write_bytes(path.read_bytes())
    toml = tmp_path / "responsibilities.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        'attrs = { kind = "verb", role = "participant" }', 'attrs = { kind = "verb", role = "boss" }'),
        encoding="utf-8")
    from pipeline.extract.rules import RuleError
    with pytest.raises(RuleError, match=r"resp\.verb\.participant.*role"):
        ResponsibilityExtractor.from_rulebook(RuleBook.from_dir(tmp_path))


def test_task_table_rows_are_clauses(extract):
    text = ("附件\n重点任务分工表\n序号\t重点任务\t牵头单位\t完成时限\t配合单位\n"
            "1\t建设工业互联网平台\t市经信委\t2023年底\t市发改委、市财政局\n"
            "2\t培育专精特新企业\t市经信委、市科委\t持续推进\t各区政府\n"
            "3\t合计\t\t\t\n以上任务请抓好落实。\n")
    rows = extract(make_doc(text))
    assert [(r.task, r.unit, r.role, r.marker) for r in rows] == [
        ("建设工业互联网平台", "市经信委", "lead", "牵头单位"),
        ("建设工业互联网平台", "市发改委", "co", "配合单位"),
        ("建设工业互联网平台", "市财政局", "co", "配合单位"),
        ("培育专精特新企业", "市经信委", "lead", "牵头单位"),
        ("培育专精特新企业", "市科委", "lead", "牵头单位"),
        ("培育专精特新企业", "各区政府", "co", "配合单位"),
    ]
    first = rows[0]
    assert text[first.char_start:first.char_end] == first.clause == "市经信委\t2023年底\t市发改委、市财政局"
    assert len({r.clause_id for r in rows}) == 2


def test_prefix_written_once_carries_over_to_later_units(extract):
    rows = extract(make_doc("（一）推进创新。加快XX（省工业和信息化厅牵头，省发展改革委、科技厅、财政厅按职责分工负责）。\n"))
    assert [(r.unit, r.unit_canonical, r.unit_type, r.role) for r in rows] == [
        ("省工业和信息化厅", "省工业和信息化厅", "municipal_bureau", "lead"),
        ("省发展改革委", "省发展改革委", "municipal_bureau", "co"),
        ("科技厅", "省科技厅", "municipal_bureau", "co"),
        ("财政厅", "省财政厅", "municipal_bureau", "co")]


def test_labels_run_together_and_square_bracket_notes(extract):
    text = ("（一）推进甲。加快甲（牵头单位：区经委配合单位：区科委）。\n"
            "（二）推进乙。加快乙（责任单位：省科技厅，各市、县〔市、区〕人民政府）。\n"
            "（三）推进丙。加快丙（责任单位：区经委〔牵头〕、中关村管委会）。\n")
    rows = extract(make_doc(text))
    assert [(r.unit, r.role, r.unit_type) for r in rows] == [
        ("区经委", "lead", "district_bureau"), ("区科委", "co", "district_bureau"),
        ("省科技厅", "responsible", "municipal_bureau"),
        ("各市、县〔市、区〕人民政府", "responsible", "collective"),
        ("区经委", "lead", "district_bureau"), ("中关村管委会", "co", "park")]


@pytest.mark.parametrize("clause, expected", [
    ("具体工作由市商务委牵头", [("市商务委", "lead", "牵头")]),
    ("由各区人民政府负责组织实施", [("各区人民政府", "responsible", "负责组织实施")]),
    ("区经委负责牵头，区科委按职责抓好落实", [("区经委", "lead", "负责牵头"), ("区科委", "co", "按职责抓好落实")]),
    ("各区要积极配合", [("各区", "co", "配合")]),
    ("中国（上海）自由贸易试验区管委会负责", [("中国（上海）自由贸易试验区管委会", "responsible", "负责")]),
])
def test_verb_phrasings(extract, clause, expected):
    assert run(extract, f"1．推进甲。加快甲（{clause}）。\n") == {clause: expected}


def test_clause_inside_a_stray_or_outer_bracket(extract):
    text = ("1．推进甲。加快发展(详见附件。推进XX（责任单位：区经委）\n"
            "2．推进乙。加快乙（详见附件二（牵头单位：区科委））。\n")
    assert run(extract, text) == {"责任单位：区经委": [("区经委", "responsible", "责任单位")],
                                  "牵头单位：区科委": [("区科委", "lead", "牵头单位")]}


def test_pdf_style_raw_text_through_the_whole_front_end(extract, tmp_path):
    """Line breaks inside clauses, a clause never closed, a spaced sub-unit: as a PDF conversion gives them."""
    raw = ("松江区全力打响品牌三年行动计划\n\n一、专项行动\n\n"
           "1. 全力打造高端制造产品。补齐产业链供应链短板。(责任单位:区经委、\n区科委)\n\n"
           "2. 赋能时尚消费品新发展。鼓励企业通过设计驱动。(责任单\n位:区市场监管局、区经委)\n\n"
           "3. 加快培育知名制造品牌。推动企业增强品牌意识。(责任单位:区经委、区科委\n\n"
           "4. 推动产融结合。加大力度。(责任单位:区发展改革委 <金融服务办>)\n")
    (tmp_path / "plan.txt").write_text(raw, encoding="utf-8")
    doc = build_document(ingest_file(tmp_path / "plan.txt", tmp_path, PageFurniture.from_rulebook(default_book())))
    rows = extract(doc)
    assert [(r.task, r.unit) for r in rows] == [
        ("全力打造高端制造产品", "区经委"), ("全力打造高端制造产品", "区科委"),
        ("赋能时尚消费品新发展", "区市场监管局"), ("赋能时尚消费品新发展", "区经委"),
        ("加快培育知名制造品牌", "区经委"), ("加快培育知名制造品牌", "区科委"),
        ("推动产融结合", "区发展改革委<金融服务办>")]
    for r in rows:
        assert doc.text[r.char_start:r.char_end] == r.clause


def test_bracketed_clause_text_is_verbatim(extract):
    rows = extract(make_doc("1．推进甲。加快甲（责任单位：区经委、区科委。）\n"))
    assert rows[0].clause == "责任单位：区经委、区科委。"
    assert [r.unit for r in rows] == ["区经委", "区科委"]


def test_task_words_after_a_labelled_list_are_not_units(extract):
    got = run(extract, "1．推进甲。加快甲（责任单位：区经委、华为，并做好相关协调工作）。\n")
    assert got == {"责任单位：区经委、华为，并做好相关协调工作": [
        ("区经委", "responsible", "责任单位"), ("华为", "responsible", "责任单位")]}


def test_provincial_work_list_label_lines_with_a_leader(extract):
    text = ("一、确保完成全年主要预期目标\n"
            "（一）全省生产总值增长7%以上，在实际工作中力争更好结果。\n"
            "牵头负责领导:张三。\n牵头责任单位:省发展改革委。\n协同责任单位:省经济和信息化厅、省财政厅、省林业局等。\n"
            "（二）固定资产投资力争增长10%以上。\n")
    rows = extract(make_doc(text))
    assert [(r.unit, r.role, r.marker) for r in rows] == [
        ("省发展改革委", "lead", "牵头责任单位"), ("省经济和信息化厅", "co", "协同责任单位"),
        ("省财政厅", "co", "协同责任单位"), ("省林业局", "co", "协同责任单位")]
    assert rows[0].clause == "牵头责任单位:省发展改革委。\n协同责任单位:省经济和信息化厅、省财政厅、省林业局等"
    assert rows[0].task == "全省生产总值增长7%以上，在实际工作中力争更好结果"


def test_provincial_list_with_generic_tail_and_prefix_carried_over(extract):
    clause = "省发展改革委、交通运输厅、能源局等省有关部门和各地级以上市人民政府按职责分工负责"
    rows = extract(make_doc(f"1.推行市场化运作。对重点项目推行市场化运作。({clause})\n"))
    assert [(r.unit, r.unit_canonical) for r in rows] == [
        ("省发展改革委", "省发展改革委"), ("交通运输厅", "省交通运输厅"), ("能源局", "省能源局"),
        ("各地级以上市人民政府", "各地级以上市人民政府")]
    assert {r.role for r in rows} == {"responsible"}


def test_small_full_stop_item_gives_its_heading_as_task(extract):
    text = ("一、重点任务\n1﹒培育龙头企业。（责任单位：市经信局、市发展改革委）\n"
            "2﹒发展专精特新企业。（责任单位：市科技局）\n")
    rows = extract(make_doc(text))
    assert [(r.task, r.unit, r.unit_canonical, r.unit_type) for r in rows] == [
        ("培育龙头企业", "市经信局", "市经济信息化局", "municipal_bureau"),
        ("培育龙头企业", "市发展改革委", "市发展改革委", "municipal_bureau"),
        ("发展专精特新企业", "市科技局", "市科技局", "municipal_bureau")]


@pytest.mark.parametrize("text, units", [
    # units with no separator, or only spaces, between them
    ("1.推进企业上云。（责任单位：市经信局市发展改革委市财政局）\n", ["市经信局", "市发展改革委", "市财政局"]),
    ("1.推进企业上云。（责任单位：市经信局 市发展改革委　市财政局）\n", ["市经信局", "市发展改革委", "市财政局"]),
    ("1.推进企业上云。（牵头单位：区经委 配合单位：区科委 区商务委）\n", ["区经委", "区科委", "区商务委"]),
    ("1.推进改革。（责任单位：省委组织部省人力资源社会保障厅）\n", ["省委组织部", "省人力资源社会保障厅"]),
    # counterexamples: one name, a name with an ordinary word after the level, a sub-unit, a stray 等
    ("1.推进改革。（责任单位：区市场监管局）\n", ["区市场监管局"]),
    ("1.推进改革。（责任单位：市国资委市属企业）\n", ["市国资委市属企业"]),
    ("1.推进改革。（责任单位：区发展改革委 <金融服务办>）\n", ["区发展改革委<金融服务办>"]),
    ("1.推进改革。（责任单位：区经委 等）\n", ["区经委"]),
    ("1.推进改革。（区经委 牵头）\n", ["区经委"]),
])
def test_units_run_together(extract, text, units):
    assert [u for u, _, _ in next(iter(run(extract, text).values()))] == units


def test_state_council_spaced_units_before_a_verb(extract):
    text = "（一）推进改革。（国家发展改革委 工业和信息化部 财政部按职责分工负责）\n"
    assert run(extract, text, issuer="国务院") == {
        "国家发展改革委 工业和信息化部 财政部按职责分工负责": [
            ("国家发展改革委", "responsible", "按职责分工负责"), ("工业和信息化部", "responsible", "按职责分工负责"),
            ("财政部", "responsible", "按职责分工负责")]}


def test_state_council_clause_forms(extract):
    text = ("（一）稳定就业。（人力资源社会保障部、财政部负责。列第一位者为牵头单位，下同）\n"
            "（二）扩大内需。（商务部、发展改革委、工信部负责）\n"
            "（三）加强生态保护。（生态环境部牵头，国家发展改革委、工业和信息化部参与）\n"
            "（四）保障粮食安全。（各省级人民政府负责落实）\n")
    rows = extract(make_doc(text, issuer="国务院"))
    got = [(r.unit, r.unit_canonical, r.unit_type, r.role) for r in rows]
    assert got == [
        ("人力资源社会保障部", "人力资源社会保障部", "ministry", "lead"), ("财政部", "财政部", "ministry", "co"),
        ("商务部", "商务部", "ministry", "lead"), ("发展改革委", "国家发展改革委", "ministry", "co"),
        ("工信部", "工业和信息化部", "ministry", "co"),
        ("生态环境部", "生态环境部", "ministry", "lead"),
        ("国家发展改革委", "国家发展改革委", "ministry", "participant"),
        ("工业和信息化部", "工业和信息化部", "ministry", "participant"),
        ("各省级人民政府", "各省级人民政府", "collective", "lead")]   # first-listed under 下同


def test_docx_work_list_table_end_to_end(tmp_path, extract):
    import io

    import docx
    document = docx.Document()
    document.add_paragraph("某市2024年优化营商环境重点任务清单")
    document.add_paragraph("一、重点任务")
    rows = [["序号", "工作任务", "牵头单位", "配合单位", "完成时限"],
            ["1", "推进企业开办全程网上办理", "市市场监管局", "市政数局、市税务局", "2024年6月底前"],
            ["2", "压减工程建设项目审批时间", "市住建局", "市发改委，市资规局", "2024年12月底前"]]
    table = document.add_table(rows=len(rows), cols=5)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    (tmp_path / "list.docx").write_bytes(buffer.getvalue())
    doc = build_document(ingest_file(tmp_path / "list.docx", tmp_path, PageFurniture.from_rulebook(default_book())))
    assert doc.meta.title == "某市2024年优化营商环境重点任务清单"
    got = [(r.task, r.unit, r.unit_canonical, r.unit_type, r.role, r.marker) for r in extract(doc)]
    assert got == [
        ("推进企业开办全程网上办理", "市市场监管局", "市市场监管局", "municipal_bureau", "lead", "牵头单位"),
        ("推进企业开办全程网上办理", "市政数局", "市政务服务数据管理局", "municipal_bureau", "co", "配合单位"),
        ("推进企业开办全程网上办理", "市税务局", "市税务局", "municipal_bureau", "co", "配合单位"),
        ("压减工程建设项目审批时间", "市住建局", "市住房城乡建设局", "municipal_bureau", "lead", "牵头单位"),
        ("压减工程建设项目审批时间", "市发改委", "市发展改革委", "municipal_bureau", "co", "配合单位"),
        ("压减工程建设项目审批时间", "市资规局", "市自然资源和规划局", "municipal_bureau", "co", "配合单位")]


@pytest.mark.parametrize("text", ["1.推进改革。【责任单位：市经信局、市发展改革委】\n",
                                  "1.推进改革。[责任单位：市经信局、市发展改革委]\n",
                                  "1.推进改革。［责任单位：市经信局、市发展改革委］\n"])
def test_clause_in_square_brackets(extract, text):
    assert run(extract, text) == {"责任单位：市经信局、市发展改革委": [
        ("市经信局", "responsible", "责任单位"), ("市发展改革委", "responsible", "责任单位")]}


def test_square_brackets_without_a_marker_are_not_clauses(extract):
    # counterexamples: a 文号 year, page furniture, an emphasis mark
    text = "【字体：大 中 小】\n依据沪松府[2022]11号。\n1.推进改革【重点】。（区经委负责）\n"
    assert list(run(extract, text)) == ["区经委负责"]


def test_generic_bodies_and_localities_after_a_lead(extract):
    text = "（一）推进改革。（国家发展改革委牵头，有关部门和地方按职责分工负责）\n"
    assert run(extract, text, issuer="国务院") == {"国家发展改革委牵头，有关部门和地方按职责分工负责": [
        ("国家发展改革委", "lead", "牵头"), ("有关部门和地方", "co", "按职责分工负责")]}


def test_table_header_with_a_first_is_lead_note(extract):
    text = ("一、任务分工\n序号\t具体措施\t责任单位（列第一位的为牵头单位）\t完成时限\n"
            "1\t推进企业上云\t市经信局、市科技局\t2024年底\n2\t培育龙头企业\t各区县、市商务局\t持续推进\n")
    got = [(r.task, r.unit, r.role, r.marker) for r in extract(make_doc(text))]
    assert got == [("推进企业上云", "市经信局", "lead", "责任单位"), ("推进企业上云", "市科技局", "co", "责任单位"),
                   # the declared position rule holds for a collective first unit too
                   ("培育龙头企业", "各区县", "lead", "责任单位"), ("培育龙头企业", "市商务局", "co", "责任单位")]
    # counterexample: a note that declares nothing leaves the roles alone
    text = "一、任务分工\n序号\t具体措施\t责任单位（按职责分工）\n1\t推进企业上云\t市经信局、市科技局\n"
    assert [r.role for r in extract(make_doc(text))] == ["responsible", "responsible"]


def test_html_work_list_with_merged_cells_end_to_end(tmp_path, extract):
    # a task merged over 序号 and 任务 (colspan) and a lead unit merged over two rows and over
    # 牵头单位 and 配合单位 (rowspan + colspan): the units stay in their columns
    page = ("<html><body><p>某区2024年重点任务分工</p><table>"
            "<tr><th>序号</th><th>任务</th><th>牵头单位</th><th>配合单位</th></tr>"
            "<tr><td colspan=2>推进企业上云</td><td>区发展改革委</td><td>区财政局</td></tr>"
            "<tr><td>2</td><td>培育龙头企业</td><td rowspan=2 colspan=2>区经委</td></tr>"
            "<tr><td>3</td><td>优化营商环境</td></tr>"
            "<tr><td>4</td><td>加强人才支撑</td><td>区人社局</td><td>区教育局</td></tr>"
            "</table></body></html>")
    (tmp_path / "list.html").write_text(page, encoding="utf-8")
    doc = build_document(ingest_file(tmp_path / "list.html", tmp_path, PageFurniture.from_rulebook(default_book())))
    assert [(r.task, r.unit, r.role, r.marker) for r in extract(doc)] == [
        ("推进企业上云", "区发展改革委", "lead", "牵头单位"),
        ("推进企业上云", "区财政局", "co", "配合单位"),
        ("培育龙头企业", "区经委", "lead", "牵头单位"),
        ("优化营商环境", "区经委", "lead", "牵头单位"),
        ("加强人才支撑", "区人社局", "lead", "牵头单位"),
        ("加强人才支撑", "区教育局", "co", "配合单位")]


def test_task_cell_left_empty_by_a_merge_falls_back_to_the_longest_cell(extract):
    text = "序号\t任务\t牵头单位\n推进企业上云\t\t区经委\n2\t培育龙头企业\t区科委\n"
    assert [(r.task, r.unit) for r in extract(make_doc(text))] == [("推进企业上云", "区经委"), ("培育龙头企业", "区科委")]
