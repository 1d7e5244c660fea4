"""A paragraph cut at the author's pauses, for engines that cannot be told to pause (no SSML).

Why: Alibaba gets ``<break>`` inside the text (``studio.core.ssml``); Baidu and espeak would read through
the pause. So the planner sends each stretch between pauses as its own part, and the export puts the
pause's silence after that part (``studio.render.export_book.pause_after``). Emotion spans and readings
are cut and moved with their text, like the parts of a paragraph cast to several voices.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

from studio.core.book import Paragraph
from studio.core.lexicon import BREAK

__all__ = ["pause_parts"]


def pause_parts(paragraph: Paragraph) -> list[tuple[Paragraph, int | None]]:
    """``paragraph`` as (part, pause after it in ms) pairs; one part with ``None`` when it has no pause.

    Pauses at the very start or end, or several at one place, add up onto the neighbouring part (the
    last part's pause is the paragraph's own ``pause_after_ms``, so a trailing pause is added to the
    part before the end only when there is text after it).
    """
    text = paragraph.text
    cuts: dict[int, int] = {}
    for r in paragraph.readings:
        if r.kind == BREAK and r.start == r.end and 0 < r.start < len(text) and text[r.start:].strip():
            cuts[r.start] = cuts.get(r.start, 0) + int(r.value)
    if not cuts:
        return [(paragraph, None)]
    bounds = [0, *sorted(cuts), len(text)]
    parts: list[tuple[Paragraph, int | None]] = []
    for start, end in pairwise(bounds):
        emotions = [replace(e, start=max(e.start, start) - start, end=min(e.end, end) - start)
                    for e in paragraph.emotions if e.start < end and e.end > start]
        readings = [replace(r, start=r.start - start, end=r.end - start) for r in paragraph.readings
                    if r.kind != BREAK and start <= r.start and r.end <= end]
        piece = Paragraph(text[start:end], emotions, paragraph.voice, readings=readings)
        pause = cuts.get(end)
        if not piece.text.strip():  # nothing to say between two pauses: the silence joins the previous one
            if parts and pause:
                previous, before = parts[-1]
                parts[-1] = (previous, (before or 0) + pause)
            continue
        parts.append((piece, pause))
    return parts
