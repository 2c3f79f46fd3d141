"""The one Chinese-numeral parser every stage uses."""
import pytest

from pipeline.text.numerals import cn_integer


@pytest.mark.parametrize("text, value", [
    ("一", 1), ("十", 10), ("十一", 11), ("二十三", 23), ("一百零五", 105), ("三千五百万", 35_000_000),
    ("二〇二五", 2025), ("二○二三", 2023), ("两万", 20_000), ("一亿二千万", 120_000_000), ("12", 12)])
def test_numerals(text, value):
    assert cn_integer(text) == value


@pytest.mark.parametrize("text", ["", "一批", "若干", "十四五规划", "1.5", "１２"])
def test_not_numerals(text):
    assert cn_integer(text) is None
