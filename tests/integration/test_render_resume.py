"""Interrupted cloud renders resume against the vendor emulator: live task ids are polled, never paid twice;
tasks past the vendor's retention are submitted again."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from studio.core.errors import CancelledError
from studio.core.project import Project
from studio.engines.registry import EngineSet
from studio.render.events import RenderProgress
from studio.render.lanes import SchedulerConfig
from studio.render.plan import plan_book
from studio.render.runner import render_plan
from tests.emulator import VendorEmulator
from tests.unit.render_fakes import make_book

VOICES = {"aliyun": "zhimi_emo", "baidu": "5003"}
RETENTION_S = {"aliyun": 7 * 24 * 3600, "baidu": 72 * 3600}


@pytest.fixture
def emu(start_emulator: Callable[..., VendorEmulator]) -> VendorEmulator:
    return start_emulator(seed=5, time_scale=2.0)


def interrupted(project: Project, engine: str, submits: int) -> list[str]:
    """Render until ``submits`` tasks were accepted, then cancel; return the task ids left live."""
    cancel = threading.Event()
    seen: list[str] = []

    def on_event(event: RenderProgress) -> None:
        if event.state == "submitted":
            seen.append(event.task_id)
            if len(seen) >= submits:
                cancel.set()

    with EngineSet() as engines, pytest.raises(CancelledError):
        render_plan(plan_book(project.load_book()), project, engines, cancel=cancel, progress=on_event,
                    config=SchedulerConfig(max_running={engine: 4}))
    live = [row["task_id"] for row in project.render_jobs() if row["task_id"] and row["state"] != "done"]
    assert live, "the interruption came too late: every task had finished"
    return live


def finish(project: Project) -> list:
    with EngineSet() as engines:
        return render_plan(plan_book(project.load_book()), project, engines)


@pytest.mark.parametrize("engine", ["aliyun", "baidu"])
def test_an_interrupted_render_polls_its_tasks_instead_of_paying_again(emu: VendorEmulator, tmp_path: Path,
                                                                      engine: str) -> None:
    book = make_book(2, 5, engine=engine, voice=VOICES[engine])
    with Project.create(tmp_path / "p", book) as project:
        live = interrupted(project, engine, 4)
        pieces = finish(project)
    assert len(pieces) == 10
    texts = Counter(emu.submitted_texts(engine))
    assert len(texts) == 10 and max(texts.values()) == 1  # every paragraph paid for exactly once
    endpoint = "poll" if engine == "aliyun" else "query"
    asked = {r.query.get("task_id") for r in emu.requests_for(engine, endpoint)} if engine == "aliyun" else \
        {task_id for r in emu.requests_for(engine, endpoint) for task_id in (r.json() or {}).get("task_ids", [])}
    assert set(live) <= asked


@pytest.mark.parametrize("engine", ["aliyun", "baidu"])
def test_tasks_the_vendor_no_longer_keeps_are_submitted_again(emu: VendorEmulator, tmp_path: Path,
                                                             engine: str) -> None:
    book = make_book(2, 4, engine=engine, voice=VOICES[engine])
    with Project.create(tmp_path / "p", book) as project:
        live = interrupted(project, engine, 3)
        # A week (Alibaba) or three days (Baidu) pass before the project is opened again.
        emu.advance_time(RETENTION_S[engine] + 60)
        with project.transaction() as db:
            db.execute("UPDATE render_job SET submitted_at = submitted_at - ? WHERE task_id IS NOT NULL",
                       (RETENTION_S[engine] + 60,))
        before = len(emu.requests_for(engine, "poll" if engine == "aliyun" else "query"))
        pieces = finish(project)
    assert len(pieces) == 8
    texts = Counter(emu.submitted_texts(engine))
    assert len(texts) == 8 and sum(texts.values()) == 8 + len(live)  # the expired ones, once more each
    # The expired ids were not even asked about: the project knew they were past the vendor's retention.
    polls = emu.requests_for(engine, "poll" if engine == "aliyun" else "query")[before:]
    if engine == "aliyun":
        assert not {r.query.get("task_id") for r in polls} & set(live)
    else:
        assert not {t for r in polls for t in (r.json() or {}).get("task_ids", [])} & set(live)


def test_a_task_the_vendor_forgot_early_is_submitted_again(emu: VendorEmulator, tmp_path: Path) -> None:
    """The vendor may forget sooner than documented: its "task not found" answer also leads to a resubmit."""
    book = make_book(1, 4, engine="aliyun", voice="zhimi_emo")
    with Project.create(tmp_path / "p", book) as project:
        live = interrupted(project, "aliyun", 2)
        emu.advance_time(RETENTION_S["aliyun"] + 60)  # the project still thinks the ids are fresh
        finish(project)
    texts = Counter(emu.submitted_texts("aliyun"))
    assert len(texts) == 4 and sum(texts.values()) == 4 + len(live)


def test_grouped_units_resumed_by_a_new_process_keep_their_paragraph_timing(emu: VendorEmulator,
                                                                            tmp_path: Path) -> None:
    """After a restart the engine no longer knows a task's paragraphs; the unit does, and maps them back."""
    from studio.render.grouping import UnitSizing

    book = make_book(1, 9, engine="aliyun", voice="zhimi_emo")
    sizing = UnitSizing(target_chars=150)
    with Project.create(tmp_path / "p", book) as project:
        plan = plan_book(project.load_book(), sizing=sizing)
        assert any(len(u.paragraphs) > 1 for u in plan.units)
        cancel = threading.Event()
        with EngineSet() as engines, pytest.raises(CancelledError):
            render_plan(plan, project, engines, cancel=cancel,
                        progress=lambda e: cancel.set() if e.state == "submitted" else None)
        with EngineSet() as engines:  # a new engine: it never saw these tasks submitted
            pieces = render_plan(plan, project, engines)
    assert len(emu.submitted_texts("aliyun")) == len(plan.units)
    for piece in pieces:
        offsets = piece.paragraph_offsets_ms
        assert len(offsets) == len(piece.paragraphs) and offsets[0] == 0 and offsets == sorted(offsets)
        owners = {s["paragraph"] for s in piece.timestamps["sentences"]}
        assert owners == set(range(len(piece.paragraphs)))
