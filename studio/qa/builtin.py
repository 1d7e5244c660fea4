"""The built-in checkers: text coverage, pace (characters per second per voice) and the signal itself.

Thresholds are deliberately loose: a finding asks the author to listen, and a check that cries wolf on a
clean book is switched off and never read again. Each number says what it guards against.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from statistics import median
from typing import Any

from studio.qa.coverage import TextCoverageChecker
from studio.qa.findings import BookEvidence, Finding, UnitEvidence, register_checker

#: A unit this much faster or slower than its voice's typical pace was cut short or stretched.
PACE_FACTOR = 1.6
#: Units with fewer letters say too little about pace (a heading, "好。").
PACE_MIN_LETTERS = 8
#: A voice's pace is learned from at least this many units; fewer and the pace is not judged.
PACE_MIN_UNITS = 3
#: A pause inside a unit longer than this (or than the paragraph gap plus 2 s) is a gap in the speech.
LONG_SILENCE_MS = 3000
#: The file may differ from the length committed at render time by rounding only.
LENGTH_SLACK_MS = 50
#: Samples at full scale: a few may be a legitimate peak, more are clipping.
CLIPPED_SAMPLES = 3
CLIPPED_SHARE = 1e-4
#: Mean sample value (share of full scale) beyond which the audio has a DC offset (about -34 dBFS).
DC_LIMIT = 0.02

_RERENDER = "Re-render this paragraph (a new take) and listen to it again."


def pace_of(unit: UnitEvidence) -> float | None:
    """Letters per second of speech at the voice's own speed (leading and trailing silence left out; a
    paragraph asked to be spoken at 1.5× counts at 1×); None when the unit says too little."""
    if unit.scan is None or unit.scan.voiced_ms <= 0 or unit.letters < PACE_MIN_LETTERS:
        return None
    return unit.letters / (unit.scan.voiced_ms / 1000) / (unit.speed if unit.speed > 0 else 1.0)


def learn_pace(units: Sequence[UnitEvidence]) -> dict[tuple[str, str], tuple[float, float, float]]:
    """Each voice's typical pace in this project and the range around it that is still plausible."""
    by_voice: dict[tuple[str, str], list[float]] = {}
    for unit in units:
        pace = pace_of(unit)
        if pace is not None:
            by_voice.setdefault((unit.engine, unit.voice), []).append(pace)
    return {voice: (median(paces) / PACE_FACTOR, median(paces), median(paces) * PACE_FACTOR)
            for voice, paces in by_voice.items() if len(paces) >= PACE_MIN_UNITS}


class PaceChecker:
    """Flags units spoken far faster (truncated audio) or slower (stretched, padded) than their voice."""

    name = "pace"

    def check(self, unit: UnitEvidence, book: BookEvidence) -> Iterable[Finding]:
        pace, known = pace_of(unit), book.pace.get((unit.engine, unit.voice))
        if pace is None or known is None:
            return []
        low, typical, high = known
        detail: dict[str, Any] = {"chars_per_s": round(pace, 2), "voice_chars_per_s": round(typical, 2)}
        if pace > high:
            return [unit.finding("pace_fast", f"{pace:.1f} characters/s where this voice speaks {typical:.1f}: "
                                 "the audio is too short for its text (truncated?)", _RERENDER, **detail)]
        if pace < low:
            return [unit.finding("pace_slow", f"{pace:.1f} characters/s where this voice speaks {typical:.1f}: "
                                 "the audio is too long for its text (stretched or padded?)", _RERENDER, **detail)]
        return []


class SignalChecker:
    """Flags unreadable, shortened, silent, gapped, clipped and DC-shifted audio."""

    name = "signal"

    def check(self, unit: UnitEvidence, book: BookEvidence) -> Iterable[Finding]:
        scan = unit.scan
        if scan is None:
            return [unit.finding("unreadable", f"the cached audio cannot be read ({unit.scan_error})", _RERENDER,
                                 file=str(unit.audio_path))]
        found: list[Finding] = []
        if scan.duration_ms + LENGTH_SLACK_MS < unit.recorded_duration_ms:
            found.append(unit.finding(
                "audio_shorter", f"the cached audio lasts {scan.duration_ms / 1000:.2f} s but "
                f"{unit.recorded_duration_ms / 1000:.2f} s were rendered: the file was cut short", _RERENDER,
                file=str(unit.audio_path)))
        stamps = (*unit.timing.sentences, *unit.timing.words)
        last = max((t.end_ms for t in stamps), default=0)
        if last > scan.duration_ms + max(250, last // 50):
            found.append(unit.finding(
                "timestamps_past_end", f"the speech should run to {last / 1000:.2f} s but the audio ends at "
                f"{scan.duration_ms / 1000:.2f} s", _RERENDER))
        if scan.voiced_ms == 0:
            found.append(unit.finding("silent", "the audio is silent", _RERENDER))
            return found
        gap_limit = max(LONG_SILENCE_MS, unit.paragraph_gap_ms + 2000)
        for begin, length in scan.silences:
            if length > gap_limit:
                found.append(unit.finding(
                    "long_silence", f"{length / 1000:.1f} s of silence at {begin / 1000:.1f} s",
                    "Listen there: a sentence may be missing; re-render if so.",
                    paragraph=_paragraph_at(unit, begin), at_ms=begin, silence_ms=length))
        if scan.clipped >= CLIPPED_SAMPLES and scan.clipped > CLIPPED_SHARE * scan.samples:
            found.append(unit.finding("clipping", f"{scan.clipped} samples at full scale (clipping)",
                                      "Lower this voice's volume and re-render.", clipped=scan.clipped))
        if abs(scan.mean) > DC_LIMIT:
            found.append(unit.finding("dc_offset", f"DC offset of {scan.mean * 100:+.1f}% of full scale",
                                      _RERENDER, dc=round(scan.mean, 4)))
        return found


def _paragraph_at(unit: UnitEvidence, at_ms: int) -> int:
    """The request paragraph playing at ``at_ms`` (by the unit's paragraph offsets)."""
    offsets = unit.timing.paragraph_offsets_ms
    index = 0
    for i, start in enumerate(offsets):
        if start <= at_ms:
            index = i
    return index


register_checker("coverage", TextCoverageChecker)
register_checker("pace", PaceChecker)
register_checker("signal", SignalChecker)
