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
