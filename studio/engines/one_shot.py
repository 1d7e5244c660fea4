"""Submit, wait for and fetch one request with any engine: the loop behind previews, auditions and "test voice".

Why one function: the Alibaba and Baidu adapters and the window's audition each had their own copy of this loop
(submit, poll until done or failed, give up after a deadline, stop on cancel), and the copies had drifted in
their cancel checks and messages. Renders do not use it: the scheduler polls many tasks at once with retries.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Protocol, runtime_checkable

from studio.core.errors import CancelledError, EngineError, RetryableEngineError
from studio.engines.base import Engine, SynthesisRequest, SynthesisResult, TaskState


@runtime_checkable
class CancellableEngine(Protocol):
    """An engine that can drop a task it has not started (the offline engine's worker queue)."""

    def cancel(self, task_id: str) -> bool: ...


def synthesize_once(engine: Engine, request: SynthesisRequest, dest: Path, *, label: str,
                    cancel: threading.Event | None = None, timeout_s: float | None = None,
                    first_wait_s: float = 2.0, max_wait_s: float = 2.0,
                    cancelled_message: str = "synthesis cancelled") -> SynthesisResult:
    """Submit ``request``, poll until it is done and write its audio to ``dest``. No retries.

    Waits ``first_wait_s`` between polls, growing by half each time up to ``max_wait_s``. Raises the task's own
    error if it failed (or ``EngineError`` naming ``label`` and the task), ``RetryableEngineError`` after
    ``timeout_s``, and ``CancelledError(cancelled_message)`` once ``cancel`` is set (a task not yet started is
    dropped where the engine can).
    """
    task_id = engine.submit(request)
    deadline = None if timeout_s is None else time.monotonic() + timeout_s
    wait = first_wait_s
    while True:
        if cancel is not None and cancel.is_set():
            if isinstance(engine, CancellableEngine):
                engine.cancel(task_id)
            raise CancelledError(cancelled_message)
        status = engine.poll([task_id]).get(task_id)
        if status is not None and status.state is TaskState.DONE:
            return engine.fetch(task_id, dest)
        if status is not None and status.state is TaskState.FAILED:
            raise status.error or EngineError(f"{label} task {task_id} failed")
        if deadline is not None and time.monotonic() > deadline:
            raise RetryableEngineError(f"{label} task {task_id} did not finish within {timeout_s:.0f} s")
        if cancel is not None:
            cancel.wait(wait)
        else:
            time.sleep(wait)
        wait = min(max_wait_s, wait * 1.5)
