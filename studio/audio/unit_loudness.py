"""Loudness measured once per rendered unit and kept, so exporting an already-rendered book decodes nothing
twice (issue 20).

Why per unit: BS.1770's integrated loudness is the gated mean of 400 ms block energies, and a block either
lies inside one unit or mostly in the silence between units (below the absolute gate). So the blocks of a
chapter are, to well within a tenth of a LU, the blocks of its units pooled; the true peak of a chapter is the
highest true peak of its units. Each unit is measured by ffmpeg's ``ebur128`` (``peak=true``, per-100 ms
``framelog``) the first time a chapter needs it, and the figures (a block loudness and a frame true peak per
100 ms, about 2 KB per minute of audio) are stored in ``<store>/<hash>.json``. The hash is of the unit's
identity (the cache file it came from, with size and modification time: the render cache is keyed by
content, so a re-rendered unit is a new file) and the PCM format it is exported in, never of the file's
container: a cache that keeps audio as FLAC instead of WAV stores the same kind of figures.

Measuring runs ``BATCH`` units per ffmpeg process (one ``ebur128`` instance per input), on the chunk's own
worker thread, so units are measured in parallel as chapters are encoded.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import threading
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from studio.audio.errors import AudioError
from studio.audio.ffmpeg import run_ffmpeg_ex
from studio.audio.loudness import (
    ABSOLUTE_GATE_LUFS,
    BLOCK_FRAMES,
    FRAME_S,
    RELATIVE_GATE_LU,
    Ebur128Log,
    LoudnessSummary,
    gated_loudness,
)
from studio.audio.timeline import Span
from studio.audio.wavinfo import PcmFormat, read_audio_info

log = logging.getLogger("studio.audio.unit_loudness")

#: Bump when what is stored (or how it is measured) changes: older measurements are then measured again.
STORE_VERSION = 4
#: Units measured per ffmpeg process.
BATCH = 16
#: Silence measured before and after each unit: the blocks straddling its start and end (a chapter has them,
#: in the gaps around it; ebur128 itself reports no block before it has 400 ms of audio).
PAD_S = 0.4
#: The silence before it: half a frame off the 100 ms grid, so the unit's edge blocks overlap it by 1/8, 3/8,
#: 5/8 and 7/8 (in a chapter a unit starts anywhere on its meter's grid: this is the middle case).
LEAD_S = 0.45
#: Units measured (decoded) by this process, by file type (a count that does not grow with the book): tests and
#: benchmarks read it.
MEASURED = Counter[str]()


@dataclass(frozen=True)
class UnitLoudness:
    """One unit's ebur128 log, measured with ``LEAD_S``/``PAD_S`` of silence before/after its ``frames`` frames (as it
    sits in a chapter): ``momentary[k]`` is the 400 ms block ending at (k + 1) x 100 ms of that padded audio,
    ``peaks[k]`` the true peak of its 100 ms frame k (dBTP; -inf for digital silence)."""

    frames: int
    #: single-precision arrays, not tuples of floats: a store holds every unit of the book while it exports, and a
    #: 50-hour book's 2 M frames cost 16 MB this way against 127 MB as Python floats
    momentary: array[float]
    peaks: array[float]

    def to_json(self) -> dict[str, object]:
        def finite(values: Iterable[float]) -> list[float | None]:
            return [round(v, 2) if math.isfinite(v) else None for v in values]
        return {"version": STORE_VERSION, "frames": self.frames, "momentary": finite(self.momentary),
                "peaks": finite(self.peaks)}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> UnitLoudness:
        if data.get("version") != STORE_VERSION:
            raise ValueError(f"stored by version {data.get('version')}")

        def floats(values: object) -> array[float]:
            return array("f", (-math.inf if v is None else float(v) for v in values))  # type: ignore[attr-defined]
        return cls(int(data["frames"]), floats(data["momentary"]), floats(data["peaks"]))  # type: ignore[call-overload]


@dataclass(frozen=True)
class SpanLoudness:
    """What a run of spans (one chunk) measures, combined from its units: the BS.1770 summary and the true
    peak of every 100 ms frame of the run's own timeline (for the report's per-range figures)."""

    summary: LoudnessSummary
    frame_peaks: array[float]
    #: the pooled 400 ms blocks (LUFS) the summary gates, where each ends on the run's timeline (seconds), and the
    #: true peaks of each block's four 100 ms frames (``BLOCK_FRAMES`` per block, -inf for silence): what the
    #: limiter's loss is predicted from (``limiter_loss``) and a meter's log is written from (``known_meter``)
    blocks: array[float] = field(default_factory=lambda: array("f"))
    block_ends: array[float] = field(default_factory=lambda: array("d"))
    block_peaks: array[float] = field(default_factory=lambda: array("f"))


def combine(spans: Sequence[Span], units: dict[Path, UnitLoudness], rate: int) -> SpanLoudness:
    """The loudness of ``spans`` laid end to end, from their units' stored logs (silence adds nothing).

    A unit's block counts when its 400 ms lie inside the span's part of the unit; the blocks that straddle
    the unit's start or end count too when the span starts or ends there (the silence beyond is the gap the
    unit sits in), except those that would end in the run's first 400 ms or after its end, which a meter of
    the run never reports. Frame peaks land on the frames of the run's timeline they overlap.
    """
    blocks: list[float] = []
    block_ends, block_peaks = array("d"), array("f")
    total = sum(s.frames for s in spans)
    run_s = total / rate + 1e-6  # no block ends after the run: a meter of it stops there
    frame_peaks = array("f", [-math.inf]) * max(1, math.ceil(total / rate / FRAME_S))
    position = 0
    for span in spans:
        unit = units.get(span.path) if span.path is not None else None
        if unit is not None and span.frames > 0:
            lo_s, hi_s = span.start / rate, (span.start + span.frames) / rate
            whole_start, whole_end = span.start == 0, span.start + span.frames >= unit.frames
            # the run's own meter starts with its first whole block: none ends before 400 ms into the run
            first_end = BLOCK_FRAMES * FRAME_S - position / rate + lo_s
            shift_s = position / rate - lo_s
            for k, m in enumerate(unit.momentary):  # unit time: the padded log's time minus the lead-in
                begin, end = (k + 1 - BLOCK_FRAMES) * FRAME_S - LEAD_S, (k + 1) * FRAME_S - LEAD_S
                if (begin >= lo_s - 1e-6 or (whole_start and end > 1e-6)) and end >= first_end - 1e-6 and \
                        (end <= hi_s + 1e-6 or (whole_end and begin < hi_s - 1e-6)) and end + shift_s <= run_s:
                    blocks.append(m)
                    block_ends.append(end + shift_s)
                    block_peaks.extend(unit.peaks[j] if 0 <= j < len(unit.peaks) else -math.inf
                                       for j in range(k + 1 - BLOCK_FRAMES, k + 1))
            first = max(int((lo_s + LEAD_S) / FRAME_S + 1e-6), 0)
            for k in range(first, min(len(unit.peaks), math.ceil((hi_s + LEAD_S) / FRAME_S - 1e-6))):
                peak = unit.peaks[k]
                if not math.isfinite(peak):
                    continue
                at = (k * FRAME_S - LEAD_S + shift_s) / FRAME_S
                for index in {max(int(at + 1e-6), 0), max(math.ceil(at - 1e-6), 0)}:
                    if index < len(frame_peaks) and peak > frame_peaks[index]:
                        frame_peaks[index] = peak
        position += span.frames
    integrated = gated_loudness(blocks)
    above = [b for b in blocks if b > ABSOLUTE_GATE_LUFS]
    threshold = ABSOLUTE_GATE_LUFS
    if above:  # BS.1770's relative gate, as ebur128 reports it
        threshold = -0.691 + 10 * math.log10(sum(10 ** ((b + 0.691) / 10) for b in above) / len(above)) \
            + RELATIVE_GATE_LU
    return SpanLoudness(LoudnessSummary(integrated if integrated is not None else ABSOLUTE_GATE_LUFS, threshold,
                                        0.0, max(frame_peaks), "true"), frame_peaks,
                        array("f", blocks), block_ends, block_peaks)


class UnitStore:
    """Stored unit measurements in ``folder`` (None: this export's memory only), measuring what is missing.

    Thread-safe: chunk encodes on several threads ask for overlapping units; each unit is measured once.
    """

    def __init__(self, folder: Path | None, identity: Callable[[Path], str], fmt: PcmFormat) -> None:
        self._folder = folder
        self._identity = identity
        self._fmt = fmt
        self._known: dict[Path, UnitLoudness] = {}
        self._busy: dict[Path, threading.Event] = {}
        self._uses: Counter[Path] = Counter()
        self._lock = threading.Lock()

    def expect(self, paths: Iterable[Path]) -> None:
        """Count a chunk's units as wanted once more: ``release`` forgets a unit when the last chunk that wants
        it is done, so a long book's measurements (8 bytes per 100 ms: 14 MB for 50 hours) are not all held."""
        with self._lock:
            self._uses.update(dict.fromkeys(paths, 1))

    def release(self, paths: Iterable[Path]) -> None:
        with self._lock:
            for path in dict.fromkeys(paths):
                if path in self._uses:
                    self._uses[path] -= 1
                    if self._uses[path] <= 0:
                        del self._uses[path]
                        self._known.pop(path, None)

    def _file(self, path: Path) -> Path | None:
        if self._folder is None:
            return None
        fmt = self._fmt
        name = f"{self._identity(path)}|{fmt.sample_rate}|{fmt.channels}|{fmt.sample_width}|v{STORE_VERSION}"
        return self._folder / f"{hashlib.sha256(name.encode('utf-8')).hexdigest()}.json"

    def _load(self, path: Path) -> UnitLoudness | None:
        stored = self._file(path)
        if stored is None or not stored.is_file():
            return None
        try:
            return UnitLoudness.from_json(json.loads(stored.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.info("stored loudness of %s not used: %s", path.name, exc)
            return None

    def _save(self, path: Path, unit: UnitLoudness) -> None:
        stored = self._file(path)
        if stored is None:
            return
        partial = stored.with_name(f".{stored.stem}.{os.getpid()}.{threading.get_ident()}.json")
        try:
            stored.parent.mkdir(parents=True, exist_ok=True)
            partial.write_text(json.dumps(unit.to_json()), encoding="utf-8")
            os.replace(partial, stored)
        except OSError as exc:  # a store we cannot write costs a measurement next time, nothing else
            log.info("cannot store the loudness of %s: %s", path.name, exc)
            partial.unlink(missing_ok=True)

    def get(self, paths: Iterable[Path], stop: threading.Event) -> dict[Path, UnitLoudness]:
        """Every path's measurement: remembered, stored, or measured now (and stored)."""
        wanted = list(dict.fromkeys(paths))
        mine: list[Path] = []
        waits: list[threading.Event] = []
        with self._lock:
            for path in wanted:
                if path in self._known:
                    continue
                if path in self._busy:
                    waits.append(self._busy[path])
                else:
                    self._busy[path] = threading.Event()
                    mine.append(path)
        try:
            missing = []
            for path in mine:
                unit = self._load(path)
                if unit is None:
                    missing.append(path)
                else:
                    self._remember(path, unit)
            for n in range(0, len(missing), BATCH):
                batch = missing[n:n + BATCH]
                for path, unit in zip(batch, _measure(batch, stop), strict=True):
                    MEASURED[path.suffix] += 1
                    self._save(path, unit)
                    self._remember(path, unit)
        finally:
            with self._lock:
                for path in mine:
                    event = self._busy.pop(path, None)
                    if event is not None:
                        event.set()
        for event in waits:
            event.wait()
        with self._lock:
            found = {p: self._known[p] for p in wanted if p in self._known}
        if len(found) < len(wanted):  # another thread's measurement failed (its error is raised there): retry
            found |= self.get([p for p in wanted if p not in found], stop)
        return found

    def _remember(self, path: Path, unit: UnitLoudness) -> None:
        with self._lock:
            self._known[path] = unit


def _measure(paths: Sequence[Path], stop: threading.Event) -> list[UnitLoudness]:
    """One ffmpeg process: every path through its own ``ebur128@uN`` instance, each to a null output."""
    logs = [Ebur128Log(f"u{n}") for n in range(len(paths))]
    args: list[str] = []
    for path in paths:
        args += ["-i", str(path)]
    lead_ms = round(LEAD_S * 1000)
    graph = ";".join(f"[{n}:a]adelay=delays={lead_ms}:all=1,apad=pad_dur={PAD_S},"
                     f"ebur128@u{n}=peak=true:framelog=info[o{n}]"
                     for n in range(len(paths)))
    args += ["-filter_complex", graph]
    for n in range(len(paths)):
        args += ["-map", f"[o{n}]", "-f", "null", "-"]

    def feed(line: str) -> None:
        for meter in logs:
            meter.feed(line)

    try:
        run_ffmpeg_ex(args, stderr_cb=feed, loglevel="info", cancel_event=stop)
    except AudioError as exc:
        raise AudioError(f"cannot measure the loudness of {len(paths)} audio piece(s): {exc}",
                         path=paths[0]) from exc
    # the unit's length from its header (WAV or FLAC: the pieces an export reads are in the export's format)
    frames = [read_audio_info(path).frames for path in paths]
    return [UnitLoudness(f, m.momentary, m.frame_peaks) for f, m in zip(frames, logs, strict=True)]
