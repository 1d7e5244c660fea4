"""The one way the GUI runs background work: a function on a QThread, results back on the UI thread.

The UI thread never does network, synthesis, encoding or large file I/O; it starts a ``BackgroundTask`` and
reacts to ``progress``/``succeeded``/``failed``. Workers never touch widgets and never block on dialogs; they
get plain data (snapshots of the book, paths) and open their own ``Project`` connection.

Progress may be reported from any thread (the render scheduler reports from its own thread, engines from pool
threads): ``report`` only appends to a deque, and the task drains it on the UI thread every
``PROGRESS_INTERVAL_MS`` and once more before ``succeeded``/``failed``. So no signal is ever emitted from a
foreign thread, and a flood of reports costs the UI thread one wake-up per interval.

Every task names the pool it belongs to (``project``, ``render``, ``preview``, ``status``, ``export``,
``accounts``) for the log, and so the window can cancel and wait for what still runs on exit
(``BackgroundTask.active``). A finished task deletes itself: drop references to it in ``finished`` handlers.

``QtWorkerPool`` is the ``studio.render.pool.WorkerPool`` the render scheduler gets from the GUI: vendor calls
and downloads run on a ``QThreadPool``'s QThreads.
"""

from __future__ import annotations

import collections
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, ClassVar, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, QThread, QThreadPool, QTimer, Signal, Slot

from studio.gui.qtcompat import emit

log = logging.getLogger("studio.gui.workers")

Work = Callable[[Callable[[Any], None], threading.Event], Any]
PROGRESS_INTERVAL_MS = 50
T = TypeVar("T")


class _Worker(QObject):
    succeeded = Signal(object)
    failed = Signal(object)
    done = Signal()

    def __init__(self, fn: Work, report: Callable[[Any], None], cancel: threading.Event, name: str) -> None:
        super().__init__()
        self._fn = fn
        self._report = report
        self._cancel = cancel
        self._name = name

    @Slot()
    def run(self) -> None:
        try:
            result = self._fn(self._report, self._cancel)
        except BaseException as exc:
            if _is_cancellation(exc):  # the user (or closing the window) asked for it: not a problem to log
                log.info("%s task cancelled: %s", self._name, exc)
            else:
                log.warning("%s task failed: %s", self._name, exc, exc_info=not _is_user_error(exc))
            emit(self.failed, exc)
        else:
            emit(self.succeeded, result)
        finally:
            emit(self.done)


def _is_cancellation(exc: BaseException) -> bool:
    from studio.core.errors import CancelledError

    return isinstance(exc, CancelledError)


def _is_user_error(exc: BaseException) -> bool:
    from studio.core.errors import CancelledError, InputError, ProjectError

    return isinstance(exc, InputError | ProjectError | CancelledError)


class BackgroundTask(QObject):
    """Run ``fn(report_progress, cancel_event)`` on its own QThread.

    Signals:
        progress(object): each value ``fn`` reported, in order, emitted on the UI thread.
        succeeded(object): ``fn``'s return value (after every progress value).
        failed(object): the exception ``fn`` raised (user errors included; the receiver decides how to show it).
        finished(): after either of the above, once the thread has stopped. The task deletes itself afterwards.
    """

    progress = Signal(object)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    _active: ClassVar[set[BackgroundTask]] = set()

    def __init__(self, fn: Work, parent: QObject | None = None, *, pool: str = "default") -> None:
        super().__init__(parent)
        self.pool = pool
        self.cancel_event = threading.Event()
        self._events: collections.deque[Any] = collections.deque()
        self._drain_timer = QTimer(self)
        self._drain_timer.setInterval(PROGRESS_INTERVAL_MS)
        self._drain_timer.timeout.connect(self._drain)
        self._thread = QThread()
        self._thread.setObjectName(f"studio-{pool}")
        self._worker = _Worker(fn, self._events.append, self.cancel_event, pool)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.succeeded.connect(self._on_succeeded)
        self._worker.failed.connect(self._on_failed)
        # Direct: QThread.quit is thread-safe, and a UI thread blocked in wait() could not deliver it queued.
        self._worker.done.connect(self._thread.quit, Qt.ConnectionType.DirectConnection)
        self._thread.finished.connect(self._on_thread_finished)
        self._running = False

    @classmethod
    def active(cls, pool: str | None = None) -> list[BackgroundTask]:
        """Tasks started and not yet finished (optionally of one pool)."""
        for task in [t for t in cls._active if not shiboken6.isValid(t)]:
            cls._active.discard(task)  # its parent was destroyed; its thread was waited for then
        return [t for t in cls._active if pool is None or t.pool == pool]

    @classmethod
    def cancel_all(cls, wait_ms: int = 10_000) -> None:
        """Ask every running task to stop, wait for their threads and deliver their results (used on exit,
        when the event loop may not run again to deliver them)."""
        tasks = [t for t in cls._active if shiboken6.isValid(t)]
        for task in tasks:
            task.cancel()
        for task in tasks:
            if task.wait(wait_ms):
                task.deliver_now()
            else:
                log.error("%s task did not stop within %d ms", task.pool, wait_ms)

    def start(self) -> None:
        BackgroundTask._active.add(self)
        self._running = True
        log.debug("starting %s task", self.pool)
        self._drain_timer.start()
        self._thread.start()

    def cancel(self) -> None:
        self.cancel_event.set()

    def is_running(self) -> bool:
        return self._running

    def wait(self, ms: int = 30_000) -> bool:
        return self._thread.wait(ms)

    def deliver_now(self) -> None:
        """After ``wait`` returned True: deliver the remaining progress and ``finished`` at once (on exit, when
        the event loop may not run again)."""
        self._finalize()

    @Slot()
    def _drain(self) -> None:
        events = self._events
        while events:
            emit(self.progress, events.popleft())

    @Slot(object)
    def _on_succeeded(self, result: Any) -> None:
        self._drain()
        emit(self.succeeded, result)

    @Slot(object)
    def _on_failed(self, exc: Any) -> None:
        self._drain()
        emit(self.failed, exc)

    @Slot()
    def _on_thread_finished(self) -> None:
        self._thread.wait()  # ``finished`` is emitted just before the thread really ends
        self._finalize()

    def _finalize(self) -> None:
        if not self._running:
            return
        self._running = False
        self._drain_timer.stop()
        self._drain()
        BackgroundTask._active.discard(self)
        emit(self.finished)
        self.deleteLater()


_reniced: set[int] = set()
_renice_lock = threading.Lock()
BACKGROUND_NICE = 19


def lower_child_priority() -> None:
    """Give this process's worker processes (the offline engine's synthesizers) background CPU priority.

    Synthesis saturates every core; at normal priority the UI thread then waits for CPU time and the window
    stutters. Niced children still use all idle CPU, but the UI thread goes first. Safe from any thread; only
    raises niceness (which needs no privileges); a no-op where ``os.setpriority`` does not exist (Windows).
    Returns nothing, so that it serves as a render's progress callback as it is.
    """
    import multiprocessing
    import os

    if not hasattr(os, "setpriority"):
        return
    with _renice_lock:
        for child in multiprocessing.active_children():
            pid = child.pid
            if pid is None or pid in _reniced:
                continue
            try:
                os.setpriority(os.PRIO_PROCESS, pid, max(BACKGROUND_NICE, os.getpriority(os.PRIO_PROCESS, pid)))
            except OSError:
                continue
            _reniced.add(pid)


class QtWorkerPool:
    """``studio.render.pool.WorkerPool`` on a ``QThreadPool``: the scheduler's vendor calls run on QThreads.

    Each call gets a ``concurrent.futures.Future``; the scheduler subscribes to it and never blocks on it.
    """

    def __init__(self, max_threads: int = 32, name: str = "render") -> None:
        self._pool = QThreadPool()
        self._pool.setObjectName(f"studio-{name}-pool")
        self._pool.setMaxThreadCount(max(1, max_threads))
        self._closed = False

    def submit(self, fn: Callable[[], T]) -> Future[T]:
        future: Future[T] = Future()
        if self._closed:
            future.cancel()
            return future

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                result = fn()
            except BaseException as exc:
                future.set_exception(exc)
            else:
                future.set_result(result)

        self._pool.start(run)
        return future

    def shutdown(self, *, wait: bool = True) -> None:
        """Drop calls not yet started; optionally wait for the running ones."""
        self._closed = True
        self._pool.clear()
        if wait:
            self._pool.waitForDone()
