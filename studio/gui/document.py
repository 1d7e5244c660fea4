"""BookDocument: the open book, its project folder, its undo stack, and the signals every view listens to.

The views (chapter tree, editor, voice picker, job monitor) never change the book themselves: they call the
request methods here (``rename_chapter``, ``edit_text``, ``insert_emotion``, ``assign_voice``...), which wrap
the change in an undo command (``commands.py``) around a pure ``studio.core.book_edit`` operation.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QUndoStack

from studio.core import book_edit
from studio.core.book import Book, Paragraph, VoiceSettings
from studio.core.book_edit import EditError, VoiceTarget
from studio.gui import commands
from studio.gui.chapter_model import ChapterTreeModel
from studio.gui.i18n import ui_language_code
from studio.gui.qtcompat import emit

if TYPE_CHECKING:
    from studio.core.voices import Voice, VoiceCatalogue

log = logging.getLogger("studio.gui.document")


def _catalogue() -> VoiceCatalogue | None:
    from studio.core.voices import CatalogueError, default_catalogue

    try:
        return default_catalogue()
    except CatalogueError as exc:  # a packaging bug; the app still works with voice ids
        log.error("voice catalogue unavailable: %s", exc)
        return None


class BookDocument(QObject):
    """The book being edited.

    Signals:
        book_replaced(): another book (or none) was loaded; views reset.
        paragraphs_changed(int): chapter ``row``'s list of paragraphs changed (split, merge and their undo).
        structure_changed(): chapters were added, removed, moved or renamed.
        paragraph_changed(int, int): the text or the emotions of one paragraph changed.
        voices_changed(): a voice was assigned at some level; effective voices may differ everywhere.
        info_changed(): title or author changed.
        credits_changed(): the credit texts stored in the project changed (``credits_editor``; not the book).
        changed(): after any of the edits above (the book now differs from the saved one).
        dirty_changed(bool): whether there are unsaved edits.
    """

    book_replaced = Signal()
    paragraphs_changed = Signal(int)
    structure_changed = Signal()
    paragraph_changed = Signal(int, int)
    voices_changed = Signal()
    info_changed = Signal()
    credits_changed = Signal()
    changed = Signal()
    dirty_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.book: Book | None = None
        self.folder: Path | None = None
        self.undo_stack = QUndoStack(self)
        self.chapters = ChapterTreeModel(self, self)
        self.revision = 0
        self._saved_revision = 0
        self.catalogue = _catalogue()
        #: (chapter, paragraph) whose pronunciation changed in this session (studio/gui/polyphone_menu.py).
        self.stale_readings: set[tuple[int, int]] = set()

    # -- loading and saving state -------------------------------------------------------------------------------
    def set_book(self, book: Book | None, folder: Path | None) -> None:
        was_dirty = self.is_dirty()
        self.book = book
        self.folder = folder
        self.undo_stack.clear()
        self.stale_readings = set()
        self.revision += 1
        self._saved_revision = self.revision
        self.chapters.set_book(book)
        emit(self.book_replaced)
        if was_dirty:
            emit(self.dirty_changed, False)

    def require_book(self) -> Book:
        if self.book is None:
            raise EditError(QCoreApplication.translate("BookDocument", "Open or import a book first."))
        return self.book

    def paragraph(self, chapter: int, paragraph: int) -> Paragraph:
        book = self.require_book()
        try:
            return book.chapters[chapter].paragraphs[paragraph]
        except IndexError:
            raise EditError(f"there is no paragraph {paragraph + 1} in chapter {chapter + 1}") from None

    def is_dirty(self) -> bool:
        return self.revision != self._saved_revision

    def mark_saved(self, revision: int) -> None:
        """A save of the book as it was at ``revision`` finished."""
        self._saved_revision = revision
        emit(self.dirty_changed, self.is_dirty())

    def snapshot(self) -> tuple[Book, int]:
        """A copy of the book for a worker thread, and the revision it shows."""
        return book_edit.snapshot(self.require_book()), self.revision

    # -- notifications (called by commands) ---------------------------------------------------------------------
    def _touch(self) -> None:
        was_dirty = self.is_dirty()
        self.revision += 1
        emit(self.changed)
        if not was_dirty:
            emit(self.dirty_changed, True)

    def notify_paragraph(self, chapter: int, paragraph: int) -> None:
        self.chapters.refresh_rows(chapter, chapter)
        emit(self.paragraph_changed, chapter, paragraph)
        self._touch()

    def notify_paragraphs(self, chapter: int) -> None:
        emit(self.paragraphs_changed, chapter)
        emit(self.structure_changed)
        self._touch()

    def notify_structure(self) -> None:
        emit(self.structure_changed)
        self._touch()

    def notify_voices(self) -> None:
        self.chapters.refresh_rows()
        emit(self.voices_changed)
        self._touch()

    def notify_info(self) -> None:
        emit(self.info_changed)
        self._touch()

    def notify_credits(self) -> None:
        """The credit texts were written to the project (at once: the book itself is unchanged)."""
        emit(self.credits_changed)

    # -- voices -------------------------------------------------------------------------------------------------
    def voice_info(self, voice: VoiceSettings) -> Voice | None:
        """The catalogue entry of an effective voice, or None if the catalogue does not know it."""
        if self.catalogue is None or voice.engine is None or voice.voice is None:
            return None
        return self.catalogue.get(voice.engine, voice.voice)

    def voice_label(self, voice: VoiceSettings) -> str:
        info = self.voice_info(voice)
        if info is None:
            return f"{voice.engine}:{voice.voice}"
        return info.display_name(ui_language_code())

    def supported_emotions(self, voice: VoiceSettings) -> tuple[str, ...] | None:
        """The categories the voice accepts (empty: none), or None when the catalogue does not know the voice."""
        info = self.voice_info(voice)
        return None if info is None else tuple(info.emotions)

    def effective_voice(self, chapter: int, paragraph: int | None = None) -> VoiceSettings:
        book = self.require_book()
        ch = book.chapters[chapter]
        return book.effective_voice(ch, ch.paragraphs[paragraph] if paragraph is not None else None)

    def emotion_problems(self, chapters: Sequence[int] | None = None) -> list[book_edit.EmotionProblem]:
        return book_edit.emotion_problems(self.require_book(), self.supported_emotions, chapters)

    # -- requests (each one undoable) ---------------------------------------------------------------------------
    def run(self, command: commands.BookCommand) -> bool:
        """Apply ``command`` now (raising ``EditError`` if it cannot be), then put it on the undo stack."""
        command.apply()
        command.mark_applied()
        self.undo_stack.push(command)
        return True

    def rename_chapter(self, row: int, title: str) -> bool:
        self.require_book()
        return self.run(commands.RenameChapterCommand(self, row, title))

    def split_chapter(self, row: int, at: int, title: str | None = None) -> bool:
        self.require_book()
        return self.run(commands.SplitChapterCommand(self, row, at, title))

    def merge_with_next(self, row: int) -> bool:
        self.require_book()
        return self.run(commands.MergeChaptersCommand(self, row))

    def move_chapters(self, first: int, count: int, dest: int) -> bool:
        self.require_book()
        return self.run(commands.MoveChaptersCommand(self, first, count, dest))

    def add_chapter(self, row: int, title: str) -> bool:
        self.require_book()
        return self.run(commands.AddChapterCommand(self, row, title))

    def remove_chapter(self, row: int) -> bool:
        self.require_book()
        return self.run(commands.RemoveChapterCommand(self, row))

    def edit_text(self, chapter: int, paragraph: int, start: int, end: int, replacement: str) -> bool:
        return self.run(commands.EditTextCommand(self, chapter, paragraph, start, end, replacement))

    def insert_emotion(self, chapter: int, paragraph: int, start: int, end: int, category: str,
                       intensity: float = 1.0) -> bool:
        supported = self.supported_emotions(self.effective_voice(chapter, paragraph))
        return self.run(commands.InsertEmotionCommand(self, chapter, paragraph, start, end, category, intensity,
                                                      supported))

    def remove_emotions(self, chapter: int, paragraph: int, start: int, end: int) -> bool:
        return self.run(commands.RemoveEmotionsCommand(self, chapter, paragraph, start, end))

    def assign_voice(self, targets: Collection[VoiceTarget], voice: VoiceSettings) -> bool:
        targets = list(targets)
        if not targets:
            raise EditError(QCoreApplication.translate("BookDocument", "Nothing is selected to assign the voice to."))
        label = self.voice_label(voice) if not voice.is_empty() else ""
        level = targets[0].level
        if voice.is_empty():
            text = QCoreApplication.translate("BookDocument", "Clear voice override")
        elif level == "book":
            text = QCoreApplication.translate("BookDocument", "Book voice: {voice}").format(voice=label)
        elif level == "chapter":
            text = QCoreApplication.translate("BookDocument", "Chapter voice: {voice}").format(voice=label)
        else:
            text = QCoreApplication.translate("BookDocument", "Paragraph voice: {voice}").format(voice=label)
        return self.run(commands.AssignVoiceCommand(self, targets, voice, text))

    def set_book_info(self, title: str, author: str) -> bool:
        book = self.require_book()
        if (title.strip(), author.strip()) == (book.title, book.author):
            return False
        return self.run(commands.BookInfoCommand(self, title, author))
