"""A vendor task that never finishes is reported and submitted again once, not polled forever (issue 13, item 3).

Alibaba documents that long-text tasks finish within 3 hours; the emulator's ``stuck_rate`` makes a task stay
RUNNING forever, and the scheduler's deadline is shortened to a second so the test takes seconds, not hours.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from studio.core.book import Book, Chapter, Paragraph, VoiceSettings
from studio.core.errors import EngineError
from studio.core.project import Project
from studio.engines.registry import EngineSet, traits
from studio.render.events import RenderProgress
from studio.render.lanes import SchedulerConfig
from studio.render.plan import plan_book
from studio.render.runner import render_plan
from tests.emulator import VendorEmulator

DEADLINE = SchedulerConfig(task_deadlines={"aliyun": 1.0})


@pytest.fixture
def emu(start_emulator: Callable[..., VendorEmulator]) -> VendorEmulator:
    return start_emulator(seed=3, time_scale=0.05)


def book(paragraphs: int) -> Book:
    return Book("卡住", voice=VoiceSettings(engine="aliyun", voice="xiaoyun"), chapters=[
        Chapter("第1章", [Paragraph(f"第{p + 1}段。灯一直亮着，人却没有回来。") for p in range(paragraphs)])])


def render(emu: VendorEmulator, folder: Path, paragraphs: int, on_event: object = None) -> list | BaseException:
    """render_plan on a thread with a deadline, so a render that polls forever fails instead of hanging."""
    outcome: list = []

    def run() -> None:
        try:
            with Project.create(folder, book(paragraphs)) as project, EngineSet() as engines:
                outcome.append(render_plan(plan_book(project.load_book()), project, engines, config=DEADLINE,
                                           progress=on_event))  # type: ignore[arg-type]
        except BaseException as exc:  # handed back to the test
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(60)
    assert outcome, "the render was still polling a task that never finishes after 60 s"
    return outcome[0]


def test_alibabas_documented_deadline_is_three_hours() -> None:
    assert traits("aliyun").task_deadline_s == 3 * 3600  # vendor-docs: 合成结果在3小时内完成
    assert SchedulerConfig().task_deadline("aliyun") == 3 * 3600


def test_a_stuck_task_is_reported_and_submitted_again_once(emu: VendorEmulator, tmp_path: Path) -> None:
    events: list[RenderProgress] = []

    def on_event(event: RenderProgress) -> None:
        events.append(event)
        if event.state == "submitted":
            emu.faults.stuck_rate = 0.0  # only the first task sticks

    emu.faults.stuck_rate = 1.0
    pieces = render(emu, tmp_path / "p", 2, on_event)
    assert isinstance(pieces, list) and len(pieces) == 2
    texts = Counter(emu.submitted_texts("aliyun"))
    assert sorted(texts.values()) == [1, 2]  # the stuck one once more, nothing else
    assert any(e.state == "retrying" and "still running after" in e.message for e in events)


def test_a_task_stuck_twice_fails_its_unit(emu: VendorEmulator, tmp_path: Path) -> None:
    emu.faults.stuck_rate = 1.0  # every task sticks
    outcome = render(emu, tmp_path / "p", 1)
    assert isinstance(outcome, EngineError) and "for the second time" in str(outcome)
    assert list(Counter(emu.submitted_texts("aliyun")).values()) == [2]  # reported, resubmitted once, given up
