"""Numbers, dates, times, percentages, currencies and phone numbers in text, and how to say them.

Why: "110" is 一百一十 as a quantity and 幺幺零 as a phone number; the author picks, per occurrence, and the
choice becomes a ``say-as`` reading. Alibaba takes ``<say-as interpret-as>``; engines without SSML get the
spoken Chinese text instead (``spoken``), which this module writes for the kinds it can.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["NumberMention", "find_numbers", "spoken"]

_PATTERNS: tuple[tuple[str, str], ...] = (
    ("date", r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?"),
    ("time", r"\d{1,2}:\d{2}(?::\d{2})?"),
    ("telephone", r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-\d{7,8})(?!\d)"),
    ("percentage", r"\d+(?:\.\d+)?%"),
    ("currency", r"[¥￥$€£]\d+(?:,\d{3})*(?:\.\d+)?|\d+(?:\.\d+)?元"),
    ("cardinal", r"\d+(?:,\d{3})*(?:\.\d+)?"),
)
_ANY = re.compile("|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _PATTERNS))
_DIGITS = "零一二三四五六七八九"


@dataclass(frozen=True)
class NumberMention:
    """A number-like run at ``start:end`` and the ``say-as`` kind it most likely is (percentages are
    ``cardinal`` for the vendor, which reads the % sign itself)."""

    start: int
    end: int
    text: str
    kind: str

    @property
    def interpret_as(self) -> str:
        return "cardinal" if self.kind == "percentage" else self.kind


def find_numbers(text: str) -> list[NumberMention]:
    return [NumberMention(m.start(), m.end(), m.group(0), m.lastgroup or "cardinal") for m in _ANY.finditer(text)]


def _integer(number: int) -> str:
    if number == 0:
        return "零"
    units = ["", "十", "百", "千"]
    groups = ["", "万", "亿"]
    out = ""
    group = 0
    while number:
        chunk, number = number % 10000, number // 10000
        part = ""
        zero = False
        for position in range(3, -1, -1):
            digit = chunk // (10 ** position) % 10
            if digit:
                part += ("零" if zero and part else "") + _DIGITS[digit] + units[position]
                zero = False
            elif part:
                zero = True
        if part:
            out = part + groups[group] + out
        group += 1
    return out[1:] if out.startswith("一十") else out


def _decimal(value: str) -> str:
    whole, _, fraction = value.replace(",", "").partition(".")
    spoken_whole = _integer(int(whole or "0"))
    return spoken_whole + ("点" + "".join(_DIGITS[int(d)] for d in fraction) if fraction else "")


def spoken(text: str, kind: str) -> str | None:
    """Chinese words for ``text`` read as ``kind`` (a say-as kind), or None if this module cannot say it."""
    digits = re.sub(r"\D", "", text)
    if kind == "digits" and digits:
        return "".join(_DIGITS[int(d)] for d in digits)
    if kind == "telephone" and digits:
        return "".join("幺" if d == "1" else _DIGITS[int(d)] for d in digits)
    if kind == "cardinal" and re.fullmatch(r"\d+(?:,\d{3})*(?:\.\d+)?%?", text):
        if text.endswith("%"):
            return "百分之" + _decimal(text[:-1])
        return _decimal(text)
    if kind == "date":
        parts = re.findall(r"\d+", text)
        if len(parts) == 3:
            year = "".join(_DIGITS[int(d)] for d in parts[0])
            return f"{year}年{_integer(int(parts[1]))}月{_integer(int(parts[2]))}日"
    if kind == "time":
        parts = [int(p) for p in re.findall(r"\d+", text)]
        if len(parts) >= 2:
            minute = "整" if parts[1] == 0 else ("零" if parts[1] < 10 else "") + _integer(parts[1]) + "分"
            return f"{_integer(parts[0])}点{minute}"
    if kind == "currency":
        amount = re.search(r"\d+(?:,\d{3})*(?:\.\d+)?", text)
        if amount:
            unit = {"$": "美元", "€": "欧元", "£": "英镑"}.get(text[0], "元")
            return _decimal(amount.group(0)) + unit
    return None
