"""Issue 20: a finished Baidu task is downloaded while the freed slots are being refilled, not after.

The bug: a download was held back whenever *any* submission "could start" (a free slot and a waiting unit),
even when that submission could not actually start: the one paid submission already in flight
(``submit_width``) or an empty request bucket. At a paid vendor with many slots, a batch query frees several
slots at once, so the finished tasks' downloads waited until every freed slot was submitted again, one paid
submission at a time (baidu=40: 2.09x its bound, downloads 17 s behind).

How the tests see it without a stopwatch: the scheduler hands every vendor call to its ``WorkerPool``, and
the order in which it hands them over is its decision, independent of how fast the machine is. A pool that
records that order (and runs everything on a real thread pool) shows whether the first download was handed
over before the second wave of submissions had all gone out. The engine makes a whole wave finish in the
same query (as Baidu's one query for every running task does), so several slots free up together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from studio.core.project import Project
from studio.engines.base import TaskState, TaskStatus
from studio.engines.traits import PollRange
from studio.render.lanes import SchedulerConfig
from studio.render.plan import plan_book
from studio.render.pool import ThreadWorkerPool
from studio.render.retry import RetryPolicy
from studio.render.runner import render_plan
from tests.unit.render_fakes import FakeEngine, engines_of, make_book

T = TypeVar("T")

CAP = 3  # slots at the vendor; the book has two full waves of tasks
FAST_POLLS = PollRange(0.01, 0.05)


class RecordingPool:
    """A real thread pool that notes what the scheduler handed over, in order: "submit", "poll" or "fetch"."""

    def __init__(self) -> None:
        self._pool = ThreadWorkerPool(name="dispatch-test")
        self.calls: list[str] = []

    def submit(self, fn: Callable[[], T]) -> Future[T]:
        self.calls.append(_kind(fn))
        return self._pool.submit(fn)

    def shutdown(self) -> None:
        self._pool.shutdown()


def _kind(fn: Callable[[], Any]) -> str:
    target = fn.func if isinstance(fn, partial) else fn
    name = getattr(target, "__name__", "")
    return {"_download": "fetch", "submit": "submit", "poll": "poll"}.get(name, name)


@dataclass
class WaveEngine(FakeEngine):
    """Baidu-like: tasks answer "running" until one query asks about a whole wave, then all finish together."""

    name: str = "baidu"
    wave: int = CAP
    done: set[str] = field(default_factory=set)

    def poll(self, task_ids: Sequence[str]) -> dict[str, TaskStatus]:
        with self._lock:
            self.poll_calls.append(list(task_ids))
            pending = [t for t in task_ids if t not in self.done]
            if len(pending) >= self.wave:
                self.done.update(pending)
            return {t: TaskStatus(t, TaskState.DONE if t in self.done else TaskState.RUNNING) for t in task_ids}


def _render(tmp_path: Path, config: SchedulerConfig) -> tuple[list[str], WaveEngine]:
    pool = RecordingPool()
    engine = WaveEngine()
    try:
        with Project.create(tmp_path / "p", make_book(1, 2 * CAP, engine="baidu", voice="5003")) as project:
            plan = plan_book(project.load_book())
            assert len(plan.units) == 2 * CAP
            pieces = render_plan(plan, project, engines_of(engine), pool=pool, config=config,
                                 retry=RetryPolicy(max_attempts=2, base_delay_s=0.001, max_delay_s=0.01))
    finally:
        pool.shutdown()
    assert len(pieces) == 2 * CAP and len(engine.fetched) == 2 * CAP
    return pool.calls, engine


def _submits_before_first_fetch(calls: list[str]) -> int:
    return calls[:calls.index("fetch")].count("submit")


def test_downloads_do_not_wait_behind_a_paid_submission_in_flight(tmp_path: Path) -> None:
    # One paid submission at a time (the default) and no rate limit: when the first wave finishes, the first
    # freed slot's submission goes out, and while it is in flight the downloads go too. Before the fix they
    # waited until the second submission and the third were answered as well.
    calls, engine = _render(tmp_path, SchedulerConfig(
        max_running={"baidu": CAP}, requests_per_s={"baidu": 0}, poll_ranges={"baidu": FAST_POLLS}))
    assert max(len(ids) for ids in engine.poll_calls) == CAP  # a whole wave finished in one query
    assert _submits_before_first_fetch(calls) == CAP + 1, calls


def test_downloads_do_not_wait_for_the_request_bucket_to_refill(tmp_path: Path) -> None:
    # Many paid submissions may be in flight, but the bucket (2 requests/s, holding at most 2) cannot pay for
    # all three freed slots at once: the downloads go while the submissions wait for tokens. Before the fix
    # they waited until the bucket had paid for every freed slot.
    rate = 2.0
    calls, engine = _render(tmp_path, SchedulerConfig(
        max_running={"baidu": CAP}, requests_per_s={"baidu": rate}, poll_ranges={"baidu": FAST_POLLS},
        submit_width=2 * CAP))
    assert max(len(ids) for ids in engine.poll_calls) == CAP
    assert CAP <= _submits_before_first_fetch(calls) <= CAP + int(rate), calls
