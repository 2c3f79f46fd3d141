"""Train the small statistical NER shipped in ``pipeline/ner/`` (``make train-ner``).

Labels: ``ENTERPRISE``, ``GOV`` (government bodies) and ``OTHER_ORG`` (research institutes,
universities, parks, platforms, associations). Training data, no hand labels and no gold:

1. **weak supervision**: the rule recognizer's own mentions (``OrgRecognizer``) over the
   candidate sentences of the given raw folders (``tests/real/raw`` and ``raw``); the
   recognizer is built with every gold name of the ``--gold`` folders (and its canonical)
   removed from the gazetteers, so that no document's gold names reach the model through the
   rules either — one model can then be measured leave-one-document-out on every document;
2. **synthetic sentences**: policy-sentence templates written for this module (``TEMPLATES``),
   filled with company names from ``rules/gazetteers/enterprises.tsv`` (same exclusion) and
   names composed from the lexicons of the ``companynameparser`` package (Apache-2.0; place,
   brand, trade and legal-form words), government bodies as ``GOV`` and other organisations as
   ``OTHER_ORG`` so that the model learns where a company is *not*.

**Status: not shipped.** Measured on ``tests/real`` the model added no recall (rules alone and
rules + model: leave-one-document-out recall 0.656 both; extract recall 0.863 both) and cost
precision (0.988 → 0.432) and time (more than ``jieba.lcut`` itself), so the pipeline does not load
it; ``pipeline/ner/MODEL_CARD.md`` holds the measurement, and commit d47abe9 the wiring
that was measured (model rows with method ``model`` on candidate sentences).

The model is ``spacy.blank("zh")`` with the project's jieba tokenizer and one ``ner`` component
with its own small tok2vec (HashEmbedCNN width 64, depth 2). Run::

    python -m pipeline.ner.train --raw tests/real/raw --raw raw --gold tests/real/gold \
        --gold tests/gold --gold tests/heldout/gold --output extracted/ner_model

Only the ``ner`` component and the vocabulary strings are saved (``ner/``, ``strings.json``),
with ``training.json`` (data counts, scores on a synthetic dev split).
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any, Iterable

import spacy
from spacy.training import Example

from ..evaluation.evaluate import load_gold
from ..evaluation.lodo import exclusion_set
from ..extract.entities import EntityExtractor
from ..extract.entity_nlp import TOKENIZER
from ..extract.orgs import Gazetteer
from ..extract.responsibilities import ResponsibilityExtractor
from ..rulebook import RuleBook
from ..run.process import build_document
from ..stages.data import StageData
from ..stages.ingest import discover, ingest_file

LABELS = ("ENTERPRISE", "GOV", "OTHER_ORG")
_TYPE_LABEL = {"enterprise": "ENTERPRISE", "government": "GOV"}
# a small ner with its own tok2vec: about 2 MB of weights
NER_CONFIG: dict[str, Any] = {
    "model": {
        "@architectures": "spacy.TransitionBasedParser.v2", "state_type": "ner",
        "extra_state_tokens": False, "hidden_width": 64, "maxout_pieces": 2, "use_upper": True, "nO": None,
        "tok2vec": {"@architectures": "spacy.HashEmbedCNN.v2", "pretrained_vectors": None, "width": 64,
                    "depth": 2, "embed_size": 2000, "window_size": 1, "maxout_pieces": 3,
                    "subword_features": True},
    }
}

# ---------------------------------------------------------------- templates (written for this module)
# {E} company, {B} bare brand, {G} government body, {O} other organisation, {T} trade word.
TEMPLATES = (
    "支持{E}、{E}等企业加快数字化转型。",
    "培育壮大{E}、{E}、{E}等一批龙头企业。",
    "引进{E}等重点企业，带动上下游配套。",
    "推动{E}{T}基地项目建成投产。",
    "由{G}牵头，{E}参与实施。",
    "{G}会同{G}负责，{E}配合。",
    "{E}与{O}共建联合实验室。",
    "鼓励{E}参与{G}组织的重大项目申报。",
    "{E}年营业收入突破百亿元。",
    "依托{E}建设{T}产业集群。",
    "{E}获评国家级专精特新“小巨人”企业。",
    "优化{B}、{B}等整车企业集群生态。",
    "做强{B}、{B}、{B}等本土品牌。",
    "加快{E}{T}项目、{E}技改项目建设。",
    "{O}牵头组建创新联合体，{E}、{E}共同参与。",
    "{G}要加强对{E}等企业的服务保障。",
    "{E}成功登陆科创板。",
    "{E}入选全国制造业单项冠军企业名单。",
    "{G}、{G}按职责分工负责。",
    "责任单位：{G}、{G}、{G}",
    "{G}联合{O}举办对接活动。",
    "在{O}设立成果转化中心，{G}给予支持。",
    "{E}（以下简称“{B}”）投资建设{T}生产线。",
    "落地{E}区域总部、{E}研发中心等项目。",
    "{E}、{E}、{E}等银行加大信贷投放。",
    "实施{E}{T}扩建工程。",
    "推进与{E}的战略合作，{G}做好协调。",
    "新增规模以上工业企业，{E}等实现满负荷生产。",
)
# the same shapes with industries and policy words in the slots: nothing to tag
NEGATIVE_TEMPLATES = (
    "支持{T}、{T}等产业加快数字化转型。",
    "培育壮大{T}、{T}、{T}等一批优势产业。",
    "推动{T}产业基地项目建成投产。",
    "依托{T}优势建设{T}产业集群。",
    "做强{T}、{T}等特色产业，加快{T}发展。",
    "加快{T}项目、{T}技改项目建设。",
    "{T}企业年营业收入突破百亿元。",
    "鼓励企业参与{T}、{T}等领域的重大项目申报。",
    "推进{T}与{T}深度融合，{G}做好协调。",
    "实施{T}扩建工程，新增规模以上工业企业。",
)

GOV_BODIES = ("人民政府", "发展和改革委员会", "发展改革委", "工业和信息化厅", "工业和信息化局", "科技厅", "科技局",
              "财政厅", "财政局", "商务厅", "商务局", "国资委", "市场监督管理局", "生态环境厅", "自然资源局",
              "交通运输厅", "农业农村局", "人力资源和社会保障局", "住房和城乡建设局", "教育厅", "卫生健康委",
              "文化和旅游厅", "应急管理局", "税务局", "统计局", "地方金融监督管理局", "能源局", "外事办公室")
MINISTRIES = ("国家发展改革委", "工业和信息化部", "科技部", "财政部", "商务部", "国务院国资委", "海关总署",
              "市场监管总局", "生态环境部", "自然资源部", "交通运输部", "农业农村部", "人力资源社会保障部",
              "国家能源局", "国家税务总局", "国家统计局", "教育部", "文化和旅游部", "国家知识产权局")
OTHER_ORG_SUFFIXES = ("大学", "研究院", "研究所", "重点实验室", "技术创新中心", "产业园", "高新技术产业开发区",
                      "经济技术开发区", "行业协会", "职业技术学院", "产业研究院", "工程研究中心")
COMPANY_SUFFIXES = ("有限公司", "股份有限公司", "集团有限公司", "集团", "有限责任公司", "集团股份有限公司",
                    "（集团）有限公司", "公司", "科技有限公司", "控股集团")
BANK_SUFFIXES = ("银行", "农村商业银行", "村镇银行")
FACTORY_SUFFIXES = ("厂", "制造厂", "出版社", "基金")


# ---------------------------------------------------------------- lexicons

def companynameparser_lexicons() -> dict[str, list[str]] | None:
    """Place, brand, trade words of the ``companynameparser`` package, or None when not installed."""
    try:
        from importlib.resources import files
        data = files("companynameparser") / "data"
    except (ImportError, ModuleNotFoundError):
        return None

    def words(name: str) -> list[str]:
        text = (data / name).read_text(encoding="utf-8")
        return [w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#")]

    try:
        brands = [w for w in words("brand.txt") if 2 <= len(w) <= 4 and all("\u4e00" <= c <= "\u9fff" for c in w)]
        return {"place": [w for w in words("china_place.txt") if 2 <= len(w) <= 4],
                "brand": brands,
                "trade": [w for w in words("trade.txt") if 2 <= len(w) <= 4]}
    except FileNotFoundError:
        return None


def gazetteer_companies(book: RuleBook, exclude: set[str]) -> list[str]:
    gaz = Gazetteer.from_rulebook(book, exclude)
    return sorted(n for n in gaz.entries if (e := gaz.get(n)) is not None and e.type == "enterprise"
                  and len(n) >= 2 and not n.isascii())


# ---------------------------------------------------------------- data

def weak_labels(extractor: EntityExtractor, raw_dirs: Iterable[Path], book: RuleBook) -> list[tuple[str, list]]:
    """(sentence, [(start, end, label)]) from the rule extractor's non-embedded rows (the same
    recognizer, short-name propagation and unit typing as the pipeline; no gold). ``book``: the rules
    the extractor was built from."""
    responsibilities = ResponsibilityExtractor.from_rulebook(book)
    stages = StageData.from_rulebook(book)
    out = []
    for raw in raw_dirs:
        for path in discover(raw):
            doc = build_document(ingest_file(path, raw, stages.ingest), stages)
            by_sentence: dict[int, list[tuple[int, int, str]]] = {}
            for row in extractor(doc, responsibilities(doc)):
                sentence = doc.sentence_at(row.char_start)
                if row.embedded or sentence is None or row.char_end > sentence.end:
                    continue
                by_sentence.setdefault(sentence.index, []).append(
                    (row.char_start - sentence.start, row.char_end - sentence.start,
                     _TYPE_LABEL.get(row.type, "OTHER_ORG")))
            for sentence in doc.sentences:
                # candidate sentences without a rule mention stay in, all O: without them the
                # model learns from the templates that every list slot holds a name
                if len(sentence.text) <= 300 and (sentence.index in by_sentence
                                                  or extractor.recognizer.is_candidate(sentence.text)):
                    out.append((sentence.text, _no_overlap(by_sentence.get(sentence.index, []))))
    return out


def _no_overlap(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    kept: list[tuple[int, int, str]] = []
    for s, e, lab in sorted(spans, key=lambda x: (-(x[1] - x[0]), x[0])):   # longest first
        if not any(s < ke and ks < e for ks, ke, _ in kept):
            kept.append((s, e, lab))
    return sorted(kept)


def synthetic(n: int, companies: list[str], lex: dict[str, list[str]] | None, seed: int) -> list[tuple[str, list]]:
    rng = random.Random(seed)
    places = lex["place"] if lex else ["本省", "全市"]
    brands = lex["brand"] if lex else []
    trades = lex["trade"] if lex else ["新能源", "新材料", "装备", "电子", "医药", "食品"]

    def company() -> str:
        if companies and (not brands or rng.random() < 0.3):
            return rng.choice(companies)
        name = (rng.choice(places) if rng.random() < 0.6 else "") + rng.choice(brands)
        r = rng.random()
        if r < 0.1:
            return name + rng.choice(BANK_SUFFIXES)
        if r < 0.2:
            return name + rng.choice(trades) + rng.choice(FACTORY_SUFFIXES)
        return name + (rng.choice(trades) if rng.random() < 0.6 else "") + rng.choice(COMPANY_SUFFIXES)

    def gov() -> str:
        if rng.random() < 0.35:
            return rng.choice(MINISTRIES)
        return rng.choice(places) + rng.choice(("省", "市", "县", "区", "")) + rng.choice(GOV_BODIES)

    def other() -> str:
        return rng.choice(places) + (rng.choice(trades) if rng.random() < 0.5 else "") + rng.choice(OTHER_ORG_SUFFIXES)

    fill = {"E": (company, "ENTERPRISE"), "G": (gov, "GOV"), "O": (other, "OTHER_ORG"),
            "B": (lambda: rng.choice(brands) if brands else rng.choice(companies), "ENTERPRISE"),
            "T": (lambda: rng.choice(trades), None)}
    out = []
    for i in range(n):
        template = rng.choice(NEGATIVE_TEMPLATES if i % 3 == 2 else TEMPLATES)
        text, spans, pos = "", [], 0
        while pos < len(template):
            if template[pos] == "{":
                key = template[pos + 1]
                make, label = fill[key]
                value = make()
                if label is not None:
                    spans.append((len(text), len(text) + len(value), label))
                text += value
                pos += 3
            else:
                text += template[pos]
                pos += 1
        out.append((text, spans))
    return out


# ---------------------------------------------------------------- training

def blank_nlp(user_words: Iterable[str]):
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER}}})
    nlp.tokenizer.set_user_words(user_words)
    return nlp


def to_examples(nlp, data: list[tuple[str, list]]) -> list[Example]:
    """Examples whose every span falls on token boundaries (a misaligned one drops the sentence:
    a half-labelled sentence would teach the model to stop inside a name)."""
    examples = []
    for text, ents in data:
        doc = nlp.make_doc(text)
        spans = [doc.char_span(s, e, label=lab, alignment_mode="strict") for s, e, lab in ents]
        if any(sp is None for sp in spans):
            continue
        examples.append(Example.from_dict(doc, {"entities": [(s, e, lab) for s, e, lab in ents]}))
    return examples


def train(nlp, examples: list[Example], epochs: int, seed: int = 0):
    ner = nlp.add_pipe("ner", config=NER_CONFIG)
    for label in LABELS:
        ner.add_label(label)
    random.seed(seed)
    spacy.util.fix_random_seed(seed)
    optimizer = nlp.initialize(lambda: examples)
    for epoch in range(epochs):
        random.shuffle(examples)
        losses: dict[str, float] = {}
        for batch in spacy.util.minibatch(examples, size=32):
            nlp.update(batch, sgd=optimizer, drop=0.2, losses=losses)
        print(f"epoch {epoch + 1}/{epochs} loss {losses.get('ner', 0):.1f}", flush=True)
    return nlp


def span_scores(nlp, examples: list[Example]) -> dict[str, Any]:
    """Per-label P/R/F of exact spans on ``examples`` (the synthetic dev split)."""
    scorer = nlp.evaluate(examples)
    return {lab: {k: round(v, 4) for k, v in d.items()} for lab, d in (scorer.get("ents_per_type") or {}).items()} | {
        "all": {"p": round(scorer["ents_p"], 4), "r": round(scorer["ents_r"], 4), "f": round(scorer["ents_f"], 4)}}


def main(argv: list[str] | None = None) -> int:
    from .. import DEFAULT_RULES_DIR

    parser = argparse.ArgumentParser(prog="python -m pipeline.ner.train", description=__doc__.splitlines()[0])
    parser.add_argument("--raw", action="append", default=None, help="raw folder for weak labels (repeatable)")
    parser.add_argument("--gold", action="append", default=None,
                        help="gold folder whose enterprise names are kept out of the training data (repeatable)")
    parser.add_argument("--rules", default=str(DEFAULT_RULES_DIR))
    parser.add_argument("--synthetic", type=int, default=4000)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", default="extracted/ner_model")
    args = parser.parse_args(argv)
    book = RuleBook.load(Path(args.rules))
    raw_dirs = [Path(p) for p in (args.raw or ["tests/real/raw", "raw"])]
    gold_dirs = [Path(p) for p in (args.gold or ["tests/real/gold", "tests/gold", "tests/heldout/gold"])]

    full = Gazetteer.from_rulebook(book)
    gold_names = [r["name"] for g in gold_dirs for recs in load_gold(g)["enterprises"].values() for r in recs]
    exclude = exclusion_set(gold_names, full)
    extractor = EntityExtractor.from_rulebook(book, exclude=exclude)
    weak = weak_labels(extractor, raw_dirs, book)
    lex = companynameparser_lexicons()
    companies = gazetteer_companies(book, exclude)
    syn = synthetic(args.synthetic, companies, lex, args.seed)
    dev = synthetic(400, companies, lex, args.seed + 1)
    nlp = blank_nlp(extractor.nlp.tokenizer.user_words)
    examples = to_examples(nlp, weak + syn)
    print(f"weak sentences {len(weak)}, synthetic {len(syn)}, aligned examples {len(examples)}, "
          f"companynameparser lexicons: {'yes' if lex else 'no'}", flush=True)
    train(nlp, examples, args.epochs, args.seed)
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    nlp.get_pipe("ner").to_disk(out / "ner")
    nlp.vocab.strings.to_disk(out / "strings.json")
    dev_scores = span_scores(nlp, to_examples(nlp, dev))
    meta = {"labels": list(LABELS), "weak_sentences": len(weak), "synthetic_sentences": len(syn),
            "examples": len(examples), "epochs": args.epochs, "seed": args.seed,
            "excluded_gold_names": len(exclude), "companynameparser": bool(lex),
            "raw": [str(p) for p in raw_dirs], "gold_excluded_from": [str(p) for p in gold_dirs],
            "synthetic_dev": dev_scores, "spacy": spacy.__version__}
    (out / "training.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(dev_scores, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
