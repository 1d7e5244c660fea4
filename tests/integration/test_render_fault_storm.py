"""Issue 13's fault storm, one vendor at a time, over real HTTP: 20 % throttling, 20 % server errors, 5 % dropped
connections, 5 % truncated downloads, tokens that live 30 s (and 5 % of tasks failing at the vendor).

What must hold, counted from the emulator's own log of what it was asked and what it answered: the render
completes, and no task that the vendor finished was abandoned (a text submitted again after one of its tasks
succeeded would mean a paid task thrown away). Throttling spends no attempt, so the default attempt budget is
enough: under this storm the Baidu render used to give up while the Alibaba one finished.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from studio.core.book import Book, Chapter, Paragraph, VoiceSettings
from studio.core.project import Project
from studio.engines.registry import EngineSet
from studio.render.events import RenderProgress
from studio.render.lanes import SchedulerConfig
from studio.render.plan import plan_book
from studio.render.retry import RetryPolicy
from studio.render.runner import render_plan
from tests.emulator import Faults, VendorEmulator

VOICES = {"aliyun": "zhimi_emo", "baidu": "5003"}
#: The default attempt budget with short delays (the storm is about what is counted, not about waiting).
RETRY = RetryPolicy(base_delay_s=0.05, max_delay_s=0.4)
UNITS = 24


@pytest.fixture
def emu(monkeypatch: pytest.MonkeyPatch) -> Iterator[VendorEmulator]:
    faults = Faults(throttle_rate=0.2, server_error_rate=0.2, drop_rate=0.05, truncate_rate=0.05,
                    task_failure_rate=0.05, aliyun_token_ttl_s=30.0, baidu_token_ttl_s=30.0, time_scale=0.2)
    with VendorEmulator(seed=1313, faults=faults) as emulator:
        for key, value in emulator.env().items():
            monkeypatch.setenv(key, value)
        yield emulator


def storm_book(engine: str) -> Book:
    return Book("风暴", voice=VoiceSettings(engine=engine, voice=VOICES[engine]), chapters=[
        Chapter(f"第{c + 1}章", [Paragraph(f"第{c + 1}章第{p + 1}段。雨下了一夜，院子里的水没过了台阶。")
                                for p in range(UNITS // 3)]) for c in range(3)])


def abandoned_successes(emu: VendorEmulator, vendor: str) -> list[str]:
    """Task ids the vendor finished whose text was submitted again afterwards: paid for, then thrown away."""
    submissions = emu.submissions(vendor)
    return [s["task_id"] for i, s in enumerate(submissions) if not s["fails"]
            and any(later["text"] == s["text"] for later in submissions[i + 1:])]


@pytest.mark.parametrize("vendor", ["aliyun", "baidu"])
def test_the_fault_storm_abandons_no_finished_task(emu: VendorEmulator, tmp_path: Path, vendor: str) -> None:
    events: list[RenderProgress] = []
    expired = False

    def on_event(event: RenderProgress) -> None:
        nonlocal expired
        events.append(event)
        if not expired and sum(e.state == "submitted" for e in events) == UNITS // 2:
            expired = True
            emu.advance_time(31)  # half a minute passes for the vendor: every token issued so far is dead

    with Project.create(tmp_path / "p", storm_book(vendor)) as project:
        plan = plan_book(project.load_book())
        with EngineSet() as engines:
            pieces = render_plan(plan, project, engines, progress=on_event, retry=RETRY,
                                 config=SchedulerConfig(max_running={vendor: 8}))
        jobs = project.render_jobs()
    assert len(pieces) == UNITS and all(p.audio_path.is_file() for p in pieces)
    assert {job["state"] for job in jobs} == {"done"}
    assert abandoned_successes(emu, vendor) == []
    # Every text has exactly one task the vendor finished, and it was downloaded.
    finished = [s for s in emu.submissions(vendor) if not s["fails"]]
    assert sorted(s["text"] for s in finished) == sorted(set(emu.submitted_texts(vendor)))
    assert len(finished) == UNITS and {job["task_id"] for job in jobs} == {s["task_id"] for s in finished}
    # The storm reached the client: throttles, dropped connections, a renewed token, a retried download.
    requests = [r for r in emu.requests if r.vendor == vendor]
    assert any(r.status == 0 for r in requests), "no connection was dropped"
    assert any(e.state == "retrying" and e.error_type == "ThrottledError" for e in events)
    assert len(emu.requests_for(vendor, "token")) >= 2
    assert any("download failed" in e.message for e in events)
    # Throttles and drops spent no attempt: only submits the vendor refused with an error, or tasks it failed.
    assert max(job["attempts"] for job in jobs) <= RETRY.max_attempts
