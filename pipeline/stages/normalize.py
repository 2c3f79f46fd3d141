"""Raw text → clean Simplified text, one paragraph per line.

``normalize`` is a pure function of the raw text (and of the vocabulary in
``rules/boilerplate.toml``). Steps, in order:

1. line breaks unified, BOM dropped, NFC;
2. script detected; Traditional or mixed text converted with OpenCC ``t2s``
   (Simplified text is left alone: ``t2s`` would rewrite e.g. 乾 → 干), except
   its lines written mostly in Traditional (a heading ``（一）加强組織領導`` pasted
   into a Simplified document: at least 2 Traditional-only characters, and more
   of them than Simplified-only ones);
3. full-width digits and Latin letters folded to ASCII (``％`` is kept as written: a gold snippet
   copies it, and every pattern reads both signs); exotic spaces
   (U+3000, NBSP, …) become spaces; zero-width characters go; Word
   ``[bookmark: …]`` markers go;
4. page-number lines go (``- 3 -``, ``第3页``, ``3/20``, lone numbers); bullets at
   line start go (``- ``, ``•``, ``●``, ``□`` …); ``一一`` used as a dash becomes ``——``;
5. boilerplate goes: site furniture above the title (slogans, site names,
   breadcrumbs), article metadata under it (``发布时间:…来源:…``, date/counter
   stamps, a ``核心提示:`` that repeats the first paragraph), footers at the end
   (previous/next links, contact lines, copyright, ICP, tags, counters, short
   trailing links) and the version record of a 公文 (``抄送:…``, ``…印发``);
6. lines broken inside a sentence are joined (PDF page breaks);
7. spaces touching a CJK character are removed (``到 2023 年`` → ``到2023年``),
   except between two Han characters in a short title-like line, where a
   space is usually a deliberate phrase separator (``…品牌 加快迈向…``);
   spaces between two non-CJK characters (``PET CT``) and tabs (table cells)
   are kept.

Punctuation is never converted between ASCII and full width and quotes are
never changed: evaluation matches snippets copied from the raw file.

Output layout: paragraphs separated by a single ``\\n``; blank lines are
dropped; a table row stays one line with its tabs.
"""
from __future__ import annotations

import functools
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import opencc
import regex

from ..extract.rules import RuleError, RuleSource, compile_common
from ..tables.rows import NormalizedText
from ..text.spans import merge_spans

VOCABULARY_FILE = "boilerplate.toml"

# ---------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class Vocabulary:
    """The word lists of ``rules/boilerplate.toml``, compiled."""

    location_markers: tuple[str, ...]
    navigation: tuple[str, ...]
    nav_separators: tuple[str, ...]
    site_name_suffixes: tuple[str, ...]
    meta_labels: tuple[str, ...]
    summary_labels: tuple[str, ...]
    footer: tuple[str, ...]
    contact: tuple[str, ...]
    cc_labels: tuple[str, ...]
    record_markers: tuple[str, ...]
    closing_formulas: tuple[str, ...]
    attachment_labels: tuple[str, ...]
    title_keywords: tuple[str, ...]
    draft_marks: tuple[str, ...]
    org_suffixes: tuple[str, ...]
    any_term: regex.Pattern          # every furniture term, longest first
    labelled: regex.Pattern          # a line that starts with a furniture label + colon
    footer_start: regex.Pattern      # a line that starts with a footer term
    cut_marker: regex.Pattern        # a line from which the rest of the page is footer
    cc_line: regex.Pattern
    title_keyword: regex.Pattern
    org_end: regex.Pattern
    # ${OUTLINE_LABEL} of the book's common.toml: here only to refuse joins (outline.py finds the sections)
    label_start: regex.Pattern       # a line that opens with an outline label
    new_item_start: regex.Pattern    # a line that opens a new paragraph: a label, or a —— dash item
    # ${DATE_WRITTEN} and ${DATE_FIGURES} of common.toml
    date_line: regex.Pattern         # a line that is a date: a signature's, never joined to the line above
    print_line: regex.Pattern        # …2023年5月8日印发: the foot of an official document
    date_stamp: regex.Pattern        # 2024-03-18 09:30:15: a portal's time stamp, page furniture
    red_header: regex.Pattern        # ${RED_HEADER} and ${DOC_NUMBER}: lines that anchor a document's top
    doc_number: regex.Pattern


def _alternation(terms: tuple[str, ...]) -> str:
    return "|".join(regex.escape(t.replace(" ", "")) for t in sorted(set(terms), key=lambda t: (-len(t), t)))


# Every key of boilerplate.toml, by table: a misspelled or missing one fails at load (rules-check, extract).
VOCABULARY_KEYS: dict[str, tuple[str, ...]] = {
    "web": ("location_markers", "navigation", "nav_separators", "site_name_suffixes", "meta_labels",
            "summary_labels", "footer", "cut_markers", "contact"),
    "official": ("cc_labels", "record_markers", "closing_formulas", "attachment_labels"),
    "document": ("title_keywords", "draft_marks", "org_suffixes"),
    "pdf": ("responsibility_words", "responsibility_labels", "table_header"),   # read by ingest (PageFurniture)
}
CHECK_KEYS = ("furniture", "not_furniture")


def _vocabulary_error(path: Path | str, reason: str) -> Exception:
    return RuleError(path, None, reason)   # the error every rule file raises: rules-check and extract report it


def _validated(data: dict, path: Path | str) -> dict:
    tables = set(VOCABULARY_KEYS) | {"checks"}
    unknown = sorted(set(data) - tables)
    if unknown:
        raise _vocabulary_error(path, f"unknown table(s) {unknown}; allowed: {sorted(tables)}")
    for table, keys in (*VOCABULARY_KEYS.items(), ("checks", CHECK_KEYS)):
        section = data.get(table, {} if table == "checks" else None)
        if not isinstance(section, dict):
            raise _vocabulary_error(path, f"needs a [{table}] table")
        extra = sorted(set(section) - set(keys))
        if extra:
            raise _vocabulary_error(path, f"[{table}] has unknown key(s) {extra}; allowed: {list(keys)}")
        for key in keys:
            if key not in section:
                if table == "checks":
                    continue
                raise _vocabulary_error(path, f"[{table}] needs {key} = [ … ]")
            value = section[key]
            if not isinstance(value, list) or not all(isinstance(x, str) and x.strip() for x in value):
                raise _vocabulary_error(path, f"[{table}] {key} must be a list of non-empty strings")
    return data


def load_vocabulary(book: RuleSource) -> Vocabulary:
    """The book's ``boilerplate.toml``, checked and compiled (once per book); a defect raises RuleError."""
    return book.view("vocabulary", lambda: compile_vocabulary(book.toml(VOCABULARY_FILE),
                                                               book.source(VOCABULARY_FILE), book.common_defines()))


def compile_vocabulary(data: dict, source: Path | str, common: dict[str, str]) -> Vocabulary:
    """Check and compile the parsed vocabulary file; ``source`` names it in messages, ``common`` is the
    book's common.toml definitions (the outline label)."""
    data = _validated(data, source)
    web, official, document = data["web"], data["official"], data["document"]

    def t(section: dict, key: str) -> tuple[str, ...]:
        return tuple(str(x) for x in section[key])

    location, navigation = t(web, "location_markers"), t(web, "navigation")
    footer, contact = t(web, "footer"), t(web, "contact")
    meta, summary = t(web, "meta_labels"), t(web, "summary_labels")
    cc = t(official, "cc_labels")
    furniture_terms = location + navigation + footer + contact + meta + summary
    labels = footer + contact + meta
    return Vocabulary(
        location_markers=location,
        navigation=navigation,
        nav_separators=t(web, "nav_separators"),
        site_name_suffixes=t(web, "site_name_suffixes"),
        meta_labels=meta,
        summary_labels=summary,
        footer=footer,
        contact=contact,
        cc_labels=cc,
        record_markers=t(official, "record_markers"),
        closing_formulas=t(official, "closing_formulas"),
        attachment_labels=t(official, "attachment_labels"),
        title_keywords=t(document, "title_keywords"),
        draft_marks=t(document, "draft_marks"),
        org_suffixes=t(document, "org_suffixes"),
        any_term=regex.compile(_alternation(furniture_terms), regex.IGNORECASE),
        labelled=regex.compile(rf"^(?:{_alternation(labels)})[:：]", regex.IGNORECASE),
        footer_start=regex.compile(rf"^(?:{_alternation(footer)})", regex.IGNORECASE),
        cut_marker=regex.compile(rf"^(?:{_alternation(t(web, 'cut_markers'))})", regex.IGNORECASE),
        cc_line=regex.compile(rf"^(?:{_alternation(cc)})[:：]"),
        title_keyword=regex.compile(_alternation(t(document, "title_keywords"))),
        org_end=regex.compile(rf"(?:{_alternation(t(document, 'org_suffixes'))})$"),
        label_start=compile_common(common, r"^(?:${OUTLINE_LABEL})", source=source),
        new_item_start=compile_common(common, r"(?:${OUTLINE_LABEL}|——)", source=source),
        date_line=compile_common(common, r"^(?:${DATE_WRITTEN})$", source=source),
        print_line=compile_common(common, r"^.{0,40}?(?:${DATE_WRITTEN})\s*印发$", source=source),
        date_stamp=compile_common(common, r"^${DATE_FIGURES}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?(?:\s+\d+)*$",
                                  source=source),
        red_header=compile_common(common, r"^(?:${RED_HEADER})$", source=source),
        doc_number=compile_common(common, r"${DOC_NUMBER}", source=source),
    )


# ---------------------------------------------------------------- script


@functools.lru_cache(maxsize=4)
def _converter(config: str) -> opencc.OpenCC:
    """OpenCC converters are costly to build: one per configuration."""
    return opencc.OpenCC(config)


@functools.lru_cache(maxsize=65536)
def _char_script(ch: str) -> str:
    """'t' for a Traditional-only character, 's' for a Simplified-only one, '' otherwise."""
    if _converter("t2s").convert(ch) != ch:
        return "t"
    if _converter("s2t").convert(ch) != ch:
        return "s"
    return ""


_HAN = regex.compile(r"\p{Han}")


def detect_script(text: str) -> str:
    """'simplified', 'traditional' or 'mixed', from the characters specific to each script.

    Characters written alike in both scripts do not count. A handful of
    Traditional characters in a Simplified text (a quoted name) do not make it
    mixed: a share of at most 10 %, or fewer than 5 such characters in a
    mostly Simplified text, is noise.
    """
    return _script_of(*_script_counts(text))


def _script_counts(text: str) -> tuple[int, int]:
    """(Traditional-only, Simplified-only) Han characters in ``text``, occurrences counted."""
    # classify the distinct Han characters (a set at C speed); count occurrences only when some
    # character is Traditional-only, which most documents have none of
    kinds = {ch: _char_script(ch) for ch in _HAN.findall("".join(set(text)))}
    if "t" not in kinds.values():
        return 0, 0
    trad = simp = 0
    for ch, n in Counter(text).items():
        kind = kinds.get(ch)
        if kind == "t":
            trad += n
        elif kind == "s":
            simp += n
    return trad, simp


def _script_of(trad: int, simp: int) -> str:
    if trad == 0:
        return "simplified"
    share = trad / (trad + simp)
    if share >= 0.9:
        return "traditional"
    if share <= 0.1 or (trad < 5 and share < 0.5):
        return "simplified"
    return "mixed"


_MIN_TRADITIONAL_IN_LINE = 2


def _simplify_traditional_line(line: str) -> str:
    """A line of a Simplified document written mostly in Traditional, converted; others as they are."""
    trad = simp = 0
    for ch in _HAN.findall(line):
        kind = _char_script(ch)
        trad += kind == "t"
        simp += kind == "s"
    return to_simplified(line) if trad >= _MIN_TRADITIONAL_IN_LINE and trad > simp else line


def to_simplified(text: str) -> str:
    """OpenCC Traditional → Simplified."""
    return _converter("t2s").convert(text)


# ---------------------------------------------------------------- characters

def _fold_table() -> dict[int, int | None]:
    """Full-width digits and Latin letters to ASCII (punctuation, ％ included, is left alone);
    exotic spaces to a space; zero-width characters out; form feeds to line breaks."""
    table: dict[int, int | None] = {cp: cp - 0xFEE0 for cp in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B),
                                                                *range(0xFF41, 0xFF5B))}
    for cp in (0x00A0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000):
        table[cp] = ord(" ")
    for cp in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD):
        table[cp] = None
    table[ord("\f")] = table[ord("\v")] = ord("\n")
    return table


_FOLD = MappingProxyType(_fold_table())
_WORD_MARKER = regex.compile(r"\[(?:bookmark|_?GoBack|_?Toc\d*|_?Hlk\d*)[^\]\n]*\]", regex.IGNORECASE)


def fold_characters(text: str) -> str:
    """Line breaks, NFC, width folding of digits/letters, odd spaces, Word bookmarks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text).translate(_FOLD)
    return _WORD_MARKER.sub("", text)


# CJK: Han characters, CJK and full-width punctuation, general punctuation (“” — …).
_CJK_CHAR = regex.compile(r"[\p{Han}\u2010-\u206F\u3000-\u303F\uFF00-\uFFEF\u3200-\u32FF]")
_HAN_CHAR = regex.compile(r"\p{Han}")
_SPACES = regex.compile(r" +")

# ---------------------------------------------------------------- line patterns

_PAGE_NUMBER = regex.compile(
    r"^(?:[-—–－~·•]*\s*\d{1,4}\s*[-—–－~·•]*"             # - 3 -   — 12 —   3
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"  # 第3页 / 第3页 共20页
    r"|共\s*\d{1,4}\s*页\s*第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*/\s*\d{1,4}"                             # 3/20
    r"|(?i:page)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)$")
_BULLET = regex.compile(r"^(?:[-–]\s+|[•●▪◆◇□■○◎·►▶➢➤✓√※]\s*)")
# 一一 as a dash (PDF rendering of ——): at line start, or after a space or colon.
_DASH_START = regex.compile(r"^一一(?=[^\s一])")
_DASH_MID = regex.compile(r"(?<=[\s:：])一一(?=[^\s一])")
_RULE_LINE = regex.compile(r"^[-—_=－━─·.。*＊\s]{3,}$")

_SENT_END = "。！？；：…!?;:"
_CLOSERS = "”’\"'）)】」』》〕]"
_CLOSING_BRACKETS = "）)】」』》〕]"
_CLAUSE_PUNCT = regex.compile(r"[，,、；;。：:！!？?]")
# Titles may hold a colon ("市经信委：今年将…"); running text holds commas or stops.
_TEXT_PUNCT = regex.compile(r"[，,、；;。！!？?]")
_SENTENCE_PUNCT = regex.compile(r"[。！？；!?;，,]")
_LONG_BODY_PUNCT = regex.compile(r"[。；;，,]")

_BRACKETED = regex.compile(r"^[（(][^（()）]+[）)]$")
# Contact values (e-mail, URL or domain, phone, fax), one pattern each: one alternation of them all is ten
# times slower on a long digit run. Each starts only at the start of its run, so a scan is linear.
_CONTACT_VALUES = tuple(regex.compile(p) for p in (
    r"(?<![\w.+-])[\w.+-]++@[\w-]+(?:\.[\w-]+)+",                                   # e-mail
    r"(?:https?://|www\.)\S+",
    r"(?<![A-Za-z0-9-])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|cn|net|org|gov|edu)(?:\.cn)?\b",
    r"(?<!\d)(?:\+?\d{2,3}[-\s]?)?(?:[(（]?0\d{2,3}[)）]?[-\s]?)?\d{7,8}(?!\d)",    # phone / fax
    r"(?<!\d)1[3-9]\d{9}(?!\d)",
    r"(?<!\d)[48]00-?\d{3}-?\d{4}(?!\d)"))

# Compiled once: these run for every line, and regex's own cache lookup per call costs more than the match.
_STOP_OR_SEMI = regex.compile(r"[。！？!?；;]")
_FULL_STOP = regex.compile(r"[。！？]")
_SPACE_OR_PUNCT = regex.compile(r"[\s\p{P}]")
_PUNCT = regex.compile(r"[\p{P}]")


@functools.lru_cache(maxsize=8)
def _keyword_at_end(keywords: str) -> regex.Pattern:
    return regex.compile(rf"(?:{keywords})$")


@functools.lru_cache(maxsize=8)
def _keyword_at_start(keywords: str) -> regex.Pattern:
    return regex.compile(rf"(?:{keywords})")


def _compact(line: str) -> str:
    return line.replace(" ", "").replace("\t", "")


def _compact_len(line: str) -> int:
    """len(_compact(line)) without building it: the line classes below ask it of a paragraph growing by
    joining, up to MAX_LINE characters, once per line joined."""
    return len(line) - line.count(" ") - line.count("\t")


# ---------------------------------------------------------------- line classes


def is_title_like(line: str, vocab: Vocabulary) -> bool:
    """A short line without sentence punctuation that names a kind of document."""
    s = _compact(line)
    return (4 <= len(s) <= 120 and not _STOP_OR_SEMI.search(s) and not s.endswith(("：", ":"))
            and vocab.title_keyword.search(s) is not None and "\t" not in line)


def is_titleish(line: str) -> bool:
    """Short and free of clause punctuation: a title, heading, date or signature, not running text."""
    return "\t" not in line and _compact_len(line) <= 60 and not _TEXT_PUNCT.search(line)


def _is_standalone(line: str, vocab: Vocabulary) -> bool:
    """A line that is complete by itself: title-ish, or a longer title ending with its document noun."""
    if is_titleish(line):
        return True
    if _compact_len(line) > 150:
        return False
    s = _compact(line)
    return (not _CLAUSE_PUNCT.search(s)
            and _keyword_at_end(vocab.title_keyword.pattern).search(s) is not None)


def _is_long_body(line: str) -> bool:
    return "\t" not in line and len(_compact(line)) >= 40 and _LONG_BODY_PUNCT.search(line) is not None


_FURNITURE_CHAR = regex.compile(
    r"[\p{Numeric_Type=Decimal}\p{Numeric_Type=Digit}\x00-\x40\x5b-\x60\x7b-\x7f：【】|｜>»›＞→•·]", regex.V1)


def _merged_spans(*iterators) -> list[tuple[int, int]]:
    return merge_spans(m.span() for it in iterators for m in it)


def _furniture_share(line: str, vocab: Vocabulary) -> tuple[float, bool]:
    """Share of the line's characters that are furniture, and whether any term matched.

    Furniture characters are the spans of terms and contact values plus digits, ASCII non-letters and
    separators elsewhere; counted by regex over merged spans, so the cost is linear in the line."""
    s = _compact(line)
    if not s:
        return 1.0, False
    spans = _merged_spans(vocab.any_term.finditer(s), *(p.finditer(s) for p in _CONTACT_VALUES))
    covered = sum(b - a for a, b in spans)
    loose = len(_FURNITURE_CHAR.findall(s)) - sum(len(_FURNITURE_CHAR.findall(s, a, b)) for a, b in spans)
    return (covered + loose) / len(s), bool(spans)


@functools.lru_cache(maxsize=8)
def _nav_separator_class(separators: tuple[str, ...]) -> regex.Pattern:
    return regex.compile("[" + regex.escape("".join(separators)) + "]")


def _is_nav(line: str, vocab: Vocabulary) -> bool:
    s = _compact(line)
    if any(term in s for term in vocab.location_markers):
        return True
    seps = _nav_separator_class(vocab.nav_separators).findall(s)
    if len(seps) >= 2 and not _SENTENCE_PUNCT.search(s):
        parts = regex.split("[" + regex.escape("".join(vocab.nav_separators)) + "]", s)
        return all(len(p) <= 12 for p in parts)
    return "首页" in s and len(seps) >= 1 and len(s) <= 40


def _is_furniture(line: str, vocab: Vocabulary) -> bool:
    """Strong, position-independent signs of site furniture."""
    s = _compact(line)
    if not s:
        return True
    if _is_nav(line, vocab) or vocab.labelled.match(s) or vocab.date_stamp.match(line.strip()):
        return True
    if _RULE_LINE.match(s):
        return True
    if _SENTENCE_PUNCT.search(s.rstrip("。")):
        return False
    share, found = _furniture_share(line, vocab)
    return found and share >= 0.5


def _is_site_name(line: str, vocab: Vocabulary) -> bool:
    s = _compact(line)
    return len(s) <= 15 and s.endswith(vocab.site_name_suffixes) and not vocab.title_keyword.search(s)


def _is_anchor(line: str, vocab: Vocabulary) -> bool:
    """The first line that belongs to the document: title, red header, 文号 or running text."""
    if _is_furniture(line, vocab) or _is_site_name(line, vocab):
        return False
    s = _compact(line)
    return (is_title_like(line, vocab) or bool(vocab.red_header.match(s)) or bool(vocab.doc_number.fullmatch(s))
            or _is_long_body(line) or (len(s) >= 15 and _FULL_STOP.search(s) is not None))


def _normal_key(line: str) -> str:
    return _SPACE_OR_PUNCT.sub("", line)


# ---------------------------------------------------------------- boilerplate


def _strip_top(lines: list[str], vocab: Vocabulary) -> list[str]:
    """Drop site furniture above and just under the title. Lines are blanked, not deleted."""
    out = list(lines)
    n = len(out)
    limit = min(n, 40)
    anchor = next((i for i in range(limit) if out[i] and _is_anchor(out[i], vocab)), None)
    if anchor is None:
        anchor = next((i for i in range(n) if out[i] and not _is_furniture(out[i], vocab)), n)
    # Above the anchor: everything down to the last breadcrumb or site name is
    # site header (slogans sit above the breadcrumb); below that, metadata
    # lines go one by one and the rest stays (a news title, half of a title).
    # A site name touching the anchor may be half of a title: it stays.
    last_nav = -1
    for i in range(anchor):
        if out[i] and (_is_nav(out[i], vocab)
                       or (_is_site_name(out[i], vocab) and any(not x for x in out[i + 1:anchor]))):
            last_nav = i
    for j in range(anchor):
        if j <= last_nav or (out[j] and (_is_furniture(out[j], vocab) or _repeated_summary(out, j, vocab))):
            out[j] = ""
    # Under the anchor, up to the first paragraph of running text: metadata lines.
    body = next((k for k in range(anchor, min(n, anchor + 15)) if out[k] and _is_long_body(out[k])
                 and not any(out[k].startswith(lbl) for lbl in vocab.summary_labels)), min(n, anchor + 15))
    for k in range(anchor, body):
        line = out[k]
        if not line:
            continue
        s = _compact(line)
        if any(s.startswith(lbl) for lbl in vocab.summary_labels):
            if _repeated_summary(out, k, vocab):
                out[k] = ""
            continue
        if k == anchor and _is_anchor(line, vocab):
            continue
        if _is_furniture(line, vocab):
            out[k] = ""
    return out


def _repeated_summary(out: list[str], k: int, vocab: Vocabulary) -> bool:
    """A labelled line (``摘要：…``, a metadata row ``标  题：X``) whose content repeats one of the
    next lines: the copy goes, the document's own line stays."""
    s = _compact(out[k])
    summary = next((lbl for lbl in vocab.summary_labels if s.startswith(lbl)), None)
    if summary is None:
        return False
    content = _normal_key(s[len(summary):].lstrip(":："))
    following = [_normal_key(x) for x in out[k + 1:k + 8] if x]
    return bool(content) and any(content[:30] in f or f[:30] in content for f in following if f)


def _is_protected_tail(line: str, vocab: Vocabulary) -> bool:
    """End-of-document lines that belong to the document: date, closing formula, attachments, tables."""
    s = _compact(line)
    if "\t" in line or vocab.date_line.match(s) or s.startswith(vocab.closing_formulas + vocab.attachment_labels):
        return True
    # A bracketed clause on its own line, e.g. (责任单位:区科委), unless it is a record note.
    return bool(_BRACKETED.match(s)) and not any(m in s for m in vocab.record_markers)


def _is_footerish(line: str, vocab: Vocabulary) -> bool:
    """Footer-like even when it carries sentence punctuation."""
    s = _compact(line)
    return bool(vocab.cc_line.match(s) or vocab.labelled.match(s) or vocab.print_line.match(s)
                or any(m in s for m in vocab.record_markers) or _is_furniture(line, vocab)
                or (len(s) <= 40 and vocab.footer_start.match(s) and not _FULL_STOP.search(s)))


def _is_paragraph(line: str, vocab: Vocabulary) -> bool:
    """Running text of the document: long with punctuation, or ending a sentence."""
    if "\t" in line or _is_footerish(line, vocab):
        return False
    return _is_long_body(line) or _STOP_OR_SEMI.search(line) is not None


def _keep_tail(out: list[str], idx: list[int], vocab: Vocabulary) -> None:
    """Blank the lines at ``idx`` except dates, closing formulas, attachments, list items,
    tables and signatures (organisation names stacked above a kept date line)."""
    signing = False                # the kept line below is a date or a signature
    for i in reversed(idx):
        line = out[i]
        s = _compact(line)
        signature = (signing and len(s) <= 30 and vocab.org_end.search(s) is not None
                     and not _CLAUSE_PUNCT.search(s))
        if signature or vocab.date_line.match(s):
            signing = True
        elif _is_protected_tail(line, vocab) or vocab.label_start.match(s):
            signing = False
        else:
            out[i] = ""            # dropped lines do not separate a signature from its date


def _strip_bottom(lines: list[str], vocab: Vocabulary) -> list[str]:
    """Drop footers and the version record at the end. Lines are blanked, not deleted.

    1. the version record (抄送…, …印发) runs from its first label in the tail to the end;
    2. a page footer runs from its first cut marker (上一条, 相关文章, 分享到 …) in the tail to the end;
    3. after the last paragraph of running text only dates, signatures, closing
       formulas, attachment lines and table rows survive.
    """
    out = list(lines)
    nonblank = [i for i, x in enumerate(out) if x]
    tail = nonblank[-25:]
    for i in tail:
        s = _compact(out[i])
        if vocab.cc_line.match(s):
            rest = [out[j] for j in tail if j > i]
            if all(len(_compact(x)) <= 80 for x in rest):
                for j in tail:
                    if j >= i:
                        out[j] = ""
            break
    for i in tail:
        s = _compact(out[i])
        if s and vocab.cut_marker.match(s) and all(len(_compact(out[j])) <= 120 for j in tail if j > i):
            _keep_tail(out, [j for j in tail if j >= i and out[j]], vocab)
            break
    nonblank = [i for i, x in enumerate(out) if x]
    last = next((i for i in reversed(nonblank) if _is_paragraph(out[i], vocab)), None)
    if last is not None:
        _keep_tail(out, [i for i in nonblank if i > last], vocab)
    else:                          # no running text: only unmistakable furniture goes
        for i in reversed(nonblank):
            if not _is_footerish(out[i], vocab):
                break
            out[i] = ""
    return out


def _strip_notes(lines: list[str], vocab: Vocabulary) -> list[str]:
    """Drop publication notes such as （此件公开发布） wherever they stand."""
    markers = "|".join(regex.escape(m) for m in vocab.record_markers)
    note = regex.compile(rf"^[（(]?(?:{markers})[）)]?$")
    return ["" if line and note.match(_compact(line)) else line for line in lines]


def remove_boilerplate(lines: list[str], vocab: Vocabulary) -> list[str]:
    """Blank the furniture lines at the top and the bottom of a document."""
    return _strip_bottom(_strip_top(_strip_notes(lines, vocab), vocab), vocab)


# ---------------------------------------------------------------- joining


def _ends_clause(line: str) -> bool:
    """Ends with sentence/clause-final punctuation or a closing bracket."""
    s = line.rstrip(" ")
    if not s:
        return True
    if s[-1] in _CLOSING_BRACKETS or s[-1] in _SENT_END:
        return True
    core = s.rstrip(_CLOSERS)
    return bool(core) and core != s and core[-1] in _SENT_END


def _is_heading_line(line: str, vocab: Vocabulary) -> bool:
    if _compact_len(line) > 40:
        return False
    s = line.strip(" ")
    return bool(vocab.label_start.match(s)) and "。" not in s


_PERIOD_ONLY = regex.compile(r"^[（(](?:19|20)\d{2}年?(?:[-—–－~～]+|至|到)(?:19|20)\d{2}年?[）)]$")


def continues_title(a: str, b: str, vocab: Vocabulary) -> bool:
    """``b`` completes the title on line ``a``: its plan period, or its document noun.

    ``闵行制造业提升三年行动计划`` + ``(2018-2020年)``;
    ``闵行区落实打响“上海制造”三年行动`` + ``计划（2022-2024年）``.
    """
    if "\t" in a or "\t" in b or not is_titleish(a) or vocab.label_start.match(a.strip(" ")):
        return False
    sa, sb = _compact(a), _compact(b)
    if _PERIOD_ONLY.match(sb):
        return vocab.title_keyword.search(sa) is not None and not _PERIOD_ONLY.search(sa[-16:])
    ends_with_noun = _keyword_at_end(vocab.title_keyword.pattern).search(sa) is not None
    return (not ends_with_noun and len(sb) <= 30 and not _TEXT_PUNCT.search(sb)
            and _keyword_at_start(vocab.title_keyword.pattern).match(sb) is not None)


def should_join(a: str, b: str, vocab: Vocabulary) -> bool:
    """Whether line ``b`` continues the sentence left open at the end of line ``a``."""
    if continues_title(a, b, vocab):
        return True
    if "\t" in a or "\t" in b or _ends_clause(a):
        return False
    if _is_heading_line(a, vocab) or _is_standalone(a, vocab):
        return False
    sb = _compact(b)
    if vocab.new_item_start.match(b.strip(" ")) or vocab.date_line.match(sb):
        return False
    if len(sb) <= 25 and not _PUNCT.search(sb):
        return False               # a short standalone line: signature, caption, title
    return True


def _join_lines(lines: list[str], vocab: Vocabulary) -> list[str]:
    """Lines broken inside a sentence, joined; a paragraph never grows past MAX_LINE by joining, so the
    pieces of a cut long line stay pieces (and no step downstream sees an unbounded line)."""
    paragraphs: list[str] = []
    for line in lines:
        if not line:
            continue
        if paragraphs and len(paragraphs[-1]) + len(line) <= MAX_LINE and should_join(paragraphs[-1], line, vocab):
            prev = paragraphs[-1]
            sep = " " if prev[-1].isascii() and prev[-1].isalpha() and line[0].isascii() and line[0].isalpha() else ""
            paragraphs[-1] = prev + sep + line
        else:
            paragraphs.append(line)
    return paragraphs


# ---------------------------------------------------------------- spaces


def clean_spaces(line: str) -> str:
    """Remove spaces that touch a CJK character; keep ASCII word spaces (one) and tabs.

    In a short title-like line a space between two Han characters is kept:
    titles separate phrases with a space (``…品牌 加快迈向…``).
    """
    line = line.strip(" ")
    keep_han_pairs = is_titleish(line)

    def repl(m: regex.Match) -> str:
        left, right = line[m.start() - 1], line[m.end()]
        if keep_han_pairs and _HAN_CHAR.match(left) and _HAN_CHAR.match(right):
            return " "
        if _CJK_CHAR.match(left) or _CJK_CHAR.match(right):
            return ""
        # ", 2015年" after a CJK clause: the ASCII comma is CJK punctuation typed narrow.
        if left in ",;:!?" and m.start() >= 2 and _CJK_CHAR.match(line[m.start() - 2]):
            return ""
        return " "

    return _SPACES.sub(repl, line)


# ---------------------------------------------------------------- entry point


# Longest line any later step sees. Real paragraphs stay far below it; a text without line breaks (a
# whole file on one line, a run of digits) is cut into pieces so that every per-line step is bounded.
MAX_LINE = 5_000
_LINE_ENDS = "。！？；!?;"
_SOFT_ENDS = "，,、 "


def cut_long_line(line: str, limit: int = MAX_LINE) -> list[str]:
    """``line`` in pieces of at most ``limit`` characters, each ending after a sentence end when there is
    one in the window, else after a comma or space, else at the limit. Linear: each window is searched
    once from its right end."""
    if len(line) <= limit:
        return [line]
    pieces: list[str] = []
    start = 0
    while len(line) - start > limit:
        end = start + limit
        cut = max(line.rfind(ch, start + 1, end) for ch in _LINE_ENDS) + 1
        if cut <= start + limit // 4:    # no sentence end in the last three quarters of the window
            cut = max(cut, max(line.rfind(ch, start + 1, end) for ch in _SOFT_ENDS) + 1)
        if cut <= start + 1:
            cut = end
        pieces.append(line[start:cut])
        start = cut
    pieces.append(line[start:])
    return pieces


def _prepare_lines(text: str) -> list[str]:
    """Per-line cleanup before boilerplate detection: long lines cut, trim, page numbers, bullets, dashes."""
    out: list[str] = []
    raw_lines = text.split("\n")
    if any(len(x) > MAX_LINE for x in raw_lines):
        raw_lines = [piece for x in raw_lines for piece in cut_long_line(x)]
    for raw in raw_lines:
        line = raw.strip(" ")
        if not line.strip():
            out.append("")
            continue
        if _PAGE_NUMBER.match(line):
            out.append("")
            continue
        line = _BULLET.sub("", line, count=1)
        line = _DASH_START.sub("——", line)
        line = _DASH_MID.sub("——", line)
        out.append(line.strip(" "))
    return out


def normalize(raw_text: str, vocab: Vocabulary) -> NormalizedText:
    """Clean Simplified text of a raw document (see the module docstring); ``vocab`` is the run's
    boilerplate vocabulary (:func:`load_vocabulary` of its rule book)."""
    text = raw_text.lstrip("\ufeff")
    text = unicodedata.normalize("NFC", text)
    trad, simp = _script_counts(text)
    script = _script_of(trad, simp)
    if script != "simplified":
        text = to_simplified(text)
    elif trad:          # a Simplified document with some Traditional lines (a quoted notice)
        text = "\n".join(map(_simplify_traditional_line, text.split("\n")))
    text = fold_characters(text)
    lines = remove_boilerplate(_prepare_lines(text), vocab)
    paragraphs = (clean_spaces(p) for p in _join_lines(lines, vocab))
    return NormalizedText(text="\n".join(p for p in paragraphs if p.strip()), script=script)


def check_vocabulary(book: RuleSource) -> list[str]:
    """The ``[checks]`` lines of the vocabulary file that are misclassified: each ``furniture`` line must be
    recognised as page furniture wherever it stands, each ``not_furniture`` line must not (rules-check)."""
    checks = book.toml(VOCABULARY_FILE).get("checks", {})
    vocab = load_vocabulary(book)
    path = book.source(VOCABULARY_FILE)
    failures = [f"{path}: furniture example {line!r} is not recognised as furniture"
                for line in checks.get("furniture", []) if not _is_furniture(line, vocab)]
    failures += [f"{path}: counterexample {line!r} is taken for furniture"
                 for line in checks.get("not_furniture", []) if _is_furniture(line, vocab)]
    return failures
