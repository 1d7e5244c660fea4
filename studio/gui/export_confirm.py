"""Export with a paid voice: count what the export would render (on a worker thread), ask above the threshold.

Why: Export renders every unit that has no audio yet (a paragraph never rendered or edited since, spoken
titles, the ACX credits). With a cloud voice that is paid synthesis, and the project's rule is that nothing paid
is bought silently: the dialog asks the same question as Render Book (``render_confirm``), with the same numbers
(``studio.render.confirm.estimate_export``, built on the export's own plan). A book with nothing missing, or
voiced only by the offline engine, exports at once as before.

The project is saved first and the estimate reads it as saved, as the export itself does: what is counted is
what the export would send. The estimate imports the exporter, so it runs on a worker (never the UI thread).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from studio.core.book import Book
from studio.core.errors import CancelledError
from studio.gui.project_controller import ProjectController
from studio.gui.settings import ENGINES, Settings
from studio.gui.workers import BackgroundTask

if TYPE_CHECKING:
    from studio.gui.export_choice import ExportChoice

log = logging.getLogger("studio.gui.export")


class ExportConfirm(QObject):
    """The Export dialog's gate before a paid render: ``ask(choice, go)`` calls ``go`` once the author may go on.

    ``show`` puts a line in the dialog's status; ``busy(True)`` while counting (the dialog disables Export).
    ``question`` is the question box while one is shown (None otherwise).
    """

    def __init__(self, parent: QWidget, projects: ProjectController, settings: Settings,
                 show: Callable[[str], None], busy: Callable[[bool], None]) -> None:
        super().__init__(parent)
        self._dialog = parent
        self.projects = projects
        self.settings = settings
        self._show = show
        self._busy = busy
        self._task: BackgroundTask | None = None
        self._waiting: tuple[ExportChoice, Callable[[], object]] | None = None  # counting (saving, then estimating)
        self.question: QMessageBox | None = None
        projects.failed.connect(self._save_failed)

    @staticmethod
    def wanted(book: Book) -> bool:
        """Only a book with a paid voice somewhere can buy anything (the offline engine exports at once)."""
        from studio.render.confirm import uses_paid_engine

        return uses_paid_engine(book)

    def is_counting(self) -> bool:
        return self._waiting is not None

    def ask(self, folder: Path, choice: ExportChoice, go: Callable[[], object]) -> None:
        """Save, count what the export of ``choice`` would render, then ``go`` or ask first."""
        if self._waiting is not None:
            return
        self._waiting = (choice, go)
        self._busy(True)
        self._show(self.tr("Counting what this export would send…"))
        self.projects.save(then=lambda: self._estimate(folder, choice))

    def cancel(self) -> None:
        """Drop the count (the dialog was closed): no question, no export."""
        if self._waiting is None:
            return
        self._waiting = None
        if self._task is not None:  # its late answer must not reach a later count
            self._task.succeeded.disconnect(self._estimated)
            self._task.failed.disconnect(self._failed)
            self._task.cancel()
            self._task = None
        self._busy(False)

    def _estimate(self, folder: Path, choice: ExportChoice) -> None:
        if self._waiting is None or self._waiting[0] is not choice:  # cancelled while saving
            return
        from studio.render.confirm import estimate_export

        prices = {e: p for e in ENGINES if (p := self.settings.price_per_10k(e)) > 0}
        concurrency = {e: self.settings.concurrency(e) for e in ENGINES}
        info, titles, credits = choice.info(), choice.spoken_titles, choice.credits
        # no parent: a closed dialog must not wait for the worker (the task deletes itself when done); its
        # results reach this object's slots only while it exists
        task = BackgroundTask(lambda _report, cancel: estimate_export(
            folder, info=info, spoken_titles=titles, credits=credits, prices=prices, concurrency=concurrency,
            cancel=cancel), None, pool="estimate")
        task.succeeded.connect(self._estimated)
        task.failed.connect(self._failed)
        self._task = task
        task.start()

    @Slot(object)
    def _estimated(self, render: Any) -> None:
        if self._waiting is None:
            return
        from studio.gui.render_confirm import ask_or_go

        _choice, go = self._waiting
        self._waiting, self._task = None, None
        self._busy(False)
        self.question = ask_or_go(
            self._dialog, render, self.settings.confirm_above_chars, go, self._show,
            text=self.tr("This export renders {characters} characters with paid vendors first (more than your "
                         "limit of {limit})."),
            send=self.tr("Render and Export"))
        if self.question is not None:
            self.question.finished.connect(lambda _result: setattr(self, "question", None))

    @Slot(object)
    def _failed(self, exc: Any) -> None:
        if self._waiting is None:
            return
        self._waiting, self._task = None, None
        self._busy(False)
        if isinstance(exc, CancelledError):
            self._show(QCoreApplication.translate("RenderConfirm", "Nothing was sent."))  # Render Book's words
        else:
            log.info("could not estimate the export: %s", exc)
            self._show(self.tr("Nothing was sent: {error}").format(error=exc))

    @Slot(object)
    def _save_failed(self, exc: Any) -> None:
        if self._waiting is not None and self._task is None:  # the save before the count failed
            self._waiting = None
            self._busy(False)
            self._show(self.tr("Nothing was sent: the project could not be saved ({error}).").format(error=exc))
