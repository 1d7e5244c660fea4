"""Readings compiled for one engine at plan time: SSML readings kept as spans, or the text substituted.

Why at plan time: what an engine is sent decides the cache key, so a lexicon edit re-renders exactly the
paragraphs whose request changed. Engines with SSML (``EngineTraits.ssml``) get the readings as spans the
adapter turns into ``<phoneme>``/``<sub>``/``<say-as>`` (``studio.core.ssml``), with the user text escaped
around them. Engines without SSML speak substituted text: the alias, else a homophone for a pinyin reading,
else the spoken Chinese for a say-as reading; where none exists the text stays as written and the plan
warns, naming the entry. Emotion spans are moved with the text they cover.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from studio.core.book import EmotionSpan
from studio.core.lexicon import BREAK, LexiconEntry, LexiconError, ReadingSpan, find_readings, validate_entry

__all__ = ["CompiledParagraph", "compile_paragraph", "validate_lexicon"]


@dataclass(frozen=True)
class CompiledParagraph:
    text: str
    emotions: tuple[EmotionSpan, ...]
    readings: tuple[ReadingSpan, ...]
    warnings: tuple[str, ...] = ()


def validate_lexicon(entries: Sequence[LexiconEntry]) -> None:
    """Raise ``LexiconError`` naming the first entry that cannot be sent (before any request), and where it
    is: the project's lexicon or the user's global file (fix it with ``studio lexicon add``/``remove``)."""
    for entry in entries:
        try:
            validate_entry(entry)
        except LexiconError as exc:
            if entry.scope != "global":
                raise
            from studio.core.lexicon_store import global_lexicon_file

            raise LexiconError(f"{global_lexicon_file()}: {exc}") from None


def _inside_one_emotion(reading: ReadingSpan, emotions: Sequence[EmotionSpan]) -> bool:
    return all(reading.end <= e.start or reading.start >= e.end or (e.start <= reading.start and reading.end <= e.end)
               for e in emotions)


def compile_paragraph(text: str, emotions: Sequence[EmotionSpan], fixed: Sequence[ReadingSpan],
                      lexicon: Sequence[LexiconEntry], *, ssml: bool) -> CompiledParagraph:
    readings = find_readings(text, lexicon, fixed) if (lexicon or fixed) else []
    if not readings:
        return CompiledParagraph(text, tuple(emotions), ())
    warnings: list[str] = []
    if ssml:
        kept = []
        for r in readings:
            if r.kind == "sub" and not r.value:
                continue
            if not _inside_one_emotion(r, emotions):
                warnings.append(f"the reading of {text[r.start:r.end]!r} crosses an emotion mark and is not sent")
                continue
            kept.append(r)
        return CompiledParagraph(text, tuple(emotions), tuple(kept), tuple(warnings))
    if any(r.kind == BREAK for r in readings):  # the planner cuts at inner pauses; the rest is said, not dropped
        warnings.append("this engine has no SSML: a pause at the paragraph's start or end, or in a paragraph read "
                        "by several voices, is not sent (use the paragraph's pause after)")
        readings = [r for r in readings if r.kind != BREAK]
    return _substituted(text, emotions, readings, warnings)


def _replacement(written: str, reading: ReadingSpan) -> tuple[str | None, str]:
    """The text an engine without SSML speaks for ``reading``, and a warning if it is only approximate."""
    if reading.alias:
        return reading.alias, ""
    if reading.kind == "sub":
        return reading.value or None, ""
    if reading.kind == "phoneme":
        from studio.core.polyphones import homophone

        sound_alike = homophone(written, reading.value)
        if sound_alike is None:
            return None, ""
        if sound_alike == written:  # the characters have no other reading: nothing to substitute
            return written, ""
        return sound_alike, f"{written!r} is sent as the homophone {sound_alike!r} (for {reading.value})"
    from studio.core.say_as import spoken

    return spoken(written, reading.value), ""


def _substituted(text: str, emotions: Sequence[EmotionSpan], readings: Sequence[ReadingSpan],
                 warnings: list[str]) -> CompiledParagraph:
    pieces: list[str] = []
    shifts: list[tuple[int, int, int]] = []  # (old start, old end, new length)
    cursor = 0
    for r in readings:
        written = text[r.start:r.end]
        replacement, note = _replacement(written, r)
        if replacement is None:
            warnings.append(f"{written!r} ({r.kind} {r.value}): this engine has no SSML and no alias or homophone "
                            "expresses the reading; it is read as written (add an alias to the lexicon entry)")
            continue
        if note:
            warnings.append(note)
        pieces.append(text[cursor:r.start])
        pieces.append(replacement)
        shifts.append((r.start, r.end, len(replacement)))
        cursor = r.end
    pieces.append(text[cursor:])

    def moved(offset: int, *, end: bool) -> int:
        delta = 0
        for start, stop, length in shifts:
            if offset >= stop:
                delta += length - (stop - start)
            elif offset > start or (end and offset == stop):
                return start + delta + (length if end else 0)
        return offset + delta

    spans = tuple(EmotionSpan(moved(e.start, end=False), moved(e.end, end=True), e.category, e.intensity)
                  for e in emotions)
    return CompiledParagraph("".join(pieces), tuple(s for s in spans if s.end > s.start), (), tuple(warnings))

