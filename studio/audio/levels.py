"""Loudness checks that tell speech from silence: per chapter in a finished file, or over samples in memory.

ffmpeg's ``volumedetect`` filter does the per-chapter work so nothing large passes through Python; the
pure-Python ``rms_dbfs`` is for the short sample arrays tests and previews already hold (no numpy in the
app).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from studio.audio.errors import AudioError
from studio.audio.ffmpeg import run_ffmpeg
from studio.audio.stitch import ChapterMark

#: volumedetect's floor for digital silence, and ours for an empty or all-zero input.
SILENCE_DBFS = -91.0
_FULL_SCALE = 32768.0
_VOLUME_LINE = re.compile(r"(mean|max)_volume:\s*(-?[\d.]+|-?inf)\s*dB")


@dataclass(frozen=True)
class ChapterLevel:
    title: str
    mean_dbfs: float  # RMS level over the chapter
    peak_dbfs: float

    @property
    def silent(self) -> bool:
        """True when the chapter holds no speech: an engine returned silence, or a piece went missing."""
        return self.peak_dbfs <= -60.0


def rms_dbfs(samples: Iterable[int]) -> float:
    """RMS level of signed 16-bit samples in dBFS (a full-scale square wave is 0 dBFS)."""
    total = 0
    count = 0
    for x in samples:
        total += x * x
        count += 1
    if count == 0 or total == 0:
        return SILENCE_DBFS
    return max(20 * math.log10(math.sqrt(total / count) / _FULL_SCALE), SILENCE_DBFS)


def volumedetect(path: str | os.PathLike[str], *, start_ms: float = 0.0,
                 duration_ms: float | None = None) -> tuple[float, float]:
    """(mean, peak) dBFS of a stretch of a file, measured by ffmpeg while decoding it."""
    args = ["-ss", f"{start_ms / 1000:.6f}"]
    if duration_ms is not None:
        args += ["-t", f"{max(duration_ms, 0.0) / 1000:.6f}"]
    args += ["-i", os.fspath(path), "-map", "0:a:0", "-af", "volumedetect", "-f", "null", "-"]
    tail = run_ffmpeg(args, loglevel="info")
    found = {kind: value for kind, value in _VOLUME_LINE.findall(tail)}
    if "mean" not in found or "max" not in found:
        # volumedetect prints nothing when it saw no samples at all
        return SILENCE_DBFS, SILENCE_DBFS
    try:
        return float(found["mean"]), float(found["max"])
    except ValueError as exc:  # pragma: no cover - ffmpeg changed its output format
        raise AudioError(f"cannot read volumedetect's output: {found}", path=os.fspath(path)) from exc


def chapter_levels(path: str | os.PathLike[str], marks: Sequence[ChapterMark]) -> list[ChapterLevel]:
    """Mean and peak level of each chapter of a finished file, one ffmpeg decode per chapter."""
    levels = []
    for mark in marks:
        mean, peak = volumedetect(path, start_ms=mark.start_ms, duration_ms=mark.end_ms - mark.start_ms)
        levels.append(ChapterLevel(mark.title, max(mean, SILENCE_DBFS), max(peak, SILENCE_DBFS)))
    return levels
