"""The paragraph editor: one chapter in a QPlainTextEdit, one text block per paragraph.

Why a plain-text document and not a list view with a delegate: a chapter has up to a few hundred paragraphs,
which a ``QPlainTextEdit`` lays out lazily and scrolls smoothly, and text selection, input methods (Chinese
typing), copy and keyboard navigation work across paragraphs as users expect. The block structure is fixed
(block *n* is paragraph *n*): keys and pastes that would add or join blocks are refused, so every change
is inside one paragraph and becomes an undoable ``EditTextCommand`` (the widget's own undo is off).

Emotion spans are painted by ``EmotionHighlighter`` (``emotion_marks.py``); spans the effective voice cannot
speak (or invalid ones) get a red wavy underline, a mark in the gutter and a tooltip, before anything is sent.
The gutter (``editor_gutter.py``) also shows paragraph numbers, a ▶ preview button and a dot for paragraphs
with their own voice; the window's panel around the editor (header, legend, actions) is ``editor_panel.py``.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QMimeData, QPoint, QRect, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QHelpEvent,
    QInputMethodEvent,
    QKeyEvent,
    QKeySequence,
    QResizeEvent,
    QTextBlock,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import (
    QPlainTextEdit,
    QTextEdit,
    QToolTip,
    QWidget,
)

from studio.core import book_edit
from studio.core.book import Chapter, EmotionSpan
from studio.core.book_edit import EditError, EmotionProblem
from studio.gui.document import BookDocument
from studio.gui.editor_gutter import ParagraphGutter
from studio.gui.emotion_marks import EmotionHighlighter, problem_text
from studio.gui.i18n import ui_language_code
from studio.gui.polyphone_menu import reading_tooltip
from studio.gui.qtcompat import emit

log = logging.getLogger("studio.gui.editor")

_BREAKS = str.maketrans({"\n": "\u2028", "\r": "\u2028", "\u2029": "\u2028"})
BAND_COLOR = QColor("#f7f8fa")
# The sentence being played: a saturated blue with white text, unlike every (pastel) emotion colour.
SPOKEN_COLOR = QColor("#2f6fdf")
SPOKEN_TEXT_COLOR = QColor("#ffffff")
# A readable measure: at most this many wide (CJK) characters a line; wider editors get margins instead.
MEASURE_CHARS = 44


def display_text(text: str) -> str:
    """A paragraph as one block: line breaks inside it become U+2028 (same length, so offsets agree)."""
    return text.translate(_BREAKS)


def model_text(text: str) -> str:
    return text.replace("\u2028", "\n")


class ParagraphEditor(QPlainTextEdit):
    """Edits the paragraphs of one chapter.

    Signals:
        preview_requested(int): the gutter's ▶ of paragraph ``n`` was clicked.
        refused(str): an edit was refused (it would add or join paragraphs); the window shows the reason.
        problems_changed(): the chapter's list of emotion problems changed.
    """

    preview_requested = Signal(int)
    refused = Signal(str)
    problems_changed = Signal()

    def __init__(self, document: BookDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.book_document = document
        self._chapter: Chapter | None = None
        self._loading = False
        self._problems: dict[int, list[EmotionProblem]] = {}
        self._spoken: tuple[int, int, int] | None = None
        self.setUndoRedoEnabled(False)
        self.setAcceptDrops(False)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        font = self.font()
        font.setPointSizeF(max(font.pointSizeF(), 10.0) * 1.15)
        self.setFont(font)
        self.setReadOnly(True)
        self.setPlaceholderText(self.tr("Open a project or import a manuscript (File menu), then pick a chapter."))
        self.highlighter = EmotionHighlighter(self)
        self._gutter = ParagraphGutter(self)
        self._gutter.setObjectName("paragraph_gutter")  # paragraph numbers and the ▶ preview buttons
        self.blockCountChanged.connect(self._update_gutter_width)
        self.updateRequest.connect(self._update_gutter)
        self.document().contentsChange.connect(self._on_contents_change)
        self._update_gutter_width()
        document.paragraph_changed.connect(self._on_paragraph_changed)
        document.voices_changed.connect(self.revalidate)

    # -- what is shown ------------------------------------------------------------------------------------------
    def chapter(self) -> Chapter | None:
        return self._chapter

    def chapter_row(self) -> int:
        return -1 if self._chapter is None else self.book_document.chapters.row_of(self._chapter)

    def set_chapter(self, chapter: Chapter | None) -> None:
        self._chapter = chapter
        self._spoken = None
        self._loading = True
        try:
            texts = [display_text(p.text) for p in chapter.paragraphs] if chapter is not None else []
            self.setPlainText("\n".join(texts))
            self.setReadOnly(chapter is None or not chapter.paragraphs)
            self._paint_bands()
        finally:
            self._loading = False
        self._compute_problems()
        self.highlighter.rehighlight()
        self.setExtraSelections([])
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def reload(self) -> None:
        """Show the chapter again from the book (after a split/merge changed its paragraphs)."""
        position = self.textCursor().position()
        chapter = self._chapter if self.chapter_row() >= 0 else None
        self.set_chapter(chapter)
        cursor = self.textCursor()
        cursor.setPosition(min(position, max(0, self.document().characterCount() - 1)))
        self.setTextCursor(cursor)

    def _paint_bands(self) -> None:
        """Alternate a faint background per paragraph so paragraph boundaries are visible."""
        cursor = QTextCursor(self.document())
        plain, band = QTextBlockFormat(), QTextBlockFormat()
        band.setBackground(BAND_COLOR)
        block = self.document().begin()
        while block.isValid():
            cursor.setPosition(block.position())
            cursor.setBlockFormat(band if block.blockNumber() % 2 else plain)
            block = block.next()

    def spans(self, number: int) -> list[EmotionSpan]:
        if self._chapter is None or not 0 <= number < len(self._chapter.paragraphs):
            return []
        return self._chapter.paragraphs[number].emotions

    def problems(self, number: int | None = None) -> list[EmotionProblem]:
        if number is None:
            return [p for problems in self._problems.values() for p in problems]
        return self._problems.get(number, [])

    # -- cursor and selection -----------------------------------------------------------------------------------
    def cursor_paragraph(self) -> int:
        return self.textCursor().blockNumber() if self._chapter is not None else -1

    def selected_paragraphs(self) -> list[int]:
        """Paragraphs touched by the selection (or the cursor's paragraph)."""
        if self._chapter is None or not self._chapter.paragraphs:
            return []
        cursor = self.textCursor()
        doc = self.document()
        first = doc.findBlock(cursor.selectionStart()).blockNumber()
        last = doc.findBlock(cursor.selectionEnd()).blockNumber()
        return list(range(first, last + 1))

    def selection_in_paragraph(self) -> tuple[int, int, int] | None:
        """``(paragraph, start, end)`` of a non-empty selection inside one paragraph, else None."""
        cursor = self.textCursor()
        if self._chapter is None or not cursor.hasSelection():
            return None
        doc = self.document()
        block = doc.findBlock(cursor.selectionStart())
        if block != doc.findBlock(cursor.selectionEnd()):
            return None
        return block.blockNumber(), cursor.selectionStart() - block.position(), \
            cursor.selectionEnd() - block.position()

    def select_range(self, paragraph: int, start: int, end: int) -> None:
        block = self.document().findBlockByNumber(paragraph)
        cursor = QTextCursor(block)
        cursor.setPosition(block.position() + start)
        cursor.setPosition(block.position() + end, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    # -- edits from the keyboard --------------------------------------------------------------------------------
    def _selection_spans_blocks(self) -> bool:
        cursor = self.textCursor()
        doc = self.document()
        return cursor.hasSelection() and doc.findBlock(cursor.selectionStart()) != doc.findBlock(
            cursor.selectionEnd())

    def _refuse(self, reason: str) -> None:
        emit(self.refused, reason)

    def event(self, event: QEvent) -> bool:
        # Undo/redo belong to the window's QUndoStack, not to the text widget.
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and (
                event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo)):
            event.ignore()
            return False
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.isReadOnly():
            super().keyPressEvent(event)
            return
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._refuse(self.tr("Paragraphs cannot be split here; the text of each paragraph is edited in place."))
            return
        cursor = self.textCursor()
        joins_back = key == Qt.Key.Key_Backspace and not cursor.hasSelection() and cursor.atBlockStart()
        joins_forward = key == Qt.Key.Key_Delete and not cursor.hasSelection() and cursor.atBlockEnd()
        if joins_back or joins_forward:
            self._refuse(self.tr("Paragraphs cannot be joined here; use Chapter ▸ Merge for chapters."))
            return
        modifies = bool(event.text()) or key in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete) \
            or event.matches(QKeySequence.StandardKey.Cut) or event.matches(QKeySequence.StandardKey.Paste)
        if modifies and self._selection_spans_blocks() and not event.matches(QKeySequence.StandardKey.Copy) \
                and not event.matches(QKeySequence.StandardKey.SelectAll):
            self._refuse(self.tr("Edit one paragraph at a time: the selection covers several paragraphs."))
            return
        super().keyPressEvent(event)

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        if event.commitString() and self._selection_spans_blocks():
            cursor = self.textCursor()
            cursor.clearSelection()
            self.setTextCursor(cursor)
        super().inputMethodEvent(event)

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return source.hasText() and not self.isReadOnly()

    def insertFromMimeData(self, source: QMimeData) -> None:
        if self._selection_spans_blocks():
            self._refuse(self.tr("Edit one paragraph at a time: the selection covers several paragraphs."))
            return
        lines = [line.strip() for line in source.text().splitlines()]
        self.textCursor().insertText(" ".join(line for line in lines if line))

    def _on_contents_change(self, position: int, _removed: int, added: int) -> None:
        if self._loading or self._chapter is None:
            return
        doc = self.document()
        paragraphs = self._chapter.paragraphs
        if doc.blockCount() != len(paragraphs):
            log.warning("editor blocks (%d) no longer match the paragraphs (%d); reloading the chapter",
                        doc.blockCount(), len(paragraphs))
            self.reload()
            return
        row = self.chapter_row()
        first = doc.findBlock(position).blockNumber()
        last = doc.findBlock(position + added).blockNumber()
        if last < 0:
            last = doc.blockCount() - 1
        for number in range(max(0, first), last + 1):
            text = doc.findBlockByNumber(number).text()
            current = display_text(paragraphs[number].text)
            if text == current:
                continue
            start, end, replacement = book_edit.diff_text(current, text)
            try:
                self.book_document.edit_text(row, number, start, end, model_text(replacement))
            except EditError as exc:
                log.warning("edit refused: %s", exc)
                self._set_block_text(number, current)

    # -- changes from the document (undo, redo, emotions) ------------------------------------------------------
    def _set_block_text(self, number: int, text: str) -> None:
        block = self.document().findBlockByNumber(number)
        old = block.text()
        start, _end, replacement = book_edit.diff_text(old, text)
        cursor = QTextCursor(block)
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
        self._loading = True
        try:
            cursor.insertText(text)
        finally:
            self._loading = False
        caret = QTextCursor(block)
        caret.setPosition(block.position() + start + len(replacement))
        self.setTextCursor(caret)

    def _on_paragraph_changed(self, row: int, number: int) -> None:
        if self._chapter is None or row != self.chapter_row() or number >= self.document().blockCount():
            return
        text = display_text(self._chapter.paragraphs[number].text)
        block = self.document().findBlockByNumber(number)
        if block.text() != text:
            self._set_block_text(number, text)
        self._compute_problems([number])
        self.highlighter.rehighlightBlock(self.document().findBlockByNumber(number))
        self._gutter.update()

    def revalidate(self) -> None:
        """Voices changed: re-check every span of this chapter against its (new) effective voice."""
        before = {n: [(p.span, p.kind) for p in ps] for n, ps in self._problems.items()}
        self._compute_problems()
        after = {n: [(p.span, p.kind) for p in ps] for n, ps in self._problems.items()}
        if before != after:
            self.highlighter.rehighlight()
        self._gutter.update()

    def _compute_problems(self, numbers: list[int] | None = None) -> None:
        row = self.chapter_row()
        if self._chapter is None or row < 0:
            changed = bool(self._problems)
            self._problems = {}
            if changed:
                emit(self.problems_changed)
            return
        book = self.book_document.require_book()
        targets = range(len(self._chapter.paragraphs)) if numbers is None else numbers
        if numbers is None:
            self._problems = {}
        for number in targets:
            paragraph = self._chapter.paragraphs[number]
            self._problems.pop(number, None)
            if not paragraph.emotions:
                continue
            voice = book.effective_voice(self._chapter, paragraph)
            found = book_edit.paragraph_problems(paragraph, self.book_document.supported_emotions(voice),
                                                 str(voice.voice), chapter=row, index=number)
            if found:
                self._problems[number] = found
        emit(self.problems_changed)

    # -- the spoken sentence ------------------------------------------------------------------------------------
    def show_spoken(self, chapter: Chapter, paragraph: int, start: int, end: int) -> None:
        if chapter is not self._chapter or not 0 <= paragraph < self.document().blockCount():
            return
        if self._spoken == (paragraph, start, end):
            return
        self._spoken = (paragraph, start, end)
        block = self.document().findBlockByNumber(paragraph)
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(block)
        cursor.setPosition(block.position() + max(0, min(start, block.length() - 1)))
        cursor.setPosition(block.position() + max(0, min(end, block.length() - 1)), QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor
        fmt = QTextCharFormat()
        fmt.setBackground(SPOKEN_COLOR)
        fmt.setForeground(SPOKEN_TEXT_COLOR)
        fmt.setProperty(QTextFormat.Property.FontWeight, int(QFont.Weight.DemiBold))
        selection.format = fmt
        self.setExtraSelections([selection])
        rect = self.cursorRect(cursor)
        if not self.viewport().rect().contains(rect.center()):
            self._scroll_to(block)

    def _scroll_to(self, block: QTextBlock) -> None:
        """Bring a paragraph into view without moving the user's cursor."""
        bar = self.verticalScrollBar()
        bar.setValue(max(0, min(bar.maximum(), block.firstLineNumber() - 2)))

    def spoken(self) -> tuple[int, int, int] | None:
        return self._spoken

    def clear_spoken(self) -> None:
        self._spoken = None
        self.setExtraSelections([])

    # -- tooltips over emotion spans ----------------------------------------------------------------------------
    def span_at(self, number: int, offset: int) -> EmotionSpan | None:
        return next((s for s in self.spans(number) if s.start <= offset < s.end), None)

    def viewportEvent(self, event: QEvent) -> bool:
        if isinstance(event, QHelpEvent) and event.type() == QEvent.Type.ToolTip:
            cursor = self.cursorForPosition(event.pos())
            number, offset = cursor.blockNumber(), cursor.positionInBlock()
            text = self.span_tooltip(number, offset) or reading_tooltip(self, number, offset)
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def span_tooltip(self, number: int, offset: int) -> str:
        span = self.span_at(number, offset)
        if span is None:
            return ""
        catalogue = self.book_document.catalogue
        label = catalogue.emotion_label(span.category, ui_language_code()) if catalogue else span.category
        text = self.tr("Emotion: {label} ({category}), intensity {intensity}").format(
            label=label, category=span.category, intensity=f"{span.intensity:g}")
        for problem in self.problems(number):
            if problem.span is span:
                text += "\n⚠ " + problem_text(problem, self.book_document)
        return text

    # -- gutter -------------------------------------------------------------------------------------------------
    def gutter_width(self) -> int:
        digits = max(2, len(str(max(1, self.blockCount()))))
        return 34 + self.fontMetrics().horizontalAdvance("9") * digits

    def measure_width(self) -> int:
        """The widest text column that still reads comfortably (``MEASURE_CHARS`` wide characters)."""
        return self.fontMetrics().horizontalAdvance("国") * MEASURE_CHARS + 2 * int(self.document().documentMargin())

    def _update_gutter_width(self, _count: int = 0) -> None:
        # Lines longer than the measure are hard to follow: a wide editor centres its text column instead.
        spare = self.contentsRect().width() - self.gutter_width() - self.verticalScrollBar().sizeHint().width() \
            - self.measure_width()
        right = max(0, spare)
        margins = (self.gutter_width(), 0, right, 0)
        if self.viewportMargins().right() != right or self.viewportMargins().left() != margins[0]:
            self.setViewportMargins(*margins)

    def _update_gutter(self, rect: QRect, dy: int) -> None:
        if dy:
            self._gutter.scroll(0, dy)
        elif rect.height() > self.cursorRect().height() + 2:  # not just the blinking cursor
            self._gutter.update(0, rect.y(), self._gutter.width(), rect.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_gutter_width()
        area = self.contentsRect()
        self._gutter.setGeometry(QRect(area.left(), area.top(), self.gutter_width(), area.height()))

    def reading_stale(self, number: int) -> bool:
        """The paragraph's pronunciation changed in this session, so its audio will be rendered again."""
        return (self.chapter_row(), number) in self.book_document.stale_readings

    def gutter_clicked(self, pos: QPoint) -> None:
        """A click in the gutter at ``pos``: ▶ previews the paragraph, elsewhere selects it."""
        self._gutter.clicked(pos)

    def gutter_tooltip(self, pos: QPoint) -> str:
        """The gutter's tooltip at ``pos`` (paragraph facts, problems, the preview button)."""
        return self._gutter.tooltip(pos)
