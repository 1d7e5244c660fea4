"""Recognise chapter headings in plain text (TXT, and Markdown/DOCX that have no heading markup).

A line is a heading only if it *starts* with a heading token and the rest of the line looks like a title,
not a sentence. The rules, from surest to most guarded (docs/decisions/0002-import-heuristics.md has the
reasoning):

* ``第X章`` (also 回 节 節 卷 部 篇 集 话 話 幕; X in Chinese, financial, Arabic or full-width digits):
  - alone on the line, or followed by a separator (space, ``：``, ``、``, ``·``, dash, opening bracket) and
    a title of at most 30 characters with no sentence-ending punctuation inside -> heading ("strong");
  - followed by a separator and a *long* line or a line with a full stop inside -> the heading ran into the
    first sentence ("glued"): the title is split off at a leading keyword ("第一章 序我要..."), or at the
    first 。！？ if that comes within 20 characters with no comma before it ("第一章 初到仙台。那时候..."),
    otherwise only the token is the title; the rest of the line becomes the first paragraph. Nothing is
    dropped: the title keeps its separator and punctuation;
  - followed directly by text (no separator): a heading only if the rest is at most 20 characters, has no
    punctuation, does not start with a word that continues a sentence ("第一章已经写完了") and the chapter
    number continues or is continued by a neighbouring heading of the same kind ("weak": sequence check).
* 序/序言/序章/前言/楔子/引子/尾声/后记/番外(一)/终章...: only alone on the line or with a short title after
  a separator - never glued ("序幕拉开了" is a sentence).
* English: ``Chapter 12`` / ``CHAPTER XII`` / ``Chapter Twelve`` / ``Part One`` / ``Book 2`` alone or with a
  separator and title, or a space and a capitalised title of at most 60 characters that does not end like
  a sentence ("Chapter 3 was the best part..." is prose); ``Prologue``/``Epilogue``/``Preface``... alone or
  with a short title.
* Lines like "第一章完" / "（本章完）" are end-of-chapter marks, not headings.

Everything is precompiled and most lines are rejected by a one-character set lookup, so a 2-million
character novel costs a few milliseconds here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

_CN_NUMERALS = "零〇一二三四五六七八九十百千万萬两兩壹贰貳叁參肆伍陆陸柒捌玖拾佰仟"
CN_HEAD_RE = _CN_HEAD_RE = re.compile(
    rf"第[ \t\u3000]*(?P<num>[0-9０-９]+|[{_CN_NUMERALS}]+)[ \t\u3000]*(?P<unit>[章回节節卷部篇集话話幕])"
)
_CN_KEYWORDS = (
    "序章|序言|序幕|序|前言|楔子|引子|引言|尾声|尾聲|后记|後記|番外篇|番外|终章|終章|终篇|終篇|完本感言|后序|跋"
)
_CN_KEYWORD_RE = re.compile(rf"(?:{_CN_KEYWORDS})[0-9０-９一二三四五六七八九十百零〇]*")
_EN_NUMWORD = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|"
    r"seven|eight|nine))?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|hundred|first|second|third|fourth|fifth|sixth|seventh|"
    r"eighth|ninth|tenth|last|final)"
)
_EN_HEAD_RE = re.compile(
    rf"(?P<unit>chapter|chap\.|part|book|volume|vol\.|letter)[ \t]+(?P<num>\d+|[ivxlcdm]+|{_EN_NUMWORD})\b", re.I
)
_EN_KEYWORD_RE = re.compile(
    r"(?:prologue|epilogue|preface|foreword|introduction|afterword|interlude|coda)\b", re.I
)
_ROMAN_RE = re.compile(r"M{0,4}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")

#: Characters a heading line can start with; everything else is rejected without running a regex.
_FIRST_CHARS = frozenset("第序前楔引尾后後番终終完跋CcPpBbVvEeIiFfAaLl")
_SPACE = " \t\u3000"
_SEPARATORS = _SPACE + "：:、.．·・—－-_｜|"
_OPEN_BRACKETS = "（(【[「《〔〈『"
_ENDERS = "。！？!?"
_CLAUSE_MARKS = "，,、；;：:“”\"「」『』"
_CLOSERS = _ENDERS + "”」』\"'）)】]…"
_ANY_PUNCT = _ENDERS + _CLAUSE_MARKS + "…"
#: Words that continue a sentence rather than start a title ("第一章已经写完了", "第一回合").
_CONTINUES_SENTENCE = frozenset("已了的是就都也还又在把被给让跟和与说写讲看读完合团课得着过为有没")
_END_MARKS = frozenset(("完", "完结", "完結", "全文完", "本章完", "待续", "待續", "未完待续", "未完待續"))
_VOLUME_UNITS = frozenset(("卷", "部", "部分", "篇", "part", "book", "volume", "vol."))

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "两": 2, "兩": 2, "贰": 2, "貳": 2, "三": 3,
              "叁": 3, "參": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "陸": 6, "七": 7,
              "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}
_CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000, "万": 10000, "萬": 10000}
_EN_WORDS = {
    w: i
    for i, w in enumerate((
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    ))
}
_EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
            "ninety": 90}
_EN_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
                "eighth": 8, "ninth": 9, "tenth": 10, "hundred": 100}
_WS_RUN = re.compile(r"\s+")


@dataclass(slots=True)
class HeadingMatch:
    """A heading found at the start of a line: ``line[:cut]`` is the title, the rest is body text."""

    cut: int
    unit: str | None = None
    number: int | None = None
    weak: bool = False

    @property
    def is_volume(self) -> bool:
        return self.unit in _VOLUME_UNITS


def normalise_title(text: str) -> str:
    """A title on one line with single spaces (the characters themselves are kept)."""
    return _WS_RUN.sub(" ", text).strip()


def cn_numeral_to_int(text: str) -> int | None:
    """``"十二"`` -> 12, ``"一百零五"`` -> 105, ``"一〇一"`` -> 101, ``"１２"`` -> 12."""
    if text.isdigit():
        try:
            return int(text)
        except ValueError:
            return None
    if not any(ch in _CN_UNITS for ch in text):
        digits = [_CN_DIGITS.get(ch) for ch in text]
        if any(d is None for d in digits):
            return None
        return int("".join(str(d) for d in digits))
    total = current = num = 0
    for ch in text:
        if ch in _CN_DIGITS:
            num = _CN_DIGITS[ch]
        else:
            unit = _CN_UNITS[ch]
            if unit == 10000:
                total += (current + num) * unit
                current = 0
            else:
                current += (num or 1) * unit
            num = 0
    return total + current + num


def en_number(text: str) -> int | None:
    """``"12"`` / ``"XII"`` / ``"twelve"`` / ``"first"`` -> 12 ...; ``None`` if it is not a number."""
    low = text.lower().replace("-", " ")
    if low.isdigit():
        return int(low)
    if low in _EN_WORDS:
        return _EN_WORDS[low]
    if low in _EN_ORDINALS:
        return _EN_ORDINALS[low]
    parts = low.split()
    if parts and parts[0] in _EN_TENS:
        return _EN_TENS[parts[0]] + (_EN_WORDS.get(parts[1], 0) if len(parts) > 1 else 0)
    if _ROMAN_RE.fullmatch(text) and text.isupper():
        values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
        total = 0
        for a, b in zip(text, text[1:] + " ", strict=True):
            v = values[a]
            total += -v if b != " " and values[b] > v else v
        return total
    return None


def match_heading(line: str) -> HeadingMatch | None:
    """Return how ``line`` (already stripped) splits into a heading and body, or ``None`` if it is text."""
    if not line or line[0] not in _FIRST_CHARS:
        return None
    if line[0] == "第":
        return _match_chinese(line)
    kw = _CN_KEYWORD_RE.match(line)
    if kw is not None:
        return _match_keyword(line, kw.end(), max_title=20)
    m = _EN_HEAD_RE.match(line)
    if m is not None:
        return _match_english(line, m)
    kw = _EN_KEYWORD_RE.match(line)
    if kw is not None and line[0].isupper():  # "Prologue", "EPILOGUE"; a lower-case word is prose
        return _match_keyword(line, kw.end(), max_title=60, english=True)
    return None


def _is_end_mark(rest: str) -> bool:
    return rest.strip(_SPACE + "（）()【】[]。.！!") in _END_MARKS


def _inner_sentence_end(text: str) -> bool:
    """A 。！？ before the end of ``text`` (trailing punctuation and closing quotes do not count)."""
    trimmed = text.rstrip(_CLOSERS)
    return any(ch in _ENDERS for ch in trimmed)


def _is_sentence(text: str) -> bool:
    """A clause mark plus a final full stop: "是整本书最精彩的部分，我很喜欢。" is prose, not a title."""
    return text.rstrip("”」』\"'）)")[-1:] in _ENDERS + "…" and any(ch in "，,；;" for ch in text)


def _match_chinese(line: str) -> HeadingMatch | None:
    m = _CN_HEAD_RE.match(line)
    if m is None:
        return None
    unit = m.group("unit")
    end = m.end()
    if unit == "部" and line[end : end + 1] == "分":  # 第一部分
        unit, end = "部分", end + 1
    number = cn_numeral_to_int(m.group("num"))
    rest = line[end:]
    if not rest:
        return HeadingMatch(len(line), unit, number)
    if _is_end_mark(rest):
        return None
    if rest[0] in _SEPARATORS or rest[0] in _OPEN_BRACKETS:
        body = rest.lstrip(_SEPARATORS)
        start = len(line) - len(body)
        if not body:
            return HeadingMatch(len(line), unit, number)
        if len(body) <= 30 and not _inner_sentence_end(body) and not _is_sentence(body):
            return HeadingMatch(len(line), unit, number)
        return _split_glued(line, start, body, unit, number)
    # No separator: "第一章风起云涌" is a heading, "第一章已经写完了，他说。" is a sentence.
    if len(rest) > 20 or rest[0] in _CONTINUES_SENTENCE or any(ch in _ANY_PUNCT for ch in rest):
        return None
    return HeadingMatch(len(line), unit, number, weak=True)


def _split_glued(line: str, start: int, body: str, unit: str, number: int | None) -> HeadingMatch | None:
    """The heading ran into the first sentence: decide where the title ends."""
    kw = _CN_KEYWORD_RE.match(body)
    if kw is not None and kw.end() < len(body):
        return HeadingMatch(start + kw.end(), unit, number)
    for i, ch in enumerate(body[:21]):
        if ch in _CLAUSE_MARKS:
            break
        if ch in _ENDERS:
            j = i + 1
            while j < len(body) and body[j] in _CLOSERS:
                j += 1
            return HeadingMatch(start + j, unit, number)
    if body[0] in _CONTINUES_SENTENCE:
        return None
    # Only the token is the title; a sentence that merely starts with "第三章 " must be confirmed by the
    # chapter sequence, like a weak heading.
    return HeadingMatch(start, unit, number, weak=True)


def _match_keyword(line: str, end: int, *, max_title: int, english: bool = False) -> HeadingMatch | None:
    rest = line[end:]
    if not rest:
        return HeadingMatch(len(line), "keyword")
    if rest[0] not in _SEPARATORS and rest[0] not in _OPEN_BRACKETS:
        return None
    title = rest.lstrip(_SEPARATORS)
    if not title:
        return HeadingMatch(len(line), "keyword")
    if len(title) > max_title or _inner_sentence_end(title) or title.endswith(("。", ".", "，", ",")):
        return None
    if english and not (title[0].isupper() or title[0].isdigit() or title[0] in "\"'“‘(["):
        return None
    return HeadingMatch(len(line), "keyword")


def _match_english(line: str, m: re.Match[str]) -> HeadingMatch | None:
    num_text = m.group("num")
    number = en_number(num_text)
    if number is None:  # e.g. lower-case "chapter mix"
        return None
    unit = m.group("unit").lower()
    rest = line[m.end() :]
    stripped = rest.strip()
    if not stripped:
        return HeadingMatch(len(line), unit, number)
    if stripped[0] in ":.-–—" and rest[0] in " \t:.-–—":
        title = stripped[1:].strip()
        if len(title) <= 80:
            return HeadingMatch(len(line), unit, number)
        return None
    if rest[0] not in " \t":
        return None
    if not (stripped[0].isupper() or stripped[0].isdigit() or stripped[0] in "\"'“‘(["):
        return None  # "Chapter 3 was the best part of the book"
    if len(stripped) > 60 or stripped.endswith((".", ",", ";")) or re.search(r"[.!?,;]\s", stripped):
        return None
    return HeadingMatch(len(line), unit, number)


_LETTER_RE = re.compile(r"[\u3400-\u9fffA-Za-z]")


def split_glued_title(
    rest: str, counts: Mapping[str, int], openers: Mapping[str, int], *, max_title: int = 10
) -> int:
    """Where a title glued to its first sentence ends: ``" 生计问题阿Q礼毕之后，"`` -> 5 (after "问题").

    A boundary after character k is a candidate when the pair of characters *across* it occurs only here
    in the book (``counts``: "题阿" once) while the pair that would *start* the prose occurs at least three
    times ("阿Q"). Among candidates the one whose opening pair most often starts a sentence or clause wins
    (``openers``: "赵家" opens clauses, "之后" never does). Without a candidate, a title that ends in a word
    the book uses often ("革命") is cut there. Returns the offset in ``rest`` (leading separators
    included) or 0: then only the numbered token is the title and the whole line stays body text.
    """
    body = rest.lstrip(_SEPARATORS)
    lead = len(rest) - len(body)
    limit = min(max_title, len(body) - 2)
    best: tuple[int, int] | None = None
    fallback = 0
    for k in range(2, limit + 1):
        if any(ch in _ANY_PUNCT for ch in body[k - 1 : k + 1]):
            break
        if not (_LETTER_RE.match(body[k - 1]) and _LETTER_RE.match(body[k])):
            continue
        if counts.get(body[k - 1 : k + 1], 0) > 1:
            continue
        if counts.get(body[k : k + 2], 0) >= 3:
            score = openers.get(body[k : k + 2], 0)
            if best is None or score > best[0]:
                best = (score, k)
        elif not fallback and counts.get(body[k - 2 : k], 0) >= 3:
            fallback = k
    k = best[1] if best is not None else fallback
    return lead + k if k else 0
