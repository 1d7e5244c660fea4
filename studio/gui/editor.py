"""The paragraph editor: one chapter in a QPlainTextEdit, one text block per paragraph.

Why a plain-text document and not a list view with a delegate: a chapter has up to a few hundred paragraphs,
which a ``QPlainTextEdit`` lays out lazily and scrolls smoothly, and text selection, input methods (Chinese
typing), copy and keyboard navigation work across paragraphs as users expect. The block structure is fixed
(block *n* is paragraph *n*): keys and pastes that would add or join blocks are refused, so every change
is inside one paragraph and becomes an undoable ``EditTextCommand`` (the widget's own undo is off).

Emotion spans are painted by ``EmotionHighlighter``; spans the effective voice cannot speak (or invalid
ones) get a red wavy underline, a mark in the gutter and a tooltip, before anything is sent. The gutter
also shows paragraph numbers, a ▶ preview button and a dot for paragraphs with their own voice.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPolygon,
    QSyntaxHighlighter,
    QTextBlock,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QTextEdit,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from studio.core import book_edit
from studio.core.book import Chapter, EmotionSpan, VoiceSettings
from studio.core.book_edit import EditError, EmotionProblem
from studio.gui.document import BookDocument
from studio.gui.emotion_menu import EmotionMenu, emotion_color
from studio.gui.i18n import ui_language_code
from studio.gui.qtcompat import emit
from studio.gui.widgets import StatusLabel

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


class EmotionHighlighter(QSyntaxHighlighter):
    def __init__(self, editor: ParagraphEditor) -> None:
        super().__init__(editor.document())
        self._editor = editor

    def highlightBlock(self, text: str) -> None:
        number = self.currentBlock().blockNumber()
        spans = self._editor.spans(number)
        if not spans:
            return
        bad = {id(p.span) for p in self._editor.problems(number)}
        length = len(text)
        for span in spans:
            start, end = max(0, min(span.start, length)), max(0, min(span.end, length))
            if start >= end:
                continue
            fmt = QTextCharFormat()
            fmt.setBackground(emotion_color(span.category))
            if id(span) in bad:
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
                fmt.setUnderlineColor(QColor("#d02020"))
            self.setFormat(start, end - start, fmt)


class _Gutter(QWidget):
    def __init__(self, editor: ParagraphEditor) -> None:
        super().__init__(editor)
        self._editor = editor
        self.setMouseTracking(True)

    def sizeHint(self) -> QSize:
        return QSize(self._editor.gutter_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self._editor.paint_gutter(self, event)

    def mousePressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self._editor.gutter_clicked(event.position().toPoint())

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            text = self._editor.gutter_tooltip(event.pos())  # type: ignore[attr-defined]
            if text:
                QToolTip.showText(event.globalPos(), text, self)  # type: ignore[attr-defined]
            else:
                QToolTip.hideText()
            return True
        return super().event(event)


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
        self._gutter = _Gutter(self)
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

    def inputMethodEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.commitString() and self._selection_spans_blocks():
            cursor = self.textCursor()
            cursor.clearSelection()
            self.setTextCursor(cursor)
        super().inputMethodEvent(event)

    def canInsertFromMimeData(self, source) -> bool:  # type: ignore[no-untyped-def]
        return source.hasText() and not self.isReadOnly()

    def insertFromMimeData(self, source) -> None:  # type: ignore[no-untyped-def]
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
        selection.cursor = cursor  # type: ignore[attr-defined]
        fmt = QTextCharFormat()
        fmt.setBackground(SPOKEN_COLOR)
        fmt.setForeground(SPOKEN_TEXT_COLOR)
        fmt.setProperty(QTextFormat.Property.FontWeight, int(QFont.Weight.DemiBold))
        selection.format = fmt  # type: ignore[attr-defined]
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
        if event.type() == QEvent.Type.ToolTip:
            cursor = self.cursorForPosition(event.pos())  # type: ignore[attr-defined]
            number, offset = cursor.blockNumber(), cursor.positionInBlock()
            text = self.span_tooltip(number, offset)
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())  # type: ignore[attr-defined]
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

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().resizeEvent(event)
        self._update_gutter_width()
        area = self.contentsRect()
        self._gutter.setGeometry(QRect(area.left(), area.top(), self.gutter_width(), area.height()))

    def _visible_blocks(self):  # type: ignore[no-untyped-def]
        block = self.firstVisibleBlock()
        offset = self.contentOffset()
        while block.isValid():
            geometry = self.blockBoundingGeometry(block).translated(offset)
            if geometry.top() > self.viewport().height():
                break
            yield block, int(geometry.top()), int(geometry.height())
            block = block.next()

    def paint_gutter(self, gutter: QWidget, event: QPaintEvent) -> None:
        painter = QPainter(gutter)
        painter.fillRect(event.rect(), QColor("#eef0f3"))
        if self._chapter is None:
            painter.end()
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        line = self.fontMetrics().height()
        width = gutter.width()
        area = event.rect()
        for block, top, height in self._visible_blocks():
            number = block.blockNumber()
            if number >= len(self._chapter.paragraphs) or top > area.bottom():
                break
            if top + height < area.top():
                continue
            painter.setPen(QColor("#8a8f98"))
            painter.drawText(QRect(0, top, width - 26, line), Qt.AlignmentFlag.AlignRight, str(number + 1))
            # the preview button
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#3b7dd8"))
            x, y = width - 18, top + line // 2
            painter.drawPolygon(QPolygon([QPoint(x, y - 5), QPoint(x, y + 5), QPoint(x + 8, y)]))
            paragraph = self._chapter.paragraphs[number]
            if not paragraph.voice.is_empty():
                painter.setBrush(QColor("#8a4fd8"))
                painter.drawEllipse(QPoint(width - 24, y), 3, 3)
            if number in self._problems:
                painter.setBrush(QColor("#d02020"))
                painter.drawRect(2, top + 2, 3, line - 4)
        painter.end()

    def _block_at_y(self, y: int) -> QTextBlock | None:
        for block, top, height in self._visible_blocks():
            if top <= y < top + height:
                return block
        return None

    def gutter_clicked(self, pos: QPoint) -> None:
        block = self._block_at_y(pos.y())
        if block is None or self._chapter is None:
            return
        if pos.x() >= self._gutter.width() - 20:
            emit(self.preview_requested, block.blockNumber())
        else:
            cursor = QTextCursor(block)
            cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
            self.setTextCursor(cursor)

    def gutter_tooltip(self, pos: QPoint) -> str:
        block = self._block_at_y(pos.y())
        if block is None or self._chapter is None:
            return ""
        number = block.blockNumber()
        paragraph = self._chapter.paragraphs[number]
        book = self.book_document.require_book()
        voice = self.book_document.voice_label(book.effective_voice(self._chapter, paragraph))
        lines = [self.tr("Paragraph {n}: {chars} characters, voice {voice}").format(
            n=number + 1, chars=len(paragraph.text), voice=voice)]
        if not paragraph.voice.is_empty():
            lines.append(self.tr("This paragraph has its own voice."))
        lines += ["⚠ " + problem_text(p, self.book_document) for p in self.problems(number)]
        if pos.x() >= self._gutter.width() - 20:
            lines.insert(0, self.tr("Preview this paragraph (F5)"))
        return "\n".join(lines)


def problem_text(problem: EmotionProblem, document: BookDocument) -> str:
    """A problem in the user's language."""
    from PySide6.QtCore import QCoreApplication

    voice = document.voice_label(VoiceSettings(engine=_engine_of(problem, document), voice=problem.voice))
    category = problem.span.category
    texts = {
        "no-emotions": QCoreApplication.translate(
            "Problems", "The voice {voice} has no emotions: remove “{category}” or choose a multi-emotion voice."),
        "unsupported": QCoreApplication.translate(
            "Problems", "The voice {voice} does not support the emotion “{category}”."),
        "intensity": QCoreApplication.translate(
            "Problems", "The intensity of “{category}” must be between 0.01 and 2.0."),
        "range": QCoreApplication.translate("Problems", "The emotion “{category}” lies outside the text."),
        "overlap": QCoreApplication.translate("Problems", "The emotion “{category}” overlaps another emotion."),
        "empty": QCoreApplication.translate("Problems", "An emotion has no category."),
    }
    return texts.get(problem.kind, problem.message).format(voice=voice, category=category)


def _engine_of(problem: EmotionProblem, document: BookDocument) -> str | None:
    book = document.book
    if book is None or problem.chapter >= len(book.chapters):
        return None
    chapter = book.chapters[problem.chapter]
    if problem.paragraph >= len(chapter.paragraphs):
        return None
    return book.effective_voice(chapter, chapter.paragraphs[problem.paragraph]).engine


class EditorPanel(QWidget):
    """The central area: a header, the editor, and a legend of the emotions used in the chapter.

    Owns the editing actions that depend on the cursor (insert/remove emotion, paragraph voice).

    Signals:
        preview_paragraph(int, int): chapter row and paragraph to preview.
        message(str): a short status-bar message.
    """

    preview_paragraph = Signal(int, int)
    message = Signal(str)

    def __init__(self, document: BookDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.book_document = document
        # elided, not a QLabel: a long chapter title or voice name must not widen the whole window
        self.header = StatusLabel(min_chars=40)
        self.header.setObjectName("editor_header")
        font = self.header.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.header.setFont(font)
        self.editor = ParagraphEditor(document, self)
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.problem_label = QLabel()
        self.problem_label.setStyleSheet("color: #c01818;")
        bottom = QHBoxLayout()
        bottom.addWidget(self.legend, 1)
        bottom.addWidget(self.problem_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 2)
        layout.addWidget(self.header)
        layout.addWidget(self.editor, 1)
        layout.addLayout(bottom)

        self.emotion_menu = EmotionMenu(self)
        self.emotion_menu.chosen.connect(self.insert_emotion)
        self.insert_emotion_action = QAction(self.tr("Insert &Emotion…"), self)
        self.insert_emotion_action.setShortcut(QKeySequence("Ctrl+E"))
        self.insert_emotion_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.insert_emotion_action.triggered.connect(self.show_emotion_menu)
        self.remove_emotion_action = QAction(self.tr("&Remove Emotion"), self)
        self.remove_emotion_action.setShortcut(QKeySequence("Ctrl+Shift+E"))
        self.remove_emotion_action.triggered.connect(self.remove_emotion)
        self.preview_action = QAction(self.tr("&Preview Paragraph"), self)
        self.preview_action.setShortcut(QKeySequence("F5"))
        self.preview_action.triggered.connect(self._preview_cursor_paragraph)
        self.clear_voice_action = QAction(self.tr("Clear Paragraph Voice"), self)
        self.clear_voice_action.triggered.connect(self.clear_paragraph_voice)

        self.editor.preview_requested.connect(lambda n: emit(self.preview_paragraph, self.editor.chapter_row(), n))
        self.editor.refused.connect(self.message)
        self.editor.problems_changed.connect(self._update_legend)
        self.editor.selectionChanged.connect(self.update_actions)
        self.editor.cursorPositionChanged.connect(self.update_actions)
        self.extra_context_actions: list[QAction] = []
        self.editor.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.editor.customContextMenuRequested.connect(self._context_menu)
        document.voices_changed.connect(self.update_actions)
        document.voices_changed.connect(self._update_header)
        document.paragraphs_changed.connect(self._paragraphs_changed)
        document.structure_changed.connect(self._structure_changed)
        document.paragraph_changed.connect(lambda _r, _p: self._update_legend())
        self.show_chapter(None)

    # -- chapter ------------------------------------------------------------------------------------------------
    def show_chapter(self, chapter: Chapter | None) -> None:
        if chapter is not None and chapter is self.editor.chapter():
            return
        self.editor.set_chapter(chapter)
        self._update_header()
        self._update_legend()
        self.update_actions()

    def _paragraphs_changed(self, row: int) -> None:
        if self.editor.chapter() is not None and (row == self.editor.chapter_row() or self.editor.chapter_row() < 0):
            self.editor.reload()
            self._update_header()
            self.update_actions()

    def _structure_changed(self) -> None:
        if self.editor.chapter() is not None and self.editor.chapter_row() < 0:
            self.show_chapter(None)
        self._update_header()

    def _update_header(self) -> None:
        chapter = self.editor.chapter()
        row = self.editor.chapter_row()
        if chapter is None or row < 0:
            self.header.setText(self.tr("No chapter selected"))
            return
        voice = self.book_document.voice_label(self.book_document.effective_voice(row))
        self.header.setText(self.tr("{title} — {n} paragraphs — voice: {voice}").format(
            title=chapter.title, n=len(chapter.paragraphs), voice=voice))

    def _update_legend(self) -> None:
        chapter = self.editor.chapter()
        categories: list[str] = []
        if chapter is not None:
            for paragraph in chapter.paragraphs:
                for span in paragraph.emotions:
                    if span.category not in categories:
                        categories.append(span.category)
        catalogue = self.book_document.catalogue
        parts = []
        for category in categories:
            label = catalogue.emotion_label(category, ui_language_code()) if catalogue else category
            parts.append(f'<span style="background:{emotion_color(category).name()}">&nbsp;{_html(label)}'
                         f'&nbsp;</span>')
        self.legend.setText((self.tr("Emotions:") + " " + " ".join(parts)) if parts else "")
        count = len(self.editor.problems())
        self.problem_label.setText(self.tr("⚠ {n} emotion problems (wavy underline)").format(n=count)
                                   if count else "")

    # -- actions ------------------------------------------------------------------------------------------------
    def _current_voice(self, paragraph: int | None = None) -> VoiceSettings | None:
        row = self.editor.chapter_row()
        if row < 0:
            return None
        number = self.editor.cursor_paragraph() if paragraph is None else paragraph
        chapter = self.editor.chapter()
        if chapter is None or not 0 <= number < len(chapter.paragraphs):
            return self.book_document.effective_voice(row)
        return self.book_document.effective_voice(row, number)

    def emotion_unavailable_reason(self) -> str | None:
        """Why "Insert emotion" cannot be used right now, or None if it can."""
        if self.editor.chapter() is None or self.editor.isReadOnly():
            return self.tr("Open a chapter and select some text first.")
        voice = self._current_voice()
        if voice is not None:
            supported = self.book_document.supported_emotions(voice)
            if supported is None:
                return self.tr("The voice {voice} is not in the voice catalogue, so its emotions are unknown. "
                               "Choose a voice from the Voices panel to use emotions.").format(
                    voice=self.book_document.voice_label(voice))
            if not supported:
                return self.tr("The voice {voice} has no emotions. Choose a multi-emotion voice in the Voices "
                               "panel (filter Emotion: any) to use emotions.").format(
                    voice=self.book_document.voice_label(voice))
        if not self.editor.textCursor().hasSelection():
            return self.tr("Select the text the emotion should cover.")
        if self.editor.selection_in_paragraph() is None:
            return self.tr("Select text within one paragraph.")
        return None

    def update_actions(self) -> None:
        reason = self.emotion_unavailable_reason()
        self.insert_emotion_action.setEnabled(reason is None)
        self.insert_emotion_action.setToolTip(reason or self.tr("Give the selected text an emotion (Ctrl+E)."))
        if reason is None:
            self._fill_emotion_menu()
            self.emotion_menu.setToolTip("")
        else:
            self.emotion_menu.set_unavailable(reason)
        has_paragraph = self.editor.chapter() is not None and bool(self.editor.selected_paragraphs())
        number = self.editor.cursor_paragraph()
        chapter = self.editor.chapter()
        has_span = chapter is not None and 0 <= number < len(chapter.paragraphs) and bool(
            chapter.paragraphs[number].emotions)
        self.remove_emotion_action.setEnabled(has_span)
        self.preview_action.setEnabled(has_paragraph)
        self.clear_voice_action.setEnabled(has_paragraph and chapter is not None and any(
            not chapter.paragraphs[n].voice.is_empty() for n in self.editor.selected_paragraphs()))

    def _fill_emotion_menu(self) -> None:
        voice = self._current_voice()
        catalogue = self.book_document.catalogue
        # a voice the catalogue does not know gets no categories: the vendor might reject any of them
        supported = (self.book_document.supported_emotions(voice) if voice is not None else None) or ()
        language = ui_language_code()
        self.emotion_menu.set_categories(
            [(key, catalogue.emotion_label(key, language) if catalogue else key) for key in supported])

    def show_emotion_menu(self) -> None:
        self.update_actions()
        if not self.insert_emotion_action.isEnabled():
            emit(self.message, self.insert_emotion_action.toolTip())
            return
        rect = self.editor.cursorRect()
        self.emotion_menu.popup(self.editor.viewport().mapToGlobal(rect.bottomLeft()))

    def insert_emotion(self, category: str, intensity: float) -> None:
        where = self.editor.selection_in_paragraph()
        row = self.editor.chapter_row()
        if where is None or row < 0:
            emit(self.message, self.tr("Select text within one paragraph."))
            return
        number, start, end = where
        try:
            self.book_document.insert_emotion(row, number, start, end, category, intensity)
        except EditError as exc:
            emit(self.message, str(exc))

    def remove_emotion(self) -> None:
        row = self.editor.chapter_row()
        cursor = self.editor.textCursor()
        block = self.editor.document().findBlock(cursor.selectionStart())
        start = cursor.selectionStart() - block.position()
        end = min(cursor.selectionEnd() - block.position(), block.length() - 1)
        try:
            self.book_document.remove_emotions(row, block.blockNumber(), start, end)
        except EditError as exc:
            emit(self.message, str(exc))

    def _preview_cursor_paragraph(self) -> None:
        number = self.editor.cursor_paragraph()
        if self.editor.chapter_row() >= 0 and number >= 0:
            emit(self.preview_paragraph, self.editor.chapter_row(), number)

    def clear_paragraph_voice(self) -> None:
        from studio.core.book_edit import VoiceTarget

        row = self.editor.chapter_row()
        targets = [VoiceTarget(row, n) for n in self.editor.selected_paragraphs()]
        try:
            self.book_document.assign_voice(targets, VoiceSettings())
        except EditError as exc:
            emit(self.message, str(exc))

    def build_context_menu(self, pos: QPoint) -> QMenu:
        menu = self.editor.createStandardContextMenu(pos)
        for action in menu.actions():  # the widget's own undo would bypass the undo stack
            if action.objectName() in ("edit-undo", "edit-redo"):
                menu.removeAction(action)
        menu.addSeparator()
        self.update_actions()
        emotion = menu.addMenu(self.emotion_menu)
        emotion.setEnabled(self.insert_emotion_action.isEnabled())
        emotion.setToolTip(self.insert_emotion_action.toolTip())
        menu.setToolTipsVisible(True)
        menu.addAction(self.remove_emotion_action)
        menu.addSeparator()
        menu.addAction(self.preview_action)
        for action in self.extra_context_actions:
            menu.addAction(action)
        menu.addAction(self.clear_voice_action)
        return menu

    def _context_menu(self, pos: QPoint) -> None:
        menu = self.build_context_menu(pos)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.editor.viewport().mapToGlobal(pos))


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
