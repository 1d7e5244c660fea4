"""Emotion spans the vendor would reject, found before anything is sent: the editor underlines them, the
render check refuses them, and both word them from the same ``EmotionProblem``.

Why apart from ``book_edit``: that module holds the editing verbs and their inverses; these are read-only checks
of a book against its voices. ``book_edit`` re-exports the names for its callers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from studio.core.book import MAX_INTENSITY, MIN_INTENSITY, Book, EmotionSpan, Paragraph, VoiceSettings

__all__ = ["EmotionProblem", "SupportedFor", "emotion_problems", "paragraph_problems"]


@dataclass(frozen=True)
class EmotionProblem:
    """One emotion span the vendor would reject, located for the editor and the render check.

    ``kind`` is one of ``no-emotions``, ``unsupported``, ``intensity``, ``range``, ``overlap``, ``empty``
    so the GUI can word it in the user's language; ``message`` is the English sentence for logs and the CLI.
    """

    chapter: int
    paragraph: int
    span: EmotionSpan
    kind: str
    voice: str
    message: str


SupportedFor = Callable[[VoiceSettings], Collection[str] | None]


def paragraph_problems(paragraph: Paragraph, supported: Collection[str] | None, voice_id: str, *,
                       chapter: int = 0, index: int = 0) -> list[EmotionProblem]:
    """Every span of one paragraph that would be rejected, each with its reason."""
    problems: list[EmotionProblem] = []
    allowed = None if supported is None else {c.strip().lower() for c in supported}
    length = len(paragraph.text)
    previous: EmotionSpan | None = None

    def add(span: EmotionSpan, kind: str, message: str) -> None:
        problems.append(EmotionProblem(chapter, index, span, kind, voice_id, message))

    for span in sorted(paragraph.emotions, key=lambda s: (s.start, s.end)):
        category = (span.category or "").strip().lower()
        if not category:
            add(span, "empty", "an emotion span has no category")
        elif allowed is not None and not allowed:
            add(span, "no-emotions", f"voice {voice_id} has no emotions (remove {category!r} or pick a "
                                     "multi-emotion voice)")
        elif allowed is not None and category not in allowed:
            add(span, "unsupported", f"voice {voice_id} does not support the emotion {category!r}")
        elif not isinstance(span.intensity, int | float) or math.isnan(span.intensity) \
                or not MIN_INTENSITY <= span.intensity <= MAX_INTENSITY:
            add(span, "intensity", f"intensity {span.intensity!r} is outside {MIN_INTENSITY}..{MAX_INTENSITY}")
        if not 0 <= span.start < span.end <= length:
            add(span, "range", f"characters {span.start}..{span.end} are outside the text (0..{length})")
        elif previous is not None and span.start < previous.end:
            add(span, "overlap", f"characters {span.start}..{span.end} overlap another emotion")
        previous = span
    return problems


def emotion_problems(book: Book, supported_for: SupportedFor,
                     chapters: Sequence[int] | None = None) -> list[EmotionProblem]:
    """Check every emotion span of the book (or of ``chapters``) against its paragraph's effective voice."""
    problems: list[EmotionProblem] = []
    for ci in range(len(book.chapters)) if chapters is None else chapters:
        chapter = book.chapters[ci]
        for pi, paragraph in enumerate(chapter.paragraphs):
            if not paragraph.emotions:
                continue
            voice = book.effective_voice(chapter, paragraph)
            problems += paragraph_problems(paragraph, supported_for(voice), str(voice.voice), chapter=ci, index=pi)
    return problems
