"""Leave-one-document-out evaluation on documents written for these tests."""
from __future__ import annotations

import json
from pathlib import Path

from pipeline.__main__ import main
from pipeline.evaluation.lodo import exclusion_set, format_lodo, run_lodo
from pipeline.extract.orgs import Gazetteer

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"


def write_gold(gold: Path, doc: str, names: list[tuple[str, bool]]) -> None:
    lines = [json.dumps({"doc": doc, "name": n, "snippet": n, "embedded": e, "role": None}, ensure_ascii=False)
             for n, e in names]
    (gold / f"{doc}.enterprises.jsonl").write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")


def corpus(tmp_path: Path) -> tuple[Path, Path]:
    raw, gold = tmp_path / "raw", tmp_path / "gold"
    raw.mkdir()
    gold.mkdir()
    (raw / "a.txt").write_text(
        "某省制造业高质量发展行动方案\n一、重点任务\n深化与华为、比亚迪等头部企业合作。"
        "推进宁德时代未来能源研究院建设。\n", encoding="utf-8")
    (raw / "b.txt").write_text("某市政府工作报告\n一、工作回顾\n全年地区生产总值增长5%。\n", encoding="utf-8")
    write_gold(gold, "a.txt", [("华为", False), ("比亚迪", False), ("宁德时代", True)])
    write_gold(gold, "b.txt", [])
    return raw, gold


def test_exclusion_set_adds_canonicals():
    gaz = Gazetteer.load(RULES_DIR / "gazetteers")
    assert exclusion_set(["华为技术有限公司", "凯胜智控"], gaz) == {"华为技术有限公司", "华为", "凯胜智控"}


def test_lodo_recall_without_the_documents_names(tmp_path):
    raw, gold = corpus(tmp_path)
    result = run_lodo(raw, gold, RULES_DIR)
    a = result["per_document"]["a.txt"]
    assert set(a["excluded"]) >= {"华为", "比亚迪", "宁德时代"}
    assert a["recall"] == 1.0 and a["recall_no_embedded"] == 1.0 and a["missed"] == []
    assert result["per_document"]["b.txt"]["recall"] is None          # no gold: left out of the average
    assert result["average_recall"] == 1.0
    text = format_lodo(result)
    assert "a.txt" in text and "average (docs with gold)" in text and "n/a" in text


def test_lodo_command_writes_json(tmp_path, capsys):
    raw, gold = corpus(tmp_path)
    out = tmp_path / "lodo.json"
    assert main(["lodo", "--input", str(raw), "--gold", str(gold), "--output", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["average_recall"] == 1.0
    assert "leave-one-document-out" in capsys.readouterr().out
