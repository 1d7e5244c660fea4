"""Work-arounds for bugs in the Qt binding, each detected at import so a fixed binding pays nothing.

PySide6 6.12.0: ``SignalInstance.emit()`` returns ``True`` without taking a reference to it, so every signal
emitted from Python code drops one reference to ``True``. ``True`` starts with a few hundred (a few thousand in
a big app); once they are used up the interpreter aborts ("bool_dealloc: deallocating True or False"). A
session with a render emits that many in seconds. ``emit`` below gives the reference back when the installed
binding is measured to lose it. Every emit in ``studio.gui`` goes through it.

The same release also loses a reference to ``None`` on every call of a Python override of a Qt virtual
(``resizeEvent``, ``paintEvent``...), which no shim can repair from Python: pyproject.toml pins PySide6 below
6.12 and tests/gui/test_qtcompat.py fails on a binding that brings either bug back.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal

_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]


class _Probe(QObject):
    ping = Signal(int)


def _emit_loses_true() -> int:
    """How many references to ``True`` one emit loses with this binding (0 when it is correct)."""
    probe = _Probe()
    rounds = 8
    before = sys.getrefcount(True)
    for _ in range(rounds):
        probe.ping.emit(0)
    lost = (before - sys.getrefcount(True)) // rounds
    for _ in range(max(0, lost) * rounds):
        _incref(True)
    return max(0, lost)


EMIT_LOSES_TRUE = _emit_loses_true()


def emit(signal: Any, *args: Any) -> None:
    """``signal.emit(*args)``, without the binding's reference leak (see the module docstring)."""
    signal.emit(*args)
    for _ in range(EMIT_LOSES_TRUE):
        _incref(True)
