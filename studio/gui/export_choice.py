"""What the author chose in the Export dialog, and the export it runs on a worker thread (Qt-free).

Importing the exporter takes a noticeable moment (ffmpeg helpers, pydub, mutagen: 150 ms on a quiet machine,
several times that on a busy one). The dialog needs none of it to show its options, so it never imports it on
the UI thread: what the user chose is a plain ``ExportChoice``, and it becomes ``ExportOptions`` on the export's
worker thread, where the exporter is imported anyway.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from studio.audio.export import ExportOptions
    from studio.engines.registry import EngineOptions
    from studio.render.export_book import BookExportResult

FORMATS = ("m4b", "mp3", "wav", "flac", "chapters")
# each preset's format (studio.audio.compliance.PRESETS; not imported here: it loads the exporter)
PRESET_FORMATS = {"acx": "chapters", "apple": "m4b", "mp3": "mp3"}
DEFAULT_LUFS = -18.0  # studio.audio.loudness.DEFAULT_TARGET, what `studio export` normalizes to
ACX_LUFS = -20.0  # studio.audio.loudness.ACX_TARGET (not imported here: it loads the exporter)


@dataclass(frozen=True)
class ExportChoice:
    """What the user chose in the dialog, Qt-free and cheap to build (no exporter import on the UI thread)."""

    format: str = "m4b"
    bitrate: str | None = None
    paragraph_gap_ms: int = 600
    chapter_gap_ms: int = 1500
    loudness_lufs: float | None = DEFAULT_LUFS  # None: keep the rendered levels
    acx: bool = False  # the ACX preset (-20 LUFS, -3 dB peaks, RMS and noise floor checked)
    part_minutes: int | None = None
    subtitles: tuple[str, ...] = ()
    spoken_titles: bool = False
    cover: Path | None = None  # title and author are the book's (the dialog edits them as an undoable change)
    # a retail preset (studio.audio.compliance.PRESETS: acx | apple | mp3): fixes format, rate, bit rate and
    # loudness, and the dialog shows the compliance report after the export
    preset: str | None = None
    credits: bool = False  # opening/closing credits as the first and last files (the ACX preset)
    retail_sample: bool = False  # a retail sample next to the chapter files (the ACX preset)

    def options(self) -> ExportOptions:
        """The exporter's options, as ``studio export`` builds them from its arguments (imports the exporter)."""
        from studio.audio.export import ExportOptions
        from studio.audio.loudness import ACX_TARGET, DEFAULT_TARGET, LoudnessTarget
        from studio.audio.timeline import Gaps

        loudness: LoudnessTarget | None = None
        if self.acx:
            loudness = ACX_TARGET
        elif self.loudness_lufs is not None:
            loudness = LoudnessTarget(self.loudness_lufs, DEFAULT_TARGET.true_peak_dbtp, "custom")
        options = ExportOptions(format=self.format, gaps=Gaps(paragraph_ms=self.paragraph_gap_ms,
                                                              chapter_ms=self.chapter_gap_ms),
                                loudness=loudness, split_hours=self.part_minutes / 60 if self.part_minutes else None,
                                subtitles=self.subtitles, bitrate=self.bitrate)
        if self.preset is not None:
            from studio.audio.compliance import preset_options

            options = preset_options(self.preset, options)
        return options

    def info(self) -> dict[str, Any]:
        """Tag overrides for ``export_project`` (None keeps the book's own)."""
        return {"cover": self.cover}


def run_export(folder: Path, output: Path, choice: ExportChoice, engine_options: EngineOptions, report: Any,
               cancel: threading.Event) -> BookExportResult:
    """The export on a worker thread: the same ``export_project`` as ``studio export``."""
    from studio.core.project import Project
    from studio.render.export_book import export_project

    options = choice.options()
    with Project.open(folder) as project:
        from studio.audio.retail_sample import SampleLength

        done = export_project(project, output, options, info=choice.info(), spoken_titles=choice.spoken_titles,
                              credits=choice.credits, retail_sample=SampleLength() if choice.retail_sample else None,
                              cancel=cancel, engine_options=engine_options,
                              render_progress=lambda p: report(("render", p.fraction)),
                              export_progress=lambda f: report(("export", f)))
    if choice.preset is not None:  # measured here, on the worker: it decodes every file
        import dataclasses

        from studio.audio.compliance import check_files

        done = dataclasses.replace(done, compliance=check_files(choice.preset, [f.path for f in done.export.files],
                                                                sample=done.retail_sample, credits=done.credits))
    return done

