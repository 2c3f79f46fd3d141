"""``make bench``: throughput, scaling, memory and start-up on a synthetic corpus.

The corpus is generated on the fly (never committed) by recombining the
paragraphs of the sample documents with a seeded random generator: each
synthetic document takes a title, then a run of headed sections whose
paragraphs come from different samples, so it has the sample corpus's
vocabulary, outline and layout mess but is not a copy of any one file.

Every figure is a ratio against a reference measured in the same run:
``jieba.lcut`` over the same texts in the same process (the segmentation
floor) for throughput; the one-worker run for speed-up; the local engine for
Dask. Nothing here asserts a time.

The pathological case: the same sentences as one line of ``--pathological-chars``
characters (no line break at all) vs as ordinary lines, and a run of 200,000
digits vs as many characters of ordinary sentences; each is one document through
every stage in this process, and the figure is the ratio of the two times (1.0:
a long line costs what its characters cost).
"""
from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ..tables.export import write_json

HEADINGS = ("一、", "二、", "三、", "四、", "五、", "六、")
SUBHEADINGS = ("（一）", "（二）", "（三）", "（四）")


def _paragraphs(raw_dir: Path) -> list[str]:
    paras: list[str] = []
    for path in sorted(raw_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        paras.extend(p.strip() for p in text.split("\n") if len(p.strip()) >= 40)
    if not paras:
        raise SystemExit(f"no sample paragraphs found in {raw_dir}")
    return paras


def build_corpus(raw_dir: Path, out_dir: Path, n_docs: int, chars_per_doc: int, seed: int = 20261122) -> dict:
    """Write ``n_docs`` synthetic documents; returns {'docs', 'chars', 'texts'} (texts for the jieba floor)."""
    rng = random.Random(seed)
    paras = _paragraphs(raw_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    texts: list[str] = []
    for i in range(n_docs):
        year = rng.choice((2021, 2022, 2023, 2024))
        lines = [f"某市推进制造业高质量发展三年行动计划（{year}-{year + 2}年）", ""]
        size, h = 0, 0
        while size < chars_per_doc:
            lines.append(f"{HEADINGS[h % len(HEADINGS)]}重点任务{h + 1}")
            for k in range(rng.randint(1, 3)):
                lines.append(f"{SUBHEADINGS[k]}推进措施{k + 1}")
                for _ in range(rng.randint(1, 3)):
                    para = rng.choice(paras)
                    lines.append(para)
                    size += len(para)
            h += 1
        text = "\n".join(lines) + "\n"
        # a share of the corpus in GB18030, as real collections are
        encoding = "gb18030" if i % 5 == 0 else "utf-8"
        (out_dir / f"doc_{i:05d}.txt").write_bytes(text.encode(encoding, errors="replace"))
        texts.append(text)
    return {"docs": n_docs, "chars": sum(len(t) for t in texts), "texts": texts}


def _startup_seconds(rules_dir: Path) -> float:
    """Import + load every extractor in a fresh interpreter, as a user's run pays it."""
    code = ("import time; t=time.perf_counter(); from pathlib import Path; "
            "from pipeline.extract import Extractors; Extractors.from_rules(Path(%r)); "
            "print(time.perf_counter()-t)" % str(rules_dir))
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def _jieba_floor(texts: list[str]) -> float:
    import jieba
    jieba.initialize()
    t = time.perf_counter()
    for text in texts:
        jieba.lcut(text)
    return time.perf_counter() - t


def _timed_run(engine_name: str, workers: int, corpus_dir: Path, out_dir: Path, rules_dir: Path) -> float:
    from ..extract import Extractors
    from ..extract.rules import rules_fingerprint
    from ..run.runner import make_engine
    from ..run.runner import extract_with_engine

    extractors = Extractors.from_rules(rules_dir) if workers == 1 and engine_name == "local" else None
    engine = make_engine(engine_name, workers, rules_dir, extractors=extractors)  # start-up not timed
    try:
        t = time.perf_counter()
        extract_with_engine(corpus_dir, out_dir, engine, rules_fingerprint(rules_dir), engine_name=engine_name,
                            incremental=False, progress=False)
        return time.perf_counter() - t
    finally:
        engine.close()


def _one_document_seconds(text: str, work_dir: Path, name: str, extractors: Any) -> float:
    from ..run.budget import Budget, RunOptions
    from ..run.process import process_file

    path = work_dir / name
    path.write_text(text, encoding="utf-8")
    t = time.perf_counter()
    result = process_file(path, work_dir, extractors, RunOptions(budget=Budget(seconds=0)))
    seconds = time.perf_counter() - t
    if not result.documents:
        raise SystemExit(f"the pathological case {name} lost its document: {result.errors}")
    return seconds


def pathological(raw_dir: Path, rules_dir: Path, n_chars: int, work_dir: Path) -> dict[str, Any]:
    """One long line vs the same sentences as lines; a digit run vs ordinary text of its length."""
    from ..extract import Extractors

    extractors = Extractors.from_rules(rules_dir)
    paras = _paragraphs(raw_dir)
    rng = random.Random(20261203)
    lines, size = [], 0
    while size < n_chars:
        para = rng.choice(paras)
        lines.append(para)
        size += len(para)
    ordinary = _one_document_seconds("\n".join(lines), work_dir, "ordinary.txt", extractors)
    one_line = _one_document_seconds("".join(lines), work_dir, "one_line.txt", extractors)
    n_digits = 200_000
    prose = "\n".join(lines)[:n_digits]
    prose_s = _one_document_seconds(prose, work_dir, "prose.txt", extractors)
    digits_s = _one_document_seconds("7" * n_digits, work_dir, "digits.txt", extractors)
    return {"chars": size, "ratio_one_line_vs_lines": round(one_line / ordinary, 3),
            "ratio_digit_run_vs_prose": round(digits_s / prose_s, 3),
            "seconds": {"lines": round(ordinary, 2), "one_line": round(one_line, 2),
                        "prose_200k": round(prose_s, 2), "digits_200k": round(digits_s, 2)}}


def _peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux; children = the largest finished worker process
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, kids) / 1024, 1)


def run_bench(raw_dir: Path, rules_dir: Path, n_docs: int, chars_per_doc: int, work_dir: Path,
              pathological_chars: int = 0) -> dict[str, Any]:
    corpus_dir = work_dir / "corpus"
    corpus = build_corpus(raw_dir, corpus_dir, n_docs, chars_per_doc)
    chars = corpus["chars"]
    startup = _startup_seconds(rules_dir)
    texts = corpus.pop("texts")
    # the floor is measured before and after the 1-worker run and averaged: the machine's speed drifts
    # (frequency scaling, a neighbour's load) by more than the margins being checked
    jieba_before = _jieba_floor(texts)
    local1 = _timed_run("local", 1, corpus_dir, work_dir / "out-local1", rules_dir)
    jieba_after = _jieba_floor(texts)
    del texts
    jieba_s = (jieba_before + jieba_after) / 2
    local2 = _timed_run("local", 2, corpus_dir, work_dir / "out-local2", rules_dir)
    dask2 = _timed_run("dask", 2, corpus_dir, work_dir / "out-dask2", rules_dir)
    dask1 = _timed_run("dask", 1, corpus_dir, work_dir / "out-dask1", rules_dir)
    result = {
        "chars": chars,
        "docs": corpus["docs"],
        "throughput_chars_per_s": round(chars / local1),
        "jieba_chars_per_s": round(chars / jieba_s),
        "ratio_vs_jieba": round(jieba_s / local1, 3),
        "speedup_local_2": round(local1 / local2, 3),
        "speedup_dask_2": round(dask1 / dask2, 3),
        "dask_vs_local": round(local2 / dask2, 3),
        "peak_rss_mb": _peak_rss_mb(),
        "startup_s": round(startup, 3),
        "seconds": {"jieba": round(jieba_s, 2), "jieba_before": round(jieba_before, 2),
                    "jieba_after": round(jieba_after, 2), "local_1": round(local1, 2), "local_2": round(local2, 2),
                    "dask_1": round(dask1, 2), "dask_2": round(dask2, 2)},
    }
    if pathological_chars:
        result["pathological"] = pathological(raw_dir, rules_dir, pathological_chars, work_dir)
    return result


def format_bench(r: dict[str, Any]) -> str:
    rows = [
        ("corpus", f"{r['docs']} docs, {r['chars']:,} chars"),
        ("throughput, 1 worker", f"{r['throughput_chars_per_s']:,} chars/s"),
        ("jieba.lcut, same texts", f"{r['jieba_chars_per_s']:,} chars/s"),
        ("ratio vs jieba (≥ 0.7)", f"{r['ratio_vs_jieba']:.3f}"),
        ("speed-up local 2 vs 1 (≥ 1.6)", f"{r['speedup_local_2']:.3f}"),
        ("speed-up dask 2 vs 1", f"{r['speedup_dask_2']:.3f}"),
        ("dask vs local, 2 workers (≥ 0.75)", f"{r['dask_vs_local']:.3f}"),
        ("peak RSS (< 2048 MB)", f"{r['peak_rss_mb']} MB"),
        ("start-up (import + load)", f"{r['startup_s']} s"),
    ]
    if "pathological" in r:
        p = r["pathological"]
        rows += [(f"{p['chars']:,}-char line vs as lines (≈ 1)", f"{p['ratio_one_line_vs_lines']:.3f}"),
                 ("200,000-digit run vs prose (≈ 1)", f"{p['ratio_digit_run_vs_prose']:.3f}")]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k:{width}s}  {v}" for k, v in rows)


def main(argv: list[str] | None = None) -> int:
    from .. import DEFAULT_RULES_DIR

    parser = argparse.ArgumentParser(prog="python -m pipeline.evaluation.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--raw", default="raw", help="sample documents to recombine")
    parser.add_argument("--rules", default=str(DEFAULT_RULES_DIR))
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--chars-per-doc", type=int, default=5000)
    parser.add_argument("--pathological-chars", type=int, default=5_000_000,
                        help="length of the one-line pathological document (0: skip the case)")
    parser.add_argument("--output", default="extracted/bench.json")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="policy-bench-") as tmp:
        result = run_bench(Path(args.raw), Path(args.rules), args.docs, args.chars_per_doc, Path(tmp),
                           args.pathological_chars)
    print(format_bench(result))
    write_json(result, Path(args.output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
