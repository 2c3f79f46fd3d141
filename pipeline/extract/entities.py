"""Entities: organisation mentions (enterprises, research, universities, platforms, parks, bodies).

``EntityExtractor.from_rulebook(book)`` builds the spaCy pipeline once per rule book
(:mod:`pipeline.extract.entity_nlp`: jieba tokenizer with a user dictionary
from ``rules/gazetteers/``, organisation recognizer from ``rules/entities.toml``);
calling it on a :class:`~pipeline.tables.rows.Document` returns rows of the
``entities`` table.

Cost: only *candidate* sentences — a cue of ``rules/entities.toml`` (kind
``candidate``) or a gazetteer name, both found with compiled regexes — are
read; their rules run only when the rule's needle occurs (``Scan``), and the
pipeline's tokenizer segments a sentence once, only when a gazetteer name or
a morphology match has to be checked against token boundaries. The rows are
the same as ``nlp(sentence)._.org_mentions`` (a test checks it); building a
spaCy ``Doc`` for every candidate sentence would cost more than the rules.

Units named in responsibility clauses (``责任单位：区科委、南滨江公司``) are read
from the responsibilities rows when the caller passes them, and typed with
the unit lexicon (``rules/unit_types.toml``) rather than a second copy of its
rules: a ``…公司`` unit is an enterprise with the role ``责任单位``, a bureau is
``government``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import regex

from ..tables.rows import Document, EntityRow, ResponsibilityRow
from ..text.spans import Intervals
from .orgs import Mention
from .rules import RuleSource, timeouts_recorded

RESPONSIBLE_ROLE = "责任单位"
# unit types of rules/unit_types.toml → entity types
_UNIT_TYPE = {"ministry": "government", "municipal_bureau": "government", "district_bureau": "government",
              "town_street": "government", "collective": None, "park": "park", "enterprise": "enterprise",
              "university": "university", "other": None}


@dataclass(frozen=True)
class EntityExtractor:
    nlp: object                      # spacy.Language

    @classmethod
    def from_rulebook(cls, book: RuleSource, exclude: Iterable[str] = ()) -> "EntityExtractor":
        """Once per book (the spaCy pipeline is the costliest part to build); with ``exclude`` (leave one
        document out) a new one each time, not kept."""
        from .entity_nlp import build_nlp
        if exclude:
            return cls(nlp=build_nlp(book, exclude))
        return book.view("entities", lambda: cls(nlp=build_nlp(book)))

    @property
    def recognizer(self):
        from .entity_nlp import COMPONENT
        return self.nlp.get_pipe(COMPONENT).recognizer

    def mentions(self, text: str) -> list[Mention]:
        """Mentions in one piece of text (one sentence), without the candidate filter."""
        return list(self.nlp(text)._.org_mentions)

    def __call__(self, doc: Document, responsibilities: list[ResponsibilityRow] | None = None) -> list[EntityRow]:
        recognizer = self.recognizer
        tokenizer = self.nlp.tokenizer
        rows: dict[tuple[int, int], EntityRow] = {}
        read: dict[str, list[Mention]] = {}    # a sentence written twice is read once (offsets are relative)
        for sentence in doc.sentences:
            mentions = read.get(sentence.text)
            if mentions is None:
                skipped = timeouts_recorded()
                mentions = self._sentence_mentions(recognizer, tokenizer, sentence.text)
                if timeouts_recorded() == skipped:
                    read[sentence.text] = mentions
            for m in mentions:
                s, e = sentence.start + m.start, sentence.start + m.end
                rows[(s, e)] = self._row(doc, sentence.text, s, e, m.text, m.canonical, m.type, m.embedded,
                                         m.role, m.method)
        for s, e, text, canonical, role in self._short_names(doc, rows):
            sentence = doc.sentence_at(s)
            rows[(s, e)] = self._row(doc, sentence.text if sentence else text, s, e, text, canonical,
                                     "enterprise", False, role, "pattern")
        for s, e, unit, canonical, typ in self._units(doc, responsibilities or []):
            old = rows.get((s, e))
            if typ is None and old is None:
                continue
            if old is not None:
                typ = old.type if typ is None else typ
                canonical = old.canonical if typ == "enterprise" else canonical
            sentence = doc.sentence_at(s)
            rows[(s, e)] = self._row(doc, sentence.text if sentence else unit, s, e, unit, canonical, typ,
                                     False, RESPONSIBLE_ROLE if typ == "enterprise" else None,
                                     old.method if old is not None else "pattern")
        return [rows[k] for k in sorted(rows)]

    @staticmethod
    def _sentence_mentions(recognizer, tokenizer, text: str) -> list[Mention]:
        if not recognizer.is_candidate(text):
            return []
        scan = recognizer.scan(text)
        if scan.empty:
            return []
        # one segmentation pass, only when a gazetteer name or a morphology match must be checked
        # against token boundaries; the same tokenizer and recognizer as nlp(text), without a Doc
        spans = scan.token_spans
        bounds = tokenizer.boundaries(text, spans) if spans else None
        return list(recognizer.resolve(text, scan, bounds))

    def _short_names(self, doc: Document, rows: dict[tuple[int, int], EntityRow]):
        """Bare mentions of a company's short name elsewhere in the document: a short name declared
        after the full name (（以下简称“江钢”）), or the brand of a name read by its form
        (北岭公司 → 北岭); only at token boundaries and outside every other mention."""
        recognizer = self.recognizer
        shorts: dict[str, str] = {}                   # short name → canonical
        for (s, e), row in sorted(rows.items()):
            if row.type != "enterprise":
                continue
            m = recognizer.kinds.short_declared.pattern.match(doc.text[e:e + 14])
            if m is not None:
                shorts.setdefault(m.group("short"), row.canonical)
            if row.method == "pattern" and not row.embedded:
                brand = recognizer.short_brand(row.text)
                if brand is not None:
                    shorts.setdefault(brand, row.canonical if row.canonical != row.text else brand)
        if not shorts:
            return
        taken = Intervals(rows)
        for short, canonical in shorts.items():
            pos = doc.text.find(short)
            while pos >= 0:
                end = pos + len(short)
                if not taken.overlaps(pos, end):
                    sentence = doc.sentence_at(pos)
                    if sentence is not None:
                        a, b = pos - sentence.start, end - sentence.start
                        bounds = self.nlp.tokenizer.boundaries(sentence.text, [(a, b)])
                        if a in bounds and b in bounds:
                            taken.add(pos, end)
                            yield pos, end, short, canonical, None
                pos = doc.text.find(short, end)

    @staticmethod
    def _row(doc: Document, sentence: str, s: int, e: int, text: str, canonical: str, typ: str,
             embedded: bool, role: str | None, method: str) -> EntityRow:
        section = doc.section_at(s)
        return EntityRow(doc_id=doc.doc_id, mention_id=f"{doc.doc_id}-E{s}-{e}",
                         section_id=None if section is None else section.section_id, sentence=sentence,
                         char_start=s, char_end=e, text=text, canonical=canonical, type=typ,
                         embedded=embedded, context_role=role, method=method)

    def _units(self, doc: Document, rows: list[ResponsibilityRow]):
        """(start, end, unit, canonical, entity type) of each unit named in a responsibility clause."""
        seen: set[tuple[int, int]] = set()
        for row in rows:
            typ = _UNIT_TYPE.get(row.unit_type)
            if typ is None and row.unit_type != "other":
                continue
            for span in _occurrences(doc.text, row.unit, row.char_start, row.char_end):
                if span in seen:
                    continue
                seen.add(span)
                yield span[0], span[1], doc.text[span[0]:span[1]], row.unit_canonical, typ
                break


def _occurrences(text: str, unit: str, start: int, end: int):
    """Spans of ``unit`` (written without spaces) in text[start:end]; spaces may sit inside."""
    pos = text.find(unit, start, end)
    if pos >= 0:
        while pos >= 0:
            yield pos, pos + len(unit)
            pos = text.find(unit, pos + 1, end)
        return
    pattern = r"\s*".join(regex.escape(ch) for ch in unit)
    for m in regex.finditer(pattern, text, pos=start, endpos=end):
        yield m.span()
