"""Pure editing operations on the book model: the verbs behind the studio window's undo stack.

Why a separate, Qt-free module: every edit the window can make (split, merge, move, rename chapters; edit a
paragraph's text; add or remove emotion spans; assign voices) must also be possible from code and tested
without a display, and each undo command needs an exact inverse. So every function here mutates the book in
place and returns what its inverse needs (the old title, the old spans, a ``MergeRecord``...); the GUI's
``QUndoCommand``s only store those values and call back in here.

Indices are 0-based positions in ``book.chapters`` / ``chapter.paragraphs``. Invalid requests raise
``EditError`` (an ``InputError``) with a message a user can read, and leave the book unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass, fields, replace
from typing import TypeVar

from studio.core.book import (
    MAX_INTENSITY,
    MIN_INTENSITY,
    Book,
    Chapter,
    EmotionSpan,
    Paragraph,
    VoiceSettings,
)
from studio.core.emotion_problems import EmotionProblem, SupportedFor, emotion_problems, paragraph_problems
from studio.core.errors import InputError
from studio.core.voice_span import VoiceSpan

_Span = TypeVar("_Span", EmotionSpan, VoiceSpan)

__all__ = [
    "EditError",
    "EmotionProblem",
    "MergeRecord",
    "SupportedFor",
    "TextChange",
    "VoiceTarget",
    "add_chapter",
    "check_emotion",
    "diff_text",
    "emotion_problems",
    "insert_chapter",
    "insert_emotion",
    "inverse_move",
    "merge_with_next",
    "move_chapters",
    "paragraph_problems",
    "remove_chapter",
    "remove_emotions",
    "rename_chapter",
    "replace_text",
    "revert_text",
    "set_book_info",
    "set_content",
    "set_emotions",
    "set_voice",
    "snapshot",
    "split_chapter",
    "unmerge",
]

DEFAULT_TITLE_CHARS = 20


class EditError(InputError):
    """An edit that cannot be applied (bad index, empty title, invalid emotion span...)."""


# -- copies -----------------------------------------------------------------------------------------------------


def snapshot(book: Book) -> Book:
    """A copy a worker thread can read while the UI keeps editing the original.

    Cheap on purpose (it runs on the UI thread before every save or render): ``VoiceSettings`` and
    ``EmotionSpan`` are frozen, so they are shared; only the mutable containers are copied.
    """
    return Book(
        title=book.title, author=book.author, language=book.language, voice=book.voice,
        metadata=dict(book.metadata),
        chapters=[Chapter(title=c.title, voice=c.voice, id=c.id,
                          paragraphs=[Paragraph(p.text, list(p.emotions), p.voice, p.id, list(p.readings),
                                                list(p.voices))
                                      for p in c.paragraphs])
                  for c in book.chapters],
        lexicon=list(book.lexicon),
    )


# -- book information -------------------------------------------------------------------------------------------


def set_book_info(book: Book, *, title: str | None = None, author: str | None = None) -> tuple[str, str]:
    """Change the title and/or author; return the old ``(title, author)``."""
    old = (book.title, book.author)
    if title is not None:
        if not title.strip():
            raise EditError("the book title cannot be empty")
        book.title = title.strip()
    if author is not None:
        book.author = author.strip()
    return old


# -- chapters ---------------------------------------------------------------------------------------------------


def _check_chapter(book: Book, index: int) -> Chapter:
    if not 0 <= index < len(book.chapters):
        raise EditError(f"there is no chapter {index + 1} (the book has {len(book.chapters)})")
    return book.chapters[index]


def rename_chapter(book: Book, index: int, title: str) -> str:
    """Give chapter ``index`` a new title (surrounding whitespace removed); return the old title."""
    chapter = _check_chapter(book, index)
    title = " ".join(title.split())
    if not title:
        raise EditError("a chapter title cannot be empty")
    old, chapter.title = chapter.title, title
    return old


def insert_chapter(book: Book, index: int, chapter: Chapter) -> None:
    """Put ``chapter`` at position ``index`` (0..len)."""
    if not 0 <= index <= len(book.chapters):
        raise EditError(f"cannot insert a chapter at position {index + 1}")
    book.chapters.insert(index, chapter)


def add_chapter(book: Book, index: int, title: str) -> Chapter:
    """Insert a new, empty chapter at ``index`` and return it."""
    title = " ".join(title.split())
    if not title:
        raise EditError("a chapter title cannot be empty")
    chapter = Chapter(title=title)
    insert_chapter(book, index, chapter)
    return chapter


def remove_chapter(book: Book, index: int) -> Chapter:
    """Remove chapter ``index`` and return it (re-insert it with ``insert_chapter`` to undo)."""
    _check_chapter(book, index)
    return book.chapters.pop(index)


def _default_split_title(chapter: Chapter, at: int) -> str:
    first_line = " ".join(chapter.paragraphs[at].text.split())
    if first_line:
        return first_line[:DEFAULT_TITLE_CHARS] + ("…" if len(first_line) > DEFAULT_TITLE_CHARS else "")
    return f"{chapter.title} (2)"


def split_chapter(book: Book, index: int, at: int, title: str | None = None,
                  voice: VoiceSettings | None = None) -> Chapter:
    """Split chapter ``index`` before its paragraph ``at``; the new chapter follows it and is returned.

    Both halves keep at least one paragraph. The new chapter gets ``title`` (default: the start of its first
    paragraph, which is usually the heading the importer missed) and ``voice`` (default: the same chapter
    voice, so nobody's voice changes).
    """
    chapter = _check_chapter(book, index)
    if not 1 <= at < len(chapter.paragraphs):
        raise EditError(f"cannot split “{chapter.title}” at paragraph {at + 1}: both parts need a paragraph")
    new_title = " ".join((title or "").split()) or _default_split_title(chapter, at)
    new = Chapter(title=new_title, paragraphs=chapter.paragraphs[at:],
                  voice=chapter.voice if voice is None else voice)
    del chapter.paragraphs[at:]
    book.chapters.insert(index + 1, new)
    return new


@dataclass(frozen=True)
class MergeRecord:
    """What ``unmerge`` needs to restore the two chapters exactly."""

    index: int
    split_at: int
    title: str
    voice: VoiceSettings
    chapter_id: int | None
    paragraph_voices: tuple[VoiceSettings, ...]


def merge_with_next(book: Book, index: int) -> MergeRecord:
    """Append chapter ``index + 1``'s paragraphs to chapter ``index`` and drop the second chapter.

    Every moved paragraph keeps the voice it was spoken in: where the two chapters' voices differ, the
    second chapter's setting is written into the paragraph's own override (only the fields that would change).
    """
    first = _check_chapter(book, index)
    if index + 1 >= len(book.chapters):
        raise EditError(f"“{first.title}” is the last chapter: there is nothing to merge it with")
    second = book.chapters[index + 1]
    book_level = book.voice.merged_over(book.default_voice)
    record = MergeRecord(index, len(first.paragraphs), second.title, second.voice, second.id,
                         tuple(p.voice for p in second.paragraphs))
    for paragraph in second.paragraphs:
        paragraph.voice = _pinned(paragraph.voice, second.voice, first.voice, book_level)
    first.paragraphs.extend(second.paragraphs)
    del book.chapters[index + 1]
    return record


def _pinned(own: VoiceSettings, was_under: VoiceSettings, now_under: VoiceSettings,
            book_level: VoiceSettings) -> VoiceSettings:
    changes = {}
    for f in fields(VoiceSettings):
        if getattr(own, f.name) is not None:
            continue
        before = getattr(was_under, f.name)
        after = getattr(now_under, f.name)
        if before is None:
            before = getattr(book_level, f.name)
        if after is None:
            after = getattr(book_level, f.name)
        if before != after:
            changes[f.name] = before
    return replace(own, **changes) if changes else own


def unmerge(book: Book, record: MergeRecord) -> Chapter:
    """Undo ``merge_with_next``: split the chapters apart again and restore every paragraph's voice."""
    chapter = _check_chapter(book, record.index)
    moved = len(chapter.paragraphs) - record.split_at
    if moved != len(record.paragraph_voices) or moved < 0:
        raise EditError(f"“{chapter.title}” changed since the merge; it cannot be split back")
    new = Chapter(title=record.title, paragraphs=chapter.paragraphs[record.split_at:], voice=record.voice,
                  id=record.chapter_id)
    for paragraph, voice in zip(new.paragraphs, record.paragraph_voices, strict=True):
        paragraph.voice = voice
    del chapter.paragraphs[record.split_at:]
    book.chapters.insert(record.index + 1, new)
    return new


def move_chapters(book: Book, first: int, count: int, dest: int) -> int:
    """Move ``count`` chapters starting at ``first`` to before position ``dest`` (counted before the move,
    the way ``QAbstractItemModel.moveRows`` counts). Return the new index of the first moved chapter."""
    total = len(book.chapters)
    if count < 1 or first < 0 or first + count > total or not 0 <= dest <= total:
        raise EditError(f"cannot move chapters {first + 1}..{first + count} to position {dest + 1}")
    if first <= dest <= first + count:
        raise EditError("a chapter cannot be moved into itself")
    block = book.chapters[first:first + count]
    del book.chapters[first:first + count]
    new_first = dest if dest < first else dest - count
    book.chapters[new_first:new_first] = block
    return new_first


def inverse_move(first: int, count: int, dest: int) -> tuple[int, int, int]:
    """The ``move_chapters`` arguments that undo ``move_chapters(book, first, count, dest)``."""
    new_first = dest if dest < first else dest - count
    back_to = first + count if new_first < first else first
    return new_first, count, back_to


# -- paragraph text ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextChange:
    """One replacement in one paragraph, with what ``revert_text`` needs to take it back exactly."""

    start: int
    removed: str
    inserted: str
    old_emotions: tuple[EmotionSpan, ...]
    old_voices: tuple[VoiceSpan, ...] = ()


def diff_text(old: str, new: str) -> tuple[int, int, str]:
    """The smallest single replacement turning ``old`` into ``new``: ``(start, end, replacement)``."""
    limit = min(len(old), len(new))
    prefix = 0
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    return prefix, len(old) - suffix, new[prefix:len(new) - suffix]


def _shift_span(span: _Span, start: int, end: int, inserted: int) -> _Span | None:
    """Where ``span`` ends up after ``text[start:end]`` is replaced by ``inserted`` characters (None: gone).

    Typing exactly at a span's start or end stays outside it; typing inside it grows it; deleting part of
    it shrinks it; deleting all of it removes it.
    """
    delta = inserted - (end - start)
    if span.end <= start:
        return span
    if span.start >= end:
        return replace(span, start=span.start + delta, end=span.end + delta)
    if span.start <= start and span.end >= end:
        new = replace(span, end=span.end + delta)
    elif span.start < start:
        new = replace(span, end=start)
    elif span.end > end:
        new = replace(span, start=start + inserted, end=span.end + delta)
    else:
        return None
    return new if new.start < new.end else None


def replace_text(paragraph: Paragraph, start: int, end: int, replacement: str) -> TextChange:
    """Replace ``text[start:end]`` with ``replacement`` and move the emotion spans along with the text."""
    text = paragraph.text
    if not 0 <= start <= end <= len(text):
        raise EditError(f"characters {start}..{end} are outside the paragraph (0..{len(text)})")
    change = TextChange(start, text[start:end], replacement, tuple(paragraph.emotions), tuple(paragraph.voices))
    paragraph.text = text[:start] + replacement + text[end:]
    spans = (_shift_span(s, start, end, len(replacement)) for s in paragraph.emotions)
    paragraph.emotions = [s for s in spans if s is not None]
    if paragraph.voices:  # a quote's voice grows, shrinks and moves with its text, like an emotion
        moved = (_shift_span(v, start, end, len(replacement)) for v in paragraph.voices)
        paragraph.voices = [v for v in moved if v is not None]
    if paragraph.readings:  # a reading moves with its text; an edit inside the word it reads drops it
        delta = len(replacement) - (end - start)
        paragraph.readings = [r if r.end <= start else replace(r, start=r.start + delta, end=r.end + delta)
                              for r in paragraph.readings if r.end <= start or r.start >= end]
    return change


def set_content(paragraph: Paragraph, text: str,
                emotions: Iterable[EmotionSpan]) -> tuple[str, tuple[EmotionSpan, ...]]:
    """Put back a whole earlier state of a paragraph (undo/redo of merged typing); return the current one."""
    old = (paragraph.text, tuple(paragraph.emotions))
    paragraph.text = text
    paragraph.emotions = sorted(emotions, key=lambda s: (s.start, s.end))
    return old


def revert_text(paragraph: Paragraph, change: TextChange) -> None:
    """Undo ``replace_text``: the old text and exactly the old spans."""
    end = change.start + len(change.inserted)
    if paragraph.text[change.start:end] != change.inserted:
        raise EditError("the paragraph changed since this edit; it cannot be undone")
    paragraph.text = paragraph.text[:change.start] + change.removed + paragraph.text[end:]
    paragraph.emotions = list(change.old_emotions)
    if change.old_voices or paragraph.voices:
        paragraph.voices = list(change.old_voices)


# -- emotion spans ----------------------------------------------------------------------------------------------


def check_emotion(paragraph: Paragraph, start: int, end: int, category: str, intensity: float,
                supported: Collection[str] | None) -> str:
    category = category.strip().lower()
    if not category:
        raise EditError("an emotion needs a category")
    if not 0 <= start < end <= len(paragraph.text):
        raise EditError(f"select some text of the paragraph first (characters {start}..{end} of "
                        f"0..{len(paragraph.text)})")
    if not paragraph.text[start:end].strip():
        raise EditError("an emotion cannot cover only spaces")
    if not isinstance(intensity, int | float) or math.isnan(intensity) \
            or not MIN_INTENSITY <= intensity <= MAX_INTENSITY:
        raise EditError(f"intensity {intensity!r} must be between {MIN_INTENSITY} and {MAX_INTENSITY}")
    if supported is not None:
        allowed = {c.strip().lower() for c in supported}
        if not allowed:
            raise EditError("this voice has no emotions; choose a multi-emotion voice first")
        if category not in allowed:
            raise EditError(f"this voice does not support the emotion {category!r} "
                            f"(it supports: {', '.join(sorted(allowed))})")
    return category


def insert_emotion(paragraph: Paragraph, start: int, end: int, category: str, intensity: float = 1.0, *,
                   supported: Collection[str] | None = None) -> tuple[EmotionSpan, ...]:
    """Mark ``text[start:end]`` with an emotion; return the old spans (for ``set_emotions`` on undo).

    ``supported`` is the effective voice's categories (empty = the voice has none; None = unknown voice,
    not checked). Existing spans that overlap the new one are trimmed to make room: the newest wins, since
    ``<emotion>`` tags cannot nest.
    """
    category = check_emotion(paragraph, start, end, category, intensity, supported)
    old = tuple(paragraph.emotions)
    kept: list[EmotionSpan] = []
    for span in paragraph.emotions:
        if span.end <= start or span.start >= end:
            kept.append(span)
            continue
        if span.start < start:
            kept.append(replace(span, end=start))
        if span.end > end:
            kept.append(replace(span, start=end))
    kept.append(EmotionSpan(start, end, category, round(float(intensity), 2)))
    paragraph.emotions = sorted(kept, key=lambda s: (s.start, s.end))
    return old


def remove_emotions(paragraph: Paragraph, start: int, end: int) -> tuple[EmotionSpan, ...]:
    """Remove every span touching ``start..end`` (a bare cursor removes the span it stands in or at the end
    of); return the old spans."""
    old = tuple(paragraph.emotions)
    if start == end:
        paragraph.emotions = [s for s in paragraph.emotions if not s.start <= start <= s.end]
    else:
        paragraph.emotions = [s for s in paragraph.emotions if s.end <= start or s.start >= end]
    return old


def set_emotions(paragraph: Paragraph, spans: Iterable[EmotionSpan]) -> tuple[EmotionSpan, ...]:
    """Replace all spans (no validation: this restores a state that existed); return the old ones."""
    old = tuple(paragraph.emotions)
    paragraph.emotions = sorted(spans, key=lambda s: (s.start, s.end))
    return old


# -- voices -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoiceTarget:
    """Where a voice is assigned: the book (both None), a chapter, or one paragraph of a chapter."""

    chapter: int | None = None
    paragraph: int | None = None

    @property
    def level(self) -> str:
        return "book" if self.chapter is None else "chapter" if self.paragraph is None else "paragraph"


def set_voice(book: Book, target: VoiceTarget, voice: VoiceSettings) -> VoiceSettings:
    """Assign ``voice`` at ``target`` (an empty ``VoiceSettings`` clears an override); return the old one."""
    if target.chapter is None:
        if target.paragraph is not None:
            raise EditError("a paragraph target needs its chapter")
        old, book.voice = book.voice, voice
        return old
    chapter = _check_chapter(book, target.chapter)
    if target.paragraph is None:
        old, chapter.voice = chapter.voice, voice
        return old
    if not 0 <= target.paragraph < len(chapter.paragraphs):
        raise EditError(f"“{chapter.title}” has no paragraph {target.paragraph + 1}")
    paragraph = chapter.paragraphs[target.paragraph]
    old, paragraph.voice = paragraph.voice, voice
    return old


# Checking emotion spans against voices lives in ``emotion_problems.py`` (re-exported here).
