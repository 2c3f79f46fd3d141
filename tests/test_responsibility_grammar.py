"""Responsibility clauses as a grammar: a unit list and a role verb or label, whatever the verb.

Each case is a task sentence closed by a clause written the way policy documents of other places
and levels write them; the expected rows are (unit, role, marker) in order, after the document-level
lead resolution (units marked 负责 next to a stated lead are co).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.extract.responsibilities import ResponsibilityExtractor
from pipeline.rulebook import default_book
from pipeline.stages.outline import OutlineLabels, parse_outline
from pipeline.stages.segment import split_sentences
from pipeline.tables.rows import Document, DocumentMeta

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"


def make_doc(text: str, issuer: str | None = None) -> Document:
    return Document(doc_id="g1", source_path="g1.txt", source_format="txt", encoding="utf-8",
                    script="simplified", text=text, meta=DocumentMeta(issuer=issuer),
                    sections=parse_outline(text, OutlineLabels.from_rulebook(default_book())), sentences=split_sentences(text))


@pytest.fixture(scope="module")
def extract():
    return ResponsibilityExtractor.from_rulebook(default_book())


def rows_of(extract, text: str, issuer: str | None = None) -> dict[str, list[tuple[str, str, str]]]:
    out: dict[str, list[tuple[str, str, str]]] = {}
    for r in extract(make_doc(text, issuer)):
        out.setdefault(r.clause, []).append((r.unit, r.role, r.marker))
    return out


# ---------------------------------------------------------------- verbs and labels

@pytest.mark.parametrize("clause, expected", [
    # a manner phrase before the role verb (按职责分工配合) is part of its marker
    ("省商务厅牵头，省农业农村厅、合肥海关按职责分工配合",
     [("省商务厅", "lead", "牵头"), ("省农业农村厅", "co", "按职责分工配合"), ("合肥海关", "co", "按职责分工配合")]),
    ("市商务委牵头，市港务集团、市机场集团按职责分工负责",
     [("市商务委", "lead", "牵头"), ("市港务集团", "co", "按职责分工负责"), ("市机场集团", "co", "按职责分工负责")]),
    # 指导 and 参与: no lead is stated, so nobody leads
    ("市教育局、市人社局指导", [("市教育局", "responsible", "指导"), ("市人社局", "responsible", "指导")]),
    ("农业农村部指导，中华全国供销合作总社参与",
     [("农业农村部", "responsible", "指导"), ("中华全国供销合作总社", "participant", "参与")]),
    ("教育部、人力资源社会保障部按职责分工指导",
     [("教育部", "responsible", "按职责分工指导"), ("人力资源社会保障部", "responsible", "按职责分工指导")]),
    ("工业和信息化部负责指导", [("工业和信息化部", "responsible", "负责指导")]),
    # a label of any work word: 牵头考核单位, 配合考核单位; a deadline before it is no unit
    ("6月底前完成，牵头考核单位：市卫健委、市医保局",
     [("市卫健委", "lead", "牵头考核单位"), ("市医保局", "lead", "牵头考核单位")]),
    ("牵头考核单位：市营商环境局；配合考核单位：各旗县区政府",
     [("市营商环境局", "lead", "牵头考核单位"), ("各旗县区政府", "co", "配合考核单位")]),
    ("督办部门：县政府督查室", [("县政府督查室", "responsible", "督办部门")]),
    # a verb no rule knows, after a list of bodies
    ("市文旅局、市体育局审核", [("市文旅局", "responsible", "审核"), ("市体育局", "responsible", "审核")]),
    ("2023年底前，县人民政府督促检查", [("县人民政府", "responsible", "督促检查")]),
    ("省教育厅牵头，各市州政府落实", [("省教育厅", "lead", "牵头"), ("各市州政府", "co", "落实")]),
    # 会同 with no verb after it
    ("省发展改革委会同省财政厅", [("省发展改革委", "lead", "会同"), ("省财政厅", "co", "会同")]),
    # unit lists joined by 和/及 and ，
    ("商务部和中华全国供销合作总社负责",
     [("商务部", "responsible", "负责"), ("中华全国供销合作总社", "responsible", "负责")]),
    ("合肥海关及省商务厅配合", [("合肥海关", "co", "配合"), ("省商务厅", "co", "配合")]),
    ("国家林草局，国家发展改革委参与",
     [("国家林草局", "participant", "参与"), ("国家发展改革委", "participant", "参与")]),
])
def test_clause_grammar(extract, clause, expected):
    text = f"一、加快建设现代化基础设施体系，完善重点项目推进机制。（{clause}）\n"
    assert rows_of(extract, text) == {clause: expected}


def test_units_as_written_whitespace_removed(extract):
    text = "一、推进城乡教育优质均衡发展。（市教育局、 市人社局 指导）\n"
    assert rows_of(extract, text) == {"市教育局、 市人社局 指导": [("市教育局", "responsible", "指导"),
                                                              ("市人社局", "responsible", "指导")]}


def test_a_known_name_with_a_conjunction_stays_one_unit(extract):
    text = "一、办好人民满意的教育。（天津市和平区教育局、市住房和城乡建设局负责）\n"
    rows = rows_of(extract, text)
    assert [u for u, _, _ in rows["天津市和平区教育局、市住房和城乡建设局负责"]] == ["天津市和平区教育局",
                                                                          "市住房和城乡建设局"]


def test_rule_ids_name_the_form(extract):
    text = ("一、深化农村改革。（农业农村部指导，中华全国供销合作总社参与）\n"
            "二、完善乡村治理。（民政部审核）\n"
            "三、加强监督考核。（持续推进，牵头考核单位：市审批服务局）\n")
    ids = {(r.unit, r.rule_id) for r in extract(make_doc(text))}
    assert ids == {("农业农村部", "resp.verb.guide"), ("中华全国供销合作总社", "resp.verb.participant"),
                   ("民政部", "resp.verb.unknown"), ("市审批服务局", "resp.label.lead")}


def test_declared_first_lead_holds_for_guiding_clauses(extract):
    text = ("一、健全农村金融服务体系。（人民银行、银保监会指导，排在第一位的为牵头单位，下同）\n"
            "二、发展农业保险。（财政部、农业农村部按职责分工负责）\n")
    rows = rows_of(extract, text)
    assert rows["人民银行、银保监会指导，排在第一位的为牵头单位，下同"] == [
        ("人民银行", "lead", "指导"), ("银保监会", "co", "指导")]
    assert rows["财政部、农业农村部按职责分工负责"] == [
        ("财政部", "lead", "按职责分工负责"), ("农业农村部", "co", "按职责分工负责")]


def test_unbracketed_assessment_label_after_a_sentence(extract):
    text = "一、全面推行网上办理。各级政务服务事项全部开通全程网办。\n牵头考核单位：市审批服务局\n"
    assert rows_of(extract, text) == {"牵头考核单位：市审批服务局": [("市审批服务局", "lead", "牵头考核单位")]}


# ---------------------------------------------------------------- what is no clause

@pytest.mark.parametrize("text", [
    "一、支持企业发展。鼓励国有资本投资（区经委所属企业）参与改造。\n",
    "一、落实文件要求。按照《实施意见》（市政府办公室印发）执行。\n",
    "一、提高治理水平。加强精细化管理（城市管理）。\n",
    "一、推进新型城镇化。提高城镇化水平（常住人口城镇化率）。\n",
    "一、实行百分制。各牵头考核单位对各部门（包括牵头单位自身）进行考核。\n",
    "一、加强数据分析。引用统计口径（国家统计局数据）。\n",
    # prose that assigns work is no clause
    "一、维护社会治安。此项工作由公安机关负责，各街道配合。\n",
    # an unknown verb with more than units and verbs in the bracket
    "一、规范审批流程。（市文旅局审核，并报市政府备案后公布实施）\n",
])
def test_no_clause(extract, text):
    assert rows_of(extract, text) == {}


def test_task_after_an_earlier_clause_in_the_same_sentence(extract):
    text = ("1.扩大优势产品出口。建立重点国别商品税率对比清单。（市海关负责）巩固传统产品出口优势，"
            "扩大机电产品出口占比。（市商务局牵头，市海关配合）\n")
    tasks = {r.clause: r.task for r in extract(make_doc(text))}
    assert tasks["市商务局牵头，市海关配合"] == "巩固传统产品出口优势，扩大机电产品出口占比。"
