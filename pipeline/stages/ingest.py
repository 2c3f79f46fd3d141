"""Ingest stage: one input file -> its decoded, uncleaned text.

Reads each file once, in binary, and never writes anything. Every failure is
raised as ``PipelineError(stage="ingest", kind=..., message=...)`` where
``kind`` is one of:

- ``unsupported_format`` -- the suffix is not in ``SUPPORTED_FORMATS``
- ``unreadable``         -- the file could not be read (permissions, a directory, ...)
- ``empty``              -- 0 bytes, or nothing but whitespace once decoded/extracted
- ``undecodable``        -- text bytes in no supported encoding; this includes
                            binary files (NUL or many control bytes) -- the
                            message then says the file looks binary
- ``corrupt``            -- a .docx or .pdf that cannot be opened (not a zip,
                            truncated, password-protected, malformed)
- ``no_text``            -- a PDF without extractable text (scanned pages, or
                            fonts without a Unicode mapping): it needs OCR
- ``symlink_outside``    -- a symbolic link that leads out of the input folder:
                            not followed unless ``IngestOptions.follow_symlinks``
- ``too_large``          -- a .docx whose parts decompress to more than
                            ``IngestOptions.max_docx_bytes``

A file that is read but loses something gets a note (``IngestNote``) next to its
document: ``decoding_warning`` when a few bytes of an otherwise readable text are
in no encoding of the rest (a GBK line pasted into a UTF-8 file) and were
replaced by U+FFFD.

Encoding detection (``decode_text``): byte-order marks first (UTF-8, UTF-32,
UTF-16); then strict UTF-8; then both GB18030 and Big5 are tried strictly and
the candidate that reads more like Chinese wins. Plausibility is the share of
characters that are common Chinese characters (the ~3,500 most frequent
characters of jieba's dictionary plus their Traditional forms via OpenCC) or
ordinary CJK punctuation, ties broken by the mean log-frequency of the
characters. Big5 bytes are almost always valid GB18030 too, so this scoring,
not decode failure, is what tells the two apart.
"""
from __future__ import annotations

import codecs
import contextvars
import functools
import hashlib
import importlib.resources
import io
import math
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import NamedTuple

import regex

from pipeline.extract.rules import RuleSource, compile_common
from pipeline.tables.rows import IngestedDocument, PipelineError

STAGE = "ingest"

# Published as a plain dict (the documented type); treat it as read-only.
SUPPORTED_FORMATS: dict[str, str] = {
    ".txt": "txt",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}

# docx text comes from XML parts, which Word always writes as UTF-8; a PDF's
# text comes from font maps, so no byte encoding applies.
DOCX_ENCODING = "utf-8"
PDF_ENCODING = "n/a"


def _fail(kind: str, message: str) -> PipelineError:
    return PipelineError(STAGE, kind, message)


DEFAULT_MAX_DOCX_BYTES = 200 << 20


@dataclass(frozen=True)
class IngestOptions:
    follow_symlinks: bool = False              # read files behind links that leave the input folder
    max_docx_bytes: int = DEFAULT_MAX_DOCX_BYTES  # decompressed size of a .docx's parts, all together


@dataclass(frozen=True)
class IngestNote:
    """Something a document lost on the way in; becomes an ``errors`` row of kind ``kind``."""
    kind: str
    message: str


# Notes of the file being read (decoding sits below several layers of pure helpers that return text).
_NOTES: "contextvars.ContextVar[list[IngestNote] | None]" = contextvars.ContextVar("ingest_notes", default=None)


def _note(kind: str, message: str) -> None:
    notes = _NOTES.get()
    if notes is not None:
        notes.append(IngestNote(kind, message))


# ================================================================ discovery


def discover(input_dir: Path, follow_symlinks: bool = False) -> list[Path]:
    """Every regular file below ``input_dir``, sorted by relative posix path.

    Names starting with '.' are skipped, and so is everything inside a hidden
    directory (``.git``, ``.ipynb_checkpoints``). A symbolic link to a folder
    outside ``input_dir`` is listed itself (ingest records that it was not
    followed); with ``follow_symlinks`` linked folders are read, each real
    folder once (no cycles). Raises ``NotADirectoryError`` if ``input_dir`` is not
    a directory, and ``OSError`` if a subdirectory cannot be listed -- silently
    missing inputs would be worse than stopping the run.
    """
    if not input_dir.is_dir():
        raise NotADirectoryError(f"input directory {input_dir} does not exist or is not a directory")
    found: list[tuple[str, Path]] = []
    seen: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(input_dir, onerror=_reraise, followlinks=follow_symlinks):
        real = os.path.realpath(dirpath)
        if real in seen:          # a link back to a folder already read
            dirnames[:] = []
            continue
        seen.add(real)
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]  # prune hidden dirs in place
        if not follow_symlinks:
            for d in dirnames:
                path = Path(dirpath) / d
                if path.is_symlink() and _outside(path, input_dir) is not None:
                    found.append((relative_source_path(path, input_dir), path))
        for name in filenames:
            path = Path(dirpath) / name
            if not name.startswith(".") and (path.is_file() or path.is_symlink()):
                found.append((relative_source_path(path, input_dir), path))
    return [path for _, path in sorted(found)]


def _outside(path: Path, input_dir: Path) -> str | None:
    """Where ``path`` really leads, when that is outside ``input_dir``; else None."""
    real, root = os.path.realpath(path), os.path.realpath(input_dir)
    return None if real == root or real.startswith(root.rstrip(os.sep) + os.sep) else real


def _reraise(error: OSError) -> None:
    raise error


def relative_source_path(path: Path, input_dir: Path) -> str:
    """``path`` relative to ``input_dir``, '/'-separated."""
    try:
        return path.relative_to(input_dir).as_posix()
    except ValueError:  # one side relative, the other absolute
        return path.resolve().relative_to(input_dir.resolve()).as_posix()


def _display_path(path: Path, input_dir: Path) -> str:
    try:
        return relative_source_path(path, input_dir)
    except ValueError:
        return path.as_posix()


# ================================================================ ingest_file


def ingest_file(path: Path, input_dir: Path, furniture: "PageFurniture",
                options: IngestOptions = IngestOptions()) -> IngestedDocument:
    """Read, decode and extract one file. Raises ``PipelineError`` on any failure. ``furniture``: what the
    run's rule book says a PDF's running lines are (``StageData.ingest``)."""
    return ingest_with_notes(path, input_dir, furniture, options)[0]


def ingest_with_notes(path: Path, input_dir: Path, furniture: "PageFurniture",
                      options: IngestOptions = IngestOptions()) -> tuple[IngestedDocument, list[IngestNote]]:
    """``ingest_file`` and the notes (``decoding_warning`` …) of what the document lost on the way."""
    return ingest_input(read_input(path, input_dir, options), furniture, options)


@dataclass(frozen=True)
class DocumentInput:
    """One input file as data, for a worker that cannot see the machine where the run started: its bytes
    (or a URL to read them from) and its relative path, never a local path. Pickles."""
    source_path: str                  # relative to --input, '/'-separated: the rows' source_path
    suffix: str                       # the file's suffix, lower case: it picks the format
    data: bytes | None = None         # the bytes, read where the run started
    url: str | None = None            # or an fsspec URL (s3://, gs://, file://) the worker reads
    failure: tuple[str, str] | None = None   # (kind, message): reading already failed where the run started


def read_input(path: Path, input_dir: Path, options: IngestOptions = IngestOptions()) -> DocumentInput:
    """The checks that need the file system, and the bytes; a failure is kept in ``failure``, so that the
    errors row comes out of ingest like any other. An unsupported file is not read."""
    rel = _display_path(path, input_dir)
    suffix = path.suffix.lower()
    if not options.follow_symlinks:
        target = _outside(path, input_dir)
        if target is not None:
            what = "folder" if os.path.isdir(path) else "file"
            return DocumentInput(rel, suffix, failure=(
                "symlink_outside", f"{rel} is a symbolic link to the {what} {target}, outside the input folder; "
                                   "it was not followed (run with --follow-symlinks to read such links)."))
    if suffix not in SUPPORTED_FORMATS:
        return DocumentInput(rel, suffix)
    try:
        return DocumentInput(rel, suffix, data=path.read_bytes())
    except OSError as error:
        return DocumentInput(rel, suffix, failure=("unreadable", _unreadable(rel, error)))


def ingest_input(doc: DocumentInput, furniture: "PageFurniture",
                 options: IngestOptions = IngestOptions()) -> tuple[IngestedDocument, list[IngestNote]]:
    """Decode and extract one input given as data (``read_input``); raises ``PipelineError``."""
    rel, suffix = doc.source_path, doc.suffix
    if doc.failure is not None:
        raise _fail(*doc.failure)
    source_format = SUPPORTED_FORMATS.get(suffix)
    if source_format is None:
        supported = ", ".join(SUPPORTED_FORMATS)
        raise _fail(
            "unsupported_format",
            f"{rel} is a '{suffix or '(no suffix)'}' file, which is not supported; "
            f"supported formats are {supported}.",
        )
    data = doc.data if doc.data is not None else _read_url(doc.url or "", rel)
    if not data:
        raise _fail("empty", f"{rel} is empty (0 bytes).")
    notes: list[IngestNote] = []
    token = _NOTES.set(notes)
    try:
        text, encoding = _EXTRACTORS[source_format](data, options, furniture)
    except PipelineError as error:
        raise _fail(error.kind, f"{rel}: {error.message}") from error
    finally:
        _NOTES.reset(token)
    text = normalize_newlines(text)
    if not text.strip():
        raise _fail("empty", f"{rel} contains no text (nothing but whitespace after decoding and extraction).")
    digest = hashlib.sha256(data).hexdigest()
    return IngestedDocument(
        doc_id=digest[:16],
        sha256=digest,
        source_path=rel,
        source_format=source_format,
        encoding=encoding,
        raw_text=text,
    ), [IngestNote(n.kind, f"{rel}: {n.message}") for n in notes]


def _unreadable(rel: str, error: OSError) -> str:
    return f"{rel} could not be read ({error.strerror or type(error).__name__})."


FSSPEC_MISSING = "needs fsspec (pip install fsspec, and s3fs or gcsfs for s3:// or gs://)"
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+://")   # two letters or more: 'C:\\' is a path


def is_url(text: str) -> bool:
    return _URL.match(str(text)) is not None


def discover_url(url: str) -> list[DocumentInput]:
    """Every file below a folder URL (``s3://bucket/prefix``, ``gs://…``, ``file://…``) as a
    :class:`DocumentInput` that a worker reads, sorted by relative path; hidden names skipped as by
    :func:`discover`. Raises ``NotADirectoryError`` when the URL is no folder or fsspec is missing."""
    try:
        import fsspec
    except ImportError:
        raise NotADirectoryError(f"--input {url} {FSSPEC_MISSING}") from None
    fs, root = fsspec.core.url_to_fs(url)
    root = root.rstrip("/")
    if not fs.isdir(root):
        raise NotADirectoryError(f"input folder {url} does not exist or is not a folder")
    found = []
    for name in fs.find(root):
        rel = name[len(root):].lstrip("/")
        if rel and not any(part.startswith(".") for part in rel.split("/")):
            found.append(DocumentInput(rel, PurePosixPath(rel).suffix.lower(), url=fs.unstrip_protocol(name)))
    return sorted(found, key=lambda doc: doc.source_path)


def _read_url(url: str, rel: str) -> bytes:
    """The bytes behind an fsspec URL; fsspec (and s3fs, gcsfs for their schemes) is optional."""
    try:
        import fsspec
    except ImportError:
        raise _fail("unreadable", f"{rel} could not be read: reading {url} {FSSPEC_MISSING}.") from None
    try:
        with fsspec.open(url, "rb") as fh:
            return fh.read()
    except OSError as error:
        raise _fail("unreadable", _unreadable(rel, error)) from error
    except Exception as error:   # a backend not installed (s3fs, gcsfs), credentials refused: not a defect
        raise _fail("unreadable", f"{rel} could not be read from {url} ({type(error).__name__}: {error}).") from error


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR -> LF; nothing else is touched (normalize cleans later)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ================================================================ encodings

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    # (bom, codec, reported name); UTF-32-LE's BOM starts with UTF-16-LE's, so it goes first
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16"),
)

# Below this share of plausible characters a GB18030/Big5 reading is junk ...
_MIN_PLAUSIBLE_SHARE = 0.5
# ... but only judged once there are enough non-ASCII characters to judge by.
_MIN_CHARS_TO_JUDGE = 3
_COMMON_CHAR_COUNT = 3500
# Unicode category Cc (C0 and C1 controls) except the layout ones \t \n \v \f \r
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")

_NOT_TEXT = (
    "the bytes are not valid UTF-8, GB18030/GBK/GB2312 or Big5 text "
    "(nor UTF-16/UTF-32 with a byte-order mark)"
)


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode text bytes, detecting the encoding. Returns ``(text, encoding)``.

    ``encoding`` is one of 'utf-8', 'utf-8-sig', 'utf-16', 'utf-32',
    'gb18030' (also for GBK/GB2312, its subsets) or 'big5'. Raises
    ``PipelineError("ingest", "undecodable", ...)`` for anything else,
    including binary data.
    """
    by_bom = _decode_by_bom(data)
    if by_bom is not None:
        text, encoding = by_bom
    else:
        if b"\x00" in data:  # valid UTF-8, but no text file contains NUL bytes
            raise _fail("undecodable", "it contains NUL bytes, so it looks like a binary file, not text.")
        utf8 = _strict_decode(data, "utf-8")
        if utf8 is not None:
            text, encoding = utf8, "utf-8"
        else:
            try:
                text, encoding = _decode_legacy_cjk(data)
            except PipelineError:
                mostly = _decode_mostly(data)
                if mostly is None:
                    raise
                text, encoding = mostly
    _reject_control_characters(text)
    return text, encoding


# A text is "mostly" in one encoding when at most this share of its non-ASCII bytes are not: a genuine
# GB18030 file read as UTF-8 fails on most of them, a UTF-8 file with a pasted GBK line on a few.
_MAX_BAD_SHARE = 0.2
_ESCAPED = re.compile(r"[\udc80-\udcff]+")
_NAMES = {"utf-8": "UTF-8", "gb18030": "GB18030", "big5": "Big5"}


def _decode_mostly(data: bytes) -> tuple[str, str] | None:
    """The bytes in the encoding that reads all but a few of them, the others replaced by U+FFFD (one
    per run) and a ``decoding_warning`` noted; None when no encoding comes close."""
    non_ascii = len(data.translate(None, bytes(range(0x80)))) or 1
    best: tuple[int, str, str, list[int]] | None = None
    for codec in ("utf-8", "gb18030", "big5"):
        text = data.decode(codec, errors="surrogateescape")
        # counted in C first: a codec that misreads most of the file (GB18030 on UTF-8) has a run at nearly
        # every character, and listing them as match objects took seconds per MB only to be refused
        bad = len(text) - len(_ESCAPED.sub("", text))
        if bad > _MAX_BAD_SHARE * non_ascii or (best is not None and bad >= best[0]):
            continue
        lines, line, last = [], 1, 0
        for m in _ESCAPED.finditer(text):
            line += text.count("\n", last, m.start())
            last = m.start()
            if not lines or lines[-1] != line:
                lines.append(line)
        replaced = _ESCAPED.sub("\ufffd", text)
        if codec != "utf-8" and _is_junk(replaced):
            continue
        best = (bad, codec, replaced, lines)
    if best is None:
        return None
    bad, codec, text, lines = best
    shown = ", ".join(map(str, lines[:10])) + (f" and {len(lines) - 10} more" if len(lines) > 10 else "")
    _note("decoding_warning", f"{bad} byte(s) are not valid {_NAMES[codec]} like the rest of the file and were "
                              f"replaced by U+FFFD, on line(s) {shown}.")
    return text, codec


def _decode_by_bom(data: bytes) -> tuple[str, str] | None:
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            text = _strict_decode(data, codec)
            if text is None:
                raise _fail("undecodable", f"it starts with a {name.upper()} byte-order mark but is not valid {name.upper()}.")
            return text.removeprefix("\ufeff"), name
    return None


def _strict_decode(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _decode_big5(data: bytes) -> str | None:
    # cp950 (Microsoft's Big5) adds a few characters (e.g. 裏 碁 恒) that
    # Windows-made Big5 files use; both are reported as 'big5'.
    return _strict_decode(data, "big5") or _strict_decode(data, "cp950")


def _decode_legacy_cjk(data: bytes) -> tuple[str, str]:
    candidates = [
        (name, text)
        for name, text in (("gb18030", _strict_decode(data, "gb18030")), ("big5", _decode_big5(data)))
        if text is not None
    ]
    if not candidates:
        raise _fail("undecodable", f"{_NOT_TEXT}; it may be a binary file or use another encoding.")
    scored = [(plausibility(text), name, text) for name, text in candidates]
    # max() keeps the first of equals, so GB18030 (the mainland default) wins ties
    score, name, text = max(scored, key=lambda candidate: candidate[0])
    if _is_junk(text, score):
        tried = " or ".join({"gb18030": "GB18030", "big5": "Big5"}[n] for n, _ in candidates)
        raise _fail(
            "undecodable",
            f"{_NOT_TEXT}; read as {tried} it gives mostly implausible characters, "
            "so it is probably binary or in another encoding.",
        )
    return text, name


def _reject_control_characters(text: str) -> None:
    controls = len(_CONTROL.findall(text))
    if "\x00" in text or controls > max(3, len(text) // 100):
        raise _fail("undecodable", "it contains many NUL or control characters, so it looks like a binary file, not text.")


# ---------------------------------------------------------------- plausibility


class _CharStats(NamedTuple):
    common: frozenset[str]           # the most frequent Simplified characters and their Traditional forms
    log_freq: Mapping[str, float]    # natural log of relative frequency, for every character jieba knows


class Plausibility(NamedTuple):
    share: float      # share of non-ASCII characters that are common hanzi or CJK punctuation
    log_freq: float   # mean log-frequency of those characters (tie-breaker)


# Ordinary punctuation and symbols of Chinese documents: full-width forms,
# CJK symbols, dashes/quotes/ellipsis, ℃ №, Roman numerals, ①⑴⒈.
_PUNCT_RANGES: tuple[tuple[int, int], ...] = (
    (0x3000, 0x303F), (0xFF01, 0xFF5E), (0x2010, 0x2027), (0x2030, 0x2033),
    (0x2103, 0x2103), (0x2116, 0x2116), (0x2160, 0x217F), (0x2460, 0x24FF),
)
_PUNCT_CHARS = frozenset("·×÷±°")
_LOG_FREQ_FLOOR = math.log(1e-8)   # unknown or implausible character
_LOG_FREQ_PUNCT = math.log(1e-3)   # a typical punctuation mark


def _is_cjk_punct(ch: str) -> bool:
    code = ord(ch)
    return ch in _PUNCT_CHARS or any(lo <= code <= hi for lo, hi in _PUNCT_RANGES)


# A lone non-ASCII character between two Latin letters ('d閏eloppement') is
# what a Latin-1 accent followed by a letter turns into when read as GB18030/Big5.
_INSIDE_LATIN_WORD = re.compile(r"(?<=[A-Za-z])[^\x00-\x7f](?=[A-Za-z])")


def _judged_counts(text: str) -> tuple[Counter[str], Counter[str]]:
    """Counts of the non-ASCII, non-space characters, and of those inside a Latin word.

    ASCII decodes identically in every candidate, so it carries no evidence.
    Counting with ``Counter`` keeps this linear at C speed: a GB18030 file is
    judged twice (as GB18030 and as Big5) and this runs on every such file.
    """
    judged = Counter({ch: n for ch, n in Counter(text).items() if ord(ch) >= 0x80 and not ch.isspace()})
    inside_word = Counter(_INSIDE_LATIN_WORD.findall(text))
    for ch in [ch for ch in inside_word if ch.isspace()]:
        del inside_word[ch]
    return judged, inside_word


def plausibility(text: str) -> Plausibility:
    """How much ``text`` reads like Chinese; compared across candidate decodings."""
    judged, inside_word = _judged_counts(text)
    total = sum(judged.values())
    if not total:
        return Plausibility(1.0, 0.0)
    stats = _char_stats()
    good = sum(n - inside_word[ch] for ch, n in judged.items() if ch in stats.common or _is_cjk_punct(ch))
    log_total = sum(n * _char_log_freq(ch, stats) for ch, n in judged.items())
    return Plausibility(good / total, log_total / total)


def _char_log_freq(ch: str, stats: _CharStats) -> float:
    if ch in stats.log_freq:
        return max(stats.log_freq[ch], _LOG_FREQ_FLOOR)
    return _LOG_FREQ_PUNCT if _is_cjk_punct(ch) else _LOG_FREQ_FLOOR


def _is_junk(text: str, score: Plausibility | None = None) -> bool:
    judged, _ = _judged_counts(text)
    if sum(judged.values()) < _MIN_CHARS_TO_JUDGE:
        return False
    return (score or plausibility(text)).share < _MIN_PLAUSIBLE_SHARE


@functools.lru_cache(maxsize=1)
def _char_stats() -> _CharStats:
    """Character frequencies from jieba's bundled dictionary, with Traditional forms.

    Built on first use (about a second) and cached: only non-UTF-8 inputs need it.
    """
    counts = _jieba_char_counts()
    total = sum(counts.values())
    log_freq = {ch: math.log(n / total) for ch, n in counts.items()}
    ranked = [ch for ch, _ in counts.most_common()]
    forms = _to_traditional(ranked)
    # A Traditional form is as frequent as its Simplified source (for 複 and 覆,
    # both from 复, take the larger). Several OpenCC configs catch regional forms.
    variants: dict[str, float] = {}
    for source, targets in zip(ranked, forms):
        for variant in set(targets) - {source}:
            variants[variant] = max(variants.get(variant, -math.inf), log_freq[source])
    for variant, value in variants.items():
        log_freq[variant] = max(log_freq.get(variant, -math.inf), value)
    common = set(ranked[:_COMMON_CHAR_COUNT]).union(*forms[:_COMMON_CHAR_COUNT])
    return _CharStats(frozenset(common), MappingProxyType(log_freq))


def _jieba_char_counts() -> Counter[str]:
    """Sum of word frequencies per CJK character over jieba's dict.txt (word freq pos)."""
    counts: dict[str, int] = {}
    dictionary = importlib.resources.files("jieba").joinpath("dict.txt")
    with dictionary.open(encoding="utf-8") as lines:
        for line in lines:
            word, _, rest = line.partition(" ")
            freq = rest.partition(" ")[0]
            if freq.isdigit():
                n = int(freq)
                for ch in word:
                    counts[ch] = counts.get(ch, 0) + n
    return Counter({ch: n for ch, n in counts.items() if _is_hanzi(ch)})


def _is_hanzi(ch: str) -> bool:
    code = ord(ch)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x3134F


def _to_traditional(chars: list[str]) -> list[str]:
    """For each character, all its Traditional/Taiwan/Hong Kong forms (concatenated)."""
    import opencc  # deferred: only needed when a legacy encoding must be guessed

    forms = [""] * len(chars)
    for config in ("s2t", "s2tw", "s2hk"):
        # one call per config; newline-separated so no phrase spans two characters
        converted = opencc.OpenCC(config).convert("\n".join(chars)).split("\n")
        if len(converted) != len(chars):
            continue
        forms = [have + new for have, new in zip(forms, converted)]
    return forms


# ================================================================ txt


def _extract_txt(data: bytes, options: IngestOptions, _furniture: "PageFurniture") -> tuple[str, str]:
    return decode_text(data)


# ================================================================ html

# Charset declarations in <meta charset=...> or http-equiv content="...; charset=...".
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_META_SNIFF_BYTES = 8192
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")

_GB_LABELS = frozenset({"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "windows-936", "euc-cn", "csgb2312", "chinese", "iso-ir-58"})
_BIG5_LABELS = frozenset({"big5", "big5-hkscs", "x-x-big5", "x-big5", "csbig5", "cp950", "windows-950"})
_UTF8_LABELS = frozenset({"utf-8", "utf8", "unicode-1-1-utf-8"})

_DROP_TAGS = frozenset({"script", "style", "noscript", "template", "iframe", "svg", "form", "button", "select", "head", "object", "embed", "textarea"})
_FURNITURE_TAGS = frozenset({"nav", "header", "footer", "aside"})
_SEMANTIC_CONTAINERS = frozenset({"html", "body", "main", "article"})
# Site-furniture words in id/class ('search' but not 'research').
_FURNITURE_WORDS = re.compile(
    r"nav|menu|breadcrumb|footer|header|sidebar|share|comment|related|copyright|login|"
    r"(?<!re)search|toolbar|crumb|topbar|bottom"
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")
# A furniture-looking element holding more than this share of the page's text is
# kept: misnamed wrappers (<div class="page-with-header">) must not empty the page.
_MAX_FURNITURE_SHARE = 0.5
_BLOCK_TAGS = frozenset({
    "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "section", "article",
    "blockquote", "dd", "dt", "ul", "ol", "dl", "table", "tbody", "thead", "tfoot", "main",
    "pre", "hr", "address", "figure", "figcaption", "caption", "center", "td", "th",
    "nav", "header", "footer", "aside", "body", "title",
})
# A cell holding one of these (besides <br>) makes its row a layout row, not a data row.
_CELL_BLOCK_TAGS = frozenset({"table", "div", "p", "ul", "ol", "dl", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "blockquote"})
_HTML_SPACE = re.compile(r"[ \t\n\r\f\xa0]+")
_CJK = r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003134f]"
# A source line break between two CJK characters is not a space (CSS Text 3 segment breaks).
_CJK_LINE_BREAK = re.compile(rf"(?<={_CJK})[ \t\f]*[\r\n][ \t\r\n\f]*(?={_CJK})")


class _Break:
    """Token: end of a block (paragraph boundary)."""


class _Line(NamedTuple):
    """Token: a complete, already formatted line (a table row)."""

    text: str


_BREAK = _Break()


def _extract_html(data: bytes, options: IngestOptions, _furniture: "PageFurniture") -> tuple[str, str]:
    text, encoding = decode_html(data)
    if not text.strip():
        return "", encoding
    return "\n".join(html_to_lines(text)), encoding


def decode_html(data: bytes) -> tuple[str, str]:
    """Decode HTML bytes, honouring a <meta> charset when it fits the bytes."""
    if any(data.startswith(bom) for bom, _, _ in _BOMS):  # a BOM overrides <meta>
        return decode_text(data)
    declared = _declared_charset(data)
    if declared is not None and declared in {"utf-8", "gb18030", "big5"}:
        text = _decode_declared(data, declared)
        if text is not None and _declaration_consistent(data, declared, text):
            _reject_control_characters(text)
            return text, declared
    try:
        return decode_text(data)
    except PipelineError:
        # Not a Chinese encoding we detect: a declared one (windows-1252, ...) is the last resort.
        if declared is not None and declared not in {"utf-8", "gb18030", "big5"}:
            text = _decode_declared(data, declared)
            if text is not None:
                _reject_control_characters(text)
                return text, declared
        raise


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:_META_SNIFF_BYTES])
    if match is None:
        return None
    label = match.group(1).decode("ascii").lower()
    if label in _GB_LABELS:
        return "gb18030"
    if label in _BIG5_LABELS:
        return "big5"
    if label in _UTF8_LABELS or label.startswith("utf-16"):
        # a page whose <meta> is readable as ASCII cannot really be UTF-16 (WHATWG rule)
        return "utf-8"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _decode_declared(data: bytes, encoding: str) -> str | None:
    return _decode_big5(data) if encoding == "big5" else _strict_decode(data, encoding)


def _declaration_consistent(data: bytes, declared: str, text: str) -> bool:
    if declared == "utf-8":
        return True  # strict UTF-8 success is already strong evidence
    # GB/Big5 declared: valid non-ASCII UTF-8 means the <meta> is stale, and
    # junk means the page is in the other legacy encoding.
    is_utf8 = not data.isascii() and _strict_decode(data, "utf-8") is not None
    return not is_utf8 and not _is_junk(text)


def html_to_lines(html: str) -> list[str]:
    """Main text of an HTML page, one block per line, table rows tab-joined."""
    import lxml.etree  # deferred: only needed for HTML inputs
    import lxml.html

    html = _XML_DECLARATION.sub("", html, count=1)  # lxml refuses str input with an encoding declaration
    # huge_tree: without it libxml2 silently stops at nesting depth 256
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True)
    try:
        root = lxml.html.document_fromstring(html, parser=parser)
    except lxml.etree.ParserError:  # nothing but comments or whitespace
        return []
    fatal = [entry for entry in parser.error_log if entry.level_name == "FATAL"]
    if fatal:  # libxml2 gave up part-way (e.g. nesting deeper than 2048): the text would be silently cut
        raise _fail("corrupt", f"the HTML could not be parsed to the end ({fatal[0].message.strip()}).")
    body = root.find("body")
    if body is None:
        return []
    page_chars = _text_length(body)
    keep = functools.partial(_keep_element, page_chars=page_chars)
    lines = _assemble_lines(_tokens(body, keep))
    title = _title(root)
    has_h1 = any(_kept_with_ancestors(h1, keep) and _clean_line(h1.text_content()) for h1 in body.iter("h1"))
    if title and not has_h1 and not _title_in_body(title, lines):
        lines.insert(0, title)
    return lines


_SITE_TITLE_SEPARATOR = re.compile(r"\s*[_|｜]\s*|\s+[-—]\s+")
_TITLE_WINDOW = 30


def _title_in_body(title: str, lines: list[str]) -> bool:
    """The page's <title> (``X_政策_中国政府网``), or its longest part, is already a line near the
    top of the body: it is not repeated."""
    parts = [p for p in _SITE_TITLE_SEPARATOR.split(title) if p]
    key = _SPACE_RUN.sub("", max(parts, key=len)) if parts else ""
    top = {_SPACE_RUN.sub("", line) for line in lines[:_TITLE_WINDOW]}
    return _SPACE_RUN.sub("", title) in top or (len(key) >= 4 and key in top)


def _kept_with_ancestors(element, keep: Callable[[object], bool]) -> bool:
    """True if neither ``element`` nor any ancestor is dropped."""
    node = element
    while node is not None:
        if not keep(node):
            return False
        node = node.getparent()
    return True


def _title(root) -> str:
    title = root.find(".//title")
    return _clean_line(title.text_content()) if title is not None else ""


def _text_length(element) -> int:
    return len(_HTML_SPACE.sub("", element.text_content()))


def _keep_element(element, page_chars: int) -> bool:
    """False for scripts, hidden elements and site furniture."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _DROP_TAGS:
        return False
    if element.get("hidden") is not None or _HIDDEN_STYLE.search(element.get("style", "") or ""):
        return False
    if tag in _SEMANTIC_CONTAINERS:
        return True
    if tag in {"header", "footer"} and _inside(element, {"article", "main"}):
        return True  # an article's own header/footer (title, date) is content
    names = f"{element.get('id', '')} {element.get('class', '')}".lower()
    furniture = tag in _FURNITURE_TAGS or _FURNITURE_WORDS.search(names) is not None
    if not furniture:
        return True
    return page_chars > 0 and _text_length(element) > _MAX_FURNITURE_SHARE * page_chars


def _inside(element, tags: set[str]) -> bool:
    return any(ancestor.tag in tags for ancestor in element.iterancestors())


def _tokens(root, keep: Callable[[object], bool]) -> Iterator[str | _Break | _Line]:
    """Inline text, block breaks and table-row lines below ``root``, in document order.

    An explicit stack rather than recursion: pages of unclosed <font> tags nest
    thousands deep. The stack holds elements still to expand and tokens to emit
    after them (closing breaks, tails).
    """
    stack: list = [root]
    spanned: dict = {}          # table → {row: its fields on the table's column grid}
    while stack:
        item = stack.pop()
        if isinstance(item, (str, _Break, _Line)):
            yield item
            continue
        if item is not root and item.tail:  # a tail belongs to the parent, even after a dropped element
            stack.append(item.tail)
        if not isinstance(item.tag, str) or not keep(item):
            continue
        tag = item.tag.lower()
        if tag == "br":
            yield _BREAK
        elif tag == "tr" and _is_data_row(item):
            yield _Line("\t".join(_spanned_row(item, keep, spanned)))
        else:
            if tag in _BLOCK_TAGS:
                yield _BREAK
                stack.append(_BREAK)
            stack.extend(reversed(list(item)))
            if item.text:
                yield item.text


def _spanned_row(row, keep: Callable[[object], bool], cache: dict) -> list[str]:
    """Cell texts of a table row laid out on its table's column grid, one field per grid column,
    so that field i of every row is column i: a ``colspan`` cell gives its text to its first column
    and "" to the others; a ``rowspan`` cell fills the same columns on each row it covers (one lead
    unit written once for several task rows belongs to each of them)."""
    table = row.getparent()
    if table is None:
        return [_cell_text(cell, keep) for cell in _row_cells(row)]
    if isinstance(table.tag, str) and table.tag.lower() in _ROW_GROUPS and table.getparent() is not None:
        table = table.getparent()
    if table not in cache:
        cache[table] = _table_grid(table, keep)
    return cache[table].get(row) or [_cell_text(cell, keep) for cell in _row_cells(row)]


_ROW_GROUPS = frozenset({"thead", "tbody", "tfoot"})


def _is_tag(element, tags: set[str] | frozenset[str]) -> bool:
    return isinstance(element.tag, str) and element.tag.lower() in tags


def _table_grid(table, keep: Callable[[object], bool]) -> dict:
    """{row: fields} for every row of ``table``, all rows as wide as the widest. A rowspan reaches
    no further than its row group (thead/tbody/tfoot), as in the HTML table model."""
    groups: list[list] = []
    loose: list = []                               # rows directly under <table>: one implicit group
    for child in table:
        if _is_tag(child, {"tr"}):
            loose.append(child)
            continue
        if loose:
            groups.append(loose)
            loose = []
        if _is_tag(child, _ROW_GROUPS):
            groups.append([tr for tr in child if _is_tag(tr, {"tr"})])
    if loose:
        groups.append(loose)
    rows: dict = {}
    width = 0
    for group in groups:
        grid: dict[tuple[int, int], str] = {}     # (row, column) → field; first cell to claim it wins
        for r, tr in enumerate(group):
            column = 0
            for cell in _row_cells(tr):
                while (r, column) in grid:          # taken by a cell spanning down from above
                    column += 1
                text = _cell_text(cell, keep)
                down = min(_span(cell, "rowspan"), len(group) - r)
                across = _span(cell, "colspan")
                for dr in range(down):
                    for dc in range(across):
                        grid.setdefault((r + dr, column + dc), text if dc == 0 else "")
                column += across
        used = 1 + max((c for _, c in grid), default=-1)
        width = max(width, used)
        for r, tr in enumerate(group):
            rows[tr] = [grid.get((r, c), "") for c in range(used)]
    for fields in rows.values():
        fields.extend([""] * (width - len(fields)))
    return rows


def _span(cell, attribute: str) -> int:
    try:
        return max(1, min(int(cell.get(attribute, "1")), 1000))
    except ValueError:
        return 1


def _row_cells(row) -> list:
    return [cell for cell in row if isinstance(cell.tag, str) and cell.tag.lower() in {"td", "th"}]


def _is_data_row(row) -> bool:
    """A row of a data table, not a layout table holding whole paragraphs or tables."""
    cells = _row_cells(row)
    if not cells:
        return False
    for cell in cells:
        blocks = [el for el in cell.iterdescendants() if isinstance(el.tag, str) and el.tag.lower() in _CELL_BLOCK_TAGS]
        if len(blocks) > 1 or any(el.tag.lower() == "table" for el in blocks):
            return False
    return True


def _cell_text(cell, keep: Callable[[object], bool]) -> str:
    # a <br> inside a cell becomes a space: the row must stay on one line
    parts = [token if isinstance(token, str) else " " for token in _tokens(cell, keep)]
    return _clean_line("".join(parts))


def _assemble_lines(tokens: Iterator[str | _Break | _Line]) -> list[str]:
    lines: list[str] = []
    pending: list[str] = []
    for token in tokens:
        if isinstance(token, str):
            pending.append(token)
            continue
        line = _clean_line("".join(pending))
        pending = []
        if line:
            lines.append(line)
        if isinstance(token, _Line) and token.text.strip("\t"):
            lines.append(token.text)
    line = _clean_line("".join(pending))
    if line:
        lines.append(line)
    return lines


def _clean_line(text: str) -> str:
    """Collapse HTML whitespace; a source line break between CJK characters disappears."""
    return _HTML_SPACE.sub(" ", _CJK_LINE_BREAK.sub("", text)).strip(" ")


# ================================================================ docx

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_W_P, _W_TBL, _W_TR, _W_TC = f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc"
_W_SDT, _W_SDT_CONTENT, _W_CUSTOM_XML = f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"
_RUN_CHARS: Mapping[str, str] = MappingProxyType({
    f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-",
})
# Not body text: properties (their w:tab are tab stops), moved-away text,
# field instructions, and text boxes (anchored anywhere; mc:Fallback repeats them).
_SKIP_IN_PARAGRAPH = frozenset({
    f"{_W}pPr", f"{_W}rPr", f"{_W}moveFrom", f"{_W}del", f"{_W}instrText",
    f"{_W}txbxContent", f"{_MC}Fallback",
})


def _extract_docx(data: bytes, options: IngestOptions, _furniture: "PageFurniture") -> tuple[str, str]:
    _check_docx_size(data, options.max_docx_bytes)
    body = _open_docx_body(data)
    return "\n".join(_docx_lines(body)), DOCX_ENCODING


def _check_docx_size(data: bytes, limit: int) -> None:
    """Refuse a .docx whose parts decompress to more than ``limit`` bytes before any is read (a small file
    can expand a thousandfold). zipfile reads no more than a member's declared size, so the declared
    sizes bound what reading it can cost."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return          # _open_docx_body says what is wrong with it
    if total > limit:
        raise _fail("too_large", f"its parts decompress to {total / 2**20:.0f} MB, over the limit of "
                                 f"{limit / 2**20:.0f} MB for a .docx (--max-docx-mb raises it).")


def _open_docx_body(data: bytes):
    import docx  # deferred: only needed for .docx inputs

    try:
        return docx.Document(io.BytesIO(data)).element.body
    except Exception as error:  # python-docx raises zip, XML, key and value errors on bad input
        raise _fail(
            "corrupt",
            f"it is not a readable .docx (Word 2007+) file ({type(error).__name__}: {error}); "
            "an old binary .doc must be converted first.",
        ) from error


def _docx_children(element, tags: frozenset[str]) -> Iterator:
    """Children of ``element`` with a tag in ``tags``, looking through content controls."""
    for child in element.iterchildren():
        if child.tag in tags:
            yield child
        elif child.tag == _W_SDT:
            content = child.find(_W_SDT_CONTENT)
            if content is not None:
                yield from _docx_children(content, tags)
        elif child.tag == _W_CUSTOM_XML:
            yield from _docx_children(child, tags)


def _docx_lines(container) -> Iterator[str]:
    """Paragraphs and table rows of a body or cell, in document order."""
    for block in _docx_children(container, frozenset({_W_P, _W_TBL})):
        if block.tag == _W_P:
            yield _paragraph_text(block)
        else:
            yield from _docx_table_lines(block)


def _docx_table_lines(table) -> Iterator[str]:
    """Rows of a table, one field per grid column, so that field i of every row is column i: a
    cell spanning columns (gridSpan) gives its text to its first column and "" to the others; a
    cell merged with the one above (vMerge continue) repeats that cell's fields, text and blanks
    (one lead unit written once for several task rows belongs to each of them)."""
    rows = []
    above: dict[int, str] = {}              # grid column → field of the row above (vertical merges)
    for row in _docx_children(table, frozenset({_W_TR})):
        fields = [""] * _grid_before(row)
        for cell in _docx_children(row, frozenset({_W_TC})):
            text = _docx_cell_text(cell)
            merge, span = _cell_merge(cell)
            column = len(fields)
            if merge == "continue" and not text:
                fields.extend(above.get(column + k, "") for k in range(span))
            else:
                fields.extend([text] + [""] * (span - 1))
        above = dict(enumerate(fields))
        rows.append(fields)
    width = max(map(len, rows), default=0)
    for fields in rows:
        fields.extend([""] * (width - len(fields)))
        yield "\t".join(fields) if any(fields) else ""


def _grid_before(row) -> int:
    """Grid columns a row leaves empty before its first cell (w:trPr/w:gridBefore)."""
    props = row.find(f"{_W}trPr")
    skip = props.find(f"{_W}gridBefore") if props is not None else None
    try:
        return max(0, min(int(skip.get(f"{_W}val")), 1000)) if skip is not None else 0
    except (TypeError, ValueError):
        return 0


def _cell_merge(cell) -> tuple[str | None, int]:
    """(vertical merge state: 'restart', 'continue' or None; grid columns spanned) of a table cell."""
    props = cell.find(f"{_W}tcPr")
    if props is None:
        return None, 1
    span = props.find(f"{_W}gridSpan")
    try:
        n = max(1, min(int(span.get(f"{_W}val")), 1000)) if span is not None else 1
    except (TypeError, ValueError):
        n = 1
    vmerge = props.find(f"{_W}vMerge")
    if vmerge is None:
        return None, n
    return ("restart" if vmerge.get(f"{_W}val") == "restart" else "continue"), n


def _docx_cell_text(cell) -> str:
    # a cell is one field of its row line: its paragraphs (and nested tables) joined by spaces
    return " ".join(" ".join(line.split()) for line in _docx_lines(cell) if line.strip())


def _paragraph_text(paragraph) -> str:
    return "".join(_run_text(paragraph))


def _run_text(element) -> Iterator[str]:
    # Walks the XML itself rather than Paragraph.text, which misses runs inside
    # tracked insertions (w:ins), smart tags and simple fields.
    for child in element.iterchildren():
        tag = child.tag
        if tag == f"{_W}t":
            yield child.text or ""
        elif tag in _RUN_CHARS:
            yield _RUN_CHARS[tag]
        elif isinstance(tag, str) and tag not in _SKIP_IN_PARAGRAPH:
            yield from _run_text(child)


# ================================================================ pdf

_PDF_HEADER_WINDOW = 1024   # readers accept '%PDF-' anywhere in the first KiB
_PDF_TRAILER_WINDOW = 2048  # and '%%EOF' followed by a little padding
_CID_PLACEHOLDER = re.compile(r"\(cid:\d+\)")
_MAX_UNMAPPED_SHARE = 0.5


def _extract_pdf(data: bytes, options: IngestOptions, furniture: "PageFurniture") -> tuple[str, str]:
    if b"%PDF-" not in data[:_PDF_HEADER_WINDOW]:
        raise _fail("corrupt", "it has no PDF header, so it is not a PDF file (or is damaged).")
    if b"%%EOF" not in data[-_PDF_TRAILER_WINDOW:]:
        raise _fail("corrupt", "the PDF has no end-of-file marker, so it is truncated (an incomplete download or copy).")
    text = _pdfminer_text(data)
    # pdfminer writes '(cid:N)' for glyphs whose font has no Unicode mapping
    text = _CID_PLACEHOLDER.sub("\ufffd", text)
    text = "\n".join(_strip_running_lines(text.split("\f"), furniture))
    visible = [ch for ch in text if not ch.isspace()]
    if not visible:
        raise _fail("no_text", "the PDF has no extractable text (probably scanned page images); it needs OCR.")
    if visible.count("\ufffd") > _MAX_UNMAPPED_SHARE * len(visible):
        raise _fail("no_text", "the PDF's fonts have no Unicode mapping, so its text cannot be extracted; it needs OCR.")
    return text, PDF_ENCODING


_RUNNING_LAYERS = 2          # running lines peeled off each edge of a page (a banner and its issue line)
_MAX_RUNNING_LINE = 40
_MIN_RUNNING_SHARE = 0.6     # of the pages with text: a running line is on most of them ...
_MIN_RUNNING_PAGES = 3       # ... and on at least three (on both, in a two-page document)
_DIGITS = re.compile(r"\d+")
_SPACE_RUN = re.compile(r"\s+")
_DASH = "-－—–~～·•"
# Page furniture whatever its count: - 3 -, 第3页 共10页, 共10页 第3页, 3/10, Page 3 of 10.
_PAGE_NUMBER = re.compile(
    rf"[{_DASH}]+\d{{1,4}}[{_DASH}]+|第\d{{1,4}}页(?:[,，/]?共\d{{1,4}}页)?|共\d{{1,4}}页[,，]?第\d{{1,4}}页"
    r"|\d{1,4}/\d{1,4}|(?i:page)\d{1,4}(?:(?i:of)\d{1,4})?")
_BARE_NUMBER = re.compile(r"\d{1,4}")   # a page number, or a 序号 cell: furniture only when on most pages
# Lines that say something: never running lines, however often they recur at a page edge.
# ${WORDS} and ${LABELS}: [pdf] responsibility_words and responsibility_labels of boilerplate.toml
CONTENT_LINE_PATTERN = (r"[（(【〔\[［][^）)】〕\]］]*(?:${WORDS})"     # a responsibility clause, opened here
    r"|(?:${WORDS})[^（(【〔\[［]*[）)】〕\]］]"                          # or closed here
    r"|^(?:${LABELS})[：:]"                                             # a label line
    r"|[。；！？;!?][”’）)」』]*$"                                        # the end of a sentence
    r"|^(?:${OUTLINE_LABEL})"                                           # an outline label
)


@dataclass(frozen=True)
class PageFurniture:
    """What the run's rule book says about a PDF's running lines: the lines that say something and so stay
    (``CONTENT_LINE_PATTERN`` on [pdf] of boilerplate.toml and ``${OUTLINE_LABEL}`` of common.toml), and a
    task table's header row (kept once)."""
    content_line: regex.Pattern
    table_header: regex.Pattern

    @classmethod
    def from_rulebook(cls, book: RuleSource) -> "PageFurniture":
        return book.view("page-furniture", lambda: _page_furniture(book))


def _page_furniture(book: RuleSource) -> PageFurniture:
    from .normalize import VOCABULARY_FILE, load_vocabulary
    load_vocabulary(book)                         # checks the file, its [pdf] lists included
    words = book.toml(VOCABULARY_FILE)["pdf"]

    def either(key: str) -> str:
        return "|".join(regex.escape(w) for w in words[key])

    defines = {**book.common_defines(), "WORDS": either("responsibility_words"),
               "LABELS": either("responsibility_labels")}
    return PageFurniture(content_line=compile_common(defines, CONTENT_LINE_PATTERN, source=book.source(VOCABULARY_FILE)),
                         table_header=regex.compile(either("table_header")))


def _is_page_number(text: str) -> bool:
    if not _PAGE_NUMBER.fullmatch(text):
        return False
    numbers = [int(n) for n in _DIGITS.findall(text)]
    return "/" not in text or numbers[0] <= numbers[1]   # 3/10, not a date like 2023/5


def _strip_running_lines(pages: list[str], furniture: PageFurniture) -> list[str]:
    """Pages without their page furniture: page numbers, and running headers and footers, i.e.
    a short line that is the first (or last) line of most pages, in the same words, digits aside
    (``某省人民政府办公厅行政规范性文件``, ``某市人民政府公报`` / ``2023年第5期``). A line that
    says something (a responsibility clause, a sentence, an outline heading) always stays: a
    clause ending every page is content that happens to sit there."""
    split = [page.split("\n") for page in pages]
    filled = [[i for i, line in enumerate(lines) if line.strip()] for lines in split]
    edges = [[0, len(f) - 1] for f in filled]       # page → [first, last] position in filled still in play
    counted = sum(1 for f in filled if f)
    need = counted if counted <= 2 else max(_MIN_RUNNING_PAGES, math.ceil(_MIN_RUNNING_SHARE * counted))

    def line_at(page: int, side: int) -> str | None:
        first, last = edges[page]
        return split[page][filled[page][edges[page][side]]] if first <= last else None

    def drop(page: int, side: int) -> None:
        split[page][filled[page][edges[page][side]]] = ""
        edges[page][side] += 1 if side == 0 else -1

    def key(line: str) -> str:
        return _SPACE_RUN.sub("", line)

    for side in (0, 1):                              # 0: top of the page, 1: bottom
        for page in range(len(split)):
            while (line := line_at(page, side)) is not None and _is_page_number(key(line)):
                drop(page, side)
        bare = [page for page in range(len(split))
                if (line := line_at(page, side)) is not None and _BARE_NUMBER.fullmatch(key(line))]
        if counted >= 2 and len(bare) >= need:
            for page in bare:
                drop(page, side)
    if counted < 2:
        return ["\n".join(lines) for lines in split]

    seen_header: set[str] = set()
    for side in (0, 1):
        active = set(range(len(split)))              # pages whose running lines on this side go on
        for _ in range(_RUNNING_LAYERS):
            candidates: dict[int, str] = {}
            for page in active:
                line = line_at(page, side)
                if line is None:
                    continue
                k = key(line)
                if len(k) <= _MAX_RUNNING_LINE and not furniture.content_line.search(k):
                    candidates[page] = _DIGITS.sub("#", k)
            counts = Counter(candidates.values())
            active = {page for page, k in candidates.items() if counts[k] >= need}
            for page in sorted(active):
                k = candidates[page]
                # a table header repeated on every page of a long table keeps its first occurrence
                if furniture.table_header.search(k) and k not in seen_header:
                    seen_header.add(k)
                    edges[page][side] += 1 if side == 0 else -1
                    continue
                drop(page, side)
    return ["\n".join(lines) for lines in split]


def _pdfminer_text(data: bytes) -> str:
    from pdfminer.high_level import extract_text  # deferred: only needed for .pdf inputs
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFEncryptionError

    # pdfminer's defaults, spelled out: boxes_flow orders text boxes by column
    # then row, which follows the reading order of one- and two-column layouts.
    laparams = LAParams(line_overlap=0.5, char_margin=2.0, line_margin=0.5, word_margin=0.1, boxes_flow=0.5, detect_vertical=False)
    try:
        return extract_text(io.BytesIO(data), laparams=laparams)
    except PDFEncryptionError as error:
        raise _fail("corrupt", "the PDF is password-protected, so its text cannot be read.") from error
    except Exception as error:  # pdfminer raises many internal types on malformed files
        raise _fail("corrupt", f"the PDF is damaged and cannot be parsed ({type(error).__name__}: {error}).") from error


# ================================================================ dispatch

_EXTRACTORS: Mapping[str, Callable[[bytes, IngestOptions, "PageFurniture"], tuple[str, str]]] = MappingProxyType({
    "txt": _extract_txt,
    "html": _extract_html,
    "docx": _extract_docx,
    "pdf": _extract_pdf,
})
