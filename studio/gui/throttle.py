"""Coalesce a fast stream of updates so widgets see at most one batch per interval.

A render can report a thousand unit changes a second; repainting a table and a progress bar for each would
starve the UI thread. ``Throttle.push`` only appends to a list; a single-shot QTimer delivers everything
collected so far as one batch, at most once per ``interval_ms``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from studio.gui.qtcompat import emit


class Throttle(QObject):
    """Batch values pushed from anywhere on the UI thread.

    Signals:
        flushed(list): the values pushed since the previous batch, oldest first.
    """

    flushed = Signal(list)

    def __init__(self, interval_ms: int = 100, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: list[Any] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.flush)
        self.batches = 0

    @Slot(object)
    def push(self, value: Any) -> None:
        self._pending.append(value)
        if not self._timer.isActive():
            self._timer.start()

    @Slot()
    def flush(self) -> None:
        """Deliver what is pending now (also called when the producer finishes)."""
        self._timer.stop()
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        self.batches += 1
        emit(self.flushed, batch)
