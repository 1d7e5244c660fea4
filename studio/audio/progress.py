"""One progress bar over several passes (some running in parallel), and one cancel flag for helpers.

The GUI shows one bar per export; it must never move backwards and must reach 1.0 exactly once, at the end.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from studio.audio.ffmpeg import ProgressCallback


class ProgressBar:
    """Maps phase-local fractions onto one bar that never goes backwards. Thread-safe."""

    def __init__(self, callback: ProgressCallback | None) -> None:
        self._callback = callback
        self._last = -1.0
        self._lock = threading.RLock()  # reports from parallel jobs reach the callback in order

    def phase(self, start: float, end: float) -> ProgressCallback | None:
        if self._callback is None:
            return None
        return lambda fraction: self.report(start + (end - start) * min(max(fraction, 0.0), 1.0))

    def parallel(self, start: float, end: float, weights: Sequence[float]) -> list[ProgressCallback | None]:
        """Callbacks for jobs running side by side; the bar shows their weighted sum."""
        if self._callback is None:
            return [None] * len(weights)
        total = sum(weights) or 1.0
        done = [0.0] * len(weights)
        lock = threading.Lock()

        def make(i: int) -> ProgressCallback:
            def update(fraction: float) -> None:
                with lock:
                    done[i] = min(max(fraction, 0.0), 1.0) * weights[i]
                    value = sum(done) / total
                self.report(start + (end - start) * value)
            return update

        return [make(i) for i in range(len(weights))]

    def report(self, value: float) -> None:
        value = min(max(value, 0.0), 1.0)
        with self._lock:
            if self._callback is None or value <= self._last:
                return
            self._last = value
            self._callback(value)


@contextmanager
def linked_cancel(outer: threading.Event | None) -> Iterator[threading.Event]:
    """An event that is set when ``outer`` is, and that we may also set ourselves (stop the other workers
    after one failed) without touching the caller's event."""
    inner = threading.Event()
    finished = threading.Event()

    def relay(event: threading.Event) -> None:
        while not finished.is_set():
            if event.wait(0.05):
                inner.set()
                return

    thread = None
    if outer is not None:
        if outer.is_set():
            inner.set()
        thread = threading.Thread(target=relay, args=(outer,), name="cancel-relay", daemon=True)
        thread.start()
    try:
        yield inner
    finally:
        finished.set()
        if thread is not None:
            thread.join(timeout=1)
