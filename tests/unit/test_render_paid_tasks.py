"""Paid vendor tasks are never thrown away (issue 13, items 3 and 10), against the scripted engine.

Throttling and lost connections spend no attempt; a finished task whose audio cannot be saved stops the render
and is downloaded (not paid again) by the next one, before anything new is submitted; a task still running past
its vendor's deadline is submitted again once; two units given one task id never leave the render waiting.
"""

from __future__ import annotations

import errno
import threading
from pathlib import Path
from typing import Any

import pytest

from studio.core.errors import (
    ConnectionLostError,
    EngineError,
    LocalStorageError,
    RetryableEngineError,
    ThrottledError,
)
from studio.core.project import Project
from studio.render.events import RenderProgress
from studio.render.lanes import SchedulerConfig
from studio.render.retry import RetryPolicy
from studio.render.runner import RenderedPiece
from tests.unit.render_fakes import FakeEngine, make_book
from tests.unit.test_render_scheduler import FAST, jobs, render

ONE_AT_A_TIME = SchedulerConfig(max_running={"aliyun": 1})
#: A render that has not returned by then is stuck: fail the test instead of hanging the suite.
STUCK_S = 60.0


@pytest.fixture
def project(tmp_path: Path) -> Project:
    with Project.create(tmp_path / "p", make_book()) as opened:
        yield opened


def render_or_fail(project: Project, engine: FakeEngine, **kwargs: Any) -> list[RenderedPiece] | BaseException:
    """``render`` on a thread with a deadline: returns the pieces or the exception it raised."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(render(Project.open(project.folder), engine, **kwargs))
        except BaseException as exc:  # handed back to the test
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(STUCK_S)
    assert outcome, f"the render did not finish within {STUCK_S:.0f} s"
    return outcome[0]


def test_a_throttled_burst_spends_no_attempt_and_abandons_nothing(project: Project) -> None:
    burst = [ThrottledError("too many requests", vendor_code=40000005)] * (3 * FAST.max_attempts)
    engine = FakeEngine(submit_errors=list(burst), poll_errors=[ThrottledError("QPS", vendor_code=18)] * 10)
    events: list[RenderProgress] = []
    render(project, engine, progress=events.append, config=ONE_AT_A_TIME)
    rows = jobs(project.folder).values()
    assert {r["state"] for r in rows} == {"done"} and [r["attempts"] for r in rows] == [1] * 6
    assert sum(e.state == "retrying" for e in events) == len(burst)


def test_dropped_connections_spend_no_attempt(project: Project) -> None:
    dropped = [ConnectionLostError("Alibaba TTS submit: connection dropped mid-response")] * (2 * FAST.max_attempts)
    engine = FakeEngine(submit_errors=list(dropped), fetch_errors=list(dropped[:FAST.max_attempts + 1]),
                        folder=project.folder)
    render(project, engine, config=ONE_AT_A_TIME)
    rows = jobs(project.folder).values()
    assert {r["state"] for r in rows} == {"done"} and [r["attempts"] for r in rows] == [1] * 6
    assert len(engine.submitted) == 6 and engine.violations == []


@pytest.mark.expect_log(r"backed off \d+ times in a row; stopping", logger="studio.render")
def test_endless_throttling_stops_the_render_instead_of_waiting_forever(project: Project) -> None:
    engine = FakeEngine(submit_errors=[ThrottledError("slow down", vendor_code=40000005)] * 1000)
    policy = RetryPolicy(max_attempts=4, base_delay_s=0.001, max_delay_s=0.005, max_backoffs=5)
    outcome = render_or_fail(project, engine, retry=policy, config=ONE_AT_A_TIME)
    assert isinstance(outcome, ThrottledError) and "chapter 1" in str(outcome)
    assert {r["state"] for r in jobs(project.folder).values()} == {"queued"}  # nothing failed, nothing paid


@pytest.mark.expect_log(r"^cannot save the audio of .*No space left on device", logger="studio.render")
def test_a_full_disk_stops_the_render_and_the_next_one_downloads_before_submitting(project: Project) -> None:
    engine = FakeEngine(folder=project.folder,
                        fetch_errors=[OSError(errno.ENOSPC, "No space left on device")])
    with pytest.raises(LocalStorageError, match=r"^No space left on device: .*\.staging-") as raised:
        render(project, engine, config=ONE_AT_A_TIME)
    assert str(project.cache_dir) in str(raised.value)
    rows = jobs(project.folder).values()
    waiting = [r for r in rows if r["state"] == "downloading"]
    assert len(waiting) == 1 and waiting[0]["task_id"] and waiting[0]["error_type"] == "LocalStorageError"
    assert not [r for r in rows if r["state"] == "failed"] and len(engine.submitted) <= 2
    assert not list(project.cache_dir.glob(".staging-*"))
    resumed = sum(1 for r in rows if r["task_id"])  # the one that could not be saved, and one more maybe
    fetched = len(engine.fetched)

    fetched_before_submit: list[int] = []
    engine.on_submit = lambda _request: fetched_before_submit.append(len(engine.fetched))
    render(project, engine, config=SchedulerConfig(max_running={"aliyun": 3}))
    assert len(engine.submitted) == 6  # the task whose audio could not be saved was downloaded, not paid again
    assert fetched_before_submit and min(fetched_before_submit) == fetched + resumed  # and before anything new
    assert {r["state"] for r in jobs(project.folder).values()} == {"done"} and engine.violations == []


@pytest.mark.expect_log(r"^cannot save the audio of .*Permission denied", logger="studio.render")
def test_a_refused_cache_rename_is_a_local_error_too(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from studio.render import scheduler

    real_replace = os.replace

    def refuse(src: Any, dst: Any) -> None:
        if str(dst).endswith(".flac") and ".staging-" not in str(dst):
            raise PermissionError(errno.EACCES, "Permission denied", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(scheduler.os, "replace", refuse)
    engine = FakeEngine()
    with pytest.raises(LocalStorageError, match=r"^Permission denied: .*cache.*\.flac"):
        render(project, engine, config=ONE_AT_A_TIME)
    monkeypatch.undo()
    render(project, engine)
    assert len(engine.submitted) == 6


@pytest.mark.expect_log(r"^aliyun task \w+ of .* still running after .* h: submitting it again", logger="studio.render")
def test_a_task_running_past_its_deadline_is_submitted_again_once(tmp_path: Path) -> None:
    with Project.create(tmp_path / "p", make_book(1, 1)) as project:
        engine = FakeEngine(polls_to_finish=10**9)
        events: list[RenderProgress] = []
        config = SchedulerConfig(task_deadlines={"aliyun": 0.3})
        outcome = render_or_fail(project, engine, config=config, progress=events.append)
        assert isinstance(outcome, EngineError) and "still running after" in str(outcome)
        assert "for the second time" in str(outcome) and len(engine.submitted) == 2
        assert any(e.state == "retrying" and "submitted again" in e.message for e in events)

        submits = 0

        def second_finishes(_request: Any) -> None:
            nonlocal submits
            submits += 1
            if submits == 2:
                engine.polls_to_finish = 1

        engine = FakeEngine(polls_to_finish=10**9, on_submit=second_finishes)
        pieces = render_or_fail(project, engine, config=config)
        assert isinstance(pieces, list) and len(pieces) == 1 and len(engine.submitted) == 2


@pytest.mark.expect_log(r"^duplicate task id dup: ", logger="studio.render")
def test_two_units_given_one_task_id_fail_one_and_the_render_moves_on(project: Project) -> None:
    engine = FakeEngine(polls_to_finish=3, reuse_ids=["dup", "dup"])
    outcome = render_or_fail(project, engine, config=SchedulerConfig(max_running={"aliyun": 2}))
    assert isinstance(outcome, EngineError) and "'dup'" in str(outcome) and "already has a task" in str(outcome)
    rows = list(jobs(project.folder).values())
    assert sum(r["state"] == "done" for r in rows) == 5
    failed = [r for r in rows if r["state"] == "failed"]
    assert len(failed) == 1 and failed[0]["task_id"] is None
    pieces = render_or_fail(project, engine)  # the next render retries it
    assert isinstance(pieces, list) and len(pieces) == 6


@pytest.mark.expect_log(r"^duplicate task id \w+: ", logger="studio.render")
def test_two_stored_jobs_with_one_task_id_do_not_hang_the_resume(project: Project) -> None:
    engine = FakeEngine(polls_to_finish=10**9)
    cancel = threading.Event()
    render_or_fail(project, engine, cancel=cancel, config=SchedulerConfig(max_running={"aliyun": 2}),
                   progress=lambda e: cancel.set() if e.state == "submitted" and len(engine.submitted) >= 2 else None)
    live = [k for k, r in jobs(project.folder).items() if r["task_id"]]
    assert len(live) == 2
    with project.transaction() as db:  # as if a vendor had answered both with one id
        db.execute("UPDATE render_job SET task_id = (SELECT task_id FROM render_job WHERE cache_key = ?) "
                   "WHERE cache_key = ?", (live[0], live[1]))
    engine.polls_to_finish = 1
    outcome = render_or_fail(project, engine)
    assert isinstance(outcome, EngineError) and "already has a task" in str(outcome)
    assert sum(r["state"] == "done" for r in jobs(project.folder).values()) == 5


def test_retry_policy_counts_backoffs_apart_from_attempts() -> None:
    policy = RetryPolicy()
    from studio.render.retry import is_backoff

    assert is_backoff(ThrottledError("x")) and is_backoff(ConnectionLostError("x"))
    assert not is_backoff(RetryableEngineError("x")) and policy.max_backoffs > policy.max_attempts
    assert policy.delay(ThrottledError("x"), 10_000) <= policy.max_delay_s  # no overflow after many backoffs
