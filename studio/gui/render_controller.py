"""Rendering from the window: ``studio.render.session.run.render_book`` in a ``BackgroundTask``, watched unit by unit.

What a render covers (the book, some chapters, some units), the "unfinished render" flag and the memory of
failed units are the session's (Qt-free, shared with ``studio render --chapters/--retry-failed``); this module
only drives it and feeds the job monitor.

The scheduler reports one ``RenderProgress`` per state change (unit, state, vendor task id, vendor code and
message, attempts, plus overall counts, ETA and cost). The task hands them to the UI thread (see
``workers.BackgroundTask``) and a ``Throttle`` batches them: however fast units change, the job table and the
progress bar are updated at most ten times a second. The scheduler's vendor calls run on a ``QtWorkerPool``
(QThreads); pause, resume and cancel (all, or one unit) go through a ``RenderControl``.

Emotion markup is checked before the render starts, so nothing the vendor would reject is ever sent.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, Signal

from studio.core.book import Book, VoiceSettings
from studio.core.book_edit import EmotionProblem
from studio.core.errors import CancelledError
from studio.gui.document import BookDocument
from studio.gui.job_model import CREDIT_ROWS, JobRow, JobTableModel
from studio.gui.qtcompat import emit
from studio.gui.settings import ENGINES, Settings
from studio.gui.throttle import Throttle
from studio.gui.workers import BackgroundTask, QtWorkerPool, lower_child_priority
from studio.render.job_store import LIVE_STATES, JobState
from studio.render.session.units import UNIT_STATES, PlannedUnit
from studio.render.steady_progress import SteadyProgress

if TYPE_CHECKING:  # the pipeline is imported with the first render, not when the window starts
    from studio.engines.registry import EngineOptions
    from studio.render.control import RenderControl
    from studio.render.events import RenderProgress
    from studio.render.session.run import RenderSummary

# A render that stops within this long closes without a progress window.
FAST_STOP_MS = 300

log = logging.getLogger("studio.gui.render")

Report = Callable[[Any], None]


class _Reporter:
    """Hands render events to the UI thread and lowers new synthesizer processes' priority (scheduler thread)."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self._reniced_at = 0.0

    def __call__(self, event: Any) -> None:
        if event.state in (JobState.SUBMITTED, JobState.RUNNING) and time.monotonic() - self._reniced_at > 0.5:
            self._reniced_at = time.monotonic()
            lower_child_priority()  # new synthesizer processes start with the first submissions
        self.report(("progress", event))


def render_book(folder: Path, book: Book, chapters: Sequence[int] | None, concurrency: dict[str, int],
                options: EngineOptions, prices: dict[str, float], control: RenderControl, report: Report,
                cancel: threading.Event, keys: frozenset[str] | None = None,
                credits: str | None = None) -> RenderSummary:
    """``studio.render.session.run.render_book`` on a worker thread, with its own Project connection and the
    window's QThread pool doing the vendor calls (``keys``: only those units, as Retry does)."""
    from studio.core.project import Project
    from studio.render.session.run import render_book as render_session

    pool = QtWorkerPool(name="render")
    try:
        with Project.open(folder) as project:
            return render_session(project, book, chapters=chapters, units=keys, pool=pool, engine_options=options,
                                  control=control, progress=_Reporter(report),
                                  on_plan=lambda planned: report(("plan", planned)), cancel=cancel,
                                  prices=prices, max_in_flight=concurrency, credits=credits)
    finally:
        pool.shutdown(wait=True)


@dataclass(frozen=True)
class OverallProgress:
    characters_done: int
    characters_total: int
    units_done: int
    units_total: int
    eta_seconds: float | None
    cost: float | None
    paused: bool = False


class RenderController(QObject):
    """Starts, pauses and cancels renders and keeps the job model and overall progress current.

    Signals:
        started(): a render began (the plan is not known yet).
        progress(object): an ``OverallProgress``, at most ten times a second.
        paused_changed(bool): the render was paused or resumed.
        finished(bool, str): whether it completed, and a message for the status bar.
        blocked(list): the render did not start: these ``EmotionProblem``s must be fixed first.
        units_done(): some units changed state (chapter statuses may change: queued, rendering, done, failed).
        restored(object): the job table shows a stored, unfinished render (a ``ResumeInfo``) after opening.
    """

    started = Signal()
    progress = Signal(object)
    paused_changed = Signal(bool)
    finished = Signal(bool, str)
    blocked = Signal(list)
    units_done = Signal()
    restored = Signal(object)

    def __init__(self, document: BookDocument, settings: Settings, jobs: JobTableModel,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.settings = settings
        self.jobs = jobs
        self.throttle = Throttle(100, self)
        self.throttle.flushed.connect(self._apply_batch)
        self._task: BackgroundTask | None = None
        self._control: RenderControl | None = None
        self._last: RenderProgress | None = None
        self._paused = False
        self._chapters: list[int] | None = None
        self._credits: str | None = None  # what the last render did with the credits (Retry Failed does it again)
        self._cancelled_all = False  # Cancel All (or closing), as opposed to cancelling single units
        self._keys: frozenset[str] | None = None
        self._previous: dict[str, JobRow] = {}
        self._started_at = 0.0
        self._chars_at_start = 0
        self._steady = SteadyProgress()  # the drawer's characters never move backwards within a render
        self.revision_at_start = -1
        self.events_seen = 0

    def is_running(self) -> bool:
        return self._task is not None

    def can_pause(self) -> bool:
        return self._control is not None

    def is_paused(self) -> bool:
        return self._paused

    def start(self, chapters: Sequence[int] | None = None,
              keys: Iterable[str] | None = None, *, credits: str | None = None) -> BackgroundTask | None:
        """Render the whole book (or some chapters, or only the units ``keys``; ``credits="only"``: the opening
        and closing credits alone, as ``studio render --credits``). Returns None if nothing started (see
        ``blocked``).

        A render of some units updates their rows in the job table and leaves the other rows as they are.
        """
        if self._task is not None or self.document.book is None or self.document.folder is None:
            return None
        only = frozenset(keys) if keys is not None else None
        if only is not None:
            known = {row.cache_key: row for row in self.jobs.rows() if row.cache_key in only}
            chapters = sorted({row.chapter_index for row in known.values()})
            if not chapters:
                return None
            if any(row.paragraphs and row.paragraphs[0] in CREDIT_ROWS for row in known.values()):
                credits = credits or "with"  # Retry on a credit's row: the credits are planned too
        problems: list[EmotionProblem] = [] if credits == "only" else self.document.emotion_problems(chapters)
        if problems:
            emit(self.blocked, problems)
            return None
        book, self.revision_at_start = self.document.snapshot()
        folder = self.document.folder
        concurrency = {engine: self.settings.concurrency(engine) for engine in ENGINES}
        prices = {engine: self.settings.price_per_10k(engine) for engine in ENGINES}
        prices = {engine: price for engine, price in prices.items() if price > 0}
        options = self.settings.engine_options()
        if only is None:
            self._chapters = list(chapters) if chapters is not None else None
            self._credits = credits
        self._keys = only
        self._cancelled_all = False
        selected = list(chapters) if chapters is not None else None
        from studio.render.control import RenderControl

        control = RenderControl()
        task = BackgroundTask(lambda report, cancel: render_book(folder, book, selected, concurrency, options,
                                                                 prices, control, report, cancel, only,
                                                                 credits),
                              self, pool="render")
        task.progress.connect(self.throttle.push)
        task.succeeded.connect(self._succeeded)
        task.failed.connect(self._failed)
        task.finished.connect(self._finished)
        self._task = task
        self._control = control
        self._last = None
        self._steady = SteadyProgress()
        self._paused = False
        if only is None:
            self._previous = {row.cache_key: row for row in self.jobs.rows()}
            self.jobs.set_plan([])
        emit(self.started)
        task.start()
        return task

    def cancel(self) -> None:
        self._cancelled_all = True
        if self._task is not None:
            if self._control is not None:
                self._control.cancel()
            self._task.cancel()

    def cancel_unit(self, cache_key: str) -> None:
        if self._control is not None:
            self._control.cancel(cache_key)

    def retry_units(self, keys: Iterable[str]) -> BackgroundTask | None:
        """Render just these units again (finished ones come from the cache)."""
        return self.start(keys=keys)

    def shutdown(self, timeout_ms: int = 45_000) -> None:
        """Closing: cancel the render and wait for it to stop, however long an in-flight vendor call takes.

        A submission already sent may be paid for: the scheduler waits (up to its drain timeout) for its
        answer and commits the task id, so the next render polls that task instead of paying again. This
        wait is longer than ``BackgroundTask.cancel_all``'s, which would otherwise abandon the thread.
        """
        task = self._task
        if task is None:
            return
        self.cancel()
        started = time.monotonic()
        if self._wait_visibly(task, timeout_ms):
            if shiboken6.isValid(task):
                task.deliver_now()
        else:
            log.error("the render did not stop within %d ms", timeout_ms)
        log.info("render stopped for closing in %.1f s", time.monotonic() - started)
        self._task = None
        self._control = None

    def _wait_visibly(self, task: BackgroundTask, timeout_ms: int) -> bool:
        """Wait for the render thread; if that takes more than a moment (a vendor call in flight), say so in a
        small progress window that keeps painting, instead of a frozen window that looks hung. User input is
        held back meanwhile: nothing can start while the window closes."""
        if task.wait(FAST_STOP_MS):
            return True
        from PySide6.QtCore import QCoreApplication, QEventLoop, Qt
        from PySide6.QtWidgets import QProgressDialog

        dialog = QProgressDialog(self.tr("Stopping the render: waiting for the vendor to confirm the tasks "
                                         "already sent, so that none is paid for twice…"), "", 0, 0)
        dialog.setWindowTitle(self.tr("Closing"))
        dialog.setCancelButton(None)
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.setMinimumDuration(0)
        dialog.show()
        deadline = time.monotonic() + timeout_ms / 1000
        stopped = False
        try:
            while time.monotonic() < deadline:
                QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents, 50)
                if not shiboken6.isValid(task) or task.wait(50):
                    stopped = True
                    break
        finally:
            dialog.close()
            dialog.deleteLater()
        return stopped

    def show_stored(self, info: Any) -> None:
        """Fill the job table with a stored, unfinished render (``ResumeInfo.units``) right after opening: every
        unit with its last state and vendor task id, before anything runs again."""
        if self._task is not None:
            return
        self._previous = {}
        self.jobs.set_plan(self._rows(info.units, stored=True))
        emit(self.restored, info)

    def clear(self) -> None:
        """Another book was loaded: forget the last render's rows."""
        if self._task is None:
            self._previous = {}
            self._last = None
            self._chapters = None
            self._credits = None
            self.jobs.set_plan([])

    def set_paused(self, paused: bool) -> None:
        """Pausing stops new submissions; tasks already at the vendor finish (and are paid for anyway)."""
        if self._control is None or paused == self._paused:
            return
        if paused:
            self._control.pause()
        else:
            self._control.resume()
        self._paused = paused
        emit(self.paused_changed, paused)
        self._emit_progress()

    def live_statuses(self, current: list[str]) -> list[str] | None:
        """Chapter statuses from the job table while rendering (no re-planning), or None if the book changed
        since the render started (then only a full check, after the render, can tell)."""
        from studio.gui.chapter_model import STATUS_DONE, STATUS_FAILED, STATUS_QUEUED, STATUS_RENDERING

        if self.document.revision != self.revision_at_start:
            return None
        statuses = list(current)
        for chapter, (done, total, failed, active) in self.jobs.chapter_progress().items():
            if not 0 <= chapter < len(statuses):
                continue
            if failed:
                statuses[chapter] = STATUS_FAILED
            elif done == total:
                statuses[chapter] = STATUS_DONE
            elif active or done:
                statuses[chapter] = STATUS_RENDERING
            else:
                statuses[chapter] = STATUS_QUEUED
        return statuses

    def retry_failed(self) -> BackgroundTask | None:
        """Render again what the last render covered: done units come from the cache, failed ones run again."""
        return self.start(self._chapters, credits=self._credits)

    # -- progress -----------------------------------------------------------------------------------------------
    def _apply_batch(self, batch: list[Any]) -> None:
        updates: list[tuple[str, dict[str, Any]]] = []
        any_changed = False
        for kind, payload in batch:
            if kind == "plan":
                self._set_plan(payload)
                continue
            event: RenderProgress = payload
            self.events_seen += 1
            self._last = event
            unit = event.unit
            if unit is None:
                if event.state in ("paused", "resumed"):
                    self._paused = event.state == "paused"
                continue
            state = event.state
            fields: dict[str, Any] = {"message": event.message}
            if state == "retrying":
                state = "queued"
            if state in UNIT_STATES:
                fields["state"] = state
            if event.task_id:
                fields["task_id"] = event.task_id
            if event.vendor_code or state in ("submitted", "done"):
                fields["vendor_code"] = event.vendor_code
            if event.attempts:
                fields["attempts"] = event.attempts
            updates.append((unit.cache_key, fields))
            any_changed = any_changed or state in UNIT_STATES
        if updates:
            self.jobs.apply(updates)
        self._emit_progress()
        if any_changed:
            emit(self.units_done)

    def _set_plan(self, planned: list[PlannedUnit]) -> None:
        self._started_at = time.monotonic()
        self._chars_at_start = sum(u.characters for u in planned if u.cached)
        if self._keys is not None:  # some units again: their rows start over, the others stay
            self.jobs.apply([(u.cache_key, {"state": "done" if u.cached else "queued", "cached": u.cached,
                                            "message": "", "vendor_code": ""}) for u in planned])
            return
        rows = self._rows(planned, stored=False)
        previous, self._previous = self._previous, {}
        for row in rows:
            before = previous.get(row.cache_key)
            if before is not None and not row.cached and before.state in LIVE_STATES and before.task_id:
                # still at the vendor: the resumed render polls this task, the row keeps showing it
                row.state, row.task_id, row.attempts = before.state, before.task_id, before.attempts
        self.jobs.set_plan(rows)

    def _rows(self, units: Iterable[Any], *, stored: bool) -> list[JobRow]:
        """Job rows for planned (``PlannedUnit``) or stored (``StoredUnit``) units, with chapter titles and voice
        labels from the document."""
        label_cache: dict[tuple[str, str], str] = {}
        book = self.document.book
        rows = []
        for unit in units:
            label = label_cache.get((unit.engine, unit.voice))
            if label is None:
                label = self.document.voice_label(VoiceSettings(engine=unit.engine, voice=unit.voice))
                label_cache[(unit.engine, unit.voice)] = label
            credit = CREDIT_ROWS.get(unit.paragraphs[0]) if unit.paragraphs else None
            if credit is not None:
                title = self.tr("Opening credits") if credit == "opening" else self.tr("Closing credits")
            elif book and unit.chapter_index < len(book.chapters):
                title = book.chapters[unit.chapter_index].title
            else:
                title = str(unit.chapter_index + 1)
            if stored:
                rows.append(JobRow(unit.cache_key, unit.chapter_index, unit.paragraphs, title, unit.engine, label,
                                   unit.characters, state=unit.state if unit.state in UNIT_STATES else JobState.QUEUED,
                                   task_id=unit.task_id, vendor_code=unit.vendor_code, message=unit.message,
                                   attempts=unit.attempts))
            else:
                rows.append(JobRow(unit.cache_key, unit.chapter_index, unit.paragraphs, title, unit.engine, label,
                                   unit.characters, state="done" if unit.cached else "queued", cached=unit.cached))
        return rows

    def _emit_progress(self) -> None:
        last = self._last
        if last is None:
            return
        eta = last.eta_s
        if eta is None:
            elapsed = time.monotonic() - self._started_at
            rendered = last.characters_done - self._chars_at_start
            if rendered > 0 and elapsed > 0.5:
                eta = (last.characters_total - last.characters_done) / (rendered / elapsed)
        steady = self._steady.update(last)
        emit(self.progress, OverallProgress(steady.characters_done, steady.characters_total, last.units_done,
                                           last.units_total, eta, last.cost_estimate or None, self._paused))

    # -- the end ------------------------------------------------------------------------------------------------
    def _succeeded(self, summary: RenderSummary) -> None:
        self.throttle.flush()
        self._task = None  # the thread is ending: the window may offer "Render" again
        message = self.tr("Done: {rendered} units rendered and {cached} taken from the cache in {seconds} s.").format(
            rendered=summary.rendered, cached=summary.cached, seconds=f"{summary.seconds:.1f}")
        emit(self.finished, True, message)

    def _failed(self, exc: BaseException) -> None:
        self.throttle.flush()
        self._task = None
        self.jobs.stop_unfinished("cancelled", self._keys)
        if isinstance(exc, CancelledError) and not self._cancelled_all:
            # Only some units were cancelled (per unit, in the job monitor): the rest of the render ran on.
            cancelled = self.jobs.counts().get("cancelled", 0)
            message = self.tr("Render finished; {n} cancelled unit(s) have no audio: select them and press Retry "
                              "to render them.").format(n=cancelled)
        elif isinstance(exc, CancelledError):
            message = self.tr("Render cancelled. Rendered paragraphs are kept; render again to continue.")
        else:
            message = self.tr("Render failed: {error}").format(error=exc)
        emit(self.finished, False, message)

    def _finished(self) -> None:
        self._task = None
        self._control = None
        if self._paused:
            self._paused = False
            emit(self.paused_changed, False)
