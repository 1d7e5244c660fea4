"""Where unit boundaries go when paragraphs are grouped into bigger vendor tasks.

The goals pull against each other: bigger units mean fewer requests, polls and per-task queueing; smaller
units mean more parallelism and less to re-render after an edit. What must hold whatever the size:

* **Known units first.** A stretch of paragraphs that a unit the project already rendered (or has a live vendor
  task for, or planned with the same target) covers exactly, with the same parameters, stays that unit. So
  editing one paragraph leaves every other unit as it was: only the edited paragraph's unit changes (one new
  submission), and changing the target size re-renders nothing that is still valid.
* **New stretches are cut by content.** Paragraphs no known unit covers form a *gap*. A gap that fits in
  ``max_chars`` (twice the target, never above the vendor's limit) is one unit. A longer gap is cut after every
  paragraph whose content hash ``h`` (uniform in [0, 1)) is below ``characters / target``: cuts fall on
  average every ``target`` characters, depend only on each paragraph's own text (so inserting or deleting a
  paragraph moves no other cut), and the cuts for a bigger target are a subset of those for a smaller one.
  A piece still longer than ``max_chars`` is split into equal parts of about ``target`` characters.

Why content-defined cuts and not every N paragraphs: fixed positions move when a paragraph is inserted, and
every later unit of the chapter would be re-rendered. docs/decisions/0004-render-engine.md has the reasoning.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from studio.core.book import EmotionSpan
from studio.core.lexicon import ReadingSpan
from studio.engines.registry import traits


@dataclass(frozen=True)
class UnitSizing:
    """How big grouped units get. ``target_chars`` trades parallelism against per-task overhead.

    ``max_chars`` (default twice the target) caps a unit; the vendor's own limit caps it in any case.
    ``group_local`` also groups offline-engine paragraphs (off: espeak runs per paragraph anyway, and one
    paragraph per unit keeps previews and edits cheapest). ``paragraph_gap_ms`` is the pause the vendor puts
    between grouped paragraphs (the exporter re-times gaps from the timestamps where it has them).
    """

    target_chars: int = 3000
    max_chars: int | None = None
    group_local: bool = False
    paragraph_gap_ms: int = 500
    new_groups: bool = True  # False: keep known units, make every other paragraph a unit of its own

    def groups(self, engine: str) -> bool:
        return traits(engine).groups_by_default or self.group_local

    def cap(self, engine: str) -> int:
        cap = self.max_chars if self.max_chars is not None else 2 * self.target_chars
        limit = traits(engine).max_chars
        return max(1, min(cap, limit) if limit is not None else cap)


@dataclass(frozen=True)
class Item:
    """One paragraph as the planner sees it."""

    index: int  # position in the chapter
    text: str
    emotions: tuple[EmotionSpan, ...]
    key: str  # studio.render.plan.paragraph_key
    characters: int  # counted the vendor's way (without the separator between grouped paragraphs)
    muted: bool = False  # had emotion marks the engine cannot speak
    readings: tuple[ReadingSpan, ...] = ()  # pronunciation readings sent as SSML (studio.core.pronounce)
    written: str = ""  # the paragraph as the author wrote it (takes are matched on it); "" = ``text``
    part: tuple[int, int] | tuple[()] = ()  # (index, count) when this is one voice of a cast paragraph


class KnownUnits(Protocol):
    """What the project already has: units rendered, submitted, or planned before (see ``job_store``)."""

    def runs_starting_with(self, params_key: str, paragraph_key: str) -> Iterable[tuple[str, ...]]:
        """Paragraph-key sequences of known units with these parameters that start with this paragraph."""
        ...

    def has(self, cache_key: str) -> bool:
        """Whether a one-paragraph unit with this cache key has audio, a live vendor task, or was planned
        before with this target (covers units rendered before grouping existed, previews, and the single
        paragraphs a cut left alone: regrouping one that is at the vendor would pay for its text twice)."""
        ...


def vendor_characters(engine: str, text: str, emotions: Sequence[EmotionSpan] = ()) -> int:
    """Characters of one paragraph as its vendor counts (and bills and limits) them."""
    return traits(engine).paragraph_chars(text, emotions)


def request_characters(engine: str, paragraphs: Sequence[str],
                       emotions: Sequence[Sequence[EmotionSpan]] = ()) -> int:
    """Characters of a whole request as its vendor counts them, separators between paragraphs included
    (Alibaba counts the newline between two grouped paragraphs; Baidu gets a list and counts none)."""
    return traits(engine).request_chars(paragraphs, emotions)


def _size(items: Sequence[Item], separator: int) -> int:
    """A would-be unit's characters the vendor's way: its paragraphs plus one separator between each two."""
    return sum(item.characters for item in items) + separator * max(0, len(items) - 1)


def cut_share(paragraph_key: str) -> float:
    """The paragraph's content hash as a number in [0, 1)."""
    return int(paragraph_key[:13], 16) / float(1 << 52)


def group_run(items: Sequence[Item], *, engine: str, params: str, sizing: UnitSizing, known: KnownUnits | None,
              key_of: Callable[[Sequence[Item]], str]) -> list[list[Item]]:
    """Cut one run (consecutive paragraphs, same engine and parameters) into units; see the module docstring."""
    facts = traits(engine)
    cap = sizing.cap(engine)
    limit = facts.max_chars if facts.max_chars is not None else 1 << 62  # a known unit the vendor accepts is kept
    separator = facts.separator_chars
    units: list[list[Item]] = []
    gap: list[Item] = []
    i = 0
    while i < len(items):
        length = _known_length(items, i, params, limit, separator, known, key_of) if known is not None else 0
        if length:
            units.extend(_cut(gap, sizing, cap, separator))
            gap = []
            units.append(list(items[i:i + length]))
            i += length
        else:
            gap.append(items[i])
            i += 1
    units.extend(_cut(gap, sizing, cap, separator))
    return units


def _cut(gap: Sequence[Item], sizing: UnitSizing, cap: int, separator: int) -> list[list[Item]]:
    return split_gap(gap, sizing.target_chars, cap, separator) if sizing.new_groups else [[item] for item in gap]


def _known_length(items: Sequence[Item], start: int, params: str, limit: int, separator: int, known: KnownUnits,
                  key_of: Callable[[Sequence[Item]], str]) -> int:
    """The longest known unit that starts at ``items[start]`` and covers the following items exactly."""
    best = 0
    for run in known.runs_starting_with(params, items[start].key):
        length = len(run)
        if length <= best or start + length > len(items):
            continue
        window = items[start:start + length]
        if tuple(item.key for item in window) == tuple(run) and (
                length == 1 or _size(window, separator) <= limit):
            best = length
    if not best and known.has(key_of(items[start:start + 1])):
        best = 1  # a one-paragraph unit rendered, at the vendor or planned before (see ``KnownUnits.has``)
    return best


def split_gap(gap: Sequence[Item], target: int, cap: int, separator: int = 0) -> list[list[Item]]:
    """Paragraphs no known unit covers -> units: whole if it fits in ``cap``, else cut by content.

    ``separator`` is what the vendor counts between two grouped paragraphs, so no unit exceeds ``cap`` the
    vendor's way."""
    if not gap:
        return []
    if _size(gap, separator) <= cap:
        return [list(gap)]
    pieces: list[list[Item]] = [[]]
    for item in gap:
        pieces[-1].append(item)
        if cut_share(item.key) < item.characters / max(1, target):
            pieces.append([])
    result: list[list[Item]] = []
    for piece in pieces:
        if not piece:
            continue
        if _size(piece, separator) <= cap:
            result.append(piece)
        else:
            for part in _equal_parts(piece, target):
                result.extend(_fit(part, cap, separator))
    return result


def _fit(part: list[Item], cap: int, separator: int) -> list[list[Item]]:
    """A part of about ``target`` characters that still exceeds ``cap`` once separators count (paragraphs of
    nearly the vendor's limit each): split it further at paragraph boundaries, greedily."""
    if _size(part, separator) <= cap:
        return [part]
    pieces: list[list[Item]] = [[]]
    for item in part:
        if pieces[-1] and _size([*pieces[-1], item], separator) > cap:
            pieces.append([])
        pieces[-1].append(item)
    return pieces


def _equal_parts(piece: Sequence[Item], target: int) -> list[list[Item]]:
    """Split into ``ceil(total / target)`` parts of about equal characters, at paragraph boundaries."""
    total = sum(item.characters for item in piece)
    parts = max(1, math.ceil(total / max(1, target)))
    share = total / parts
    result: list[list[Item]] = [[]]
    done = 0
    for item in piece:
        boundary = share * len(result)
        # Close the current part when adding this paragraph would overshoot its share more than stopping short.
        if result[-1] and len(result) < parts and done + item.characters - boundary > boundary - done:
            result.append([])
        result[-1].append(item)
        done += item.characters
    return result
