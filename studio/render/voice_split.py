"""A paragraph with voice spans (dialogue casting) → one render unit per voice run, in reading order.

Why units of their own: a vendor task speaks in one voice, so a paragraph where the narrator and two
characters speak is three tasks. Each part's cache key is its own (its text slice, voice, emotions and
readings), so re-casting one character re-renders only that character's parts. Parts are never grouped with
other paragraphs and are not takes (a take is a whole paragraph). The export puts ``PART_PAUSE_MS`` between
the parts of a paragraph, a breath rather than a paragraph gap, and the chapter marks do not change.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TypeVar

from studio.core.book import Book, EmotionSpan, Paragraph, VoiceSettings
from studio.core.cast import Cast, CastMember, voice_runs
from studio.core.lexicon import ReadingSpan

#: Silence between two voices inside one paragraph (the export's gap after a part that is not the last).
PART_PAUSE_MS = 250


@dataclass(frozen=True)
class SpokenPart:
    """``text`` (a slice of the paragraph from ``offset``) spoken in ``voice`` with its own spans."""

    offset: int
    text: str
    voice: VoiceSettings
    emotions: tuple[EmotionSpan, ...]
    readings: tuple[ReadingSpan, ...]


def book_cast(book: Book) -> Cast:
    """The project cast as the planner needs it (name, aliases → voice per engine), from ``Book.cast_voices``."""
    return Cast([CastMember(name, aliases=list(entry.get("aliases", [])), voices=dict(entry.get("voices", {})))
                 for name, entry in book.cast_voices.items()])


_Span = TypeVar("_Span", EmotionSpan, ReadingSpan)


def _clip(spans: tuple[_Span, ...], start: int, end: int) -> tuple[_Span, ...]:
    return tuple(replace(s, start=max(s.start, start) - start, end=min(s.end, end) - start)
                 for s in spans if s.start < end and s.end > start and min(s.end, end) > max(s.start, start))


def spoken_parts(paragraph: Paragraph, voice: VoiceSettings, cast: Cast) -> list[SpokenPart]:
    """The paragraph's voice runs as parts; a single part (no spans, or all in one voice) means "no split".

    Emotion and reading spans are clipped to each part and shifted to its start; a span's own emotion covers
    its whole part, in place of the paragraph's emotions there."""
    runs = voice_runs(paragraph.text, paragraph.voices, voice, cast)
    parts: list[SpokenPart] = []
    for run in runs:
        text = paragraph.text[run.start:run.end]
        emotions = _clip(tuple(paragraph.emotions), run.start, run.end)
        if run.emotion:
            emotions = (EmotionSpan(0, len(text), run.emotion),)
        readings = _clip(tuple(paragraph.readings), run.start, run.end)
        parts.append(SpokenPart(run.start, text, run.voice, emotions, readings))
    return parts
