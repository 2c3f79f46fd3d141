"""The benchmark's synthetic corpus (no timings are asserted anywhere)."""
from pathlib import Path

from pipeline.evaluation.bench import build_corpus, format_bench

RAW = Path(__file__).resolve().parent.parent / "raw"


def test_corpus_is_deterministic_sized_and_mixed_encoding(tmp_path):
    a = build_corpus(RAW, tmp_path / "a", n_docs=10, chars_per_doc=3000)
    b = build_corpus(RAW, tmp_path / "b", n_docs=10, chars_per_doc=3000)
    files_a = sorted((tmp_path / "a").iterdir())
    assert [p.name for p in files_a][:2] == ["doc_00000.txt", "doc_00001.txt"] and len(files_a) == 10
    assert [p.read_bytes() for p in files_a] == [p.read_bytes() for p in sorted((tmp_path / "b").iterdir())]
    assert a["chars"] == b["chars"] and a["chars"] >= 10 * 3000
    assert files_a[0].read_bytes().decode("gb18030").startswith("某市推进制造业高质量发展三年行动计划")
    assert "一、重点任务1" in files_a[1].read_text(encoding="utf-8")


def test_format_bench_names_each_figure():
    r = {"docs": 2, "chars": 10_000, "throughput_chars_per_s": 1000, "jieba_chars_per_s": 1200,
         "ratio_vs_jieba": 0.833, "speedup_local_2": 1.8, "speedup_dask_2": 1.7, "dask_vs_local": 0.9,
         "peak_rss_mb": 512.0, "startup_s": 1.5}
    text = format_bench(r)
    assert "ratio vs jieba (≥ 0.7)             0.833" in text
    assert "2 docs, 10,000 chars" in text
