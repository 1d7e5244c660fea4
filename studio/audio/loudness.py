"""Loudness: targets and presets, reading ffmpeg's ebur128 output, and choosing the gain stage.

Measurement is ffmpeg's ``ebur128`` filter (ITU-R BS.1770 / EBU R128, the same meter ``loudnorm`` runs
inside). The pre-pass uses ``peak=sample``: ``loudnorm``'s own measuring pass works at 192 kHz and took
2.7x as long as the AAC encode it prepares (30 min of 22 kHz speech: 27 s vs 10 s), ebur128 with sample
peak 1.2 s. The true peak is measured for free on the encode pass (its filter thread runs beside the
encoder), on the exact audio handed to the encoder.

Per-chapter numbers come from the per-100 ms log lines (``framelog``): ``M`` is the loudness of the 400 ms
block ending there, i.e. exactly the gating blocks of BS.1770, so the integrated loudness of any range is
computed here by the standard's two gates; ``FTPK`` is the true peak of each 100 ms frame.

Gain stage (see docs/decisions/0003-export.md):
- ``linear``: ``loudnorm`` with ``linear=true`` and the measured values, a pure gain. Chosen when the
  measured peak plus the gain plus a safety margin stays under the ceiling. loudnorm's JSON
  ``normalization_type`` is read back to confirm it stayed linear.
- ``limited``: when the gain would push peaks over the ceiling: gain plus a look-ahead limiter
  (``alimiter`` with latency compensation, so timing is unchanged to the sample), run 4x oversampled so
  it limits true peaks, not just samples. Limiting costs some loudness, so one calibration pass measures
  two candidate gains on a sample of the book and interpolates. Chapter-by-chapter exports (``chunk_gain``)
  predict that loss from the units' stored figures instead (``limiter_loss``) and limit at 2x
  (``limiter_chain_2x``): half the CPU of the 4x limiter, its ceiling lowered by the peaks its samples miss.
- ``dynamic`` (opt-in): let loudnorm fall back to its dynamic mode (runs at 192 kHz; slow).
"""

from __future__ import annotations

import array
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

#: Absolute gate of BS.1770, and what ebur128 prints for silence.
ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0
FRAME_S = 0.1
BLOCK_FRAMES = 4  # a 400 ms gating block is four 100 ms frames
#: Headroom for the linear decision, which only knows the pre-pass's *sample* peak: the true peak may sit a
#: few tenths of a dB higher, and a lossy codec adds a little overshoot of its own.
LOSSY_MARGIN_DB = 1.0
LOSSLESS_MARGIN_DB = 0.5
#: Headroom under the ceiling for the limiter, which works 4x oversampled (its peaks are true peaks): only
#: the codec's overshoot is left to allow for.
LOSSY_LIMIT_MARGIN_DB = 0.5
LOSSLESS_LIMIT_MARGIN_DB = 0.3
#: How much of the ceiling the metered (pre-codec) true peak may use before the exporter encodes again.
LOSSY_VERIFY_MARGIN_DB = 0.2
#: loudnorm's accepted ranges (ffmpeg 9)
_TP_RANGE = (-9.0, 0.0)
_LRA_MAX = 50.0
_LIMITER_MIN_DB = -23.9  # alimiter's "limit" is at least 0.0625 (-24 dBFS)
_ALIMITER = "alimiter=level_in=1:level_out=1:limit={limit:.5f}:attack=5:release=50:asc=0:level=0:latency=1"
#: How much lower a 2x-oversampled limiter holds its samples than the true peak it must keep (``limiter_chain_2x``).
LIMIT_2X_MARGIN_DB = 0.3


@dataclass(frozen=True)
class LoudnessTarget:
    """What the export aims at. ``rms_range_db`` adds ACX's RMS window to the report."""

    integrated_lufs: float = -18.0
    true_peak_dbtp: float = -3.0
    name: str = "custom"
    rms_range_db: tuple[float, float] | None = None
    noise_floor_max_db: float | None = None

    def __post_init__(self) -> None:
        if not -40.0 <= self.integrated_lufs <= -5.0:
            raise ValueError(f"loudness target {self.integrated_lufs} LUFS is out of range (-40..-5)")
        if not _TP_RANGE[0] <= self.true_peak_dbtp <= _TP_RANGE[1]:
            raise ValueError(f"true peak ceiling {self.true_peak_dbtp} dBTP is out of range (-9..0)")


DEFAULT_TARGET = LoudnessTarget(-18.0, -3.0, "default")
#: ACX (Audible) asks for RMS between -23 and -18 dB, peaks at most -3 dB and a noise floor under -60 dB.
#: Speech at -20 LUFS integrated sits inside that RMS window; the report checks the RMS itself.
ACX_TARGET = LoudnessTarget(-20.0, -3.0, "acx", rms_range_db=(-23.0, -18.0), noise_floor_max_db=-60.0)
PRESETS = {"default": DEFAULT_TARGET, "acx": ACX_TARGET}


@dataclass(frozen=True)
class LoudnessSummary:
    """ebur128's summary of a whole stream. ``integrated_lufs`` is -70 for silence or under 400 ms."""

    integrated_lufs: float
    threshold_lufs: float
    lra_lu: float
    peak_db: float  # sample or true peak, per ``peak_kind``
    peak_kind: str

    @property
    def silent(self) -> bool:
        return self.integrated_lufs <= ABSOLUTE_GATE_LUFS + 0.05


@dataclass(frozen=True)
class RangeLoudness:
    integrated_lufs: float | None  # None: no 400 ms block above the absolute gate (silence or too short)
    true_peak_dbtp: float | None


_NUMBER = r"(-?(?:\d+(?:\.\d*)?|inf)|nan)"
_MOMENTARY = re.compile(r"\bM:\s*" + _NUMBER)
_FRAME_PEAK = re.compile(r"\bFTPK:([-\d.\sinf]+)dBFS")
_SUMMARY_VALUE = re.compile(r"^\s*(I|Threshold|LRA|Peak|RMS level dB|Noise floor dB|Peak level dB):\s*" + _NUMBER)


def _num(text: str) -> float:
    value = float(text)
    return value if math.isfinite(value) else (-math.inf if value < 0 else math.inf)


class LoudnessMeter(Protocol):
    """What an export reads from its meter: one ffmpeg run's ``Ebur128Log`` or the chunked encoder's joined
    meters (``chunk_encode.JoinedMeter``), so both can stand in ``EncodeOutcome.meter``."""

    stats: dict[str, float]

    def summary(self) -> LoudnessSummary | None: ...

    def range_loudness(self, start_s: float, end_s: float) -> RangeLoudness: ...


class Ebur128Log:
    """Collects what one named ebur128 instance (and astats, and loudnorm's JSON) print, line by line, as
    ``run_ffmpeg(stderr_cb=...)`` delivers them. Name the filter ``ebur128@<instance>`` in the graph.

    Keeps two floats per 100 ms (about 1.4 MB for five hours), never the log itself.
    """

    def __init__(self, instance: str = "meter") -> None:
        self._prefix = f"[ebur128@{instance} @"
        self.momentary = array.array("f")
        self.frame_peaks = array.array("f")
        self._section = ""
        self._in_summary = False
        self._values: dict[str, float] = {}
        self.stats: dict[str, float] = {}  # astats: "RMS level dB", "Noise floor dB", "Peak level dB"
        self.loudnorm_json: dict[str, str] | None = None
        self._json_lines: list[str] | None = None

    def feed(self, line: str) -> None:
        if self._json_lines is not None:
            self._json_lines.append(line)
            if line.strip() == "}":
                try:
                    self.loudnorm_json = json.loads("\n".join(self._json_lines))
                except ValueError:
                    self.loudnorm_json = None
                self._json_lines = None
            return
        if line.startswith("["):
            mine = line.startswith(self._prefix)
            self._in_summary = False
            if mine and " t:" in line:
                match = _MOMENTARY.search(line)
                if match:
                    self.momentary.append(_num(match.group(1)))
                    found = _FRAME_PEAK.search(line)
                    peaks = [_num(v) for v in found.group(1).split()] if found else []
                    self.frame_peaks.append(max(peaks) if peaks else -math.inf)
            elif mine and "Summary:" in line:
                self._in_summary, self._section = True, ""
            elif line.startswith("[astats@"):
                match = _SUMMARY_VALUE.match(line.split("] ", 1)[-1])
                if match:
                    self.stats[match.group(1)] = _num(match.group(2))
            return
        stripped = line.strip()
        if stripped == "{":  # loudnorm's print_format=json block
            self._json_lines = ["{"]
            return
        if not self._in_summary or not stripped:
            return
        if stripped.endswith(":"):
            self._section = stripped[:-1]
            return
        match = _SUMMARY_VALUE.match(line)
        if match:
            name = {"Integrated loudness": "I", "Loudness range": "LRA"}.get(self._section, self._section)
            self._values.setdefault(f"{name}.{match.group(1)}", _num(match.group(2)))

    def summary(self) -> LoudnessSummary | None:
        v = self._values
        if "I.I" not in v:
            return None
        if "True peak.Peak" in v:
            peak, kind = v["True peak.Peak"], "true"
        else:
            peak, kind = v.get("Sample peak.Peak", -math.inf), "sample"
        return LoudnessSummary(v["I.I"], v.get("I.Threshold", ABSOLUTE_GATE_LUFS), v.get("LRA.LRA", 0.0), peak,
                               kind)

    def range_loudness(self, start_s: float, end_s: float) -> RangeLoudness:
        """Integrated loudness and true peak of [start_s, end_s) from the per-frame log."""
        blocks, peaks = self.range_blocks(start_s, end_s)
        return RangeLoudness(gated_loudness(blocks), max(peaks) if peaks else None)

    def range_blocks(self, start_s: float, end_s: float) -> tuple[list[float], list[float]]:
        """The 400 ms block loudnesses and the finite 100 ms frame peaks inside [start_s, end_s): what
        ``range_loudness`` gates, and what a meter joined from several of these combines."""
        first_block = math.ceil(start_s / FRAME_S - 1e-6) + BLOCK_FRAMES - 1
        last_block = math.floor(end_s / FRAME_S + 1e-6) - 1
        blocks = [self.momentary[k] for k in range(max(first_block, 0), min(last_block + 1, len(self.momentary)))]
        first_frame = max(int(start_s / FRAME_S + 1e-6), 0)
        last_frame = min(math.ceil(end_s / FRAME_S - 1e-6), len(self.frame_peaks))
        peaks = [p for p in self.frame_peaks[first_frame:last_frame] if math.isfinite(p)]
        return blocks, peaks

    def set_true_peaks(self, frame_peaks: Sequence[float], peak: float) -> None:
        """Frame and overall true peaks known without this meter measuring them (``peak=none``): the chunked
        encoder takes them from its units' stored figures, or from a peak meter on the limiter's 4x output."""
        self.frame_peaks = array.array("f", list(frame_peaks)[:len(self.momentary)])
        self.frame_peaks.extend([-math.inf] * (len(self.momentary) - len(self.frame_peaks)))
        self._values["True peak.Peak"] = peak

    def set_loudness(self, momentary: Sequence[float], integrated: float, threshold: float) -> None:
        """Block loudnesses and the integrated loudness known without this meter running (a pure gain's are its
        units' stored figures plus the gain: ``chunk_gain.complete_meter``)."""
        self.momentary = array.array("f", momentary)
        self._values.update({"I.I": integrated, "I.Threshold": threshold})

    def to_json(self) -> dict[str, object]:
        """What a later export needs to report this meter's audio again without decoding it (the chapter
        encode cache); -inf (silence) is stored as None."""
        def finite(values: Sequence[float]) -> list[float | None]:
            return [round(v, 2) if math.isfinite(v) else None for v in values]
        return {"momentary": finite(self.momentary), "frame_peaks": finite(self.frame_peaks),
                "values": {k: (v if math.isfinite(v) else None) for k, v in self._values.items()},
                "stats": {k: (v if math.isfinite(v) else None) for k, v in self.stats.items()},
                "loudnorm": self.loudnorm_json}

    @classmethod
    def from_json(cls, data: dict[str, object], instance: str = "meter") -> Ebur128Log:
        log = cls(instance)

        def floats(values: object) -> list[float]:
            return [-math.inf if v is None else float(v) for v in values]  # type: ignore[attr-defined]
        log.momentary.extend(floats(data.get("momentary", [])))
        log.frame_peaks.extend(floats(data.get("frame_peaks", [])))
        log._values = {k: (-math.inf if v is None else float(v))
                       for k, v in dict(data.get("values", {})).items()}  # type: ignore[call-overload]
        log.stats = {k: (-math.inf if v is None else float(v))
                     for k, v in dict(data.get("stats", {})).items()}  # type: ignore[call-overload]
        loudnorm = data.get("loudnorm")
        log.loudnorm_json = dict(loudnorm) if isinstance(loudnorm, dict) else None
        return log


def gated_loudness(block_lufs: Sequence[float]) -> float | None:
    """BS.1770-4 integrated loudness from 400 ms block loudnesses (absolute then relative gate)."""
    return gate_blocks([block_lufs])[0]


def gate_blocks(parts: Sequence[Sequence[float]]) -> tuple[float | None, float]:
    """BS.1770-4 gating over the blocks of several lists taken as one: (integrated loudness or None, the
    relative gate's threshold). Two passes over the lists and no copy of them: a 50-hour book has 1.8
    million blocks, which as one list of Python floats would take ~60 MB at the very end of its export."""
    def mean_energy(floor: float) -> tuple[float, int]:
        total, count = 0.0, 0
        for blocks in parts:
            for m in blocks:
                if floor < m < math.inf:  # NaN and -inf (silence) fail the comparison
                    total += 10 ** ((m + 0.691) / 10)
                    count += 1
        return total, count

    total, count = mean_energy(ABSOLUTE_GATE_LUFS)
    if not count:
        return None, ABSOLUTE_GATE_LUFS
    relative = -0.691 + 10 * math.log10(total / count) + RELATIVE_GATE_LU
    total, count = mean_energy(max(relative, ABSOLUTE_GATE_LUFS))
    return (-0.691 + 10 * math.log10(total / count) if count else None), relative


# -- the gain stage -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GainPlan:
    """How the export changes the level. ``filter`` is an ffmpeg audio filter chain, or None."""

    mode: str  # none | linear | limited | dynamic | silent
    target: LoudnessTarget | None
    measured: LoudnessSummary | None = None
    gain_db: float = 0.0
    limit_db: float | None = None  # limiter ceiling (true peak, 4x oversampled), for "limited"
    #: added to a *sample* peak measurement before comparing with the ceiling (0 for a true peak)
    peak_margin_db: float = 0.0
    notes: tuple[str, ...] = field(default_factory=tuple)

    def filter(self, sample_rate: int) -> str | None:
        if self.mode in ("none", "silent") or self.target is None or self.measured is None:
            return None
        if self.mode == "limited":
            return limiter_chain(self.gain_db, self.limit_db if self.limit_db is not None else -3.0, sample_rate)
        m, t = self.measured, self.target
        # measured_TP is the peak our decision used (sample peak + margin) so loudnorm's own linear check
        # agrees with ours; LRA is opened up so a wide-ranging book never forces the dynamic mode.
        chain = (f"loudnorm@norm=I={t.integrated_lufs:.1f}:TP={t.true_peak_dbtp:.1f}"
                 f":LRA={min(_LRA_MAX, max(7.0, m.lra_lu + 1.0)):.1f}"
                 f":measured_I={m.integrated_lufs:.2f}:measured_TP={self._decision_peak():.2f}"
                 f":measured_LRA={max(m.lra_lu, 0.1):.2f}:measured_thresh={m.threshold_lufs:.2f}"
                 f":offset=0:linear=true:print_format=json")
        if self.mode == "dynamic":
            chain += f",aresample={sample_rate}"  # dynamic loudnorm works at 192 kHz
        return chain

    def _decision_peak(self) -> float:
        assert self.measured is not None
        return min(self.measured.peak_db + self.peak_margin_db, 99.0)

    def with_gain(self, gain_db: float, limit_db: float | None = None) -> GainPlan:
        """The same plan with another gain (calibration) and optionally a lower limiter ceiling."""
        return replace(self, gain_db=gain_db, limit_db=self.limit_db if limit_db is None else limit_db)


def limiter_chain(gain_db: float, limit_db: float, sample_rate: int, at_4x: str | None = None) -> str:
    """Gain then a look-ahead limiter whose delay is compensated (``latency=1``): timing stays exact.

    The limiter runs at 4x the rate, so the peaks it holds down are (nearly) the true peaks a meter sees
    between samples; the integer resampling ratios keep the sample count exact (checked after encoding).
    ``level=0`` turns off alimiter's automatic make-up gain, which would undo the ceiling. ``at_4x`` is a
    filter run on the limiter's 4x output (a peak meter: its sample peak there is the true peak).
    """
    limit = 10 ** (max(limit_db, _LIMITER_MIN_DB) / 20)
    extra = f",{at_4x}" if at_4x else ""
    return (f"aresample={4 * sample_rate},volume={gain_db:.3f}dB,{_ALIMITER.format(limit=limit)}{extra},"
            f"aresample={sample_rate}")


def limiter_chain_2x(gain_db: float, limit_db: float, sample_rate: int) -> str:
    """``limiter_chain`` at half the cost, for a true-peak ceiling of ``limit_db``: the limiter runs at 2x the
    rate with its ceiling ``LIMIT_2X_MARGIN_DB`` lower, which covers the peaks between its samples.

    Measured on the offline engine's eight voices (22,050 Hz, 28 chapters, limit -3.5 dBTP): the limited
    output's true peak (ebur128) reached -3.4 at 4x and at 2x for -18 LUFS, -3.4 at 4x and -3.2 at 2x for
    -14 LUFS (up to 5 dB of limiting), -3.0 and -2.3 with the limiter at the audio's own rate. Limiting at
    4x costs about as much as the rest of the gain stage together (alimiter is per sample, in doubles);
    the gain is applied before the upsampling, where it touches a quarter of the samples.
    """
    limit = 10 ** (max(limit_db - LIMIT_2X_MARGIN_DB, _LIMITER_MIN_DB) / 20)
    return (f"volume={gain_db:.3f}dB,aresample={2 * sample_rate},{_ALIMITER.format(limit=limit)},"
            f"aresample={sample_rate}")


def plan_gain(measured: LoudnessSummary | None, target: LoudnessTarget | None, *, lossy: bool,
              allow_dynamic: bool = False) -> GainPlan:
    """Decide the gain stage from the pre-pass measurement (see the module docstring)."""
    if target is None:
        return GainPlan("none", None, measured)
    if measured is None or measured.silent:
        return GainPlan("silent", target, measured,
                        notes=("the audio is silent or shorter than 0.4 s: loudness left unchanged",))
    margin = LOSSY_MARGIN_DB if lossy else LOSSLESS_MARGIN_DB
    gain = target.integrated_lufs - measured.integrated_lufs
    peak_margin = (0.0 if measured.peak_kind == "true" else LOSSLESS_MARGIN_DB) + (margin - LOSSLESS_MARGIN_DB)
    predicted_peak = measured.peak_db + peak_margin + gain
    if predicted_peak <= target.true_peak_dbtp:
        return GainPlan("linear", target, measured, gain, peak_margin_db=peak_margin)
    why = (f"a pure gain of {gain:+.1f} dB would put peaks at {measured.peak_db + gain:+.1f} dB "
           f"(ceiling {target.true_peak_dbtp:.1f} dBTP, {peak_margin:.1f} dB kept for the codec)")
    if allow_dynamic:
        return GainPlan("dynamic", target, measured, gain, peak_margin_db=peak_margin,
                        notes=(f"{why}: loudnorm's dynamic mode",))
    limit = target.true_peak_dbtp - (LOSSY_LIMIT_MARGIN_DB if lossy else LOSSLESS_LIMIT_MARGIN_DB)
    return GainPlan("limited", target, measured, gain, limit_db=limit, peak_margin_db=peak_margin,
                    notes=(f"{why}: true peaks limited to {limit:.1f} dBTP",))


def calibrated_gain(gain_a: float, lufs_a: float, gain_b: float, lufs_b: float, target: float) -> float:
    """The gain that puts a limited signal at ``target``, interpolating two measured (gain, loudness) points.

    Loudness grows with gain at slope <= 1 under a limiter; with a flat or odd pair we fall back to slope 1.
    The result stays within 8 dB above the lower gain, so one bad measurement cannot blow the level up.
    """
    slope = (lufs_b - lufs_a) / (gain_b - gain_a) if gain_b != gain_a else 1.0
    if not 0.05 <= slope <= 1.5:
        slope = 1.0
    gain = gain_a + (target - lufs_a) / slope
    low = min(gain_a, gain_b)
    return min(max(gain, low - 8.0), low + 8.0)
