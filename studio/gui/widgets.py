"""Small widgets shared by the docks."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget


class StatusLabel(QWidget):
    """A one-line text whose content changes often (progress, ETA) without ever re-laying out the window.

    ``QLabel.setText`` calls ``updateGeometry``; the layout request travels up to the main window, which then
    repaints all of itself, ten times a second during a render. This widget has a fixed size hint, elides long
    text at the end, shows it in full as a tooltip, and ``setText`` only repaints the widget itself.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None, *, min_chars: int = 24) -> None:
        super().__init__(parent)
        self._text = text
        self._min_chars = min_chars
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self.setToolTip(text if len(text) > self._min_chars else "")
            self.update()

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        return QSize(metrics.averageCharWidth() * self._min_chars, metrics.height() + 4)

    def minimumSizeHint(self) -> QSize:
        return QSize(self.fontMetrics().averageCharWidth() * 8, self.sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.contentsRect().adjusted(2, 0, -2, 0)
        text = self.fontMetrics().elidedText(self._text, Qt.TextElideMode.ElideRight, rect.width())
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)
        painter.end()
