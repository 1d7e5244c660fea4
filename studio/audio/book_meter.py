"""A chunked book's loudness figures at a fixed size, however long the book.

Why not keep each chapter's meter until the book is muxed: a meter logs two floats per 100 ms, so a 50-hour
book held 14 MB of logs plus every meter's own objects (about 6 kB a chapter in all) until its very end. What
the export reports needs far less: each chapter's own figures (computed as soon as its encode ends, from its
own meter) and the book's integrated loudness, whose BS.1770 gating needs every 400 ms block of the book, but
only as a histogram: the blocks' energies summed in 0.01 LU bins (as ffmpeg's own ``ebur128`` keeps them), 8,000
bins of fixed size. Gating from the bins is exact except for the blocks in the one bin that holds the relative
gate's threshold, 10 LU below the programme, whose side of it is decided by the bin's centre (well under
0.01 LU of the integrated loudness).
"""

from __future__ import annotations

import array
import bisect
import math
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from studio.audio.loudness import (
    ABSOLUTE_GATE_LUFS,
    RELATIVE_GATE_LU,
    Ebur128Log,
    LoudnessSummary,
    RangeLoudness,
)

#: The histogram's bin width (LU) and its top: a block louder than +10 LUFS is counted in the last bin with its
#: own energy (nothing that loud passes a limiter, but the sum stays right).
BIN_LU = 0.01
TOP_LUFS = 10.0
BINS = round((TOP_LUFS - ABSOLUTE_GATE_LUFS) / BIN_LU)
#: How far (seconds) a report's range may lie from a chapter's own range and still be that chapter.
RANGE_TOLERANCE_S = 1e-3


def _energy(lufs: float) -> float:
    return 10 ** ((lufs + 0.691) / 10)


class BlockHistogram:
    """The 400 ms block loudnesses of a whole file: a count and an energy sum per 0.01 LU bin above the
    absolute gate. 128 kB whatever the length of the book."""

    def __init__(self) -> None:
        self.counts = array.array("q", bytes(8 * BINS))
        self.energies = array.array("d", bytes(8 * BINS))
        self._lock = threading.Lock()

    def add(self, blocks: Iterable[float]) -> None:
        """Count ``blocks`` (LUFS; -inf, NaN and blocks at or below the absolute gate are not)."""
        counts, energies, low = self.counts, self.energies, ABSOLUTE_GATE_LUFS
        binned = [(min(int((m - low) / BIN_LU), BINS - 1), _energy(m)) for m in blocks if low < m < math.inf]
        with self._lock:
            for k, energy in binned:
                counts[k] += 1
                energies[k] += energy

    def gate(self) -> tuple[float | None, float]:
        """BS.1770-4 gating of every block counted: (integrated loudness or None, the relative gate's threshold)."""
        count = sum(self.counts)
        if not count:
            return None, ABSOLUTE_GATE_LUFS
        relative = -0.691 + 10 * math.log10(sum(self.energies) / count) + RELATIVE_GATE_LU
        first = 0
        if relative > ABSOLUTE_GATE_LUFS:  # the bins whose centre lies above the threshold
            first = max(0, min(BINS, math.floor((relative - ABSOLUTE_GATE_LUFS) / BIN_LU + 0.5)))
        count = sum(self.counts[first:])
        if not count:
            return None, relative
        return -0.691 + 10 * math.log10(sum(self.energies[first:]) / count), relative


@dataclass(frozen=True, slots=True)
class ChapterLoudness:
    """What the report needs of one chunk once it is encoded: its meter's summary and astats figures, and its
    chapter's own loudness and true peak (``chapter_s``: where the chapter lies in the chunk's meter)."""

    summary: LoudnessSummary | None
    stats: dict[str, float]
    chapter: RangeLoudness
    chapter_s: tuple[float, float]


_NO_STATS: dict[str, float] = {}


class BookMeter:
    """Collects one output file's chunks as they finish (any order, any thread) and then stands in for its
    meter (``EncodeOutcome.meter``: ``summary``, ``range_loudness``, ``stats``)."""

    def __init__(self) -> None:
        self.histogram = BlockHistogram()

    def add(self, meter: Ebur128Log, chapter_s: tuple[float, float]) -> ChapterLoudness:
        """Take what is needed of a finished chunk's meter, which can then be dropped."""
        self.histogram.add(meter.momentary)
        return ChapterLoudness(meter.summary(), dict(meter.stats) if meter.stats else _NO_STATS,
                               meter.range_loudness(*chapter_s), chapter_s)

    def joined(self, parts: Sequence[tuple[float, float, ChapterLoudness]]) -> JoinedMeter:
        return JoinedMeter(parts, self.histogram)


class JoinedMeter:
    """The chunks of an output as one meter of the whole file.

    Each chunk's meter began at its pre-roll, ``offset_s`` seconds into the file. Blocks that straddle a join
    lie in the chapter gap's silence, below the absolute gate, so gating all blocks together gives the file's
    integrated loudness as one meter would; a chapter's figures are its own chunk's (the pre-roll of the next
    chunk lies in the gap after the chapter).
    """

    def __init__(self, parts: Sequence[tuple[float, float, ChapterLoudness]], histogram: BlockHistogram) -> None:
        self._parts = list(parts)  # (offset_s, duration_s, figures), in file order
        self._starts = [offset + figures.chapter_s[0] for offset, _, figures in self._parts]
        self._histogram = histogram
        self.loudnorm_json: dict[str, str] | None = None
        self.stats = self._combined_stats()

    def _combined_stats(self) -> dict[str, float]:
        stats: dict[str, float] = {}
        rms = [(d, f.stats["RMS level dB"]) for _, d, f in self._parts if "RMS level dB" in f.stats]
        energy = sum(d * 10 ** (v / 10) for d, v in rms if math.isfinite(v))
        if rms:
            total = sum(d for d, _ in rms) or 1.0
            stats["RMS level dB"] = 10 * math.log10(energy / total) if energy > 0 else -math.inf
        floors = [f.stats["Noise floor dB"] for _, _, f in self._parts if "Noise floor dB" in f.stats]
        if floors:
            stats["Noise floor dB"] = min(floors)
        peaks = [f.stats["Peak level dB"] for _, _, f in self._parts if "Peak level dB" in f.stats]
        if peaks:
            stats["Peak level dB"] = max(peaks)
        return stats

    def summary(self) -> LoudnessSummary | None:
        summaries = [f.summary for _, _, f in self._parts]
        if not summaries or any(s is None for s in summaries):
            return None
        integrated, threshold = self._histogram.gate()
        peak = max(s.peak_db for s in summaries if s is not None)
        lra = max(s.lra_lu for s in summaries if s is not None)
        kind = "true" if all(s is not None and s.peak_kind == "true" for s in summaries) else "sample"
        return LoudnessSummary(integrated if integrated is not None else ABSOLUTE_GATE_LUFS, threshold, lra, peak,
                               kind)

    def range_loudness(self, start_s: float, end_s: float) -> RangeLoudness:
        """One chapter's figures: the report asks for chapters only, and a chapter is one chunk's."""
        k = bisect.bisect_left(self._starts, start_s - RANGE_TOLERANCE_S)
        if k < len(self._parts):
            offset, _, figures = self._parts[k]
            lo, hi = figures.chapter_s
            if abs(offset + lo - start_s) <= RANGE_TOLERANCE_S and abs(offset + hi - end_s) <= RANGE_TOLERANCE_S:
                return figures.chapter
        raise ValueError(f"no chapter of this file spans {start_s:.3f}..{end_s:.3f} s")
