"""Per-chapter render status (not rendered / done / stale / failed), computed off the UI thread.

A chapter's status is derived, never stored: plan the book as it is now (``plan_book``) and ask the project's
audio cache which units already have audio (``Project.rendered_unit``). Every edit changes some cache keys, so
this is exactly "done", "partly rendered" (some paragraphs have audio, some do not) or "not rendered"; a chapter
is "stale after edit" when the last render's plan had audio for it under keys the chapter no longer has. Units
the last render failed on are kept in the project (``render_failures``) so "failed" survives a restart.
Hashing every unit and checking every file is too slow for the UI thread on a long book, so it runs in a
``BackgroundTask`` after edits settle (debounced), and a result for an outdated revision is dropped.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from studio.core.book import Book
from studio.gui.chapter_model import (
    STATUS_DONE,
    STATUS_EMPTY,
    STATUS_FAILED,
    STATUS_NONE,
    STATUS_PARTIAL,
    STATUS_STALE,
)
from studio.gui.document import BookDocument
from studio.gui.project_controller import RENDER_FAILURES
from studio.gui.qtcompat import emit
from studio.gui.workers import BackgroundTask

log = logging.getLogger("studio.gui.status")

DEBOUNCE_MS = 400


def chapter_statuses(folder: Path, book: Book) -> list[str]:
    """One status per chapter of ``book`` from the project's audio cache (runs on a worker thread)."""
    from studio.core.project import Project
    from studio.render.job_store import plan_project

    with Project.open(folder) as project:
        plan = plan_project(project, book)
        current = {unit.cache_key for unit in plan.units}
        failures = set(project.get_meta(RENDER_FAILURES) or [])
        # Audio the last render made for a chapter that its text or voice no longer matches: edited since.
        # (Chapter indices of that plan; after a reorder a partly rendered chapter may be called stale.)
        edited = {row["chapter_index"] for row in project.render_status_rows()
                  if row["rendered"] and row["cache_key"] not in current}
        done = [0] * len(book.chapters)
        total = [0] * len(book.chapters)
        failed = [False] * len(book.chapters)
        for unit in plan.units:
            total[unit.chapter_index] += 1
            if project.rendered_unit(unit.cache_key) is not None:
                done[unit.chapter_index] += 1
            elif unit.cache_key in failures:
                failed[unit.chapter_index] = True
    statuses = []
    for ci in range(len(book.chapters)):
        if failed[ci]:
            statuses.append(STATUS_FAILED)
        elif total[ci] == 0:
            statuses.append(STATUS_EMPTY)
        elif done[ci] == total[ci]:
            statuses.append(STATUS_DONE)
        elif ci in edited:
            statuses.append(STATUS_STALE)
        elif done[ci]:
            statuses.append(STATUS_PARTIAL)
        else:
            statuses.append(STATUS_NONE)
    return statuses


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
