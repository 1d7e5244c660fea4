"""Keeps the chapter list's render status column current, computed off the UI thread.

What a chapter's status is (not rendered / done / stale / failed...) is decided by the Qt-free session
(``studio.render.session.statuses.chapter_statuses``), the same code ``studio`` uses headless. Hashing every
unit and checking every file is too slow for the UI thread on a long book, so it runs in a ``BackgroundTask``
after edits settle (debounced), and a result for an outdated revision is dropped.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from studio.core.book import Book
from studio.gui.document import BookDocument
from studio.gui.qtcompat import emit
from studio.gui.workers import BackgroundTask

log = logging.getLogger("studio.gui.status")

DEBOUNCE_MS = 400


def chapter_statuses(folder: Path, book: Book) -> list[str]:
    """One status per chapter of ``book`` (runs on a worker thread, with its own Project connection)."""
    from studio.core.project import Project
    from studio.render.session.statuses import chapter_statuses as statuses_of

    with Project.open(folder) as project:
        return statuses_of(project, book)


class StatusController(QObject):
    """Keeps the chapter model's status column current.

    Signals:
        updated(): statuses for the current revision arrived (tests wait on it).
    """

    updated = Signal()

    def __init__(self, document: BookDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.refresh_now)
        self._task: BackgroundTask | None = None
        self._again = False
        self._stopped = False
        document.book_replaced.connect(self.refresh_now)
        document.changed.connect(self.schedule)

    def schedule(self) -> None:
        if not self._stopped:
            self._timer.start()

    def stop(self) -> None:
        """The window is closing: start no more checks (one started now would outlive the window)."""
        self._stopped = True
        self._timer.stop()

    def refresh_now(self) -> None:
        self._timer.stop()
        if self._stopped or self.document.book is None or self.document.folder is None:
            return
        if self._task is not None:
            self._again = True
            return
        book, revision = self.document.snapshot()
        folder = self.document.folder
        task = BackgroundTask(lambda _r, _c: chapter_statuses(folder, book), self, pool="status")
        task.succeeded.connect(lambda statuses: self._apply(folder, revision, statuses))
        task.failed.connect(lambda exc: log.warning("could not compute chapter statuses: %s", exc))
        task.finished.connect(self._finished)
        self._task = task
        task.start()

    def _apply(self, folder: Path, revision: int, statuses: list[str]) -> None:
        if folder == self.document.folder and revision == self.document.revision:
            self.document.chapters.set_statuses(statuses)
            emit(self.updated)
        else:
            self._again = True

    def _finished(self) -> None:
        self._task = None
        if self._again:
            self._again = False
            self.schedule()
