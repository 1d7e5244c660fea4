""""Insert Pause…" on the editor's right-click: a pause of N ms between two characters of a paragraph.

Why a module of its own: the editor is shared and large; it calls one hook from here. The pause is a core
object (a ``ReadingSpan`` of kind ``break`` on the paragraph), so it moves with edits, is saved with the
book and compiled per engine at plan time (``<break>`` for Alibaba, the paragraph cut in parts elsewhere).
Inserting one is an undoable command that marks the paragraph stale (its request changed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QPoint
from PySide6.QtWidgets import QInputDialog, QMenu, QWidget

from studio.core.lexicon import BREAK, ReadingSpan
from studio.gui.commands import BookCommand

if TYPE_CHECKING:
    from studio.gui.document import BookDocument
    from studio.gui.editor import ParagraphEditor

__all__ = ["InsertPauseCommand", "add_pause_action", "ask_pause_ms"]

# What the dialog offers: Alibaba takes 50 ms..10 s per break; longer pauses are sent as several.
MIN_PAUSE_MS, MAX_PAUSE_MS, DEFAULT_PAUSE_MS = 50, 60_000, 500


class InsertPauseCommand(BookCommand):
    """Put a pause of ``ms`` before character ``offset`` of one paragraph (replacing one already there)."""

    def __init__(self, document: BookDocument, chapter: int, paragraph: int, offset: int, ms: int) -> None:
        label = QCoreApplication.translate("pauses", "Insert a pause of {ms} ms")
        super().__init__(document, label.format(ms=ms))
        self.chapter, self.paragraph, self.offset, self.ms = chapter, paragraph, offset, ms
        self.old: list[ReadingSpan] = []

    def apply(self) -> None:
        para = self.document.paragraph(self.chapter, self.paragraph)
        self.old = list(para.readings)
        kept = [r for r in para.readings if not (r.kind == BREAK and r.start == self.offset)]
        pause = ReadingSpan(self.offset, self.offset, BREAK, str(self.ms))
        para.readings = sorted([*kept, pause], key=lambda r: (r.start, r.end))
        self.document.stale_readings.add((self.chapter, self.paragraph))
        self.document.notify_paragraph(self.chapter, self.paragraph)

    def revert(self) -> None:
        self.document.paragraph(self.chapter, self.paragraph).readings = list(self.old)
        self.document.notify_paragraph(self.chapter, self.paragraph)


def ask_pause_ms(parent: QWidget) -> int | None:
    """The pause length the author chooses, or None if they cancel."""
    ms, ok = QInputDialog.getInt(parent, QCoreApplication.translate("pauses", "Insert Pause"),
                                 QCoreApplication.translate("pauses", "Pause (milliseconds):"),
                                 DEFAULT_PAUSE_MS, MIN_PAUSE_MS, MAX_PAUSE_MS, 50)
    return ms if ok else None


def add_pause_action(menu: QMenu, editor: ParagraphEditor, pos: QPoint) -> None:
    """Add "Insert Pause…" for the place under ``pos`` (between two characters of a paragraph)."""
    row, chapter = editor.chapter_row(), editor.chapter()
    if row < 0 or chapter is None:
        return
    cursor = editor.cursorForPosition(pos)
    number = cursor.block().blockNumber()
    if not 0 <= number < len(chapter.paragraphs):
        return
    offset = cursor.position() - cursor.block().position()
    action = menu.addAction(QCoreApplication.translate("pauses", "Insert Pause…"))
    action.setObjectName("insert_pause")
    document = editor.book_document

    def insert() -> None:
        ms = ask_pause_ms(editor)
        if ms is not None:
            document.run(InsertPauseCommand(document, row, number, offset, ms))

    action.triggered.connect(insert)
