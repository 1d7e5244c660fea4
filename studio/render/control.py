"""Steering a running render from another thread: pause, resume, cancel one unit or all.

Why a separate object: the render runs on a worker (the CLI's main thread, a QThread in the GUI) while the
user clicks elsewhere. The control only records wishes under a lock and wakes the scheduler; the scheduler
acts on them on its own thread, between two steps, so every effect is committed and reported like any other
state change.

Pausing stops new submissions only: tasks already at the vendor are paid for and keep being polled and
downloaded, so a pause never loses work. Cancelling a unit keeps its vendor task id (if it has one) in the
project: a later render picks the task up again instead of paying for it twice.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class RenderControl:
    """Thread-safe wishes for one render; pass it to ``render_plan(control=...)``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._paused = False
        self._cancel_all = False
        self._cancelled: set[str] = set()
        self._listeners: list[Callable[[], None]] = []

    @property
    def paused(self) -> bool:
        with self._lock:
            return self._paused

    @property
    def cancelled_all(self) -> bool:
        with self._lock:
            return self._cancel_all

    def pause(self) -> None:
        """Submit nothing new until ``resume``; running tasks continue."""
        self._set(paused=True)

    def resume(self) -> None:
        self._set(paused=False)

    def cancel(self, cache_key: str | None = None) -> None:
        """Cancel one unit (by cache key), or the whole render when no key is given."""
        with self._lock:
            if cache_key is None:
                self._cancel_all = True
            else:
                self._cancelled.add(cache_key)
        self._wake()

    def take_cancelled(self) -> set[str]:
        """Units cancelled since the last call (the scheduler's side)."""
        with self._lock:
            taken, self._cancelled = self._cancelled, set()
            return taken

    def subscribe(self, wake: Callable[[], None]) -> None:
        """``wake`` is called (from any thread) whenever a wish changes."""
        with self._lock:
            self._listeners.append(wake)

    def unsubscribe(self, wake: Callable[[], None]) -> None:
        with self._lock:
            if wake in self._listeners:
                self._listeners.remove(wake)

    def _set(self, *, paused: bool) -> None:
        with self._lock:
            changed = self._paused != paused
            self._paused = paused
        if changed:
            self._wake()

    def _wake(self) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for wake in listeners:
            wake()
