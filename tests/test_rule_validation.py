"""A rule file that lacks what an extractor reads fails at load, naming file, rule and reason.

Each test copies rules/ to a temporary folder, breaks one thing, and checks that loading raises
RuleError with the exact file, rule id and reason, and that `rules-check` on the copy exits 3 with
that message. Before these checks each broken copy passed rules-check and failed (or silently
misbehaved) only on documents.
"""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.__main__ import EXIT_RULES, main
from pipeline.extract.deadlines import DeadlineExtractor
from pipeline.extract.govbodies import UnitLexicon, load_aliases
from pipeline.extract.numbers import UnitTable
from pipeline.extract.orgs import Gazetteer, OrgRecognizer
from pipeline.extract.responsibilities import ResponsibilityExtractor
from pipeline.extract.rules import RuleError
from pipeline.extract.targets import TargetExtractor
from pipeline.rulebook import RuleBook

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"


def broken(tmp_path: Path, file: str, old: str, new: str, *, rule: str | None = None) -> Path:
    """A copy of rules/ with ``old`` replaced by ``new`` in ``file``: ``old`` must occur exactly once (in the
    [[rule]] whose id is ``rule``, when given)."""
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    path = rules / file
    text = path.read_text(encoding="utf-8")
    head, body = "", text
    if rule is not None:
        at = text.index(f'id = "{rule}"')
        end = text.find("[[rule]]", at)
        head, body, tail = text[:at], text[at:len(text) if end < 0 else end], text[len(text) if end < 0 else end:]
    else:
        tail = ""
    assert body.count(old) == 1, f"{old!r} occurs {body.count(old)} times in {file}"
    path.write_text(head + body.replace(old, new) + tail, encoding="utf-8")
    return rules


def assert_rule_error(exc: RuleError, rules: Path, file: str, rule_id: str | None, reason: str) -> None:
    assert Path(exc.file) == rules / file
    assert exc.rule_id == rule_id
    assert exc.reason == reason


def assert_rules_check_fails(rules: Path, capsys, exc: RuleError) -> None:
    assert main(["rules-check", "--rules", str(rules)]) == EXIT_RULES
    assert f"error: {exc}" in capsys.readouterr().err


# ---------------------------------------------------------------- rules-check loads what a run loads

def test_the_shipped_rules_pass(capsys):
    assert main(["rules-check"]) == 0
    assert "0 failing example(s)" in capsys.readouterr().out


def test_rules_check_reads_the_gazetteers(tmp_path, capsys):
    # a gazetteer is no rule file: rules-check used to skip it, and only `extract` failed on it
    rules = broken(tmp_path, "gazetteers/places.tsv", "松江\t松江\tplace\n", "松江\t松江\tplaces\n")
    assert main(["rules-check", "--rules", str(rules)]) == EXIT_RULES
    err = capsys.readouterr().err
    assert err.startswith(f"error: {rules / 'gazetteers/places.tsv'}, rule 'line ")
    assert "unknown type 'places'; allowed: ('enterprise', " in err


# ---------------------------------------------------------------- targets.toml

TARGET_CASES = [
    # a qualifier without q: every document became an internal_error row
    ('{ role = "qualifier", q = "新增" }', '{ role = "qualifier" }', "qualifier.new",
     "a 'qualifier' rule needs attrs.q"),
    # a q outside the qualifier words would never reach the qualifiers column
    ('{ role = "qualifier", q = "新增" }', '{ role = "qualifier", q = "新加" }', "qualifier.new",
     "attrs.q = '新加' is not one of ['左右', '以上', '以下', '不少于', '超过', '突破', '约', '力争', '争取', "
     "'达到', '累计', '新增', '年均', '不低于', '不超过', '以内']"),
    # a change value outside SCHEMA.md went straight into targets.change
    ('{ role = "change", change = "annual_avg" }', '{ role = "change", change = "annual-average" }',
     "change.annual_avg",
     "attrs.change = 'annual-average' is not one of ['level', 'increase', 'decrease', 'new', 'cumulative', "
     "'annual_avg', 'share']"),
    # a misspelt role was silently ignored (the rule never ran)
    ('{ role = "qualifier", q = "新增" }', '{ role = "qualifer", q = "新增" }', "qualifier.new",
     "attrs.role = 'qualifer' is not one of ['aspiration', 'baseline_prefix', 'baseline_previous', "
     "'baseline_year', 'binding', 'change', 'comparison_from', 'comparison_to', 'definition', 'descriptor_after', "
     "'existing_set', 'existing_whole', 'expected_goals', 'forecast', 'goal_word', 'household_size', "
     "'incentive_after', 'incentive_cap', 'incentive_cue', 'mask', 'measure_after', 'measure_verb', 'own_rate', 'paid_out', 'past_cue', 'past_scope', "
     "'procedural', 'qualifier', 'raise_to', 'share_lead', 'structure_after', "
     "'table_binding', 'table_cell', 'table_change', 'table_name', 'table_target', 'table_unit', "
     "'threshold_after', 'value']"),
    # a misspelt attribute is not read: strength would silently fall back to a strong cue
    ('{ role = "past_cue", strength = "weak" }', '{ role = "past_cue", strenght = "weak" }', "cue.past_weak",
     "unknown attrs ['strenght'] for a 'past_cue' rule; allowed: ['role', 'strength']"),
    ('{ role = "past_cue", strength = "weak" }', '{ role = "past_cue", strength = "soft" }', "cue.past_weak",
     "attrs.strength = 'soft' is not one of ['strong', 'weak', 'comparison']"),
]


@pytest.mark.parametrize("old,new,rule_id,reason", TARGET_CASES)
def test_targets_attrs_are_validated(tmp_path, capsys, old, new, rule_id, reason):
    rules = broken(tmp_path, "targets.toml", old, new)
    with pytest.raises(RuleError) as exc:
        TargetExtractor.from_rulebook(RuleBook.from_dir(rules))
    assert_rule_error(exc.value, rules, "targets.toml", rule_id, reason)
    assert_rules_check_fails(rules, capsys, exc.value)


def test_targets_named_groups_are_validated(tmp_path, capsys):
    # table cells are read with m.group("verb"); renamed (no example names it), every document with an
    # indicator table became an internal_error row
    rules = broken(tmp_path, "targets.toml", "(?P<verb>", "(?P<action>")
    with pytest.raises(RuleError) as exc:
        TargetExtractor.from_rulebook(RuleBook.from_dir(rules))
    assert_rule_error(exc.value, rules, "targets.toml", "table.cell",
                      "a 'table_cell' rule needs the named group(s) ['verb'] in its pattern")
    assert_rules_check_fails(rules, capsys, exc.value)


def test_target_role_is_required(tmp_path):
    rules = broken(tmp_path, "targets.toml", 'attrs = { role = "binding" }', "")
    with pytest.raises(RuleError) as exc:
        TargetExtractor.from_rulebook(RuleBook.from_dir(rules))
    assert exc.value.rule_id == "binding.kind"
    assert exc.value.reason.startswith("needs attrs.role, one of ['aspiration', ")



def test_a_value_rule_without_unit_needs_low(tmp_path):
    # a fraction rule reads num/den only when it names its unit; without attrs.unit it reads g["low"]
    rules = broken(tmp_path, "targets.toml", 'attrs = { role = "value", unit = "" }\nexamples = [{ text = "按照',
                   'attrs = { role = "value" }\nexamples = [{ text = "按照')
    with pytest.raises(RuleError) as exc:
        TargetExtractor.from_rulebook(RuleBook.from_dir(rules))
    assert_rule_error(exc.value, rules, "targets.toml", "target.fraction",
                      "a 'value' rule without attrs.unit needs the named group 'low' in its pattern")


# ---------------------------------------------------------------- deadlines.toml

DEADLINE_CASES = [
    # a kind outside the row kinds and context kinds: the rule silently matched nothing
    (None, '{ kind = "recurring" }', '{ kind = "regular" }', "deadline.recurring",
     "attrs.kind = 'regular' is not one of ['by', 'past', 'period', 'recurring', 'relative', 'year']"),
    # doc_year is added to it: a string raised TypeError on every dated document
    (None, '{ kind = "relative", doc_year_offset = 1 }', '{ kind = "relative", doc_year_offset = "1" }',
     "deadline.next_year", "attrs.doc_year_offset must be an integer, got '1'"),
    # a period rule relabelled 'by' has no 'year' group to resolve: it would never give a row
    ("deadline.period_bracketed", '{ kind = "period" }', '{ kind = "by" }', "deadline.period_bracketed",
     "a 'by' rule needs the named group 'year' in its pattern "
     "(or 'fyp' with attrs.plan_end, or attrs.doc_year_offset / year_or_doc_year)"),
    ("deadline.year_end", '{ kind = "by" }', '{ kind = "period" }', "deadline.year_end",
     "a 'period' rule needs the named group(s) ['fyp'] or ['y1', 'y2'] in its pattern (or attrs.doc_year_offset)"),
    # an attribute of another kind is not read by this one
    (None, '{ kind = "by", as_of = true }', '{ kind = "by", as_off = true }', "deadline.as_of",
     "unknown attrs ['as_off'] for a 'by' rule; allowed: ['as_of', 'doc_year_offset', 'kind', 'plan_end', "
     "'year_or_doc_year']"),
    (None, '{ role = "title_year" }', '{ role = "title" }', "context.title_year",
     "attrs.role = 'title' is not one of ['background_heading', 'bulletin_title', 'goal_heading', 'notes_heading', 'one_year_title', 'own_name_year', 'report_title', 'title_year']"),
]


@pytest.mark.parametrize("rule,old,new,rule_id,reason", DEADLINE_CASES)
def test_deadlines_attrs_are_validated(tmp_path, capsys, rule, old, new, rule_id, reason):
    rules = broken(tmp_path, "deadlines.toml", old, new, rule=rule)
    with pytest.raises(RuleError) as exc:
        DeadlineExtractor.from_rulebook(RuleBook.from_dir(rules))
    assert_rule_error(exc.value, rules, "deadlines.toml", rule_id, reason)
    assert_rules_check_fails(rules, capsys, exc.value)


# ---------------------------------------------------------------- responsibilities.toml, entities.toml, unit_types.toml

ROLES = "['lead', 'co', 'participant', 'responsible']"
KIND_CASES = [
    # a join role is written to responsibilities.role: 'leader' is not a contract value
    (ResponsibilityExtractor, "responsibilities.toml", None, 'left_role = "lead"', 'left_role = "leader"',
     "resp.join.huitong", f"attrs.left_role = 'leader' is not one of {ROLES}"),
    # the role note is cut at m.start("note"): renamed (no example names it), IndexError on every noted unit
    (ResponsibilityExtractor, "responsibilities.toml", "resp.note.lead", "(?P<note>", "(?P<remark>",
     "resp.note.lead", "a 'note' rule needs the named group(s) ['note'] in its pattern"),
    (ResponsibilityExtractor, "responsibilities.toml", None, '{ kind = "verb", role = "participant" }',
     '{ kind = "verb", role = "participant", first_is_lead = "no" }', "resp.verb.participant",
     "attrs.first_is_lead must be true or false, got 'no'"),
    # a misspelt kind was filed under its own name and never read
    (ResponsibilityExtractor, "responsibilities.toml", None, '{ kind = "verb", role = "participant" }',
     '{ kind = "verbs", role = "participant" }', "resp.verb.participant",
     "attrs.kind = 'verbs' is not one of ['body_end', 'conjunction', 'declare_first', 'declare_scope', 'glued', 'join', "
     "'label', 'label_boundary', 'local_issuer', 'named_lead', 'national_issuer', 'not_unit', 'not_verb', 'note', "
     "'prefilter', 'protected', 'strip_head', 'strip_tail', 'table_task', 'unbracketed', 'verb', 'verb_unknown']"),
    (OrgRecognizer, "entities.toml", None, '{ kind = "type", type = "park" }', '{ kind = "type", type = "zone" }',
     "ent.type.park", "attrs.type = 'zone' is not one of ['enterprise', 'research', 'university', 'platform', "
     "'park', 'government', 'other']"),
    # before, a misspelt kind gave "needs at least one rule of kind 'morphology'", naming no rule
    (OrgRecognizer, "entities.toml", "ent.morph.suffix", '{ kind = "morphology" }', '{ kind = "morphologie" }',
     "ent.morph.suffix", "attrs.kind = 'morphologie' is not one of ['candidate', 'conjunction', "
     "'context_char', 'counted_tail', 'enumeration', 'facility_head', 'generic_brand', 'head_evidence', 'hyphen_pair', 'item_lead', "
     "'legal_form', 'legal_suffix', 'morphology', 'name_bracket', 'name_close', 'name_left', 'name_tail', "
     "'not_name', 'owner_boundary', 'owner_count', 'owner_stop', 'owner_zone', 'partner', 'place_form', 'place_like', "
     "'platform', 'preposition', 'project_head', 'project_list', 'project_not_owner', 'project_part', "
     "'project_property', 'public_works', 'role', 'short_declared', 'short_ending', 'strong_suffix', 'type']"),
    (OrgRecognizer, "entities.toml", "ent.hyphen_pair", "(?P<b>", "(?P<second>", "ent.hyphen_pair",
     "a 'hyphen_pair' rule needs the named group(s) ['b'] in its pattern"),
    # a type rule whose 'type' is misspelt was skipped: district bodies became 'other'
    (UnitLexicon, "unit_types.toml", None, '{ type = "district_bureau" }', '{ typ = "district_bureau" }',
     "unit.district_bureau", "a rule without attrs.kind needs attrs.type"),
    (UnitLexicon, "unit_types.toml", None, '{ type = "district_bureau" }', '{ type = "bureau" }',
     "unit.district_bureau", "attrs.type = 'bureau' is not one of ['ministry', 'municipal_bureau', "
     "'district_bureau', 'town_street', 'park', 'enterprise', 'university', 'collective', 'other']"),
    (UnitLexicon, "unit_types.toml", None, '{ kind = "org_like" }', '{ kind = "org" }', "unit.org_like",
     "attrs.kind = 'org' is not one of ['org_like'] (or no attrs.kind)"),
]


@pytest.mark.parametrize("loader,file,rule,old,new,rule_id,reason", KIND_CASES,
                         ids=[f"{c[1]}:{c[5]}:{c[4]}" for c in KIND_CASES])
def test_kind_attrs_and_groups_are_validated(tmp_path, capsys, loader, file, rule, old, new, rule_id, reason):
    rules = broken(tmp_path, file, old, new, rule=rule)
    with pytest.raises(RuleError) as exc:
        loader.from_rulebook(RuleBook.from_dir(rules))
    assert_rule_error(exc.value, rules, file, rule_id, reason)
    assert_rules_check_fails(rules, capsys, exc.value)


# ---------------------------------------------------------------- units.toml, gazetteers, unit_aliases.tsv

UNIT_KINDS = "['count', 'percent', 'currency', 'measure', 'spec']"
UNITS_CASES = [
    # these raised a plain ValueError (or a traceback) naming no entry, and rules-check passed the file
    ('"辆" = { kind = "count" }', '"辆" = { base = "辆" }', "units.辆", f"needs 'kind', one of {UNIT_KINDS}"),
    ('"元" = { kind = "currency" }', '"元" = { kind = "money" }', "units.元",
     f"kind = 'money' is not one of {UNIT_KINDS}"),
    ('"吉瓦" = { kind = "measure", base = "千瓦", factor = 1e6 }',
     '"吉瓦" = { kind = "measure", base = "千瓦", factor = "1e6" }', "units.吉瓦",
     "factor must be a positive number, got '1e6'"),
    ('"兆瓦" = { kind = "measure", base = "千瓦", factor = 1e3 }',
     '"兆瓦" = { kind = "measure", base = "千瓦", facter = 1e3 }', "units.兆瓦",
     "unknown keys ['facter']; allowed: ['kind', 'base', 'factor', 'not_before']"),
    ('"亿" = 1e8', '"亿" = "1e8"', "magnitudes.亿", "the magnitude must be a positive number, got '1e8'"),
    ('"亿" = 1e8', '"亿" = 0', "magnitudes.亿", "the magnitude must be a positive number, got 0"),
]


@pytest.mark.parametrize("old,new,entry,reason", UNITS_CASES)
def test_units_toml_defects_name_the_entry(tmp_path, capsys, old, new, entry, reason):
    rules = broken(tmp_path, "units.toml", old, new)
    with pytest.raises(RuleError) as exc:
        UnitTable.from_rulebook(RuleBook.from_dir(rules))
    assert_rule_error(exc.value, rules, "units.toml", entry, reason)
    assert_rules_check_fails(rules, capsys, exc.value)


def test_units_toml_invalid_toml(tmp_path, capsys):
    rules = broken(tmp_path, "units.toml", '"亿" = 1e8', '"亿" = ')
    with pytest.raises(RuleError) as exc:
        UnitTable.from_rulebook(RuleBook.from_dir(rules))
    assert exc.value.rule_id is None
    assert exc.value.reason.startswith("invalid TOML: ")
    assert_rules_check_fails(rules, capsys, exc.value)


TSV_CASES = [
    # a stray tab instead of '|' between aliases: the extra names were dropped silently
    ("gazetteers/enterprises.tsv", "华为\t华为\tenterprise\t", "华为\t华为\tenterprise\t华为技术\t", "line 144",
     "5 columns; at most 4: name, canonical, type, aliases (aliases separated by '|')"),
    ("unit_aliases.tsv", "发改委\t发展改革委\tlocal\tabbr\n", "发改委\t发展改革委\tlocal\tabbr\tnote\textra\n",
     "line 24", "6 columns; at most 5: alias, canonical, scope, kind, note"),
    ("unit_aliases.tsv", "发改委\t发展改革委\tlocal\tabbr\n", "发改委\t发展改革委\tcity\tabbr\n", "line 24",
     "unknown scope 'city'; allowed: ('local', 'national', 'bare', 'any')"),
]


@pytest.mark.parametrize("file,old,new,where,reason", TSV_CASES)
def test_tsv_defects_name_file_and_line(tmp_path, capsys, file, old, new, where, reason):
    rules = broken(tmp_path, file, old, new)
    with pytest.raises(RuleError) as exc:
        if file == "unit_aliases.tsv":
            load_aliases(rules / file)
        else:
            Gazetteer.load(rules / "gazetteers")
    assert_rule_error(exc.value, rules, file, where, reason)
    assert_rules_check_fails(rules, capsys, exc.value)


def test_undecodable_tsv_is_a_rule_error(tmp_path, capsys):
    # GBK bytes in a UTF-8 table raised UnicodeDecodeError (a traceback, exit 1)
    rules = broken(tmp_path, "gazetteers/places.tsv", "松江\t松江\tplace\n", "松江\t松江\tplace\n")
    path = rules / "gazetteers" / "places.tsv"
    path.write_bytes(path.read_bytes() + "嘉定\t嘉定\tplace\n".encode("gbk"))
    with pytest.raises(RuleError) as exc:
        Gazetteer.load(rules / "gazetteers")
    assert Path(exc.value.file) == path and exc.value.rule_id is None
    assert exc.value.reason.startswith("not UTF-8: ")
    assert_rules_check_fails(rules, capsys, exc.value)


def test_cli_exits_3_on_a_broken_copy(tmp_path):
    # the real command line, once: exit status 3 and the message on stderr
    rules = broken(tmp_path, "units.toml", '"辆" = { kind = "count" }', '"辆" = { base = "辆" }')
    done = subprocess.run([sys.executable, "-m", "pipeline", "rules-check", "--rules", str(rules)],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 3
    assert done.stderr == f"error: {rules / 'units.toml'}, rule 'units.辆': needs 'kind', one of {UNIT_KINDS}\n"


def test_extract_stops_before_touching_the_output(tmp_path, capsys):
    # a qualifier without q used to make every document an internal_error row (exit 0) and replace the
    # previous tables with empty ones; now the run stops at load with exit 3 and leaves them alone
    rules = broken(tmp_path, "targets.toml", '{ role = "qualifier", q = "新增" }', '{ role = "qualifier" }')
    out = tmp_path / "out"
    out.mkdir()
    (out / "targets.parquet").write_bytes(b"previous run")
    code = main(["extract", "--input", str(ROOT / "raw"), "--output", str(out), "--rules", str(rules),
                 "--no-publish"])
    assert code == EXIT_RULES
    assert capsys.readouterr().err == (f"error: bad rule file: {rules / 'targets.toml'}, rule 'qualifier.new': "
                                       "a 'qualifier' rule needs attrs.q\n")
    assert sorted(p.name for p in out.iterdir()) == ["targets.parquet"]
    assert (out / "targets.parquet").read_bytes() == b"previous run"
