"""Measuring the UI thread's stalls: a timer that records how late it fires."""

from __future__ import annotations

import contextlib
import os
import time

from PySide6.QtCore import Qt, QTimer


class ThreadWaits:
    """How long each thread of this process has been runnable but waiting for a CPU (Linux schedstat).

    Why every thread and not only the UI thread: on a loaded machine the UI thread mostly stalls by waiting for
    the interpreter lock while the worker thread holding it waits for a CPU, and the lock passes through several
    workers before it comes back. Those waits are the machine's doing, not the app's, but they do not show in the
    UI thread's own schedstat (measured: 108 ms "own" stalls at load 3.4 whose UI thread used 10 ms of CPU).
    Files stay open and are re-read with ``pread`` (about 2 µs each; opening them per tick cost milliseconds
    under load); the thread list is refreshed every ``refresh_every`` snapshots. ``available`` is False where
    /proc has no schedstat.
    """

    def __init__(self, refresh_every: int = 10) -> None:
        self._fds: dict[str, int] = {}
        self._refresh_every = refresh_every
        self._count = 0
        self.available = os.path.exists("/proc/thread-self/schedstat")

    def _refresh(self) -> None:
        try:
            alive = set(os.listdir("/proc/self/task"))
        except OSError:
            return
        for tid in set(self._fds) - alive:
            os.close(self._fds.pop(tid))
        for tid in alive - set(self._fds):
            with contextlib.suppress(OSError):
                self._fds[tid] = os.open(f"/proc/self/task/{tid}/schedstat", os.O_RDONLY)

    def snapshot(self) -> dict[str, int]:
        """Thread id -> nanoseconds spent waiting on a run queue so far (empty where not available)."""
        if not self.available:
            return {}
        if self._count % self._refresh_every == 0:
            self._refresh()
        self._count += 1
        waits = {}
        for tid, fd in list(self._fds.items()):
            try:
                waits[tid] = int(os.pread(fd, 128, 0).split()[1])
            except (OSError, ValueError, IndexError):  # the thread ended
                os.close(self._fds.pop(tid))
        return waits

    def close(self) -> None:
        for fd in self._fds.values():
            os.close(fd)
        self._fds.clear()

    @staticmethod
    def total_ms(before: dict[str, int], after: dict[str, int]) -> float:
        """The run-queue waits of all threads between two snapshots, added up, in ms."""
        return sum(after[tid] - before[tid] for tid in after.keys() & before.keys()) / 1e6


class StallProbe:
    """A 10 ms timer on the UI thread measuring how late it fires: the UI thread's longest stall.

    Three measures, because this machine is shared and its load is not ours:
    ``worst_ms`` is the raw lateness; ``worst_own_ms`` (the CPU-adjusted figure) subtracts the time this
    process's threads (the UI thread, and the workers whose interpreter lock it waits for) spent runnable while
    the OS ran other processes (Linux schedstat, see ``ThreadWaits``): an upper bound of the machine's share, so
    on an idle machine it equals the raw figure and under load it keeps only what CPU starvation cannot explain;
    ``worst_busy_ms`` is the longest stretch of CPU the UI thread itself spent between two ticks (handlers,
    painting): the part that is the app's doing whatever the load.
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
        self._threads = ThreadWaits()
        self._waited = self._threads.snapshot()
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last, self._cpu, self._waited = time.perf_counter(), time.thread_time(), self._threads.snapshot()
        self.timer.start()

    def _tick(self) -> None:
        now, cpu, waited = time.perf_counter(), time.thread_time(), self._threads.snapshot()
        late_ms = (now - self._last - self.interval) * 1000
        os_ms = ThreadWaits.total_ms(self._waited, waited)
        self.worst_ms = max(self.worst_ms, late_ms)
        self.lateness_ms.append(max(0.0, late_ms))
        self.worst_own_ms = max(self.worst_own_ms, late_ms - os_ms)
        self.worst_busy_ms = max(self.worst_busy_ms, (cpu - self._cpu) * 1000)
        self._last, self._cpu, self._waited = now, cpu, waited
        self.ticks += 1

    def stop(self) -> None:
        self.timer.stop()
        self._threads.close()

    @property
    def mean_ms(self) -> float:
        return sum(self.lateness_ms) / len(self.lateness_ms) if self.lateness_ms else 0.0
