"""Unit canonicalization (rules/unit_aliases.tsv) and unit typing (rules/unit_types.toml)."""
from pathlib import Path

import pytest

from pipeline.extract.govbodies import UNIT_TYPES, UnitLexicon, UnitName, load_aliases
from pipeline.extract.rules import RuleError
from pipeline.rulebook import default_book

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"


@pytest.fixture(scope="module")
def lex():
    return UnitLexicon.from_rulebook(default_book())


# ---------------------------------------------------------------- canonical names

@pytest.mark.parametrize("written, canonical", [
    # one local alias row serves every level and every named place
    ("区发改委", "区发展改革委"),
    ("市发改委", "市发展改革委"),
    ("省发改委", "省发展改革委"),
    ("区发展和改革委员会", "区发展改革委"),
    ("区人社局", "区人力资源社会保障局"),
    ("市人力资源和社会保障局", "市人力资源社会保障局"),
    ("上海市松江区人社局", "上海市松江区人力资源社会保障局"),
    ("省人社厅", "省人力资源社会保障厅"),
    ("市经信委", "市经济信息化委"),
    ("上海市经济和信息化委员会", "上海市经济信息化委"),
    ("广东省工信厅", "广东省工业和信息化厅"),
    ("县发改局", "县发展改革局"),
    ("区建管委", "区建设管理委"),
    ("区投促中心", "区投资促进中心"),
    ("区卫健委", "区卫生健康委"),
    ("区人民政府", "区政府"),
    ("浦东新区经委", "浦东新区经委"),
    ("广州市人社局", "广州市人力资源社会保障局"),       # 广州 holds a level word (州)
    ("镇江市发改委", "镇江市发展改革委"),
    ("杭州市萧山区人社局", "杭州市萧山区人力资源社会保障局"),
    ("新疆维吾尔自治区发改委", "新疆维吾尔自治区发展改革委"),
    # former names → the body that took the function over
    ("区规土局", "区规划资源局"),
    ("市环保局", "市生态环境局"),
    ("区工商局", "区市场监管局"),
    ("市卫计委", "市卫生健康委"),
    # a level word that opens an ordinary word is not a prefix
    ("区市场监管局", "区市场监管局"),
    ("市市场监管局", "市市场监管局"),
    ("上海市绿化和市容管理局", "上海市绿化市容局"),
    # national names, in any document
    ("工信部", "工业和信息化部"),
    ("人社部", "人力资源社会保障部"),
    ("国家发改委", "国家发展改革委"),
    ("中国人民银行", "人民银行"),
    ("银保监会", "金融监管总局"),
    ("国家税务总局", "税务总局"),
    ("环保部", "生态环境部"),
    ("中共中央宣传部", "中央宣传部"),
    # CPC prefix of a local party body dropped; sub-units canonicalized under the main prefix
    ("中共上海市委组织部", "上海市委组织部"),
    ("区发展改革委<金融服务办>", "区发展改革委<区金融办>"),
    ("区发展改革委 <金融服务办>", "区发展改革委<区金融办>"),
    ("市政府办公厅（市政府研究室）", "市政府办公厅（市政府研究室）"),
    # names of other kinds stay as written
    ("上海交大", "上海交通大学"),
    ("南滨江公司", "南滨江公司"),
    ("各有关部门和单位", "各有关部门和单位"),
    ("区科创发展办", "区科创发展办"),
    # provincial, city and county short forms of other regions; former names → the body now
    ("市编办", "市委编办"), ("省网信办", "省委网信办"), ("市资规局", "市自然资源和规划局"),
    ("市规自委", "市规划自然资源委"), ("市文广旅局", "市文化广电旅游局"), ("市城管委", "市城市管理委"),
    ("市政数局", "市政务服务数据管理局"), ("县审批局", "县行政审批局"), ("省粮储局", "省粮食和物资储备局"),
    ("省金融局", "省地方金融监管局"), ("市投促局", "市投资促进局"), ("市法制办", "市司法局"),
    ("市公积金中心", "市住房公积金管理中心"), ("省国土资源厅", "省自然资源厅"), ("省工商局", "省市场监管局"),
    # national short forms of State Council documents, in any document
    ("国管局", "国家机关事务管理局"), ("国研中心", "国务院发展研究中心"), ("国家海洋局", "自然资源部"),
    ("工信部", "工业和信息化部"), ("人社部", "人力资源社会保障部"), ("住建部", "住房城乡建设部"),
    # counterexamples: a party body already written in full is not doubled, a district keeps its level
    ("市委编办", "市委编办"), ("区委网信办", "区委网信办"),
])
def test_canonical(lex, written, canonical):
    assert lex.canonical(written) == canonical


@pytest.mark.parametrize("bare, national", [
    ("发展改革委", "国家发展改革委"),
    ("统计局", "国家统计局"),
    ("国资委", "国务院国资委"),
    ("网信办", "中央网信办"),
    ("气象局", "中国气象局"),
    ("台办", "国务院台办"),
    ("民航局", "中国民航局"),
])
def test_bare_names_are_national_only_in_a_national_document(lex, bare, national):
    assert lex.canonical(bare, national=True) == national
    assert lex.canonical(bare) != national
    assert lex.unit_type(lex.canonical(bare, national=True)) == "ministry"


def test_local_alias_without_prefix_in_a_local_document(lex):
    assert lex.canonical("人社局") == "人力资源社会保障局"
    assert lex.canonical("市场监督管理局") == "市场监管局"


@pytest.mark.parametrize("name, prefix, core", [
    ("上海市松江区经委", "上海市松江区", "经委"),
    ("区市场监管局", "区", "市场监管局"),
    ("市场监管局", "", "市场监管局"),
    ("市委组织部", "市", "委组织部"),
    ("浦东新区经委", "浦东新区", "经委"),
    ("区科创发展办", "区", "科创发展办"),
    ("各区", "", "各区"),
    ("县级市", "", "县级市"),
])
def test_split_prefix(lex, name, prefix, core):
    assert lex.split_prefix(name) == (prefix, core)


# ---------------------------------------------------------------- types

@pytest.mark.parametrize("name, unit_type", [
    ("工业和信息化部", "ministry"), ("国家发展改革委", "ministry"), ("人力资源社会保障部", "ministry"),
    ("市场监管总局", "ministry"), ("税务总局", "ministry"), ("海关总署", "ministry"),
    ("国务院国资委", "ministry"), ("国务院办公厅", "ministry"), ("人民银行", "ministry"),
    ("中国科学院", "ministry"), ("住房城乡建设部", "ministry"), ("中央网信办", "ministry"),
    ("市发展改革委", "municipal_bureau"), ("市经济信息化委", "municipal_bureau"),
    ("市委组织部", "municipal_bureau"), ("上海市科委", "municipal_bureau"),
    ("省工业和信息化厅", "municipal_bureau"), ("广东省科技厅", "municipal_bureau"),
    ("自治区商务厅", "municipal_bureau"), ("市长三角区域合作办", "municipal_bureau"),
    ("广州市", "municipal_bureau"), ("杭州市萧山区人力资源社会保障局", "district_bureau"),
    ("区经委", "district_bureau"), ("区市场监管局", "district_bureau"), ("区投资促进中心", "district_bureau"),
    ("松江区经委", "district_bureau"), ("县发展改革局", "district_bureau"), ("区委宣传部", "district_bureau"),
    ("区政府", "district_bureau"), ("区外办", "district_bureau"),
    ("各街镇", "town_street"), ("相关街镇", "town_street"), ("泗泾镇", "town_street"),
    ("中山街道", "town_street"), ("各乡镇人民政府", "town_street"),
    ("各园区", "park"), ("莘庄工业区", "park"), ("紫竹高新区", "park"), ("漕河泾开发区", "park"),
    ("临港新片区管委会", "park"), ("张江科学城", "park"),
    ("南滨江公司", "enterprise"), ("马桥试验区公司", "enterprise"), ("上海电气集团", "enterprise"),
    ("国家开发银行", "enterprise"),
    ("上海交大", "university"), ("华东师范大学", "university"), ("上海工程技术大学", "university"),
    ("各有关部门", "collective"), ("相关部门", "collective"), ("各区", "collective"),
    ("各省级人民政府", "collective"), ("县级市", "collective"), ("区相关部门", "collective"),
    ("中央和国家机关有关部门", "collective"), ("各县（市、区）", "collective"),
    ("上海市集成电路行业协会", "other"), ("企业", "other"),
])
def test_unit_type(lex, name, unit_type):
    assert lex.unit_type(name) == unit_type


def test_sub_unit_takes_the_main_units_type(lex):
    assert lex.unit_type("区发展改革委<金融服务办>") == "district_bureau"
    assert UnitName.parse("区发展改革委 <金融服务办>") == UnitName("区发展改革委", "金融服务办", "<", ">")


def test_every_alias_table_entry_is_consistent_with_the_type_rules(lex):
    """National canonicals type as ministries; a local core under any prefix keeps the prefix's level."""
    for scope in ("national", "bare"):
        for alias, canonical in lex.aliases[scope].items():
            assert lex.unit_type(canonical) == "ministry", (scope, alias, canonical)
    for alias, canonical in lex.aliases["any"].items():
        assert lex.unit_type(canonical) != "other", alias
    levels = {"区": "district_bureau", "县": "district_bureau", "上海市松江区": "district_bureau",
              "市": "municipal_bureau", "省": "municipal_bureau", "上海市": "municipal_bureau"}
    for alias, canonical in lex.aliases["local"].items():
        for prefix, unit_type in levels.items():
            assert lex.canonical(prefix + alias) == prefix + canonical, (prefix, alias)
            assert lex.unit_type(prefix + canonical) == unit_type, (prefix, canonical)


def test_org_like(lex):
    assert lex.is_org_like("区经委")
    assert lex.is_org_like("上海市集成电路行业协会")
    assert lex.is_org_like("复旦")            # known alias
    assert not lex.is_org_like("企业")
    assert not lex.is_org_like("主要负责人")


def test_types_are_the_schema_enum(lex):
    assert {r.attrs["type"] for r in lex.type_rules} == set(UNIT_TYPES) - {"other"}


# ---------------------------------------------------------------- the alias file

def _tsv(tmp_path, body):
    path = tmp_path / "unit_aliases.tsv"
    path.write_text("# comment\nalias\tcanonical\tscope\tkind\n" + body, encoding="utf-8")
    return path


def test_alias_file_loads_scopes(tmp_path):
    tables = load_aliases(_tsv(tmp_path, "发改委\t发展改革委\tlocal\tabbr\n工信部\t工业和信息化部\tnational\n"))
    assert tables["local"] == {"发改委": "发展改革委"}
    assert tables["national"] == {"工信部": "工业和信息化部"}


@pytest.mark.parametrize("body, reason", [
    ("发改委\t发展改革委\tcity\n", "unknown scope 'city'"),
    ("发改委\t发展改革委\tlocal\tshort\n", "unknown kind 'short'"),
    ("发改委\t发展改革委\n", "needs at least alias, canonical, scope"),
    ("发改委\t发展改革委\tlocal\n发改委\t发展委\tlocal\n", "maps to both"),
])
def test_alias_file_defects_name_the_line(tmp_path, body, reason):
    with pytest.raises(RuleError) as info:
        load_aliases(_tsv(tmp_path, body))
    assert reason in str(info.value)
    assert "line " in str(info.value)


def test_alias_file_needs_its_header(tmp_path):
    path = tmp_path / "unit_aliases.tsv"
    path.write_text("发改委\t发展改革委\tlocal\n", encoding="utf-8")
    with pytest.raises(RuleError, match="header"):
        load_aliases(path)
