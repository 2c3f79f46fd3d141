"""A static HTML review report of extracted tables: ``python -m pipeline report``.

``index.html`` lists the documents with row counts per table; one page per
document shows ``documents.text`` with every extracted span highlighted by
table (targets, deadlines, responsibility clauses and their units, entities),
each highlight carrying its fields in a ``title`` tooltip, and sortable tables
of the rows. ``dictionary.html`` is the data dictionary. ``panel.html`` (when
the run has a panel) draws, for each place and the chosen indicator, the target
band against the outcome by year as static SVG. No server, no network: plain
files with a little inline CSS and JavaScript.

Overlapping and nested spans: the text is cut at every span boundary into
segments; a segment is wrapped in one ``<mark>`` per span covering it
(longest outermost), so each character shows every span it belongs to and
the text of a span is the concatenation of its segments.

Offsets are checked against the text, never trusted: a row whose
``char_start``/``char_end`` do not point at its own text in
``documents.text`` (out of range, or another string there) is not
highlighted but listed on the page under "Offset problems".
"""
from __future__ import annotations

import datetime as dt
import html
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import pyarrow.parquet as pq
import regex

from .registry import CONTRACT
from .schema import COLUMN_DOCS, SCHEMAS

# (table, the column holding the text the offsets point at): the tables the registry marks for highlighting
SPAN_TABLES: dict[str, str] = {t.name: t.highlight for t in CONTRACT.tables if t.highlight}

# Highlight kinds: class suffix, legend label, id prefix.
KINDS: dict[str, tuple[str, str]] = {
    "target": ("Target (targets.value_text)", "t"),
    "deadline": ("Deadline (deadlines.text)", "d"),
    "clause": ("Responsibility clause (responsibilities.clause)", "c"),
    "unit": ("Responsible unit (responsibilities.unit, found inside its clause)", "u"),
    "entity": ("Enterprise / organisation (entities.text)", "e"),
}

# Columns left out of the row tables (shown in the text instead).
_HIDDEN = {"doc_id", "sentence"}


def esc(value: Any) -> str:
    """HTML-escape any value for text or a double-quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return f"{value:.15g}"
    if isinstance(value, (list, tuple)):
        return "、".join(_fmt(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass
class Span:
    kind: str
    start: int
    end: int
    anchor: str           # HTML id of the span's first segment, e.g. "t-3"
    tip: str              # tooltip text: the row's fields
    row_id: str


@dataclass
class Problem:
    table: str
    row_id: str
    char_start: Any
    char_end: Any
    expected: str
    found: str
    reason: str


@dataclass
class DocPage:
    doc: dict[str, Any]
    rows: dict[str, list[dict[str, Any]]]
    spans: list[Span] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    row_anchor: dict[tuple[str, int], str] = field(default_factory=dict)


def check_offsets(text: str, start: Any, end: Any, expected: str) -> str | None:
    """None when ``text[start:end] == expected``, else the reason it is not."""
    if not isinstance(start, int) or not isinstance(end, int):
        return "offsets missing"
    if start < 0 or end > len(text) or start > end:
        return f"offsets out of range (text has {len(text)} characters)"
    if text[start:end] != expected:
        return "the text at these offsets differs"
    return None


def _tip(title: str, row: dict[str, Any], cols: Iterable[str]) -> str:
    parts = [title]
    for col in cols:
        value = _fmt(row.get(col))
        if value != "":
            parts.append(f"{col}: {value}")
    return "\n".join(parts)


def _locate_unit(text: str, unit: str, lo: int, hi: int) -> tuple[int, int] | None:
    """Where ``unit`` (whitespace removed) is written in ``text[lo:hi]``."""
    if not unit:
        return None
    i = text.find(unit, lo, hi)
    if i >= 0:
        return i, i + len(unit)
    pattern = r"\s*".join(regex.escape(ch) for ch in unit)
    m = regex.compile(pattern).search(text, lo, hi)
    return (m.start(), m.end()) if m else None


def collect_spans(page: DocPage) -> None:
    """Fill ``page.spans``/``problems``/``notes`` from the rows, checking every offset."""
    text = page.doc["text"]
    counters = {k: 0 for k in KINDS}

    def add(kind: str, start: int, end: int, tip: str, row_id: str) -> str:
        anchor = f"{KINDS[kind][1]}-{counters[kind]}"
        counters[kind] += 1
        page.spans.append(Span(kind, start, end, anchor, tip, row_id))
        return anchor

    def bad(table: str, row_id: str, row: dict[str, Any], expected: str, reason: str) -> None:
        s, e = row.get("char_start"), row.get("char_end")
        found = text[s:e] if isinstance(s, int) and isinstance(e, int) and 0 <= s <= e <= len(text) else ""
        page.problems.append(Problem(table, row_id, s, e, expected, found, reason))

    for i, row in enumerate(page.rows["targets"]):
        reason = check_offsets(text, row["char_start"], row["char_end"], row["value_text"])
        if reason:
            bad("targets", row["target_id"], row, row["value_text"], reason)
            continue
        low, high = _fmt(row.get("value_low")), _fmt(row.get("value_high"))
        value = low if low == high else f"{low} – {high}"
        tip = _tip(f"TARGET {row['target_id']}: {row['value_text']}\nvalue: {value} {row.get('unit') or ''}".rstrip(),
                   row, ["indicator", "unit", "bound", "value_base", "unit_base", "change", "target_year",
                         "baseline_year", "binding", "aspirational", "qualifiers", "section_id", "rule_id"])
        page.row_anchor[("targets", i)] = add("target", row["char_start"], row["char_end"], tip, row["target_id"])

    def spans_of(table: str, kind: str, id_column: str, title: str, fields: list[str]) -> None:
        # a table whose rows are one span each, written as the row's `text`
        for i, row in enumerate(page.rows[table]):
            reason = check_offsets(text, row["char_start"], row["char_end"], row["text"])
            if reason:
                bad(table, row[id_column], row, row["text"], reason)
                continue
            tip = _tip(f"{title} {row[id_column]}: {row['text']}", row, fields)
            page.row_anchor[(table, i)] = add(kind, row["char_start"], row["char_end"], tip, row[id_column])

    spans_of("deadlines", "deadline", "deadline_id", "DEADLINE",
             ["kind", "start_date", "end_date", "section_id", "rule_id"])

    # Responsibilities: one row per (clause, unit); offsets are the clause's.
    clauses: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for i, row in enumerate(page.rows["responsibilities"]):
        clauses.setdefault(row["clause_id"], []).append((i, row))
    for clause_id, members in clauses.items():
        first = members[0][1]
        reason = check_offsets(text, first["char_start"], first["char_end"], first["clause"])
        if reason:
            for _, row in members:
                bad("responsibilities", f"{clause_id} #{row['position']}", row, row["clause"], reason)
            continue
        units = "、".join(f"{r['unit']} ({r['role']})" for _, r in members)
        tip = _tip(f"RESPONSIBILITY CLAUSE {clause_id}: {first['clause']}\nunits: {units}", first,
                   ["marker", "task", "section_id", "rule_id"])
        clause_anchor = add("clause", first["char_start"], first["char_end"], tip, clause_id)
        cursor = first["char_start"]
        for i, row in sorted(members, key=lambda m: (m[1]["position"], m[0])):
            where = _locate_unit(text, row["unit"], cursor, first["char_end"])
            if where is None:  # out of order, or written differently: search the whole clause
                where = _locate_unit(text, row["unit"], first["char_start"], first["char_end"])
            if where is None:
                page.notes.append(f"responsibilities {clause_id} #{row['position']}: unit "
                                  f"{row['unit']!r} is not written inside its clause; only the clause "
                                  f"is highlighted")
                page.row_anchor[("responsibilities", i)] = clause_anchor
                continue
            cursor = where[1]
            tip = _tip(f"RESPONSIBLE UNIT {row['unit']} (#{row['position']} in {clause_id})", row,
                       ["unit_canonical", "unit_type", "role", "marker", "position"])
            page.row_anchor[("responsibilities", i)] = add("unit", where[0], where[1], tip,
                                                           f"{clause_id} #{row['position']}")

    spans_of("entities", "entity", "mention_id", "ENTITY",
             ["canonical", "type", "embedded", "context_role", "method", "section_id"])


def render_text(text: str, spans: list[Span]) -> str:
    """The text as HTML, cut at every span boundary; each segment nested in its covering spans."""
    spans = [s for s in spans if s.end > s.start]
    cuts = sorted({0, len(text)} | {s.start for s in spans} | {s.end for s in spans})
    starts: dict[int, list[Span]] = {}
    for s in spans:
        starts.setdefault(s.start, []).append(s)
    active: list[Span] = []
    seen: set[str] = set()
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:]):
        active = [s for s in active if s.end > a] + starts.get(a, [])
        piece = esc(text[a:b])
        if not active:
            out.append(piece)
            continue
        covering = sorted(active, key=lambda s: (s.start, -s.end, s.kind, s.anchor))  # outermost first
        ids = []
        for s in covering:
            if s.anchor not in seen:
                seen.add(s.anchor)
                ids.append(s.anchor)
        opening = "".join(f'<mark class="hl hl-{s.kind}" data-span="{esc(s.anchor)}">' for s in covering)
        closing = "</mark>" * len(covering)
        tip = "\n\n".join(s.tip for s in covering)
        anchors = "".join(f'<a class="anchor" id="{esc(i)}"></a>' for i in ids)
        out.append(f'{anchors}<span class="seg" data-spans="{esc(" ".join(s.anchor for s in covering))}"'
                   f' title="{esc(tip)}">{opening}{piece}{closing}</span>')
    return "".join(out)


_CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei",sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em} h2{font-size:1.15em;margin-top:1.6em}
nav a{margin-right:1em}
table.rows{border-collapse:collapse;font-size:.85em;margin:.5em 0}
table.rows th,table.rows td{border:1px solid #ccc;padding:2px 6px;vertical-align:top;text-align:left}
table.rows th{background:#f1f3f5;cursor:pointer;user-select:none;position:sticky;top:0}
table.rows th[aria-sort=ascending]::after{content:" \\25B2"} table.rows th[aria-sort=descending]::after{content:" \\25BC"}
td.num{text-align:right;font-variant-numeric:tabular-nums}
#doc-text{white-space:pre-wrap;line-height:2.1;font-size:1.02em;max-width:60em;border:1px solid #ddd;padding:1em;background:#fff}
mark.hl{background:none;color:inherit;padding:0}
mark.hl-target{background:#ffe066}
mark.hl-clause{background:#c3fae8}
mark.hl-deadline{border-bottom:3px solid #1c7ed6;padding-bottom:1px}
mark.hl-unit{border-bottom:3px solid #2b8a3e;padding-bottom:5px;font-weight:bold}
mark.hl-entity{border-top:3px solid #c2255c;padding-top:1px}
mark.hl-entity mark.hl-entity{padding-top:6px}
mark.hl-deadline mark.hl-deadline{padding-bottom:9px}
mark.hl-target mark.hl-target,mark.hl-clause mark.hl-clause{outline:1px dashed #e67700}
span.seg:hover mark.hl{filter:brightness(.9)}
a.anchor:target+span.seg{outline:2px solid #f76707}
.legend{line-height:2.4;margin:.8em 0} .legend span{display:inline-block;margin:0 1em .3em 0}
.legend mark{padding:0 .3em}
.problems{background:#fff5f5;border:1px solid #ffa8a8;padding:.5em 1em}
.ok{color:#2b8a3e} .bad{color:#c92a2a;font-weight:bold}
#selfcheck{font-size:.8em;color:#666}
"""

_JS = r"""
(function(){
  function key(row, col){
    var c = row.cells[col]; if (!c) return '';
    return c.hasAttribute('data-sort') ? c.getAttribute('data-sort') : c.textContent.trim();
  }
  function sortTable(table, col, dir){
    var tbody = table.tBodies[0]; var rows = Array.prototype.slice.call(tbody.rows);
    var numeric = rows.every(function(r){ var k = key(r, col); return k === '' || !isNaN(Number(k)); });
    rows.sort(function(a, b){
      var x = key(a, col), y = key(b, col), c;
      if (numeric) {
        x = x === '' ? -Infinity : Number(x); y = y === '' ? -Infinity : Number(y);
        c = x === y ? 0 : (x < y ? -1 : 1);
      } else { c = x.localeCompare(y, 'zh'); }
      return dir * c || (Number(a.getAttribute('data-idx')) - Number(b.getAttribute('data-idx')));
    });
    rows.forEach(function(r){ tbody.appendChild(r); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function(th, i){
      if (i === col) th.setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    });
  }
  function restore(table){
    var tbody = table.tBodies[0]; var rows = Array.prototype.slice.call(tbody.rows);
    rows.sort(function(a, b){ return Number(a.getAttribute('data-idx')) - Number(b.getAttribute('data-idx')); });
    rows.forEach(function(r){ tbody.appendChild(r); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function(th){ th.removeAttribute('aria-sort'); });
  }
  var tables = document.querySelectorAll('table.sortable');
  Array.prototype.forEach.call(tables, function(table){
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function(th, i){
      th.addEventListener('click', function(){
        sortTable(table, i, th.getAttribute('aria-sort') === 'ascending' ? -1 : 1);
      });
    });
  });
  // Self-check, written to the page (and read by the browser test): clicking the char_start
  // header (or the table's data-check column) of each table sorts it up, then down; then restore.
  var checked = 0, failed = [];
  Array.prototype.forEach.call(tables, function(table){
    if (table.tBodies[0].rows.length < 2) return;
    var heads = Array.prototype.map.call(table.tHead.rows[0].cells, function(th){ return th.textContent.trim(); });
    var col = heads.indexOf(table.getAttribute('data-check') || 'char_start');
    if (col < 0) return;
    var th = table.tHead.rows[0].cells[col];
    [1, -1].forEach(function(dir){
      th.click();  // through the page's own click handler: first click ascending, second descending
      if (th.getAttribute('aria-sort') !== (dir > 0 ? 'ascending' : 'descending')) failed.push(table.id + ' aria-sort');
      var vals = Array.prototype.map.call(table.tBodies[0].rows, function(r){ var k = key(r, col); return k === '' ? -Infinity : Number(k); });
      for (var i = 1; i < vals.length; i++) {
        if (dir > 0 ? vals[i] < vals[i-1] : vals[i] > vals[i-1]) { failed.push(table.id + ' ' + (dir > 0 ? 'asc' : 'desc')); break; }
      }
    });
    restore(table); checked++;
  });
  var out = document.getElementById('selfcheck');
  if (out) {
    out.setAttribute('data-result', failed.length ? 'fail' : 'pass');
    out.setAttribute('data-tables', String(checked));
    out.textContent = 'Sort self-check: ' + (failed.length ? 'FAILED ' + failed.join(', ') : 'pass') +
                      ' (' + checked + ' table(s) sorted both ways and restored)';
  }
})();
"""


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="zh-Hans"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{esc(title)}</title><style>{_CSS}</style></head>\n<body>\n{body}\n'
            f'<p id="selfcheck" data-result="pending">Sort self-check did not run (JavaScript off?)</p>\n'
            f'<script>{_JS}</script>\n</body></html>\n')


def _cell(value: Any, type_: Any = None) -> str:
    text = _fmt(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<td class="num" data-sort="{esc(text)}">{esc(text)}</td>'
    return f"<td>{esc(text)}</td>"


def _rows_table(table_id: str, columns: list[str], rows: list[list[str]], check: str = "char_start") -> str:
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in columns)
    body = "\n".join(f'<tr data-idx="{i}">{"".join(cells)}</tr>' for i, cells in enumerate(rows))
    return (f'<table class="rows sortable" id="{esc(table_id)}" data-check="{esc(check)}">'
            f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table>")


def _legend() -> str:
    items = "".join(f'<span><mark class="hl hl-{k}">{esc(label.split(" (")[0])}</mark> '
                    f'{esc("(" + label.split(" (", 1)[1]) if " (" in label else ""}</span>'
                    for k, (label, _) in KINDS.items())
    return (f'<div class="legend" id="legend"><strong>Legend:</strong> {items}<br>'
            f"Hover a highlighted passage to see the fields of every row covering it; "
            f"click ↗ in a table to jump to its span. Click a column header to sort.</div>")


def _doc_filename(doc_id: str) -> str:
    safe = regex.sub(r"[^0-9A-Za-z_-]", "_", doc_id)
    return f"doc-{safe}.html"


def render_doc_page(page: DocPage) -> str:
    doc = page.doc
    meta_cols = ["doc_id", "source_path", "source_format", "encoding", "script", "title", "issuer",
                 "doc_number", "issue_date", "period_start", "period_end", "n_chars"]
    meta = "".join(f"<tr><th>{esc(c)}</th><td>{esc(_fmt(doc.get(c)))}</td></tr>" for c in meta_cols)
    parts = ['<nav><a href="index.html">← all documents</a><a href="dictionary.html">data dictionary</a></nav>',
             f"<h1>{esc(doc.get('title') or doc['source_path'])}</h1>",
             f'<details id="meta"><summary>Document metadata ({esc(doc["source_path"])}, '
             f'{esc(doc["n_chars"])} characters)</summary><table class="rows meta">{meta}</table></details>']
    counts = ", ".join(f"{name} {len(page.rows[name])}" for name in SPAN_TABLES)
    parts.append(f"<p>Rows: {esc(counts)}; highlighted spans: {len(page.spans)}; "
                 f'offset problems: <span class="{"bad" if page.problems else "ok"}" id="n-problems">'
                 f"{len(page.problems)}</span></p>")
    if page.problems:
        prob_rows = [[f"<td>{esc(p.table)}</td>", f"<td>{esc(p.row_id)}</td>", _cell(p.char_start),
                      _cell(p.char_end), f"<td>{esc(p.expected)}</td>", f"<td>{esc(p.found)}</td>",
                      f"<td>{esc(p.reason)}</td>"] for p in page.problems]
        parts.append('<div class="problems" id="problems"><h2>Offset problems</h2>'
                     "<p>These rows' char_start/char_end do not point at their text in documents.text; "
                     "they are not highlighted.</p>"
                     + _rows_table("problems-table", ["table", "row", "char_start", "char_end", "row text",
                                                      "text at offsets", "reason"], prob_rows) + "</div>")
    if page.notes:
        parts.append('<div class="notes" id="notes"><h2>Notes</h2><ul>'
                     + "".join(f"<li>{esc(n)}</li>" for n in page.notes) + "</ul></div>")
    parts.append(_legend())
    parts.append(f'<h2>Text</h2><div id="doc-text" lang="zh-Hans">{render_text(doc["text"], page.spans)}</div>')
    for name in SPAN_TABLES:
        rows = page.rows[name]
        cols = [f.name for f in SCHEMAS[name] if f.name not in _HIDDEN]
        body_rows = []
        for i, row in enumerate(rows):
            anchor = page.row_anchor.get((name, i))
            link = f'<td><a href="#{esc(anchor)}">↗</a></td>' if anchor else '<td class="bad">offsets!</td>'
            body_rows.append([link] + [_cell(row.get(c)) for c in cols])
        parts.append(f'<h2 id="h-{name}">{esc(name)} ({len(rows)})</h2>')
        parts.append(_rows_table(f"rows-{name}", ["span"] + cols, body_rows) if rows else "<p>No rows.</p>")
    return _page(f"{doc.get('title') or doc['source_path']} — review", "\n".join(parts))


def render_dictionary_page() -> str:
    parts = ['<nav><a href="index.html">← all documents</a></nav><h1>Data dictionary</h1>',
             "<p>Every column of every output table: its Arrow type, whether it may be null, and its meaning. "
             "Offsets (char_start/char_end) are Python string indices into documents.text.</p>"]
    for name, schema in SCHEMAS.items():
        rows = [[f"<td><code>{esc(f.name)}</code></td>", f"<td><code>{esc(f.type)}</code></td>",
                 f"<td>{'yes' if f.nullable else 'no'}</td>", f"<td>{esc(COLUMN_DOCS[name][f.name])}</td>"]
                for f in schema]
        parts.append(f'<h2 id="t-{name}">{esc(name)}</h2>')
        parts.append(_rows_table(f"dict-{name}", ["column", "type", "nullable", "meaning"], rows, check=""))
    return _page("Data dictionary", "\n".join(parts))


def render_index(pages: list[DocPage], errors: list[dict[str, Any]], orphans: dict[str, int],
                 generated: str, has_panel: bool = False) -> str:
    cols = ["document", "source_path", "n_chars", "sections", "targets", "deadlines", "responsibilities",
            "clauses", "entities", "highlighted", "offset problems"]
    rows = []
    for p in pages:
        d = p.doc
        n_clauses = len({r["clause_id"] for r in p.rows["responsibilities"]})
        rows.append([f'<td data-sort="{esc(d.get("title") or d["source_path"])}"><a href="{esc(_doc_filename(d["doc_id"]))}">'
                     f'{esc(d.get("title") or d["doc_id"])}</a></td>', f"<td>{esc(d['source_path'])}</td>",
                     _cell(d["n_chars"]), _cell(len(p.rows["sections"])), _cell(len(p.rows["targets"])),
                     _cell(len(p.rows["deadlines"])), _cell(len(p.rows["responsibilities"])), _cell(n_clauses),
                     _cell(len(p.rows["entities"])), _cell(len(p.spans)), _cell(len(p.problems))])
    nav = '<a href="dictionary.html">data dictionary</a>' + (f'<a href="{PANEL_PAGE}">panel</a>' if has_panel else "")
    parts = [f"<nav>{nav}</nav>",
             f"<h1>Extraction review: {len(pages)} document(s)</h1>",
             f"<p>Generated {esc(generated)} from the parquet tables. Each document page shows its text with "
             f"the extracted spans highlighted in context.</p>",
             _rows_table("documents", cols, rows, check="n_chars")]
    if orphans:
        parts.append('<div class="problems" id="orphans"><h2>Rows without a document</h2><ul>'
                     + "".join(f"<li>{esc(t)}: {n} row(s) whose doc_id is not in documents</li>"
                               for t, n in orphans.items()) + "</ul></div>")
    parts.append(f"<h2>Inputs that could not be processed ({len(errors)})</h2>")
    if errors:
        parts.append(_rows_table("errors", ["source_path", "stage", "error", "message"],
                                 [[f"<td>{esc(e[c])}</td>" for c in ("source_path", "stage", "error", "message")]
                                  for e in errors], check=""))
    else:
        parts.append("<p>None.</p>")
    return _page("Extraction review", "\n".join(parts))


# --- panel page: target band vs outcome by year, drawn here as SVG ---------------------------------

PANEL_PAGE = "panel.html"
DEFAULT_INDICATOR = "gdp_growth"
# chart geometry (SVG user units)
_W, _H = 560, 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 60, 16, 18, 40


def _num(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return float(value)


def _indicator_names() -> dict[str, str]:
    try:
        from ..extract.indicators import IndicatorTable
        from ..rulebook import default_book
        return {code: i.name for code, i in IndicatorTable.from_rulebook(default_book()).codes.items()}
    except Exception:  # the report of an old run must not fail on a rules folder it does not need
        return {}


def _svg_chart(rows: list[dict[str, Any]], unit: str) -> str:
    """One place × indicator: a band (rect) per year with a target, a point (circle) per year with an outcome,
    the points joined by a line. Static SVG: the browser draws it without any script."""
    years = sorted({int(r["year"]) for r in rows})
    y0, y1 = years[0], years[-1]
    values = [v for r in rows for v in (_num(r.get("target_low")), _num(r.get("target_high")), _num(r.get("actual")))
              if v is not None]
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.15 if hi > lo else max(abs(hi) * 0.1, 1.0)
    lo, hi = lo - pad, hi + pad
    plot_w, plot_h = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM
    step = plot_w / (y1 - y0 + 1)

    def x(year: int) -> float:
        return round(_LEFT + (year - y0 + 0.5) * step, 2)

    def y(v: float) -> float:
        return round(_TOP + (hi - v) / (hi - lo) * plot_h, 2)

    out = [f'<svg class="panel-svg" viewBox="0 0 {_W} {_H}" width="{_W}" height="{_H}" role="img" '
           f'xmlns="http://www.w3.org/2000/svg">',
           f'<rect class="frame" x="{_LEFT}" y="{_TOP}" width="{plot_w}" height="{plot_h}" fill="#fff" stroke="#ccc"/>']
    for k in range(5):   # y grid and labels
        v = lo + (hi - lo) * k / 4
        out.append(f'<line x1="{_LEFT}" x2="{_W - _RIGHT}" y1="{y(v)}" y2="{y(v)}" stroke="#eee"/>'
                   f'<text class="ytick" x="{_LEFT - 6}" y="{y(v) + 4}" text-anchor="end" font-size="11">'
                   f'{esc(f"{v:.3g}")}</text>')
    every = max(1, -(-(y1 - y0 + 1) // 12))
    for year in range(y0, y1 + 1, every):
        out.append(f'<text class="xtick" x="{x(year)}" y="{_H - _BOTTOM + 16}" text-anchor="middle" '
                   f'font-size="11">{year}</text>')
    out.append(f'<text x="{_LEFT - 46}" y="{_TOP + plot_h / 2}" font-size="11" '
               f'transform="rotate(-90 {_LEFT - 46} {_TOP + plot_h / 2})" text-anchor="middle">{esc(unit)}</text>')
    band = step * 0.6
    for r in rows:
        low, high = _num(r.get("target_low")), _num(r.get("target_high"))
        if low is None and high is None:
            continue
        low, high = (high if low is None else low), (low if high is None else high)
        top, bottom = y(max(low, high)), y(min(low, high))
        height = max(bottom - top, 3.0)     # a point target is drawn as a thin band
        tip = (f"{r['year']} target {_fmt(low)}" + (f"–{_fmt(high)}" if high != low else "") + f" {unit}"
               f" ({r.get('target_doc_id')} {r.get('target_id')})")
        out.append(f'<rect class="target" data-year="{int(r["year"])}" data-low="{esc(_fmt(low))}" '
                   f'data-high="{esc(_fmt(high))}" x="{round(x(int(r["year"])) - band / 2, 2)}" '
                   f'y="{round((top + bottom) / 2 - height / 2, 2)}" width="{round(band, 2)}" height="{round(height, 2)}" '
                   f'fill="#74c0fc" fill-opacity="0.55" stroke="#1c7ed6"><title>{esc(tip)}</title></rect>')
    points = sorted((int(r["year"]), _num(r.get("actual")), r) for r in rows if _num(r.get("actual")) is not None)
    if len(points) > 1:
        path = " ".join(f"{x(year)},{y(v)}" for year, v, _ in points)
        out.append(f'<polyline class="actual-line" points="{path}" fill="none" stroke="#e8590c" stroke-width="1.5"/>')
    for year, v, r in points:
        tip = f"{year} outcome {_fmt(v)} {unit} ({r.get('actual_doc_id')} {r.get('achievement_id')})"
        out.append(f'<circle class="actual" data-year="{year}" data-value="{esc(_fmt(v))}" cx="{x(year)}" '
                   f'cy="{y(v)}" r="4.5" fill="#e8590c"><title>{esc(tip)}</title></circle>')
    out.append("</svg>")
    return "".join(out)


_PANEL_JS = r"""
(function(){
  var select = document.getElementById('indicator-select');
  var out = document.getElementById('panel-check');
  function show(code){
    Array.prototype.forEach.call(document.querySelectorAll('section.panel-indicator'), function(s){
      s.style.display = s.getAttribute('data-indicator') === code ? '' : 'none';
    });
    // what the browser drew for the chosen indicator: shapes with a size, inside their chart
    var figures = 0, points = 0, bands = 0;
    Array.prototype.forEach.call(document.querySelectorAll('section.panel-indicator[data-indicator="' + code + '"] svg'),
      function(svg){
        figures++;
        var box = svg.getBoundingClientRect();
        function inside(el){
          var b = el.getBoundingClientRect();
          return b.width > 0 && b.height > 0 && b.left >= box.left - 1 && b.right <= box.right + 1 &&
                 b.top >= box.top - 1 && b.bottom <= box.bottom + 1;
        }
        Array.prototype.forEach.call(svg.querySelectorAll('circle.actual'), function(c){ if (inside(c)) points++; });
        Array.prototype.forEach.call(svg.querySelectorAll('rect.target'), function(r){ if (inside(r)) bands++; });
      });
    if (out) {
      out.setAttribute('data-indicator', code); out.setAttribute('data-figures', String(figures));
      out.setAttribute('data-points', String(points)); out.setAttribute('data-bands', String(bands));
      out.textContent = 'Drawn for ' + code + ': ' + figures + ' chart(s), ' + bands + ' target band(s), ' +
                        points + ' outcome point(s)';
    }
  }
  if (select) {
    var fromHash = decodeURIComponent((location.hash || '').replace(/^#/, ''));
    if (fromHash && document.querySelector('section.panel-indicator[data-indicator="' + fromHash + '"]')) select.value = fromHash;
    select.addEventListener('change', function(){ show(select.value); });
    show(select.value);
  }
})();
"""


def render_panel_page(panel: list[dict[str, Any]]) -> str:
    """The panel page: an indicator selector; for each indicator, one chart per place and the rows."""
    names = _indicator_names()
    by_indicator: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for row in panel:
        by_indicator.setdefault(row["indicator_code"], {}).setdefault(row["place_code"], []).append(row)
    codes = sorted(by_indicator, key=lambda c: (c != DEFAULT_INDICATOR, -len(by_indicator[c]), c))
    chosen = codes[0]
    options = "".join(f'<option value="{esc(c)}"{" selected" if c == chosen else ""}>{esc(c)} — '
                      f'{esc(names.get(c, c))} ({len(by_indicator[c])} place(s))</option>' for c in codes)
    parts = ['<nav><a href="index.html">← all documents</a><a href="dictionary.html">data dictionary</a></nav>',
             f"<h1>Panel: target vs outcome ({len(panel)} row(s))</h1>",
             "<p>One chart per place for the chosen indicator: the blue band is the target set for the year "
             "(from the earliest document setting it), the orange point the outcome reported for it (from the "
             "latest document reporting it). Hover a band or point for its value and provenance.</p>",
             f'<p><label for="indicator-select">Indicator </label><select id="indicator-select">{options}</select></p>',
             '<p id="panel-check" data-points="" data-bands="">Charts are static SVG; the count of drawn shapes '
             'needs JavaScript.</p>']
    columns = [f.name for f in SCHEMAS["panel"] if f.name not in ("indicator_code",)]
    for code in codes:
        places = by_indicator[code]
        hidden = "" if code == chosen else ' style="display:none"'   # the script shows the chosen one
        parts.append(f'<section class="panel-indicator" data-indicator="{esc(code)}" id="ind-{esc(code)}"{hidden}>')
        parts.append(f"<h2>{esc(names.get(code, code))} (<code>{esc(code)}</code>)</h2>")
        all_rows: list[dict[str, Any]] = []
        for place_code in sorted(places):
            rows = sorted(places[place_code], key=lambda r: r["year"])
            all_rows.extend(rows)
            unit = next((r["unit"] for r in rows if r.get("unit")), "")
            n_points = sum(1 for r in rows if _num(r.get("actual")) is not None)
            n_bands = sum(1 for r in rows if _num(r.get("target_low")) is not None
                          or _num(r.get("target_high")) is not None)
            place_name = rows[0].get("place_name") or place_code
            parts.append(f'<figure class="panel-chart" data-place="{esc(place_code)}" data-indicator="{esc(code)}" '
                         f'data-points="{n_points}" data-bands="{n_bands}">'
                         f"<figcaption>{esc(place_name)} ({esc(place_code)}): {esc(names.get(code, code))}, "
                         f"{esc(unit)}</figcaption>{_svg_chart(rows, unit)}</figure>")
        body = [[_cell(r.get(c)) for c in columns] for r in all_rows]
        parts.append(_rows_table(f"rows-panel-{code}", columns, body, check="year"))
        parts.append("</section>")
    parts.append(f"<script>{_PANEL_JS}</script>")
    return _page("Panel: target vs outcome", "\n".join(parts))


def _read(input_dir: Path, name: str) -> list[dict[str, Any]]:
    path = input_dir / f"{name}.parquet"
    if not path.exists():
        if name in ("documents",):
            raise FileNotFoundError(f"{path} not found: run `python -m pipeline extract` first")
        return []
    return pq.read_table(path).to_pylist()


def build_pages(tables: dict[str, list[dict[str, Any]]]) -> tuple[list[DocPage], dict[str, int]]:
    """Group the rows by document and check/collect every span."""
    pages = {d["doc_id"]: DocPage(doc=d, rows={n: [] for n in ("sections", *SPAN_TABLES)})
             for d in tables["documents"]}
    orphans: dict[str, int] = {}
    for name in ("sections", *SPAN_TABLES):
        for row in tables.get(name, []):
            page = pages.get(row["doc_id"])
            if page is None:
                orphans[name] = orphans.get(name, 0) + 1
            else:
                page.rows[name].append(row)
    for page in pages.values():
        collect_spans(page)
    return list(pages.values()), orphans


# Written into every report folder: only a folder carrying it (or an empty one) is
# replaced, so `--output` pointed at the extracted tables or a home folder deletes nothing.
REPORT_MARKER = ".policy-report"


_LEGACY_REPORT_FILE = regex.compile(r"index\.html|summary\.json|dictionary\.html|panel\.html|doc-[^/]+\.html")


class ReportOutputError(ValueError):
    """The output folder exists and is not a report this tool wrote."""


def check_report_output(output_dir: Path) -> None:
    """Raise ReportOutputError unless ``output_dir`` is missing, empty or an earlier report."""
    output_dir = Path(output_dir)
    if not output_dir.exists():
        return
    if not output_dir.is_dir():
        raise ReportOutputError(f"{output_dir} exists and is not a folder")
    if (output_dir / REPORT_MARKER).is_file() or not any(output_dir.iterdir()):
        return
    if all(_LEGACY_REPORT_FILE.fullmatch(p.name) for p in output_dir.iterdir()):
        return      # a report written before the marker existed: only the report's own files
    raise ReportOutputError(f"{output_dir} is not empty and holds no earlier report ({REPORT_MARKER} is "
                            f"missing); the report replaces its output folder as a whole, so choose a "
                            f"new or empty folder")


def write_report(tables: dict[str, list[dict[str, Any]]], output_dir: Path, generated: str | None = None) -> dict:
    """Write the report for these rows into ``output_dir``, replacing it as a whole.

    The pages are written to a temporary folder beside ``output_dir`` which is
    then renamed into place, so a reader never sees half a report. Only a missing,
    empty or earlier-report folder is replaced (check_report_output).
    """
    output_dir = Path(output_dir)
    check_report_output(output_dir)
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    generated = generated or dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    pages, orphans = build_pages(tables)
    tmp = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.", suffix=".tmp", dir=output_dir.parent))
    try:
        for page in pages:
            (tmp / _doc_filename(page.doc["doc_id"])).write_text(render_doc_page(page), encoding="utf-8")
        (tmp / "index.html").write_text(render_index(pages, tables.get("errors", []), orphans, generated,
                                                     has_panel=bool(tables.get("panel"))), encoding="utf-8")
        (tmp / "dictionary.html").write_text(render_dictionary_page(), encoding="utf-8")
        if tables.get("panel"):
            (tmp / PANEL_PAGE).write_text(render_panel_page(tables["panel"]), encoding="utf-8")
        summary = {"documents": len(pages), "spans": sum(len(p.spans) for p in pages),
                   "offset_problems": sum(len(p.problems) for p in pages), "orphan_rows": orphans}
        (tmp / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n",
                                          encoding="utf-8")
        (tmp / REPORT_MARKER).write_text("written by `python -m pipeline report`\n", encoding="utf-8")
        os.chmod(tmp, 0o755)
        old = None
        if output_dir.exists():
            old = output_dir.parent / f".{output_dir.name}.old-{os.getpid()}"
            os.replace(output_dir, old)
        os.replace(tmp, output_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return summary


def build_report(input_dir: Path, output_dir: Path) -> dict:
    """Read the parquet tables in ``input_dir`` and write the report to ``output_dir``."""
    input_dir = Path(input_dir)
    tables = {name: _read(input_dir, name) for name in ("documents", "sections", *SPAN_TABLES, "errors", "panel")}
    generated = None
    manifest = input_dir / "manifest.json"
    if manifest.exists():
        try:
            generated = json.loads(manifest.read_text(encoding="utf-8")).get("run_finished")
        except (OSError, ValueError):
            generated = None
    return write_report(tables, output_dir, generated=generated)
