"""The scorer: extracted tables against gold annotations (``tests/gold``).

Implements "How a prediction is matched" of the gold guideline:

- targets: same doc, same low/high (±1e-6), same unit (Simplified, spaces
  removed), and the predicted sentence contains the gold snippet
  (whitespace-insensitive, after Traditional→Simplified); one-to-one;
- deadlines: same doc, same text (normalized), same end; multiset match;
- responsibilities: clauses aligned by text, F1 over (clause, unit) pairs,
  lead accuracy over aligned clauses;
- enterprises: per doc, set of names (Simplified, spaces removed), with and
  without embedded names.

Normalization for comparison is deliberately only what the guideline names
(whitespace removal and Traditional→Simplified), so a score here is not
flattered by a looser comparison than the guideline's.
"""
from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from ..tables.registry import CONTRACT

# (gold view, the table it is scored against), from the registry: entities are scored as "enterprises"
_VIEWS = tuple((view, table.name) for table in CONTRACT.tables for view in table.gold)
GOLD_TABLES = tuple(view.name for view, _ in _VIEWS if not view.optional)
# scored only on the documents that have a gold file for it (the sets annotated so far)
OPTIONAL_TABLES = tuple(view.name for view, _ in _VIEWS if view.optional)
_WS = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _t2s():
    import opencc
    return opencc.OpenCC("t2s")


def norm(text: Any) -> str:
    """Comparison key: Traditional→Simplified, whitespace removed."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    return _WS.sub("", _t2s().convert(str(text)))


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: "Score") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def p(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def r(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        return 2 * self.p * self.r / (self.p + self.r) if self.p + self.r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"p": round(self.p, 4), "r": round(self.r, 4), "f1": round(self.f1, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class Accuracy:
    correct: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.correct += int(ok)
        self.total += 1

    @property
    def value(self) -> float | None:
        return self.correct / self.total if self.total else None


# ------------------------------------------------------------------ loading

def load_gold(gold_dir: Path) -> dict[str, dict[str, list[dict]]]:
    """{table: {doc: [records]}} from ``<doc>.<table>.jsonl`` files."""
    gold: dict[str, dict[str, list[dict]]] = {t: defaultdict(list) for t in GOLD_TABLES}
    docs: set[str] = set()
    for path in sorted(Path(gold_dir).glob("*.jsonl")):
        doc, table = path.name[: -len(".jsonl")].rsplit(".", 1)
        if table in OPTIONAL_TABLES:
            gold.setdefault(table, defaultdict(list))
            gold[table].setdefault(doc, [])
        elif table not in GOLD_TABLES:
            continue
        else:
            docs.add(doc)
        for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    gold[table][doc].append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{line_no}: invalid JSON: {exc}") from exc
    for table in GOLD_TABLES:
        for doc in docs:
            gold[table].setdefault(doc, [])
    return gold


KINDS_FILE = "kinds.tsv"     # doc<TAB>kind: the kind a person gave each gold document


def load_kinds(gold_dir: Path) -> dict[str, str]:
    """The documents' kinds as declared beside the gold (``kinds.tsv``); {} when the set declares none."""
    path = Path(gold_dir) / KINDS_FILE
    if not path.exists():
        return {}
    kinds = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            doc, kind = line.split("\t")[:2]
            kinds[doc.strip()] = kind.strip()
    return kinds


def predicted_kinds(pred_dir: Path) -> dict[str, str]:
    documents = _read(pred_dir, "documents")
    if documents.empty or "kind" not in documents:
        return {}
    return {row.source_path.rsplit("/", 1)[-1]: row.kind for row in documents.itertuples() if not _isnull(row.kind)}


def _read(pred_dir: Path, name: str) -> pd.DataFrame:
    path = Path(pred_dir) / f"{name}.parquet"
    return pd.read_parquet(path) if path.exists() else pd.DataFrame()


def load_predictions(pred_dir: Path) -> dict[str, dict[str, list[dict]]]:
    """Predicted rows grouped like the gold: {table: {doc file name: [records]}}."""
    documents = _read(pred_dir, "documents")
    doc_names = {} if documents.empty else {
        row.doc_id: row.source_path.rsplit("/", 1)[-1] for row in documents.itertuples()}
    out: dict[str, dict[str, list[dict]]] = {}
    for view, source in _VIEWS:
        frame = _read(pred_dir, source)
        grouped: dict[str, list[dict]] = defaultdict(list)
        for rec in ([] if frame.empty else frame.to_dict("records")):
            if any(rec.get(column) != value for column, value in view.where):
                continue
            grouped[doc_names.get(rec["doc_id"], rec["doc_id"])].append(rec)
        out[view.name] = grouped
    return out


# ------------------------------------------------------------------ matching

def _max_matching(n_left: int, n_right: int, edges: dict[int, list[int]]) -> dict[int, int]:
    """Maximum bipartite matching (augmenting paths); returns left → right."""
    match_right: dict[int, int] = {}

    def augment(u: int, seen: set[int]) -> bool:
        for v in edges.get(u, []):
            if v in seen:
                continue
            seen.add(v)
            if v not in match_right or augment(match_right[v], seen):
                match_right[v] = u
                return True
        return False

    for u in range(n_left):
        augment(u, set())
    return {u: v for v, u in match_right.items()}


def _close(a: Any, b: Any) -> bool:
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)) \
            or (isinstance(b, float) and math.isnan(b)):
        return False
    return abs(float(a) - float(b)) <= 1e-6


def target_matches(gold: dict, pred: dict) -> bool:
    return (_close(gold.get("low"), pred.get("value_low")) and _close(gold.get("high"), pred.get("value_high"))
            and norm(gold.get("unit")) == norm(pred.get("unit"))
            and norm(gold["snippet"]) in norm(pred.get("sentence")))


def _char_f1(a: str, b: str) -> float:
    ca, cb = Counter(norm(a)), Counter(norm(b))
    common = sum((ca & cb).values())
    if not common:
        return 0.0
    p, r = common / sum(cb.values()), common / sum(ca.values())
    return 2 * p * r / (p + r)


@dataclass
class TargetReport:
    score: Score = field(default_factory=Score)
    year: Accuracy = field(default_factory=Accuracy)
    indicator_overlap: list[float] = field(default_factory=list)
    missed: list[dict] = field(default_factory=list)
    spurious: list[dict] = field(default_factory=list)


def score_targets(gold: list[dict], pred: list[dict]) -> TargetReport:
    edges = {i: [j for j, p in enumerate(pred) if target_matches(g, p)] for i, g in enumerate(gold)}
    pairs = _max_matching(len(gold), len(pred), edges)
    report = TargetReport(score=Score(tp=len(pairs), fp=len(pred) - len(pairs), fn=len(gold) - len(pairs)))
    for gi, pj in pairs.items():
        g, p = gold[gi], pred[pj]
        gold_year, pred_year = g.get("year"), p.get("target_year")
        report.year.add(_isnull(pred_year) if _isnull(gold_year) else
                        not _isnull(pred_year) and int(gold_year) == int(pred_year))
        report.indicator_overlap.append(_char_f1(g.get("indicator") or "", p.get("indicator") or ""))
    report.missed = [gold[i] for i in range(len(gold)) if i not in pairs]
    matched_pred = set(pairs.values())
    report.spurious = [pred[j] for j in range(len(pred)) if j not in matched_pred]
    return report


def achievement_matches(gold: dict, pred: dict) -> bool:
    """As for targets: same low/high, same unit, the predicted sentence contains the gold snippet."""
    return target_matches(gold, pred)


def score_achievements(gold: list[dict], pred: list[dict]) -> tuple[Score, Accuracy, list[dict], list[dict]]:
    edges = {i: [j for j, p in enumerate(pred) if achievement_matches(g, p)] for i, g in enumerate(gold)}
    pairs = _max_matching(len(gold), len(pred), edges)
    year = Accuracy()
    for gi, pj in pairs.items():
        g, p = gold[gi].get("period_year"), pred[pj].get("period_year")
        year.add(_isnull(p) if _isnull(g) else not _isnull(p) and int(g) == int(p))
    matched = set(pairs.values())
    return (Score(tp=len(pairs), fp=len(pred) - len(pairs), fn=len(gold) - len(pairs)), year,
            [gold[i] for i in range(len(gold)) if i not in pairs],
            [pred[j] for j in range(len(pred)) if j not in matched])


def _isnull(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA


def _iso(v: Any) -> str | None:
    if _isnull(v):
        return None
    return v.isoformat()[:10] if hasattr(v, "isoformat") else str(v)[:10]


def score_deadlines(gold: list[dict], pred: list[dict]) -> tuple[Score, list[Any], list[Any]]:
    g = Counter((norm(r["text"]), _iso(r.get("end"))) for r in gold)
    p = Counter((norm(r["text"]), _iso(r.get("end_date"))) for r in pred)
    tp = sum((g & p).values())
    return (Score(tp=tp, fp=sum(p.values()) - tp, fn=sum(g.values()) - tp),
            sorted((g - p).elements(), key=str), sorted((p - g).elements(), key=str))


def _clauses(pred: list[dict]) -> list[dict]:
    """Group (clause, unit) rows into clauses: {clause, units, lead}."""
    by_id: dict[str, dict] = {}
    for row in sorted(pred, key=lambda r: (r["clause_id"], r.get("position", 0))):
        c = by_id.setdefault(row["clause_id"], {"clause": row["clause"], "units": [], "lead": []})
        c["units"].append(row["unit"])
        if row.get("role") == "lead":
            c["lead"].append(row["unit"])
    return list(by_id.values())


def align_clauses(gold: list[dict], pred: list[dict], min_ratio: float = 0.8) -> dict[int, int]:
    """Clauses aligned by text: exact (normalized) first, then the most similar above ``min_ratio``."""
    edges: dict[int, list[int]] = {}
    for i, g in enumerate(gold):
        exact = [j for j, p in enumerate(pred) if norm(p["clause"]) == norm(g["clause"])]
        if exact:
            edges[i] = exact
            continue
        ranked = sorted(((SequenceMatcher(None, norm(g["clause"]), norm(p["clause"])).ratio(), j)
                         for j, p in enumerate(pred)), reverse=True)
        edges[i] = [j for ratio, j in ranked if ratio >= min_ratio]
    return _max_matching(len(gold), len(pred), edges)


def score_responsibilities(gold: list[dict], pred_rows: list[dict]) -> tuple[Score, Accuracy, Score]:
    """(clause, unit) pair score, lead accuracy over aligned clauses, clause-level score."""
    pred = _clauses(pred_rows)
    pairs = align_clauses(gold, pred)
    score, lead = Score(), Accuracy()
    for gi, g in enumerate(gold):
        g_units = Counter(norm(u) for u in g["units"])
        if gi in pairs:
            p = pred[pairs[gi]]
            p_units = Counter(norm(u) for u in p["units"])
            tp = sum((g_units & p_units).values())
            score.add(Score(tp=tp, fp=sum(p_units.values()) - tp, fn=sum(g_units.values()) - tp))
            lead.add({norm(u) for u in g.get("lead", [])} == {norm(u) for u in p["lead"]})
        else:
            score.fn += sum(g_units.values())
    aligned = set(pairs.values())
    for pj, p in enumerate(pred):
        if pj not in aligned:
            score.fp += len(p["units"])
    clause_score = Score(tp=len(pairs), fp=len(pred) - len(pairs), fn=len(gold) - len(pairs))
    return score, lead, clause_score


def score_enterprises(gold: list[dict], pred: list[dict], with_embedded: bool) -> tuple[Score, set, set]:
    g = {norm(r["name"]) for r in gold if with_embedded or not r.get("embedded")}
    # Gold names are as written; a mention counts once, by its text, or by its
    # canonical name when only that is the gold's (上海电气集团 written, 上海电气 in gold).
    p = set()
    for r in pred:
        if with_embedded or not r.get("embedded"):
            text, canonical = norm(r["text"]), norm(r.get("canonical") or r["text"])
            p.add(canonical if text not in g and canonical in g else text)
    tp = len(g & p)
    return Score(tp=tp, fp=len(p) - tp, fn=len(g) - tp), g - p, p - g


# ------------------------------------------------------------------ report

def evaluate(pred_dir: Path, gold_dir: Path) -> dict[str, Any]:
    gold = load_gold(gold_dir)
    pred = load_predictions(pred_dir)
    docs = sorted(set().union(*(gold[t].keys() for t in GOLD_TABLES)))
    overall = {k: Score() for k in ("targets", "deadlines", "responsibilities", "enterprises",
                                    "enterprises_no_embedded", "responsibility_clauses")}
    if gold.get("achievements"):
        overall["achievements"] = Score()
    year, lead, period_year = Accuracy(), Accuracy(), Accuracy()
    overlaps: list[float] = []
    per_doc: dict[str, dict[str, Any]] = {}
    errors: dict[str, dict[str, list]] = {}
    no_enterprise_docs = rows_on_none = 0
    for doc in docs:
        t = score_targets(gold["targets"][doc], pred["targets"].get(doc, []))
        d, d_missed, d_spurious = score_deadlines(gold["deadlines"][doc], pred["deadlines"].get(doc, []))
        r, r_lead, r_clauses = score_responsibilities(gold["responsibilities"][doc],
                                                      pred["responsibilities"].get(doc, []))
        r_pred = _clauses(pred["responsibilities"].get(doc, []))
        r_pairs = align_clauses(gold["responsibilities"][doc], r_pred)
        e, e_missed, e_spurious = score_enterprises(gold["enterprises"][doc], pred["enterprises"].get(doc, []), True)
        if not gold["enterprises"][doc]:
            # companies invented on a document that names none: the rows a researcher would wrongly count
            no_enterprise_docs += 1
            rows_on_none += len(pred["enterprises"].get(doc, []))
        e_ne, _, _ = score_enterprises(gold["enterprises"][doc], pred["enterprises"].get(doc, []), False)
        scores = {"targets": t.score, "deadlines": d, "responsibilities": r, "enterprises": e,
                  "enterprises_no_embedded": e_ne, "responsibility_clauses": r_clauses}
        a_missed: list[dict] = []
        a_spurious: list[dict] = []
        if doc in gold.get("achievements", {}):
            a, a_year, a_missed, a_spurious = score_achievements(gold["achievements"][doc],
                                                                 pred["achievements"].get(doc, []))
            scores["achievements"] = a
            period_year.correct += a_year.correct
            period_year.total += a_year.total
        for k, s in scores.items():
            overall[k].add(s)
        year.correct += t.year.correct
        year.total += t.year.total
        lead.correct += r_lead.correct
        lead.total += r_lead.total
        overlaps.extend(t.indicator_overlap)
        per_doc[doc] = {k: s.as_dict() for k, s in scores.items()}
        errors[doc] = {
            "targets_missed": [{k: g.get(k) for k in ("snippet", "value_text", "low", "high", "unit")}
                               for g in t.missed],
            "targets_spurious": [{k: p.get(k) for k in ("value_text", "value_low", "value_high", "unit",
                                                         "rule_id", "sentence")} for p in t.spurious],
            "achievements_missed": [{k: g.get(k) for k in ("snippet", "value_text", "low", "high", "unit")}
                                    for g in a_missed],
            "achievements_spurious": [{k: p.get(k) for k in ("value_text", "value_low", "value_high", "unit",
                                                              "rule_id", "sentence")} for p in a_spurious],
            "deadlines_missed": [list(x) for x in d_missed],
            "deadlines_spurious": [list(x) for x in d_spurious],
            "clauses_missed": [g["clause"] for i, g in enumerate(gold["responsibilities"][doc]) if i not in r_pairs],
            "clauses_spurious": [c["clause"] for j, c in enumerate(r_pred) if j not in set(r_pairs.values())],
            "enterprises_missed": sorted(e_missed),
            "enterprises_spurious": sorted(e_spurious),
        }
    # per kind, by the kind declared beside the gold (else the predicted one): a collapse on one kind of
    # document cannot hide in a total
    declared, predicted = load_kinds(gold_dir), predicted_kinds(pred_dir)
    per_kind_scores: dict[str, dict[str, Score]] = {}
    for doc in docs:
        kind = declared.get(doc) or predicted.get(doc) or "unknown"
        bucket = per_kind_scores.setdefault(kind, {k: Score() for k in overall})
        for k in overall:
            d = per_doc[doc].get(k)
            if d is not None:
                bucket[k].add(Score(tp=d["tp"], fp=d["fp"], fn=d["fn"]))
    result: dict[str, Any] = {"overall": {k: s.as_dict() for k, s in overall.items()}}
    result["per_kind"] = {kind: {"n_docs": sum(1 for d in docs if (declared.get(d) or predicted.get(d)
                                                                  or "unknown") == kind),
                                 **{k: s.as_dict() for k, s in scores.items()}}
                          for kind, scores in sorted(per_kind_scores.items())}
    if declared:
        agree = sum(1 for d in docs if predicted.get(d) == declared.get(d))
        result["overall"]["kind_accuracy"] = {"accuracy": round(agree / len(docs), 4) if docs else None,
                                              "correct": agree, "total": len(docs)}
        result["kinds"] = {d: {"declared": declared.get(d), "predicted": predicted.get(d)} for d in docs}
    result["overall"]["target_year_accuracy"] = _acc_dict(year)
    result["overall"]["lead_accuracy"] = _acc_dict(lead)
    if "achievements" in overall:
        result["overall"]["achievement_period_year_accuracy"] = _acc_dict(period_year)
    result["overall"]["indicator_overlap"] = round(sum(overlaps) / len(overlaps), 4) if overlaps else None
    result["overall"]["enterprise_rows_on_docs_naming_none"] = {"docs": no_enterprise_docs, "rows": rows_on_none}
    panel = score_panel(pred_dir, gold_dir)
    if panel is not None:
        result["overall"]["panel"] = {k: v for k, v in panel.items() if k != "problems"}
        result["panel_problems"] = panel["problems"]
    result["per_document"] = per_doc
    result["errors"] = errors
    return result


PANEL_GOLD = "panel.csv"       # place_name,year,indicator,target_low,target_high,actual,unit — made by hand


def score_panel(pred_dir: Path, gold_dir: Path) -> dict[str, Any] | None:
    """The predicted panel against a hand-made one: every gold value (a target bound or an outcome) is right,
    wrong (a different number) or missing; a predicted value for a gold (place, year, indicator) the gold leaves
    empty is extra. None when the set has no panel gold."""
    path = Path(gold_dir) / PANEL_GOLD
    if not path.exists():
        return None
    gold = pd.read_csv(path, dtype={"place_name": str, "indicator": str})
    pred = _read(pred_dir, "panel")
    # documents.place_name is the full chain (内蒙古自治区呼伦贝尔市海拉尔区); a hand-made panel may write the
    # short form (呼伦贝尔市海拉尔区): a gold name matches the predicted chain it ends
    by_key: dict[tuple[int, str], list[Any]] = defaultdict(list)
    for r in ([] if pred.empty else pred.itertuples()):
        by_key[(int(r.year), r.indicator_code)].append(r)

    def find(name: str, year: int, code: str) -> Any:
        rows = [r for r in by_key.get((year, code), []) if r.place_name == name or r.place_name.endswith(name)]
        return rows[0] if len(rows) == 1 else None

    counts = Counter()
    problems: list[dict[str, Any]] = []
    for g in gold.itertuples():
        p = find(g.place_name, int(g.year), g.indicator)
        for gold_col, pred_col in (("target_low", "target_low"), ("target_high", "target_high"),
                                   ("actual", "actual")):
            want = getattr(g, gold_col)
            got = None if p is None else getattr(p, pred_col)
            if _isnull(want):
                if not _isnull(got):
                    counts["extra"] += 1
                    problems.append({"key": [g.place_name, int(g.year), g.indicator], "column": gold_col,
                                     "gold": None, "predicted": float(got)})
                continue
            if _isnull(got):
                counts["missing"] += 1
            elif abs(float(got) - float(want)) <= 1e-6:
                counts["correct"] += 1
                continue
            else:
                counts["wrong"] += 1
            problems.append({"key": [g.place_name, int(g.year), g.indicator], "column": gold_col,
                             "gold": float(want), "predicted": None if _isnull(got) else float(got)})
    n = counts["correct"] + counts["wrong"] + counts["missing"]
    return {"gold_values": n, "correct": counts["correct"], "wrong": counts["wrong"],
            "missing": counts["missing"], "extra": counts["extra"],
            "recall": round(counts["correct"] / n, 4) if n else None, "problems": problems}


def _acc_dict(acc: Accuracy) -> dict[str, Any]:
    return {"accuracy": None if acc.value is None else round(acc.value, 4),
            "correct": acc.correct, "total": acc.total}


def format_report(result: dict[str, Any]) -> str:
    tables = ("targets", "deadlines", "responsibilities", "enterprises", "enterprises_no_embedded") + (
        ("achievements",) if "achievements" in result["overall"] else ())
    lines = [f"{'table':26s} {'P':>6s} {'R':>6s} {'F1':>6s} {'TP':>5s} {'FP':>5s} {'FN':>5s}"]
    for name in tables:
        s = result["overall"][name]
        lines.append(f"{name:26s} {s['p']:6.3f} {s['r']:6.3f} {s['f1']:6.3f} {s['tp']:5d} {s['fp']:5d} {s['fn']:5d}")
    for name in ("target_year_accuracy", "lead_accuracy", "achievement_period_year_accuracy"):
        if name not in result["overall"]:
            continue
        a = result["overall"][name]
        val = "n/a" if a["accuracy"] is None else f"{a['accuracy']:.3f}"
        lines.append(f"{name:26s} {val:>6s}  ({a['correct']}/{a['total']})")
    lines.append(f"{'indicator_overlap':26s} {result['overall']['indicator_overlap']}")
    if "kind_accuracy" in result["overall"]:
        a = result["overall"]["kind_accuracy"]
        lines.append(f"{'document kind accuracy':26s} {a['accuracy']:6.3f}  ({a['correct']}/{a['total']})")
    if "panel" in result["overall"]:
        pn = result["overall"]["panel"]
        lines.append(f"{'panel values (hand-made gold)':36s} {pn['correct']}/{pn['gold_values']} right, "
                     f"{pn['wrong']} wrong, {pn['missing']} missing, {pn['extra']} extra")
    none = result["overall"]["enterprise_rows_on_docs_naming_none"]
    lines.append(f"{'enterprise rows on docs naming none':36s} {none['rows']} (on {none['docs']} docs)")
    lines.append("")
    lines.append(f"{'F1 per document kind':28s}" + "".join(f"{n[:12]:>13s}" for n in tables))
    for kind, scores in result.get("per_kind", {}).items():
        lines.append(f"{kind + ' (' + str(scores['n_docs']) + ')':28s}" + "".join(_doc_cell(scores[n]) for n in tables))
    lines.append("")
    lines.append(f"{'F1 per document':28s}" + "".join(f"{n[:12]:>13s}" for n in tables))
    for doc, scores in result["per_document"].items():
        lines.append(f"{doc:28s}" + "".join(_doc_cell(scores[n]) if n in scores else f"{'·':>13s}"
                                            for n in tables))
    lines.append("(— : the document has no such gold rows and none were predicted; · : not annotated for this table)")
    return "\n".join(lines)


def format_misses(result: dict[str, Any]) -> str:
    """Every miss and spurious row, per document, for a person to read (``make eval`` writes it beside the JSON)."""
    out = ["# Misses and spurious rows", "",
           "Per document: gold lines not matched (missed) and predicted rows matching no gold line (spurious).", ""]
    for doc, errs in result["errors"].items():
        if not any(errs.values()):
            continue
        kind = result.get("kinds", {}).get(doc, {}).get("declared")
        out.append(f"## {doc}" + (f" ({kind})" if kind else ""))
        for g in errs["targets_missed"]:
            out.append(f"- target missed: {g['value_text']} [{g['low']}–{g['high']} {g['unit']}] in 「{g['snippet']}」")
        for p in errs["targets_spurious"]:
            out.append(f"- target spurious: {p['value_text']} [{p['value_low']}–{p['value_high']} {p['unit']}] "
                       f"({p['rule_id']}) in 「{_clip(p['sentence'])}」")
        for g in errs.get("achievements_missed", []):
            out.append(f"- achievement missed: {g['value_text']} [{g['low']}–{g['high']} {g['unit']}] in 「{g['snippet']}」")
        for p in errs.get("achievements_spurious", []):
            out.append(f"- achievement spurious: {p['value_text']} [{p['value_low']}–{p['value_high']} {p['unit']}] "
                       f"in 「{_clip(p['sentence'])}」")
        for text, end in errs["deadlines_missed"]:
            out.append(f"- deadline missed: {text} → {end}")
        for text, end in errs["deadlines_spurious"]:
            out.append(f"- deadline spurious: {text} → {end}")
        for clause in errs.get("clauses_missed", []):
            out.append(f"- clause missed: （{clause}）")
        for clause in errs.get("clauses_spurious", []):
            out.append(f"- clause spurious: （{clause}）")
        for name in errs["enterprises_missed"]:
            out.append(f"- enterprise missed: {name}")
        for name in errs["enterprises_spurious"]:
            out.append(f"- enterprise spurious: {name}")
        out.append("")
    if result.get("panel_problems"):
        out.append("## panel (against the hand-made panel.csv)")
        for p in result["panel_problems"]:
            out.append(f"- {' '.join(map(str, p['key']))} {p['column']}: gold {p['gold']}, predicted {p['predicted']}")
        out.append("")
    return "\n".join(out)


def _clip(text: Any, n: int = 90) -> str:
    text = "" if _isnull(text) else str(text).replace("\n", " ")
    return text if len(text) <= n else text[:n] + "…"


def _doc_cell(score: dict[str, Any]) -> str:
    # F1 is undefined with nothing to find and nothing found; 0.000 would read as a failure
    if score["tp"] + score["fp"] + score["fn"] == 0:
        return f"{'—':>13s}"
    return f"{score['f1']:13.3f}"


def iter_docs(result: dict[str, Any]) -> Iterable[str]:
    return result["per_document"].keys()
