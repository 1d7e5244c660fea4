"""Quitting, closing or opening another project while a render runs: the window asks, never aborts, and keeps
every task the vendor accepted (so nothing is paid for twice)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from studio.core.project import Project
from tests.emulator import Faults, VendorEmulator
from tests.gui.test_cloud_render import three_chapter_book

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def slow_emu() -> Iterator[VendorEmulator]:
    with VendorEmulator(seed=5, faults=Faults(time_scale=20.0)) as emulator:  # ~4 s a task
        yield emulator


def committed_task_ids(folder: Path) -> set[str]:
    with Project.open(folder) as project:
        return {row["task_id"] for row in project.render_jobs() if row["task_id"]}


@pytest.mark.timeout(180)
def test_quit_during_a_render_exits_0_with_every_accepted_task_committed(slow_emu: VendorEmulator,
                                                                         tmp_path: Path) -> None:
    folder = tmp_path / "book.studio"
    Project.create(folder, three_chapter_book(paragraphs=4)).close()
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, **slow_emu.env(), "QT_QPA_PLATFORM": "offscreen", "HOME": str(home),
           "XDG_CONFIG_HOME": str(home / ".config"), "XDG_DATA_HOME": str(home / ".local/share"),
           "XDG_CACHE_HOME": str(home / ".cache"), "XDG_STATE_HOME": str(home / ".local/state"),
           "XDG_RUNTIME_DIR": str(home), "QT_LOGGING_RULES": "qt.multimedia.*=false",
           "PYTHONPATH": str(ROOT), "STUDIO_LOG_DIR": str(tmp_path / "logs")}
    proc = subprocess.run([sys.executable, str(Path(__file__).with_name("quit_during_render_app.py")),
                           str(folder), "3"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=150)
    logs = "".join(p.read_text(errors="replace") for p in sorted((tmp_path / "logs").glob("*.log*")))
    output = proc.stdout + proc.stderr + logs
    assert proc.returncode == 0, output[-3000:]
    assert "quitting with" in proc.stdout and "asked:" in proc.stdout, output[-3000:]
    assert "QThread: Destroyed" not in output
    accepted = {s["task_id"] for s in slow_emu.submissions()}
    assert accepted, "the render sent nothing before the quit"
    assert accepted <= committed_task_ids(folder), "a task the vendor accepted was not kept in the project"


@pytest.fixture
def emu_env(slow_emu: VendorEmulator, monkeypatch: pytest.MonkeyPatch) -> VendorEmulator:
    for key, value in slow_emu.env().items():
        monkeypatch.setenv(key, value)
    return slow_emu


def test_keep_rendering_keeps_the_window_and_opening_another_project_pauses_first(  # type: ignore[no-untyped-def]
        qtbot, window, emu_env: VendorEmulator, tmp_path: Path) -> None:
    from tests.gui.conftest import wait_idle
    from tests.gui.test_cloud_render import open_book

    folder, other = tmp_path / "book.studio", tmp_path / "other.studio"
    open_book(qtbot, window, folder, three_chapter_book(paragraphs=4))
    Project.create(other, three_chapter_book(paragraphs=1)).close()
    window.render_action.trigger()
    qtbot.waitUntil(lambda: any(r.task_id for r in window.jobs.rows()), timeout=60_000)

    window.quit_action.trigger()
    question = window.pause_question
    assert question.isVisible() and question.defaultButton().text() == "Pause and Quit"
    question.escapeButton().click()  # "Keep Rendering"
    assert window.isVisible() and window.render.is_running()
    qtbot.wait(50)  # the answered box is deleted (deferred): asking again must not touch it
    window.quit_action.trigger()
    assert window.pause_question.isVisible() and window.isVisible()
    window.pause_question.escapeButton().click()

    assert window.open_project(other) is None  # asks before leaving the render
    question = window.pause_question
    assert question.isVisible() and question.defaultButton().text() == "Pause and Open"
    question.defaultButton().click()
    assert not window.render.is_running()
    wait_idle(qtbot)
    assert window.document.folder == other
    assert window.jobs.rowCount() == 0  # the Jobs panel no longer shows the other book's render
    accepted = {s["task_id"] for s in emu_env.submissions()}
    assert accepted and accepted <= committed_task_ids(folder)
