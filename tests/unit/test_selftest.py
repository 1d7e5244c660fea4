"""``studio --self-test`` from the venv: every check passes here, and real breakage gives clear FAIL lines.

The failures are real, not mocked results: ffmpeg is made unavailable through ``STUDIO_FFMPEG`` (the
override the studio honours everywhere), Qt is pointed at a platform plugin that does not exist, and a
"frozen" process is shown an ffmpeg from outside its bundle.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from studio import selftest
from studio.audio.ffmpeg import ffmpeg_exe

REPO = Path(__file__).resolve().parents[2]


def _lines(text: str) -> dict[str, str]:
    """Check name -> its OK/FAIL line."""
    found = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in ("OK", "FAIL") and parts[1] in selftest.CHECK_NAMES:
            found[parts[1]] = line
    return found


@pytest.fixture(autouse=True)
def _fresh_ffmpeg_lookup():
    """The self-test clears the ffmpeg lookup to honour STUDIO_FFMPEG; leave it clean for later tests."""
    yield
    ffmpeg_exe.cache_clear()


def test_every_check_passes_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    code = selftest.main([])
    out = capsys.readouterr().out
    lines = _lines(out)
    assert code == 0, out
    assert list(lines) == list(selftest.CHECK_NAMES), out
    assert all(line.startswith("OK ") for line in lines.values()), out
    assert "self-test passed: 10 checks" in out
    assert "M4B (AAC, 1 chapter mark" in lines["render-m4b"]
    assert "aac" in lines["ffmpeg"]


@pytest.mark.expect_log(r"^self-test check (ffmpeg|render-m4b) failed$", logger="studio.selftest")
@pytest.mark.expect_log(r"could not be encoded ahead \(the export will\)", logger="studio.render.chapter_pipeline")
@pytest.mark.expect_log(r"could not be stored as FLAC", logger="studio.render")
def test_missing_ffmpeg_fails_with_a_clear_line(monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("STUDIO_FFMPEG", "/nonexistent/ffmpeg")
    code = selftest.main(["--only", "ffmpeg,catalogue,render-m4b"])
    out = capsys.readouterr().out
    lines = _lines(out)
    assert code == 1, out
    assert lines["ffmpeg"].startswith("FAIL ffmpeg"), out
    assert "STUDIO_FFMPEG is set to '/nonexistent/ffmpeg'" in lines["ffmpeg"]
    assert lines["render-m4b"].startswith("FAIL "), out  # the render needs ffmpeg too
    assert lines["catalogue"].startswith("OK "), out  # one broken part does not hide the others
    assert "self-test FAILED: 2 of 3 checks (ffmpeg, render-m4b)" in out
    assert "details in" in out


@pytest.mark.expect_log(r"^self-test check ffmpeg failed$", logger="studio.selftest")
def test_a_frozen_app_rejects_an_ffmpeg_from_outside_its_bundle(monkeypatch: pytest.MonkeyPatch,
                                                               tmp_path: Path) -> None:
    """A system ffmpeg found by accident would hide a packaging bug, so the frozen app must fail."""
    monkeypatch.delenv("STUDIO_FFMPEG", raising=False)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    result = selftest.run_check(selftest.Check("ffmpeg", selftest.check_ffmpeg, 60), selftest.Context(tmp_path))
    assert not result.ok
    assert result.detail.startswith("ffmpeg comes from outside the bundle: ")
    assert result.line().startswith("FAIL ffmpeg")


def _run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "studio", "--self-test", *args], capture_output=True, text=True,
                          cwd=REPO, env={**os.environ, **(env or {})}, timeout=300, check=False)


def test_the_cli_hook_runs_the_self_test_in_its_own_process() -> None:
    done = _run_cli("--only", "catalogue,translations,keyring")
    lines = _lines(done.stdout)
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(lines) == ["catalogue", "keyring", "translations"]
    assert all(line.startswith("OK ") for line in lines.values())


def test_a_missing_qt_platform_plugin_is_a_fail_line_not_a_crash() -> None:
    """Qt aborts the process when its platform plugin cannot load; the self-test must say so first."""
    done = _run_cli("--only", "qt-platform,qt-multimedia,catalogue", env={"QT_QPA_PLATFORM": "nosuchplatform"})
    lines = _lines(done.stdout)
    assert done.returncode == 1, done.stdout + done.stderr
    assert lines["qt-platform"].startswith("FAIL "), done.stdout
    assert "Qt platform plugin 'nosuchplatform' is missing" in lines["qt-platform"]
    assert lines["qt-multimedia"].startswith("FAIL "), done.stdout
    assert lines["catalogue"].startswith("OK "), done.stdout


def test_unknown_check_names_are_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        selftest.main(["--only", "ffmpeg,nonsense"])
    assert exc.value.code == 2
    assert "unknown check(s): nonsense" in capsys.readouterr().err


def test_a_check_that_hangs_fails_after_its_time_limit_and_is_cancelled(tmp_path: Path) -> None:
    seen: list[bool] = []

    def hangs(ctx: selftest.Context) -> str:
        seen.append(ctx.cancel.wait(30))  # returns True as soon as the runner gives up and cancels
        return "finished after all"

    result = selftest.run_check(selftest.Check("render-m4b", hangs, 1.0), selftest.Context(tmp_path))
    assert not result.ok
    assert result.line().startswith("FAIL render-m4b    did not finish within 1 s")
    assert seen == [True]
