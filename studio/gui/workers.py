"""The one way the GUI runs background work: a function on a QThread, results back as queued signals.

The UI thread never does network, synthesis, encoding or large file I/O; it starts a ``BackgroundTask`` and
reacts to ``progress``/``succeeded``/``failed``. Workers never touch widgets and never block on dialogs.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

log = logging.getLogger("studio.gui.workers")


class _Worker(QObject):
    progress = Signal(object)
    succeeded = Signal(object)
    failed = Signal(object)
    done = Signal()

    def __init__(self, fn: Callable[..., Any], cancel: threading.Event) -> None:
        super().__init__()
        self._fn = fn
        self._cancel = cancel

    @Slot()
    def run(self) -> None:
        try:
            result = self._fn(self.progress.emit, self._cancel)
        except BaseException as exc:
            log.warning("background task failed: %s", exc, exc_info=not _is_user_error(exc))
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)
        finally:
            self.done.emit()


def _is_user_error(exc: BaseException) -> bool:
    from studio.core.errors import CancelledError, InputError, ProjectError

    return isinstance(exc, InputError | ProjectError | CancelledError)


class BackgroundTask(QObject):
    """Run ``fn(report_progress, cancel_event)`` on its own QThread.

    Signals:
        progress(object): whatever ``fn`` passes to ``report_progress`` (queued to the UI thread).
        succeeded(object): ``fn``'s return value.
        failed(object): the exception ``fn`` raised (user errors included; the receiver decides how to show it).
        finished(): after either of the above, once the thread has stopped.
    """

    progress = Signal(object)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, fn: Callable[[Callable[[Any], None], threading.Event], Any],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cancel_event = threading.Event()
        self._thread = QThread()
        self._worker = _Worker(fn, self.cancel_event)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progress.connect(self.progress)
        self._worker.succeeded.connect(self.succeeded)
        self._worker.failed.connect(self.failed)
        self._worker.done.connect(self._thread.quit)
        self._thread.finished.connect(self.finished)

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        self.cancel_event.set()

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def wait(self, ms: int = 30_000) -> bool:
        return self._thread.wait(ms)
