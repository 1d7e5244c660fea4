"""Where render work runs: a tiny worker-pool interface the scheduler is handed, and a thread-based default.

Why an interface: ``studio.render`` decides *what* runs and when, but not *where*. The CLI hands the scheduler
plain Python threads (``ThreadWorkerPool``); the GUI hands it its pool of QThread workers, so the vendor calls
really run on QThreads and the scheduler stays Qt-free and is tested once. Anything that can run a callable
and hand back a ``concurrent.futures.Future`` qualifies: create a ``Future``, run the callable on a worker,
and ``set_result``/``set_exception`` on it (``Future.set_running_or_notify_cancel`` first, if you like).

The scheduler never blocks on these futures: it subscribes with ``add_done_callback`` and is woken up, so a
slow vendor call never stalls polling or the event stream.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Protocol, TypeVar

T = TypeVar("T")

#: Enough threads for 20 concurrent downloads plus submits and poll rounds of three engines.
DEFAULT_WORKERS = 32

_pool_numbers = itertools.count(1)


class WorkerPool(Protocol):
    """Runs ``fn`` somewhere else and returns a future for its result (or exception)."""

    def submit(self, fn: Callable[[], T]) -> Future[T]:
        ...


class ThreadWorkerPool:
    """The default pool: a ``ThreadPoolExecutor`` whose threads are named for the log."""

    def __init__(self, max_workers: int = DEFAULT_WORKERS, *, name: str = "studio-render") -> None:
        self._executor = ThreadPoolExecutor(max_workers=max(1, max_workers),
                                            thread_name_prefix=f"{name}-{next(_pool_numbers)}")

    def submit(self, fn: Callable[[], T]) -> Future[T]:
        return self._executor.submit(fn)

    def shutdown(self, *, wait: bool = True) -> None:
        """Stop accepting work; queued calls that have not started are dropped."""
        self._executor.shutdown(wait=wait, cancel_futures=True)

    def __enter__(self) -> ThreadWorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
