"""A whole book through both cloud vendors while the emulator misbehaves the way the issue describes:
5% server errors, 5% throttling, 2% truncated downloads, 2% dropped connections, tokens that live 30 s."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
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
from tests.emulator import VendorEmulator

RETRY = RetryPolicy(max_attempts=8, base_delay_s=0.05, max_delay_s=0.5)


@pytest.fixture
def emu(start_emulator: Callable[..., VendorEmulator]) -> VendorEmulator:
    return start_emulator(seed=17, time_scale=0.5, server_error_rate=0.05, throttle_rate=0.05, truncate_rate=0.02,
                          drop_rate=0.02, aliyun_token_ttl_s=30.0, baidu_token_ttl_s=30.0)


def mixed_book(paragraphs: int = 15) -> Book:
    """Chapters alternate between an Alibaba and a Baidu voice, so both lanes run at once."""
    voices = [VoiceSettings(engine="aliyun", voice="zhimi_emo"), VoiceSettings(engine="baidu", voice="5003")]
    return Book("故障", chapters=[
        Chapter(f"第{c + 1}章", [Paragraph(f"第{c + 1}章第{p + 1}段。风停了，园子里只剩下虫子的叫声。")
                                for p in range(paragraphs)], voice=voices[c % 2])
        for c in range(4)])


def test_a_book_completes_through_the_fault_storm(emu: VendorEmulator, tmp_path: Path) -> None:
    events: list[RenderProgress] = []
    minutes = threading.Event()

    def on_event(event: RenderProgress) -> None:
        events.append(event)
        # Half a minute passes for the vendors twice while both lanes still have units to submit: every
        # token issued so far expires, and the next submit on each lane must renew its token.
        submitted = sum(1 for e in events if e.state == "submitted")
        if submitted in (16, 36) and not minutes.is_set():
            emu.advance_time(31)
            minutes.set()
        elif submitted not in (16, 36):
            minutes.clear()

    with Project.create(tmp_path / "p", mixed_book()) as project:
        plan = plan_book(project.load_book())
        with EngineSet() as engines:
            pieces = render_plan(plan, project, engines, progress=on_event, retry=RETRY,
                                 config=SchedulerConfig(max_running={"aliyun": 8, "baidu": 8}))
        jobs = project.render_jobs()
    assert len(pieces) == 60 and all(p.audio_path.is_file() for p in pieces)
    assert {job["state"] for job in jobs} == {"done"}
    assert max(job["attempts"] for job in jobs) <= RETRY.max_attempts
    assert sum(job["attempts"] for job in jobs) >= 60
    # The faults reached the client, and were absorbed.
    assert any(e.state == "retrying" for e in events)
    assert any("download failed" in e.message for e in events)
    requests = emu.requests
    assert any(r.status == 0 for r in requests), "no connection was dropped"
    assert len(emu.requests_for("aliyun", "token")) >= 2 and len(emu.requests_for("baidu", "token")) >= 2
    # Nothing was submitted more often than its failures explain.
    texts = Counter(emu.submitted_texts())
    assert len(texts) == 60
    failed_tasks = sum(1 for s in emu.submissions() if s["fails"])
    assert sum(texts.values()) <= 60 + failed_tasks + sum(1 for e in events if e.state == "retrying")
