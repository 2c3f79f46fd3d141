"""Sentence segmentation of normalized text.

A sentence ends at ``。！？；`` (or ASCII ``!?;``) and at every line end.
Closing quotes and brackets right after the terminator stay with the sentence
(``…品牌。”``). An ASCII ``"`` after the terminator closes the sentence only when
the sentence holds an odd number of them (otherwise it opens the next one).
A table row (a line with a tab) is one sentence. Spans are trimmed of
surrounding whitespace, so ``Sentence.text == text[start:end]`` holds and no
sentence is empty. ``.`` never ends a sentence (decimals, ``1.`` labels).

A run of more than MAX_SENTENCE characters without a terminator (a PDF or OCR
text without stops) is split at its last comma, enumeration mark or space
before the limit (at the limit if there is none): every table's ``sentence``
column is then a whole sentence of bounded size, the same for every row that
points into it.
"""
from __future__ import annotations

import regex

from ..tables.rows import Sentence

_LINE = regex.compile(r"[^\n]+")
# A run up to and including the terminators and any closing marks glued to them.
_SENTENCE = regex.compile(r"[^。！？；!?;]+(?:[。！？；!?;]+[”’）)】」』》〕]*)?|[。！？；!?;]+[”’）)】」』》〕]*")
_WS = " \t\u3000"
MAX_SENTENCE = 2000
_SOFT_BREAKS = "，,、：: \u3000"


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` with exact offsets, in document order."""
    out: list[Sentence] = []
    for line in _LINE.finditer(text):
        ls, le = line.span()
        if "\t" in line.group():
            spans = [(ls, le)]
        else:
            spans = []
            for m in _SENTENCE.finditer(text, ls, le):
                s, e = m.span()
                # An ASCII '"' after the terminator closes the sentence if it was left open.
                if e < le and text[e] == '"' and text.count('"', s, e) % 2 == 1 and text[e - 1] in "。！？；!?;":
                    e += 1
                if spans and s < spans[-1][1]:
                    s = spans[-1][1]   # the quote was taken by the previous sentence
                if s < e:
                    spans.append((s, e))
        for s, e in (piece for span in spans for piece in _bounded(text, *span)):
            while s < e and text[s] in _WS:
                s += 1
            while e > s and text[e - 1] in _WS:
                e -= 1
            if s < e:
                out.append(Sentence(index=len(out), start=s, end=e, text=text[s:e]))
    return out


def _bounded(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``(start, end)`` cut into pieces of at most MAX_SENTENCE characters, each ending at a soft break."""
    pieces = []
    while end - start > MAX_SENTENCE:
        limit = start + MAX_SENTENCE
        cut = max(text.rfind(ch, start + 1, limit) for ch in _SOFT_BREAKS) + 1
        if cut <= start + 1:
            cut = limit
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces
