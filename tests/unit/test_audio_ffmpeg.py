"""The ffmpeg runner: the bundled binary, progress, cancellation, failures that say what went wrong."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from studio.audio import AudioError, ffmpeg_exe, read_wav_info, run_ffmpeg
from studio.audio.ffmpeg import _guess_output, run_ffmpeg_ex
from studio.core.errors import CancelledError

REPO = Path(__file__).resolve().parents[2]


def _sine(seconds: float, *, readrate: float | None = None) -> list[str]:
    """A lavfi sine source; ``readrate`` slows ffmpeg to N x real time so a test can act mid-run."""
    pace = ["-readrate", str(readrate)] if readrate else []
    return [*pace, "-f", "lavfi", "-i", f"sine=frequency=441:sample_rate=22050:duration={seconds}"]


@pytest.fixture
def fresh_exe_cache() -> Iterator[None]:
    ffmpeg_exe.cache_clear()
    yield
    ffmpeg_exe.cache_clear()


def test_bundled_ffmpeg_is_found_and_runs() -> None:
    exe = ffmpeg_exe()
    assert Path(exe).is_file()
    version = subprocess.run([exe, "-version"], capture_output=True, check=True, text=True).stdout
    assert version.startswith("ffmpeg version")


def test_env_var_overrides_the_bundled_binary(monkeypatch: pytest.MonkeyPatch, fresh_exe_cache: None,
                                              tmp_path: Path) -> None:
    bundled = ffmpeg_exe()
    ffmpeg_exe.cache_clear()
    link = tmp_path / "my-ffmpeg"
    link.symlink_to(bundled)
    monkeypatch.setenv("STUDIO_FFMPEG", str(link))
    assert ffmpeg_exe() == str(link)
    ffmpeg_exe.cache_clear()
    monkeypatch.setenv("STUDIO_FFMPEG", str(tmp_path / "missing"))
    with pytest.raises(AudioError, match="STUDIO_FFMPEG"):
        ffmpeg_exe()


def test_importing_studio_audio_points_pydub_at_ffmpeg_without_warnings() -> None:
    code = ("import studio.audio, pydub; "
            "assert pydub.AudioSegment.converter == studio.audio.ffmpeg_exe(), pydub.AudioSegment.converter")
    env = {**os.environ, "PATH": "/nonexistent", "PYTHONPATH": str(REPO)}
    env.pop("STUDIO_FFMPEG", None)
    done = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True, text=True,
                          env=env)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_success_writes_output(tmp_path: Path) -> None:
    out = tmp_path / "s.wav"
    run_ffmpeg([*_sine(0.5), "-c:a", "pcm_s16le", str(out)])
    assert read_wav_info(out).frames == 11025


def test_failure_raises_audio_error_with_ffmpeg_stderr(tmp_path: Path) -> None:
    out = tmp_path / "never.wav"
    with pytest.raises(AudioError) as err:
        run_ffmpeg(["-i", str(tmp_path / "missing input.wav"), str(out)])
    text = str(err.value)
    assert "exit code" in text and "ffmpeg said" in text and "No such file or directory" in text
    assert "missing input.wav" in err.value.stderr_tail
    assert not out.exists()


def test_progress_is_increasing_and_ends_at_one(tmp_path: Path) -> None:
    seen: list[float] = []
    run_ffmpeg([*_sine(3, readrate=4), "-c:a", "pcm_s16le", str(tmp_path / "p.wav")],
               progress_cb=seen.append, duration_hint_s=3)
    assert len(seen) >= 3, seen
    assert seen == sorted(set(seen)) and seen[-1] == 1.0 and 0 < seen[0] < 1


def test_cancel_kills_ffmpeg_and_removes_partial_output(tmp_path: Path) -> None:
    out = tmp_path / "c.wav"
    cancel = threading.Event()
    threading.Timer(0.4, cancel.set).start()
    started = time.monotonic()
    with pytest.raises(CancelledError):
        run_ffmpeg([*_sine(30, readrate=1), "-c:a", "pcm_s16le", str(out)], cancel_event=cancel)
    assert time.monotonic() - started < 3
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_cancel_before_start_runs_nothing(tmp_path: Path) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(CancelledError):
        run_ffmpeg([*_sine(1), str(tmp_path / "x.wav")], cancel_event=cancel)
    assert not (tmp_path / "x.wav").exists()


def test_a_raising_progress_callback_stops_ffmpeg(tmp_path: Path) -> None:
    out = tmp_path / "r.wav"

    def explode(_fraction: float) -> None:
        raise RuntimeError("widget gone")

    with pytest.raises(RuntimeError, match="widget gone"):
        run_ffmpeg([*_sine(30, readrate=2), "-c:a", "pcm_s16le", str(out)], progress_cb=explode,
                   duration_hint_s=30)
    assert not out.exists()


@pytest.mark.parametrize(("args", "expected"), [
    (["-i", "a.wav", "out.m4b"], Path("out.m4b")),
    (["-i", "a.wav", "-f", "null", "-"], None),
    (["-i", "a.wav", "-f", "null", "/dev/null"], None),
    (["-i", "a.wav", "-f", "s16le", "pipe:1"], None),
    ([], None),
])
def test_partial_output_guess(args: list[str], expected: Path | None) -> None:
    assert _guess_output(args) == expected


def test_stderr_after_gives_every_line_once_ffmpeg_ends(tmp_path: Path) -> None:
    """A chapter encode's meter (ten lines a second) read from a file after the run: every line, in order, the
    same as through the pipe."""
    graph = ["-af", "ebur128=framelog=info", "-f", "null", "-"]
    piped: list[str] = []
    run_ffmpeg_ex([*_sine(20), *graph], loglevel="info", stderr_cb=piped.append)
    after: list[str] = []
    seen_during: list[int] = []
    run_ffmpeg_ex([*_sine(20, readrate=20), *graph], loglevel="info", stderr_cb=after.append, stderr_after=True,
                  progress_cb=lambda _f: seen_during.append(len(after)), duration_hint_s=20)
    frames = [line.split("] ", 1)[1] for line in after if " t:" in line]  # "[Parsed_ebur128_0 @ 0x...] t: ..."
    assert len(frames) >= 195  # one per 100 ms of 20 s
    assert frames == [line.split("] ", 1)[1] for line in piped if " t:" in line]
    assert seen_during and seen_during[0] == 0  # progress went on while nothing had been parsed yet


def test_stderr_after_still_explains_a_failure_and_a_cancel(tmp_path: Path) -> None:
    out = tmp_path / "never.wav"
    with pytest.raises(AudioError) as err:
        run_ffmpeg_ex(["-i", str(tmp_path / "missing input.wav"), str(out)], stderr_after=True)
    assert "No such file or directory" in str(err.value) and "missing input.wav" in err.value.stderr_tail
    cancel = threading.Event()
    threading.Timer(0.4, cancel.set).start()
    started = time.monotonic()
    with pytest.raises(CancelledError):
        run_ffmpeg_ex([*_sine(30, readrate=1), "-c:a", "pcm_s16le", str(out)], cancel_event=cancel,
                      stderr_after=True)
    assert time.monotonic() - started < 3
    assert list(tmp_path.iterdir()) == []
