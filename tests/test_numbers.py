"""Numbers, ranges and units (pipeline/extract/numbers.py, rules/units.toml)."""
from pathlib import Path

import pytest

from pipeline.extract.numbers import UnitTable, parse_number, parse_range
from pipeline.rulebook import default_book

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
UNITS = UnitTable.from_rulebook(default_book())


@pytest.mark.parametrize("text, value", [
    ("42", 42.0), ("4.8", 4.8), ("1,200.5", 1200.5), ("１２", 12.0), ("１.５", 1.5),
    ("三十", 30.0), ("十", 10.0), ("十五", 15.0), ("两", 2.0), ("二十万", 200_000.0),
    ("一百零五", 105.0), ("三千五百万", 35_000_000.0), ("一亿两千万", 120_000_000.0),
    ("二〇二五", 2025.0), ("三点五", 3.5), ("千", 1000.0),
    ("1.5万", 15_000.0), ("3万亿", 3e12),
    ("百分之九", 9.0), ("百分之十五", 15.0),
    ("1/3", 0.3333), ("2/3", 0.6667), ("三分之二", 0.6667), ("四分之一", 0.25),
])
def test_parse_number(text, value):
    assert parse_number(text) == pytest.approx(value, abs=1e-9)


@pytest.mark.parametrize("text", ["", "一批", "若干", "5G", "abc", "1/0"])
def test_not_a_number(text):
    assert parse_number(text) is None


@pytest.mark.parametrize("text, low, high", [
    ("30-40", 30, 40), ("30—40", 30, 40), ("30~40", 30, 40), ("30～40", 30, 40),
    ("30至40", 30, 40), ("1—1.5", 1, 1.5), ("5——10", 5, 10), ("三至五", 3, 5), ("7", 7, 7),
])
def test_parse_range(text, low, high):
    assert parse_range(text) == (low, high)


@pytest.mark.parametrize("unit, kind, base, value_base", [
    ("亿元", "currency", "元", 1.5e8),
    ("万亿元", "currency", "元", 1.5e12),
    ("万元", "currency", "元", 1.5e4),
    ("万辆", "count", "辆", 1.5e4),
    ("家", "count", "家", 1.5),
    ("%", "percent", "%", 1.5),
    ("个百分点", "percent", "个百分点", 1.5),
    ("亿元/平方公里", "rate", "元/平方公里", 1.5e8),
    ("万元/人", "rate", "元/人", 1.5e4),
    ("件/亿元", "rate", "件/元", 1.5e-8),
    ("增加值万元/人", "rate", "元/人", 1.5e4),          # a descriptive prefix in a table's unit column
    ("万平米", "measure", "平方米", 1.5e4),
    ("万吨标煤", "measure", "吨标准煤", 1.5e4),
    ("平方公里", "measure", "平方公里", 1.5),
    ("个工作日", "measure", "个工作日", 1.5),
    ("GWh", "measure", "千瓦时", 1.5e6),               # energy and power: one base each, 千瓦时 and 千瓦
    ("TWh", "measure", "千瓦时", 1.5e9),
    ("kWh", "measure", "千瓦时", 1.5),
    ("万千瓦时", "measure", "千瓦时", 1.5e4),
    ("亿千瓦时", "measure", "千瓦时", 1.5e8),
    ("GW", "measure", "千瓦", 1.5e6),
    ("MW", "measure", "千瓦", 1.5e3),
    ("万千瓦", "measure", "千瓦", 1.5e4),
    ("兆瓦", "measure", "千瓦", 1.5e3),
    ("万吨标准煤", "measure", "吨标准煤", 1.5e4),
    ("万吨", "measure", "吨", 1.5e4),
    ("亿立方米", "measure", "立方米", 1.5e8),
    ("公里", "measure", "公里", 1.5),
    ("万平方米", "measure", "平方米", 1.5e4),
    ("亿方", "measure", "立方米", 1.5e8),               # 方 only after a magnitude
    ("亿度", "measure", "千瓦时", 1.5e8),
    ("千公顷", "measure", "公顷", 1.5e3),                # statistical bulletins' units
    ("亿吨公里", "measure", "吨公里", 1.5e8),
    ("万标准箱", "count", "标箱", 1.5e4),
    ("个千分点", "percent", "个千分点", 1.5),
    ("元/月", "rate", "元/月", 1.5),                    # a time word after "/" ([per] of units.toml)
    ("万吨/日", "rate", "吨/日", 1.5e4),
    ("", "none", "", 1.5),
])
def test_units_resolve_to_base(unit, kind, base, value_base):
    info = UNITS.resolve(unit)
    assert (info.kind, info.base) == (kind, base)
    value, unit_base = UNITS.to_base(1.5, unit)
    assert unit_base == base
    assert value == pytest.approx(value_base, rel=1e-12)


def test_scaled_values_are_clean():
    assert UNITS.to_base(1.2, "亿元") == (120_000_000.0, "元")
    assert UNITS.to_base(0.7, "万吨") == (7000.0, "吨")


def test_unknown_unit_has_no_base():
    assert UNITS.resolve("光年") is None
    assert UNITS.resolve("月") is None and UNITS.resolve("方") is None   # a time word or 方 alone is no unit
    assert UNITS.to_base(3, "光年") == (None, None)


def test_spec_units_are_marked_spec():
    for unit in ("纳米", "英寸", "℃"):
        assert UNITS.kind(unit) == "spec"


# ---------------------------------------------------------------- rules/units.toml and ${UNIT} of rules/targets.toml agree

def _unit_pattern_parts():
    import regex

    from pipeline.extract.rules import expand, load_common_defines, load_ruleset
    ruleset = load_ruleset(RULES_DIR / "targets.toml", load_common_defines(RULES_DIR))
    unit = regex.compile("(?:" + expand("${UNIT}", ruleset.defines, file="targets.toml", rule_id=None) + ")")
    base = ruleset.defines["UNIT_BASE"]
    parts, depth, current = [], 0, ""
    for ch in base:                      # split the alternation at top level
        if ch == "|" and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        current += ch
    parts.append(current)
    literals = []
    for part in parts:                   # drop lookaheads: 家(?!庭|居…) → 家
        out, depth = "", 0
        for i, ch in enumerate(part):
            if part.startswith("(?", i) and depth == 0:
                depth = 1
                continue
            if depth:
                depth += (ch == "(") - (ch == ")")
                continue
            out += ch
        literals.append(out.replace("\\", ""))   # 台\(套\) → 台(套)
    return unit, literals


def test_every_unit_in_the_table_is_recognised_by_the_value_pattern():
    unit, _ = _unit_pattern_parts()
    missing = [form for form in UNITS.units if not unit.fullmatch(form)]
    assert missing == []


def test_every_unit_the_value_pattern_recognises_has_a_base():
    _, literals = _unit_pattern_parts()
    assert len(literals) > 50
    unknown = [u for u in literals if UNITS.resolve(u) is None]
    assert unknown == []
