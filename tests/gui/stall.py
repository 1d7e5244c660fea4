"""Measuring the UI thread's stalls: a timer that records how late it fires."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer


def _runqueue_wait_ns() -> int | None:
    """Time this thread spent runnable but waiting for a CPU (Linux schedstat), or None elsewhere."""
    try:
        with open("/proc/thread-self/schedstat") as fh:
            return int(fh.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None


class StallProbe:
    """A 10 ms timer on the UI thread measuring how late it fires: the UI thread's longest stall.

    Three measures, because this machine is shared and its load is not ours:
    ``worst_ms`` is the raw lateness; ``worst_own_ms`` subtracts the time the UI thread was runnable while the
    OS ran something else (Linux schedstat); ``worst_busy_ms`` is the longest stretch of CPU the UI thread
    itself spent between two ticks (handlers, painting): the part that is the app's doing whatever the load.
    """

    def __init__(self, interval_ms: int = 10) -> None:
        self.interval = interval_ms / 1000
        self.worst_ms = 0.0
        self.worst_own_ms = 0.0
        self.worst_busy_ms = 0.0
        self.ticks = 0
        self.lateness_ms: list[float] = []
        self._last = time.perf_counter()
        self._cpu = time.thread_time()
        self._waited = _runqueue_wait_ns()
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last, self._cpu, self._waited = time.perf_counter(), time.thread_time(), _runqueue_wait_ns()
        self.timer.start()

    def _tick(self) -> None:
        now, cpu, waited = time.perf_counter(), time.thread_time(), _runqueue_wait_ns()
        late_ms = (now - self._last - self.interval) * 1000
        os_ms = (waited - self._waited) / 1e6 if waited is not None and self._waited is not None else 0.0
        self.worst_ms = max(self.worst_ms, late_ms)
        self.lateness_ms.append(max(0.0, late_ms))
        self.worst_own_ms = max(self.worst_own_ms, late_ms - os_ms)
        self.worst_busy_ms = max(self.worst_busy_ms, (cpu - self._cpu) * 1000)
        self._last, self._cpu, self._waited = now, cpu, waited
        self.ticks += 1

    def stop(self) -> None:
        self.timer.stop()

    @property
    def mean_ms(self) -> float:
        return sum(self.lateness_ms) / len(self.lateness_ms) if self.lateness_ms else 0.0
