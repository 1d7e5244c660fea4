"""Retail presets (ACX, Apple Books/Audiobookshelf M4B, generic MP3) and the compliance report.

A preset is a set of ``ExportOptions`` plus the rules its retailer rejects files against. The report
measures the *written files* (decoded by ffmpeg, read by mutagen), not the exporter's intentions, and lists
every rule with the value found and pass/fail, so an author sees what a reviewer would see before uploading.
The opening/closing credits and the retail sample are checked when the export wrote them (the credits are the
first and last files; the sample gets every file rule plus its length); when it did not, they are listed as
``manual`` so they are not forgotten.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from studio.audio.export import ExportOptions
from studio.audio.ffmpeg import run_ffmpeg
from studio.audio.loudness import ACX_TARGET, DEFAULT_TARGET
from studio.audio.room_tone import RoomTone


@dataclass(frozen=True)
class Preset:
    """Export settings and the retailer's limits the compliance report checks."""

    name: str
    label: str
    options: ExportOptions
    acx_rules: bool = False


PRESETS: dict[str, Preset] = {
    "acx": Preset("acx", "ACX / Audible (one MP3 per chapter)", ExportOptions(
        format="chapters", chapter_format="mp3", loudness=ACX_TARGET, sample_rate=44100, bitrate="192k",
        room_tone=RoomTone()), acx_rules=True),
    "apple": Preset("apple", "M4B for Apple Books / Audiobookshelf", ExportOptions(
        format="m4b", loudness=DEFAULT_TARGET, bitrate="96k")),
    "mp3": Preset("mp3", "Generic MP3 (one file, ID3 chapters)", ExportOptions(
        format="mp3", loudness=DEFAULT_TARGET, bitrate="128k")),
}


def preset_options(name: str, base: ExportOptions | None = None) -> ExportOptions:
    """The preset's options; ``base`` contributes what the preset does not fix (gaps, subtitles, parts, jobs).

    ``--split-hours`` is kept even for ACX, whose files are chapters: ``check_options`` then refuses it with a
    message, rather than the option being dropped without a word."""
    preset = PRESETS[name]
    if base is None:
        return preset.options
    fixed = preset.options
    return replace(base, format=fixed.format, chapter_format=fixed.chapter_format, loudness=fixed.loudness,
                   sample_rate=fixed.sample_rate, bitrate=fixed.bitrate, room_tone=fixed.room_tone)


@dataclass(frozen=True)
class Rule:
    """One line of the report: ``status`` is ``pass``, ``fail`` or ``manual`` (the author checks it)."""

    file: str
    rule: str
    measured: str
    status: str

    def to_dict(self) -> dict[str, str]:
        return {"file": self.file, "rule": self.rule, "measured": self.measured, "status": self.status}


@dataclass
class ComplianceReport:
    preset: str
    rules: list[Rule] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(r.status != "fail" for r in self.rules)

    def to_dict(self) -> dict[str, Any]:
        return {"preset": self.preset, "passed": self.passed, "rules": [r.to_dict() for r in self.rules]}

    def text(self) -> str:
        """The readable table the CLI prints and the export dialog shows."""
        lines = [f"compliance ({self.preset}): {'PASS' if self.passed else 'FAIL'}"]
        for r in self.rules:
            lines.append(f"  {r.status.upper():<6} {r.file}: {r.rule} — {r.measured}")
        return "\n".join(lines)


@dataclass(frozen=True)
class FileLevels:
    """What ffmpeg measures on a decoded file (dB; None when the file is digital silence throughout)."""

    rms_db: float | None
    peak_db: float | None
    noise_floor_db: float | None
    head_s: float
    tail_s: float
    head_rms_db: float | None
    duration_s: float


_STAT = re.compile(r"(RMS level|Peak level|Noise floor) dB:\s*(-?inf|-?[\d.]+)")
_SILENCE = re.compile(r"silence_(start|end): (-?[\d.]+)")
_DURATION = re.compile(r"time=(\d+):(\d\d):(\d\d(?:\.\d+)?)")


def _db(text: str) -> float | None:
    return None if "inf" in text else float(text)


def measure_file(path: str | os.PathLike[str], *, silence_db: float = -50.0) -> FileLevels:
    """Levels, leading/trailing quiet (below ``silence_db``) and the head's own RMS, in two decodes.

    The head/tail threshold of -50 dB sits between room tone (about -72 dB) and the quietest speech.
    """
    lines: list[str] = []
    run_ffmpeg(["-i", str(path), "-map", "0:a", "-af",
                "astats=measure_perchannel=none:measure_overall=RMS_level+Peak_level+Noise_floor,"
                f"silencedetect=noise={silence_db}dB:d=0.1", "-f", "null", "-"],
               loglevel="info", stderr_cb=lines.append)
    stats = {name: _db(value) for line in lines for name, value in _STAT.findall(line)}
    events = [(kind, float(t)) for line in lines for kind, t in _SILENCE.findall(line)]
    times = [m for line in lines for m in _DURATION.findall(line)]
    duration = (int(times[-1][0]) * 3600 + int(times[-1][1]) * 60 + float(times[-1][2])) if times else 0.0
    head = next((t for kind, t in events if kind == "end"), 0.0) if events and events[0] == ("start", 0.0) \
        else 0.0
    tail = 0.0
    if events and events[-1][0] == "start":
        tail = duration - events[-1][1]
    elif len(events) >= 2 and events[-1][0] == "end" and abs(events[-1][1] - duration) < 0.05:
        tail = duration - events[-2][1]
    head_lines: list[str] = []
    run_ffmpeg(["-i", str(path), "-map", "0:a", "-af",
                f"atrim=0:{max(0.05, min(head, 0.5)):.3f},astats=measure_perchannel=none:measure_overall=RMS_level",
                "-f", "null", "-"], loglevel="info", stderr_cb=head_lines.append)
    head_rms = next((_db(v) for line in head_lines for name, v in _STAT.findall(line) if name == "RMS level"), None)
    return FileLevels(stats.get("RMS level"), stats.get("Peak level"), stats.get("Noise floor"), head, tail,
                      head_rms, duration)


_MPEG1_L3_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0)
_MPEG1_RATES = (44100, 48000, 32000, 0)


def mp3_frame_bitrates(path: str | os.PathLike[str]) -> set[int]:
    """The bit rate (kbps) of every MPEG-1 Layer III frame in the file, read from the frame headers.

    Why not mutagen's ``info.bitrate``: for a file with a Xing/Info tag it is size / duration (191 kbps for a
    192 kbps CBR file with a cover and a tag), while ACX checks the frames themselves. A CBR file gives one value.
    """
    found: set[int] = set()
    with open(path, "rb") as fh:
        head = fh.read(10)
        offset = 0
        if head[:3] == b"ID3":  # syncsafe size, plus the footer flag's 10 bytes
            offset = 10 + ((head[6] << 21) | (head[7] << 14) | (head[8] << 7) | head[9]) + (10 if head[5] & 0x10 else 0)
        while True:
            fh.seek(offset)
            header = fh.read(4)
            if len(header) < 4 or header[0] != 0xFF or header[1] & 0xFE != 0xFA:  # MPEG-1 Layer III sync
                break
            kbps, rate = _MPEG1_L3_KBPS[header[2] >> 4], _MPEG1_RATES[(header[2] >> 2) & 3]
            if not kbps or not rate:
                break
            found.add(kbps)
            offset += 144 * kbps * 1000 // rate + ((header[2] >> 1) & 1)
    return found


def _rule(report: ComplianceReport, file: str, rule: str, measured: str, ok: bool) -> None:
    report.rules.append(Rule(file, rule, measured, "pass" if ok else "fail"))


def _fmt_db(value: float | None) -> str:
    return "digital silence" if value is None else f"{value:.1f} dB"


def check_acx(files: Sequence[Path], *, sample: Path | None = None, credits: bool = False) -> ComplianceReport:
    """Every ACX rule, measured on ``files`` (one MP3 per chapter) and the retail ``sample``; ``credits``: the
    first and last files are the opening and closing credits."""
    from mutagen.mp3 import MP3

    from studio.audio.retail_sample import SAMPLE_MAX_S, SAMPLE_MIN_S

    report = ComplianceReport("acx")
    layouts: set[int] = set()
    for path in [*files, *([sample] if sample is not None else [])]:
        name = path.name
        info: Any = MP3(path).info
        layouts.add(info.channels)
        rates = mp3_frame_bitrates(path)
        _rule(report, name, "MP3, 192 kbps CBR", "frames at " + "/".join(map(str, sorted(rates))) + " kbps"
              if rates else "no MPEG-1 Layer III frames", rates == {192})
        _rule(report, name, "sample rate 44.1 kHz", f"{info.sample_rate} Hz", info.sample_rate == 44100)
        levels = measure_file(path)
        rms = levels.rms_db
        _rule(report, name, "RMS between -23 and -18 dB", _fmt_db(rms), rms is not None and -23 <= rms <= -18)
        peak = levels.peak_db
        _rule(report, name, "peak at most -3 dB", _fmt_db(peak), peak is not None and peak <= -3.0)
        floor = levels.noise_floor_db
        _rule(report, name, "noise floor at most -60 dB", _fmt_db(floor), floor is None or floor <= -60.0)
        _rule(report, name, "room tone at the head 0.5-1 s", f"{levels.head_s:.2f} s", 0.5 <= levels.head_s <= 1.0)
        _rule(report, name, "room tone at the tail 1-5 s", f"{levels.tail_s:.2f} s", 1.0 <= levels.tail_s <= 5.0)
        tone = levels.head_rms_db
        _rule(report, name, "room tone is noise, not digital silence", _fmt_db(tone),
              tone is not None and -90.0 < tone <= -60.0)
        _rule(report, name, "at most 120 min", f"{levels.duration_s / 60:.1f} min", levels.duration_s <= 120 * 60)
        if path == sample:
            _rule(report, name, "retail sample of 1-5 min", f"{levels.duration_s / 60:.2f} min",
                  SAMPLE_MIN_S <= levels.duration_s <= SAMPLE_MAX_S)
    _rule(report, "all files", "mono or stereo, the same in every file",
          "/".join(sorted({"mono" if c == 1 else "stereo" for c in layouts})) or "no files", len(layouts) == 1)
    if credits:
        first, last = (files[0].name, files[-1].name) if files else ("none", "none")
        _rule(report, "book", "opening and closing credits", f"first file {first}, last file {last}",
              len(files) >= 2 and "Opening credits" in first and "Closing credits" in last)
    else:
        report.rules.append(Rule("book", "opening and closing credits", "not exported: not measured", "manual"))
    if sample is None:
        report.rules.append(Rule("book", "retail sample of 1-5 min", "not exported: not measured", "manual"))
    return report


def check_files(preset: str, files: Sequence[Path], *, sample: Path | None = None,
                credits: bool = False) -> ComplianceReport:
    """The report for ``preset``: every ACX rule for ``acx``; for the others, that players find what they
    need (chapters of a single file, a readable duration)."""
    if PRESETS[preset].acx_rules:
        return check_acx(files, sample=sample, credits=credits)
    from studio.audio.probe import read_chapters

    report = ComplianceReport(preset)
    for path in files:
        marks = read_chapters(path)
        _rule(report, path.name, "chapter marks readable", f"{len(marks)} chapters", len(marks) > 0)
        levels = measure_file(path)
        _rule(report, path.name, "peak at most -1 dB", _fmt_db(levels.peak_db),
              levels.peak_db is not None and levels.peak_db <= -1.0)
    return report


__all__ = ["PRESETS", "ComplianceReport", "FileLevels", "Preset", "Rule", "check_acx", "check_files",
           "measure_file", "mp3_frame_bitrates", "preset_options"]
