"""``run_all_or_stop`` with ``ahead``: each worker claims the call it will run next and hears of it first, so the
export can decode that chapter while the current one encodes (``chunks_ahead``)."""

from __future__ import annotations

import threading
import time

import pytest

from studio.audio.parallel import run_all_or_stop


def test_every_call_claimed_ahead_is_announced_before_it_runs_on_the_same_worker() -> None:
    log: list[tuple[str, int, str]] = []
    lock = threading.Lock()

    def note(kind: str, i: int) -> None:
        with lock:
            log.append((kind, i, threading.current_thread().name))

    def call(i: int) -> int:
        note("run", i)
        time.sleep(0.002)
        return i * i

    results = run_all_or_stop([lambda i=i: call(i) for i in range(12)], 2, threading.Event(),
                              ahead=lambda i: note("ahead", i))
    assert results == [i * i for i in range(12)]
    announced = {i: (n, who) for n, (kind, i, who) in enumerate(log) if kind == "ahead"}
    ran = {i: (n, who) for n, (kind, i, who) in enumerate(log) if kind == "run"}
    assert sorted(ran) == list(range(12))
    assert announced, "no call was claimed ahead"
    for i, (n, who) in announced.items():
        assert ran[i][0] > n and ran[i][1] == who  # announced first, run by the worker that claimed it
    # the last calls (as many as there are workers) go to whichever worker is free, not claimed ahead
    assert not {10, 11} & set(announced)


def test_after_a_failure_no_call_claimed_ahead_runs() -> None:
    ran: list[int] = []
    announced: list[int] = []

    def call(i: int) -> int:
        ran.append(i)
        if i == 1:
            raise ValueError("chapter 2 failed")
        time.sleep(0.01)
        return i

    stop = threading.Event()
    with pytest.raises(ValueError, match="chapter 2"):
        run_all_or_stop([lambda i=i: call(i) for i in range(20)], 2, stop, ahead=announced.append)
    assert stop.is_set()
    assert len(ran) < 6 and set(announced) - set(ran)  # claimed ahead, never run: the caller cleans those up


def test_without_ahead_nothing_is_claimed_early() -> None:
    order: list[int] = []
    run_all_or_stop([lambda i=i: order.append(i) for i in range(5)], 1, threading.Event())
    assert order == [0, 1, 2, 3, 4]
