"""The freeze: the UI thread waited in a QtMultimedia call holding the Python lock while Qt's audio thread
logged a warning through the Python message handler, which waited for that lock. The player's calls now
release the lock (``studio.gui.media_calls``); this plays, seeks and stops hundreds of times while the audio
thread logs, in a child process with a deadline, so a freeze fails the test instead of hanging the run."""

from __future__ import annotations

import math
import os
import struct
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from studio.gui import media_calls
from studio.gui.player import MULTIMEDIA

ROOT = Path(__file__).resolve().parents[2]
SECONDS = 8.0


def write_wav(path: Path, seconds: float = 3.0, rate: int = 16_000) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(struct.pack("<h", int(6000 * math.sin(i / 9))) for i in range(int(rate * seconds))))
    return path


@pytest.mark.skipif(not MULTIMEDIA, reason="QtMultimedia (PySide6-Addons) is not installed")
@pytest.mark.skipif(not media_calls.RELEASES_GIL, reason="QtMultimedia symbols not found on this platform")
def test_play_stop_seek_while_the_audio_thread_logs_never_freezes(tmp_path: Path) -> None:
    wav = write_wav(tmp_path / "tone.wav")
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(home), "XDG_RUNTIME_DIR": str(home),
           "PYTHONPATH": str(ROOT), "STUDIO_LOG_DIR": str(tmp_path / "logs")}
    env.pop("QT_LOGGING_RULES", None)  # the warnings are the point
    try:
        proc = subprocess.run([sys.executable, str(Path(__file__).with_name("player_stress_app.py")), str(wav),
                               "250", str(SECONDS)], env=env, cwd=ROOT, capture_output=True, text=True,
                              timeout=SECONDS + 60)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"the player froze (no exit within {SECONDS + 60:.0f} s): {exc.stdout!r}")
    assert proc.returncode == 0, f"the player froze or crashed:\n{proc.stdout}\n{proc.stderr[-3000:]}"
    _ui, other = (int(n) for n in proc.stdout.split("messages:")[1].split())
    print(f"\n{proc.stdout.strip()} (UI thread, other threads)")
    if other == 0:
        pytest.skip("Qt logged nothing from its audio thread here (an audio device is present?)")
