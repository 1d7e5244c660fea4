"""Listen while it renders: which units start first so the opening of the book is playable early (issue 16).

Largest-first gives the shortest wall time but finishes chapter 1 near the end of a render. "listen_first"
starts, in reading order, the units of the first ``listen_first_chars`` characters (about ten minutes of
Mandarin at the default) and the rest of the chapter they end in, so that chapter is complete early; everything
after goes largest-first, for throughput. On a book of many units the reading-order head is a small share of
the work, so the wall time stays close to largest-first (bench_schedule prints both).
"""

from __future__ import annotations

from collections.abc import Sequence

from studio.render.plan import RenderUnit

#: About ten minutes of Mandarin audio (~4.5 characters per second at normal speed).
LISTEN_FIRST_CHARS = 2_700
#: Sorts before any unit's negated length: reading-order units start before every largest-first one.
_HEAD = -(1 << 62)


def listen_first_head(units: Sequence[RenderUnit], chars: int = LISTEN_FIRST_CHARS) -> set[str]:
    """Cache keys of the units rendered in reading order: the first ``chars`` characters, then to the end of
    the chapter that reaches them. ``units`` are in plan (reading) order."""
    head: set[str] = set()
    total = 0
    last_chapter: int | None = None
    for unit in units:
        if total >= chars and unit.chapter_index != last_chapter:
            break
        head.add(unit.cache_key)
        total += unit.characters
        last_chapter = unit.chapter_index
    return head


def start_order(unit: RenderUnit, position: int, order: str, head: set[str]) -> tuple[int, int]:
    """The scheduler's sort key for a waiting unit (smaller starts first)."""
    if order == "plan" or (order == "listen_first" and unit.cache_key in head):
        return (_HEAD if order == "listen_first" else 0, position)
    return (-unit.characters, position)
