"""Responsibility clauses: who is made responsible for each task, and who leads.

A clause is the text inside a bracket that assigns units to the task before it.
It is read as a grammar, not as a list of forms: items separated by 、，；, each
a label opening a unit list (``责任单位：`` ``牵头考核单位：`` — a role word, a word
for the work, 单位/部门), or a unit list closed by a role verb with its manner
(``…牵头`` ``…按职责分工配合`` ``…指导`` ``…参与``), or ``A会同B``. A unit list closed
by a verb no rule knows (``（市文旅局审核）``) still makes a clause, its units
responsible, when the bracket holds nothing but units and verbs (dates and
deadlines aside) and every unit ends as a body does. Some of the forms::

    （责任单位：区经委、区科委）            (牵头部门:区经委、相关部门、相关街镇)
    （牵头单位：市发展改革委，配合单位：市委组织部、市人力资源和社会保障局，各区、县级市）
    （生态环境部牵头，国家发展改革委、工业和信息化部参与）
    （税务总局、财政部、海关总署负责，排在第一位的部门为牵头部门，下同）
    （各有关部门和单位，各省级人民政府按职责分工负责）
    （省商务厅牵头，省发展改革委、省财政厅按职责分工配合）
    （农业农村部指导，中华全国供销合作总社参与）
    （6月底完成，牵头考核单位：市审批服务局）

or, with no brackets, a label opening a line or following a sentence end
(``责任单位：市经信委``; consecutive label lines make one clause), or the unit
cells of a row of a task table whose header names unit columns (牵头单位,
配合单位 …). A bracket never closed ends at the line end, unless the next line
plainly finishes it (a clause broken across lines).

Roles: ``lead`` (marked 牵头, or first-listed under a declaration such as
``排在第一位的部门为牵头部门，下同``), ``co`` (配合/协同, and units marked 负责 in a
clause that states a lead), ``participant`` (参与), ``responsible`` (负责, 指导,
an unknown verb; no lead stated). A prose sentence that assigns work
(``此项工作由公安机关负责。``) is no clause. A declaration with 下同 holds from its clause on; without, for its own
clause; a note outside any clause (``注：…列第一位的为牵头单位``) from where it
stands, or for every clause when it follows the last one. Under a declaration
the first-listed unit leads even when it is a generic body (各有关部门), as the
gold guideline defines lead by position.

The markers, roles and declarations are rules in ``rules/responsibilities.toml``;
unit names and types come from :mod:`.units`. The extractor is a frozen value
holding compiled rules; calling it on a Document is pure.

One row per (clause, unit): ``clause`` is the text inside the brackets as in
``documents.text``, ``char_start/char_end`` its span, ``clause_id`` is
``{doc_id}-R{char_start}``. The task is the heading of the innermost section
when the clause closes that section and is its only clause, otherwise the
sentence the clause closes.
"""
from __future__ import annotations

import contextvars
from bisect import bisect_left
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Hashable

import regex

from ..tables.rows import Document, ResponsibilityRow, Section
from ..tables.schema import ENUMS
from ..text.spans import SpanSet
from .govbodies import UnitLexicon, UnitName
from .rules import Rule, RuleGroup, RuleKinds, RuleSet, RuleSource, RuleSpec, timeouts_recorded

RULES_FILE = "responsibilities.toml"
ROLES = ENUMS["responsibilities"]["role"]       # lead | co | participant | responsible


def _label_marker(rule: Rule) -> str | None:
    # a label that assigns a role names its marker (责任单位, 牵头部门 …); an 'ignore' label is only skipped
    if rule.attrs.get("role") != "ignore" and "marker" not in rule.pattern.groupindex:
        return "a 'label' rule needs the named group(s) ['marker'] in its pattern"
    return None


# What this module reads from rules/responsibilities.toml, by attrs.kind (see RuleSpec); roles are SCHEMA.md's
# responsibilities.role.
KIND_SPECS: dict[str | None, RuleSpec] = {
    "label": RuleSpec(attrs={"role": ROLES + ("ignore",)}, check=_label_marker),
    "verb": RuleSpec(attrs={"role": ROLES}, optional={"first_is_lead": bool}, groups=("marker",)),
    "note": RuleSpec(attrs={"role": ROLES}, groups=("note", "marker")),
    "join": RuleSpec(attrs={"left_role": ROLES, "right_role": ROLES}),
    "unbracketed": RuleSpec(groups=("marker",)),
    "verb_unknown": RuleSpec(groups=("marker",)),
    "not_verb": RuleSpec(),
    "body_end": RuleSpec(),
    "named_lead": RuleSpec(groups=("unit",)),
    **{kind: RuleSpec() for kind in (
        "prefilter", "label_boundary", "table_task", "declare_first", "declare_scope", "strip_head",
        "strip_tail", "not_unit", "conjunction", "protected", "glued", "national_issuer", "local_issuer")},
}

# a clause is in round brackets, or in square ones: 【责任单位：市经信局】, [责任单位：…], ［…］
_OPEN, _CLOSE = "（(【[［", "）)】]］"
_NEST_OPEN, _NEST_CLOSE = "（(<〈《【[［〔", "）)>〉》】]］〕"
_SEPARATORS = "、，,；;。"
_BRACKET_TOKEN = regex.compile(r"[（()）【\[［】\]］\n]")
_WS = regex.compile(r"\s+")
_TRAILING_PUNCT = regex.compile(r"^[\s。；;，,.、]*$")
_NEXT_LINE = regex.compile(r"[ \t\u3000]*\n(?:[ \t\u3000]*\n)?[ \t\u3000]*")   # line end, at most one blank line
_SENTENCE_OR_LINE_END = regex.compile(r"[。\n]")
_HAN = regex.compile(r"\p{Han}")
_SPACE = " \t\u3000"
_NEXT_TOKEN = regex.compile(r"[^\s、，,；;。（()）]+")
_MAX_CONTINUATION = 60      # characters of a next line that may finish a broken clause
_MAX_LABEL_LINES_BACK = 4   # label lines (牵头负责领导：…) skipped when looking back for a task
_MAX_UNIT_LEN = 40
_MAX_UNMARKED_BODY = 80     # a bracket with no known marker is read for units and an unknown verb up to this
# clause body → its reading (and ("units", item) → its units), for the document being read (set by
# ResponsibilityExtractor.__call__)
_CLAUSE_MEMO: contextvars.ContextVar[dict | None] = contextvars.ContextVar("clause_memo", default=None)


# ---------------------------------------------------------------- parsed clauses

@dataclass(frozen=True)
class ParsedUnit:
    text: str           # as written, whitespace removed, role note removed, sub-unit kept
    role: str           # role before document-level resolution
    marker: str
    rule_id: str
    first_is_lead: bool = True


@dataclass(frozen=True)
class ParsedClause:
    """A clause body read on its own, before document-level lead declarations."""

    units: tuple[ParsedUnit, ...]
    declares_first_lead: bool = False   # 排在第一位的部门为牵头部门 / 列第一位者为牵头单位
    declaration_scoped: bool = False    # … 下同
    used_end: int = 0                   # end (in the body) of the last item that was read


@dataclass(frozen=True)
class _Item:
    start: int
    end: int
    text: str           # whitespace removed
    sep: str = ""       # the separator before it ('' for the first item or a label run in)


@dataclass
class _Group:
    role: str
    marker: str
    rule_id: str
    first_is_lead: bool = True
    units: list["_Unit"] = field(default_factory=list)
    unknown: bool = False       # made by an unknown verb (or 会同 alone): kept only in a clause of units and verbs


@dataclass(frozen=True)
class _Unit:
    text: str
    note_role: str | None = None     # a role written after the unit: 区经委（牵头）
    note: str | None = None
    note_rule: str | None = None


@dataclass(frozen=True)
class _Found:
    start: int          # clause span in documents.text
    end: int
    open_pos: int       # where the clause begins (its bracket or label)
    close_end: int      # just after its closing bracket (or its end)
    parsed: ParsedClause
    task: str | None = None   # given by the clause's own context (a table row's task cell)


# ---------------------------------------------------------------- the extractor

@dataclass(frozen=True)
class ResponsibilityExtractor:
    rules: RuleSet
    lexicon: UnitLexicon
    # the rules of each kind of KIND_SPECS (every kind has at least one), read as one pattern: a new rule of a
    # kind is a TOML edit; a new kind is its KIND_SPECS entry and the code that reads it through of()
    by_kind: RuleKinds

    @classmethod
    def from_rulebook(cls, book: RuleSource) -> "ResponsibilityExtractor":
        ruleset = book.ruleset(RULES_FILE.removesuffix(".toml"))
        return cls(rules=ruleset, lexicon=UnitLexicon.from_rulebook(book),
                   by_kind=RuleKinds.of(ruleset, "kind", KIND_SPECS))

    def of(self, kind: str) -> RuleGroup:
        return self.by_kind[kind]

    # ------------------------------------------------------------ document

    def __call__(self, doc: Document) -> list[ResponsibilityRow]:
        token = _CLAUSE_MEMO.set({})
        try:
            return self._rows(doc)
        finally:
            _CLAUSE_MEMO.reset(token)

    def _rows(self, doc: Document) -> list[ResponsibilityRow]:
        text = doc.text
        found, note_declarations = self.find_clauses(text)
        if not found:
            return []
        found = self._resolve_leads(found, note_declarations)
        national = self._is_national(doc, found)
        names: dict[tuple[str, str], tuple[str, str]] = {}   # (unit, inherited prefix) → (canonical, type)

        def name(unit: str, inherit: str) -> tuple[str, str]:
            key = (unit, inherit)
            if key not in names:
                canonical = self.lexicon.canonical(unit, national=national, inherit=inherit)
                names[key] = (canonical, self.lexicon.unit_type(canonical))
            return names[key]

        rows: list[ResponsibilityRow] = []
        spans = sorted((c.open_pos, c.close_end) for c in found)   # for the task: clauses before a clause
        direct = _DirectClauses(doc, found)
        for clause in found:
            section = doc.section_at(clause.start)
            task = self._task(doc, clause, section, found, spans, direct)
            clause_text = text[clause.start:clause.end]
            clause_id = f"{doc.doc_id}-R{clause.start}"
            inherit = ""            # 省发展改革委、科技厅: the prefix carries over to a bare core
            for position, unit in enumerate(clause.parsed.units, 1):
                canonical, unit_type = name(unit.text, inherit)
                inherit = self.lexicon.prefix_of(canonical) or inherit
                rows.append(ResponsibilityRow(
                    doc_id=doc.doc_id, clause_id=clause_id,
                    section_id=None if section is None else section.section_id,
                    task=task, clause=clause_text, marker=unit.marker, unit=unit.text,
                    unit_canonical=canonical, unit_type=unit_type, role=unit.role,
                    position=position, char_start=clause.start, char_end=clause.end, rule_id=unit.rule_id))
        return rows

    # ------------------------------------------------------------ finding clauses

    def find_clauses(self, text: str) -> tuple[list[_Found], list[int]]:
        """Clauses of a text in order, and the offsets of lead declarations made outside any clause."""
        found: list[_Found] = []
        declarations: list[int] = []
        spans = _bracket_spans(text)
        todo = [(span, 0) for span in reversed(spans)]
        while todo:
            (open_pos, body_end, closed), depth = todo.pop()
            if closed and body_end - open_pos > _MAX_UNMARKED_BODY and \
                    next(self.of("prefilter").finditer(text, open_pos + 1, body_end), None) is None:
                continue    # a short bracket with no marker may still be units and an unknown verb
            clause = None
            if not closed:
                clause = self._continued(text, open_pos, body_end)
            if clause is None:
                clause = self._clause_at(text, open_pos, open_pos + 1, body_end, closed)
            if clause is not None and clause.parsed.units:
                found.append(clause)
            elif clause is not None and clause.parsed.declares_first_lead:
                declarations.append(open_pos)
            elif depth < _MAX_NESTING:
                # not a clause itself: one may sit inside it (（详见附件（责任单位：区经委））, a stray “(”); a
                # few levels at most, so that brackets nested thousands deep cost linear time, not quadratic
                todo.extend((span, depth + 1) for span in reversed(_bracket_spans(text, open_pos + 1, body_end)))
        inside = [(s, e) for s, e, _ in spans]
        found.extend(self._unbracketed(text, inside))
        tables = self._tables(text)
        if tables:
            in_table = SpanSet((t.start, t.end) for t in tables)     # a bisect per clause, not a scan
            found = [c for c in found if c.open_pos not in in_table] + tables
        found.sort(key=lambda c: c.start)
        # declarations in running text (a note such as 注：排在第一位的为牵头单位)
        in_bracket, in_clause = SpanSet(inside), SpanSet((c.open_pos, c.close_end) for c in found)
        for m in self.of("declare_first").finditer(text):
            if m.start() not in in_bracket and m.start() not in in_clause:
                declarations.append(m.start())
        return found, sorted(declarations)

    def _clause_at(self, text: str, open_pos: int, body_start: int, body_end: int, closed: bool) -> _Found | None:
        body = text[body_start:body_end]
        if len(body) > _MAX_UNMARKED_BODY and self.of("prefilter").search(_WS.sub("", body)) is None:
            return None
        parsed = self.parse_clause(body)
        if not parsed.units and not parsed.declares_first_lead:
            return None
        if not closed:            # a clause never closed ends with the last item read
            body_end = body_start + parsed.used_end
        start, end = _strip_span(text, body_start, body_end, punctuation=not closed)
        if start >= end:
            return None
        close_end = body_end + 1 if closed and body_end < len(text) else body_end
        return _Found(start=start, end=end, open_pos=open_pos, close_end=close_end, parsed=parsed)

    def _continued(self, text: str, open_pos: int, line_end: int) -> _Found | None:
        """A bracket broken across lines: the next non-blank line finishes it with a short tail."""
        m = _NEXT_LINE.match(text, line_end)
        if not m:
            return None
        nxt = m.end()
        line_stop = text.find("\n", nxt)
        line_stop = len(text) if line_stop < 0 else line_stop
        close = min((i for i in (text.find(c, nxt, line_stop) for c in _CLOSE) if i >= 0), default=-1)
        if close < 0 or close - nxt > _MAX_CONTINUATION:
            return None
        tail = text[nxt:close]
        if any(c in tail for c in _OPEN + "。"):
            return None
        clause = self._clause_at(text, open_pos, open_pos + 1, close, True)
        if clause is None or not clause.parsed.units:
            return None
        alone = self.parse_clause(text[open_pos + 1:line_end])
        # the tail must add to the clause: more units, or the marker that makes it one
        return clause if len(clause.parsed.units) > len(alone.units) else None

    def _unbracketed(self, text: str, inside: list[tuple[int, int]]) -> list[_Found]:
        out: list[_Found] = []
        last_end = -1
        in_bracket = SpanSet(inside)         # a bisect per marker, not a scan of every bracket
        for m in self.of("unbracketed").finditer(text):
            start = m.start("marker")
            if start < last_end or start in in_bracket:
                continue
            end = _sentence_or_line_end(text, start)
            # consecutive label lines (牵头单位：… / 配合单位：…) make one clause
            while True:
                nxt = _NEXT_LINE.match(text, end + (text.startswith("。", end)))
                if not nxt:
                    break
                label = self._label_at(text, nxt.end())
                if label is None:
                    break
                end = _sentence_or_line_end(text, nxt.end())
            parsed = self.parse_clause(text[start:end])
            if not parsed.units:
                continue
            s, e = _strip_span(text, start, start + parsed.used_end)
            out.append(_Found(start=s, end=e, open_pos=start, close_end=e, parsed=parsed))
            last_end = end
        return out

    def _tables(self, text: str) -> list[_Found]:
        """Rows of a task table (cells separated by tabs) under a header naming unit columns
        (牵头单位 / 责任单位 / 配合单位 …): the unit cells of a row are one clause, its task cell the task."""
        out: list[_Found] = []
        if "\t" not in text:
            return out
        header: dict[int, str] | None = None          # column → label as written
        task_column: int | None = None
        pos = 0
        for line in text.split("\n"):
            start, pos = pos, pos + len(line) + 1
            if "\t" not in line:
                header = None
                continue
            cells = _cells(line, start)
            labels = {i: c for i, (c, _, _) in enumerate(cells) if self._label_cell(c)}
            if labels:
                header = labels
                task_column = next((i for i, (c, _, _) in enumerate(cells)
                                    if i not in labels and self.of("table_task").search(_WS.sub("", c))), None)
                continue
            if header is None:
                continue
            used = [(i, cells[i]) for i in sorted(header) if i < len(cells) and cells[i][0].strip()]
            if not used:
                continue
            body = "；".join(f"{_header_label(header[i])}：{cell}" for i, (cell, _, _) in used)
            notes = [n for n in map(_header_note, header.values()) if n and self.of("declare_first").search(n)]
            parsed = self.parse_clause(body)
            if notes and parsed.units:   # 责任单位（列第一位的为牵头单位）: the header declares the lead
                parsed = replace(parsed, declares_first_lead=True)
            if not parsed.units:
                continue
            if task_column is not None and task_column < len(cells) and cells[task_column][0].strip():
                task = cells[task_column][0].strip()
            else:   # the longest other cell (a task merged over 序号 and 任务 sits in the first column)
                others = [c.strip() for i, (c, _, _) in enumerate(cells) if i not in header]
                task = max(others, key=len, default="")
            out.append(_Found(start=used[0][1][1], end=used[-1][1][2], open_pos=used[0][1][1],
                              close_end=used[-1][1][2], parsed=parsed, task=task))
        return out

    def _label_cell(self, cell: str) -> bool:
        cell = _header_label(cell)
        return bool(cell) and any(r.attrs["role"] != "ignore" and _full(r, cell + "：") for r in self.of("label"))

    def _label_at(self, text: str, pos: int) -> Rule | None:
        """The label rule opening the line at ``pos`` (leading whitespace skipped), if any."""
        line_stop = text.find("\n", pos)
        line = _WS.sub("", text[pos:len(text) if line_stop < 0 else line_stop])
        for rule in self.of("label"):
            if rule.attrs["role"] != "ignore" and rule.search(line):
                return rule
        return None

    # ------------------------------------------------------------ reading one clause

    def parse_clause(self, body: str) -> ParsedClause:
        """:meth:`_parse_clause`, read once per distinct body within one document (a plan repeats the same unit
        lists, （区经委牵头）, many times; reading one costs milliseconds)."""
        return self._remembered(body, lambda: self._parse_clause(body))

    @staticmethod
    def _remembered(key: Hashable, compute: Callable[[], Any]) -> Any:
        """``compute()``, once per ``key`` within the document being read; a reading cut short by a rule
        timeout is not kept."""
        memo = _CLAUSE_MEMO.get()
        if memo is None:
            return compute()
        value = memo.get(key)
        if value is None:
            skipped = timeouts_recorded()
            value = compute()
            if timeouts_recorded() == skipped:
                memo[key] = value
        return value

    def _parse_clause(self, body: str) -> ParsedClause:
        """Read a clause body (the text inside its brackets) on its own.

        The grammar: items separated by 、，；, each a label opening a unit list (责任单位：…), a
        unit, or a unit list closed by a role verb (…牵头, …按职责分工配合, …指导). A unit list
        closed by a verb no rule knows (…审核) makes its units responsible, but only when nothing
        else in the clause is left unread (dates and deadlines aside)."""
        items = self._items(body)
        groups: list[_Group] = []
        pending: list[int] = []          # indices of unit items waiting for a verb
        consumed: set[int] = set()
        label: _Group | None = None
        ignoring = False
        declares = scoped = False
        used_end = 0
        for index, item in enumerate(items):
            t = item.text
            if self.of("declare_first").search(t):
                declares = True
                scoped = scoped or self.of("declare_scope").search(t) is not None
                used_end = item.end
                consumed.add(index)
                continue
            if _full(self.of("declare_scope"), t):
                scoped = True
                used_end = item.end
                consumed.add(index)
                continue
            found = self.of("named_lead").search_rule(t)
            if found:
                named_lead, m = found
                unit = self._clean(m.group("unit"))
                if unit and self.lexicon.is_org_like(unit):
                    g = _Group(role="lead", marker="牵头", rule_id=named_lead.id)
                    g.units.append(_Unit(unit))
                    groups.append(g)
                    used_end = item.end
                    consumed.add(index)
                    label, pending, ignoring = None, [], False
                    continue
            lab = next((r for r in self.of("label") if r.search(t)), None)
            if lab is not None:
                lm = lab.search(t)
                pending = []
                consumed.add(index)
                if lab.attrs["role"] == "ignore":
                    label, ignoring = None, True
                    continue
                ignoring = False
                label = _Group(role=lab.attrs["role"], marker=lm.group("marker"), rule_id=lab.id)
                groups.append(label)
                rest = t[lm.end():]
                if rest and self._plausible(rest):
                    label.units.extend(self._units(rest))
                    used_end = item.end
                continue
            verb, vm = self._verb(t)
            if verb is not None:
                unit_part = t[:vm.start()]
                parts = [items[i].text for i in pending] + ([unit_part] if unit_part else [])
                group = self._verb_group(verb.attrs["role"], vm.group("marker"), verb.id,
                                         bool(verb.attrs.get("first_is_lead", True)), parts)
                if group:
                    groups.extend(group)
                    used_end = item.end
                    consumed.update(pending + [index])
                pending, label, ignoring = [], None, False
                continue
            if ignoring:
                consumed.add(index)
                continue
            if label is not None:
                # in a list after a label (、) any plausible name is a unit; after a ， or ； the
                # item must look like a body (责任单位：区经委，并做好协调工作 has one unit)
                units = self._units(t) if self._plausible(t) else []
                if units and (item.sep == "、" or all(self.lexicon.is_org_like(u.text) for u in units)):
                    label.units.extend(units)
                    used_end = item.end
                    consumed.add(index)
                    continue
                label = None
            if self._plausible(t) and all(self.lexicon.is_org_like(u.text) for u in self._units(t)):
                joined = self._joined(t, [items[i].text for i in pending])
                if joined:                   # 省发展改革委会同省财政厅: 会同 with no verb after it
                    groups.extend(joined)
                    used_end = item.end
                    consumed.update(pending + [index])
                    pending = []
                else:
                    pending.append(index)
                continue
            group = self._unknown_verb(t, [items[i].text for i in pending])
            if group:
                groups.extend(group)
                used_end = item.end
                consumed.update(pending + [index])
            pending = []
        if any(g.unknown for g in groups):
            # an unknown verb makes a clause only of a bracket that is nothing but units and verbs
            stray = any(i not in consumed and self.of("not_unit").search(item.text) is None
                        for i, item in enumerate(items))
            if stray:
                groups = [g for g in groups if not g.unknown]
        units = self._assign(groups)
        return ParsedClause(units=units, declares_first_lead=declares, declaration_scoped=scoped,
                            used_end=used_end)

    def _unknown_verb(self, text: str, pending: list[str]) -> list[_Group]:
        """Groups of an item that is a unit list closed by a verb no verb rule knows (市文旅局审核)."""
        for cut in range(len(text) - 2, 1, -1):       # the shortest tail that is a verb
            tail = text[cut:]
            found = self.of("verb_unknown").search_rule(tail)
            verb_unknown, m = found if found is not None else (None, None)
            # 区经委所属企业: 所属 from the body's last character on is no verb, and neither is 属企业
            if m is None or self.lexicon.is_org_like(tail) or self.of("not_verb").search(text[cut - 1:]) is not None \
                    or not self._plausible(text[:cut]):
                continue
            group = self._verb_group("responsible", m.group("marker"), verb_unknown.id, True,
                                     pending + [text[:cut]])
            if group and all(self._body_unit(u.text) for g in group for u in g.units):
                return [replace(g, unknown=True) for g in group]
        return []

    def _body_unit(self, unit: str) -> bool:
        """A unit that can stand before an unknown verb: it ends as a body does, or is collective."""
        main = UnitName.parse(unit).main
        return self.of("body_end").search(main) is not None or \
            self.lexicon.unit_type(self.lexicon.canonical(unit)) == "collective"

    def _joined(self, text: str, pending: list[str]) -> list[_Group]:
        """省发展改革委会同省财政厅 with no verb after it: the join alone assigns the roles."""
        for join in self.of("join"):
            jm = join.search(text)
            if jm:
                group = self._verb_group("responsible", jm.group(0), join.id, True, pending + [text])
                if len(group) == 2:          # both sides are units
                    return [replace(g, unknown=True) for g in group]
        return []

    def _items(self, body: str) -> list[_Item]:
        protected = [(m.start(), m.end()) for m in self.of("protected").finditer(body)]
        items: list[tuple[int, int, str]] = []
        depth, start, sep = 0, 0, ""
        nested = bytearray(len(body))        # 1 where a character is inside a nested bracket
        for i, ch in enumerate(body):
            nested[i] = depth > 0
            if ch in _NEST_OPEN:
                depth += 1
            elif ch in _NEST_CLOSE:
                depth = max(0, depth - 1)
            elif depth == 0 and (ch in _SEPARATORS and not any(s <= i < e for s, e in protected)
                                 or ch == "\n" and self._label_at(body, i + 1) is not None):
                items.append((start, i, sep))      # a line break separates only before a new label line
                start, sep = i + 1, ch
            elif depth == 0 and ch in _SPACE and i > start and self._spaced_units(body, start, i):
                items.append((start, i, sep))      # 市经信局 市发展改革委: a space between two bodies
                start, sep = i + 1, "、"
        items.append((start, len(body), sep))
        out = []
        for s, e, sep in items:
            # a label run into the previous units with no separator: 牵头单位：区经委配合单位：区科委
            cuts = [m.start() for m in self.of("label_boundary").finditer(body, s, e)
                    if body[s:m.start()].strip() and not nested[m.start()]] + [e]
            for a, b in zip([s] + cuts[:-1], cuts):
                t = _WS.sub("", body[a:b])
                if t:
                    out.append(_Item(start=a, end=b, text=t, sep=sep if a == s else ""))
        return out

    def _spaced_units(self, body: str, start: int, i: int) -> bool:
        """A space at ``i`` separates two units: a body ends before it (the item so far, or what
        follows its label) and a body of a known type follows it, up to the next space or separator."""
        if i + 1 >= len(body) or body[i + 1] in _SPACE or not _HAN.match(body[i - 1]):
            return False
        m = _NEXT_TOKEN.match(body, i + 1)
        before = _WS.sub("", body[start:i])
        label = next((r.search(before) for r in self.of("label") if r.search(before)), None)
        if label is not None:
            before = before[label.end():]
        lex = self.lexicon

        def is_body(name: str) -> bool:
            name = self._clean(name)
            return bool(name) and lex.is_org_like(name) and lex.unit_type(lex.canonical(name)) != "other"
        if m is None:
            return False
        after = m.group()
        _, vm = self._verb(after)          # 市财政局按职责分工负责: the unit before the verb
        if vm is not None:
            after = after[:vm.start()]
        return is_body(before) and is_body(after)

    def _verb(self, text: str) -> tuple[Rule | None, regex.Match | None]:
        for rule in self.of("verb"):
            m = rule.search(text)
            if m:
                return rule, m
        return None, None

    def _verb_group(self, role: str, marker: str, rule_id: str, first_is_lead: bool,
                    parts: list[str]) -> list[_Group]:
        """Groups of a verb item; [] when what precedes the verb is not a list of units."""
        units = [u for p in parts for u in self._units(p)]
        if not units or not all(self.lexicon.is_org_like(u.text) for u in units):
            return []
        for join in self.of("join"):           # A会同B负责: A leads, B co
            for i, unit in enumerate(units):
                jm = join.search(unit.text)
                if not jm:
                    continue
                left, right = self._clean(unit.text[:jm.start()]), self._clean(unit.text[jm.end():])
                if left and right and self.lexicon.is_org_like(left) and self.lexicon.is_org_like(right):
                    lead = _Group(role=join.attrs["left_role"], marker=jm.group(0), rule_id=join.id)
                    lead.units = units[:i] + [_Unit(left)]
                    co = _Group(role=join.attrs["right_role"], marker=marker, rule_id=join.id)
                    co.units = [replace(unit, text=right)] + units[i + 1:]
                    return [lead, co]
        group = _Group(role=role, marker=marker, rule_id=rule_id, first_is_lead=first_is_lead)
        group.units = units
        return [group]

    def _units(self, text: str) -> list[_Unit]:
        """Units of one item: cleaned, a role note taken off, split at 和/及 when both sides are units.
        Remembered per text: an item before an unknown verb is read again for every cut tried after it."""
        return list(self._remembered(("units", text), lambda: tuple(self._read_units(text))))

    def _read_units(self, text: str) -> list[_Unit]:
        text = self._clean(text)
        if not text:
            return []
        for rule in self.of("note"):
            m = rule.search(text)
            if m:
                head = self._clean(text[:m.start("note")])
                return [_Unit(u, rule.attrs["role"], m.group("marker"), rule.id)
                        for u in map(self._clean, self._split_all(head)) if u]
        return [_Unit(u) for u in map(self._clean, self._split_all(text)) if u]

    def _split_all(self, text: str) -> list[str]:
        return [g for part in self._split_conjunction(text) for g in self._split_glued(part)]

    def _split_glued(self, text: str) -> list[str]:
        """Units written together (市经信局市发展改革委市财政局): cut where a level word follows a
        body ending, only when every part is a body of a known type."""
        lex = self.lexicon
        if lex.canonical(text) != text or lex.split_prefix(text)[1] in lex.cores:
            return [text]     # a known name is never split
        for m in self.of("glued").finditer(text):
            left, right = text[:m.start()], text[m.start():]
            if lex.unit_type(lex.canonical(left)) == "other":
                continue
            rest = self._split_glued(right)
            if all(lex.unit_type(lex.canonical(r)) != "other" for r in rest):
                return [left] + rest
        return [text]

    def _split_conjunction(self, text: str) -> list[str]:
        lex = self.lexicon
        prefix, core = lex.split_prefix(text)
        # a known name (人力资源和社会保障局, 和平区教育局) is never split, unless a body ends before a
        # conjunction in what was read as its place prefix (合肥海关和省商务厅)
        body_first = any(self.of("body_end").search(prefix[:m.start()])
                         for m in self.of("conjunction").finditer(prefix))
        if (lex.canonical(text) != text or core in lex.cores) and not body_first:
            return [text]
        def unit(name: str) -> bool:   # a typed body, or a named one (中华全国供销合作总社)
            return lex.unit_type(lex.canonical(name)) != "other" or \
                len(name) >= 3 and self.of("body_end").search(name) is not None
        for m in self.of("conjunction").finditer(text):
            left, right = text[:m.start()], text[m.end():]
            if left and right and unit(left) and unit(right):
                return [left] + self._split_conjunction(right)
        return [text]

    def _clean(self, text: str) -> str:
        text = _WS.sub("", text)
        for _ in range(2):
            text = self.of("strip_head").sub("", text, count=1)
            text = self.of("strip_tail").sub("", text, count=1)
        return text

    def _plausible(self, text: str) -> bool:
        text = self._clean(text)
        return (1 < len(text) <= _MAX_UNIT_LEN and self.of("not_unit").search(text) is None
                and _HAN.search(text) is not None)

    @staticmethod
    def _assign(groups: list[_Group]) -> tuple[ParsedUnit, ...]:
        units: list[ParsedUnit] = []
        for g in groups:
            if g.role == "ignore":
                continue
            for unit in g.units:
                role = unit.note_role or g.role
                marker, rule_id = unit.note or g.marker, unit.note_rule or g.rule_id
                existing = next((i for i, u in enumerate(units) if u.text == unit.text), None)
                if existing is not None and role == "lead":   # 其中区经委牵头: upgrade, don't repeat
                    units[existing] = replace(units[existing], role="lead", marker=marker, rule_id=rule_id)
                    continue
                units.append(ParsedUnit(text=unit.text, role=role, marker=marker, rule_id=rule_id,
                                        first_is_lead=g.first_is_lead))
        return tuple(units)

    # ------------------------------------------------------------ document-level resolution

    def _resolve_leads(self, found: list[_Found], note_declarations: list[int]) -> list[_Found]:
        """First-listed leads under a declaration; units marked 负责 next to a stated lead are co."""
        scoped_from = [c.open_pos for c in found if c.parsed.declares_first_lead and c.parsed.declaration_scoped]
        last_clause = max(c.open_pos for c in found)
        for pos in note_declarations:
            # a note after the last clause speaks of all of them; elsewhere, of what follows
            scoped_from.append(-1 if pos > last_clause else pos)
        first_scope = min(scoped_from, default=None)     # a declaration at or before a clause covers it
        out = []
        for clause in found:
            units = list(clause.parsed.units)
            declared = clause.parsed.declares_first_lead or (first_scope is not None and first_scope <= clause.open_pos)
            if declared and not any(u.role == "lead" for u in units):
                first = units[0]
                # the guideline's rule is positional: the first-listed unit leads, a
                # generic body (各有关部门, 各省级人民政府) included
                if first.role == "responsible" and first.first_is_lead:
                    units[0] = replace(first, role="lead")
            if any(u.role == "lead" for u in units):
                units = [replace(u, role="co") if u.role == "responsible" else u for u in units]
            out.append(replace(clause, parsed=replace(clause.parsed, units=tuple(units))))
        return out

    def _is_national(self, doc: Document, found: list[_Found]) -> bool:
        """A national document (State Council, ministries): bare 发展改革委 means 国家发展改革委."""
        issuer = doc.meta.issuer or ""
        if self.of("national_issuer").search(issuer):
            return True
        if issuer and self.of("local_issuer").search(issuer):
            return False
        units = {u.text for c in found for u in c.parsed.units}
        return any(self.lexicon.is_national_name(u) for u in units) and \
            not any(self.lexicon.is_local_body(u) for u in units)

    # ------------------------------------------------------------ task

    def _task(self, doc: Document, clause: _Found, section: Section | None, found: list[_Found],
              spans: list[tuple[int, int]], direct: "_DirectClauses | None" = None) -> str:
        text = doc.text
        if clause.task is not None:
            return clause.task
        if section is not None and section.heading_start <= clause.open_pos < section.heading_end:
            return text[section.heading_start:clause.open_pos].strip()   # a clause inside the heading line
        if section is not None and section.heading.strip():
            after = text[clause.close_end:section.char_end]
            others = (direct or _DirectClauses(doc, found)).of(section)
            alone = not any(c is not clause for c in others)
            if _TRAILING_PUNCT.match(after) and alone:
                return section.heading.strip()
        task = _sentence_before(doc, clause.open_pos, self._is_label_line)
        # （合肥海关负责）巩固…出口占比。（省商务厅牵头…）: a clause the sentence opens with closes the
        # task before it, not this one
        start = text.rfind(task, max(0, clause.open_pos - len(task) - 2), clause.open_pos) if task else -1
        if start >= 0:
            end = start + len(task)
            # only the clauses opening inside the task: a bisect, not a scan (20,000 clauses in one text)
            lo, hi = bisect_left(spans, (start, -1)), bisect_left(spans, (end, -1))
            last = next((close for _, close in reversed(spans[max(lo, hi - 2):hi]) if close <= end), None)
            rest = text[last:end].strip() if last is not None else ""
            if rest:
                return rest
        return task

    def _is_label_line(self, sentence: str) -> bool:
        compact = _WS.sub("", sentence)
        return any(r.search(compact) for r in self.of("label"))


# ---------------------------------------------------------------- helpers

def _full(rule: Rule | RuleGroup, text: str) -> bool:
    """The rule's first match is the whole of ``text``."""
    m = rule.search(text)
    return m is not None and m.start() == 0 and m.end() == len(text)


_HEADER_NOTE = regex.compile(r"[（(](?P<note>[^（）()]*)[）)]$")


def _header_label(cell: str) -> str:
    """A unit column's label without its note: 责任单位（列第一位的为牵头单位） → 责任单位."""
    return _HEADER_NOTE.sub("", _WS.sub("", cell))


def _header_note(cell: str) -> str:
    m = _HEADER_NOTE.search(_WS.sub("", cell))
    return m.group("note") if m else ""


def _cells(line: str, offset: int) -> list[tuple[str, int, int]]:
    """Tab-separated cells of a table row: (text, start, end) with offsets in the document."""
    cells, pos = [], 0
    for cell in line.split("\t"):
        cells.append((cell, offset + pos, offset + pos + len(cell)))
        pos += len(cell) + 1
    return cells


_MAX_NESTING = 4         # bracket levels searched for a clause inside a bracket that is none


def _bracket_spans(text: str, pos: int = 0, endpos: int | None = None) -> list[tuple[int, int, bool]]:
    """Top-level brackets of ``text[pos:endpos]``: (open position, body end, closed). An open bracket
    with no close before the line end is reported unclosed, ending at the line end."""
    endpos = len(text) if endpos is None else endpos
    spans: list[tuple[int, int, bool]] = []
    depth, start = 0, 0
    for m in _BRACKET_TOKEN.finditer(text, pos, endpos):
        ch, pos = m.group(), m.start()
        if ch in _OPEN:
            if depth == 0:
                start = pos
            depth += 1
        elif ch in _CLOSE:
            if depth:
                depth -= 1
                if depth == 0:
                    spans.append((start, pos, True))
        elif depth:
            spans.append((start, pos, False))
            depth = 0
    if depth:
        spans.append((start, endpos, False))
    return spans


def _strip_span(text: str, start: int, end: int, punctuation: bool = True) -> tuple[int, int]:
    """Span without surrounding whitespace (and, for a clause with no closing bracket, without the
    separator it stopped at); a bracketed clause keeps its inside verbatim."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or punctuation and text[end - 1] in "。；;，,、"):
        end -= 1
    return start, end


def _sentence_or_line_end(text: str, pos: int) -> int:
    m = _SENTENCE_OR_LINE_END.search(text, pos)
    return m.start() if m else len(text)


class _DirectClauses:
    """The clauses that start in a section's own text (after its heading, outside its subsections), listed once
    per section: a scan of every clause and every section for every clause is cubic on a long document."""

    def __init__(self, doc: Document, found: list[_Found]) -> None:
        self.found = sorted(found, key=lambda c: c.start)
        self.starts = [c.start for c in self.found]
        self.children: dict[int, list[tuple[int, int]]] = {}
        for s in doc.sections:
            if s.parent_id is not None:
                self.children.setdefault(s.parent_id, []).append((s.char_start, s.char_end))
        self.memo: dict[int, list[_Found]] = {}

    def of(self, section: Section) -> list[_Found]:
        key = id(section)
        if key not in self.memo:
            in_child = SpanSet(self.children.get(section.section_id, ()))
            lo = bisect_left(self.starts, section.heading_end)
            hi = bisect_left(self.starts, section.char_end)
            self.memo[key] = [c for c in self.found[lo:hi] if c.start not in in_child]
        return self.memo[key]


def _sentence_before(doc: Document, open_pos: int, is_label_line=None) -> str:
    """The sentence a clause closes: the one it sits in, up to the clause; or, when the clause
    starts a sentence of its own, the sentence just before it."""
    text = doc.text
    sentence = doc.sentence_at(open_pos)
    if sentence is not None and text[sentence.start:open_pos].strip():
        return text[sentence.start:open_pos].strip()
    pos = open_pos
    for _ in range(_MAX_LABEL_LINES_BACK):
        pos -= 1
        while pos >= 0 and text[pos].isspace():
            pos -= 1
        previous = doc.sentence_at(pos) if pos >= 0 else None
        if previous is None:
            break
        candidate = text[previous.start:min(previous.end, open_pos)].strip()
        if not (is_label_line and is_label_line(candidate)):
            return candidate
        pos = previous.start        # 牵头负责领导：张三。 is not the task: look further back
    line_start = text.rfind("\n", 0, open_pos) + 1
    return text[line_start:open_pos].strip()
