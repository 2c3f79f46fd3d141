"""Entities extractor on text written for these tests, in the styles of other documents
(State Council, provincial plans, other cities, government work reports). Many names
below are invented and in no gazetteer: they test recognition, not memory."""
from __future__ import annotations

from pathlib import Path

import jieba
import pytest
import spacy

from pipeline.extract import Extractors
from pipeline.extract.entities import EntityExtractor
from pipeline.extract.entity_nlp import COMPONENT, SPANS_KEY, JiebaTokenizer
from pipeline.extract.orgs import Gazetteer
from pipeline.extract.rules import RuleError
from pipeline.rulebook import default_book
from pipeline.stages.outline import OutlineLabels, parse_outline
from pipeline.stages.segment import split_sentences
from pipeline.tables.rows import Document, DocumentMeta

ROOT = Path(__file__).resolve().parent.parent
RULES_DIR = ROOT / "rules"


def make_doc(text: str, doc_id: str = "t1") -> Document:
    return Document(doc_id=doc_id, source_path=f"{doc_id}.txt", source_format="txt", encoding="utf-8",
                    script="simplified", text=text, meta=DocumentMeta(),
                    sections=parse_outline(text, OutlineLabels.from_rulebook(default_book())), sentences=split_sentences(text))


@pytest.fixture(scope="module")
def extractor() -> EntityExtractor:
    return EntityExtractor.from_rulebook(default_book())


@pytest.fixture(scope="module")
def extractors() -> Extractors:
    return Extractors.from_rulebook(default_book())


def found(extractor, text):
    return {m.text: m for m in extractor.mentions(text)}


def enterprises(rows):
    return {r.text for r in rows if r.type == "enterprise"}


# ---------------------------------------------------------------- enumerations

def test_enumeration_of_unseen_names_with_role(extractor):
    text = "培育壮大凯胜智控、瑞鑫新材、恒远精工等一批专精特新“小巨人”企业。"
    ms = found(extractor, text)
    assert set(ms) == {"凯胜智控", "瑞鑫新材", "恒远精工"}
    assert all(m.type == "enterprise" and m.role == "专精特新小巨人" and not m.embedded for m in ms.values())
    assert ms["凯胜智控"].method == "pattern"


def test_enumeration_with_deepen_cooperation_and_head_role(extractor):
    ms = found(extractor, "深化与中国商飞、腾讯等头部企业合作，共建产业生态。")
    assert set(ms) == {"中国商飞", "腾讯"}
    assert {m.role for m in ms.values()} == {"头部企业"}


def test_enumeration_lead_subject_and_yituo_context(extractor):
    ms = found(extractor, "提升博越智造、天衡动力等龙头主体能级。")
    assert set(ms) == {"博越智造", "天衡动力"} and {m.role for m in ms.values()} == {"龙头企业"}
    ms = found(extractor, "以汽车、电子电器等行业龙头企业为依托，构建绿色供应链。")
    assert ms == {}          # industries, not names


def test_type_propagates_to_siblings_of_a_known_company(extractor):
    # 盛泰精机 has no industry ending, but its siblings make it a company
    ms = found(extractor, "推动中联重科、盛泰精机、山河智能等工程机械企业智能化改造。")
    assert {"中联重科", "盛泰精机", "山河智能"} <= set(ms)
    assert ms["盛泰精机"].type == "enterprise"


def test_list_of_rare_names_without_role_or_ending(extractor):
    # government work report style: no industry ending, no role, names unknown to every list
    ms = found(extractor, "推动整车企业加快智能化转型，支持华峰智联、渝新精工等配套企业做大做强。")
    assert set(ms) == {"华峰智联", "渝新精工"} and {m.type for m in ms.values()} == {"enterprise"}
    assert found(extractor, "鼓励银行、保险、证券等金融企业创新产品和服务。") == {}


def test_role_is_the_target_role_after_the_list(extractor):
    ms = found(extractor, "支持锐思电子、华擎重工等重点企业打造为生态主导型链主企业。")
    assert {m.role for m in ms.values()} == {"链主企业"}
    ms = found(extractor, "支持云启智能、深蓝星航等独角兽企业在科创板上市。")
    assert set(ms) == {"云启智能", "深蓝星航"} and {m.role for m in ms.values()} == {"独角兽企业"}


def test_categories_are_not_names(extractor):
    for text in ("鼓励国资、外资、民营等各类企业加大投资。",
                 "引进培育新能源汽车、智能网联汽车等领域企业。",
                 "加快形成独角兽、瞪羚等高成长性企业集群。",
                 "充分激发企业、高校、科研院所等创新主体活力。"):
        assert [m for m in extractor.mentions(text) if m.type == "enterprise"] == [], text


# ---------------------------------------------------------------- morphology and boundaries

def test_morphology_left_boundary_drops_context_verbs(extractor):
    assert set(found(extractor, "推动华芯微电子建设12英寸生产线。")) == {"华芯微电子"}
    assert set(found(extractor, "支持苏州市瑞科医疗加快发展高端影像设备。")) == {"瑞科医疗"}


def test_legal_form_keeps_its_place(extractor):
    ms = found(extractor, "上海市凌峰科技有限公司牵头建设测试平台。")
    assert set(ms) == {"上海市凌峰科技有限公司"} and ms["上海市凌峰科技有限公司"].type == "enterprise"


def test_industry_phrases_are_not_companies(extractor):
    for text in ("发展汽车电子、工业机器人和医用机器人。", "大力发展集成电路、生物医药、人工智能等产业。",
                 "用“硬核科技”打造核心竞争力。", "对标世界顶尖跨国公司，提升全球竞争力。",
                 "鼓励大型制造企业设立财务公司。"):
        assert [m.text for m in extractor.mentions(text) if m.type == "enterprise"] == [], text


# ---------------------------------------------------------------- embedded names in platforms

def test_owner_of_a_platform_is_embedded(extractor):
    ms = found(extractor, "推进凯越集团中国研发中心、比亚迪中央研究院建设。")
    assert ms["凯越集团"].embedded and ms["凯越集团"].type == "enterprise"
    assert ms["比亚迪"].embedded and ms["比亚迪"].method == "gazetteer"
    assert "比亚迪中央" not in ms
    assert ms["凯越集团中国研发中心"].type == "platform" and not ms["凯越集团中国研发中心"].embedded


def test_a_region_after_an_owner_closes_its_name(extractor):
    ms = found(extractor, "招引岭澜禾西北创新基地等项目。")
    assert ms["岭澜禾"].type == "enterprise" and ms["岭澜禾"].embedded
    assert ms["岭澜禾西北创新基地"].type == "park" and "岭澜禾西北" not in ms


def test_topic_before_an_institute_is_not_an_owner(extractor):
    ms = found(extractor, "推进宝武碳中和研究院、凯越集团研发中心建设。")
    assert ms["宝武"].embedded and ms["宝武"].canonical == "中国宝武" and "宝武碳中和" not in ms
    assert ms["凯越集团"].embedded                       # a legal form right before the suffix is an owner
    assert "碳中和" not in found(extractor, "建设碳中和研究院。")


def test_partners_joined_by_a_dash(extractor):
    ms = found(extractor, "支持星驰科技-博睿医疗联合实验室建设。")
    assert ms["星驰科技"].embedded and ms["博睿医疗"].embedded
    assert {ms["星驰科技"].type, ms["博睿医疗"].type} == {"enterprise"}


def test_operator_before_a_park_name(extractor):
    ms = found(extractor, "推动联想集团临港创新产业园、华鼎张江孵化器加快建设。")
    assert ms["华鼎"].embedded and ms["华鼎"].type == "enterprise"          # unseen operator before 张江
    assert ms["联想集团"].embedded and ms["联想集团临港创新产业园"].type == "park"
    assert ms["华鼎张江孵化器"].type == "platform"
    # a common word before a park is not an operator (联想 alone means "to associate")
    assert "联想" not in found(extractor, "推动联想临港创新产业园建设。")


def test_university_institute_is_research_not_company(extractor):
    ms = found(extractor, "重点支持上海交大智能制造研究院、复旦未来医学研究院建设。")
    assert ms["上海交大"].type == "university" and ms["上海交大"].canonical == "上海交通大学"
    assert ms["上海交大智能制造研究院"].type == "research"
    assert not [m for m in ms.values() if m.type == "enterprise"]


def test_field_words_before_a_centre_are_not_owners(extractor):
    for text in ("建设技术创新中心、产业创新中心和制造业创新中心。", "新增2个国家级创新平台。",
                 "形成上海集成电路设计产业园等特色园区。"):
        assert [m.text for m in extractor.mentions(text) if m.type == "enterprise"] == [], text


# ---------------------------------------------------------------- typing, canonical names

def test_canonical_from_gazetteer_aliases(extractor):
    assert found(extractor, "引进华为技术有限公司区域总部。")["华为技术有限公司"].canonical == "华为"
    assert found(extractor, "深化与阿里巴巴集团合作。")["阿里巴巴集团"].canonical == "阿里巴巴"


def test_parks_and_places_are_not_companies(extractor):
    ms = found(extractor, "推进张江科学城、紫竹高新区建设，支持滨江新城发展。")
    assert not [m for m in ms.values() if m.type == "enterprise"]
    assert ms["紫竹"].type == "park"


def test_gazetteer_names_only_at_word_boundaries(extractor):
    # 中航 inside 其中航空, 中建 inside 集中建设: not companies
    assert [m.text for m in extractor.mentions("其中航空产业集中建设了一批项目。")
            if m.type == "enterprise"] == []


def test_government_only_paragraph_has_no_enterprise(extractors):
    text = ("（二）加强组织领导\n市经济信息化委、市发展改革委、市科委要按照职责分工，加强统筹协调。"
            "各区人民政府要落实属地责任，区财政局、区人力资源社会保障局做好资金和人才保障。"
            "（责任单位：省工业和信息化厅、省科技厅、省财政厅）\n")
    doc = make_doc(text)
    ex = extractors(doc)
    assert enterprises(ex.entities) == set()
    govs = {r.canonical for r in ex.entities if r.type == "government"}
    assert "省工业和信息化厅" in govs or "省工业和信息化厅" in {r.text for r in ex.entities}


def test_university_research_only_paragraph_has_no_enterprise(extractors):
    text = ("发挥复旦大学、同济大学、华东师大和中科院上海分院等高校院所作用，建设上海交通大学智能制造研究院、"
            "中国工程物理研究院军民融合创新中心和国家光伏检测重点实验室，支持高校院所联合攻关。\n")
    ex = extractors(make_doc(text))
    assert enterprises(ex.entities) == set()
    assert "华东师大" in {r.text for r in ex.entities if r.type == "university"}


def test_responsibility_units_are_typed_with_the_unit_lexicon(extractors):
    text = "推进滨湖片区开发建设。（责任单位：区发改委、区建管委、城投公司、滨湖开发公司）\n"
    ex = extractors(make_doc(text))
    rows = {r.text: r for r in ex.entities}
    assert rows["城投公司"].type == "enterprise" and rows["城投公司"].context_role == "责任单位"
    assert rows["滨湖开发公司"].type == "enterprise"
    assert rows["区发改委"].type == "government" and rows["区发改委"].canonical == "区发展改革委"


def test_rows_have_document_offsets_and_ids(extractor):
    text = "一、总体要求\n支持海澜之家、波司登等服装品牌企业做强做优。\n"
    rows = extractor(make_doc(text))
    row = next(r for r in rows if r.text == "海澜之家")
    assert text[row.char_start:row.char_end] == "海澜之家"
    assert row.mention_id == f"t1-E{row.char_start}-{row.char_end}"
    assert row.sentence == "支持海澜之家、波司登等服装品牌企业做强做优。"
    assert row.method == "pattern"


def test_non_candidate_sentences_are_not_segmented(extractor):
    rec = extractor.recognizer
    assert not rec.is_candidate("到2025年，规模以上工业总产值达到1000亿元")
    assert rec.is_candidate("深化与腾讯合作")          # a gazetteer name alone is enough
    assert rec.is_candidate("支持锐思电子发展")


# ---------------------------------------------------------------- spaCy pipeline

def test_pipeline_is_blank_zh_with_registered_parts(extractor):
    nlp = extractor.nlp
    assert nlp.lang == "zh" and nlp.pipe_names == [COMPONENT]
    assert isinstance(nlp.tokenizer, JiebaTokenizer)
    assert nlp.config["nlp"]["tokenizer"]["@tokenizers"] == "policy.jieba_tokenizer.v1"
    doc = nlp("支持宁德时代未来能源研究院建设")
    assert "宁德时代" in [t.text for t in doc]             # user dictionary keeps the name whole
    assert [s.label_ for s in doc.spans[SPANS_KEY]] == ["platform"]


def test_tokenizer_does_not_touch_jiebas_global_dictionary(extractor):
    extractor.nlp("深化与宁德时代合作")
    assert "西贝筱面村" not in jieba.dt.FREQ or jieba.dt.FREQ.get("西贝筱面村") is None
    assert extractor.nlp.tokenizer.segmenter is not jieba.dt


def test_to_disk_round_trip(extractor, tmp_path):
    text = "支持星驰科技-博睿医疗联合实验室、凯胜智控等企业发展；深化与中国商飞合作。"
    extractor.nlp.to_disk(tmp_path / "nlp")
    loaded = spacy.load(tmp_path / "nlp")
    assert loaded.pipe_names == [COMPONENT]
    assert loaded(text)._.org_mentions == extractor.nlp(text)._.org_mentions
    assert loaded.tokenizer.user_words == extractor.nlp.tokenizer.user_words


# ---------------------------------------------------------------- gazetteers and exclusion

def test_exclusion_removes_names_and_aliases_without_touching_files(tmp_path):
    before = (RULES_DIR / "gazetteers" / "enterprises.tsv").read_bytes()
    ex = EntityExtractor.from_rulebook(default_book(), exclude={"华为"})
    assert ex.recognizer.gazetteer.get("华为") is None
    assert ex.recognizer.gazetteer.get("华为技术有限公司") is None     # aliases of the canonical go too
    assert "华为" not in ex.nlp.tokenizer.user_words
    ms = {m.text: m for m in ex.mentions("重点支持华为5G创新中心建设")}
    assert ms["华为"].embedded and ms["华为"].method == "pattern"     # found by form, not memory
    assert (RULES_DIR / "gazetteers" / "enterprises.tsv").read_bytes() == before


def test_gazetteer_format_errors_name_the_line(tmp_path):
    (tmp_path / "x.tsv").write_text("name\tcanonical\ttype\n甲公司\t甲公司\tcompany\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"line 2.*unknown type"):
        Gazetteer.load(tmp_path)
    (tmp_path / "x.tsv").write_text("名称\t规范名\n", encoding="utf-8")
    with pytest.raises(RuleError, match="header"):
        Gazetteer.load(tmp_path)


def test_gazetteer_has_a_few_hundred_companies():
    gaz = Gazetteer.load(RULES_DIR / "gazetteers")
    canon = {e.canonical for e in gaz.entries.values() if e.type == "enterprise"}
    assert len(canon) >= 250


def test_fast_path_gives_the_same_mentions_as_the_spacy_pipeline(extractor):
    text = ("一、重点任务\n支持凯胜智控、中国商飞等龙头企业发展，推动华芯微电子建设12英寸生产线。"
            "重点支持华为5G创新中心、博睿医疗中国研发中心建设。\n")
    doc = make_doc(text)
    rows = {(r.char_start, r.char_end, r.type, r.embedded) for r in extractor(doc)}
    via_nlp = set()
    for s in doc.sentences:
        for m in extractor.nlp(s.text)._.org_mentions:
            via_nlp.add((s.start + m.start, s.start + m.end, m.type, m.embedded))
    assert rows == via_nlp and len(rows) >= 7


# ---------------------------------------------------------------- full legal names, branches, partners
# Company names below are invented (or real but absent from every gazetteer) unless a comment says
# otherwise: the recognizer must read them by form and context.

def mention_rows(extractor, text):
    """Rows of a one-paragraph document, checked against the text: {name: row}."""
    rows = extractor(make_doc(text))
    for r in rows:
        assert text[r.char_start:r.char_end] == r.text
    return {r.text: r for r in rows}


def test_provincial_plan_lists_legal_names_after_qiye_baokuo(extractor):
    text = ("（三）壮大优势企业。重点企业包括：赣江铜材股份有限公司、晶辉能源股份有限公司、"
            "洪岭汽车集团有限公司、瑞岚航空工业集团有限责任公司等，支持其开展兼并重组。\n")
    rows = mention_rows(extractor, text)
    names = ["赣江铜材股份有限公司", "晶辉能源股份有限公司", "洪岭汽车集团有限公司", "瑞岚航空工业集团有限责任公司"]
    assert enterprises(rows.values()) == set(names)
    for name in names:
        r = rows[name]
        assert r.type == "enterprise" and not r.embedded and r.canonical == name and r.method == "pattern"
        assert r.char_start == text.index(name) and r.char_end == r.char_start + len(name)


def test_legal_names_after_ru_and_yituo_keep_a_clean_left_edge(extractor):
    ms = found(extractor, "培育一批骨干企业，如南岭矿机集团股份有限公司、赣联光电科技股份有限公司等。")
    assert enterprises(ms.values()) == {"南岭矿机集团股份有限公司", "赣联光电科技股份有限公司"}
    ms = found(extractor, "依托博新精工科技有限公司建设省级工业设计中心。")
    assert enterprises(ms.values()) == {"博新精工科技有限公司"}
    ms = found(extractor, "鼓励省属国有企业赣西铜业股份有限公司牵头组建创新联合体。")
    assert enterprises(ms.values()) == {"赣西铜业股份有限公司"}       # 省属国有企业 is context
    ms = found(extractor, "支持江西有色金属集团有限公司和山东如意科技集团有限公司合作。")
    # 有 and 如 inside a word (有色, 如意) are not the context words 有 / 如
    assert enterprises(ms.values()) == {"江西有色金属集团有限公司", "山东如意科技集团有限公司"}
    ms = found(extractor, "由江西省建设集团有限公司牵头，中国建设银行股份有限公司提供融资。")
    # 建设 is a context word, but a place (or a known company) before it makes it part of the name
    assert enterprises(ms.values()) == {"江西省建设集团有限公司", "中国建设银行股份有限公司"}


def test_region_bracket_is_inside_the_legal_name(extractor):
    text = "引进凯德软件（中国）有限公司、瑞思通讯(江西)有限公司设立区域总部。"
    ms = found(extractor, text)
    assert enterprises(ms.values()) == {"凯德软件（中国）有限公司", "瑞思通讯(江西)有限公司"}
    m = ms["凯德软件（中国）有限公司"]
    assert text[m.start:m.end] == m.text and not m.embedded
    # a list label in brackets is not a region
    assert "（一）有限公司" not in found(extractor, "（一）有限公司治理。")


def test_bare_legal_forms_and_quantities_are_not_names(extractor):
    for text in ("支持符合条件的企业改制为股份有限公司，规范有限责任公司治理结构。",
                 "到2025年，培育10家股份有限公司，新增上市公司5家。",
                 "全省规模以上工业企业中有限责任公司占比达到60%。"):
        assert [m.text for m in extractor.mentions(text) if m.type == "enterprise"] == [], text


def test_city_plan_with_branch_companies(extractor):
    # 中国电信 / 中国移动 / 中国联通 are in the gazetteer; the branches and 赣能集团 are not
    text = ("推进新型基础设施建设。深化与中国电信江西公司、中国移动江西公司、国网江西省电力有限公司战略合作，"
            "支持中国联通赣州分公司、赣能集团南昌公司加快5G基站建设。\n")
    rows = mention_rows(extractor, text)
    expect = {"中国电信江西公司": "中国电信", "中国移动江西公司": "中国移动", "国网江西省电力有限公司": "国家电网",
              "中国联通赣州分公司": "中国联通", "赣能集团南昌公司": None}     # an unknown group: its own name
    assert enterprises(rows.values()) == set(expect)          # the group alone is not emitted
    for name, canonical in expect.items():
        assert rows[name].type == "enterprise" and not rows[name].embedded
        assert rows[name].canonical == (canonical or name)


def test_known_group_with_a_product_line_and_an_unknown_sibling(extractor):
    text = "推动腾讯云、树根互联、浪潮云等平台企业为中小企业提供数字化转型服务。"
    ms = found(extractor, text)
    assert enterprises(ms.values()) == {"腾讯云", "树根互联", "浪潮云"}     # not 腾讯
    assert ms["腾讯云"].canonical == "腾讯"
    assert all(text[m.start:m.end] == m.text for m in ms.values())


def test_list_type_goes_only_to_members_shaped_like_companies(extractor):
    ms = found(extractor, "重点企业包括：华勤智联、树根互联、赣南精工、南昌市工信局、省级平台等。")
    assert enterprises(ms.values()) == {"华勤智联", "树根互联", "赣南精工"}
    assert ms["南昌市工信局"].type == "government"
    assert "省级平台" not in ms
    ms = found(extractor, "龙头企业有：瑞驰云、树根互联、晶辉能源股份有限公司。")
    assert enterprises(ms.values()) == {"瑞驰云", "树根互联", "晶辉能源股份有限公司"}
    assert {m.role for m in ms.values()} == {"龙头企业"}


def test_company_before_yu_university_gongjian(extractor):
    ms = found(extractor, "支持恒睿智造与南昌大学共建联合实验室，鼓励树根互联和华中科技大学合作开展攻关。")
    assert {"恒睿智造", "树根互联"} <= enterprises(ms.values())
    assert not ms["恒睿智造"].embedded and ms["恒睿智造"].rule_id == "ent.partner"


def test_partner_rule_refuses_places_bodies_and_categories(extractor):
    for text in ("推动南昌市与清华大学共建创新研究院。", "支持省科学院与南昌大学共建重点实验室。",
                 "引导中小企业与南昌大学、江西财经大学等高校共建研发平台。", "加强与南昌大学的合作。",
                 "支持省科技厅与南昌大学共建科技成果转化中心。", "支持行业协会与南昌大学合作开展培训。",
                 "深化产学研与南昌大学共建平台。"):
        assert [m.text for m in extractor.mentions(text) if m.type == "enterprise"] == [], text


def test_time_expressions_verbs_and_quantities_do_not_open_a_platform_name(extractor):
    for text in ("到2025年新增省级以上创新平台30个。", "2023年前建设省级制造业创新中心3个。",
                 "新增10家省级创新平台。", "三个创新中心和两个重点实验室。"):
        assert extractor.mentions(text) == [], text


def test_state_council_paragraph_has_no_enterprise(extractors):
    text = ("四、保障措施\n国务院有关部门要加强统筹协调。国家发展改革委、工业和信息化部、财政部、科技部按职责分工负责，"
            "到2025年，新增国家级创新平台20个，2023年前完成试点评估。各省、自治区、直辖市人民政府要结合实际制定实施方案，"
            "支持清华大学、北京大学与地方共建研究院。\n")
    ex = extractors(make_doc(text))
    assert enterprises(ex.entities) == set()
    assert not [r for r in ex.entities if r.text.startswith(("到", "新增", "2023"))]


def test_universities_and_time_expressions_yield_no_enterprise(extractor):
    text = "支持南昌大学、江西财经大学、华东交通大学与中国科学院共建联合实验室，到2027年建成省级重点实验室10个。"
    assert [m.text for m in extractor.mentions(text) if m.type == "enterprise"] == []


def test_legal_names_found_with_the_group_excluded_from_the_gazetteer():
    ex = EntityExtractor.from_rulebook(default_book(), exclude={"晶科能源"})
    ms = {m.text: m for m in ex.mentions("重点企业包括：晶科能源股份有限公司、赣江铜材股份有限公司等。")}
    assert enterprises(ms.values()) == {"晶科能源股份有限公司", "赣江铜材股份有限公司"}
    assert ms["晶科能源股份有限公司"].method == "pattern"


def test_local_state_groups_named_by_city_and_field(extractor):
    # a work report's 国企改革 sentence: city + field + 集团, none of them in a gazetteer
    ms = found(extractor, "深化国资国企改革，推动株洲城投集团、株洲产业发展集团完成市场化转型。")
    assert {(t, m.type, m.embedded) for t, m in ms.items()} == {
        ("株洲城投集团", "enterprise", False), ("株洲产业发展集团", "enterprise", False)}
    # a field word alone before 集团 is no name
    assert found(extractor, "推动产业发展集团完成市场化转型。") == {}


def test_second_platform_after_and_and_city_brain_platforms(extractor):
    # the second platform after 和 is a platform of its own, so its owner is embedded, not a bare mention
    ms = found(extractor, "加快建设恒瑞—临江大学联合实验室和药明康德临江研发中心，推动阿里云滨海工业大脑建设。")
    assert {(t, m.type, m.embedded) for t, m in ms.items()} == {
        ("恒瑞", "enterprise", True), ("恒瑞—临江大学联合实验室", "platform", False),
        ("药明康德", "enterprise", True), ("药明康德临江研发中心", "platform", False),
        ("阿里云", "enterprise", True), ("阿里云滨海工业大脑", "platform", False)}


def test_partner_company_before_cooperation_and_no_owner_from_a_field_word(extractor):
    ms = found(extractor, "支持县文旅企业与华住集团合作建设品牌酒店，与中国科学技术大学共建澄州先进技术研究院。")
    assert ("华住集团", "enterprise", False) in {(t, m.type, m.embedded) for t, m in ms.items()}
    # 澄州 + 先进 is a place and a field word: the institute has no company inside it
    assert not [t for t, m in ms.items() if m.type == "enterprise" and t != "华住集团"]


def test_a_legal_name_after_qizhong_starts_after_it(extractor):
    ms = found(extractor, "培育龙头企业5家，其中青禾丰源米业有限公司建设加工项目。")
    assert {(t, m.type) for t, m in ms.items()} == {("青禾丰源米业有限公司", "enterprise")}


def test_a_list_after_qizhong_starts_after_it(extractor):
    ms = found(extractor, "全县共有龙头企业23家，其中青禾丰源米业有限公司、温氏食品集团股份有限公司等2家为国家级。")
    assert {t for t, m in ms.items() if m.type == "enterprise"} == {"青禾丰源米业有限公司", "温氏食品集团股份有限公司"}


# ---------------------------------------------------------------- business endings, context words, short names
# (issue 12: forms of real work reports and bulletins; names invented unless they are public bodies)

def ents(extractor, text):
    return {m.text: m for m in extractor.mentions(text) if m.type == "enterprise"}


def test_place_named_bank_plant_and_hotel(extractor):
    assert set(ents(extractor, "赣州农村商业银行顺利挂牌，驻市金融机构达到30家。")) == {"赣州农村商业银行"}
    assert set(ents(extractor, "，东赣州发电厂2×35万千瓦热电联产项目开工")) == {"东赣州发电厂"}
    assert set(ents(extractor, "县邮政公司完成改制。")) == {"县邮政公司"}
    # the central bank and an international bank are no companies
    ms = found(extractor, "人民银行赣州中心支行牵头，全面对照世界银行营商环境评价体系。")
    assert ms["世界银行"].type == "other"
    assert extractor.recognizer.type_of("中国人民银行赣州分行") == "government"
    assert ents(extractor, "，中国人民银行加大再贷款支持。") == {}
    assert ents(extractor, "人民银行赣州中心支行牵头，全面对照世界银行营商环境评价体系。") == {}


def test_leading_context_words_and_conjunctions_are_cut(extractor):
    assert set(ents(extractor, "，关停鸣泉公司3万吨造纸生产线。")) == {"鸣泉公司"}
    assert set(ents(extractor, "相继关停岭西水泥有限公司日产500吨熟料生产线。")) == {"岭西水泥有限公司"}
    assert "双泉公司" in ents(extractor, "，岭丰和双泉公司实现供热管网互联互通。")
    assert "岭丰和双泉公司" not in ents(extractor, "，岭丰和双泉公司实现供热管网互联互通。")
    # a verb inside a registered name is not cut (山东 + 如意 + 科技 …)
    assert "山东如意科技集团有限公司" in ents(extractor, "支持山东如意科技集团有限公司扩大产能。")


def test_strong_endings_close_a_name_whatever_follows(extractor):
    ms = ents(extractor, "包兴银行培训中心、赣州大饭店等酒店主体完工。")
    assert set(ms) == {"包兴银行", "赣州大饭店"} and ms["包兴银行"].embedded and not ms["赣州大饭店"].embedded
    assert set(ents(extractor, "大兴安岭森工集团棚户区改造项目一期达到入住条件。")) == {"大兴安岭森工集团"}


def test_lists_typed_by_their_members_endings_or_a_hotel_head(extractor):
    assert set(ents(extractor, "，主城区恒达牧业机械、坚石水泥、旺达锅炉等企业退城入园。")) == \
        {"恒达牧业机械", "坚石水泥", "旺达锅炉"}
    assert set(ents(extractor, "加快云裳天阁、嘉世豪等酒店星级创评工作。")) == {"云裳天阁", "嘉世豪"}
    assert set(ents(extractor, "成功引进了岭丰、赣能新能源等一批知名工业企业。")) == {"岭丰", "赣能新能源"}
    # categories closed by 等企业 stay categories
    assert ents(extractor, "支持国有、民营、外资等各类企业公平竞争。") == {}


def test_company_heading_a_project_by_its_capacity(extractor):
    assert set(ents(extractor, "，岭丰200万吨褐煤提质项目主体完工。")) == {"岭丰"}
    assert ents(extractor, "，全市新增产能200万吨，项目全部开工。") == {}


def test_phrases_and_places_are_no_companies(extractor):
    for text in ("关停城区所有燃煤电厂。", "加快建设大湾区国际科技创新中心。", "争取更多全国重点实验室在粤布局。",
                 "依托江州经济技术开发区食品产业园培育龙头企业。", "科创板公司5家，北交所公司1家。",
                 "吸引更多头部跨国公司来粤投资。", "加快推动滨湖半岛、翠屏湖酒店、翠屏湖公园建设。"):
        assert ents(extractor, text) == {}, text


def test_short_names_hold_across_the_document(extractors):
    text = ("江岭钢铁（集团）有限公司（以下简称“江钢”）完成重组。\n"
            "支持江钢建设智能工厂。\n"
            "鸣泉公司二期扩建项目开工。\n"
            "鸣泉3万吨生产线投产。\n")
    rows = extractors(make_doc(text)).entities
    names = enterprises(rows)
    assert {"江岭钢铁（集团）有限公司", "江钢", "鸣泉公司", "鸣泉"} <= names
    jg = [r for r in rows if r.text == "江钢"]
    assert jg and all(r.type == "enterprise" and not r.embedded for r in jg)


# ---------------------------------------------------------------- project heads and counted lists

@pytest.mark.parametrize("text, names", [
    # a brand the dictionary does not know, before a phase, a work or a number
    ("，岭澜禾二期扩建、沃克森美核心装置、冷饮厂迁建等一批重大项目建成投产。", {"岭澜禾", "沃克森美"}),
    # before an industry word (ent.project.part), the single item closed by 项目 + progress
    ("，鑫岭禾低碳生态示范园项目进展顺利。", {"鑫岭禾"}),
    # a list closed by 等…项目 may name the company alone, or before a common noun
    ("推进澜迪禾等城市商贸综合体项目前期。", {"澜迪禾"}),
    ("确保葛澜屯面粉加工等项目开工建设。", {"葛澜屯"}),
    # a material before its process (煤 + 焦化, 铜 + 冶炼) is the work, not part of the brand
    ("，鸿岭澜煤焦化、沃禾铜冶炼等一批重大项目接续投产。", {"鸿岭澜", "沃禾"}),
    # a product or technology opens the description ([words.PRODUCT]): 碳化硅扩产, 先进封装, 聚乙醇酸
    ("抓好岭丰碳化硅扩产、沃澜禾先进封装、鸿岭澜聚乙醇酸等项目。", {"岭丰", "沃澜禾", "鸿岭澜"}),
    # the place of the works may follow the brand: 葛澜建 + 泰安 + 压缩空气
    ("抓好葛澜建泰安压缩空气、沃禾电化学等储能项目。", {"葛澜建", "沃禾"}),
    ("加快推进岭丰煤制油、沃澜禾煤制烯烃等项目建设。", {"岭丰", "沃澜禾"}),
])
def test_companies_heading_project_items(extractor, text, names):
    ms = {m.text: m for m in extractor.mentions(text) if m.type == "enterprise"}
    assert set(ms) == names
    assert all(m.rule_id == "ent.project.list" and not m.embedded for m in ms.values())


@pytest.mark.parametrize("text", [
    "加快济澜、潍禾等6个高铁项目建设。",               # lines named by their places
    "确保恒达二手车交易市场、岭尚购物广场等项目开工。",  # properties named by their estate
    "三是狠抓项目建设，厚植发展优势。",
    "吸引更多社会资本参与水利工程项目建设。",
    "全年新开工项目320个，竣工投产项目150个。",
    "争取获批澜阳三期、禾阳一期等核电项目。",         # public works named for their place
    "异质结太阳能电池、绿氢一体化等高新技术项目开工建设。",   # a technology is no brand
])
def test_project_lists_without_a_company(extractor, text):
    assert [m.text for m in extractor.mentions(text) if m.type == "enterprise"] == []


@pytest.mark.parametrize("text", [
    "对违规检查企业有权投诉、有权申诉，做到无事不扰。",   # 企业有权…: a right, not 企业有：A、B
    "筹建江州低空经济研究院，建设试飞测试基地。",         # a verb before a platform is no owner
    "持续推进已批建的3家省实验室建设。",                 # a count of platforms is no owner
    "推进钢铁、焦化等行业企业实施超低排放改造。",         # industries before 等行业企业
    "引导社会资本投早、投小、投长期、投硬科技。",         # 硬科技 is a kind of technology
    "开工建设35个新型储能项目，力争新开工装机1000万千瓦、新投产600万千瓦。",   # 新投产 is a verb
])
def test_phrases_around_company_words_name_no_company(extractor, text):
    assert [m.text for m in extractor.mentions(text) if m.type == "enterprise"] == []


def test_a_foreign_company_keeps_its_name_without_its_country(extractor):
    ms = found(extractor, "深化与德国岭澜、以色列沃克森美等全球知名企业合作。")
    assert {n for n, m in ms.items() if m.type == "enterprise"} == {"岭澜", "沃克森美"}


def test_a_list_of_computing_centres_names_companies_only_beside_a_known_one(extractor):
    ms = found(extractor, "加快华为、岭澜云、沃克森数据等智算中心建设。")
    assert {n for n, m in ms.items() if m.type == "enterprise"} == {"华为", "岭澜云", "沃克森数据"}
    assert [m.text for m in extractor.mentions("推进岭安、澜北等数据中心集群建设。") if m.type == "enterprise"] == []


def test_a_count_of_companies_says_its_members_are_companies(extractor):
    ms = found(extractor, "吴岭仪表等3家企业入选全国首批智能工厂。")
    assert ms["吴岭仪表"].type == "enterprise"
    assert [m.text for m in extractor.mentions("全市等3家企业上市。") if m.type == "enterprise"] == []


def test_a_list_closed_by_a_short_word_for_companies(extractor):
    # 外企, 央企, 国企, 民企 close a list of companies as 企业 does
    ms = found(extractor, "支持沃克森美、岭澜禾等外企扩大业务。")
    assert {n for n, m in ms.items() if m.type == "enterprise"} == {"沃克森美", "岭澜禾"}
    assert found(extractor, "支持更多外企扩大业务。") == {}


def test_counted_list_types_every_member(extractor):
    ms = found(extractor, "粮油数据来自岭通、澜讯和禾联三家。")
    assert {n for n, m in ms.items() if m.type == "enterprise"} == {"岭通", "澜讯", "禾联"}
    assert found(extractor, "建成医院、学校和养老院三家机构。") == {}


def test_a_company_project_list_named_smart_transport_is_no_list_of_public_works(extractor):
    ms = found(extractor, "加快岭丰、沃澜禾等智慧交通项目建设。")
    assert "沃澜禾" in ms and ms["沃澜禾"].type == "enterprise"
    assert [m.text for m in extractor.mentions("争取获批澜阳三期、禾阳一期等核电项目。") if m.type == "enterprise"] == []
