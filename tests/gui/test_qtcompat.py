"""The binding work-around: emitting from Python must not use up the references to ``True``."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

from studio.gui.qtcompat import emit


class _Sender(QObject):
    changed = Signal(bool, str)
    count = Signal(int)


def test_emit_keeps_the_refcount_of_true() -> None:
    sender = _Sender()
    received: list[bool] = []
    sender.changed.connect(lambda ok, _text: received.append(ok))
    before = sys.getrefcount(True)
    for i in range(20_000):  # far more than True has references in a fresh interpreter
        emit(sender.count, i)
    emit(sender.changed, True, "x")
    received.clear()
    assert abs(sys.getrefcount(True) - before) <= 2  # without the work-around: -20,001


def test_python_overrides_of_qt_virtuals_keep_the_refcount_of_none(qtbot) -> None:  # type: ignore[no-untyped-def]
    """PySide6 6.12.0 dropped a reference to ``None`` per call of an overridden virtual: resizing the editor at
    1024x700 aborted the app ("none_dealloc"). pyproject pins the binding below it; this catches a binding that
    brings the bug back before a user does."""
    from PySide6.QtWidgets import QPlainTextEdit

    class _Editor(QPlainTextEdit):
        def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
            super().resizeEvent(event)

        def paintEvent(self, event) -> None:  # type: ignore[no-untyped-def]
            super().paintEvent(event)

    editor = _Editor()
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    before = sys.getrefcount(None)
    for i in range(300):
        editor.resize(300 + i, 200 + i)
        editor.repaint()
    lost = before - sys.getrefcount(None)
    assert lost < 50, f"the Qt binding lost {lost} references to None in 300 resizes"
