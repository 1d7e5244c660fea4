"""Undo commands for every edit of the book. Each one is a thin shell around ``studio.core.book_edit``.

Protocol (see ``BookDocument.run``): the document calls ``apply()`` once *before* pushing, so an invalid edit
raises ``EditError`` and never reaches the stack; ``QUndoStack.push`` then calls ``redo()``, which skips that
first time. Later redos re-``apply()``; undos ``revert()``. Paragraphs and chapters are addressed by index:
every change goes through this stack in order, so an index is valid again whenever its command runs.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from studio.core import book_edit
from studio.core.book import Chapter, EmotionSpan, Paragraph, VoiceSettings
from studio.core.book_edit import VoiceTarget

if TYPE_CHECKING:
    from studio.gui.document import BookDocument

TYPING_MERGE_SECONDS = 2.0
_TEXT_ID = 1001


class BookCommand(QUndoCommand):
    def __init__(self, document: BookDocument, text: str) -> None:
        super().__init__(text)
        self.document = document
        self._skip_redo = False

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def mark_applied(self) -> None:
        self._skip_redo = True

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        self.apply()

    def undo(self) -> None:
        self.revert()


class RenameChapterCommand(BookCommand):
    def __init__(self, document: BookDocument, row: int, title: str) -> None:
        super().__init__(document, QCoreApplication.translate("commands", "Rename chapter"))
        self.row, self.title, self.old = row, title, ""

    def apply(self) -> None:
        self.old = self.document.chapters.apply_rename(self.row, self.title)
        self.document.notify_structure()

    def revert(self) -> None:
        self.document.chapters.apply_rename(self.row, self.old)
        self.document.notify_structure()


class SplitChapterCommand(BookCommand):
    def __init__(self, document: BookDocument, row: int, at: int, title: str | None) -> None:
        super().__init__(document, QCoreApplication.translate("commands", "Split chapter"))
        self.row, self.at, self.title = row, at, title
        self.voice: VoiceSettings | None = None
        self.record: book_edit.MergeRecord | None = None

    def apply(self) -> None:
        new = self.document.chapters.apply_split(self.row, self.at, self.title, self.voice)
        self.title, self.voice = new.title, new.voice  # a redo recreates exactly the same chapter
        self.document.notify_paragraphs(self.row)

    def revert(self) -> None:
        self.document.chapters.apply_merge(self.row)
        self.document.notify_paragraphs(self.row)


class MergeChaptersCommand(BookCommand):
    def __init__(self, document: BookDocument, row: int) -> None:
        super().__init__(document, QCoreApplication.translate("commands", "Merge chapters"))
        self.row = row
        self.record: book_edit.MergeRecord | None = None

    def apply(self) -> None:
        self.record = self.document.chapters.apply_merge(self.row)
        self.document.notify_paragraphs(self.row)

    def revert(self) -> None:
        assert self.record is not None
        self.document.chapters.apply_unmerge(self.record)
        self.document.notify_paragraphs(self.row)


class MoveChaptersCommand(BookCommand):
    def __init__(self, document: BookDocument, first: int, count: int, dest: int) -> None:
        super().__init__(document, QCoreApplication.translate("commands", "Move chapter"))
        self.first, self.count, self.dest = first, count, dest

    def apply(self) -> None:
        self.document.chapters.apply_move(self.first, self.count, self.dest)
        self.document.notify_structure()

    def revert(self) -> None:
        self.document.chapters.apply_move(*book_edit.inverse_move(self.first, self.count, self.dest))
        self.document.notify_structure()


class AddChapterCommand(BookCommand):
    def __init__(self, document: BookDocument, row: int, title: str) -> None:
        super().__init__(document, QCoreApplication.translate("commands", "Add chapter"))
        self.row = row
        self.chapter = Chapter(title=" ".join(title.split()))
        if not self.chapter.title:
            raise book_edit.EditError("a chapter title cannot be empty")

    def apply(self) -> None:
        self.document.chapters.apply_insert(self.row, self.chapter)
        self.document.notify_structure()

    def revert(self) -> None:
        self.document.chapters.apply_remove(self.row)
        self.document.notify_structure()


class RemoveChapterCommand(BookCommand):
    def __init__(self, document: BookDocument, row: int) -> None:
        super().__init__(document, QCoreApplication.translate("commands", "Delete chapter"))
        self.row = row
        self.chapter: Chapter | None = None

    def apply(self) -> None:
        self.chapter = self.document.chapters.apply_remove(self.row)
        self.document.notify_structure()

    def revert(self) -> None:
        assert self.chapter is not None
        self.document.chapters.apply_insert(self.row, self.chapter)
        self.document.notify_structure()


class EditTextCommand(BookCommand):
    """One replacement in one paragraph; consecutive typing in the same paragraph merges into one step."""

    def __init__(self, document: BookDocument, chapter: int, paragraph: int, start: int, end: int,
                 replacement: str) -> None:
        super().__init__(document, QCoreApplication.translate("commands", "Edit text"))
        self.chapter, self.paragraph = chapter, paragraph
        self.start, self.end, self.replacement = start, end, replacement
        self.before: tuple[str, tuple[EmotionSpan, ...]] | None = None
        self.after: tuple[str, tuple[EmotionSpan, ...]] | None = None
        self.stamp = time.monotonic()

    def _target(self) -> Paragraph:
        return self.document.paragraph(self.chapter, self.paragraph)

    def apply(self) -> None:
        paragraph = self._target()
        if self.after is None:
            before = (paragraph.text, tuple(paragraph.emotions))
            book_edit.replace_text(paragraph, self.start, self.end, self.replacement)
            self.before, self.after = before, (paragraph.text, tuple(paragraph.emotions))
        else:
            book_edit.set_content(paragraph, *self.after)
        self.document.notify_paragraph(self.chapter, self.paragraph)

    def revert(self) -> None:
        assert self.before is not None
        book_edit.set_content(self._target(), *self.before)
        self.document.notify_paragraph(self.chapter, self.paragraph)

    def id(self) -> int:
        return _TEXT_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, EditTextCommand) or (other.chapter, other.paragraph) != (self.chapter,
                                                                                         self.paragraph):
            return False
        if other.stamp - self.stamp > TYPING_MERGE_SECONDS or other.after is None:
            return False
        self.after = other.after
        self.stamp = other.stamp
        return True


class InsertEmotionCommand(BookCommand):
    def __init__(self, document: BookDocument, chapter: int, paragraph: int, start: int, end: int,
                 category: str, intensity: float, supported: Sequence[str] | None) -> None:
        super().__init__(document, QCoreApplication.translate("commands", "Insert emotion"))
        self.chapter, self.paragraph = chapter, paragraph
        self.args = (start, end, category, intensity)
        self.supported = supported
        self.old: tuple[EmotionSpan, ...] = ()

    def apply(self) -> None:
        self.old = book_edit.insert_emotion(self.document.paragraph(self.chapter, self.paragraph), *self.args,
                                            supported=self.supported)
        self.document.notify_paragraph(self.chapter, self.paragraph)

    def revert(self) -> None:
        book_edit.set_emotions(self.document.paragraph(self.chapter, self.paragraph), self.old)
        self.document.notify_paragraph(self.chapter, self.paragraph)


class RemoveEmotionsCommand(BookCommand):
    def __init__(self, document: BookDocument, chapter: int, paragraph: int, start: int, end: int) -> None:
        super().__init__(document, QCoreApplication.translate("commands", "Remove emotion"))
        self.chapter, self.paragraph, self.start, self.end = chapter, paragraph, start, end
        self.old: tuple[EmotionSpan, ...] = ()
        self.new: tuple[EmotionSpan, ...] = ()

    def apply(self) -> None:
        paragraph = self.document.paragraph(self.chapter, self.paragraph)
        self.old = book_edit.remove_emotions(paragraph, self.start, self.end)
        if self.old == tuple(paragraph.emotions):
            raise book_edit.EditError("there is no emotion here to remove")
        self.document.notify_paragraph(self.chapter, self.paragraph)

    def revert(self) -> None:
        book_edit.set_emotions(self.document.paragraph(self.chapter, self.paragraph), self.old)
        self.document.notify_paragraph(self.chapter, self.paragraph)


class AssignVoiceCommand(BookCommand):
    def __init__(self, document: BookDocument, targets: Sequence[VoiceTarget], voice: VoiceSettings,
                 text: str) -> None:
        super().__init__(document, text)
        self.targets = list(targets)
        self.voice = voice
        self.old: list[VoiceSettings] = []

    def apply(self) -> None:
        book = self.document.require_book()
        old: list[VoiceSettings] = []
        try:
            for target in self.targets:
                old.append(book_edit.set_voice(book, target, self.voice))
        except book_edit.EditError:
            for target, voice in zip(reversed(self.targets[:len(old)]), reversed(old), strict=True):
                book_edit.set_voice(book, target, voice)
            raise
        self.old = old
        self.document.notify_voices()

    def revert(self) -> None:
        book = self.document.require_book()
        for target, voice in zip(reversed(self.targets), reversed(self.old), strict=True):
            book_edit.set_voice(book, target, voice)
        self.document.notify_voices()


class BookInfoCommand(BookCommand):
    def __init__(self, document: BookDocument, title: str, author: str) -> None:
        super().__init__(document, QCoreApplication.translate("commands", "Change title and author"))
        self.title, self.author = title, author
        self.old = ("", "")

    def apply(self) -> None:
        self.old = book_edit.set_book_info(self.document.require_book(), title=self.title, author=self.author)
        self.document.notify_info()

    def revert(self) -> None:
        book_edit.set_book_info(self.document.require_book(), title=self.old[0], author=self.old[1])
        self.document.notify_info()
