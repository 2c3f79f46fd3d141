"""The HTML review report: span segmentation, escaping, offset checks, and the pages in headless Chromium."""
from __future__ import annotations

import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from lxml import html as lhtml

from pipeline.__main__ import main
from pipeline.tables.report import (
    REPORT_MARKER,
    ReportOutputError,
    Span,
    build_pages,
    render_text,
    write_report,
)

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "extracted" / "test-artifacts"
DOC0 = "7f6ce235b76d7c07"  # raw/000_0f004923c64f4588.txt


# --- helpers --------------------------------------------------------------------------------

def _fragment(markup: str):
    return lhtml.fragment_fromstring(f'<div id="doc-text">{markup}</div>')


def span_texts(root) -> dict[str, str]:
    """anchor → the text of its span, concatenated over its segments, as the DOM has it."""
    out: dict[str, str] = {}
    for mark in root.iter("mark"):
        anchor = mark.get("data-span")
        seg_text = mark.text_content()
        out[anchor] = out.get(anchor, "") + seg_text
    return out


def _doc(text: str, doc_id: str = "D1") -> dict:
    return {"doc_id": doc_id, "source_path": "x.txt", "source_format": "txt", "encoding": "utf-8",
            "script": "simplified", "title": "测试<文件>", "issuer": None, "doc_number": None, "issue_date": None,
            "period_start": None, "period_end": None, "n_chars": len(text), "text": text}


def _target(doc_id, tid, s, e, value_text, **kw):
    row = dict(doc_id=doc_id, target_id=tid, section_id=0, sentence="", char_start=s, char_end=e,
               indicator=None, value_text=value_text, value_low=None, value_high=None, unit="",
               value_base=None, unit_base=None, bound="exact", aspirational=False, change=None,
               target_year=None, baseline_year=None, binding=None, rule_id="r", qualifiers=[])
    row.update(kw)
    return row


def _deadline(doc_id, did, s, e, text):
    return dict(doc_id=doc_id, deadline_id=did, section_id=0, sentence="", char_start=s, char_end=e, text=text,
                kind="by", start_date=None, end_date=None, rule_id="r")


def _resp(doc_id, cid, s, e, clause, unit, position, role="lead"):
    return dict(doc_id=doc_id, clause_id=cid, section_id=0, task="t", clause=clause, marker="牵头单位",
                unit=unit, unit_canonical=unit, unit_type="district_bureau", role=role, position=position,
                char_start=s, char_end=e, rule_id="r")


def _entity(doc_id, mid, s, e, text, **kw):
    row = dict(doc_id=doc_id, mention_id=mid, section_id=0, sentence="", char_start=s, char_end=e, text=text,
               canonical=text, type="enterprise", embedded=False, context_role=None, method="gazetteer")
    row.update(kw)
    return row


# A constructed document: a target inside a deadline-overlapping stretch, an entity overlapping
# the target, a clause with two units (one written with a space inside), markup to escape, and
# rows whose offsets do not point at their text.
TEXT = ("到2025年，<b>华为&公司\"</b>产值达到100亿元以上。"
        "（牵头单位：区经 委、区科委）\n第二行")
_I = TEXT.index


def constructed_tables() -> dict[str, list[dict]]:
    s_target = _I("100亿元以上")
    s_ent = _I("华为&公司")
    s_clause = _I("牵头单位")
    e_clause = _I("）\n")
    clause = TEXT[s_clause:e_clause]
    return {
        "documents": [_doc(TEXT)],
        "sections": [],
        "targets": [
            _target("D1", "T-ok", s_target, s_target + 7, "100亿元以上", value_low=1e10, value_high=1e10,
                    unit="亿元", bound="min", target_year=2025, indicator="产值<\"&'>"),
            _target("D1", "T-bad", 0, 3, "不在这里"),             # offsets point at other text
            _target("D1", "T-out", 500, 510, "越界"),             # out of range
        ],
        "deadlines": [_deadline("D1", "DL1", 0, 6, "到2025年"),
                      _deadline("D1", "DL2", s_ent - 4, s_target + 3, TEXT[s_ent - 4:s_target + 3])],
        "responsibilities": [_resp("D1", "C1", s_clause, e_clause, clause, "区经委", 1),
                             _resp("D1", "C1", s_clause, e_clause, clause, "区科委", 2, role="co"),
                             _resp("D1", "C1", s_clause, e_clause, clause, "区商务委", 3, role="co")],
        "entities": [_entity("D1", "E1", s_ent, s_ent + 5, "华为&公司", context_role="链主企业"),
                     _entity("D1", "E2", s_ent, s_ent + 2, "华为", embedded=True),
                     _entity("D1", "E-bad", 1, 3, "华为")],
        "errors": [{"source_path": "bad<1>.pdf", "stage": "ingest", "error": "corrupt", "message": "x & y"}],
    }


# --- segmentation and escaping --------------------------------------------------------------

def test_render_text_overlapping_and_nested_spans():
    text = "ABCDEFG"
    spans = [Span("target", 0, 4, "t-0", "T", "t0"), Span("deadline", 2, 6, "d-0", "D", "d0"),
             Span("unit", 3, 4, "u-0", "U", "u0"), Span("entity", 6, 6, "e-0", "empty", "e0")]
    root = _fragment(render_text(text, spans))
    assert root.text_content() == text
    assert span_texts(root) == {"t-0": "ABCD", "d-0": "CDEF", "u-0": "D"}
    segs = root.find_class("seg")
    # cuts at 0, 2, 3, 4, 6: segments AB | C | D | EF (G is plain text)
    assert [s.text_content() for s in segs] == ["AB", "C", "D", "EF"]
    assert [s.get("data-spans") for s in segs] == ["t-0", "t-0 d-0", "t-0 d-0 u-0", "d-0"]
    d = segs[2]  # "D" is covered by all three; the longest/earliest span is outermost
    assert [m.get("data-span") for m in d.iter("mark")] == ["t-0", "d-0", "u-0"]
    assert d.get("title") == "T\n\nD\n\nU"
    # each span gets exactly one anchor, just before its first segment
    assert [a.get("id") for a in root.iter("a")] == ["t-0", "d-0", "u-0"]


def test_render_text_escapes_text_and_tooltips():
    text = '<script>alert("x")</script> & ok'
    markup = render_text(text, [Span("target", 0, 8, "t-0", 'a "quoted" <tip> & more', "t0")])
    assert "<script>" not in markup and "&lt;script&gt;" in markup and "&amp; ok" in markup
    root = _fragment(markup)
    assert root.text_content() == text
    assert not root.findall(".//script")
    assert root.find_class("seg")[0].get("title") == 'a "quoted" <tip> & more'


def test_collect_spans_checks_offsets_and_locates_units():
    pages, orphans = build_pages(constructed_tables())
    (page,) = pages
    assert orphans == {}
    by_kind = {}
    for s in page.spans:
        by_kind.setdefault(s.kind, []).append((TEXT[s.start:s.end], s.row_id))
    assert by_kind["target"] == [("100亿元以上", "T-ok")]
    assert by_kind["clause"] == [("牵头单位：区经 委、区科委", "C1")]
    # units found inside their clause; 区经委 is written with a space in the text
    assert by_kind["unit"] == [("区经 委", "C1 #1"), ("区科委", "C1 #2")]
    assert by_kind["entity"] == [("华为&公司", "E1"), ("华为", "E2")]
    problems = {(p.table, p.row_id): p for p in page.problems}
    assert set(problems) == {("targets", "T-bad"), ("targets", "T-out"), ("entities", "E-bad")}
    assert problems[("targets", "T-bad")].found == "到20"
    assert problems[("targets", "T-bad")].reason == "the text at these offsets differs"
    assert problems[("targets", "T-out")].reason.startswith("offsets out of range")
    assert page.notes == ["responsibilities C1 #3: unit '区商务委' is not written inside its clause; "
                          "only the clause is highlighted"]
    tip = next(s.tip for s in page.spans if s.row_id == "T-ok")
    assert "value: 10000000000 亿元" in tip and "bound: min" in tip and "target_year: 2025" in tip


def test_responsibility_clause_offsets_not_matching_are_reported():
    tables = constructed_tables()
    tables["responsibilities"] = [_resp("D1", "C9", 0, 4, "别的文字", "区经委", 1)]
    (page,), _ = build_pages(tables)
    assert [(p.table, p.row_id, p.found) for p in page.problems if p.table == "responsibilities"] == \
        [("responsibilities", "C9 #1", "到202")]
    assert not [s for s in page.spans if s.kind in ("clause", "unit")]


def test_write_report_constructed_rows(tmp_path):
    out = tmp_path / "report"
    write_report(constructed_tables(), out)
    (out / "stale.html").write_text("old")  # an earlier report's leftover
    summary = write_report(constructed_tables(), out, generated="2026-01-01T00:00:00+00:00")
    assert summary == {"documents": 1, "spans": 8, "offset_problems": 3, "orphan_rows": {}}
    assert sorted(p.name for p in out.iterdir()) == [REPORT_MARKER, "dictionary.html", "doc-D1.html",
                                                     "index.html", "summary.json"]  # replaced as a whole
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp folder left
    page = lhtml.fromstring((out / "doc-D1.html").read_text(encoding="utf-8"))
    assert page.get_element_by_id("doc-text").text_content() == TEXT
    assert page.get_element_by_id("n-problems").text_content() == "3"
    problems = page.get_element_by_id("problems-table")
    assert [tr[1].text_content() for tr in problems.iter("tr")][1:] == ["T-bad", "T-out", "E-bad"]
    assert "测试<文件>" in page.find(".//h1").text_content()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "bad&lt;1&gt;.pdf" in index and "x &amp; y" in index
    idx = lhtml.fromstring(index)
    cells = [td.text_content() for td in idx.get_element_by_id("documents").iter("td")]
    assert cells == ["测试<文件>", "x.txt", str(len(TEXT)), "0", "3", "2", "3", "1", "3", "8", "3"]


def test_orphan_rows_are_listed(tmp_path):
    tables = constructed_tables()
    tables["targets"].append(_target("NOPE", "T-x", 0, 1, "到"))
    summary = write_report(tables, tmp_path / "r")
    assert summary["orphan_rows"] == {"targets": 1}
    assert "1 row(s) whose doc_id is not in documents" in (tmp_path / "r" / "index.html").read_text()


def test_report_never_replaces_a_folder_it_did_not_write(tmp_path):
    tables_dir = tmp_path / "extracted"
    tables_dir.mkdir()
    (tables_dir / "targets.parquet").write_bytes(b"PAR1 data a researcher needs")
    with pytest.raises(ReportOutputError, match="holds no earlier report"):
        write_report(constructed_tables(), tables_dir)
    assert (tables_dir / "targets.parquet").read_bytes() == b"PAR1 data a researcher needs"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["extracted"]  # no temp folder left
    empty = tmp_path / "empty"
    empty.mkdir()
    assert write_report(constructed_tables(), empty)["documents"] == 1


def test_a_report_written_before_the_marker_is_replaced(tmp_path):
    old = tmp_path / "report"
    old.mkdir()
    for name in ("index.html", "summary.json", "dictionary.html", "doc-D1.html"):
        (old / name).write_text("old report")
    assert write_report(constructed_tables(), old)["documents"] == 1
    assert (old / REPORT_MARKER).is_file() and (old / "index.html").read_text() != "old report"


def test_report_cli_refuses_its_input_folder_as_output(tmp_path):
    assert main(["extract", "--input", str(ROOT / "raw"), "--output", str(tmp_path), "--no-publish"]) == 0
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["report", "--input", str(tmp_path), "--output", str(tmp_path)]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert "targets.parquet" in before


def test_report_cli_needs_extracted_tables(tmp_path):
    assert main(["report", "--input", str(tmp_path), "--output", str(tmp_path / "r")]) == 2
    assert not (tmp_path / "r").exists()


# --- in a real browser ----------------------------------------------------------------------

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
                  "--disable-default-apps", "--mute-audio"]


def chromium() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("headless Chromium not found at /usr/bin/chromium: run `make browser` "
                    "(apt-get install -y chromium); `make test` does it for you")
    return path


def run_chromium(tmp_path: Path, url: str, *extra: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    cmd = [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, url]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


def dump_dom(tmp_path: Path, page: Path):
    proc = run_chromium(tmp_path, page.resolve().as_uri(), "--dump-dom")
    assert proc.stdout.strip(), "chromium printed no DOM"
    return lhtml.fromstring(proc.stdout)


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("samples")
    assert main(["extract", "--input", str(ROOT / "raw"), "--output", str(out), "--no-publish"]) == 0
    assert main(["report", "--input", str(out), "--output", str(out / "report")]) == 0
    return out


def test_every_sample_page_renders_in_chromium(sample_report, tmp_path):
    docs = pq.read_table(sample_report / "documents.parquet").to_pylist()
    assert len(docs) == 5
    counts = {name: Counter(pq.read_table(sample_report / f"{name}.parquet").column("doc_id").to_pylist())
              for name in ("targets", "deadlines", "responsibilities", "entities")}
    pages = {p.name for p in (sample_report / "report").glob("doc-*.html")}
    assert pages == {f"doc-{d['doc_id']}.html" for d in docs}
    for doc in docs:
        dom = dump_dom(tmp_path, sample_report / "report" / f"doc-{doc['doc_id']}.html")
        assert dom.get_element_by_id("doc-text").text_content() == doc["text"], doc["source_path"]
        check = dom.get_element_by_id("selfcheck")
        assert check.get("data-result") == "pass", check.text_content()
        # every row table with two rows or more was sorted both ways and checked
        expected = sum(1 for name in ("targets", "deadlines", "responsibilities", "entities")
                       if counts[name].get(doc["doc_id"], 0) >= 2)
        assert int(check.get("data-tables")) == expected >= 2
        assert dom.get_element_by_id("n-problems").text_content() == "0"
    index = dump_dom(tmp_path, sample_report / "report" / "index.html")
    assert index.get_element_by_id("selfcheck").get("data-result") == "pass"
    links = [a.get("href") for a in index.get_element_by_id("documents").iter("a")]
    assert sorted(links) == sorted(pages)


def test_sample_spans_highlighted_at_their_characters_in_chromium(sample_report, tmp_path):
    page = sample_report / "report" / f"doc-{DOC0}.html"
    dom = dump_dom(tmp_path, page)
    text_el = dom.get_element_by_id("doc-text")
    texts = span_texts(text_el)
    marks: dict[str, list] = {}
    for m in text_el.iter("mark"):
        marks.setdefault(m.get("data-span"), []).append(m)
    anchors = [a.get("id") for a in text_el.iter("a")]
    doc_text = text_el.text_content()

    # every target of the document is highlighted at exactly its value_text
    targets = [t for t in pq.read_table(sample_report / "targets.parquet").to_pylist() if t["doc_id"] == DOC0]
    target_anchors = sorted((a for a in anchors if a.startswith("t-")), key=lambda a: int(a[2:]))
    assert [texts[a] for a in target_anchors] == [t["value_text"] for t in targets]

    # a specific one: 力争培育30-40家专精特新“小巨人”企业 at characters 1185–1191
    assert doc_text[1185:1191] == "30-40家"
    (t_anchor,) = [a for a, t in zip(target_anchors, targets) if t["char_start"] == 1185]
    assert texts[t_anchor] == "30-40家"
    (t_mark,) = marks[t_anchor]
    seg = t_mark.getparent()
    while seg.get("class") != "seg":
        seg = seg.getparent()
    title = seg.get("title")
    assert "TARGET 7f6ce235b76d7c07-T1185-1191: 30-40家" in title
    assert "value: 30 – 40 家" in title and "bound: range" in title and "target_year: 2024" in title
    assert "indicator: 专精特新“小巨人”企业" in title and "qualifiers: 力争" in title
    assert t_mark.get("class") == "hl hl-target"

    # the clause 责任单位：区经委、区科委 (1877–1889) and its two units inside it
    assert doc_text[1877:1889] == "责任单位：区经委、区科委"
    clause_anchors = [a for a in anchors if a.startswith("c-") and texts[a] == "责任单位：区经委、区科委"]
    assert clause_anchors
    units = [m for cm in marks[clause_anchors[0]] for m in cm.iter("mark") if m.get("class") == "hl hl-unit"]
    assert [m.text_content() for m in units] == ["区经委", "区科委"]
    unit_seg = units[0].getparent()
    while unit_seg.get("class") != "seg":
        unit_seg = unit_seg.getparent()
    assert "RESPONSIBLE UNIT 区经委 (#1 in 7f6ce235b76d7c07-R1877)" in unit_seg.get("title")
    assert "unit_type: district_bureau" in unit_seg.get("title")

    # the deadline 到2024年 and the period in the title
    deadline_texts = {texts[a] for a in anchors if a.startswith("d-")}
    assert {"到2024年", "（2022-2024年）", "经过三年努力"} <= deadline_texts

    # the legend names every kind with its colour class
    legend = dom.get_element_by_id("legend")
    assert [m.get("class") for m in legend.iter("mark")] == \
        ["hl hl-target", "hl hl-deadline", "hl hl-clause", "hl hl-unit", "hl hl-entity"]

    # the row tables' links point at anchors that exist in the text
    rows = dom.get_element_by_id("rows-targets")
    hrefs = [a.get("href")[1:] for a in rows.iter("a")]
    assert len(hrefs) == len(targets) and set(hrefs) <= set(anchors)

    # a screenshot for people to look at (git-ignored)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "report-doc-000.png"
    shot.unlink(missing_ok=True)
    run_chromium(tmp_path, page.resolve().as_uri(), "--window-size=1280,1600", f"--screenshot={shot}")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(data[16:20], "big") == 1280 and int.from_bytes(data[20:24], "big") == 1600


def test_constructed_entities_overlaps_and_escaping_in_chromium(tmp_path):
    out = tmp_path / "report"
    write_report(constructed_tables(), out)
    dom = dump_dom(tmp_path, out / "doc-D1.html")
    text_el = dom.get_element_by_id("doc-text")
    assert text_el.text_content() == TEXT
    assert not text_el.findall(".//b")  # <b> in the text stayed text
    texts = span_texts(text_el)
    kinds = {m.get("data-span"): m.get("class") for m in text_el.iter("mark")}
    by_text = {(kinds[a], t) for a, t in texts.items()}
    assert by_text == {("hl hl-target", "100亿元以上"), ("hl hl-deadline", "到2025年"),
                       ("hl hl-deadline", TEXT[TEXT.index("华为") - 4:TEXT.index("100亿") + 3]),
                       ("hl hl-entity", "华为&公司"), ("hl hl-entity", "华为"),
                       ("hl hl-clause", "牵头单位：区经 委、区科委"),
                       ("hl hl-unit", "区经 委"), ("hl hl-unit", "区科委")}
    # 华 is inside a deadline, an entity and an embedded entity at once
    hua = next(s for s in text_el.find_class("seg") if s.text_content() == "华为")
    assert [m.get("class") for m in hua.iter("mark")] == ["hl hl-deadline", "hl hl-entity", "hl hl-entity"]
    assert "ENTITY E1: 华为&公司" in hua.get("title") and "context_role: 链主企业" in hua.get("title")
    assert "embedded: true" in hua.get("title")
    assert dom.get_element_by_id("selfcheck").get("data-result") == "pass"
    assert dom.get_element_by_id("n-problems").text_content() == "3"
    assert "indicator: 产值<\"&'>" in next(s.get("title") for s in text_el.find_class("seg")
                                           if "TARGET T-ok" in (s.get("title") or ""))


# --- the panel page -------------------------------------------------------------------------

def _panel_row(place, name, year, code, low, high, actual, unit="%"):
    return dict(place_code=place, place_name=name, year=year, indicator_code=code, target_low=low,
                target_high=high, target_doc_id=None if low is None else f"doc{year}",
                target_id=None if low is None else f"t{year}", actual=actual,
                actual_doc_id=None if actual is None else f"doc{year + 1}",
                achievement_id=None if actual is None else f"a{year}", unit=unit)


PANEL = [  # the country: outcomes 2020-2024, targets 2021-2025; a province: two years; cpi for the country
    _panel_row("000000", "中华人民共和国", 2020, "gdp_growth", None, None, 2.3),
    _panel_row("000000", "中华人民共和国", 2021, "gdp_growth", 6.0, 6.0, 8.1),
    _panel_row("000000", "中华人民共和国", 2022, "gdp_growth", 5.5, 5.5, 3.0),
    _panel_row("000000", "中华人民共和国", 2023, "gdp_growth", 5.0, 5.0, 5.2),
    _panel_row("000000", "中华人民共和国", 2024, "gdp_growth", 5.0, 5.0, 5.0),
    _panel_row("000000", "中华人民共和国", 2025, "gdp_growth", 5.0, 5.0, None),
    _panel_row("440000", "广东省", 2025, "gdp_growth", 5.0, 5.0, 3.9),
    _panel_row("440000", "广东省", 2026, "gdp_growth", 4.5, 5.0, None),
    _panel_row("000000", "中华人民共和国", 2023, "cpi", 3.0, 3.0, 0.2),
    _panel_row("000000", "中华人民共和国", 2024, "cpi", 3.0, 3.0, 0.2),
    _panel_row("000000", "中华人民共和国", 2025, "cpi", 2.0, 2.0, None),
]


def test_panel_page_draws_a_band_per_target_and_a_point_per_outcome():
    from pipeline.tables.report import render_panel_page

    page = lhtml.fromstring(render_panel_page(PANEL))
    figures = {(f.get("data-indicator"), f.get("data-place")): f for f in page.find_class("panel-chart")}
    assert sorted(figures) == [("cpi", "000000"), ("gdp_growth", "000000"), ("gdp_growth", "440000")]
    country = figures[("gdp_growth", "000000")]
    assert [c.get("data-year") for c in country.iter("circle")] == ["2020", "2021", "2022", "2023", "2024"]
    assert [c.get("data-value") for c in country.iter("circle")] == ["2.3", "8.1", "3", "5.2", "5"]
    assert [r.get("data-year") for r in country.iter("rect") if r.get("class") == "target"] == \
        ["2021", "2022", "2023", "2024", "2025"]
    # a higher outcome is drawn higher (smaller y); the band of a range target has a height
    cy = {c.get("data-year"): float(c.get("cy")) for c in country.iter("circle")}
    assert cy["2021"] < cy["2023"] < cy["2022"] < cy["2020"]
    gd = [r for r in figures[("gdp_growth", "440000")].iter("rect") if r.get("class") == "target"]
    assert [(r.get("data-low"), r.get("data-high")) for r in gd] == [("5", "5"), ("4.5", "5")]
    assert float(gd[1].get("height")) > float(gd[0].get("height")) == 3.0
    # gdp_growth is chosen first; no script or resource from the network
    select = page.get_element_by_id("indicator-select")
    assert [o.get("value") for o in select.iter("option")] == ["gdp_growth", "cpi"]
    assert not [e for e in page.iter("script", "link", "img") if e.get("src") or e.get("href")]


def test_panel_page_renders_its_points_in_chromium(tmp_path):
    out = tmp_path / "report"
    tables = constructed_tables()
    tables["panel"] = PANEL
    write_report(tables, out)
    assert (out / "panel.html").is_file()
    assert 'href="panel.html"' in (out / "index.html").read_text(encoding="utf-8")
    dom = dump_dom(tmp_path, out / "panel.html")
    check = dom.get_element_by_id("panel-check")
    # what Chromium drew for the chosen indicator: 2 charts, 5 + 1 outcome points, 5 + 2 target bands
    assert (check.get("data-indicator"), check.get("data-figures"), check.get("data-points"),
            check.get("data-bands")) == ("gdp_growth", "2", "6", "7")
    assert len(dom.get_element_by_id("ind-gdp_growth").findall(".//circle")) == 6
    assert dom.get_element_by_id("selfcheck").get("data-result") == "pass"
    # another indicator chosen through the address: its chart is shown and drawn
    proc = run_chromium(tmp_path, (out / "panel.html").resolve().as_uri() + "#cpi", "--dump-dom")
    check = lhtml.fromstring(proc.stdout).get_element_by_id("panel-check")
    assert (check.get("data-indicator"), check.get("data-figures"), check.get("data-points"),
            check.get("data-bands")) == ("cpi", "1", "2", "3")
