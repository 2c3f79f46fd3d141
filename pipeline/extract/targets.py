"""Quantitative targets (GUIDELINE §1).

Patterns and cue words are data in ``rules/targets.toml`` (roles are described
there); units and magnitudes in ``rules/units.toml``; time expressions and the
document's time context come from :mod:`.deadlines`. What this module decides:

1. **Candidates**: every match of a ``value`` rule outside a ``mask`` span and
   outside indicator tables (tables are read cell by cell, below). Overlaps:
   longest first.
2. **Not a value**: a spec unit (12英寸, 28纳米); a count written in Chinese
   numerals without a qualifier (十个专项行动, 两个); a money/measure amount
   that describes the thing counted — right after a count in the same phrase
   (1-2家年营业收入超过10亿元…) or followed by a noun it qualifies (超百亿元规模的,
   十亿元以上项目).
3. **Not a goal**: inside a background section; governed by a past time
   (到2015年…, 去年…, 过去五年…; see :class:`.deadlines.TimeContext`); a
   past/fact cue before it in its clause (已, 实现了, 可用, 比上年; weak cues
   such as 拥有 yield to a forward deadline in the sentence); a subsidy or cap
   (给予最高…); the starting point of a change (从2010年的…).
4. **Fields**: qualifiers, bound, aspirational, change, binding and baseline
   year from cue rules in the clause (a clause that starts with the value, as
   in a list ``新增50家…，1-2家…``, also reads the clause before it); target year
   from the governing deadline, else the plan's end year; indicator from the
   words around the value. ``value_base`` is ``value_low`` in base units (for a
   range, its lower end).

Indicator tables (tab-separated rows under a header with a unit column and a
target-year or 目标值 column): every numeric cell of a target column is a
target, with the row's unit, 属性 as binding and the column's year; a column
whose year is before the document's time is a base-year column and is skipped
(when the document's time is unknown, the earliest of several year columns).
"""
from __future__ import annotations

import bisect
import dataclasses
from dataclasses import dataclass, field

import regex

from ..tables.rows import AchievementRow, DeadlineRow, Document, TargetRow
from ..tables.schema import ENUMS
from ..text.spans import merge_spans
from .deadlines import DEADLINE_KINDS, DeadlineExtractor, TimeContext, TimeMention
from .numbers import UnitTable, parse_number
from .rules import Rule, RuleError, RuleSet, RuleSource, RuleSpec, expand, group_rules

RULES_FILE = "targets.toml"
GOAL, REPORTED = "goal", "reported"          # how a value reads: a target, or an achievement
_CLAUSE_END = "，,；;。！？!?：:\n\t"            # a table cell is a clause of its own
# A cell of running text (a task described in a table): a clause of four Han characters or more followed by
# a comma or stop (an indicator's name or a statistic has none)
_TASK_CELL = regex.compile(r"\p{Han}{4,}[，,；;。]")
_PHRASE_BREAK = regex.compile(r"[、，,；;。：:\n]|和|及|与|或")
# the noun between a threshold amount and the count of the things it sorts (10亿元以上新能源项目30个): a few
# characters, no digits; a verb in it ([words.NOUN_VERB]) makes the amount a goal of its own
_DESCRIBED_NOUN = regex.compile(r"\s*的?[\p{Han}“”\"]{1,10}")
_SIZE_OF = regex.compile(r"\s*(?:以上|左右)?\s*的\s*(?P<noun>[^，,；;。、的\d\s（(]{2,16})")
_CN_DIGITS = set("零〇一二两三四五六七八九十百千")
_QUOTES = "“”\"'‘’「」《》 \t"
# A unit cell that only says "no unit": —, -, /, 无
_NO_UNIT_CELL = regex.compile(r"\s*(?:[-—–－/／\\]+|无)?\s*")
_FORWARD_KINDS = ("by", "period", "relative", "year")
_NAME_COUNT_MAX = 20
_MAX_CLAUSE = 200       # a clause is read at most this far from its value (text without punctuation stays linear)

def _value_reads_low(rule: Rule) -> str | None:
    # without attrs.unit the number is read from 'low' (a fraction, num/den, must name its unit: '' for a share)
    if "unit" not in rule.attrs and "low" not in rule.pattern.groupindex:
        return "a 'value' rule without attrs.unit needs the named group 'low' in its pattern"
    return None


# What this module reads from each role of rules/targets.toml (attrs.role); see RuleSpec. A value read into a
# column must be one of the contract's (schema.ENUMS); a role or attribute not listed here is a typo.
ROLE_SPECS: dict[str | None, RuleSpec] = {
    "value": RuleSpec(optional={"unit": str, "value": float}, groups_any=(("low",), ("num", "den"), ("word",)),
                      check=_value_reads_low),
    "past_cue": RuleSpec(optional={"strength": ("strong", "weak", "comparison")}),
    "qualifier": RuleSpec(attrs={"q": str}),            # one of [words.QUALIFIERS], checked at load
    "change": RuleSpec(attrs={"change": ENUMS["targets"]["change"]}),
    "baseline_year": RuleSpec(groups=("year",)),
    "binding": RuleSpec(groups=("binding",)),
    "table_target": RuleSpec(groups=("year",)),
    "table_change": RuleSpec(groups=("change",)),
    "table_cell": RuleSpec(groups=("low", "high", "unit", "bracket", "pre", "post", "verb", "base_year")),
    **{role: RuleSpec() for role in (
        "mask", "incentive_cue", "incentive_after", "threshold_after", "structure_after", "descriptor_after",
        "baseline_prefix", "measure_after", "measure_verb", "past_scope", "goal_word", "aspiration",
        "table_unit", "table_binding", "table_name", "comparison_from", "comparison_to", "raise_to",
        "baseline_previous", "forecast", "existing_whole", "existing_set", "expected_goals", "procedural",
        "share_lead", "own_rate", "incentive_cap", "definition", "household_size", "paid_out")},
}


@dataclass
class _Candidate:
    start: int
    end: int
    rule: Rule
    low: float
    high: float
    unit: str
    low_text: str
    pre: str
    post: str
    approx: str


@dataclass(frozen=True)
class _Bounds:
    """The words that say a value's bound, from the word lists of targets.toml (PRE_*, SIGN_*, POST_*)."""
    min_pre: frozenset[str]
    max_pre: frozenset[str]
    approx_pre: frozenset[str]
    min_post: frozenset[str]
    max_post: frozenset[str]
    approx_post: frozenset[str]

    @classmethod
    def of(cls, rules: RuleSet) -> "_Bounds":
        return cls(min_pre=rules.words("PRE_MIN") | rules.words("SIGN_MIN"),
                   max_pre=rules.words("PRE_MAX") | rules.words("SIGN_MAX"), approx_pre=rules.words("PRE_APPROX"),
                   min_post=rules.words("POST_MIN"), max_post=rules.words("POST_MAX"),
                   approx_post=rules.words("POST_APPROX"))

    def __call__(self, low: float, high: float, pre: str, post: str, approx: str) -> str:
        if high != low:
            return "range"
        if pre in self.min_pre or post in self.min_post or approx:
            return "min"
        if pre in self.max_pre or post in self.max_post:
            return "max"
        if pre in self.approx_pre or post in self.approx_post:
            return "approx"
        return "exact"


@dataclass(frozen=True)
class _Phrases:
    """The patterns that cut an indicator out of the words around a value: [define] LEAD_WORDS, TRAIL_VERBS,
    BASELINE_WORDS, RESPECTIVE and BARE_SIZE of targets.toml."""
    lead: regex.Pattern
    trail_verb: regex.Pattern
    baseline: regex.Pattern
    respective: regex.Pattern
    bare_size: regex.Pattern
    object_verb: regex.Pattern      # [words.OBJECT_VERBS] at the end of the words before a value
    object_noun: regex.Pattern      # the noun phrase right after a value, unless [words.OBJECT_NOT_NOUN] opens it
    label: regex.Pattern            # an outline label (${OUTLINE_LABEL} of common.toml) opening the words

    @classmethod
    def of(cls, rules: RuleSet) -> "_Phrases":
        def compiled(pattern: str) -> regex.Pattern:
            return regex.compile(expand(pattern, rules.defines, file=rules.source, rule_id=None))

        return cls(lead=compiled(r"^(?:${LEAD_WORDS})+"), trail_verb=compiled(r"(?:${TRAIL_VERBS})+$"),
                   baseline=compiled(r"${BASELINE_WORDS}"), respective=compiled(r"${RESPECTIVE}"),
                   bare_size=compiled(r"${BARE_SIZE}"), object_verb=compiled(r"(?:${OBJECT_VERBS})$"),
                   object_noun=compiled(r"(?!${OBJECT_NOT_NOUN})(?P<noun>\p{Han}[^，,；;。、：:（(\d\s]{1,24}?)"
                                        r"(?=[，,；;。、]|和\s*\d|等|$)"),
                   label=compiled(r"^\s*(?:${OUTLINE_LABEL})\s*(?:对(?=\p{Han}{2}))?"))


@dataclass(frozen=True)
class TargetExtractor:
    rules: RuleSet
    units: UnitTable
    time: DeadlineExtractor
    by_role: dict[str, tuple[Rule, ...]] = field(default_factory=dict)
    bound: _Bounds | None = None
    qualifier_words: tuple[str, ...] = ()      # [words.QUALIFIERS], in order
    generic: frozenset[str] = frozenset()      # [words.GENERIC_INDICATOR]
    structural: frozenset[str] = frozenset()   # [words.STRUCTURAL_HEADING]
    noun_verbs: frozenset[str] = frozenset()   # [words.NOUN_VERB]
    phrases: _Phrases | None = None

    @classmethod
    def from_rulebook(cls, book: RuleSource) -> "TargetExtractor":
        rules = book.ruleset(RULES_FILE.removesuffix(".toml"))
        by_role = group_rules(rules, "role", ROLE_SPECS)
        for rule in by_role.pop("past_cue", []):        # strong cues and weak ones (拥有, 目前) apart
            strength = rule.attrs.get("strength")
            role = {"weak": "past_cue_weak", "comparison": "past_cue_comparison"}.get(str(strength), "past_cue")
            by_role.setdefault(role, []).append(rule)
        for role_rules in by_role.values():
            role_rules.sort(key=lambda r: -r.priority)
        qualifier_words = rules.word_list("QUALIFIERS")
        for rule in by_role.get("qualifier", []):
            if rule.attrs["q"] not in qualifier_words:
                raise RuleError(rule.source, rule.id,    # the list is [words.QUALIFIERS]
                                f"attrs.q = {rule.attrs['q']!r} is not one of {list(qualifier_words)}")
        return cls(rules=rules, units=UnitTable.from_rulebook(book), time=DeadlineExtractor.from_rulebook(book),
                   by_role={k: tuple(v) for k, v in by_role.items()}, bound=_Bounds.of(rules),
                   qualifier_words=qualifier_words, generic=rules.words("GENERIC_INDICATOR"),
                   structural=rules.words("STRUCTURAL_HEADING"), noun_verbs=rules.words("NOUN_VERB"),
                   phrases=_Phrases.of(rules))

    def _role(self, role: str) -> tuple[Rule, ...]:
        return self.by_role.get(role, ())

    def _any(self, role: str, text: str) -> bool:
        # Cue checks read one clause or a few characters: the compiled patterns are called directly, without
        # the engine's per-call timeout (which costs more than the match on short strings). Scans of a whole
        # document go through Rule.finditer and keep the timeout.
        return any(r.pattern.search(text) for r in self._role(role))

    # ------------------------------------------------------------------ entry point

    def __call__(self, doc: Document, deadlines: list[DeadlineRow],
                 context: TimeContext | None = None) -> list[TargetRow]:
        ctx = context or self.time.context(doc)
        deadline_years = {d.char_start: d.end_date.year for d in deadlines if d.end_date}
        table_rows, table_spans = self._tables(doc, ctx)
        rows = list(table_rows)
        candidates = self._candidates(doc.text, table_spans)
        counts = [c for c in candidates if self.units.kind(c.unit) == "count" and not self._name_count(c)]
        count_ends = [c.end for c in counts]
        for i, cand in enumerate(candidates):
            read = self._inline_row(doc, ctx, cand, counts, count_ends, deadline_years,
                                    candidates[i - 1] if i else None)
            if read is not None and read[0] == GOAL:
                rows.append(read[1])
        rows.sort(key=lambda r: r.char_start)
        return rows

    def achievements(self, doc: Document, deadlines: list[DeadlineRow], context: TimeContext | None = None,
                     reported_year: int | None = None) -> list[AchievementRow]:
        """The values the document reports as results (a review, a bulletin, a 发展基础 section, a clause in the
        past tense): read with the same number, unit and structure rules as targets; only the status differs.
        ``reported_year`` is the year a reporting passage is about when no time in the text says (a 2026
        report's review: 2025)."""
        return self.read(doc, deadlines, context, reported_year)[1]

    def read(self, doc: Document, deadlines: list[DeadlineRow], context: TimeContext | None = None,
             reported_year: int | None = None) -> tuple[list[TargetRow], list[AchievementRow]]:
        """Targets and achievements in one pass over the candidates (each value is read once)."""
        ctx = context or self.time.context(doc)
        deadline_years = {d.char_start: d.end_date.year for d in deadlines if d.end_date}
        table_rows, table_spans = self._tables(doc, ctx)
        candidates = self._candidates(doc.text, table_spans)
        counts = [c for c in candidates if self.units.kind(c.unit) == "count" and not self._name_count(c)]
        count_ends = [c.end for c in counts]
        targets: list[TargetRow] = list(table_rows)
        rows: list[AchievementRow] = []
        for i, cand in enumerate(candidates):
            read = self._inline_row(doc, ctx, cand, counts, count_ends, deadline_years,
                                    candidates[i - 1] if i else None)
            if read is None:
                continue
            if read[0] == GOAL:
                targets.append(read[1])
                continue
            status, t, gov = read
            year = gov.year if gov is not None and gov.historical and gov.year else reported_year
            rows.append(AchievementRow(
                doc_id=t.doc_id, achievement_id=f"{doc.doc_id}-A{t.char_start}-{t.char_end}",
                section_id=t.section_id, sentence=t.sentence, char_start=t.char_start, char_end=t.char_end,
                indicator=t.indicator, indicator_code=None, value_text=t.value_text, value_low=t.value_low,
                value_high=t.value_high, unit=t.unit, value_base=t.value_base, unit_base=t.unit_base,
                change=t.change, period_year=year, rule_id=t.rule_id))
        targets.sort(key=lambda r: r.char_start)
        return targets, rows

    # ------------------------------------------------------------------ candidates

    def _spans(self, role: str, text: str) -> list[tuple[int, int]]:
        return merge_spans((m.start(), m.end()) for rule in self._role(role) for m in rule.finditer(text)
                           if m.end() > m.start())

    @staticmethod
    def _overlaps(spans: list[tuple[int, int]], starts: list[int], a: int, b: int) -> bool:
        i = bisect.bisect_right(starts, a) - 1
        if i >= 0 and spans[i][1] > a:
            return True
        return i + 1 < len(spans) and spans[i + 1][0] < b

    def _candidates(self, text: str, table_spans: list[tuple[int, int]]) -> list[_Candidate]:
        masks = self._spans("mask", text)
        mask_starts = [a for a, _ in masks]
        table_starts = [a for a, _ in table_spans]
        found: list[_Candidate] = []
        for rule in self._role("value"):
            for m in rule.finditer(text):
                a, b = m.start(), m.end()
                if self._overlaps(table_spans, table_starts, a, b):
                    continue
                value_start = m.start("low") if "low" in m.groupdict() and m.group("low") else (
                    m.start("num") if m.groupdict().get("num") else a)
                if self._overlaps(masks, mask_starts, value_start, b):
                    continue
                cand = self._parse(rule, m)
                if cand is not None:
                    found.append(cand)
        found.sort(key=lambda c: (-(c.end - c.start), c.start))
        taken: list[tuple[int, int]] = []
        kept = []
        for c in found:
            i = bisect.bisect_left(taken, (c.start, c.end))
            if (i > 0 and taken[i - 1][1] > c.start) or (i < len(taken) and taken[i][0] < c.end):
                continue
            taken.insert(i, (c.start, c.end))
            kept.append(c)
        kept.sort(key=lambda c: c.start)
        return kept

    def _parse(self, rule: Rule, m: regex.Match) -> _Candidate | None:
        g = m.groupdict()
        pre, post, approx = g.get("pre") or "", g.get("post") or "", g.get("approx") or ""
        if "unit" in rule.attrs:                      # fractions, 百分之…, words that are a number (一半, 万亿)
            unit = g.get("unit") or str(rule.attrs["unit"])
            if "value" in rule.attrs:
                low = high = float(rule.attrs["value"])
                low_text = g.get("word") or m.group(0)
            elif g.get("den"):
                num, den = parse_number(g["num"]), parse_number(g["den"])
                if num is None or not den or num >= den:
                    return None
                low = high = round(num / den, 4)
                low_text = g["num"]
            else:
                low = high = parse_number(g["low"])
                low_text = g["low"]
        else:
            unit = g.get("unit") or ""
            low_text = g["low"]
            low = parse_number(low_text)
            high = parse_number(g["high"]) if g.get("high") else low
        if low is None or high is None:
            return None
        if high < low:
            low, high = high, low
        unit = unit.replace("％", "%")                # the sign as the unit column writes it; the text keeps ％
        return _Candidate(start=m.start(), end=m.end(), rule=rule, low=low, high=high, unit=unit,
                          low_text=low_text, pre=pre, post=post, approx=approx)

    # ------------------------------------------------------------------ one inline value

    def _inline_row(self, doc: Document, ctx: TimeContext, c: _Candidate, counts: list[_Candidate],
                    count_ends: list[int], deadline_years: dict[int, int],
                    previous: _Candidate | None = None) -> tuple[str, TargetRow, TimeMention | None] | None:
        """How one value reads: (GOAL, row, None); (REPORTED, row, governing time) for a result; None when it is
        no value at all (a name, a threshold, a cap, a starting level) or a forecast."""
        text = doc.text
        if previous is not None and not c.pre and previous.pre and text[previous.end:c.start].strip() == "、":
            c = dataclasses.replace(c, pre=previous.pre)   # 分别超过90%、75%: the qualifier is shared
        kind = self.units.kind(c.unit)
        if kind == "spec":
            return None
        if self._name_count(c):
            return None                                    # 十个专项行动, 两个…: names, not values
        status = REPORTED if ctx.in_background(c.start) else GOAL
        s_start, s_end = ctx.sentence_span(c.start)
        clause_start = _clause_start(text, s_start, c.start)
        clause_end = _clause_end(text, c.end, s_end)
        prefix = text[clause_start:c.start]
        ext_prefix = prefix
        lead = prefix.strip(_QUOTES)
        if (not lead or lead.startswith("其中")) and clause_start > s_start:
            # a list item (…50家，1-2家…) or a subset (…200万户，其中企业80万户): read the clause before too
            prev_start = _clause_start(text, s_start, clause_start - 1)
            ext_prefix = text[prev_start:c.start]
        after = text[c.end:clause_end]
        if self._any("baseline_prefix", prefix):
            return None
        if self._any("definition", text[s_start:c.start]):
            return None                                    # 统计范围为年主营业务收入2000万元及以上…: a definition
        if c.unit != "%" and self._any("existing_whole", prefix):
            return None                                    # 全省320家食堂…全覆盖: the size of what exists
        if self._any("comparison_from", prefix) and self._any("comparison_to", after):
            return None                                    # 从209元提高到217元: 209元 is where it starts
        # a standard raised to a level is a goal (补贴标准提高到217元); so is a count of the people a subsidy
        # reaches (为超300万名婴幼儿发放补贴) — unless the count is the threshold of the rule (对接待超10万人次的…给予)
        incentive_context = ext_prefix + (after if kind != "count" or after.lstrip().startswith("的") else "")
        if self._any("procedural", text[s_start:clause_start] + incentive_context):
            return None                                    # 应当…，并在3个工作日内: the sentence is a procedure
        if status == REPORTED and kind == "currency" and self._any("paid_out", ext_prefix):
            # money a review says was paid out (发放各类补贴1012.4万元) is a result; only a cap or a
            # per-head rate of the scheme is not
            if self._any("incentive_cap", ext_prefix) or self._any("incentive_cap", incentive_context):
                return None
        elif not self._any("raise_to", prefix) and (
                self._any("incentive_cue", incentive_context)
                or self._any("incentive_after", text[c.end:c.end + 12])):
            return None
        share = c.unit == "%" and self._any("share_lead", lead)     # 60%的城市污水处理厂完成…: a share
        if (not share and self._any("threshold_after", text[c.end:c.end + 12])) \
                or self._any("structure_after", text[c.end:c.end + 8]) \
                or self._any("household_size", c.unit + c.post + text[c.end:c.end + 12]):
            return None                                    # 30户以上自然村寨: the size sorts the villages
        if kind == "count" and self._any("measure_after", text[c.end:clause_end]) and self._any("measure_verb", prefix):
            return None                                    # 提高…等2个特色产业规模: the goal is the measure
        if kind != "count":
            if self._any("descriptor_after", text[c.end:c.end + 12]):
                return None
            if self._follows_count(text, c, counts, count_ends, clause_start):
                return None
            if self._precedes_count(text, c, counts, count_ends, clause_end):
                return None
        gov = ctx.governing(c.start, sentence=(s_start, s_end))
        if status == GOAL and self._any("forecast", ext_prefix):
            return None                                    # 预计今年…: a forecast is neither goal nor result
        if status == GOAL and ((gov is not None and gov.historical)
                               or self._past(ext_prefix, ctx, s_start, c.start, gov)
                               or self._past_scope(text, s_start, clause_start, c.start, gov)):
            status = REPORTED
        if status == GOAL and c.unit != "%" and self._any("existing_set", prefix):
            return None                                    # 用好3个国家级平台: in a review, 拥有63家… is a result

        year = self._target_year(ctx, gov, deadline_years)
        baseline = self._baseline_year(ext_prefix)
        if baseline is None and self._any("baseline_previous", ext_prefix):
            reference = year or ctx.doc_year               # 比上年增加N: against the year before the target's
            baseline = reference - 1 if reference else None
        sentence_prefix = text[s_start:c.start]
        item_prefix = _item_prefix(self.phrases, ext_prefix)
        aspirational, qualifiers = self._qualifiers(sentence_prefix[:len(sentence_prefix) - len(ext_prefix)]
                                                    + item_prefix, item_prefix, c)
        change = self._change(item_prefix, c.unit)
        binding = self._binding(text[clause_start:clause_end]) or (
            "预期性" if self._any("expected_goals", text[s_start:c.start]) else None)
        value_base, unit_base = self.units.to_base(c.low, c.unit)
        section = ctx.section_at(c.start)
        indicator = _respective(self.phrases, prefix, text[c.end:clause_end]) or self._indicator_without_time(
            ctx, text, clause_start, c.start, after, kind)
        if (indicator is None or indicator.startswith("占")) and kind != "count" and clause_start > s_start:
            # 到2025年达到660亿元 after 地区生产总值年均增长7%左右: the subject of the clause before
            prev_start = _clause_start(text, s_start, clause_start - 1)
            head = _FIRST_VALUE.split(text[prev_start:clause_start - 1], 1)[0]
            subject = _indicator(self.phrases, head, "", None)
            if subject and not subject.startswith("占"):
                # …增加值年均增长12%，占地区生产总值比重达到12%: the share of the subject before
                indicator = subject + indicator if indicator else subject
        return status, TargetRow(
            doc_id=doc.doc_id, target_id=f"{doc.doc_id}-T{c.start}-{c.end}",
            section_id=section.section_id if section else None,
            sentence=ctx.sentence_text(c.start), char_start=c.start, char_end=c.end,
            indicator=self._topic(ctx, c.start, indicator), value_text=text[c.start:c.end],
            value_low=c.low, value_high=c.high, unit=c.unit, value_base=value_base, unit_base=unit_base,
            bound=self.bound(c.low, c.high, c.pre, c.post, c.approx), aspirational=aspirational, change=change,
            target_year=year, baseline_year=baseline, binding=binding, indicator_code=None, rule_id=c.rule.id,
            qualifiers=qualifiers), gov

    def _indicator_without_time(self, ctx: TimeContext, text: str, clause_start: int, offset: int, after: str,
                                kind: str | None) -> str | None:
        """The indicator of a value, read with the time expressions of its clause taken out: a deadline is not
        part of what is measured (2026年底前累计授信规模, 十四五期间每年培养…人才, 三年内新增…企业). A time word
        is first read as the start of the clause (市级财政每年安排专项资金 → 专项资金: what comes before it is the
        actor);
        if nothing is left after it (地区生产总值年均增长), it is simply dropped."""
        spans = [(m.start, m.end) for m in ctx.mentions_between(clause_start, offset)
                 if m.kind in DEADLINE_KINDS and m.end <= offset and "均" not in m.text]
        # (年均, 三年平均 stay: an average is part of the measure — 三年平均增速 — not when it is due)
        if not spans:
            return _indicator(self.phrases, text[clause_start:offset], after, kind)

        dropped, pos = [], clause_start
        for a, b in spans:
            dropped.append(text[pos:a])
            pos = b
        dropped.append(text[pos:offset])
        return (_indicator(self.phrases, text[spans[-1][1]:offset], after, kind)
                or _indicator(self.phrases, "".join(dropped), after, kind))

    def _topic(self, ctx: TimeContext, offset: int, indicator: str | None) -> str | None:
        """A generic indicator (产值, 营业收入) gets the topic of its paragraph (集成电路。…) or section."""
        if indicator not in self.generic:
            return indicator
        p_start, _ = ctx.paragraph(offset)
        m = _TOPIC.match(ctx.doc.text, p_start, offset)
        if m:
            return m.group(1) + indicator
        section = ctx.section_at(offset)
        if section is not None and 2 <= len(section.heading) <= 15 and not any(w in section.heading for w in self.structural):
            return section.heading.strip(" 。") + indicator
        return indicator

    def _name_count(self, c: _Candidate) -> bool:
        """A small count in Chinese numerals without a qualifier (十个专项行动, 两个中心, 一名园) names or
        structures things; 一百个示范村 or 十家以上 are counts."""
        return ((self.units.kind(c.unit) == "count" or c.unit == "元") and _is_chinese(c.low_text)
                and c.high <= _NAME_COUNT_MAX
                and not (c.pre or c.post or c.approx) and not _has_magnitude(c.unit))

    def _follows_count(self, text: str, c: _Candidate, counts: list[_Candidate], count_ends: list[int],
                       clause_start: int) -> bool:
        """A money/measure amount inside the phrase of a count: 打造1-2家年营业收入超过10亿元的…"""
        i = bisect.bisect_right(count_ends, c.start) - 1
        if i < 0:
            return False
        prev = counts[i]
        if prev.end <= clause_start:
            return False
        if c.unit == "%" and self._any("own_rate", text[prev.end:c.start]):
            return False        # 30户以上自然村寨…覆盖率达95%: the share has its own rate, the count sorts the places
        return not _PHRASE_BREAK.search(text, prev.end, c.start)

    def _precedes_count(self, text: str, c: _Candidate, counts: list[_Candidate], count_ends: list[int],
                        clause_end: int) -> bool:
        """A money/measure amount that opens the noun of a count right after it: 新引进10亿元以上新能源项目30个,
        培育营业收入超500亿元企业5家 — a threshold sorting the things counted; the count is the goal."""
        i = bisect.bisect_right(count_ends, c.end)
        while i < len(counts) and counts[i].start < c.end:
            i += 1
        if i >= len(counts) or counts[i].start >= clause_end:
            return False
        between = text[c.end:counts[i].start]
        return bool(_DESCRIBED_NOUN.fullmatch(between)) and not _PHRASE_BREAK.search(between) \
            and not any(w in between for w in self.noun_verbs)

    def _past(self, prefix: str, ctx: TimeContext, s_start: int, offset: int,
              gov: TimeMention | None = None) -> bool:
        if self._any("past_cue", prefix):
            return True
        if self._any("past_cue_comparison", prefix) and not (gov is not None and gov.kind in _FORWARD_KINDS
                                                              and not gov.historical):
            return True                                    # 比上年增长5.2%: a result, unless planned ahead
        if self._any("past_cue_weak", prefix):
            forward = [m for m in ctx.mentions_between(s_start, offset)
                       if m.kind in _FORWARD_KINDS and not m.historical]
            return not forward
        return False

    def _past_scope(self, text: str, s_start: int, clause_start: int, offset: int,
                    gov: TimeMention | None) -> bool:
        """截至目前，全省累计培育A 5594家，B 709家: a statement of the current state governs the clauses after it
        in its sentence, up to a semicolon, a goal word (力争, 新增) or a time ahead."""
        if gov is not None and not gov.historical and gov.start >= s_start and gov.kind in _FORWARD_KINDS:
            return False
        head = text[s_start:clause_start]
        cut = max(head.rfind("；"), head.rfind(";"))
        head = head[cut + 1:]
        found = [m for r in self._role("past_scope") for m in r.pattern.finditer(head)]
        if not found:
            return False
        last = max(m.end() for m in found)
        return not self._any("goal_word", head[last:] + text[clause_start:offset])

    @staticmethod
    def _target_year(ctx: TimeContext, gov: TimeMention | None, deadline_years: dict[int, int]) -> int | None:
        if gov is not None and not gov.historical:
            if gov.start in deadline_years:
                return deadline_years[gov.start]
            if gov.year is not None:
                return gov.year
        return ctx.plan[1] if ctx.plan else ctx.horizon

    def _baseline_year(self, prefix: str) -> int | None:
        for rule in self._role("baseline_year"):
            found = list(rule.pattern.finditer(prefix))
            if found:
                return int(found[-1].group("year"))
        return None

    def _qualifiers(self, sentence_prefix: str, clause_prefix: str, c: _Candidate) -> tuple[bool, tuple[str, ...]]:
        found: list[tuple[int, str]] = []
        aspirational = False
        offset = len(sentence_prefix) - len(clause_prefix)
        for rule in self._role("aspiration"):
            for m in rule.pattern.finditer(sentence_prefix):
                # 力争 in the value's clause applies; in an earlier clause only when it opens that clause and so
                # governs the clauses that follow (力争培育30家，新增20家…), not after a subject (规模力争增长50%，新增…)
                if m.start() < offset and not _opens_clause(sentence_prefix, m.start()):
                    continue
                aspirational = True
                if m.group(0) in ("力争", "争取"):
                    found.append((m.start() - offset, m.group(0)))
        for rule in self._role("qualifier"):
            for m in rule.pattern.finditer(clause_prefix):
                found.append((m.start(), str(rule.attrs["q"])))
        if c.pre:
            found.append((len(clause_prefix), c.pre))
        if c.post:
            found.append((len(clause_prefix) + 1, c.post))
        found.sort(key=lambda x: x[0])
        out: list[str] = []
        for _, q in found:
            if q in self.qualifier_words and q not in out:
                out.append(q)
        return aspirational, tuple(out)

    def _change(self, prefix: str, unit: str) -> str:
        matched = [str(r.attrs["change"]) for r in self._role("change") if r.pattern.search(prefix)]
        if not matched:
            return "level"
        if unit.endswith("百分点"):
            for kind in ("increase", "decrease"):
                if kind in matched and not {"annual_avg", "new", "cumulative"} & set(matched):
                    return kind
        return matched[0]                                  # rules are sorted by priority

    def _binding(self, clause: str) -> str | None:
        for rule in self._role("binding"):
            m = rule.pattern.search(clause)
            if m:
                return m.group("binding")
        return None

    # ------------------------------------------------------------------ indicator tables

    def _header_roles(self, cells: list[str]) -> dict[str, object] | None:
        roles: dict[str, object] = {"targets": []}
        for i, cell in enumerate(cells):
            cell = cell.strip()
            if not cell:
                continue
            for role in ("table_unit", "table_binding", "table_name"):
                if self._any(role, cell):
                    roles.setdefault(role, i)
            for rule in self._role("table_target"):
                m = rule.pattern.search(cell)
                if m:
                    roles["targets"].append((i, int(m.group("year")) if m.group("year") else None, None))
            for rule in self._role("table_change"):
                m = rule.pattern.search(cell)
                if m:
                    change = "cumulative" if m.group("change").startswith(("累计", "五年")) else "annual_avg"
                    roles["targets"].append((i, None, change))
        if roles["targets"] and ("table_unit" in roles or "table_name" in roles):
            return roles
        return None

    def _tables(self, doc: Document, ctx: TimeContext) -> tuple[list[TargetRow], list[tuple[int, int]]]:
        text = doc.text
        rows: list[TargetRow] = []
        spans: list[tuple[int, int]] = []
        header: dict[str, object] | None = None
        n_header = 0
        pos = 0
        for line in text.split("\n"):
            line_start = pos
            pos += len(line) + 1
            if line.count("\t") < 2:
                header = None
                continue
            cells, starts = _cells(line, line_start)
            roles = self._header_roles(cells)
            if roles is not None:
                header, n_header = roles, len(cells)
                spans.append((line_start, line_start + len(line)))
                continue
            if header is None and any(_TASK_CELL.search(c) for c in cells):
                continue       # a row of a task table (重点任务 | 牵头单位 | 完成时限): its cells are read as text
            spans.append((line_start, line_start + len(line)))
            if header is None or ctx.in_background(line_start):
                continue
            shift = n_header - len(cells)                  # rows that lost leading (merged) cells: align right

            def cell(role: str) -> tuple[str, int] | None:
                idx = header.get(role)
                if idx is None:
                    return None
                j = int(idx) - shift
                return (cells[j].strip(), starts[j]) if 0 <= j < len(cells) else None

            name = cell("table_name")
            unit_cell = cell("table_unit")
            binding_cell = cell("table_binding")
            indicator = name[0] if name else next((c.strip() for c in cells if _is_label(c)), None)
            if unit_cell:
                # a dash or slash in the unit column says the indicator has no unit (PUE, an index)
                col_unit = "" if _NO_UNIT_CELL.fullmatch(unit_cell[0]) else unit_cell[0]
            else:
                col_unit = _unit_in_name(indicator or "")
            binding = self._binding(binding_cell[0]) if binding_cell else None
            years = sorted({y for _, y, _ in header["targets"] if y is not None})
            for idx, col_year, col_change in header["targets"]:
                j = idx - shift
                if not 0 <= j < len(cells):
                    continue
                if ctx.ref_year is None and len(years) >= 2 and col_year == years[0]:
                    continue                               # 2020年 | 2025年 in an undated plan: the first is the base
                row = self._table_cell(doc, ctx, cells[j], starts[j], indicator, col_unit, binding, col_year,
                                       col_change)
                if row is not None:
                    rows.append(row)
        return rows, spans

    def _table_cell(self, doc: Document, ctx: TimeContext, raw: str, raw_start: int, indicator: str | None,
                    col_unit: str, binding: str | None, col_year: int | None,
                    col_change: str | None) -> TargetRow | None:
        if col_year is not None and ctx.ref_year is not None and col_year < ctx.ref_year:
            return None                                     # a base-year column
        lead = len(raw) - len(raw.lstrip())
        value = raw.strip()
        start = raw_start + lead
        m = next((mm for r in self._role("table_cell") if (mm := r.pattern.search(value))), None)
        if m is None:
            return None
        low = parse_number(m.group("low"))
        high = parse_number(m.group("high")) if m.group("high") else low
        if low is None or high is None:
            return None
        unit = (m.group("unit") or col_unit or "").replace("％", "%")     # the unit column writes %, as _parse
        if col_change == "annual_avg" and not m.group("bracket") and not m.group("unit") \
                and self.units.kind(unit) != "percent":
            unit = "%"                                      # an average growth rate of a level indicator
        # 力争 may open the cell before its verb (力争提高到15) or come with the number (力争保持25左右)
        pre, post = (m.groupdict().get("aim") or "") + (m.group("pre") or ""), m.group("post") or ""
        qualifiers = []
        if "力争" in pre:
            qualifiers.append("力争")
        for q in (pre, post):
            if q in self.qualifier_words and q not in qualifiers:
                qualifiers.append(q)
        bound = self.bound(low, high, pre.replace("力争", "").replace("保持", ""), post, "")
        if m.group("bracket"):                              # 〔13.5〕: a cumulative change over the plan
            col_change = "cumulative"
        change = col_change or self._change((indicator or "") + (m.group("verb") or ""), unit)
        year = col_year if col_year is not None else (ctx.plan[1] if ctx.plan else ctx.horizon)
        value_base, unit_base = self.units.to_base(low, unit)
        section = ctx.section_at(start)
        return TargetRow(
            doc_id=doc.doc_id, target_id=f"{doc.doc_id}-T{start}-{start + len(value)}",
            section_id=section.section_id if section else None, sentence=ctx.sentence_text(start),
            char_start=start, char_end=start + len(value), indicator=indicator, value_text=value,
            value_low=low, value_high=high, unit=unit, value_base=value_base, unit_base=unit_base,
            bound=bound, aspirational="力争" in pre, change=change, target_year=year,
            baseline_year=int(m.group("base_year")) if m.group("base_year") else None, binding=binding,
            indicator_code=None, rule_id="table.cell", qualifiers=tuple(qualifiers))


# ---------------------------------------------------------------------- helpers


def _is_chinese(number_text: str) -> bool:
    return bool(number_text) and all(ch in _CN_DIGITS for ch in number_text)


def _has_magnitude(unit: str) -> bool:
    return unit[:1] in ("万", "亿")


def _opens_clause(text: str, offset: int) -> bool:
    """Nothing but spaces and quotes between the previous clause boundary and ``offset``."""
    return not text[_clause_start(text, 0, offset):offset].strip(_QUOTES)


def _clause_start(text: str, floor: int, offset: int) -> int:
    i = offset
    floor = max(floor, offset - _MAX_CLAUSE)
    while i > floor and text[i - 1] not in _CLAUSE_END:
        i -= 1
    return i


def _clause_end(text: str, offset: int, ceiling: int) -> int:
    i = offset
    ceiling = min(ceiling, offset + _MAX_CLAUSE)
    while i < ceiling and text[i] not in _CLAUSE_END:
        i += 1
    return i




def _cells(line: str, line_start: int) -> tuple[list[str], list[int]]:
    cells, starts = [], []
    pos = line_start
    for cell in line.split("\t"):
        cells.append(cell)
        starts.append(pos)
        pos += len(cell) + 1
    return cells, starts


def _is_label(cell: str) -> bool:
    cell = cell.strip()
    return len(cell) >= 4 and not any(ch.isdigit() for ch in cell[:2])


_NAME_UNIT = regex.compile(r"[（(]([^）)]{1,12})[）)]\s*$")


def _unit_in_name(name: str) -> str:
    m = _NAME_UNIT.search(name)
    return m.group(1) if m else ""


_NEXT_VALUE = regex.compile(r"(?:、|和|及|与|，|,)(?=\s*(?:[\d一二两三四五六七八九十]|超过|约|近))")
_TOPIC = regex.compile(r"\s*([^，,。；;：:]{2,12})[。：:]")


_ITEM_BREAK = regex.compile(r"(?:\d|[%％‰]|左右|以上|以下|以内|[个家项人元亩吨座条所台套辆件])\s*、")
# a number written as a value, not inside a name (5G, G60, “6+X”)
_VALUE_NUM = r"(?<![A-Za-z+＋\d.])\d[\d.,]*(?![\d.,]*[A-Za-z+＋])"
_AFTER_VALUE = regex.compile(_VALUE_NUM + r"\s*[^\d、和及与，,]{0,4}?\s*(?:、|和|及|与)")
_ENDS_WITH_VALUE = regex.compile(_VALUE_NUM + r"\s*[万亿千百]*\s*(?:美元|元|%|％|个|家|项|人次|人|吨|亩|座|件|台|辆|条|所|处|套|次|倍|公里|"
                                 r"平方米|平方公里|千瓦|斤|名|户)?\s*(?:左右|以上|以下|以内)?\s*$")
_FIRST_VALUE = regex.compile(r"(?:超过|突破|不低于|不少于|约)?" + _VALUE_NUM + r"|百分之")
_LIST_SEP = regex.compile(r"、|和|及|与")
_UNIT_NOTE = regex.compile(r"^\s*[（(][^）)\s]{1,3}[）)]")


def _item_prefix(phrases: _Phrases, prefix: str) -> str:
    """The part of a clause prefix that belongs to the value's own item in a list (…城镇新增就业47万人左右、城镇调查失业率):
    an earlier item's words (新增) are not this value's, except words that open the clause and govern the list
    (累计培育A 200家、B 500个). A bare value after 、 (分别下降8%、10%) shares the whole prefix."""
    breaks = list(_ITEM_BREAK.finditer(prefix))
    if not breaks:
        return prefix
    own = prefix[breaks[-1].end():]
    if not own.strip(_QUOTES):
        return prefix
    head = phrases.lead.match(prefix)
    return (prefix[:head.end()] if head else "") + own


# compiled once: these run for every value
_COMMA = regex.compile(r"[，,]")
_CLAUSE_BREAK = regex.compile(r"[，,；;。]")
_DIGIT = regex.compile(r"\d")
_QUOTE_MARKS = regex.compile(r'[“”"]')


def _respective(phrases: _Phrases, prefix: str, after: str) -> str | None:
    """A、B、C分别下降8%、8%、10%: the k-th value measures the k-th item."""
    m = None
    for m in phrases.respective.finditer(prefix):
        pass
    if m is None:
        return None
    subject = phrases.baseline.sub("", prefix[:m.start()])
    subject = phrases.lead.sub("", _COMMA.split(subject)[-1]).strip(_QUOTES + "，,、")
    items = [x.strip(_QUOTES) for x in _LIST_SEP.split(subject) if x.strip(_QUOTES)]
    before = [x for x in _LIST_SEP.split(prefix[m.end():]) if x.strip()]
    rest = _CLAUSE_BREAK.split(after, 1)[0]
    later = [x for x in _LIST_SEP.split(rest) if _DIGIT.search(x)]
    k, n = len(before), len(before) + 1 + len(later)
    if len(items) != n or n < 2:
        return None
    return _balance_quotes(items[k])


def _balance_quotes(text: str) -> str:
    if text.count("“") != text.count("”") or text.count('"') % 2:
        text = _QUOTE_MARKS.sub("", text)
    return text


def _indicator(phrases: _Phrases, prefix: str, after: str, kind: str | None) -> str | None:
    """Short phrase for what is measured: the thing counted after a count, else the subject before the verb."""
    after = _UNIT_NOTE.sub("", after)                     # 100万台（套）
    prefix = phrases.label.sub("", prefix)                      # 一、对地区生产总值增长…
    if kind == "count" and not after.startswith(("、", "，", ",", "；", "。", "和", "及", "与")):
        phrase = _NEXT_VALUE.split(after, 1)[0]
        if "的" in phrase:
            phrase = phrase.rsplit("的", 1)[1]
        phrase = _balance_quotes(phrase.strip(" \t、"))
        if len(phrase.strip(_QUOTES)) >= 2:
            return phrase
    if kind != "count":
        # 新建5条主干道路、2台热水锅炉、12公里热力主管网 / 完成50万平方米老旧小区改造: a verb whose object the value
        # measures, or the next item of such a list; the object is the noun after the value
        head = prefix.rstrip()
        item = head[:-1].rsplit("、", 1)[-1] if head.endswith("、") else ""
        if phrases.object_verb.search(head) or (item and _FIRST_VALUE.search(item)):
            m = phrases.object_noun.match(after)
            if m:
                return _balance_quotes(m.group("noun"))
    subject = phrases.baseline.sub("", prefix.strip())
    subject = phrases.trail_verb.sub("", subject)
    subject = phrases.lead.sub("", subject).strip(_QUOTES + "，,、")
    subject = _COMMA.split(subject)[-1]
    if _FIRST_VALUE.search(subject):                       # 国家级平台5个、省级30个: the part after the last value
        breaks = list(_AFTER_VALUE.finditer(subject))
        tail = subject[breaks[-1].end():] if breaks else subject
        if tail.strip(_QUOTES) and not _FIRST_VALUE.search(tail):
            subject = tail                                 # A 300家和B → B
        elif not _ENDS_WITH_VALUE.search(tail):
            subject = tail                                 # 年营业收入超10亿元企业: a threshold inside the noun
        else:
            # 专项债券4.4万亿元、比上年增加5000亿元: a second value of the same item, whose subject comes first
            head = _FIRST_VALUE.split(subject, 1)[0]
            subject = phrases.lead.sub("", phrases.trail_verb.sub("", head)).strip(_QUOTES + "，,、")
    if not subject and kind != "count":
        subject = _NEXT_VALUE.split(after, 1)[0].strip(" \t、")
        if "的" in subject:
            subject = subject.rsplit("的", 1)[1]
    subject = _balance_quotes(subject)
    described = _SIZE_OF.match(after)
    if described and phrases.bare_size.fullmatch(subject):
        # 设立规模100亿元的产业基金: the size of the thing named after 的, not 设立规模
        return described.group("noun") + "规模"
    return subject or None
