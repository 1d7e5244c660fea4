"""What an export produced, as data: the files, each chapter's place and loudness, the mastering decision.

The CLI prints it as a table or JSON; the GUI shows it in the export dialog. Loudness figures are measured on
the exact audio that went into the encoder (see ``studio.audio.encode``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studio.audio.loudness import GainPlan, LoudnessTarget
from studio.audio.stitch import ChapterMark


@dataclass(frozen=True)
class ExportedFile:
    path: Path
    format: str
    part: int | None
    duration_ms: float
    sample_rate: int
    channels: int
    chapters: tuple[ChapterMark, ...]
    integrated_lufs: float | None
    true_peak_dbtp: float | None
    rms_db: float | None
    noise_floor_db: float | None
    normalization: str
    extras: tuple[Path, ...] = ()


@dataclass(frozen=True)
class ChapterReport:
    """One chapter of the finished export: where it is and how loud (the GUI's table, the CLI's report)."""

    index: int  # 0-based position among the exported chapters (chapters without text are left out)
    title: str
    file: Path
    start_ms: float
    duration_ms: float
    integrated_lufs: float | None
    true_peak_dbtp: float | None


@dataclass(frozen=True)
class ExportResult:
    files: tuple[ExportedFile, ...]
    chapters: tuple[ChapterReport, ...]
    gain: GainPlan
    notes: tuple[str, ...]

    @property
    def duration_ms(self) -> float:
        return sum(f.duration_ms for f in self.files)

    @property
    def paths(self) -> list[Path]:
        return [p for f in self.files for p in (f.path, *f.extras)]

    def to_dict(self) -> dict[str, Any]:
        def num(value: float | None) -> float | None:
            return None if value is None else round(value, 2)

        measured = self.gain.measured
        return {
            "files": [{"path": str(f.path), "format": f.format, "part": f.part,
                       "duration_s": round(f.duration_ms / 1000, 3), "sample_rate": f.sample_rate,
                       "channels": f.channels, "integrated_lufs": num(f.integrated_lufs),
                       "true_peak_dbtp": num(f.true_peak_dbtp), "rms_db": num(f.rms_db),
                       "noise_floor_db": num(f.noise_floor_db), "normalization": f.normalization,
                       "extras": [str(p) for p in f.extras],
                       "chapters": [{"title": m.title, "start_ms": round(m.start_ms, 3), "end_ms": round(m.end_ms, 3)}
                                    for m in f.chapters]} for f in self.files],
            "chapters": [{"index": c.index, "title": c.title, "file": str(c.file), "start_ms": round(c.start_ms, 3),
                          "duration_s": round(c.duration_ms / 1000, 3), "integrated_lufs": num(c.integrated_lufs),
                          "true_peak_dbtp": num(c.true_peak_dbtp)} for c in self.chapters],
            "mastering": {
                "mode": self.gain.mode,
                "target_lufs": self.gain.target.integrated_lufs if self.gain.target else None,
                "ceiling_dbtp": self.gain.target.true_peak_dbtp if self.gain.target else None,
                "preset": self.gain.target.name if self.gain.target else None,
                "measured_lufs": num(measured.integrated_lufs) if measured else None,
                "measured_peak_db": num(measured.peak_db) if measured else None,
                "gain_db": round(self.gain.gain_db, 2),
            },
            "notes": list(self.notes),
        }


def result_from_dict(data: dict[str, Any], target: LoudnessTarget | None) -> ExportResult:
    """An ``ExportResult`` back from its ``to_dict()`` (a no-op re-export reports the export it kept)."""
    files = tuple(ExportedFile(
        Path(f["path"]), f["format"], f["part"], f["duration_s"] * 1000, f["sample_rate"], f["channels"],
        tuple(ChapterMark(c["title"], c["start_ms"], c["end_ms"]) for c in f["chapters"]), f["integrated_lufs"],
        f["true_peak_dbtp"], f["rms_db"], f["noise_floor_db"], f["normalization"],
        tuple(Path(p) for p in f["extras"])) for f in data["files"])
    chapters = tuple(ChapterReport(c["index"], c["title"], Path(c["file"]), c["start_ms"], c["duration_s"] * 1000,
                                   c["integrated_lufs"], c["true_peak_dbtp"]) for c in data["chapters"])
    mastering = data["mastering"]
    gain = GainPlan(mastering["mode"], target, None, float(mastering["gain_db"]))
    return ExportResult(files, chapters, gain, tuple(data["notes"]))


def acx_notes(files: Sequence[ExportedFile], target: LoudnessTarget | None) -> list[str]:
    """ACX's three numbers per file, said plainly when a file misses one."""
    if target is None or target.rms_range_db is None:
        return []
    notes = []
    low, high = target.rms_range_db
    for f in files:
        if f.rms_db is not None and not low <= f.rms_db <= high:
            notes.append(f"{f.path.name}: RMS {f.rms_db:.1f} dB is outside ACX's {low:g}..{high:g} dB")
        if f.true_peak_dbtp is not None and f.true_peak_dbtp > target.true_peak_dbtp:
            notes.append(f"{f.path.name}: peak {f.true_peak_dbtp:.1f} dB is above ACX's {target.true_peak_dbtp:g} dB")
        if target.noise_floor_max_db is not None and f.noise_floor_db is not None \
                and f.noise_floor_db > target.noise_floor_max_db:
            notes.append(f"{f.path.name}: noise floor {f.noise_floor_db:.1f} dB is above ACX's "
                         f"{target.noise_floor_max_db:g} dB")
    if any(f.noise_floor_db is not None and f.noise_floor_db < -90 for f in files):
        notes.append("pauses are digital silence (synthesized speech); ACX reviewers may ask for room tone")
    return notes
