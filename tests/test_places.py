"""documents.place_code / place_name: the issuing government's division (pipeline/stages/places.py)."""
from __future__ import annotations

import pytest

from pipeline.rulebook import default_book
from pipeline.stages.metadata import HeaderData, extract_metadata
from pipeline.stages.normalize import load_vocabulary, normalize
from pipeline.stages.places import Places, find_place, load_divisions


def place(issuer=None, title=None, doc_number=None, text=""):
    found = find_place(issuer, title, doc_number, text, places=Places.from_rulebook(default_book()))
    return (found.code, found.name) if found else None


def test_division_table_covers_every_level():
    divisions = load_divisions(default_book())
    levels = [d.level for d in divisions.by_code.values()]
    assert levels.count("province") == 34
    assert levels.count("prefecture") >= 330
    assert levels.count("county") >= 2800
    assert divisions.by_code["310117"].name == "松江区"
    assert divisions.by_code["310117"].parent == "310000"         # a municipality's district
    assert divisions.by_code["150702"].parent == "150700"         # 海拉尔区 in 呼伦贝尔市
    assert divisions.by_code["429004"].parent == "420000"         # 仙桃市, governed by the province


@pytest.mark.parametrize("issuer,expected", [
    ("国务院", ("000000", "全国")),
    ("国务院办公厅", ("000000", "全国")),
    ("国家发展改革委 工业和信息化部", ("000000", "全国")),
    ("北京市经济和信息化局", ("110000", "北京市")),                       # province-level municipality
    ("安徽省人民政府办公厅", ("340000", "安徽省")),                       # province
    ("包头市人民政府办公室", ("150200", "内蒙古自治区包头市")),             # prefecture-level city
    ("阿坝州人民政府办公室", ("513200", "四川省阿坝藏族羌族自治州")),       # autonomous prefecture, short form
    ("上海市松江区人民政府", ("310117", "上海市松江区")),                  # district: its own code, not the city's
    ("闵行区人民政府办公室", ("310112", "上海市闵行区")),
    ("呼伦贝尔市海拉尔区人民政府", ("150702", "内蒙古自治区呼伦贝尔市海拉尔区")),
    ("万载县统计局 国家统计局万载调查队", ("360922", "江西省宜春市万载县")),  # county
    ("长阳县人民政府", ("420528", "湖北省宜昌市长阳土家族自治县")),        # autonomous county, short form
    ("吉林省吉林市人民政府", ("220200", "吉林省吉林市")),                  # a city named like its province
])
def test_place_from_the_issuer(issuer, expected):
    assert place(issuer=issuer) == expected


def test_place_from_the_title_when_no_issuer():
    assert place(title="2025年宁夏政府工作报告") == ("640000", "宁夏回族自治区")
    assert place(title="新疆维吾尔自治区数字经济发展规划") == ("650000", "新疆维吾尔自治区")
    assert place(title="万载县2022年国民经济和社会发展统计公报") == ("360922", "江西省宜春市万载县")


def test_place_from_the_byline_of_a_report():
    report = "政府工作报告\n——2026年1月20日在广西壮族自治区第十四届人民代表大会第五次会议上\n各位代表：\n"
    assert place(title="政府工作报告", text=report) == ("450000", "广西壮族自治区")
    district = "政府工作报告\n某年某月\n沙坪坝区人民政府区长 张三\n各位代表：\n"
    assert place(title="政府工作报告", text=district) == ("500106", "重庆市沙坪坝区")
    national = "政府工作报告\n——2024年3月5日在第十四届全国人民代表大会第二次会议上\n"
    assert place(title="政府工作报告", text=national) == ("000000", "全国")


def test_place_from_the_doc_number_prefix():
    assert place(doc_number="沪松府〔2022〕11号") == ("310117", "上海市松江区")   # 沪 + the one 松… district
    assert place(doc_number="粤府办〔2021〕53号") == ("440000", "广东省")
    assert place(doc_number="国办发〔2025〕9号") is None                 # 国 is no province: the issuer says
    assert place(doc_number="宁政发〔2023〕1号") is None                 # 宁: 宁夏 or 南京, not guessed


def test_a_shared_name_is_settled_by_its_enclosing_division():
    assert place(issuer="北京市朝阳区人民政府") == ("110105", "北京市朝阳区")
    assert place(issuer="长春市朝阳区人民政府") == ("220104", "吉林省长春市朝阳区")
    assert place(issuer="朝阳区人民政府", text="为推动长春现代化都市圈建设，朝阳区制定本方案。") \
        == ("220104", "吉林省长春市朝阳区")
    assert place(issuer="朝阳区人民政府", text="为加快发展，制定本方案。") is None   # not said: null


def test_unknown_or_ordinary_names_give_no_place():
    # a province-shaped name missing from the table stops the search: no guess from the 文号 (川 = 四川)
    assert place(issuer="江川省人民政府办公厅", doc_number="川政办发〔2024〕12号") is None
    assert place(title="滨海省数字经济发展规划") is None
    # two-character county names read as words are not places
    assert place(title="矿区生态修复实施方案") is None
    assert place(title="关于加快城市更新的实施意见") is None
    assert place(issuer="省商务厅") is None


def test_place_columns_of_a_whole_document():
    doc = ("上海市松江区人民政府文件\n沪松府〔2022〕11号\n上海市松江区人民政府关于印发某行动计划的通知\n"
           "各街道办事处：\n现将行动计划印发给你们，请认真贯彻执行。\n上海市松江区人民政府\n2022年1月19日\n")
    book = default_book()
    m = extract_metadata(normalize(doc, load_vocabulary(book)).text, HeaderData.from_rulebook(book))
    assert (m.place_code, m.place_name) == ("310117", "上海市松江区")
