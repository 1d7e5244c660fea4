"""A voice over part of a paragraph: who speaks ``text[start:end]`` (a quote, or any range the author chose).

Kept in a module of its own, free of imports, so the book model (which stores the spans) and the cast (which
turns them into voices) can both use it without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class VoiceSpan:
    """``text[start:end]`` of one paragraph is spoken by ``character`` (a name in the project's cast), or by
    ``voice`` (a voice id of the book's engine) when the author picked a voice rather than a character.
    ``emotion`` is the span's own emotion category (None = the paragraph's emotions apply)."""

    start: int
    end: int
    character: str | None = None
    voice: str | None = None
    emotion: str | None = None
