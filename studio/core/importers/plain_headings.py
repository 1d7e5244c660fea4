"""Chapter headings in text without markup: candidates, evidence, confidence, and the reason for each.

:func:`match_heading` (in :mod:`.headings`) says whether one line *looks* like a heading. Real manuscripts
need more than looks, so every candidate here carries a confidence and the evidence that raised it:

* **pattern** - ``第X章`` / ``Chapter 12`` / ``Part One`` with a separator or alone (strong on its own);
* **numbering** - numbers that continue each other (第四章, 第五章; I, II, III; 一, 二, 三). Continuity is
  evidence, not a requirement: a found 第四章 and 第六章 make a glued 第五章 likely, but a missing number
  never makes the others disappear. Shapes that are ambiguous alone (a bare ``II.``, a line ``三``, a
  heading glued mid-line after the previous chapter's last sentence) need a neighbour in sequence;
* **isolation** - a short line with blank lines around it (Gutenberg texts, web TXT that centre titles);
* **toc** - a table of contents near the top (``Contents`` / ``目录``) that lists the line. Its own lines
  are never headings (they would make empty chapters), and an all-caps or unnumbered title is only
  accepted when the contents list it.

The output is a list of accepted :class:`Heading` s; :mod:`.structure` turns them into chapters. Nothing is
dropped here: a heading's text becomes the title (and ``Heading.source`` keeps the exact characters),
everything after it on the line becomes the first paragraph.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from studio.core.importers.headings import CN_HEAD_RE as _CN_HEAD_RE
from studio.core.importers.headings import (
    HeadingMatch,
    cn_numeral_to_int,
    en_number,
    match_heading,
    normalise_title,
    split_glued_title,
)

if TYPE_CHECKING:
    from studio.core.importers.structure import Block

_TOC_WORDS = frozenset(("contents", "tableofcontents", "目录", "目錄", "目次"))
_KEY_DROP = re.compile(r"[^\w\u3400-\u9fff]+")
_LEADERS = re.compile(r"(?:\s*\.){2,}\s*\d*\s*$|\s{2,}\d{1,4}\s*$")
_FOOTNOTE_MARKS = re.compile(r"[\u2474-\u2487\u2460-\u2473]+$|\[\d{1,3}\]$")
_ROMAN = r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
_ROMAN_BARE_RE = re.compile(rf"(?P<num>{_ROMAN})\.?")
_NUMBERED_TITLE_RE = re.compile(rf"(?P<num>{_ROMAN}|\d{{1,3}})\.[ \t]+(?P<title>\S.{{0,70}})")
_CN_NUMERAL_RE = re.compile(r"[一二三四五六七八九十百零〇]{1,5}")
_MID_LINE_RE = re.compile(
    r"(?<=[。！？!?”」』…）)])[ \t\u3000]*(?=第[ \t\u3000]*(?:[0-9０-９]+|[零〇一二三四五六七八九十百千两]+)"
    r"[ \t\u3000]*[章回节節卷部篇集])"
)
_SENTENCE_PUNCT = frozenset("。！？；，,;!?")
_OPENS = frozenset("。！？!?\n…”，；：")
_CJK_RE = re.compile(r"[\u3400-\u9fff]")
#: Web TXT sites print "正文" (main text) in front of every chapter heading.
_CN_PREFIX_RE = re.compile(r"(?:正文|正文卷)[ \t\u3000]+(?=第)")

#: Kinds whose number must continue a neighbour's before they count as headings.
_NEEDS_SEQUENCE = frozenset(("roman", "roman-title", "arabic-title", "cn-numeral"))


@dataclass(slots=True)
class Heading:
    """An accepted heading in block ``index``: ``text[start:cut]`` is the heading, the rest is body."""

    index: int
    start: int
    cut: int
    title: str
    kind: str
    number: int | None = None
    confidence: float = 0.5
    reasons: list[str] = field(default_factory=list)
    level: int = 1
    joins_next: bool = False  # the next line (a title under "CHAPTER I.") belongs to the heading
    weak: bool = False

    @property
    def reason(self) -> str:
        return ", ".join(dict.fromkeys(self.reasons))


def toc_key(text: str) -> tuple[str, ...]:
    """Words of a contents entry or heading, for matching one against the other."""
    text = _LEADERS.sub("", text.casefold())
    return tuple(w for w in _KEY_DROP.split(text) if w)


def find_toc(blocks: list[Block]) -> tuple[int, int, list[tuple[str, ...]]] | None:
    """``(first, end, keys)`` of a table of contents near the top: a ``Contents``/``目录`` line and its entries."""
    limit = min(len(blocks), max(600, len(blocks) // 2))
    for i in range(limit):
        if len(blocks[i].text) > 20 or re.sub(r"[\s:：]", "", blocks[i].text).casefold() not in _TOC_WORDS:
            continue
        keys: list[tuple[str, ...]] = []
        seen: set[tuple[str, ...]] = set()
        j = i + 1
        while j < len(blocks):
            block = blocks[j]
            key = toc_key(block.text)
            if len(block.text) > 90 or not key or key in seen:
                break
            if keys and block.gap_before >= 3:
                break
            if len(block.text) > 60 and block.text[-1] in "。！？.!?":
                break
            seen.add(key)
            keys.append(key)
            j += 1
        if len(keys) >= 2:
            return i, j, keys
    return None


def _in_toc(key: tuple[str, ...], toc: list[tuple[str, ...]]) -> bool:
    if not key:
        return False
    n = len(key)
    return any(entry == key or (len(entry) > n and entry[:n] == key and n >= 2) for entry in toc)


def _isolated(blocks: list[Block], i: int) -> bool:
    return blocks[i].gap_before >= 1 and blocks[i].gap_after >= 1


def _title_line(block: Block) -> bool:
    """A line that can be the title printed under a numbered heading ("CHAPTER I." / "Down the Rabbit-Hole")."""
    t = block.text
    return 0 < len(t) <= 70 and t[-1] not in "。，,;；:" and block.gap_after >= 1 and not t.endswith(".")


def _caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters if c.isascii())


class _Finder:
    def __init__(self, blocks: list[Block]) -> None:
        self.blocks = blocks
        found = find_toc(blocks)
        self.toc_range = range(found[0], found[1]) if found else range(0)
        self.toc = found[2] if found else []
        self._stats: tuple[Counter[str], Counter[str]] | None = None
        # A centred title stands out from the indentation paragraphs have (web TXT indents them too).
        indents = sorted(b.indent for b in blocks[:2000])
        self.body_indent = indents[len(indents) // 2] if indents else 0

    # -- candidates -------------------------------------------------------------------------------------

    def candidates(self) -> list[Heading]:
        out: list[Heading] = []
        blocks = self.blocks
        for i, block in enumerate(blocks):
            if i in self.toc_range:
                continue
            text = block.text
            heading = self._line_heading(i, text)
            if heading is not None:
                out.append(heading)
            if "第" in text and len(text) > 8:
                out.extend(self._mid_line(i, text, after=heading.cut if heading is not None else 0))
        return out

    def _line_heading(self, i: int, text: str) -> Heading | None:
        block = self.blocks[i]
        prefix = _CN_PREFIX_RE.match(text)
        offset = prefix.end() if prefix is not None else 0
        m = match_heading(text[offset:])
        if m is not None:
            return self._from_match(i, text, offset, m)
        return self._shape_heading(i, text, block)

    def _from_match(self, i: int, text: str, offset: int, m: HeadingMatch) -> Heading:
        cut = offset + m.cut
        kind = f"cn:{m.unit}" if text[offset] == "第" else ("keyword" if m.unit == "keyword" else f"en:{m.unit}")
        h = Heading(i, 0, cut, "", kind, m.number, 0.9, ["pattern"], weak=m.weak)
        if text[offset] == "第":
            self._refine(h, text, offset, m)
        elif m.weak:
            h.confidence = 0.5
        h.title = self._title(text[offset : h.cut])
        if h.cut >= len(text) and kind.startswith("en:") and self._joinable(i, m):
            h.joins_next = True
            h.title = normalise_title(f"{h.title} {self.blocks[i + 1].text}")
        if self.toc and _in_toc(toc_key(h.title), self.toc):
            h.reasons.append("toc")
            h.confidence = max(h.confidence, 0.95)
        return h

    def _refine(self, h: Heading, text: str, offset: int, m: HeadingMatch) -> None:
        """Move the end of a Chinese title glued to its text to the likeliest word boundary."""
        token = _CN_HEAD_RE.match(text, offset)
        if token is None:
            return
        if m.weak:
            split = split_glued_title(text[h.cut :], *self.stats)
            if split:
                h.cut += split
                h.confidence = 0.6
                h.reasons.append("title split at a word boundary")
            else:
                h.confidence = 0.45
        elif h.cut > token.end() + 11 and text[h.cut - 1] in "。！？":
            # "第八章 不准革命未庄的人心日见其安静了。": the first sentence is not the title
            split = split_glued_title(text[token.end() :], *self.stats)
            if split:
                h.cut = token.end() + split
                h.confidence = 0.6
                h.reasons.append("title split at a word boundary")

    def _joinable(self, i: int, m: HeadingMatch) -> bool:
        if i + 1 >= len(self.blocks) or self.blocks[i].gap_after != 0 or m.number is None:
            return False
        nxt = self.blocks[i + 1]
        return _title_line(nxt) and match_heading(nxt.text) is None and not _CJK_RE.search(nxt.text[:1])

    def _shape_heading(self, i: int, text: str, block: Block) -> Heading | None:
        """Headings recognised by shape and position rather than by a heading word."""
        if len(text) > 80:
            return None
        isolated = _isolated(self.blocks, i)
        key = toc_key(text)
        in_toc = bool(self.toc) and _in_toc(key, self.toc)
        m = _ROMAN_BARE_RE.fullmatch(text)
        if m is not None and text not in ("", ".") and (isolated or self._joinable_bare(i)):
            h = Heading(i, 0, len(text), text, "roman", en_number(m.group("num")), 0.6, ["isolated line"])
            if self._joinable_bare(i):
                h.joins_next = True
                h.title = normalise_title(f"{text} {self.blocks[i + 1].text}")
                if self.toc and _in_toc(toc_key(h.title), self.toc):
                    h.reasons.append("toc")
                    h.confidence = 0.9
            return h
        m = _NUMBERED_TITLE_RE.fullmatch(text)
        if m is not None and isolated and text[-1] not in ".,;:" and (m.group("title")[0].isupper()):
            num = m.group("num")
            kind = "arabic-title" if num.isdigit() else "roman-title"
            number = int(num) if num.isdigit() else en_number(num)
            h = Heading(i, 0, len(text), normalise_title(text), kind, number, 0.6, ["isolated line"])
            if in_toc:
                h.reasons.append("toc")
                h.confidence = 0.9
            return h
        if _CN_NUMERAL_RE.fullmatch(text):
            return Heading(i, 0, len(text), text, "cn-numeral", cn_numeral_to_int(text), 0.6, ["numeral line"])
        if not isolated or any(ch in _SENTENCE_PUNCT for ch in text) or text.endswith("."):
            return None
        if in_toc and len(text) <= 60:
            return Heading(i, 0, len(text), self._title(text), "toc", None, 0.85, ["toc", "isolated line"])
        if (block.indent >= max(8, self.body_indent + 6) and len(text) <= 25
                and len(_CJK_RE.findall(text)) * 2 >= len(text.strip())):
            return Heading(i, 0, len(text), self._title(text), "centered", None, 0.6,
                           ["centred line", "blank-line isolation"])
        return None

    def _joinable_bare(self, i: int) -> bool:
        if i + 1 >= len(self.blocks) or self.blocks[i].gap_before < 1 or self.blocks[i].gap_after != 0:
            return False
        nxt = self.blocks[i + 1]
        return _title_line(nxt) and nxt.text[:1].isupper()

    def _mid_line(self, i: int, text: str, after: int) -> list[Heading]:
        out: list[Heading] = []
        for mm in _MID_LINE_RE.finditer(text, max(after, 1)):
            start = mm.end()
            m = match_heading(text[start:])
            if m is None or m.unit is None:
                continue
            h = Heading(i, start, start + m.cut, "", f"cn:{m.unit}", m.number, 0.5,
                        ["pattern", "after a sentence end"], weak=m.weak)
            self._refine(h, text, start, m)
            h.weak = True
            h.confidence = min(h.confidence, 0.5)
            h.title = self._title(text[start : h.cut])
            out.append(h)
        return out

    @staticmethod
    def _title(text: str) -> str:
        return normalise_title(_FOOTNOTE_MARKS.sub("", text.strip())) or normalise_title(text)

    @property
    def stats(self) -> tuple[Counter[str], Counter[str]]:
        """Character-pair counts over (a sample of) the book, and how often each pair opens a sentence or
        clause: where a glued title ends and prose begins (see :func:`.headings.split_glued_title`)."""
        if self._stats is None:
            sample = "\n".join(b.text for b in self.blocks)[:400_000]
            pairs = Counter(sample[k : k + 2] for k in range(len(sample) - 1))
            openers = Counter(sample[k : k + 2] for k in range(1, len(sample) - 1) if sample[k - 1] in _OPENS)
            self._stats = (pairs, openers)
        return self._stats


def _confirm(headings: list[Heading]) -> list[Heading]:
    """Keep strong headings; keep weak/ambiguous ones whose number continues a neighbour of the same kind."""
    families: dict[str, list[int]] = {}
    for idx, h in enumerate(headings):
        families.setdefault(h.kind, []).append(idx)
    keep = [True] * len(headings)
    for kind, members in families.items():
        numbers = [headings[i].number for i in members]
        for pos, i in enumerate(members):
            h = headings[i]
            needs = h.weak or kind in _NEEDS_SEQUENCE
            if kind == "centered":
                keep[i] = len(members) >= 2 or "toc" in h.reasons
                continue
            if not needs:
                continue
            if "toc" in h.reasons and h.kind != "cn-numeral":
                continue
            n = numbers[pos]
            prev_n = numbers[pos - 1] if pos > 0 else None
            next_n = numbers[pos + 1] if pos + 1 < len(members) else None
            in_seq = n is not None and (
                (prev_n is not None and prev_n + 1 == n) or (next_n is not None and next_n == n + 1)
                or (n == 1 and next_n == 2)
            )
            keep[i] = in_seq
            if in_seq:
                h.reasons.append("numbering")
                h.confidence = min(0.9, h.confidence + 0.25)
    return [h for h, k in zip(headings, keep, strict=True) if k]


def _drop_toc_runs(headings: list[Heading], blocks: list[Block]) -> list[Heading]:
    """A run of 3+ headings with no text between them near the top, repeated later, is a contents list."""
    if len(headings) < 4:
        return headings
    keys = [toc_key(h.title) for h in headings]
    drop: set[int] = set()
    run_start = 0
    for k in range(1, len(headings) + 1):
        adjacent = k < len(headings) and headings[k].index == headings[k - 1].index + 1 + headings[k - 1].joins_next
        if adjacent:
            continue
        run = range(run_start, k - 1)  # the last heading of a run has text after it: a real chapter
        if len(run) >= 3 and headings[run_start].index < len(blocks) // 3:
            later = set(keys[k - 1 :])
            if sum(1 for r in run if keys[r] in later) >= len(run) // 2 + 1:
                drop.update(run)
        run_start = k
    return [h for i, h in enumerate(headings) if i not in drop]


def _levels(headings: list[Heading]) -> None:
    """Two levels when one kind of heading contains another (a story with numbered parts, 卷 with 章)."""
    kinds = [h.kind for h in headings]
    outer: set[str] = set()
    for h in headings:
        if h.kind in ("cn:卷", "cn:部", "en:part", "en:book", "en:volume") and len(set(kinds)) > 1:
            outer.add(h.kind)
    if "roman" in kinds and "roman-title" in kinds:
        outer.add("roman-title")
    for h in headings:
        if h.kind in outer:
            h.level = 1
        elif outer:
            h.level = 2


def detect_headings(blocks: list[Block]) -> tuple[list[Heading], range]:
    """Accepted headings (in text order) and the block range of a contents list, if one was found."""
    finder = _Finder(blocks)
    found = finder.candidates()
    found.sort(key=lambda h: (h.index, h.start))
    accepted = _drop_toc_runs(_confirm(found), blocks)
    _levels(accepted)
    return accepted, finder.toc_range


def pattern_headings(blocks: list[Block], regex: re.Pattern[str]) -> list[Heading]:
    """``--structure pattern:REGEX``: lines the author's expression matches (at the start) are headings."""
    out: list[Heading] = []
    for i, block in enumerate(blocks):
        m = regex.match(block.text)
        if m is None or m.end() == 0:
            continue
        cut = len(block.text) if len(block.text) - m.end() < 1 else m.end()
        out.append(Heading(i, 0, cut, normalise_title(block.text[:cut]), "pattern", None, 1.0, ["pattern"]))
    return out
