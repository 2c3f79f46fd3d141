"""The scorer implements the gold guideline's matching rules."""
import datetime as dt
import json

import pytest

from pipeline.evaluation.evaluate import (
    align_clauses,
    evaluate,
    format_report,
    norm,
    score_deadlines,
    score_enterprises,
    score_responsibilities,
    score_targets,
)
from pipeline.tables import rows as models
from pipeline.tables.export import write_table
from pipeline.tables.schema import to_table

DOC = "d1.txt"


def gold_target(**kw):
    base = {"doc": DOC, "snippet": "力争培育30-40家专精特新", "value_text": "30-40家", "low": 30, "high": 40,
            "unit": "家", "qualifiers": ["力争"], "year": 2024, "baseline_year": None, "binding": None,
            "indicator": "专精特新企业数量"}
    return {**base, **kw}


def pred_target(**kw):
    base = {"sentence": "到2024年，力争培育30-40家专精特新“小巨人”企业。", "value_low": 30.0, "value_high": 40.0,
            "unit": "家", "target_year": 2024, "indicator": "专精特新小巨人企业"}
    return {**base, **kw}


def test_norm_removes_whitespace_and_converts_traditional():
    assert norm(" 新增 3-4個\t國家級\n") == "新增3-4个国家级"


def test_target_matches_on_values_unit_and_snippet_in_sentence():
    report = score_targets([gold_target()], [pred_target()])
    assert (report.score.tp, report.score.fp, report.score.fn) == (1, 0, 0)
    assert report.year.correct == 1
    assert 0 < report.indicator_overlap[0] < 1


@pytest.mark.parametrize("change", [
    {"value_low": 31.0}, {"value_high": 41.0}, {"unit": "个"},
    {"sentence": "力争培育30-40家企业。"},  # the snippet is not inside this sentence
])
def test_target_mismatch_on_any_field_is_a_false_positive_and_a_miss(change):
    report = score_targets([gold_target()], [pred_target(**change)])
    assert (report.score.tp, report.score.fp, report.score.fn) == (0, 1, 1)


def test_target_snippet_match_is_whitespace_insensitive_and_script_blind():
    gold = gold_target(snippet="新增3-4個國家級創新平臺", low=3, high=4, unit="個")
    pred = pred_target(sentence="到2023年，新增 3-4 个国家级创新平台。", value_low=3.0, value_high=4.0, unit="个")
    assert score_targets([gold], [pred]).score.tp == 1


def test_targets_are_matched_one_to_one():
    gold = [gold_target(), gold_target()]
    report = score_targets(gold, [pred_target()])
    assert (report.score.tp, report.score.fp, report.score.fn) == (1, 0, 1)


def test_wrong_year_counts_against_year_accuracy_only():
    report = score_targets([gold_target()], [pred_target(target_year=2023)])
    assert report.score.tp == 1 and report.year.correct == 0 and report.year.total == 1


@pytest.mark.parametrize("gold_year, pred_year, correct", [
    (2024, float("nan"), 0),   # pandas reads a null int column as NaN: a missing year, not a crash
    (2024, None, 0),
    (None, float("nan"), 1),   # both without a year agree
    (None, 2024, 0),
])
def test_year_accuracy_with_missing_years(gold_year, pred_year, correct):
    report = score_targets([gold_target(year=gold_year)], [pred_target(target_year=pred_year)])
    assert report.score.tp == 1 and (report.year.correct, report.year.total) == (correct, 1)


def test_deadlines_are_a_multiset_on_text_and_end():
    gold = [{"text": "到2024年", "end": "2024-12-31"}, {"text": "到2024年", "end": "2024-12-31"},
            {"text": "每年", "end": None}]
    pred = [{"text": "到2024年", "end_date": dt.date(2024, 12, 31)}, {"text": "每年", "end_date": None},
            {"text": "三年内", "end_date": dt.date(2024, 12, 31)}]
    score, missed, spurious = score_deadlines(gold, pred)
    assert (score.tp, score.fp, score.fn) == (2, 1, 1)
    assert missed == [("到2024年", "2024-12-31")]
    assert spurious == [("三年内", "2024-12-31")]


def resp_rows(clause, units, leads=(), clause_id="c1"):
    return [{"clause_id": clause_id, "clause": clause, "unit": u, "position": i + 1,
             "role": "lead" if u in leads else "responsible"} for i, u in enumerate(units)]


def test_responsibilities_score_clause_unit_pairs_and_lead():
    gold = [{"clause": "牵头单位：市发展改革委，配合单位：市财政局", "units": ["市发展改革委", "市财政局"],
             "lead": ["市发展改革委"]}]
    pred = resp_rows("牵头单位：市发展改革委，配合单位：市财政局", ["市发展改革委", "市财政局", "各区"],
                     leads=["市发展改革委"])
    score, lead, clauses = score_responsibilities(gold, pred)
    assert (score.tp, score.fp, score.fn) == (2, 1, 0)
    assert (lead.correct, lead.total) == (1, 1)
    assert clauses.tp == 1


def test_unaligned_clauses_count_all_their_units():
    gold = [{"clause": "责任单位：区经委、区科委", "units": ["区经委", "区科委"], "lead": []}]
    pred = resp_rows("责任单位：区财政局", ["区财政局"])
    score, lead, _ = score_responsibilities(gold, pred)
    assert (score.tp, score.fp, score.fn) == (0, 1, 2)
    assert lead.total == 0


def test_clause_alignment_tolerates_small_differences_only():
    gold = [{"clause": "责任单位：区经委、区科委、区市场监管局、区投促中心"}]
    near = [{"clause": "责任单位:区经委、区科委、区市场监管局、区投促中心"}]
    far = [{"clause": "责任单位：区财政局"}]
    assert align_clauses(gold, near) == {0: 0}
    assert align_clauses(gold, far) == {}


def test_enterprises_with_and_without_embedded():
    gold = [{"name": "华为", "embedded": True}, {"name": "海尔", "embedded": False}]
    pred = [{"text": "海尔", "canonical": "海尔集团", "embedded": False}, {"text": "腾讯", "canonical": "腾讯", "embedded": False},
            {"text": "华为技术有限公司", "canonical": "华为", "embedded": True}]
    with_emb, missed, spurious = score_enterprises(gold, pred, with_embedded=True)
    # 海尔 matches by its text, 华为 by its canonical name; 腾讯 is the one spurious name
    assert (with_emb.tp, with_emb.fp, with_emb.fn) == (2, 1, 0)
    assert missed == set() and spurious == {"腾讯"}
    no_emb, _, _ = score_enterprises(gold, pred, with_embedded=False)
    assert (no_emb.tp, no_emb.fp, no_emb.fn) == (1, 1, 0)


def test_evaluate_end_to_end_on_written_tables(tmp_path):
    gold_dir, pred_dir = tmp_path / "gold", tmp_path / "pred"
    gold_dir.mkdir()
    (gold_dir / f"{DOC}.targets.jsonl").write_text(json.dumps(gold_target(), ensure_ascii=False) + "\n", "utf-8")
    for table in ("deadlines", "responsibilities", "enterprises"):
        (gold_dir / f"{DOC}.{table}.jsonl").write_text("", "utf-8")
    doc = models.DocumentRow(doc_id="abc", source_path=f"sub/{DOC}", source_format="txt", encoding="utf-8",
                             script="simplified", title=None, issuer=None, doc_number=None, issue_date=None,
                             period_start=None, period_end=None, kind=None, n_chars=10, text="x")
    target = models.TargetRow(doc_id="abc", target_id="abc-T1", section_id=None,
                              sentence="到2024年，力争培育30-40家专精特新企业。", char_start=0, char_end=1,
                              indicator="专精特新企业", value_text="30-40家", value_low=30.0, value_high=40.0,
                              unit="家", value_base=30.0, unit_base="家", bound="range", aspirational=True,
                              change="level", target_year=2024, baseline_year=None, binding=None, indicator_code=None,
                              rule_id="r", qualifiers=("力争",))
    write_table(to_table("documents", [doc]), pred_dir / "documents.parquet")
    write_table(to_table("targets", [target]), pred_dir / "targets.parquet")
    result = evaluate(pred_dir, gold_dir)
    assert result["overall"]["targets"]["f1"] == 1.0
    assert result["overall"]["target_year_accuracy"]["accuracy"] == 1.0
    assert result["overall"]["deadlines"] == {"p": 0.0, "r": 0.0, "f1": 0.0, "tp": 0, "fp": 0, "fn": 0}
    assert result["per_document"][DOC]["targets"]["tp"] == 1
    # per document: a table with nothing to find and nothing found is shown as —, not as 0.000
    doc_line = next(line for line in format_report(result).splitlines() if line.startswith(DOC))
    assert doc_line.split()[1:] == ["1.000", "—", "—", "—", "—"]


def test_eval_reports_per_declared_kind_and_writes_the_misses(tmp_path):
    from pipeline.evaluation.evaluate import format_misses
    gold_dir, pred_dir = tmp_path / "gold", tmp_path / "pred"
    gold_dir.mkdir()
    other = "bulletin.html"
    (gold_dir / f"{DOC}.targets.jsonl").write_text(json.dumps(gold_target(), ensure_ascii=False) + "\n", "utf-8")
    for table in ("targets", "deadlines", "responsibilities", "enterprises"):
        (gold_dir / f"{other}.{table}.jsonl").write_text("", "utf-8")
    for table in ("deadlines", "responsibilities", "enterprises"):
        (gold_dir / f"{DOC}.{table}.jsonl").write_text("", "utf-8")
    (gold_dir / "kinds.tsv").write_text(f"# doc\tkind\n{DOC}\taction_plan\n{other}\tstatistical_bulletin\n", "utf-8")
    docs = [models.DocumentRow(doc_id=i, source_path=name, source_format="txt", encoding="utf-8",
                               script="simplified", title=None, issuer=None, doc_number=None, issue_date=None,
                               period_start=None, period_end=None, kind=kind, n_chars=1, text="x")
            for i, name, kind in (("a", DOC, "action_plan"), ("b", other, "notice"))]
    # the bulletin gets one invented target: it must show under its declared kind, not in a total only
    invented = models.TargetRow(doc_id="b", target_id="b-T1", section_id=None, sentence="全年增长5.0%。",
                                char_start=0, char_end=4, indicator=None, value_text="5.0%", value_low=5.0,
                                value_high=5.0, unit="%", value_base=5.0, unit_base="%", bound="exact",
                                aspirational=False, change=None, target_year=None, baseline_year=None, indicator_code=None,
                                binding=None, rule_id="target.value", qualifiers=())
    write_table(to_table("documents", docs), pred_dir / "documents.parquet")
    write_table(to_table("targets", [invented]), pred_dir / "targets.parquet")
    result = evaluate(pred_dir, gold_dir)
    assert result["per_kind"]["statistical_bulletin"]["targets"] == {
        "p": 0.0, "r": 0.0, "f1": 0.0, "tp": 0, "fp": 1, "fn": 0}
    assert result["per_kind"]["action_plan"]["targets"]["fn"] == 1
    assert result["overall"]["kind_accuracy"] == {"accuracy": 0.5, "correct": 1, "total": 2}
    misses = format_misses(result)
    assert "## bulletin.html (statistical_bulletin)" in misses
    assert "- target spurious: 5.0% [5.0–5.0 %] (target.value) in 「全年增长5.0%。」" in misses
    assert "- target missed: 30-40家" in misses


def test_the_panel_is_scored_value_by_value_against_a_hand_made_one(tmp_path):
    import pandas as pd

    from pipeline.evaluation.evaluate import score_panel
    gold_dir, pred_dir = tmp_path / "gold", tmp_path / "pred"
    gold_dir.mkdir()
    pred_dir.mkdir()
    (gold_dir / "panel.csv").write_text(
        "place_name,year,indicator,target_low,target_high,actual,unit\n"
        "某省,2025,gdp_growth,5,5,5.2,%\n"
        "某省,2026,gdp_growth,4.5,5,,%\n"
        "某省,2025,cpi,,,0.3,%\n"
        "某市某区,2025,gdp_growth,,,6.0,%\n", "utf-8")
    pd.DataFrame([
        {"place_code": "1", "place_name": "某省", "year": 2025, "indicator_code": "gdp_growth",
         "target_low": 5.0, "target_high": 5.0, "actual": 5.1},
        {"place_code": "1", "place_name": "某省", "year": 2026, "indicator_code": "gdp_growth",
         "target_low": 4.5, "target_high": 5.0, "actual": 4.9},
        # the full chain of a district matches the short form a person wrote
        {"place_code": "2", "place_name": "某省某市某区", "year": 2025, "indicator_code": "gdp_growth",
         "target_low": None, "target_high": None, "actual": 6.0},
    ]).to_parquet(pred_dir / "panel.parquet")
    result = score_panel(pred_dir, gold_dir)
    # 5, 5 right and 5.1 wrong (2025); 4.5, 5 right and an outcome the gold has not (2026); cpi missing
    assert {k: result[k] for k in ("gold_values", "correct", "wrong", "missing", "extra")} == {
        "gold_values": 7, "correct": 5, "wrong": 1, "missing": 1, "extra": 1}
