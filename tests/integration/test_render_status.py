"""``studio status`` and the event stream tell the same story as the database, whenever someone looks;
``studio render --dry-run`` prices the plan and sends nothing."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
from argparse import Namespace
from collections.abc import Iterator
from pathlib import Path

import pytest

from studio.cli_render_status import run_dry_run, run_status
from studio.core.project import Project
from studio.engines.registry import EngineSet
from studio.render.events import RenderProgress
from studio.render.lanes import SchedulerConfig
from studio.render.plan import AudioRequestOptions, plan_book
from studio.render.retry import RetryPolicy
from studio.render.runner import render_plan
from tests.emulator import Faults, VendorEmulator
from tests.unit.render_fakes import make_book

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def emu(monkeypatch: pytest.MonkeyPatch) -> Iterator[VendorEmulator]:
    faults = Faults(time_scale=0.5, server_error_rate=0.1, task_failure_rate=0.1, truncate_rate=0.05)
    with VendorEmulator(seed=23, faults=faults) as emulator:
        for key, value in emulator.env().items():
            monkeypatch.setenv(key, value)
        yield emulator


def database(folder: Path) -> dict[str, tuple]:
    conn = sqlite3.connect(folder / "project.sqlite")
    try:
        return {r[0]: r[1:] for r in conn.execute("SELECT cache_key, state, task_id, attempts FROM render_job")}
    finally:
        conn.close()


def studio_status(folder: Path) -> list[dict]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "studio.cli_render_status", "status", str(folder), "--json"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["units"]


def test_status_and_events_agree_with_the_database_at_every_sample(emu: VendorEmulator, tmp_path: Path) -> None:
    """Events arrive on the scheduler's thread after each commit; while a listener holds one, nothing changes,
    so the listener can compare the event stream, ``studio status`` (another process) and the database."""
    latest: dict[str, tuple] = {}
    samples = 0
    problems: list[str] = []
    folder = tmp_path / "p"

    def on_event(event: RenderProgress) -> None:
        nonlocal samples
        if event.unit is None:
            return
        state = "queued" if event.state == "retrying" else event.state
        latest[event.unit.cache_key] = (state, event.attempts)
        if len(latest) % 5 and event.state not in ("retrying", "done"):
            return
        samples += 1
        db = database(folder)
        for unit in studio_status(folder):
            key = unit["cache_key"]
            state, task_id, attempts = db[key]
            if (unit["state"], unit["task_id"], unit["attempts"]) != (state, task_id, attempts):
                problems.append(f"status {unit['state']}/{unit['task_id']} != database {state}/{task_id}")
            if key in latest and latest[key] != (state, attempts):
                problems.append(f"event {latest[key]} != database {(state, attempts)}")
            if key not in latest and state != "queued":
                problems.append(f"no event for a unit that is {state}")

    with Project.create(folder, make_book(2, 6, engine="aliyun", voice="zhimi_emo")) as project, \
            EngineSet() as engines:
        render_plan(plan_book(project.load_book()), project, engines, progress=on_event,
                    retry=RetryPolicy(max_attempts=10, base_delay_s=0.01, max_delay_s=0.1),
                    config=SchedulerConfig(max_running={"aliyun": 4}))
    assert samples >= 5 and problems == []
    assert {unit["state"] for unit in studio_status(folder)} == {"done"}


def test_status_prints_units_and_errors(tmp_path: Path) -> None:
    with Project.create(tmp_path / "p", make_book(1, 2)) as project:
        out = io.StringIO()
        run_status(Namespace(project=tmp_path / "p", json=False, all=True), out, io.StringIO())
        assert "nothing rendered yet" in out.getvalue()
        plan = plan_book(project.load_book())
        from studio.core.errors import ThrottledError
        from studio.render.job_store import JobState, JobStore, error_fields

        store = JobStore(project)
        store.ensure(plan.units, cached=set())
        store.remember_plan(plan.units)
        store.submitted(plan.units[0].cache_key, "task-1", 1)
        store.update(plan.units[1].cache_key, state=JobState.QUEUED, attempts=2,
                     **error_fields(ThrottledError("Too many requests", vendor_code=40000005)))
    out = io.StringIO()
    run_status(Namespace(project=tmp_path / "p", json=False, all=False), out, io.StringIO())
    text = out.getvalue()
    assert "2 units" in text and "submitted 1" in text and "queued 1" in text
    assert "task-1" in text and "ThrottledError 40000005" in text


def test_dry_run_prices_the_plan_and_sends_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("STUDIO_ALIYUN_TTS_URL", "STUDIO_ALIYUN_ACCESS_KEY_ID"):
        monkeypatch.delenv(name, raising=False)  # no vendor, no credentials: nothing to send to anyway
    with Project.create(tmp_path / "p", make_book(2, 5)) as project:
        out = io.StringIO()
        run_dry_run(project, out, prices={"aliyun": 2.0}, as_json=True)
        summary = json.loads(out.getvalue())
        assert len(summary["units"]) == 10 and {u["status"] for u in summary["units"]} == {"to render"}
        characters = summary["engines"]["aliyun"]["to_render_characters"]
        assert characters == sum(u["characters"] for u in summary["units"]) > 0
        assert summary["cost"] == pytest.approx(characters * 2.0 / 10_000)
        out = io.StringIO()
        run_dry_run(project, out, audio=AudioRequestOptions(unit_chars=200))
        text = out.getvalue()
        assert "unknown cost" in text and "nothing was sent" in text
        assert project.render_jobs() == []  # a dry run writes nothing either
