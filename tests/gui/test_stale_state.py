"""Nothing stale: the resume banner, the job drawer, the status bar and the player say what is true now; import
warnings are listed; without a display the reason and the way out are printed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from studio.gui.main_window import MainWindow
from studio.gui.player import MULTIMEDIA
from studio.gui.project_controller import ResumeInfo
from tests.gui.conftest import wait_idle

ROOT = Path(__file__).resolve().parents[2]


def test_the_resume_banner_goes_when_any_button_starts_the_render(qtbot, book_window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window = book_window
    window.resume_bar.show_info(ResumeInfo(remaining=2, total=3))
    assert window.resume_bar.isVisible()
    with qtbot.waitSignal(window.render.finished, timeout=60_000):
        window.job_dock.render_button.click()  # not the banner's own Resume button
        assert not window.resume_bar.isVisible()
    wait_idle(qtbot)


def test_opening_another_project_clears_the_job_drawer(qtbot, book_window: MainWindow, manuscript: Path,  # type: ignore[no-untyped-def]
                                                       tmp_path: Path) -> None:
    window = book_window
    with qtbot.waitSignal(window.render.finished, timeout=60_000):
        window.start_render()
    wait_idle(qtbot)
    assert window.jobs.rowCount() > 0 and window.job_dock.progress_bar.value() > 0
    window.import_manuscript(manuscript, tmp_path / "other.studio")
    wait_idle(qtbot)
    assert window.document.folder == tmp_path / "other.studio"
    assert window.jobs.rowCount() == 0 and window.job_dock.progress_bar.value() == 0
    assert window.job_dock.summary.text() == "No render yet."


@pytest.mark.skipif(not MULTIMEDIA, reason="QtMultimedia (PySide6-Addons) is not installed")
def test_playback_does_not_keep_synthesizing_and_a_missing_device_is_shown(qtbot, book_window: MainWindow  # type: ignore[no-untyped-def]
                                                                           ) -> None:
    from PySide6.QtMultimedia import QMediaDevices

    window = book_window
    with qtbot.waitSignal(window.player.duration_known, timeout=60_000):
        window.preview_paragraph(0, 0)
    wait_idle(qtbot)
    assert "Synthesizing" not in window.status_label.text()
    assert window.status_label.text().startswith("Playing")
    if QMediaDevices.audioOutputs():
        pytest.skip("this machine has an audio device")
    assert window.player.device_notice.isVisible()
    assert "No audio device" in window.player.device_notice.text()
    window.player.stop()


def test_import_warnings_are_listed_in_a_panel(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    manuscript = tmp_path / "odd.txt"
    manuscript.write_text("第一章 园\n我家的后面\x01有一个很大的园。\x02\n", encoding="utf-8")
    window.import_manuscript(manuscript, tmp_path / "odd.studio")
    wait_idle(qtbot)
    panel = window.import_warnings
    assert panel.isVisible()
    assert any("control character" in w for w in panel.warnings())
    assert panel.windowTitle().endswith(f"({len(panel.warnings())})")


def test_without_a_display_the_reason_and_the_hint_reach_stderr(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update({"QT_QPA_PLATFORM": "xcb", "STUDIO_LOG_DIR": str(tmp_path / "logs"), "PYTHONPATH": str(ROOT),
                "HOME": str(tmp_path), "XDG_RUNTIME_DIR": str(tmp_path)})
    done = subprocess.run([sys.executable, "-m", "studio"], env=env, capture_output=True, text=True, timeout=120,
                          cwd=tmp_path)
    assert done.returncode != 0
    assert "QT_QPA_PLATFORM=offscreen" in done.stderr, done.stderr
    assert str(tmp_path / "logs") in done.stderr
    assert "platform plugin" in done.stderr or "display" in done.stderr


def test_help_mentions_studio_path() -> None:
    done = subprocess.run([sys.executable, "-m", "studio", "--help"], capture_output=True, text=True, timeout=60,
                          cwd=ROOT)
    assert done.returncode == 0 and "studio PATH" in done.stdout
