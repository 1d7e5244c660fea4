"""One pass over a unit's audio: length, level, silences, clipping and DC offset.

Why our own scan and not ffmpeg filters: a check runs over every unit of a book and must stay cheap; the
cache holds 16-bit PCM (FLAC since decision 0015, decoded by one ffmpeg per unit into a pipe; WAV before), so
the samples are read in 10 ms windows
with the ``array`` module and every per-window number (peak, sum, full-scale count) is computed by C code.
Memory stays one window plus one read block whatever the unit's length.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from studio.audio.cached_audio import pcm_blocks, samples_of
from studio.audio.errors import AudioError
from studio.audio.wavinfo import read_audio_info

WINDOW_MS = 10
#: A window whose peak stays below this (about -50 dBFS) is silence.
SILENCE_PEAK = 100
FULL_SCALE = 32767


@dataclass(frozen=True)
class SignalScan:
    """What the samples of one unit say."""

    duration_ms: int
    sample_rate: int
    peak: int  # largest absolute sample
    mean: float  # DC offset as a share of full scale (-1..1)
    clipped: int  # samples at full scale
    samples: int
    voiced_ms: int  # from the first to the last window above the silence level (0: silent)
    silences: tuple[tuple[int, int], ...] = field(default=())  # internal silent runs (begin ms, length ms)


class ScanError(Exception):
    """The file is not 16-bit PCM audio (FLAC or WAV) we can read."""


def scan_wav(path: Path, *, min_silence_ms: int = 1000) -> SignalScan:
    """Scan ``path`` (a cached unit: FLAC, or WAV in caches from before decision 0015); internal silences of at
    least ``min_silence_ms`` are listed."""
    try:
        fmt = read_audio_info(path).format
        rate, width, channels = fmt.sample_rate, fmt.sample_width, fmt.channels
        if width != 2:
            raise ScanError(f"{path.name}: {8 * width}-bit audio (16-bit expected)")
        window = max(1, rate * WINDOW_MS // 1000) * channels
        peak = clipped = samples = 0
        total = 0
        first_voiced = last_voiced = -1
        runs: list[tuple[int, int]] = []
        silent_from: int | None = None
        index = 0
        for raw in pcm_blocks(path, window // channels * 100)[1]:
            block = samples_of(raw)
            for offset in range(0, len(block), window):
                chunk = block[offset: offset + window]
                high, low = max(chunk), min(chunk)
                level = max(high, -low)
                peak = max(peak, level)
                clipped += chunk.count(FULL_SCALE) + chunk.count(-FULL_SCALE - 1)
                total += sum(chunk)
                samples += len(chunk)
                if level >= SILENCE_PEAK:
                    if silent_from is not None and first_voiced >= 0:
                        runs.append((silent_from, index - silent_from))
                    silent_from = None
                    if first_voiced < 0:
                        first_voiced = index
                    last_voiced = index
                elif silent_from is None:
                    silent_from = index
                index += 1
    except (AudioError, OSError) as exc:
        raise ScanError(f"{path.name}: not readable audio ({exc})") from None
    frames = samples // max(1, channels)
    duration_ms = frames * 1000 // rate if rate else 0
    voiced = (last_voiced - first_voiced + 1) * WINDOW_MS if first_voiced >= 0 else 0
    silences = tuple((begin * WINDOW_MS, length * WINDOW_MS) for begin, length in runs
                     if length * WINDOW_MS >= min_silence_ms)
    return SignalScan(duration_ms, rate, peak, total / samples / 32768 if samples else 0.0, clipped, samples,
                      voiced, silences)
