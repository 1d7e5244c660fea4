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

from studio.core.importers.contents_list import find_toc, toc_key
from studio.core.importers.contents_list import in_toc as _in_toc
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

#: "卷一 闺房记乐" / "卷三": a volume numbered without 第 (classics as circulated).
_CN_BARE_VOLUME_RE = re.compile(
    r"卷(?P<num>[一二三四五六七八九十百零〇]{1,4}|[0-9０-９]{1,3})"
    r"(?:[ \t\u3000]+(?P<title>[^\s。！？；，,;!?]{1,20}))?")
#: "计篇第一" / "學而第一": the old convention of a title followed by its number (a scraped copy may repeat
#: the title after it: "计篇第一计篇").
_CN_SUFFIX_NUMBER_RE = re.compile(
    r"(?P<title>[\u3400-\u9fff]{1,8}?)第(?P<num>[一二三四五六七八九十百]{1,4}?)(?P=title)?")
#: A short Chinese line that is not a sentence: essay titles in a collection, tune names of ci, 論語 books.
_CN_BARE_TITLE_RE = re.compile(r"[\u3400-\u9fff《》〈〉·・，、 \u3000]{2,16}")
_SENTENCE_END = frozenset("。！？!?；;：:，,」』”’…）)．.")
#: Emphasis markers around a whole line (``_1. The Horror in Clay._``): layout, not words.
_EMPHASIS_RE = re.compile(r"(?P<mark>[_*]{1,2})(?P<inner>\S.*\S)(?P=mark)")

#: Kinds whose number must continue a neighbour's before they count as headings.
_NEEDS_SEQUENCE = frozenset(("roman", "roman-title", "arabic-title", "cn-numeral", "cn-suffix"))
#: Unnumbered kinds that need several members in the book (one short line alone proves nothing).
_NEEDS_FAMILY = {"centered": 2, "cn-bare": 3}


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
        emphasis = _EMPHASIS_RE.fullmatch(text)
        if emphasis is not None:
            text = emphasis.group("inner")
        isolated = _isolated(self.blocks, i)
        in_toc = bool(self.toc) and _in_toc(toc_key(text), self.toc)
        cjk = self._cjk_shape(i, text, in_toc)
        if cjk is not None:
            return cjk
        h = self._numbered_shape(i, text, block, isolated, in_toc, emphasis is not None)
        if h is not None and emphasis is not None:
            h.cut = len(block.text)  # the closing marker belongs to the heading, not to the first paragraph
        return h

    def _numbered_shape(self, i: int, text: str, block: Block, isolated: bool, in_toc: bool,
                        emphasis: bool) -> Heading | None:
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
        # A centred or emphasised title may end with a full stop ("_1. The Horror in Clay._"); a wrapped
        # sentence starting with a number at the left margin does not count.
        stands_out = emphasis or block.indent >= max(8, self.body_indent + 6)
        if (m is not None and isolated and (text[-1] not in ".,;:" or (stands_out and text[-1] == "."))
                and m.group("title")[0].isupper()):
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

    def _cjk_shape(self, i: int, text: str, in_toc: bool) -> Heading | None:
        """Chinese headings without a heading word: "卷一 闺房记乐", "计篇第一", and short title lines."""
        if not _CJK_RE.match(text):
            return None
        m = _CN_BARE_VOLUME_RE.fullmatch(text) if text[0] == "卷" else None
        if m is not None:
            h = Heading(i, 0, len(text), self._title(text), "cn:卷", cn_numeral_to_int(m.group("num")), 0.6,
                        ["volume number"], weak=True)
            if in_toc:
                h.reasons.append("toc")
            return h
        m = _CN_SUFFIX_NUMBER_RE.fullmatch(text) if "第" in text and len(text) <= 22 else None
        if m is not None:
            return Heading(i, 0, len(text), self._title(text), "cn-suffix", cn_numeral_to_int(m.group("num")), 0.6,
                           ["title numbered after it"])
        if len(text) > 16 or text[-1] in _SENTENCE_END or _CN_BARE_TITLE_RE.fullmatch(text) is None:
            return None
        if len(text.strip()) < 2:
            return None
        blocks = self.blocks
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        prev = blocks[i - 1] if i > 0 else None
        # Prose follows (a sentence or a long line) and the line before, if any, closed a sentence.
        if nxt is None or not (len(nxt.text) >= 20 or nxt.text[-1] in "。！？!?」』”"):
            return None
        if (prev is not None and prev.text[-1] not in _SENTENCE_END and self.blocks[i].gap_before < 1
                and not in_toc):
            return None  # the last piece of a hard-wrapped sentence, not a title
        if self.blocks[i].indent >= max(8, self.body_indent + 6):
            return None  # a centred line: the centred-title rule judges it
        h = Heading(i, 0, len(text), self._title(text), "cn-bare", None, 0.55, ["short line without punctuation"])
        if in_toc:
            h.reasons.append("toc")
            h.confidence = 0.85
        return h

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
            if kind in _NEEDS_FAMILY:
                keep[i] = len(members) >= _NEEDS_FAMILY[kind] or "toc" in h.reasons
                if keep[i] and kind == "cn-bare":
                    h.reasons.append(f"{len(members)} lines of this shape")
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
