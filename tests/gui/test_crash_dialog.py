"""The error dialog of an exception raised in a slot, when no window of the app is active."""

from __future__ import annotations

import gc
import sys

import pytest

pytest.importorskip("PySide6.QtWidgets")

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from studio.gui import crash
from studio.logsetup import setup_logging


def _error_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


@pytest.mark.expect_log(r"^uncaught exception$", logger="studio.gui.crash")
def test_an_exception_in_a_slot_shows_one_dialog_without_an_active_window(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Qt calls ``sys.excepthook`` after a slot raised; with no parent window the dialog must stay alive."""
    assert QApplication.activeWindow() is None, "a window of an earlier test is still active"

    def failing_slot() -> None:
        raise RuntimeError("boom in a slot")

    hook = sys.excepthook  # pytest-qt's capturing hook; the app's is installed as main() would
    sys.excepthook = crash.excepthook
    try:
        QTimer.singleShot(0, failing_slot)
        QTimer.singleShot(0, failing_slot)  # a second failure while the dialog is open: still one dialog
        qtbot.waitUntil(lambda: bool(_error_boxes()), timeout=2000)
        qtbot.wait(50)
    finally:
        sys.excepthook = hook
    gc.collect()
    boxes = _error_boxes()
    assert len(boxes) == 1
    assert str(setup_logging()) in boxes[0].text() and "boom in a slot" in boxes[0].text()
    boxes[0].close()
    qtbot.waitUntil(lambda: not _error_boxes())
    assert crash._open_dialogs == []
