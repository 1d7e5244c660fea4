"""A long book streams through ffmpeg: Python's memory does not grow with the book, and marks do not drift.

The stitch runs in a fresh interpreter so its peak RSS is not masked by whatever the test session did
before; ffmpeg's own peak (a child of that interpreter) is reported separately.
"""

from __future__ import annotations

import array
import json
import math
import os
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from studio.audio import decode_to_pcm, read_chapters

REPO = Path(__file__).resolve().parents[2]
RATE = 22050
CHAPTERS, PIECES_PER_CHAPTER = 10, 20  # 200 pieces
PARAGRAPH_GAP_MS, CHAPTER_GAP_MS = 600, 1500
MAX_GROWTH_MB = 30
TOLERANCE_MS = 50

_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from studio.audio import ChapterAudio, write_m4b

job = json.loads(sys.argv[1])
chapters = [ChapterAudio(c["title"], [Path(p) for p in c["pieces"]]) for c in job["chapters"]]
to_mb = 1 / 1024 if sys.platform != "darwin" else 1 / (1024 * 1024)  # ru_maxrss: KiB on Linux, bytes on macOS
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * to_mb
started = time.monotonic()
result = write_m4b(chapters, Path(job["output"]), title="长书", author="测试",
                   paragraph_gap_ms=job["para"], chapter_gap_ms=job["chap"])
elapsed = time.monotonic() - started
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * to_mb
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * to_mb
print(json.dumps({"before_mb": before, "after_mb": after, "ffmpeg_peak_mb": children, "elapsed_s": elapsed,
                  "duration_ms": result.duration_ms, "starts_ms": [m.start_ms for m in result.chapters]}))
"""


def _tone(path: Path, frames: int) -> None:
    second = array.array("h", (int(8000 * math.sin(2 * math.pi * 441 * i / RATE)) for i in range(RATE)))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        while frames > 0:
            n = min(frames, RATE)
            w.writeframes(second[:n].tobytes())
            frames -= n


def _first_sound_ms(pcm: array.array[int], rate: int, from_ms: float, to_ms: float) -> float:
    for i in range(int(from_ms * rate / 1000), min(int(to_ms * rate / 1000), len(pcm))):
        if abs(pcm[i]) > 1000:
            return i * 1000 / rate
    return math.inf


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="the resource module is POSIX only")
def test_thirty_minutes_from_200_pieces_streams(tmp_path: Path, record_property: object) -> None:
    pieces_dir = tmp_path / "pieces"
    pieces_dir.mkdir()
    chapters, total_ms = [], 0.0
    for c in range(CHAPTERS):
        paths = []
        for p in range(PIECES_PER_CHAPTER):
            frames = RATE * 8 + (c * PIECES_PER_CHAPTER + p) * 1111 % (RATE * 2)  # 8-10 s, exact frames
            path = pieces_dir / f"{c:02d}-{p:02d}.wav"
            _tone(path, frames)
            paths.append(str(path))
            total_ms += frames * 1000 / RATE
        chapters.append({"title": f"第{c + 1}章", "pieces": paths})
    total_ms += CHAPTERS * (PIECES_PER_CHAPTER - 1) * PARAGRAPH_GAP_MS + (CHAPTERS - 1) * CHAPTER_GAP_MS
    assert total_ms > 30 * 60 * 1000
    output = tmp_path / "long.m4b"
    job = {"chapters": chapters, "output": str(output), "para": PARAGRAPH_GAP_MS, "chap": CHAPTER_GAP_MS}

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", _CHILD, json.dumps(job)], capture_output=True, text=True,
                          env=env, timeout=900)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    growth = figures["after_mb"] - figures["before_mb"]
    speed = total_ms / 1000 / figures["elapsed_s"]
    measured = {"python_rss_growth_mb": growth, "python_peak_mb": figures["after_mb"],
                "ffmpeg_peak_rss_mb": figures["ffmpeg_peak_mb"], "encode_speed_x_realtime": speed}
    for key, value in measured.items():
        record_property(key, round(value, 1))  # type: ignore[operator]
    print(f"\n30-min stitch: Python peak {figures['before_mb']:.0f} -> {figures['after_mb']:.0f} MB "
          f"(+{growth:.1f} MB), ffmpeg peak {figures['ffmpeg_peak_mb']:.0f} MB, "
          f"{figures['elapsed_s']:.1f} s = {speed:.0f}x real time")
    assert growth < MAX_GROWTH_MB, figures
    assert abs(figures["duration_ms"] - total_ms) < 0.01

    # no drift over 200 pieces: every mark sits on its chapter's first sound, the end on the last sample
    marks = read_chapters(output)
    assert [m.title for m in marks] == [c["title"] for c in chapters]
    rate = 8000
    pcm = decode_to_pcm(output, sample_rate=rate)
    assert abs(len(pcm) * 1000 / rate - total_ms) <= TOLERANCE_MS
    errors = [m.start_ms - _first_sound_ms(pcm, rate, max(0.0, m.start_ms - 1000), m.start_ms + 1000)
              for m in marks]
    record_property("long_book_mark_errors_ms", [round(e, 2) for e in errors])  # type: ignore[operator]
    print(f"mark minus onset (ms): {[round(e, 2) for e in errors]}")
    assert all(abs(e) <= TOLERANCE_MS for e in errors), errors
