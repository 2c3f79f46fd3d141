"""Tests for pipeline.stages.ingest: encodings, formats, failures, discovery.

All inputs except the raw/ samples are generated here, in tmp_path.
"""
from __future__ import annotations

import hashlib
import io
import random
from pathlib import Path

import docx
import opencc
import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from pipeline.rulebook import default_book
from pipeline.stages.ingest import (
    SUPPORTED_FORMATS,
    PageFurniture,
    decode_text,
    discover,
    ingest_file,
    plausibility,
    relative_source_path,
)
from pipeline.tables.rows import IngestedDocument, PipelineError

RAW_DIR = Path(__file__).resolve().parent.parent / "raw"
FURNITURE = PageFurniture.from_rulebook(default_book())   # what the package's rules say a running line is

# Only GB2312 characters (闵 莘 泾 are rarer ones); digits, %, full-width and curly punctuation.
BASE = (
    "闵行区人民政府关于印发《闵行区制造业高质量发展三年行动计划（2021-2023年）》的通知\n"
    "各镇人民政府、街道办事处，莘庄工业区管委会，区政府各委、办、局：\n"
    "到2023年，全区规模以上工业总产值达到3500亿元，战略性新兴产业产值占比提高到45%以上，"
    "培育“专精特新”企业200家。\n"
    "力争在集成电路、生物医药、人工智能等领域形成一批龙头企业，鼓励企业开展技术改造，"
    "淘汰落后产能，推动泾河、浦江沿线产业园区转型。\n"
)
GBK_LINE = "支持镕铸科技、堃元材料等企业建设研发中心。\n"   # 镕 堃: GBK, not GB2312
GB18030_LINE = "长沙县㮾梨街道参照执行。\n"              # 㮾 (U+3BBE): four bytes in GB18030, not in GBK
FULL = BASE + GBK_LINE + GB18030_LINE
BASE_TRADITIONAL = opencc.OpenCC("s2t").convert(BASE)

ENCODED_VARIANTS = {
    # name: (bytes, expected text, expected encoding)
    "utf-8": (FULL.encode("utf-8"), FULL, "utf-8"),
    "utf-8-bom": (FULL.encode("utf-8-sig"), FULL, "utf-8-sig"),
    "gb18030": (FULL.encode("gb18030"), FULL, "gb18030"),
    "gbk": ((BASE + GBK_LINE).encode("gbk"), BASE + GBK_LINE, "gb18030"),
    "gb2312": (BASE.encode("gb2312"), BASE, "gb18030"),
    "big5": (BASE_TRADITIONAL.encode("big5"), BASE_TRADITIONAL, "big5"),
    "utf-16-le-bom": (b"\xff\xfe" + FULL.encode("utf-16-le"), FULL, "utf-16"),
    "utf-16-be-bom": (b"\xfe\xff" + FULL.encode("utf-16-be"), FULL, "utf-16"),
}

PDF_SENTENCE = "到2025年，全市工业总产值达到4.5万亿元。"


# ---------------------------------------------------------------- helpers


def write(directory: Path, name: str, data: bytes) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def ingest_bytes(tmp_path: Path, name: str, data: bytes) -> IngestedDocument:
    return ingest_file(write(tmp_path, name, data), tmp_path, FURNITURE)


def ingest_error(tmp_path: Path, name: str, data: bytes) -> PipelineError:
    with pytest.raises(PipelineError) as caught:
        ingest_bytes(tmp_path, name, data)
    assert caught.value.stage == "ingest"
    assert name in caught.value.message  # the researcher is told which file
    return caught.value


def make_pdf(*pages: list[str], encrypt: str | None = None) -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=1, encrypt=encrypt)
    for lines in pages:
        pdf.setFont("STSong-Light", 12)
        for i, line in enumerate(lines):
            pdf.drawString(72, 760 - 20 * i, line)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def make_image_only_pdf() -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=1)
    pdf.rect(100, 100, 300, 400, fill=1)  # what a scanned page looks like to a text extractor
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def make_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("一、总体要求")
    table = document.add_table(rows=2, cols=3)
    for r, row in enumerate([["a", "b", "c"], ["区经委", "2023年底", "100家"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("二、保障措施")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- encodings


def test_fixture_really_exercises_each_encoding() -> None:
    with pytest.raises(UnicodeEncodeError):
        GBK_LINE.encode("gb2312")
    with pytest.raises(UnicodeEncodeError):
        GB18030_LINE.encode("gbk")
    assert BASE_TRADITIONAL != BASE and "閔行區" in BASE_TRADITIONAL
    # Big5 bytes are also valid GB18030: only scoring can tell them apart
    assert ENCODED_VARIANTS["big5"][0].decode("gb18030") != BASE_TRADITIONAL


@pytest.mark.parametrize("variant", sorted(ENCODED_VARIANTS))
def test_same_document_in_every_encoding(tmp_path: Path, variant: str) -> None:
    data, expected_text, expected_encoding = ENCODED_VARIANTS[variant]
    assert decode_text(data) == (expected_text, expected_encoding)
    doc = ingest_bytes(tmp_path, f"{variant}.txt", data)
    assert doc.raw_text == expected_text
    assert doc.encoding == expected_encoding
    assert doc.source_format == "txt"
    assert doc.source_path == f"{variant}.txt"
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.doc_id == doc.sha256[:16]


# ~30 characters. The first also decodes strictly as Big5 when GB2312-encoded,
# and every Big5 form decodes strictly as GB18030, so decode failure alone
# cannot decide: the plausibility score must.
SHORT_SENTENCES = [
    "支持龙头企业牵头组建创新联合体，开展关键核心技术攻关。",
    "各区人民政府要加强组织领导，完善工作机制，确保各项任务落到实处。",
    "到2025年，全市工业总产值达到4.5万亿元，工业增加值年均增长5%左右。",
]


@pytest.mark.parametrize("sentence", SHORT_SENTENCES)
def test_short_text_gb_versus_big5(sentence: str) -> None:
    gb_bytes = sentence.encode("gb2312")
    assert decode_text(gb_bytes) == (sentence, "gb18030")

    traditional = opencc.OpenCC("s2t").convert(sentence)
    big5_bytes = traditional.encode("big5")
    big5_bytes.decode("gb18030")  # also valid GB18030 (raises if not)
    assert decode_text(big5_bytes) == (traditional, "big5")


def test_short_gb_text_that_is_also_valid_big5() -> None:
    data = SHORT_SENTENCES[0].encode("gb2312")
    misread = data.decode("big5")  # strictly valid, but junk
    assert plausibility(misread) < plausibility(SHORT_SENTENCES[0])
    assert decode_text(data)[1] == "gb18030"


def test_txt_line_endings_normalized_and_nothing_else(tmp_path: Path) -> None:
    data = "第一行\r\n\u3000\u3000第二行  \r第三行\n".encode("gbk")
    doc = ingest_bytes(tmp_path, "crlf.txt", data)
    assert doc.raw_text == "第一行\n\u3000\u3000第二行  \n第三行\n"
    assert doc.encoding == "gb18030"


def test_ascii_only_text_is_utf8(tmp_path: Path) -> None:
    assert decode_text(b"Plan 2021-2023\n") == ("Plan 2021-2023\n", "utf-8")


# ---------------------------------------------------------------- html

FURNISHED_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>关于印发行动计划的通知_上海市人民政府</title>
<style>p { color: red }</style><script>var tracking = "统计脚本";</script></head>
<body>
<header><div class="logo">上海市人民政府门户网站</div></header>
<nav><ul><li>首页</li><li>政务公开</li></ul></nav>
<div class="breadcrumb">当前位置：首页 &gt; 政策文件</div>
<div id="login-box">用户登录</div>
<div class="main-content">
  <h1>关于印发行动计划的通知</h1>
  <p>各区人民政府，市政府各委、办、局：</p>
  <p>\u3000\u3000现将《行动计划》印发给你们，
     请认真按照执行。</p>
  <table><tr><th>a</th><th>b</th><th>c</th></tr>
         <tr><td>区经委</td><td>2023年<br>年底</td><td>100家</td></tr></table>
  <div class="share-bar">分享到：微信 微博</div>
  <p>到2025年，工业总产值达到<span>4.5</span>万亿元。<script>document.write("广告")</script></p>
  <div class="research-notes">研究报告附后。</div>
  <p style="display: none">隐藏内容</p>
</div>
<aside class="sidebar">相关链接</aside>
<div class="related-docs">相关文件</div>
<footer>版权所有 上海市人民政府</footer>
<div id="bottom">网站地图</div>
</body></html>
"""


def test_html_main_text_without_furniture(tmp_path: Path) -> None:
    doc = ingest_bytes(tmp_path, "page.html", FURNISHED_PAGE.encode("utf-8"))
    assert doc.source_format == "html"
    assert doc.encoding == "utf-8"
    assert doc.raw_text.split("\n") == [
        "关于印发行动计划的通知",          # the <title> is not repeated: the body has an h1
        "各区人民政府，市政府各委、办、局：",
        "\u3000\u3000现将《行动计划》印发给你们，请认真按照执行。",  # source line break between CJK removed
        "a\tb\tc",
        "区经委\t2023年 年底\t100家",
        "到2025年，工业总产值达到4.5万亿元。",
        "研究报告附后。",                  # 'research' is not 'search'
    ]
    for furniture in ("统计脚本", "门户网站", "首页", "当前位置", "用户登录", "分享到", "广告",
                      "隐藏内容", "相关链接", "相关文件", "版权所有", "网站地图", "color"):
        assert furniture not in doc.raw_text


def test_html_article_header_is_content(tmp_path: Path) -> None:
    page = (
        "<html><body><header>网站标题</header><article><header><h1>行动计划</h1>"
        "<p class='date'>2022-03-01</p></header><p>为加快推进制造业高质量发展，制定本行动计划。</p></article></body></html>"
    )
    doc = ingest_bytes(tmp_path, "article.html", page.encode("utf-8"))
    assert doc.raw_text == "行动计划\n2022-03-01\n为加快推进制造业高质量发展，制定本行动计划。"


def test_html_misnamed_wrapper_holding_the_page_is_kept(tmp_path: Path) -> None:
    # a furniture word in a wrapper's class must not throw away the whole document
    page = (
        "<html><body><div class='page-with-header'><div class='menu'>首页</div>"
        "<p>第一条　为了推动制造业高质量发展，制定本办法。</p><p>第二条　本办法自发布之日起施行。</p>"
        "</div></body></html>"
    )
    doc = ingest_bytes(tmp_path, "wrapped.html", page.encode("utf-8"))
    assert doc.raw_text == "第一条　为了推动制造业高质量发展，制定本办法。\n第二条　本办法自发布之日起施行。"


def test_html_title_used_when_there_is_no_h1(tmp_path: Path) -> None:
    page = "<html><head><title>松江区三年行动计划</title></head><body><p>正文第一段。</p><p>正文第二段。</p></body></html>"
    doc = ingest_bytes(tmp_path, "page.htm", page.encode("utf-8"))
    assert doc.raw_text == "松江区三年行动计划\n正文第一段。\n正文第二段。"


def test_html_layout_table_keeps_paragraphs_apart(tmp_path: Path) -> None:
    page = (
        "<html><body><table><tr><td width='20'></td><td>"
        "<p>第一段内容。</p><p>第二段内容。</p></td></tr></table></body></html>"
    )
    doc = ingest_bytes(tmp_path, "layout.html", page.encode("utf-8"))
    assert doc.raw_text == "第一段内容。\n第二段内容。"


def test_html_meta_charset_honoured(tmp_path: Path) -> None:
    page = f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body><p>{SHORT_SENTENCES[0]}</p></body></html>'
    doc = ingest_bytes(tmp_path, "gb.html", page.encode("gb2312"))
    assert (doc.raw_text, doc.encoding) == (SHORT_SENTENCES[0], "gb18030")


def test_html_meta_charset_overruled_when_inconsistent(tmp_path: Path) -> None:
    # a stale <meta charset="utf-8"> on a GBK page
    page = f'<html><head><meta charset="utf-8"></head><body><p>{BASE}</p></body></html>'
    doc = ingest_bytes(tmp_path, "stale.html", page.encode("gbk"))
    assert doc.encoding == "gb18030"
    assert "莘庄工业区管委会" in doc.raw_text
    # and a <meta charset="gb2312"> on a page that is really UTF-8
    page = page.replace("utf-8", "gb2312")
    doc = ingest_bytes(tmp_path, "stale2.html", page.encode("utf-8"))
    assert doc.encoding == "utf-8"
    assert "莘庄工业区管委会" in doc.raw_text


def test_html_big5_page_without_declaration(tmp_path: Path) -> None:
    page = f"<html><body><p>{BASE_TRADITIONAL}</p></body></html>"
    doc = ingest_bytes(tmp_path, "tw.html", page.encode("big5"))
    assert doc.encoding == "big5"
    assert "閔行區人民政府關於印發" in doc.raw_text


def test_html_with_xml_declaration(tmp_path: Path) -> None:
    page = '<?xml version="1.0" encoding="utf-8"?><html><body><p>正文。</p></body></html>'
    assert ingest_bytes(tmp_path, "x.html", page.encode("utf-8")).raw_text == "正文。"


def test_html_deeply_nested_unclosed_tags_keep_all_text(tmp_path: Path) -> None:
    # old pages with hundreds of unclosed <font> tags nest far beyond libxml2's default depth of 256
    page = "<html><body>" + "".join(f"<font>第{i}条。" for i in range(400)) + "</body></html>"
    doc = ingest_bytes(tmp_path, "fonts.html", page.encode("utf-8"))
    assert doc.raw_text == "".join(f"第{i}条。" for i in range(400))


def test_html_beyond_parser_limits_is_corrupt_not_silently_cut(tmp_path: Path) -> None:
    page = "<html><body>" + "<div>" * 3000 + "深层文本" + "</div>" * 3000 + "</body></html>"
    assert ingest_error(tmp_path, "deep.html", page.encode("utf-8")).kind == "corrupt"


def test_html_with_only_furniture_is_empty(tmp_path: Path) -> None:
    page = "<html><body><nav>首页</nav><script>var a = 1;</script></body></html>"
    assert ingest_error(tmp_path, "furniture.html", page.encode("utf-8")).kind == "empty"


# ---------------------------------------------------------------- docx


def test_docx_paragraphs_and_tables_in_document_order(tmp_path: Path) -> None:
    doc = ingest_bytes(tmp_path, "plan.docx", make_docx())
    assert doc.source_format == "docx"
    assert doc.encoding == "utf-8"
    assert doc.raw_text == "一、总体要求\na\tb\tc\n区经委\t2023年底\t100家\n二、保障措施"


def test_docx_merged_cells_are_not_repeated(tmp_path: Path) -> None:
    # a cell spanning two grid columns gives its text once, to its first column: the next
    # field is still the third column
    document = docx.Document()
    table = document.add_table(rows=1, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = "牵头单位"
    table.cell(0, 2).text = "区发改委"
    buffer = io.BytesIO()
    document.save(buffer)
    assert ingest_bytes(tmp_path, "merged.docx", buffer.getvalue()).raw_text == "牵头单位\t\t区发改委"


def test_docx_corrupt(tmp_path: Path) -> None:
    data = make_docx()
    assert ingest_error(tmp_path, "truncated.docx", data[: len(data) // 2]).kind == "corrupt"
    error = ingest_error(tmp_path, "old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(1, 200)))
    assert error.kind == "corrupt"
    assert ".doc" in error.message


# ---------------------------------------------------------------- pdf


def test_pdf_chinese_text_extracted(tmp_path: Path) -> None:
    data = make_pdf(["上海市制造业转型升级“十三五”规划", PDF_SENTENCE], ["第二页：力争培育100家专精特新企业。"])
    doc = ingest_bytes(tmp_path, "plan.pdf", data)
    assert doc.source_format == "pdf"
    assert doc.encoding == "n/a"
    assert PDF_SENTENCE in doc.raw_text
    lines = [line for line in doc.raw_text.split("\n") if line.strip()]
    assert lines == ["上海市制造业转型升级“十三五”规划", PDF_SENTENCE, "第二页：力争培育100家专精特新企业。"]
    assert "\f" not in doc.raw_text


def test_pdf_truncated_is_corrupt(tmp_path: Path) -> None:
    data = make_pdf([PDF_SENTENCE])
    error = ingest_error(tmp_path, "cut.pdf", data[: len(data) // 2])
    assert error.kind == "corrupt"
    assert "truncated" in error.message


def test_pdf_random_bytes_are_corrupt(tmp_path: Path) -> None:
    junk = random.Random(7).randbytes(4096)
    assert ingest_error(tmp_path, "junk.pdf", junk).kind == "corrupt"
    # a PDF header and trailer around junk gets past the cheap checks into the parser
    framed = b"%PDF-1.4\n" + junk + b"\n%%EOF\n"
    assert ingest_error(tmp_path, "framed.pdf", framed).kind == "corrupt"


def test_pdf_with_password_is_corrupt(tmp_path: Path) -> None:
    error = ingest_error(tmp_path, "locked.pdf", make_pdf([PDF_SENTENCE], encrypt="secret"))
    assert error.kind == "corrupt"
    assert "password" in error.message


def test_pdf_without_text_needs_ocr(tmp_path: Path) -> None:
    error = ingest_error(tmp_path, "scan.pdf", make_image_only_pdf())
    assert error.kind == "no_text"
    assert "OCR" in error.message


# ---------------------------------------------------------------- failures


@pytest.mark.parametrize("name", ["empty.txt", "empty.pdf", "empty.docx", "empty.html"])
def test_zero_byte_file_is_empty(tmp_path: Path, name: str) -> None:
    assert ingest_error(tmp_path, name, b"").kind == "empty"


def test_whitespace_only_file_is_empty(tmp_path: Path) -> None:
    assert ingest_error(tmp_path, "blank.txt", "  \r\n\u3000\n".encode("utf-8")).kind == "empty"


def test_binary_junk_as_txt_is_undecodable(tmp_path: Path) -> None:
    png_like = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(1).randbytes(2048)
    error = ingest_error(tmp_path, "image.txt", png_like)
    assert error.kind == "undecodable"
    assert "binary" in error.message


def test_control_characters_without_nul_are_undecodable(tmp_path: Path) -> None:
    error = ingest_error(tmp_path, "controls.txt", b"\x01\x02\x03abc\x04\x05\x06" * 50)
    assert error.kind == "undecodable"
    assert "binary" in error.message


@pytest.mark.parametrize(
    "data",
    [
        "これはテストのためのぶんしょうです。ひらがなだけでかいています。".encode("shift_jis"),
        "Politique de développement économique régionale".encode("latin-1"),
        # 'ég' reads as 間, a common character: only its place inside Latin words gives it away
        "Le régime légal de ségrégation".encode("latin-1"),
        b"\xff\xfe\x41",  # UTF-16 BOM, odd length
    ],
    ids=["shift-jis", "latin-1", "latin-1-common-mojibake", "broken-utf16"],
)
def test_other_encodings_are_undecodable(tmp_path: Path, data: bytes) -> None:
    assert ingest_error(tmp_path, "other.txt", data).kind == "undecodable"


def test_unsupported_suffix(tmp_path: Path) -> None:
    error = ingest_error(tmp_path, "targets.xlsx", b"PK\x03\x04 whatever")
    assert error.kind == "unsupported_format"
    for suffix in SUPPORTED_FORMATS:
        assert suffix in error.message


def test_suffix_is_case_insensitive(tmp_path: Path) -> None:
    doc = ingest_bytes(tmp_path, "UPPER.TXT", "通知".encode("utf-8"))
    assert (doc.source_format, doc.raw_text) == ("txt", "通知")


def test_directory_is_unreadable(tmp_path: Path) -> None:
    (tmp_path / "folder.txt").mkdir()
    with pytest.raises(PipelineError) as caught:
        ingest_file(tmp_path / "folder.txt", tmp_path, FURNITURE)
    assert caught.value.kind == "unreadable"
    assert "folder.txt" in caught.value.message


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(PipelineError) as caught:
        ingest_file(tmp_path / "sub" / "gone.txt", tmp_path, FURNITURE)
    assert caught.value.kind == "unreadable"
    assert "sub/gone.txt" in caught.value.message


# ---------------------------------------------------------------- discovery


def test_discover_is_recursive_sorted_and_skips_hidden(tmp_path: Path) -> None:
    for name in ["b.txt", "a/z.pdf", "a.txt", "a/b/c.html", ".hidden.txt", "a/.DS_Store",
                 ".git/config", "a/.cache/x.txt", "data.xlsx"]:
        write(tmp_path, name, b"x")
    found = discover(tmp_path)
    assert [relative_source_path(path, tmp_path) for path in found] == [
        "a.txt", "a/b/c.html", "a/z.pdf", "b.txt", "data.xlsx",
    ]
    assert all(path.is_file() for path in found)


def test_discover_rejects_missing_input(tmp_path: Path) -> None:
    with pytest.raises(NotADirectoryError):
        discover(tmp_path / "nope")


def test_relative_source_path_is_posix(tmp_path: Path) -> None:
    assert relative_source_path(tmp_path / "a" / "b" / "c.txt", tmp_path) == "a/b/c.txt"


def test_same_bytes_same_doc_id(tmp_path: Path) -> None:
    first = ingest_bytes(tmp_path, "one/x.txt", BASE.encode("utf-8"))
    second = ingest_bytes(tmp_path, "two/y.txt", BASE.encode("utf-8"))
    assert first.doc_id == second.doc_id == hashlib.sha256(BASE.encode("utf-8")).hexdigest()[:16]
    assert (first.source_path, second.source_path) == ("one/x.txt", "two/y.txt")


# ---------------------------------------------------------------- raw samples and side effects


def test_raw_samples_ingest_as_utf8() -> None:
    paths = discover(RAW_DIR)
    assert len(paths) == 5
    for path in paths:
        data = path.read_bytes()
        doc = ingest_file(path, RAW_DIR, FURNITURE)
        assert doc.encoding == "utf-8"
        assert doc.source_format == "txt"
        assert doc.source_path == path.name
        assert doc.sha256 == hashlib.sha256(data).hexdigest()
        assert doc.doc_id == doc.sha256[:16]
        assert doc.raw_text == data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def test_ingest_never_modifies_or_creates_files(tmp_path: Path) -> None:
    inputs = {
        "a.txt": FULL.encode("gb18030"),
        "b.html": FURNISHED_PAGE.encode("utf-8"),
        "c.docx": make_docx(),
        "d.pdf": make_pdf([PDF_SENTENCE]),
    }
    paths = [write(tmp_path, name, data) for name, data in inputs.items()]
    before = {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in paths}
    listing = sorted(p.name for p in tmp_path.iterdir())
    for path in paths:
        ingest_file(path, tmp_path, FURNITURE)
    assert {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in paths} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == listing


# ---------------------------------------------------------------- realistic pages and files

GOV_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>国务院关于印发某产业发展行动计划的通知_政策_某政府网</title></head><body>
<div class="header"><a href="/">首页</a> | <a>简</a> | <a>繁</a> | <a>EN</a> | <a>登录</a></div>
<div class="nav"><a>首页</a><a>新闻</a><a>政策</a><a>互动</a><a>服务</a><a>数据</a></div>
<div class="crumb">当前位置：<a>首页</a> &gt; <a>政策</a> &gt; <a>最新</a></div>
<div class="pages-date">2024-05-20 17:00　来源：国务院办公厅　<span>【字体：<a>大</a> <a>中</a> <a>小</a>】</span> <a>打印</a></div>
<table class="bd1"><tr><td>索 引 号：</td><td>000000000/2024-00001</td><td>主题分类：</td><td>工业、交通</td></tr>
<tr><td>发文机关：</td><td>国务院</td><td>成文日期：</td><td>2024年05月10日</td></tr>
<tr><td>标　　题：</td><td colspan="3">国务院关于印发某产业发展行动计划的通知</td></tr>
<tr><td>发文字号：</td><td>国发〔2024〕99号</td><td>发布日期：</td><td>2024年05月20日</td></tr></table>
<div class="pages_content">
<p style="text-align:center">国务院关于印发某产业发展行动计划的通知</p>
<p style="text-align:center">国发〔2024〕99号</p>
<p>各省、自治区、直辖市人民政府，国务院各部委、各直属机构：</p>
<p>　　现将《某产业发展行动计划（2024—2027年）》印发给你们，请认真贯彻执行。</p>
<p style="text-align:right">国务院</p><p style="text-align:right">2024年5月10日</p>
<p>　　一、总体要求</p><p>　　到2027年，产业规模年均增长15%以上。</p>
<p>　　（一）培育企业。支持企业做大做强。（国家发展改革委、工业和信息化部按职责分工负责）</p>
</div>
<div class="share">分享到：<a>微信</a><a>微博</a></div>
<div class="print"><a>【我要纠错】</a> <a>【打印本页】</a> <a>【关闭窗口】</a></div>
<div class="related"><h3>相关链接</h3><ul><li><a>国务院办公厅关于某事项的通知</a></li></ul></div>
<div class="footer"><p>主办单位：国务院办公厅　运行维护单位：某政府网运行中心</p><p>版权所有：某政府网</p>
<p>网站标识码bm00000001　京ICP备00000000号　京公网安备00000000000001号</p></div>
</body></html>"""


def test_gov_style_page_end_to_end(tmp_path: Path) -> None:
    from pipeline.run.process import build_document
    doc = build_document(ingest_bytes(tmp_path, "gov.html", GOV_PAGE.encode("utf-8")))
    lines = doc.text.split("\n")
    # the <title> is not repeated, nor the metadata row 标  题： that repeats the body's title
    assert lines[:2] == ["国务院关于印发某产业发展行动计划的通知", "国发〔2024〕99号"]
    for furniture in ("当前位置", "字体", "索引号", "标题", "分享到", "纠错", "打印", "相关链接", "主办单位",
                      "网站标识码", "ICP备", "公网安备", "版权所有", "政策_"):
        assert furniture not in doc.text.replace(" ", "")
    assert lines[-1].endswith("（国家发展改革委、工业和信息化部按职责分工负责）")
    m = doc.meta
    assert (m.title, m.issuer, m.doc_number) == ("国务院关于印发某产业发展行动计划的通知", "国务院", "国发〔2024〕99号")
    assert m.issue_date is not None and m.issue_date.isoformat() == "2024-05-10"
    assert (m.period_start, m.period_end) == (2024, 2027)


def test_html_title_kept_when_the_body_does_not_say_it(tmp_path: Path) -> None:
    # counterexample: the <title> is the only place the title is written
    page = "<html><head><title>某区三年行动计划_某区政府网</title></head><body><p>正文第一段。</p></body></html>"
    doc = ingest_bytes(tmp_path, "p.html", page.encode("utf-8"))
    assert doc.raw_text.split("\n")[0] == "某区三年行动计划_某区政府网"


def make_pdf_with_running_lines() -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=1)
    pages = [["某省人民政府办公厅文件", "某政办发〔2023〕12号", "某省人民政府办公厅关于印发某省制造业",
              "高质量发展行动方案的通知", "各市人民政府，省政府各部门：", "现将方案印发给你们，请认真贯彻执行。"],
             ["一、主要任务", "（一）推进产业升级。加快改造提升传统产业。（省工业和信息化",
              "厅、省发展改革委按职责分工负责）"],
             ["（二）强化人才支撑。（省人力资源社会保障厅牵头）", "二、保障措施"]]
    for n, lines in enumerate(pages, 1):
        pdf.setFont("STSong-Light", 9)
        pdf.drawString(72, 810, "某省人民政府办公厅行政规范性文件")
        pdf.setFont("STSong-Light", 12)
        for i, line in enumerate(lines):
            pdf.drawString(72, 760 - 20 * i, line)
        pdf.drawString(280, 40, f"- {n + 2} -")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def test_pdf_running_header_and_page_numbers_removed(tmp_path: Path) -> None:
    from pipeline.run.process import build_document
    doc = build_document(ingest_bytes(tmp_path, "plan.pdf", make_pdf_with_running_lines()))
    assert "行政规范性文件" not in doc.text
    assert "- 3 -" not in doc.text and "- 4 -" not in doc.text
    assert doc.text.split("\n")[:2] == ["某省人民政府办公厅文件", "某政办发〔2023〕12号"]   # page 1 only: kept
    assert doc.meta.title == "某省人民政府办公厅关于印发某省制造业高质量发展行动方案的通知"
    assert [s.label for s in doc.sections] == ["一、", "（一）", "（二）", "二、"]


def test_running_lines_counterexamples() -> None:
    from pipeline.stages.ingest import _strip_running_lines
    # a line at the top of one page only stays; so does a table header at the top of two pages of three
    pages = ["一、总体要求\n正文。\n", "序号 工作任务 牵头单位\n1 推进 市经委\n", "序号 工作任务 牵头单位\n2 推进 市科委\n"]
    assert _strip_running_lines(pages, FURNITURE) == pages


def test_table_header_on_every_page_keeps_its_first_occurrence() -> None:
    from pipeline.stages.ingest import _strip_running_lines
    rows = ["1 推进企业上云 市经委", "2 培育龙头企业 市科委", "3 优化营商环境 市发改委"]
    pages = [f"序号 工作任务 牵头单位\n{row}\n" for row in rows]
    assert _strip_running_lines(pages, FURNITURE) == [pages[0], f"\n{rows[1]}\n", f"\n{rows[2]}\n"]


def test_pdf_clause_ending_every_page_is_kept(tmp_path: Path) -> None:
    # three pages each ending in the same responsibility clause: content, not a running footer
    data = make_pdf(["1．推进企业上云。", "（责任单位：区经委）"], ["2．培育龙头企业。", "（责任单位：区经委）"],
                    ["3．优化营商环境。", "（责任单位：区经委）"])
    lines = [line for line in ingest_bytes(tmp_path, "p.pdf", data).raw_text.split("\n") if line]
    assert lines == ["1．推进企业上云。", "（责任单位：区经委）", "2．培育龙头企业。", "（责任单位：区经委）",
                     "3．优化营商环境。", "（责任单位：区经委）"]


@pytest.mark.parametrize("line", ["（牵头单位：区经委；配合单位：区财政局）", "（区经委牵头）", "（区经委负责）",
                                  "牵头单位：区经委", "抓好落实。", "做好保障；", "一、保障措施", "（一）组织领导",
                                  "1．组织领导", "第三条"])
def test_content_lines_at_every_page_edge_are_kept(line: str) -> None:
    from pipeline.stages.ingest import _strip_running_lines
    pages = [f"{line}\n{text}\n{line}" for text in ("推进企业上云", "培育龙头企业", "优化营商环境", "加强人才支撑")]
    assert _strip_running_lines(pages, FURNITURE) == pages


def test_pdf_running_header_on_every_page_is_removed(tmp_path: Path) -> None:
    # a two-line banner (digits of the issue aside) and 第N页 共N页 footers; the title page has no banner
    bodies = [["某市人民政府关于推进制造业高质量发展的意见", "各区人民政府："],
              ["一、总体要求", "到2025年，规模以上工业总产值达到1万亿元。"],
              ["二、主要任务", "（一）推进企业上云。"], ["（二）培育龙头企业。", "三、保障措施"],
              ["（一）加强组织领导。", "（二）强化资金保障。"]]
    pages = [bodies[0] + ["第1页 共5页"]]
    pages += [["某市人民政府公报", f"2024年第{n}期", *body, f"第{n}页 共5页"] for n, body in enumerate(bodies[1:], 2)]
    lines = [line for line in ingest_bytes(tmp_path, "p.pdf", make_pdf(*pages)).raw_text.split("\n") if line]
    assert lines == [line for body in bodies for line in body]


@pytest.mark.parametrize("count", [4, 5])
def test_short_heading_first_on_two_pages_is_kept(tmp_path: Path, count: int) -> None:
    texts = ["推进企业上云", "培育龙头企业", "优化营商环境", "加强人才支撑", "强化资金保障", "完善配套政策"]
    pages = [[texts[n], texts[n + 1]] for n in range(count)]
    pages[1].insert(0, "重点项目专栏")
    pages[3].insert(0, "重点项目专栏")
    lines = [line for line in ingest_bytes(tmp_path, "p.pdf", make_pdf(*pages)).raw_text.split("\n") if line]
    assert lines == [line for page in pages for line in page]


def test_bare_page_numbers_go_only_when_on_most_pages() -> None:
    from pipeline.stages.ingest import _strip_running_lines
    texts = ["推进企业上云", "培育龙头企业", "优化营商环境", "加强人才支撑"]
    numbered = [f"{text}\n{n}" for n, text in enumerate(texts, 1)]
    assert _strip_running_lines(numbered, FURNITURE) == [f"{text}\n" for text in texts]
    once = [f"{text}\n{text}" for text in texts]
    once[0] = "推进企业上云\n12"
    assert _strip_running_lines(once, FURNITURE) == once    # a number ending one page is content (a 序号 cell)


def test_page_furniture_goes_even_on_one_page() -> None:
    from pipeline.stages.ingest import _strip_running_lines
    assert _strip_running_lines(["- 1 -\n正文。\n第 1 页 共 1 页"], FURNITURE) == ["\n正文。\n"]
    assert _strip_running_lines(["正文。\n1/3"], FURNITURE) == ["正文。\n"]
    assert _strip_running_lines(["正文。\n2023/5"], FURNITURE) == ["正文。\n2023/5"]   # a date, not 2023 of 5


def test_docx_vertically_merged_unit_cell_belongs_to_every_row(tmp_path: Path) -> None:
    # one lead unit written once for two task rows (a merged cell): each row's line says it
    document = docx.Document()
    rows = [["序号", "工作任务", "牵头单位", "配合单位"], ["1", "推进企业上云", "市经信局", "市科技局"],
            ["2", "培育龙头企业", "", ""], ["3", "优化营商环境", "市发改委", ""]]
    table = document.add_table(rows=4, cols=4)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value:
                table.cell(r, c).text = value
    table.cell(1, 2).merge(table.cell(2, 2))       # 牵头单位 merged over rows 1-2
    buffer = io.BytesIO()
    document.save(buffer)
    lines = ingest_bytes(tmp_path, "list.docx", buffer.getvalue()).raw_text.split("\n")
    assert lines == ["序号\t工作任务\t牵头单位\t配合单位", "1\t推进企业上云\t市经信局\t市科技局",
                     "2\t培育龙头企业\t市经信局\t",          # counterexample: the empty 配合单位 stays empty
                     "3\t优化营商环境\t市发改委\t"]


def test_html_rowspan_unit_cell_keeps_columns_aligned(tmp_path: Path) -> None:
    page = ("<html><body><table>"
            "<tr><th>序号</th><th>工作任务</th><th>牵头单位</th><th>配合单位</th></tr>"
            "<tr><td>1</td><td>推进企业上云</td><td rowspan='2'>市经信局</td><td>市科技局</td></tr>"
            "<tr><td>2</td><td>培育龙头企业</td><td>市财政局</td></tr>"
            "<tr><td>3</td><td colspan='2'>优化营商环境（见附件）</td><td>市发改委</td></tr>"
            "</table></body></html>")
    lines = ingest_bytes(tmp_path, "list.html", page.encode("utf-8")).raw_text.split("\n")
    assert lines == ["序号\t工作任务\t牵头单位\t配合单位", "1\t推进企业上云\t市经信局\t市科技局",
                     "2\t培育龙头企业\t市经信局\t市财政局",     # not 市财政局 under 牵头单位
                     "3\t优化营商环境（见附件）\t\t市发改委"]    # the colspan covers 牵头单位: 市发改委 is 配合单位


# ---------------------------------------------------------------- merged table cells on the column grid


def html_table(*rows: str) -> bytes:
    return ("<html><body><table>" + "".join(rows) + "</table></body></html>").encode("utf-8")


def test_html_colspan_cell_pads_the_columns_it_covers(tmp_path: Path) -> None:
    page = html_table("<tr><th>序号</th><th>任务</th><th>牵头单位</th><th>配合单位</th></tr>",
                      "<tr><td colspan=2>任务</td><td>区发展改革委</td><td>区财政局</td></tr>",
                      "<tr><td>2</td><td>推进企业上云</td><td>区经委</td></tr>")   # a short row
    lines = ingest_bytes(tmp_path, "t.html", page).raw_text.split("\n")
    assert lines == ["序号\t任务\t牵头单位\t配合单位",
                     "任务\t\t区发展改革委\t区财政局",     # 区发展改革委 under 牵头单位, not under 任务
                     "2\t推进企业上云\t区经委\t"]             # every row as wide as the table


def test_html_rowspan_cell_repeats_in_its_column(tmp_path: Path) -> None:
    page = html_table("<tr><th>序号</th><th>任务</th><th>牵头单位</th><th>配合单位</th></tr>",
                      "<tr><td>1</td><td>推进企业上云</td><td rowspan=3>区经委</td><td>区科委</td></tr>",
                      "<tr><td>2</td><td>培育龙头企业</td><td>区财政局</td></tr>",
                      "<tr><td>3</td><td>优化营商环境</td><td></td></tr>",
                      "<tr><td>4</td><td>加强人才支撑</td><td>区人社局</td><td>区教育局</td></tr>")
    lines = ingest_bytes(tmp_path, "t.html", page).raw_text.split("\n")
    assert lines == ["序号\t任务\t牵头单位\t配合单位", "1\t推进企业上云\t区经委\t区科委",
                     "2\t培育龙头企业\t区经委\t区财政局", "3\t优化营商环境\t区经委\t",
                     "4\t加强人才支撑\t区人社局\t区教育局"]   # the span ends after three rows


def test_html_cell_spanning_rows_and_columns_covers_all_its_columns(tmp_path: Path) -> None:
    page = html_table("<tr><th>序号</th><th>任务</th><th>牵头单位</th><th>配合单位</th><th>完成时限</th></tr>",
                      "<tr><td>1</td><td>推进企业上云</td><td rowspan=2 colspan=2>区经委</td><td>2024年底</td></tr>",
                      "<tr><td>2</td><td>培育龙头企业</td><td>2025年底</td></tr>",
                      "<tr><td>3</td><td>优化营商环境</td><td>区发改委</td><td>区财政局</td><td>持续推进</td></tr>")
    lines = ingest_bytes(tmp_path, "t.html", page).raw_text.split("\n")
    assert lines == ["序号\t任务\t牵头单位\t配合单位\t完成时限",
                     "1\t推进企业上云\t区经委\t\t2024年底",
                     "2\t培育龙头企业\t区经委\t\t2025年底",         # not 2025年底 under 配合单位
                     "3\t优化营商环境\t区发改委\t区财政局\t持续推进"]


def test_html_two_level_header_and_rowspan_kept_inside_its_row_group(tmp_path: Path) -> None:
    page = html_table("<thead><tr><th rowspan=3>序号</th><th rowspan=2>任务</th><th colspan=2>责任单位</th></tr>",
                      "<tr><th>牵头单位</th><th>配合单位</th></tr></thead>",
                      "<tbody><tr><td>1</td><td>推进企业上云</td><td>区经委</td><td>区科委</td></tr></tbody>")
    lines = ingest_bytes(tmp_path, "t.html", page).raw_text.split("\n")
    # the header's rowspan=3 stops at the end of <thead>: the body row starts in column 1
    assert lines == ["序号\t任务\t责任单位\t", "序号\t任务\t牵头单位\t配合单位",
                     "1\t推进企业上云\t区经委\t区科委"]


def docx_table(rows: list[list[str]], merges: list[tuple[tuple[int, int], tuple[int, int], str]]) -> bytes:
    """A .docx with one table; each merge (top-left, bottom-right, text) is written after merging."""
    document = docx.Document()
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value:
                table.cell(r, c).text = value
    for (r1, c1), (r2, c2), text in merges:
        table.cell(r1, c1).merge(table.cell(r2, c2)).text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


HEADER_ROW = ["序号", "任务", "牵头单位", "配合单位", "完成时限"]


def test_docx_grid_span_pads_the_columns_it_covers(tmp_path: Path) -> None:
    data = docx_table([HEADER_ROW, ["", "", "区发展改革委", "区财政局", "2024年底"]], [((1, 0), (1, 1), "任务")])
    lines = ingest_bytes(tmp_path, "t.docx", data).raw_text.split("\n")
    assert lines == ["序号\t任务\t牵头单位\t配合单位\t完成时限", "任务\t\t区发展改革委\t区财政局\t2024年底"]


def test_docx_vertical_merge_repeats_in_its_column(tmp_path: Path) -> None:
    data = docx_table([HEADER_ROW, ["1", "推进企业上云", "", "区科委", "2024年底"],
                       ["2", "培育龙头企业", "", "区财政局", "2025年底"]], [((1, 2), (2, 2), "区经委")])
    lines = ingest_bytes(tmp_path, "t.docx", data).raw_text.split("\n")
    assert lines == ["序号\t任务\t牵头单位\t配合单位\t完成时限", "1\t推进企业上云\t区经委\t区科委\t2024年底",
                     "2\t培育龙头企业\t区经委\t区财政局\t2025年底"]


def test_docx_cell_merged_over_rows_and_columns_covers_all_its_columns(tmp_path: Path) -> None:
    data = docx_table([HEADER_ROW, ["1", "推进企业上云", "", "", "2024年底"], ["2", "培育龙头企业", "", "", "2025年底"],
                       ["3", "优化营商环境", "区发改委", "区财政局", "持续推进"]], [((1, 2), (2, 3), "区经委")])
    lines = ingest_bytes(tmp_path, "t.docx", data).raw_text.split("\n")
    assert lines == ["序号\t任务\t牵头单位\t配合单位\t完成时限",
                     "1\t推进企业上云\t区经委\t\t2024年底",
                     "2\t培育龙头企业\t区经委\t\t2025年底",          # not 2025年底 under 配合单位
                     "3\t优化营商环境\t区发改委\t区财政局\t持续推进"]


def test_docx_row_starting_after_empty_grid_columns(tmp_path: Path) -> None:
    # w:gridBefore: a row that leaves its first grid columns without cells
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    data = docx_table([["序号", "任务", "牵头单位"], ["", "推进企业上云", "区经委"]], [])
    document = docx.Document(io.BytesIO(data))
    row = document.tables[0].rows[1]._tr
    row.remove(row.tc_lst[0])
    row.insert(0, parse_xml(f'<w:trPr {nsdecls("w")}><w:gridBefore w:val="1"/></w:trPr>'))
    buffer = io.BytesIO()
    document.save(buffer)
    lines = ingest_bytes(tmp_path, "t.docx", buffer.getvalue()).raw_text.split("\n")
    assert lines == ["序号\t任务\t牵头单位", "\t推进企业上云\t区经委"]
