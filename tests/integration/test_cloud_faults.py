"""Cloud renders under trouble: tokens expiring mid-render, and a fault storm that must leak no secret."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from studio.core.book import Book, Chapter, Paragraph, VoiceSettings
from studio.core.project import Project
from studio.render.export_book import export_project
from studio.render.runner import RenderProgress
from tests.emulator import VendorEmulator

VOICES = {"aliyun": "zhimi_emo", "baidu": "5003"}


def make_book(paragraphs_per_chapter: int = 4) -> Book:
    return Book("故障测试", author="测试", chapters=[
        Chapter(f"第{c + 1}章", [Paragraph(f"第{c + 1}章第{p + 1}段。天色渐渐暗了下来，他还在园子里找那只虫子。")
                                for p in range(paragraphs_per_chapter)])
        for c in range(3)])


@pytest.fixture
def emu(start_emulator: Callable[..., VendorEmulator]) -> VendorEmulator:
    return start_emulator(seed=11, time_scale=0.02)


@pytest.mark.parametrize("engine", ["aliyun", "baidu"])
def test_token_expiring_mid_render_is_refreshed_once(emu: VendorEmulator, tmp_path: Path, engine: str) -> None:
    expired = threading.Event()

    def on_progress(p: RenderProgress) -> None:
        if p.state == "submitted" and not expired.is_set():
            emu.expire_tokens()
            expired.set()

    with Project.create(tmp_path / "p", make_book()) as project:
        result = export_project(project, tmp_path / "out.m4b", render_progress=on_progress,
                                voice=VoiceSettings(engine=engine, voice=VOICES[engine]))
    assert expired.is_set() and result.chapters == 3 and result.units_rendered == 12
    assert len(emu.requests_for(engine, "token")) == 2  # the first token, and exactly one refresh


@pytest.mark.parametrize("engine", ["aliyun", "baidu"])
def test_fault_storm_completes_and_leaks_no_secret(emu: VendorEmulator, tmp_path: Path, engine: str,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    emu.faults.server_error_rate = 0.08
    emu.faults.throttle_rate = 0.08
    emu.faults.drop_rate = 0.04
    emu.faults.truncate_rate = 0.1
    emu.faults.task_failure_rate = 0.05
    emu.faults.aliyun_token_ttl_s = 2.0
    emu.faults.baidu_token_ttl_s = 2.0
    events: list[RenderProgress] = []
    caplog.set_level(logging.DEBUG)
    from studio.logsetup import setup_logging

    log_file = setup_logging()  # the real rotating log file, searched below
    from studio.render.retry import RetryPolicy

    with Project.create(tmp_path / "p", make_book(6)) as project:
        result = export_project(project, tmp_path / "out.m4b", render_progress=events.append,
                                voice=VoiceSettings(engine=engine, voice=VOICES[engine]),
                                retry=RetryPolicy(max_attempts=12, base_delay_s=0.02, max_delay_s=0.3))
    assert result.chapters == 3 and result.units_rendered == 18
    retried = [e for e in events if e.state == "retrying"]
    assert retried, "the storm produced no retries: the faults did not reach the client"

    secrets = [os.environ["STUDIO_ALIYUN_ACCESS_KEY_SECRET"], os.environ["STUDIO_BAIDU_SECRET_KEY"],
               *emu.issued_tokens()]
    assert emu.issued_tokens(engine), "no token was issued: nothing was tested"
    haystacks = {"log records": "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records),
                 "retry messages": "\n".join(e.message for e in retried)}
    for root in (tmp_path, Path(os.environ["STUDIO_LOG_DIR"])):
        for path in root.rglob("*"):
            if path.is_file():
                haystacks[str(path)] = path.read_bytes().decode("latin-1")
    assert log_file.is_file() and "retrying" in log_file.read_text("utf-8")
    for name, text in haystacks.items():
        for secret in secrets:
            assert secret not in text, f"a secret or token leaked into {name}"
