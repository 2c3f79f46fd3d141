"""Document metadata from the header (and signature) of normalized text.

Decisions:

- ``title``: the first title-like line of the header (short, no sentence
  punctuation, names a kind of document: 规划/计划/方案/通知/…), joined with
  the lines that continue it (``闵行区落实打响“上海制造”三年行动`` +
  ``计划（2022-2024年）``; ``…行动计划`` + ``(2018-2020年)``). For a notice that
  is the notice's own title, ``…关于印发《X》的通知`` — the document as issued.
  A page-title prefix or suffix (``上海市人民政府|X``) is cut off at ``|``/``｜``/``_``;
  draft marks (``（草案）``, ``（征求意见稿）``) are left out. Spaces are kept only
  between two Han characters (titles use them as phrase separators).
- ``issuer``: the body before ``关于…的通知`` in the notice line, else a signature
  line (an organisation name directly above a date line), else the red header
  (``X文件``), else a ``来源:`` line. ``None`` when the document does not say.
- ``doc_number``: a 文号 (``沪松府[2022]11号``) on its own line or at the end of a
  title line in the header — never one cited in running text; brackets become
  ``〔〕``.
- ``issue_date``: the first date line of the document (``2018年7月31日``, the
  notice's date), else a labelled date (``发布时间:2018-07-31``), else the
  ``…印发`` date of the version record, else a bare date stamp at the top.
  Boilerplate removal drops the last three from the normalized text, so pass
  the raw text as ``raw_text`` to use them.
- ``period_start``/``period_end``: a year range (``(2021-2023年)``, ``2021—2023年``)
  or a five-year plan (``“十三五”`` → 2016–2020; the N-th plan from the 3rd on
  starts in 1966 + 5·(N−3)) in the title, else in the header lines.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import regex

from .models import DocumentMeta
from .numerals import cn_integer
from .normalize import (DEFAULT_VOCABULARY, Vocabulary, detect_script, fold_characters, is_title_like,
                        load_vocabulary, to_simplified)

_HEADER_LINES = 15
_LABEL_LINE = regex.compile(
    r"^(?:第[一二三四五六七八九十百零〇两\d]+(?:章|节|条|篇|部分)|[一二三四五六七八九十]{1,3}、"
    r"|[（(][一二三四五六七八九十]{1,3}[）)]|\d{1,2}[.．﹒、](?![\d.．﹒])|[（(]\d{1,2}[）)]|[①-⑳⑴-⒇⒈-⒛])")
_SENTENCE_PUNCT = regex.compile(r"[。！？；!?;]")
_HAN_RUN = regex.compile(r"\p{Han}{2}")
_CLAUSE_PUNCT = regex.compile(r"[。！？；!?;，,：:、]")

_DATE_CN = r"(?P<y>\d{4}|[〇○O零一二三四五六七八九]{4})\s*年\s*(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})\s*月\s*" \
           r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*日"
_DATE_ISO = r"(?P<y2>\d{4})[-/.](?P<m2>\d{1,2})[-/.](?P<d2>\d{1,2})(?!\d)"
_DATE = regex.compile(rf"{_DATE_CN}|{_DATE_ISO}")
_DATE_LINE = regex.compile(rf"^(?:{_DATE_CN})$")
# the date under a title: （2023年1月5日）, （2023年3月5日第十四届全国人民代表大会第一次会议通过）,
# ——2023年3月5日在第十四届全国人民代表大会第一次会议上 (a government work report)
_UNDER_TITLE_DATE = regex.compile(rf"^(?:[（(](?:{_DATE_CN})[^（）()]{{0,40}}[）)]|——\s*(?:{_DATE_CN}).{{0,40}})$")
_LABELLED_DATE = regex.compile(rf"(?:发布时间|发布日期|成文日期|印发日期|发文日期|公布日期)\s*[:：]?\s*(?:{_DATE_CN}|{_DATE_ISO})")
_PRINT_DATE = regex.compile(rf"(?:{_DATE_CN})\s*印发\s*$")
_STAMP = regex.compile(rf"^(?:{_DATE_ISO})(?:\s|$)")
_SOURCE = regex.compile(r"(?:来源|信息来源|发布机构|发文机关)\s*[:：]\s*(?P<org>[^\s|｜,，;；]{2,40})")

_DOC_NUMBER = regex.compile(
    r"(?P<prefix>\p{Han}+)\s*[〔\[［(（【]\s*(?P<year>(?:19|20)\d{2})\s*[〕\]］)）】]\s*第?\s*(?P<n>\d{1,4})\s*号")
_MAX_PREFIX = 8        # 机关代字 + 发/办/函…: 国发, 沪松府, 闵府办发, 沪发改规范
_NOTICE = regex.compile(r"^(?P<org>.{2,60}?)(?:关于|转发|印发).*(?:的)?(?:通知|决定|意见|批复|通报|公告|通告|函|报告|命令|令)$")
_RED_HEADER = regex.compile(r"^(?P<org>\S{2,30}?)文件$")
_YEAR_RANGE = regex.compile(r"(?P<a>(?:19|20)\d{2})\s*年?\s*(?:[-—–－~～]+|至|到)\s*(?P<b>(?:19|20)\d{2})\s*年?")
_FIVE_YEAR = regex.compile(r"十(?P<n>[一二三四五六七八九])五|第十(?P<n2>[一二三四五六七八九])个五年|[“\"「]十五[”\"」]")
_SPLIT_TITLE = regex.compile(r"[|｜_]")
# a gov.cn metadata row: 标  题：X / 发文机关：X (the label is not part of the value)
_META_LABEL = regex.compile(r"^(?:标\s*题|文件名称|名\s*称)\s*[:：]\s*")
_LEADING_NUMBER = regex.compile(r"^\p{Han}{1,10}\s*[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*第?\s*\d{1,4}\s*号\s*(?=\S)")
_MAX_TITLE_LINES = 4       # a title broken over at most this many lines
_MAX_TITLE_LINE = 40
_PERIOD_LINE = regex.compile(r"^[（(]\s*(?:19|20)\d{2}\s*年?\s*(?:[-—–－~～]+|至|到)\s*(?:19|20)\d{2}\s*年?\s*[）)]$")


def _compact(s: str) -> str:
    return s.replace(" ", "").replace("\t", "")


def _cn_number(s: str) -> int:
    """Arabic digits or Chinese numerals (二〇二二, 二○二二 with a white circle, 二O二二, 十二) to int."""
    value = cn_integer(s.replace("O", "〇"))
    if value is None:
        raise ValueError(f"not a numeral: {s!r}")
    return value


def parse_date(m: regex.Match) -> dt.date | None:
    """A ``datetime.date`` from a match of ``_DATE`` (Arabic or Chinese numerals); None if invalid."""
    y, mo, d = (m.group("y"), m.group("m"), m.group("d")) if m.group("y") else (
        m.group("y2"), m.group("m2"), m.group("d2"))
    try:
        return dt.date(_cn_number(y), _cn_number(mo), _cn_number(d))
    except (ValueError, KeyError):
        return None


def _first_date(pattern: regex.Pattern, lines: list[str]) -> dt.date | None:
    for line in lines:
        m = pattern.search(line)
        if m:
            inner = _DATE.search(m.group())
            date = parse_date(inner) if inner else None
            if date:
                return date
    return None


def five_year_plan_period(n: int) -> tuple[int, int]:
    """Years of the n-th five-year plan (1st 1953–57, 2nd 1958–62, 3rd 1966–70, …)."""
    start = {1: 1953, 2: 1958}.get(n, 1966 + 5 * (n - 3))
    return start, start + 4


def find_period(text: str) -> tuple[int, int] | None:
    """Plan period in one piece of text: a year range, else a five-year plan."""
    for m in _YEAR_RANGE.finditer(text):
        a, b = int(m.group("a")), int(m.group("b"))
        if a < b <= a + 15:
            return a, b
    m = _FIVE_YEAR.search(text)
    if m:
        n = m.group("n") or m.group("n2")
        return five_year_plan_period(10 + _cn_number(n) if n else 10)
    return None


def _prepare_raw(raw_text: str, script: str | None = None) -> list[str]:
    """Raw lines in the normalized alphabet: NFC, Simplified, ASCII digits; stripped. ``script`` is the raw
    text's script when the caller has detected it already (normalize does)."""
    text = unicodedata.normalize("NFC", raw_text.lstrip("\ufeff"))
    if (script or detect_script(text)) != "simplified":
        text = to_simplified(text)
    return [line.strip() for line in fold_characters(text).split("\n") if line.strip()]


def _header(lines: list[str]) -> list[str]:
    """The lines before the first outline heading (at most ``_HEADER_LINES``), a metadata label
    (``标  题：``) taken off, a 文号 opening a title line (``京政办发〔2016〕26号《…的通知》``) too."""
    out: list[str] = []
    for line in lines[:_HEADER_LINES]:
        if _LABEL_LINE.match(line):
            break
        line = _META_LABEL.sub("", line).strip()
        rest = _LEADING_NUMBER.sub("", line)
        if rest != line and not _SENTENCE_PUNCT.search(rest):
            out.append(line[:len(line) - len(rest)].strip())   # the number stays a line of its own
            line = rest
        out.append(line)
    return out


def _clean_title(title: str, vocab: Vocabulary) -> str:
    parts = [p for p in _SPLIT_TITLE.split(title) if p.strip()]
    with_kw = [p for p in parts if vocab.title_keyword.search(p)]
    title = max(with_kw or parts, key=len) if parts else title
    title = title.strip()
    if title.startswith("《") and title.endswith("》") and title.count("《") == 1:
        title = title[1:-1]                           # 《北京市人民政府办公厅关于印发〈…〉的通知》
    found = doc_number_at_end(title, vocab)               # …的通知 国发〔2021〕23号
    if found and found[0] > 0:
        title = title[:found[0]]
    marks = "|".join(regex.escape(m) for m in vocab.draft_marks)
    title = regex.sub(rf"[（(]\s*(?:{marks})\s*[）)]", "", title)
    # Spaces only between two Han characters, one at most.
    title = regex.sub(r"(?<!\p{Han}) +| +(?!\p{Han})", "", title.strip())
    return regex.sub(r" {2,}", " ", title).strip()


def _is_continuation(line: str, vocab: Vocabulary) -> bool:
    """A short line that completes the title above it (its noun, period or draft mark)."""
    s = _compact(line)
    if len(s) > 30 or _CLAUSE_PUNCT.search(s):
        return False
    if _PERIOD_LINE.match(s):
        return True
    marks = "|".join(regex.escape(m) for m in vocab.draft_marks)
    if regex.fullmatch(rf"[（(](?:{marks})[）)]", s):
        return True
    return regex.match(rf"(?:{vocab.title_keyword.pattern})", s) is not None


def _title_piece(line: str, vocab: Vocabulary) -> bool:
    """A line that can be part of a title broken over lines: short, no clause punctuation,
    not a 文号, a date or a red header."""
    s = _compact(line)
    number = doc_number_at_end(s, vocab)
    return (2 <= len(s) <= _MAX_TITLE_LINE and not _CLAUSE_PUNCT.search(s) and not (number and number[0] == 0)
            and not _DATE_LINE.match(s) and not _RED_HEADER.match(s) and _HAN_RUN.search(s) is not None)


def _broken_title(header: list[str], i: int, vocab: Vocabulary) -> str | None:
    """A title broken over lines from ``header[i]``: ``国务院关于推动内蒙古高质量发展`` +
    ``奋力书写中国式现代化新篇章的意见``; the lines are joined until one ends with a document noun."""
    if not _title_piece(header[i], vocab) or _ends_title(header[i], vocab):
        return None
    candidate = header[i]
    for line in header[i + 1:i + _MAX_TITLE_LINES]:
        if not _title_piece(line, vocab):
            return None
        # joint issuers listed over lines stay separated by a space: 最高人民检察院 / 工业和信息化部 …
        joint = " " in candidate.strip() and vocab.org_end.search(candidate.rstrip()) is not None \
            and vocab.org_end.search(line.split()[0]) is not None
        candidate += (" " if joint else "") + line
        if _ends_title(line, vocab):
            return candidate if is_title_like(candidate, vocab) else None
    return None


def _ends_title(line: str, vocab: Vocabulary) -> bool:
    """Ends with a document noun (…的通知, …实施方案), perhaps followed by a period in brackets."""
    s = regex.sub(r"[（(][^（）()]*[）)]$", "", _compact(line)).rstrip("》>〉")
    return regex.search(rf"(?:{vocab.title_keyword.pattern})$", s) is not None


def find_title(lines: list[str], vocab: Vocabulary) -> str | None:
    header = _header(lines)
    for i, line in enumerate(header):
        s = _compact(line)
        number = doc_number_at_end(s, vocab)
        if _SENTENCE_PUNCT.search(s) or _RED_HEADER.match(s) or (number and number[0] == 0) or _DATE_LINE.match(s):
            continue
        broken = _broken_title(header, i, vocab)
        if broken is not None:
            return _clean_title(broken, vocab) or None
        candidate = line
        j = i + 1
        while j < len(header) and _is_continuation(header[j], vocab):
            candidate += header[j]
            j += 1
        if is_title_like(candidate, vocab):
            return _clean_title(candidate, vocab) or None
    return None


def find_issuer(lines: list[str], raw_lines: list[str], vocab: Vocabulary, title: str | None = None) -> str | None:
    header = _header(lines)
    for line in ([title] if title else []) + header:   # the title may have been broken over lines
        m = _NOTICE.match(regex.sub(r"\s+", " ", line.strip()))
        org = m.group("org").strip() if m else ""
        if org and vocab.org_end.search(org):
            return org               # joint issuers stay separated by their space
    for i, line in enumerate(lines[1:], 1):
        if not _DATE_LINE.match(_compact(line)):
            continue
        signers: list[str] = []          # joint issuers sign on up to three lines above the date
        for prev in reversed(lines[max(0, i - 3):i]):
            names = prev.split()
            if not names or len(_compact(prev)) > 40 or _CLAUSE_PUNCT.search(prev) or \
                    not all(vocab.org_end.search(n) for n in names) or (len(names) == 1 and len(names[0]) > 30):
                break
            signers.insert(0, " ".join(names))
        if signers:
            return " ".join(signers)
    for line in header:
        m = _RED_HEADER.match(_compact(line))
        if m and vocab.org_end.search(m.group("org")):
            return m.group("org")
    for line in raw_lines[:_HEADER_LINES]:
        m = _SOURCE.search(line)
        if m and vocab.org_end.search(m.group("org")):
            return m.group("org")
    return None


def doc_number_at_end(line: str, vocab: Vocabulary) -> tuple[int, str] | None:
    """A 文号 closing ``line`` (alone or after a title): (start offset, normalized form).

    The issuing-body prefix is the Han run before the bracket, cut after the
    title's last document noun when the number is glued to the title
    (``…的通知国发〔2021〕23号`` → ``国发``); a prefix longer than 8 is no 文号.
    """
    s = line.rstrip()
    m = _DOC_NUMBER.search(s)
    while m and m.end() != len(s):
        m = _DOC_NUMBER.search(s, m.end())
    if m is None:
        return None
    prefix, start = m.group("prefix"), m.start()
    cut = None
    for kw in vocab.title_keyword.finditer(prefix):
        cut = kw.end()
    if cut is not None:
        prefix, start = prefix[cut:], start + cut
    if not prefix or len(prefix) > _MAX_PREFIX:
        return None
    return start, f"{prefix}〔{m.group('year')}〕{int(m.group('n'))}号"


def find_doc_number(lines: list[str], vocab: Vocabulary) -> str | None:
    """The document's own 文号: on its own line or closing a title line of the header."""
    for line in _header(lines):
        s = _compact(line)
        if _SENTENCE_PUNCT.search(s):
            continue                 # running text cites other documents' numbers
        found = doc_number_at_end(s, vocab)
        if found and (found[0] == 0 or is_title_like(s[:found[0]], vocab)):
            return found[1]
    return None


def find_issue_date(lines: list[str], raw_lines: list[str]) -> dt.date | None:
    date = _first_date(_DATE_LINE, [_compact(x) for x in lines])
    if date:
        return date
    date = _first_date(_UNDER_TITLE_DATE, [_compact(x) for x in _header(lines)])
    if date:
        return date
    for source in (lines, raw_lines):
        date = _first_date(_LABELLED_DATE, source[:_HEADER_LINES])
        if date:
            return date
    for source in (lines, raw_lines):
        date = _first_date(_PRINT_DATE, [_compact(x) for x in source[-10:]])
        if date:
            return date
    return _first_date(_STAMP, raw_lines[:8])


def find_plan_period(title: str | None, lines: list[str]) -> tuple[int, int] | None:
    if title:
        period = find_period(title)
        if period:
            return period
    for line in _header(lines):
        period = find_period(line)
        if period:
            return period
    return None


def extract_metadata(text: str, raw_text: str | None = None, *,
                     vocabulary_path: Path | None = None, raw_script: str | None = None) -> DocumentMeta:
    """Title, issuer, 文号, issue date and plan period of a normalized document.

    ``raw_text`` (optional) lets the issue date and issuer come from header
    and footer lines that boilerplate removal took out of ``text``; ``raw_script``
    is its script if already known (saves a second detection).
    """
    vocab = load_vocabulary(vocabulary_path or DEFAULT_VOCABULARY)
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    raw_lines = _prepare_raw(raw_text, raw_script) if raw_text else []
    title = find_title(lines, vocab)
    period = find_plan_period(title, lines)
    return DocumentMeta(
        title=title,
        issuer=find_issuer(lines, raw_lines, vocab, title),
        doc_number=find_doc_number(lines, vocab),
        issue_date=find_issue_date(lines, raw_lines),
        period_start=period[0] if period else None,
        period_end=period[1] if period else None,
    )
