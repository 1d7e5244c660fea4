"""Run encodes side by side, stopping the rest at the first failure.

Why one helper: the book exporter (one ffmpeg per output file) and the chunked M4B encoder (one per chapter) both
need the same rule: when one encode fails, ``stop`` tells the others to end early, every thread is waited for
(no ffmpeg is left writing into a folder being removed), and the error raised is the first real one, not the
``CancelledError`` of an encode that was stopped because of it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from concurrent.futures import CancelledError as FutureCancelled
from typing import TypeVar

from studio.core.errors import CancelledError

T = TypeVar("T")


def run_all_or_stop(calls: Sequence[Callable[[], T]], workers: int, stop: threading.Event) -> list[T]:
    """The results of ``calls`` in order, run ``workers`` at a time; the first failure sets ``stop`` and is raised
    once every call has ended."""
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="encode") as pool:
        futures = [pool.submit(call) for call in calls]
        finished, _ = wait(futures, return_when=FIRST_EXCEPTION)
        if any(f.exception() is not None for f in finished):
            stop.set()
        wait(futures)
    errors = [e for e in (f.exception() for f in futures) if e is not None]
    if errors:
        real = [e for e in errors if not isinstance(e, CancelledError | FutureCancelled)]
        raise (real or errors)[0]
    return [f.result() for f in futures]
