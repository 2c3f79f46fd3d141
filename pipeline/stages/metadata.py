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

import dataclasses
import datetime as dt
import unicodedata
from dataclasses import dataclass

import regex

from ..extract.rules import Rule, RuleError, RuleSource
from ..tables.rows import DocumentMeta
from ..text.numerals import cn_integer
from .normalize import (
    Vocabulary,
    _alternation,
    detect_script,
    fold_characters,
    is_title_like,
    load_vocabulary,
    to_simplified,
)
from .places import Places, byline_government, find_place

SITES_FILE = "sites.toml"
METADATA_WORDS_FILE = "metadata.toml"
_FURNITURE_KINDS = ("site_name", "column", "breadcrumb", "database")

_HEADER_LINES = 15
_SENTENCE_PUNCT = regex.compile(r"[。！？；!?;]")
_HAN_RUN = regex.compile(r"\p{Han}{2}")
_CLAUSE_PUNCT = regex.compile(r"[。！？；!?;，,：:、]")

_RAW_HEADER_LINES = 40
_MAX_PREFIX = 8        # 机关代字 + 发/办/函…: 国发, 沪松府, 闵府办发, 沪发改规范
_YEAR_RANGE = regex.compile(r"(?P<a>(?:19|20)\d{2})\s*年?\s*(?:[-—–－~～]+|至|到)\s*(?P<b>(?:19|20)\d{2})\s*年?")
_FIVE_YEAR = regex.compile(r"十(?P<n>[一二三四五六七八九])五|第十(?P<n2>[一二三四五六七八九])个五年|[“\"「]十五[”\"」]")
_SPLIT_TITLE = regex.compile(r"[|｜_]")
_BYLINE_LINES = 10         # a report's byline sits right under its title (below a news page's furniture)
_MAX_TITLE_LINES = 4       # a title broken over at most this many lines
_MAX_TITLE_LINE = 40


def _compact(s: str) -> str:
    return s.replace(" ", "").replace("\t", "")


def _cn_number(s: str) -> int:
    """Arabic digits or Chinese numerals (二〇二二, 二○二二 with a white circle, 二O二二, 十二) to int."""
    value = cn_integer(s.replace("O", "〇"))
    if value is None:
        raise ValueError(f"not a numeral: {s!r}")
    return value


def parse_date(m: regex.Match) -> dt.date | None:
    """A ``datetime.date`` from a match of ``meta.date`` (Arabic or Chinese numerals); None if invalid."""
    y, mo, d = (m.group("y"), m.group("m"), m.group("d")) if m.group("y") else (
        m.group("y2"), m.group("m2"), m.group("d2"))
    try:
        return dt.date(_cn_number(y), _cn_number(mo), _cn_number(d))
    except (ValueError, KeyError):
        return None


def _first_date(pattern: regex.Pattern, lines: list[str], date_pattern: regex.Pattern) -> dt.date | None:
    for line in lines:
        m = pattern.search(line)
        if m:
            inner = date_pattern.search(m.group())
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


@dataclass(frozen=True)
class SiteRules:
    """rules/sites.toml: what names a web site or a database around a document, by kind."""

    by_kind: dict[str, tuple[Rule, ...]]

    def kind_of(self, line: str) -> str | None:
        """``site_name``, ``column``, ``breadcrumb`` or ``database`` when ``line`` is such furniture."""
        s = _compact(line)
        for kind in _FURNITURE_KINDS:
            if any(rule.search(s) for rule in self.by_kind.get(kind, ())):
                return kind
        spans = self.separators(line)          # 中国政府网_中央人民政府门户网站: every part a site's name
        if spans:
            cuts = [0] + [p for span in sorted(set(spans)) for p in span] + [len(line)]
            parts = [line[cuts[i]:cuts[i + 1]] for i in range(0, len(cuts), 2)]
            if all(self.is_site_name(p) for p in parts if p.strip()):
                return "site_name"
        return None

    def is_site_name(self, text: str) -> bool:
        s = _compact(text)
        return any(rule.search(s) for rule in self.by_kind.get("site_name", ()) + self.by_kind.get("column", ()))

    def separators(self, text: str) -> list[tuple[int, int]]:
        return [m.span() for rule in self.by_kind.get("separator", ()) for m in rule.finditer(text)]


def load_site_rules(book: RuleSource) -> SiteRules:
    """``sites.toml``'s rules by kind, once per book."""
    return book.view("site-rules", lambda: _site_rules(book))


def _site_rules(book: RuleSource) -> SiteRules:
    by_kind: dict[str, list[Rule]] = {}
    for rule in book.ruleset(SITES_FILE[:-5]):
        by_kind.setdefault(rule.attrs.get("kind", ""), []).append(rule)
    return SiteRules(by_kind={k: tuple(v) for k, v in by_kind.items()})


def _drop_site_parts(line: str, sites: SiteRules) -> tuple[str, bool]:
    """A page title without its site's and columns' names: ``X_国务院文件_中国政府网`` → ``X_国务院文件``,
    ``站点名-X`` → ``X``. True when something was dropped (the line is a page title)."""
    spans = sorted(set(sites.separators(line)))
    if not spans:
        return line, False
    cuts = [0] + [p for span in spans for p in span] + [len(line)]
    parts = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts), 2)]     # the text between separators
    first, last = 0, len(parts) - 1
    while first < last and sites.is_site_name(line[parts[first][0]:parts[first][1]]):
        first += 1
    while last > first and sites.is_site_name(line[parts[last][0]:parts[last][1]]):
        last -= 1
    if first == 0 and last == len(parts) - 1:
        return line, False
    return line[parts[first][0]:parts[last][1]].strip(), True


def _strip_site_prefix(line: str, sites: SiteRules, vocab: Vocabulary) -> str:
    """``中国政府网国务院办公厅关于…的意见`` → ``国务院办公厅关于…的意见``: a site's name glued to a title."""
    s = line.strip()
    for k in range(3, min(len(s) - 3, 40)):
        if sites.is_site_name(s[:k]) and is_title_like(s[k:], vocab):
            return s[k:].strip()
    return s


_PORTAL_LABEL = regex.compile(r"^[\p{Han} 　]{2,8}[：:]$")     # a label cell of a portal's metadata table
_MAX_LABEL_VALUE = 20


def _header(lines: list[str], pats: HeaderPatterns, sites: SiteRules | None = None,
            vocab: Vocabulary | None = None) -> list[str]:
    """The lines before the first outline heading (at most ``_HEADER_LINES``), a metadata label
    (``标  题：``) taken off, a 文号 opening a title line (``京政办发〔2016〕26号《…的通知》``) too.
    With ``sites``: a site's name, column, breadcrumb or database header is left out (it does not
    count in the limit), and so is a portal's label cell (``公开方式：``) with its short value."""
    out: list[str] = []
    skip_value = False
    kept = 0
    for line in lines[:_HEADER_LINES * 3]:
        if sites is not None:
            if skip_value:
                skip_value = False
                if len(_compact(line)) <= _MAX_LABEL_VALUE and not _SENTENCE_PUNCT.search(line):
                    continue
            if sites.kind_of(line):
                continue
            if _PORTAL_LABEL.match(line.strip()):
                skip_value = True
                continue
            if vocab is not None:
                line = _strip_site_prefix(line, sites, vocab)
        if kept >= _HEADER_LINES:
            break
        kept += 1
        if pats.label_line.match(line):
            break
        line = pats.meta_label.sub("", line).strip()
        rest = pats.leading_number.sub("", line)
        if rest != line and not _SENTENCE_PUNCT.search(rest):
            out.append(line[:len(line) - len(rest)].strip())   # the number stays a line of its own
            line = rest
        out.append(line)
    return out


def _clean_title(title: str, vocab: Vocabulary, pats: HeaderPatterns, sites: SiteRules | None = None) -> tuple[str, bool]:
    """The title without page-title parts, draft marks, a closing 文号 and stray spaces; True when
    ``title`` was a page title (``X_站点名``, ``站点名|X``)."""
    dropped = False
    if sites is not None:
        title, dropped = _drop_site_parts(title, sites)
    # a page title loses its columns too (X_国务院文件): split at every separator, else at | ｜ _ only
    splitter = regex.compile("|".join(r.pattern.pattern for r in sites.by_kind.get("separator", ()))) \
        if dropped and sites is not None else _SPLIT_TITLE
    parts = [p for p in splitter.split(title) if p and p.strip()]
    page_title = dropped or len(parts) > 1
    with_kw = [p for p in parts if vocab.title_keyword.search(p)]
    title = max(with_kw or parts, key=len) if parts else title
    title = title.strip()
    if title.startswith("《") and title.endswith("》") and title.count("《") == 1:
        title = title[1:-1]                           # 《北京市人民政府办公厅关于印发〈…〉的通知》
    found = doc_number_at_end(title, vocab, pats)               # …的通知 国发〔2021〕23号
    if found and found[0] > 0:
        title = title[:found[0]]
    marks = "|".join(regex.escape(m) for m in vocab.draft_marks)
    title = regex.sub(rf"[（(]\s*(?:{marks})\s*[）)]", "", title)
    # Spaces only between two Han characters, one at most.
    title = regex.sub(r"(?<!\p{Han}) +| +(?!\p{Han})", "", title.strip())
    title = regex.sub(r" {2,}", " ", title).strip()
    if regex.fullmatch(r"\p{Han}(?: \p{Han}){2,}", title):
        title = title.replace(" ", "")                # a letter-spaced title: 政 府 工 作 报 告
    return title, page_title


def _is_continuation(line: str, vocab: Vocabulary, pats: HeaderPatterns) -> bool:
    """A short line that completes the title above it (its noun, period or draft mark)."""
    s = _compact(line)
    if len(s) > 30 or _CLAUSE_PUNCT.search(s):
        return False
    if pats.period_line.match(s):
        return True
    marks = "|".join(regex.escape(m) for m in vocab.draft_marks)
    if regex.fullmatch(rf"[（(](?:{marks})[）)]", s):
        return True
    return regex.match(rf"(?:{vocab.title_keyword.pattern})", s) is not None


def _title_piece(line: str, vocab: Vocabulary, pats: HeaderPatterns) -> bool:
    """A line that can be part of a title broken over lines: short, no clause punctuation,
    not a 文号, a date or a red header."""
    s = _compact(line)
    number = doc_number_at_end(s, vocab, pats)
    return (2 <= len(s) <= _MAX_TITLE_LINE and not _CLAUSE_PUNCT.search(s) and not (number and number[0] == 0)
            and not pats.date_line.match(s) and not pats.red_header.match(s) and _HAN_RUN.search(s) is not None)


def _broken_title(header: list[str], i: int, vocab: Vocabulary, pats: HeaderPatterns) -> str | None:
    """A title broken over lines from ``header[i]``: ``国务院关于推动内蒙古高质量发展`` +
    ``奋力书写中国式现代化新篇章的意见``; the lines are joined until one ends with a document noun."""
    if not _title_piece(header[i], vocab, pats) or _ends_title(header[i], vocab):
        return None
    if i + 1 < len(header) and _lone_body_above(header[i], header[i + 1], vocab):
        return None
    candidate = header[i]
    for line in header[i + 1:i + _MAX_TITLE_LINES]:
        if not _title_piece(line, vocab, pats):
            return None
        # joint issuers listed over lines stay separated by a space: 最高人民检察院 / 工业和信息化部 …
        joint = " " in candidate.strip() and vocab.org_end.search(candidate.rstrip()) is not None \
            and vocab.org_end.search(line.split()[0]) is not None
        candidate += (" " if joint else "") + line
        if _ends_title(line, vocab):
            return candidate if is_title_like(candidate, vocab) else None
    return None


_OPENS_SUBJECT = regex.compile(r"^(?:关于|印发|转发|批转|联合印发)")


def _lone_body_above(line: str, below: str, vocab: Vocabulary) -> bool:
    """An organisation's name alone above a title that does not continue it (``某市统计局`` over
    ``某省2022年…统计公报``): a site's header or a column, not the start of the title. Issuers open a
    title only before 关于/印发 or before another issuer (joint issuers over lines)."""
    s, b = _compact(line), _compact(below)
    if not vocab.org_end.search(s) or _OPENS_SUBJECT.match(b) or regex.search(r"关于|印发|转发|的", s):
        return False              # 关于进一步加强基层医院 / 建设的实施意见: a title broken after a noun
    return not vocab.org_end.search(below.split()[0]) if below.split() else True


def _ends_title(line: str, vocab: Vocabulary) -> bool:
    """Ends with a document noun (…的通知, …实施方案), perhaps followed by a period in brackets."""
    s = regex.sub(r"[（(][^（）()]*[）)]$", "", _compact(line)).rstrip("》>〉")
    return regex.search(rf"(?:{vocab.title_keyword.pattern})$", s) is not None


def _first_title(header: list[str], vocab: Vocabulary, pats: HeaderPatterns, sites: SiteRules | None, start: int = 0,
                 before_text: bool = False) -> tuple[str, bool, int] | None:
    """The first title in ``header`` from ``start``: (title, from a page title, index after its lines).
    ``before_text``: only a title above the first sentence of running text."""
    for i in range(start, len(header)):
        line = header[i]
        s = _compact(line)
        number = doc_number_at_end(s, vocab, pats)
        if before_text and _SENTENCE_PUNCT.search(s):
            return None
        if _SENTENCE_PUNCT.search(s) or pats.red_header.match(s) or (number and number[0] == 0) or pats.date_line.match(s):
            continue
        broken = _broken_title(header, i, vocab, pats)
        if broken is not None:
            title, page = _clean_title(broken, vocab, pats, sites)
            return (title, page, i + 1) if title else None
        candidate = line
        j = i + 1
        while j < len(header) and _is_continuation(header[j], vocab, pats):
            candidate += header[j]
            j += 1
        if is_title_like(candidate, vocab):
            title, page = _clean_title(candidate, vocab, pats, sites)
            return (title, page, j) if title else None
    return None


def find_title(lines: list[str], vocab: Vocabulary, pats: HeaderPatterns,
               sites: SiteRules | None = None) -> str | None:
    """The document's title. A page title (``X_站点名``) gives way to a title line of the body below
    it: the body's own title wins when the two differ."""
    header = _header(lines, pats, sites, vocab)
    first = _first_title(header, vocab, pats, sites)
    if first is None:
        return None
    title, page, end = first
    if page:
        body = _first_title(header, vocab, pats, sites, end, before_text=True)
        if body is not None and not body[1]:
            return body[0]
    return title


def find_issuer(lines: list[str], raw_lines: list[str], vocab: Vocabulary, pats: HeaderPatterns, title: str | None = None,
                sites: SiteRules | None = None, places: Places | None = None) -> str | None:
    header = _header(lines, pats, sites, vocab)
    for line in ([title] if title else []) + header:   # the title may have been broken over lines
        flat = regex.sub(r"\s+", " ", line.strip())
        m = pats.notice.match(flat) or (pats.notice_open.match(flat) if _ends_title(flat, vocab) else None)
        org = m.group("org").strip() if m else ""
        if org and vocab.org_end.search(org) and not (sites and sites.kind_of(org)):
            return org               # joint issuers stay separated by their space
    for i, line in enumerate(lines[1:], 1):
        if not pats.date_line.match(_compact(line)) and not pats.month_line.match(_compact(line)):
            continue
        signers: list[str] = []          # joint issuers sign on up to three lines above the date
        for prev in reversed(lines[max(0, i - 3):i]):
            names = prev.split()
            if not names or len(_compact(prev)) > 40 or _CLAUSE_PUNCT.search(prev) or \
                    (sites is not None and sites.kind_of(prev)) or \
                    not all(vocab.org_end.search(n) for n in names) or (len(names) == 1 and len(names[0]) > 30):
                break
            signers.insert(0, " ".join(names))
        if signers:
            return " ".join(signers)
    for line in header:
        m = pats.red_header.match(_compact(line))
        if m and vocab.org_end.search(m.group("org")):
            return m.group("org")
    for line in raw_lines[:_HEADER_LINES]:
        m = pats.source.search(line)
        if m and vocab.org_end.search(m.group("org")):
            return m.group("org")
    # a report delivered to a congress: the government of its byline (广东省省长 某某 → 广东省人民政府)
    return byline_government(header[:_BYLINE_LINES], places.rules) if places is not None else None


def doc_number_at_end(line: str, vocab: Vocabulary, pats: HeaderPatterns) -> tuple[int, str] | None:
    """A 文号 closing ``line`` (alone or after a title): (start offset, normalized form).

    The issuing-body prefix is the Han run before the bracket, cut after the
    title's last document noun when the number is glued to the title
    (``…的通知国发〔2021〕23号`` → ``国发``); a prefix longer than 8 is no 文号.
    """
    s = line.rstrip()
    m = pats.doc_number.search(s)
    while m and m.end() != len(s):
        m = pats.doc_number.search(s, m.end())
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


def find_doc_number(lines: list[str], vocab: Vocabulary, pats: HeaderPatterns,
                    sites: SiteRules | None = None) -> str | None:
    """The document's own 文号: on its own line (perhaps in brackets: ``（皖开放办〔2022〕6号）``) or closing
    a title line of the header."""
    for line in _header(lines, pats, sites, vocab):
        s = _compact(line)
        s = regex.sub(r"^[（(](.+)[）)]$", r"\1", s)
        if _SENTENCE_PUNCT.search(s):
            continue                 # running text cites other documents' numbers
        found = doc_number_at_end(s, vocab, pats)
        if found and (found[0] == 0 or is_title_like(s[:found[0]], vocab)):
            return found[1]
    return None


def find_issue_date(lines: list[str], raw_lines: list[str], pats: HeaderPatterns,
                    sites: SiteRules | None = None) -> dt.date | None:
    date = _first_date(pats.date_line, [_compact(x) for x in lines], pats.date)
    if date:
        return date
    date = _first_date(pats.under_title_date, [_compact(x) for x in _header(lines, pats, sites)], pats.date)
    if date:
        return date
    for source in (lines, raw_lines):
        date = _first_date(pats.labelled_date, source[:_HEADER_LINES], pats.date)
        if date:
            return date
    for source in (lines, raw_lines):
        date = _first_date(pats.print_date, [_compact(x) for x in source[-10:]], pats.date)
        if date:
            return date
    return _first_date(pats.stamp, raw_lines[:8], pats.date)


def find_plan_period(title: str | None, lines: list[str], pats: HeaderPatterns,
                     sites: SiteRules | None = None) -> tuple[int, int] | None:
    if title:
        period = find_period(title)
        if period:
            return period
    for line in _header(lines, pats, sites):
        period = find_period(line)
        if period:
            return period
    return None


def _labelled(pattern: regex.Pattern, raw_lines: list[str]) -> str | None:
    for line in raw_lines[:_RAW_HEADER_LINES]:
        m = pattern.search(line)
        if m:
            return m.group("v").strip()
    return None


def _labelled_title(raw_lines: list[str], vocab: Vocabulary, pats: HeaderPatterns, sites: SiteRules) -> str | None:
    """The title of a portal's metadata table (``标　　题：<tab>X``) when the text shows none."""
    value = _labelled(pats.labelled_title, raw_lines)
    if value is None or not is_title_like(value, vocab) or sites.kind_of(value):
        return None
    return _clean_title(value, vocab, pats, sites)[0] or None


def _labelled_number(raw_lines: list[str], vocab: Vocabulary, pats: HeaderPatterns) -> str | None:
    value = _labelled(pats.labelled_number, raw_lines)
    found = doc_number_at_end(_compact(value), vocab, pats) if value else None
    return found[1] if found and found[0] == 0 else None


def metadata_vocabulary(book: RuleSource) -> Vocabulary:
    """boilerplate.toml's vocabulary with the header reader's own title nouns and body endings
    (rules/metadata.toml) added, once per book; page-furniture removal keeps the vocabulary without them."""
    return book.view("metadata-vocabulary", lambda: _metadata_vocabulary(book))


def _metadata_vocabulary(book: RuleSource) -> Vocabulary:
    vocab = load_vocabulary(book)
    extra = book.toml(METADATA_WORDS_FILE).get("document", {})
    title_keywords = vocab.title_keywords + tuple(str(x) for x in extra.get("title_keywords", ()))
    org_suffixes = vocab.org_suffixes + tuple(str(x) for x in extra.get("org_suffixes", ()))
    return dataclasses.replace(vocab, title_keywords=title_keywords, org_suffixes=org_suffixes,
                               title_keyword=regex.compile(_alternation(title_keywords)),
                               org_end=regex.compile(rf"(?:{_alternation(org_suffixes)})$"))


@dataclass(frozen=True)
class HeaderPatterns:
    """The header reader's patterns: the rules ``meta.<field>`` of rules/metadata.toml (their examples are
    checked by rules-check), and the outline label of common.toml, where the header ends."""
    date: regex.Pattern              # a date, written out or in figures: its groups are what parse_date reads
    date_line: regex.Pattern
    month_line: regex.Pattern
    under_title_date: regex.Pattern
    labelled_date: regex.Pattern
    print_date: regex.Pattern
    stamp: regex.Pattern
    source: regex.Pattern
    labelled_title: regex.Pattern
    labelled_number: regex.Pattern
    labelled_issuer: regex.Pattern
    doc_number: regex.Pattern
    notice: regex.Pattern
    notice_open: regex.Pattern
    red_header: regex.Pattern
    meta_label: regex.Pattern
    leading_number: regex.Pattern
    period_line: regex.Pattern
    label_line: regex.Pattern        # ${OUTLINE_LABEL} opening a line: the first heading ends the header


def header_patterns(book: RuleSource) -> HeaderPatterns:
    """The book's header patterns, compiled once per book; a rule the reader needs and the file lacks
    raises RuleError naming it."""
    return book.view("header-patterns", lambda: _header_patterns(book))


def _header_patterns(book: RuleSource) -> HeaderPatterns:
    found = {rule.id: rule.pattern for rule in book.ruleset(METADATA_WORDS_FILE.removesuffix(".toml"))}
    wanted = {f.name: f"meta.{f.name}" for f in dataclasses.fields(HeaderPatterns) if f.name != "label_line"}
    if missing := sorted(rule_id for rule_id in wanted.values() if rule_id not in found):
        raise RuleError(book.source(METADATA_WORDS_FILE), None, f"needs the rules {missing}")
    return HeaderPatterns(label_line=book.compile_common(r"^(?:${OUTLINE_LABEL})"),
                          **{name: found[rule_id] for name, rule_id in wanted.items()})


@dataclass(frozen=True)
class HeaderData:
    """What the metadata reader reads from a rule book: its vocabulary and patterns, the site rules and the
    places."""
    vocabulary: Vocabulary
    patterns: HeaderPatterns
    sites: SiteRules
    places: Places

    @classmethod
    def from_rulebook(cls, book: RuleSource) -> "HeaderData":
        return cls(vocabulary=metadata_vocabulary(book), patterns=header_patterns(book),
                   sites=load_site_rules(book), places=Places.from_rulebook(book))


def extract_metadata(text: str, data: HeaderData, raw_text: str | None = None, *,
                     raw_script: str | None = None) -> DocumentMeta:
    """Title, issuer, 文号, issue date, plan period and place of a normalized document.

    ``raw_text`` (optional) lets the issue date and issuer come from header
    and footer lines that boilerplate removal took out of ``text``; ``raw_script``
    is its script if already known (saves a second detection).
    """
    vocab, pats, sites = data.vocabulary, data.patterns, data.sites
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    raw_lines = _prepare_raw(raw_text, raw_script) if raw_text else []
    title = find_title(lines, vocab, pats, sites) or _labelled_title(raw_lines, vocab, pats, sites)
    period = find_plan_period(title, lines, pats, sites)
    issuer = find_issuer(lines, raw_lines, vocab, pats, title, sites, data.places) \
        or _labelled(pats.labelled_issuer, raw_lines)
    doc_number = find_doc_number(lines, vocab, pats, sites) or _labelled_number(raw_lines, vocab, pats)
    header = _header(lines, pats, sites, vocab)
    page_parts = [part for line in header for part in _SPLIT_TITLE.split(line) if part.strip()]
    # the context that settles a shared name (朝阳区) includes the raw page header: a site's name
    # (北京市朝阳区人民政府网站) is no issuer, but it does say which 朝阳区
    context = "\n".join(header + raw_lines[:_HEADER_LINES]) + "\n" + text
    place = find_place(issuer, title, doc_number, context, places=data.places, header=page_parts)
    return DocumentMeta(
        title=title,
        issuer=issuer,
        doc_number=doc_number,
        issue_date=find_issue_date(lines, raw_lines, pats, sites),
        period_start=period[0] if period else None,
        period_end=period[1] if period else None,
        place_code=place.code if place else None,
        place_name=place.name if place else None,
    )
