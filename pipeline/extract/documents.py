"""The rows a document gives by itself, whatever the rules find in it: its ``documents`` row and its
``sections`` (the outline parsed in ``pipeline.stages.outline``)."""
from __future__ import annotations

from ..tables.rows import Document, DocumentRow, SectionRow


def document_row(doc: Document, kind: str | None = None) -> DocumentRow:
    m = doc.meta
    return DocumentRow(doc_id=doc.doc_id, source_path=doc.source_path, source_format=doc.source_format,
                       encoding=doc.encoding, script=doc.script, title=m.title, issuer=m.issuer,
                       doc_number=m.doc_number, issue_date=m.issue_date, period_start=m.period_start,
                       period_end=m.period_end, kind=kind, place_code=m.place_code, place_name=m.place_name,
                       n_chars=len(doc.text), text=doc.text)


def section_rows(doc: Document) -> list[SectionRow]:
    return [SectionRow(doc_id=doc.doc_id, section_id=s.section_id, parent_id=s.parent_id, level=s.level,
                       label=s.label, heading=s.heading, char_start=s.char_start, char_end=s.char_end)
            for s in doc.sections]
