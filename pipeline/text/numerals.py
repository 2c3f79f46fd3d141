"""Chinese numerals to integers, shared by every stage that reads them.

One parser for 文号 years and dates (二〇二三年十月十日), outline labels (十一、,
第二十三条) and target values (三千五百万): positional (十/百/千 within a
section of 万/亿) or digit by digit (二〇二五).
"""
from __future__ import annotations

from types import MappingProxyType

# 〇 is often typed as ○ (white circle) in signature dates: 二○二三年
CN_DIGITS = MappingProxyType({"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4,
                              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9})
CN_SMALL_UNITS = MappingProxyType({"十": 10, "百": 100, "千": 1000})
CN_BIG_UNITS = MappingProxyType({"万": 10_000, "亿": 100_000_000})
CN_NUMERAL_CHARS = "".join(CN_DIGITS) + "".join(CN_SMALL_UNITS) + "".join(CN_BIG_UNITS)


def cn_integer(text: str) -> int | None:
    """``三千五百万`` → 35000000; ``二〇二五`` → 2025; ``十一`` → 11; Arabic digits as such; None otherwise."""
    if text.isascii() and text.isdigit():
        return int(text)
    if not text or any(ch not in CN_NUMERAL_CHARS for ch in text):
        return None
    if not any(ch in CN_SMALL_UNITS or ch in CN_BIG_UNITS for ch in text):
        value = 0
        for ch in text:                       # 二〇二五, 一二
            value = value * 10 + CN_DIGITS[ch]
        return value
    total = section = digit = 0
    seen_digit = False
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
            seen_digit = True
        elif ch in CN_SMALL_UNITS:
            section += (digit if seen_digit else 1) * CN_SMALL_UNITS[ch]   # 十五: 十 alone means 10
            digit, seen_digit = 0, False
        else:                                  # 万, 亿
            section += digit
            if ch == "亿":
                total = (total + section) * CN_BIG_UNITS[ch]
            else:
                total += section * CN_BIG_UNITS[ch]
            section = digit = 0
            seen_digit = False
    return total + section + digit
