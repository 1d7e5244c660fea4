"""The editor's gutter: paragraph numbers, the ▶ preview button, a dot for a paragraph's own voice, and marks
for emotion problems and changed pronunciations; clicks and tooltips on them.

Why a module of its own: it reads the editor (visible blocks, the chapter, problems) but the editor does not
depend on how the gutter paints, so the widget can change without touching text editing. Its texts keep the
``ParagraphEditor`` translation context they had when the gutter was part of the editor.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QHelpEvent, QMouseEvent, QPainter, QPaintEvent, QPolygon, QTextBlock, QTextCursor
from PySide6.QtWidgets import QToolTip, QWidget

from studio.gui.emotion_marks import problem_text
from studio.gui.polyphone_menu import STALE_COLOR
from studio.gui.qtcompat import emit

if TYPE_CHECKING:
    from studio.gui.editor import ParagraphEditor

#: Texts are spelled out as QCoreApplication.translate("ParagraphEditor", ...) for lupdate (literals only).
#: The ▶ button's strip at the gutter's right edge (pixels).
_BUTTON_STRIP = 20


class ParagraphGutter(QWidget):
    """Painted beside the editor's text; the editor sizes and places it (``gutter_width``, ``resizeEvent``)."""

    def __init__(self, editor: ParagraphEditor) -> None:
        super().__init__(editor)
        self._editor = editor
        self.setMouseTracking(True)

    def sizeHint(self) -> QSize:
        return QSize(self._editor.gutter_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        editor = self._editor
        chapter = editor.chapter()
        painter = QPainter(self)
        painter.fillRect(event.rect(), QColor("#eef0f3"))
        if chapter is None:
            painter.end()
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        line = editor.fontMetrics().height()
        width = self.width()
        area = event.rect()
        for block, top, height in self._visible_blocks():
            number = block.blockNumber()
            if number >= len(chapter.paragraphs) or top > area.bottom():
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
            paragraph = chapter.paragraphs[number]
            if not paragraph.voice.is_empty():
                painter.setBrush(QColor("#8a4fd8"))
                painter.drawEllipse(QPoint(width - 24, y), 3, 3)
            if editor.problems(number):
                painter.setBrush(QColor("#d02020"))
                painter.drawRect(2, top + 2, 3, line - 4)
            if editor.reading_stale(number):  # a reading changed since the last render: it renders again
                painter.setBrush(STALE_COLOR)
                painter.drawRect(6, top + 2, 3, line - 4)
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.clicked(event.position().toPoint())

    def event(self, event: QEvent) -> bool:
        if isinstance(event, QHelpEvent) and event.type() == QEvent.Type.ToolTip:
            text = self.tooltip(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def clicked(self, pos: QPoint) -> None:
        """▶ previews the paragraph at ``pos``; elsewhere the click selects the whole paragraph."""
        editor = self._editor
        block = self._block_at_y(pos.y())
        if block is None or editor.chapter() is None:
            return
        if pos.x() >= self.width() - _BUTTON_STRIP:
            emit(editor.preview_requested, block.blockNumber())
        else:
            cursor = QTextCursor(block)
            cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
            editor.setTextCursor(cursor)

    def tooltip(self, pos: QPoint) -> str:
        """What the paragraph at ``pos`` is: length, voice, problems, a changed pronunciation; "" off text."""
        editor = self._editor
        chapter = editor.chapter()
        block = self._block_at_y(pos.y())
        if block is None or chapter is None:
            return ""
        number = block.blockNumber()
        paragraph = chapter.paragraphs[number]
        document = editor.book_document
        book = document.require_book()
        voice = document.voice_label(book.effective_voice(chapter, paragraph))
        lines = [QCoreApplication.translate("ParagraphEditor", "Paragraph {n}: {chars} characters, voice {voice}")
                 .format(n=number + 1, chars=len(paragraph.text), voice=voice)]
        if not paragraph.voice.is_empty():
            lines.append(QCoreApplication.translate("ParagraphEditor", "This paragraph has its own voice."))
        lines += ["⚠ " + problem_text(p, document) for p in editor.problems(number)]
        if editor.reading_stale(number):
            lines.append(QCoreApplication.translate(
                "ParagraphEditor", "The pronunciation changed: this paragraph will be rendered again."))
        if pos.x() >= self.width() - _BUTTON_STRIP:
            lines.insert(0, QCoreApplication.translate("ParagraphEditor", "Preview this paragraph (F5)"))
        return "\n".join(lines)

    def _visible_blocks(self) -> Iterator[tuple[QTextBlock, int, int]]:
        editor = self._editor
        block = editor.firstVisibleBlock()
        offset = editor.contentOffset()
        while block.isValid():
            geometry = editor.blockBoundingGeometry(block).translated(offset)
            if geometry.top() > editor.viewport().height():
                break
            yield block, int(geometry.top()), int(geometry.height())
            block = block.next()

    def _block_at_y(self, y: int) -> QTextBlock | None:
        for block, top, height in self._visible_blocks():
            if top <= y < top + height:
                return block
        return None
