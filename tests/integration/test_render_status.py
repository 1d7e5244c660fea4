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
from collections.abc import Callable
from pathlib import Path

import pytest

from studio.cli.status import run_dry_run, run_status
from studio.core.project import Project
from studio.engines.registry import EngineSet
from studio.render.events import RenderProgress
from studio.render.lanes import SchedulerConfig
from studio.render.plan import AudioRequestOptions, plan_book
from studio.render.retry import RetryPolicy
from studio.render.runner import render_plan
from tests.emulator import VendorEmulator
from tests.unit.render_fakes import make_book

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def emu(start_emulator: Callable[..., VendorEmulator]) -> VendorEmulator:
    return start_emulator(seed=23, time_scale=0.5, server_error_rate=0.1, task_failure_rate=0.1, truncate_rate=0.05)


def studio_status(folder: Path) -> list[dict]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "studio.cli.status", "status", str(folder), "--json"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["units"]


def database(folder: Path) -> dict[str, tuple]:
    conn = sqlite3.connect(folder / "project.sqlite")
    try:
        return {r[0]: r[1:] for r in conn.execute(
            "SELECT cache_key, state, task_id, attempts, characters, engine FROM render_job")}
    finally:
        conn.close()


@pytest.mark.parametrize("engine,voice", [("aliyun", "zhimi_emo"), ("baidu", "5003")])
def test_status_and_events_agree_with_the_database_at_every_sample(emu: VendorEmulator, tmp_path: Path,
                                                                   engine: str, voice: str) -> None:
    """Events arrive on the scheduler's thread after each commit; while a listener holds one, nothing changes,
    so the listener can compare the event stream, ``studio status`` (another process) and the database.

    Every event is compared with the database (the unit's state, task id and attempts, and the totals: units
    and characters done, units failed, per engine); every third one also with ``studio status``."""
    latest: dict[str, tuple] = {}
    samples = status_samples = 0
    states: set[str] = set()
    problems: list[str] = []
    folder = tmp_path / "p"

    def on_event(event: RenderProgress) -> None:
        nonlocal samples, status_samples
        if event.unit is None:
            return
        state = "queued" if event.state == "retrying" else event.state
        states.add(event.state)
        db = database(folder)
        key = event.unit.cache_key
        latest[key] = (state, event.attempts)
        samples += 1
        db_state, db_task, db_attempts, _chars, _engine = db[key]
        if (state, event.attempts) != (db_state, db_attempts):
            problems.append(f"event {(state, event.attempts)} != database {(db_state, db_attempts)}")
        if event.task_id and event.task_id != db_task:
            problems.append(f"event task {event.task_id} != database {db_task}")
        done = [row for row in db.values() if row[0] == "done"]
        if event.units_done != len(done) or event.characters_done != sum(row[3] for row in done):
            problems.append(f"event totals {event.units_done}/{event.characters_done} != database "
                            f"{len(done)}/{sum(row[3] for row in done)}")
        if event.units_failed != sum(1 for row in db.values() if row[0] == "failed"):
            problems.append(f"event failed {event.units_failed} != database")
        share = event.engines.get(engine)
        if share is not None and (share.units_done, share.characters_done) != (len(done), sum(r[3] for r in done)):
            problems.append(f"per-engine totals {share.units_done}/{share.characters_done} disagree")
        if samples % 3:
            return
        status_samples += 1
        for unit in studio_status(folder):
            key = unit["cache_key"]
            row_state, task_id, attempts, characters, _engine = db[key]
            if (unit["state"], unit["task_id"], unit["attempts"], unit["characters"]) != \
                    (row_state, task_id, attempts, characters):
                problems.append(f"status {unit['state']}/{unit['task_id']} != database {row_state}/{task_id}")
            if key in latest and latest[key] != (row_state, attempts):
                problems.append(f"event {latest[key]} != database {(row_state, attempts)}")
            if key not in latest and row_state != "queued":
                problems.append(f"no event for a unit that is {row_state}")

    with Project.create(folder, make_book(2, 6, engine=engine, voice=voice)) as project, \
            EngineSet() as engines:
        render_plan(plan_book(project.load_book()), project, engines, progress=on_event,
                    retry=RetryPolicy(max_attempts=10, base_delay_s=0.01, max_delay_s=0.1),
                    config=SchedulerConfig(max_running={engine: 4}))
    assert problems == []
    assert samples >= 24 and status_samples >= 8
    assert {"submitted", "done"} <= states and ({"running", "downloading"} & states)
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
