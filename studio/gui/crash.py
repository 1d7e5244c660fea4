"""Errors that would otherwise vanish: Qt's own messages into the log, uncaught exceptions into a dialog.

PySide prints an exception raised in a slot and carries on, and a packaged app has no console to print to;
so every uncaught exception (main thread, Python threads) is logged with its traceback and, on the UI thread,
shown in a dialog that names the log file. Qt's warnings go to the ``studio.qt`` logger (with their category)
so a user's log shows what Qt complained about.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QMessageLogContext, QThread, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QWidget

from studio.logsetup import redact, setup_logging

log = logging.getLogger("studio.gui.crash")
qt_log = logging.getLogger("studio.qt")

_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}
# The open error dialogs. A dialog without a parent is owned by its Python wrapper alone, so without this
# reference it would be collected the moment ``excepthook`` returns and never be seen.
_open_dialogs: list[QMessageBox] = []
# The last platform-plugin messages ("could not connect to display"): printed with a fatal error.
_platform_messages: list[str] = []


def qt_message_handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    category = context.category or "default"
    qt_log.log(_LEVELS.get(mode, logging.WARNING), "%s: %s", category, message)
    if category.startswith("qt.qpa"):
        _platform_messages.append(message.strip())
        del _platform_messages[:-5]
    if mode == QtMsgType.QtFatalMsg:
        # Qt aborts right after this (no display, a broken platform plugin): the user would see only "Aborted",
        # the reason being in the log. Say it on stderr, with what to do.
        for line in [*_platform_messages, message.strip()]:
            print(f"studio: {line}", file=sys.stderr)
        print(f"studio: hint: without a display, run with QT_QPA_PLATFORM=offscreen; the log is {setup_logging()}",
              file=sys.stderr, flush=True)


def error_dialog(exc: BaseException, log_path: Path) -> QMessageBox:
    """A non-blocking dialog: what happened, where the log is, the traceback under "Show Details".

    It is kept in ``_open_dialogs`` until it closes, parented to the active window or else the main window.
    """
    box = QMessageBox(_dialog_parent())
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(QCoreApplication.translate("Crash", "Audiobook Studio — unexpected error"))
    box.setText(QCoreApplication.translate(
        "Crash", "Something went wrong: {error}\n\nYour work is autosaved. The details are in the log file:\n{log}")
        .format(error=redact(f"{type(exc).__name__}: {exc}"), log=log_path))
    box.setDetailedText(redact("".join(traceback.format_exception(type(exc), exc, exc.__traceback__))))
    _open_dialogs.append(box)
    box.finished.connect(lambda _result: _dialog_closed(box))
    box.destroyed.connect(lambda: _forget(box))  # e.g. with its parent window, without being closed
    box.open()
    return box


def _dialog_parent() -> QWidget | None:
    active = QApplication.activeWindow()
    if active is not None:
        return active
    mains = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow) and w.isVisible()]
    return mains[0] if mains else None


def excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        app = QCoreApplication.instance()
        if app is not None:
            app.quit()
        return
    log_path = setup_logging()
    log.critical("uncaught exception", exc_info=(kind, exc, tb))
    app = QApplication.instance()
    on_ui_thread = app is not None and QThread.currentThread() is app.thread()
    if on_ui_thread and not _open_dialogs:  # one at a time: a failing slot may fire again and again
        try:
            error_dialog(exc, log_path)
        except Exception:  # the dialog itself failed: the log has the original error
            log.exception("could not show the error dialog")
            _open_dialogs.clear()


def _dialog_closed(box: QMessageBox) -> None:
    _forget(box)
    box.deleteLater()


def _forget(box: QMessageBox) -> None:
    _open_dialogs[:] = [b for b in _open_dialogs if b is not box]


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None:
        log.critical("uncaught exception in thread %s", args.thread.name if args.thread else "?",
                     exc_info=(args.exc_type, args.exc_value, args.exc_traceback))


def install() -> None:
    """Route Qt messages into logging and install the exception hooks (the app's ``main`` calls this)."""
    qInstallMessageHandler(qt_message_handler)
    sys.excepthook = excepthook
    threading.excepthook = _thread_hook
