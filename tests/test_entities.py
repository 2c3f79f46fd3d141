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
from pipeline.models import Document, DocumentMeta
from pipeline.outline import parse_outline
from pipeline.segment import split_sentences

ROOT = Path(__file__).resolve().parent.parent
RULES_DIR = ROOT / "rules"


def make_doc(text: str, doc_id: str = "t1") -> Document:
    return Document(doc_id=doc_id, source_path=f"{doc_id}.txt", source_format="txt", encoding="utf-8",
                    script="simplified", text=text, meta=DocumentMeta(),
                    sections=parse_outline(text), sentences=split_sentences(text))


@pytest.fixture(scope="module")
def extractor() -> EntityExtractor:
    return EntityExtractor.from_rules(RULES_DIR)


@pytest.fixture(scope="module")
def extractors() -> Extractors:
    return Extractors.from_rules(RULES_DIR)


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
    ex = EntityExtractor.from_rules(RULES_DIR, exclude={"华为"})
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
