"""Unit timing, typed and with one owner: sentences, words and where each paragraph starts in a unit's audio.

Why one module: the engines, the render layer's check of a download, the exporter (chapter marks, gaps,
subtitles) and the player's sentence highlight all need the same answers: which paragraph a vendor sentence
belongs to, where a paragraph starts, which characters of a paragraph a sentence covers. They used to have
three rules for paragraph starts, two sentence matchers and two parsers of vendor milliseconds, and timing
went typed -> dict -> JSON -> dict. Here is the one version of each, and ``UnitTiming`` is what is stored
(``to_json``/``from_json``).

The rules:

* **Sentence text -> characters.** Sentences come back in speaking order. Each is looked for from where the
  previous one ended: as it is, else by its letters and digits only (vendors drop or change punctuation and
  spaces). One that cannot be found takes as many characters as it has from there, so matches stay in order.
* **Sentence -> paragraph**: the paragraph its first character is in.
* **Paragraph offsets**: a paragraph starts at its first sentence; the first paragraph at 0; a paragraph
  without any sentence starts where the next known one does (or at the end of the audio); offsets never go
  backwards. Without any sentence timestamps at all, paragraphs are placed by their share of the characters.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = [
    "Timestamp",
    "UnitTiming",
    "assign_paragraphs",
    "clamp",
    "locate_sentences",
    "paragraph_offsets",
    "parse_ms",
    "unit_timing",
]


@dataclass(frozen=True)
class Timestamp:
    """A span of the unit's audio: which text, when, and which paragraph of the request it belongs to."""

    text: str
    begin_ms: int
    end_ms: int
    paragraph: int = 0


def parse_ms(value: object) -> int | None:
    """Vendor milliseconds: strings ("2239", Alibaba), numbers (Baidu), floats (rounded); None if not a finite
    number. The one parser for every vendor time (and Baidu's small integers, such as paragraph indexes)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return round(number) if math.isfinite(number) else None


@dataclass(frozen=True)
class UnitTiming:
    """The timing of one rendered unit, as ``rendered_unit.timestamps`` stores it (JSON)."""

    sentences: tuple[Timestamp, ...] = ()
    words: tuple[Timestamp, ...] = ()
    paragraph_offsets_ms: tuple[int, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {"sentences": [_stamp_json(t) for t in self.sentences], "words": [_stamp_json(t) for t in self.words],
                "paragraph_offsets_ms": list(self.paragraph_offsets_ms)}

    @classmethod
    def from_json(cls, data: object) -> UnitTiming:
        """Tolerant: what a project stored (or nothing); malformed entries are skipped, never fatal."""
        if not isinstance(data, Mapping):
            return cls()
        offsets = tuple(o for o in (parse_ms(v) for v in _list(data.get("paragraph_offsets_ms"))) if o is not None)
        return cls(_stamps(data.get("sentences")), _stamps(data.get("words")), offsets)


def _stamp_json(stamp: Timestamp) -> dict[str, Any]:
    return {"text": stamp.text, "begin_ms": stamp.begin_ms, "end_ms": stamp.end_ms, "paragraph": stamp.paragraph}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _stamps(raw: object) -> tuple[Timestamp, ...]:
    out: list[Timestamp] = []
    for item in _list(raw):
        if not isinstance(item, Mapping):
            continue
        begin, end = parse_ms(item.get("begin_ms")), parse_ms(item.get("end_ms"))
        if begin is None or end is None:
            continue
        paragraph = parse_ms(item.get("paragraph"))
        out.append(Timestamp(str(item.get("text") or ""), begin, max(begin, end),
                             paragraph if paragraph is not None and paragraph >= 0 else 0))
    return tuple(out)


# -- matching sentences to text ---------------------------------------------------------------------------------


def _letters(text: str) -> tuple[str, list[int]]:
    """What survives of a text in any rendition (letters and digits, case-folded) and where each came from."""
    kept: list[str] = []
    where: list[int] = []
    for index, ch in enumerate(text):
        if ch.isalnum():
            folded = ch.casefold()
            kept.append(folded)
            where.extend([index] * len(folded))
    return "".join(kept), where


def locate_sentences(text: str, sentence_texts: Iterable[str]) -> list[tuple[int, int]]:
    """The character range ``[start, stop)`` of ``text`` each sentence covers, in order (see the module rules).

    A sentence without letters or digits covers nothing (an empty range where the previous one ended).
    """
    letters, where = _letters(text)
    out: list[tuple[int, int]] = []
    cursor = 0
    for raw in sentence_texts:
        piece = str(raw).strip()
        needle, _ = _letters(piece)
        if not needle:  # punctuation or a pause: nothing to find it by, and it must not move the cursor
            out.append((min(cursor, len(text)), min(cursor, len(text))))
            continue
        start = text.find(piece, cursor)
        if start >= 0:
            stop = start + len(piece)
        else:
            found = letters.find(needle, _letter_index(where, cursor))
            if found >= 0:
                start, stop = where[found], where[found + len(needle) - 1] + 1
            else:
                start, stop = min(cursor, len(text)), min(len(text), cursor + len(piece))
        out.append((start, stop))
        cursor = max(cursor, stop)
    return out


def _letter_index(where: Sequence[int], char_index: int) -> int:
    """The first letter at or after character ``char_index``."""
    low, high = 0, len(where)
    while low < high:
        mid = (low + high) // 2
        if where[mid] < char_index:
            low = mid + 1
        else:
            high = mid
    return low


def assign_paragraphs(sentence_texts: Sequence[str], paragraphs: Sequence[str]) -> list[int]:
    """The paragraph index of each vendor sentence: the paragraph its first character is in (never going back)."""
    joined = "\n".join(paragraphs)
    starts: list[int] = []
    position = 0
    for paragraph in paragraphs:
        starts.append(position)
        position += len(paragraph) + 1
    owners: list[int] = []
    current = 0
    for start, stop in locate_sentences(joined, sentence_texts):
        if stop > start:
            while current + 1 < len(starts) and starts[current + 1] <= start:
                current += 1
        owners.append(current)
    return owners


# -- paragraph offsets ------------------------------------------------------------------------------------------


def paragraph_offsets(sentences: Sequence[Timestamp], count: int, duration_ms: int,
                      texts: Sequence[str] | None = None) -> list[int]:
    """Where each of ``count`` paragraphs starts (the one rule: see the module docstring).

    Without sentences the offsets are estimated from ``texts`` (their characters); without those either,
    every paragraph starts at 0.
    """
    if count <= 0:
        return []
    if not sentences:
        if not texts:
            return [0] * count
        total = sum(len(t) for t in texts) or 1
        estimate, position = [], 0
        for text in list(texts)[:count]:
            estimate.append(position * duration_ms // total)
            position += len(text)
        return estimate + [estimate[-1] if estimate else 0] * (count - len(estimate))
    first: dict[int, int] = {}
    for sentence in sentences:
        if 0 <= sentence.paragraph < count:
            first[sentence.paragraph] = min(first.get(sentence.paragraph, sentence.begin_ms), sentence.begin_ms)
    offsets = [0] * count
    following = duration_ms
    for index in range(count - 1, 0, -1):
        following = min(first.get(index, following), following)
        offsets[index] = following
    running = 0
    for index in range(count):
        running = max(running, offsets[index])
        offsets[index] = running
    return offsets


def unit_timing(paragraphs: Sequence[str], duration_ms: int, sentences: Sequence[Timestamp] = (),
                words: Sequence[Timestamp] = (), offsets: Sequence[int] | None = None) -> UnitTiming:
    """A unit's timing from what an engine reported, made whole.

    ``offsets`` that match the paragraphs are the engine's own word and are kept. Otherwise (None: the engine
    could not say, e.g. a task fetched after a restart no longer knows its paragraphs) sentences and words are
    matched to ``paragraphs`` by their text and the offsets follow the one rule. One paragraph starts at 0.
    """
    count = max(1, len(paragraphs))
    sentences, words = list(sentences), list(words)
    if count == 1:
        offsets = [0]
    elif offsets is None or len(offsets) != count:
        sentences = _assigned(sentences, paragraphs)
        words = _assigned(words, paragraphs) if words else words
        offsets = paragraph_offsets(sentences, count, duration_ms, paragraphs)
    return UnitTiming(tuple(sentences), tuple(words), tuple(offsets))


def clamp(stamp: Timestamp, duration_ms: int) -> Timestamp:
    """``stamp`` inside ``[0, duration_ms]`` (vendors round their last end time up)."""
    begin = max(0, min(stamp.begin_ms, duration_ms))
    end = max(begin, min(stamp.end_ms, duration_ms))
    return stamp if (begin, end) == (stamp.begin_ms, stamp.end_ms) else replace(stamp, begin_ms=begin, end_ms=end)


def _assigned(stamps: Sequence[Timestamp], paragraphs: Sequence[str]) -> list[Timestamp]:
    owners = assign_paragraphs([t.text for t in stamps], paragraphs)
    return [replace(t, paragraph=owner) for t, owner in zip(stamps, owners, strict=True)]
