"""Run encodes side by side, stopping the rest at the first failure.

Why one helper: the book exporter (one ffmpeg per output file) and the chunked M4B encoder (one per chapter) both
need the same rule: when one encode fails, ``stop`` tells the others to end early, every thread is waited for
(no ffmpeg is left writing into a folder being removed), and the error raised is the first real one, not the
``CancelledError`` of an encode that was stopped because of it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError as FutureCancelled
from typing import TypeVar

from studio.core.errors import CancelledError

T = TypeVar("T")


def run_all_or_stop(calls: Sequence[Callable[[], T]], workers: int, stop: threading.Event,
                    ahead: Callable[[int], None] | None = None) -> list[T]:
    """The results of ``calls`` in order, run ``workers`` at a time; the first failure sets ``stop`` and is raised
    once every call has ended.

    Each worker thread takes the next call when it is free (no future per call: a 3,000-chapter book queued
    3,000 futures, each with its own condition and locks, 2 kB a chapter for the whole export); after a
    failure no further call starts.

    ``ahead``: a worker that starts a call also claims the one it will run next and passes its index to
    ``ahead`` first (the export decodes that chapter while this one encodes). It claims ahead only while more
    calls are left than there are workers, so the last calls still go to whichever worker is free first. A
    call claimed ahead may never run (a failure stopped the rest): whatever ``ahead`` started is the caller's
    to clean up.
    """
    results: list[T | None] = [None] * len(calls)
    errors: list[tuple[int, BaseException]] = []
    lock = threading.Lock()
    following = iter(range(len(calls)))
    claimed = [0]
    count = max(1, min(workers, len(calls)))

    def claim() -> int | None:
        i = next(following, None)
        if i is not None:
            claimed[0] += 1
        return i

    def work() -> None:
        mine: int | None = None
        while True:
            with lock:
                i = None if errors else (mine if mine is not None else claim())
                mine = claim() if i is not None and ahead is not None and len(calls) - claimed[0] > count else None
            if i is None:
                return
            try:
                if mine is not None:
                    ahead(mine)  # type: ignore[misc]  # mine is set only when ahead is
                results[i] = calls[i]()
            except BaseException as exc:
                with lock:
                    errors.append((i, exc))
                stop.set()
                return

    threads = [threading.Thread(target=work, name=f"encode_{n}", daemon=True) for n in range(count)]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join()
    except BaseException:  # Ctrl+C in the caller: stop the calls and wait for them (no ffmpeg left writing)
        stop.set()
        for thread in threads:
            thread.join()
        raise
    if errors:
        errors.sort(key=lambda pair: pair[0])
        real = [e for _, e in errors if not isinstance(e, CancelledError | FutureCancelled)]
        raise (real or [e for _, e in errors])[0]
    return results  # type: ignore[return-value]  # every call returned
