"""Alibaba-style SSML for long-text synthesis: escaping, ``<emotion>`` spans, validation. Pure and Qt-free.

Why here and not in the engine: the editor flags invalid emotion markup before anything is sent, the
render layer validates a whole book before spending money, and the engine builds the request text; all
three must agree, so the rules live in one pure module.

The text model: paragraphs are plain text; emotions are ``EmotionSpan`` character ranges into them. At
render time every paragraph that carries an emotion, or any character XML treats specially, becomes one
``<speak>...</speak>`` block with *all* user text escaped (``& < > " '``); other paragraphs stay plain
text. Alibaba's long-text API accepts plain text mixed with several ``<speak>`` blocks, so an ``&``, a
``<`` or a literal ``</emotion>`` in a novel reaches the synthesizer as text, never as markup.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Collection, Iterable, Sequence

from studio.core.book import MAX_INTENSITY, MIN_INTENSITY, EmotionSpan
from studio.core.errors import BadInputError
from studio.core.lexicon import BREAK, ReadingSpan

__all__ = [
    "MAX_BREAK_MS",
    "MAX_TEXT_CHARS",
    "SsmlError",
    "build_long_text",
    "emotion_close",
    "emotion_open",
    "escape_text",
    "format_intensity",
    "paragraph_markup",
    "reading_close",
    "reading_open",
    "validate_emotions",
    "vendor_char_count",
]

#: Alibaba long-text limit; tags and line breaks do not count, every other character counts once.
MAX_TEXT_CHARS = 100_000
#: ``<break time>`` accepts 50..10000 ms; longer pauses are written as several breaks.
MIN_BREAK_MS = 50
MAX_BREAK_MS = 10_000

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"}
_ESCAPE_RE = re.compile("[&<>\"']")
# Characters XML 1.0 forbids anywhere (C0 controls except tab/newline/CR, surrogates, U+FFFE/U+FFFF).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TAG = re.compile(r"<[^<>]*>")


class SsmlError(BadInputError):
    """Emotion markup that cannot be sent: names the voice and category so the user can fix it.

    ``paragraph`` is the index within the request (the render layer adds chapter and book position).
    Keeps ``BadInputError``'s constructor shape so callers can re-create it with a located message.
    """

    def __init__(self, message: str, *, vendor_code: str | int | None = None, vendor_message: str | None = None,
                 voice: str | None = None, category: str | None = None, paragraph: int | None = None) -> None:
        super().__init__(message, vendor_code=vendor_code, vendor_message=vendor_message)
        self.voice = voice
        self.category = category
        self.paragraph = paragraph


def escape_text(text: str) -> str:
    """Escape the five XML specials and neutralize characters XML cannot carry at all.

    Forbidden control characters become spaces rather than disappearing, so text positions (emotion
    spans, character counts) stay the same.
    """
    text = _XML_INVALID.sub(" ", text)
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], text)


def format_intensity(intensity: float) -> str:
    """``1.0``, ``0.5``, ``0.01``: two decimals at most, always with a decimal point (the vendor's style)."""
    return repr(float(round(intensity, 2)))


def emotion_open(category: str, intensity: float = 1.0) -> str:
    return f'<emotion category="{escape_text(category)}" intensity="{format_intensity(intensity)}">'


def emotion_close() -> str:
    return "</emotion>"


def validate_emotions(spans: Iterable[EmotionSpan], text_len: int, supported: Collection[str] | None,
                      voice_id: str) -> None:
    """Reject emotion spans the vendor would reject (or that would garble the text) before any request.

    ``supported`` is the voice's emotion categories: empty means the voice has none (any span is an
    error: Alibaba answers "Illegal ssml text"); ``None`` means unknown (no catalogue entry), so only the
    checks that do not depend on the voice run. Spans must lie inside ``0..text_len``, be non-empty, not
    overlap (``<emotion>`` does not nest) and have an intensity within MIN_INTENSITY..MAX_INTENSITY.
    Raises ``SsmlError`` (a ``BadInputError``) naming the voice and the category.
    """
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    if not ordered:
        return
    allowed = {c.strip().lower() for c in supported} if supported is not None else None
    previous: EmotionSpan | None = None
    for span in ordered:
        category = (span.category or "").strip().lower()
        if allowed is not None and not allowed:
            raise SsmlError(f"voice {voice_id} has no emotions; remove the emotion {span.category!r} or pick a "
                            "multi-emotion voice", voice=voice_id, category=span.category)
        if not category:
            raise SsmlError(f"an emotion span for voice {voice_id} has no category", voice=voice_id)
        if allowed is not None and category not in allowed:
            raise SsmlError(f"voice {voice_id} does not support the emotion {span.category!r} "
                            f"(it supports: {', '.join(sorted(allowed))})", voice=voice_id, category=span.category)
        intensity = span.intensity
        if not isinstance(intensity, (int, float)) or math.isnan(intensity) \
                or not MIN_INTENSITY <= intensity <= MAX_INTENSITY:
            raise SsmlError(f"emotion {span.category!r} for voice {voice_id} has intensity {intensity!r}; "
                            f"it must be between {MIN_INTENSITY} and {MAX_INTENSITY}",
                            voice=voice_id, category=span.category)
        if not 0 <= span.start < span.end <= text_len:
            raise SsmlError(f"emotion {span.category!r} for voice {voice_id} covers characters "
                            f"{span.start}..{span.end}, outside the paragraph's text (0..{text_len}) or empty",
                            voice=voice_id, category=span.category)
        if previous is not None and span.start < previous.end:
            raise SsmlError(f"emotion {span.category!r} (characters {span.start}..{span.end}) overlaps emotion "
                            f"{previous.category!r} (characters {previous.start}..{previous.end}) for voice "
                            f"{voice_id}; emotions cannot nest or overlap", voice=voice_id, category=span.category)
        previous = span


def paragraph_markup(text: str, spans: Sequence[EmotionSpan] = (), *, break_before_ms: int = 0,
                     readings: Sequence[ReadingSpan] = ()) -> str:
    """One paragraph as the vendor should see it: plain text if nothing needs markup, else a ``<speak>``.

    Spans must already be valid (``validate_emotions``). ``break_before_ms`` puts a pause before the
    paragraph (used for paragraph gaps). ``readings`` (non-overlapping, each inside at most one emotion span:
    ``studio.core.pronounce`` sees to that) become ``<phoneme alphabet="py">``, ``<sub alias>`` and
    ``<say-as interpret-as>`` around their text.
    """
    escaped = escape_text(text)
    if not spans and not readings and escaped == text and break_before_ms <= 0:
        return text
    ordered = sorted(readings, key=lambda r: (r.start, r.end))
    parts = ["<speak>", *_breaks(break_before_ms)]
    cursor = 0
    for span in sorted(spans, key=lambda s: s.start):
        parts.append(_with_readings(text, cursor, span.start, ordered))
        parts.append(emotion_open(span.category.strip().lower(), span.intensity))
        parts.append(_with_readings(text, span.start, span.end, ordered))
        parts.append(emotion_close())
        cursor = span.end
    parts.append(_with_readings(text, cursor, len(text), ordered, last=True))
    parts.append("</speak>")
    return "".join(parts)


def reading_open(reading: ReadingSpan) -> str:
    if reading.kind == BREAK:  # a pause has no text to wrap: the whole mark is the break
        return "".join(_breaks(int(reading.value)))
    if reading.kind == "phoneme":
        return f'<phoneme alphabet="py" ph="{escape_text(reading.value)}">'
    if reading.kind == "say-as":
        return f'<say-as interpret-as="{escape_text(reading.value)}">'
    return f'<sub alias="{escape_text(reading.value)}">'


def reading_close(reading: ReadingSpan) -> str:
    return {"phoneme": "</phoneme>", "say-as": "</say-as>", BREAK: ""}.get(reading.kind, "</sub>")


def _with_readings(text: str, start: int, end: int, readings: Sequence[ReadingSpan], *, last: bool = False) -> str:
    """``text[start:end]`` escaped, with the readings that lie inside it wrapped in their tags."""
    parts = []
    cursor = start
    for reading in readings:
        if reading.start < start or reading.end > end:
            continue
        if reading.start == reading.end == end and not last:  # a pause on a boundary belongs to the next part
            continue
        parts.append(escape_text(text[cursor:reading.start]))
        parts.append(reading_open(reading) + escape_text(text[reading.start:reading.end]) + reading_close(reading))
        cursor = reading.end
    parts.append(escape_text(text[cursor:end]))
    return "".join(parts)


def _breaks(ms: int) -> list[str]:
    if ms <= 0:
        return []
    ms = max(ms, MIN_BREAK_MS)
    out: list[str] = []
    while ms > 0:
        step = min(ms, MAX_BREAK_MS)
        if ms - step and ms - step < MIN_BREAK_MS:  # never leave a remainder too short to be legal
            step -= MIN_BREAK_MS
        out.append(f'<break time="{step}ms"/>')
        ms -= step
    return out


def build_long_text(paragraphs: Sequence[str], emotions: Sequence[Sequence[EmotionSpan]] = (), *,
                    gap_ms: int = 0, separator: str = "\n",
                    readings: Sequence[Sequence[ReadingSpan]] = ()) -> str:
    """The ``text`` field of a long-text request: paragraphs joined by newlines, marked up as needed.

    ``emotions[i]`` are the spans of paragraph ``i`` (missing entries mean none), ``readings[i]`` its
    readings. ``gap_ms`` inserts a ``<break>`` before every paragraph but the first.
    """
    blocks = []
    for index, text in enumerate(paragraphs):
        spans = emotions[index] if index < len(emotions) else ()
        marks = readings[index] if index < len(readings) else ()
        blocks.append(paragraph_markup(text, spans, break_before_ms=gap_ms if index else 0, readings=marks))
    return separator.join(blocks)


def vendor_char_count(text: str) -> int:
    """Characters as Alibaba bills and limits them: tags removed, an entity is one character, and line
    breaks (our paragraph separators) are free; every other character, spaces included, counts."""
    plain = html.unescape(_TAG.sub("", text))
    return len(plain) - plain.count("\n") - plain.count("\r")
