"""Project -> finished audiobook: plan, render (cached), export with chapter marks.

The same function serves ``studio render`` and the GUI's render and export actions. The format is
``ExportSettings.format`` or else follows the output's extension (.m4b/.m4a, .mp3, .wav or .flac, the
last two with a cue sheet). ``ExportSettings`` field names are the ones the GUI's export dialog looks for
(it enables a control when the field exists). Loudness: ``produce_audiobook`` without settings (``studio
render``) normalizes to the default -18 LUFS / -3 dBTP, which costs one quick measuring pass; explicit
settings normalize only when ``loudness_lufs`` is set (the dialog omits it when its box is unticked).
Everything else (ACX preset, spoken titles, sentence gaps, chapter files) is on ``ExportSettings`` too, or
use ``studio.render.export_book.export_project`` directly.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from studio.audio import StitchResult
from studio.audio.export import ExportOptions, ExportResult
from studio.audio.formats import BOOK_FORMATS, FORMAT_BY_EXTENSION
from studio.audio.loudness import ACX_TARGET, DEFAULT_TARGET, LoudnessTarget
from studio.audio.timeline import Gaps
from studio.core.book import VoiceSettings
from studio.core.errors import InputError
from studio.core.project import Project
from studio.engines.registry import EngineOptions
from studio.render.export_book import export_project
from studio.render.plan import AudioRequestOptions
from studio.render.retry import RetryPolicy
from studio.render.runner import ProgressCallback

#: What ``ExportSettings.format`` accepts (the GUI reads this to enable its choices).
EXPORT_FORMATS = BOOK_FORMATS


@dataclass(frozen=True)
class ExportSettings:
    format: str | None = None  # m4b | mp3 | wav | flac | chapters; None: from the output's extension
    chapter_format: str = "mp3"  # for format="chapters"
    paragraph_gap_ms: int = 600
    chapter_gap_ms: int = 1500
    sentence_gap_ms: int = 0
    heading_gap_ms: int = 800
    spoken_titles: bool = False
    bitrate: str | None = None  # the format's default (64 kbit/s for AAC and MP3)
    loudness_lufs: float | None = None  # None: keep the rendered levels
    true_peak_dbtp: float = -3.0
    acx: bool = False  # the ACX preset (-20 LUFS, -3 dB peaks, RMS and noise floor checked)
    max_part_hours: float | None = None
    subtitles: str | Sequence[str] | None = None  # "srt", "lrc" or both
    cover: Path | None = None

    def options(self, output: Path) -> ExportOptions:
        """The exporter's options for these settings and ``output``."""
        fmt = self.format or format_for(output)
        subtitles = (self.subtitles,) if isinstance(self.subtitles, str) else tuple(self.subtitles or ())
        return ExportOptions(format=fmt, chapter_format=self.chapter_format,
                             gaps=Gaps(self.sentence_gap_ms, self.paragraph_gap_ms, self.heading_gap_ms,
                                       self.chapter_gap_ms),
                             loudness=self.loudness_target(), split_hours=self.max_part_hours,
                             subtitles=subtitles, bitrate=self.bitrate)

    def loudness_target(self) -> LoudnessTarget | None:
        try:
            if self.acx:
                return ACX_TARGET
            if self.loudness_lufs is None:
                return None
            return LoudnessTarget(float(self.loudness_lufs), self.true_peak_dbtp, "custom")
        except ValueError as exc:
            raise InputError(str(exc)) from exc


#: What ``produce_audiobook`` does when given no settings: the studio's defaults, normalized loudness.
DEFAULT_SETTINGS = ExportSettings(loudness_lufs=DEFAULT_TARGET.integrated_lufs)


@dataclass(frozen=True)
class AudiobookResult:
    output: Path
    chapters: int
    duration_ms: float
    units_rendered: int
    units_cached: int
    stitch: StitchResult
    warnings: list[str] = field(default_factory=list)
    export: ExportResult | None = None
    #: the output already held exactly this export: nothing was rendered or encoded
    up_to_date: bool = False


def format_for(output: Path) -> str:
    """The export format an output file name asks for; anything else is the user's to fix."""
    fmt = FORMAT_BY_EXTENSION.get(Path(output).suffix.lower())
    if fmt is None:
        raise InputError(f"output must end in {', '.join(FORMAT_BY_EXTENSION)}", path=output)
    return fmt


def produce_audiobook(
    project: Project,
    output: Path,
    *,
    voice: VoiceSettings | None = None,
    settings: ExportSettings | None = None,
    render_progress: ProgressCallback | None = None,
    export_progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
    local_workers: int | None = None,
    audio: AudioRequestOptions | None = None,
    engine_options: EngineOptions | None = None,
    retry: RetryPolicy | None = None,
    prices: Mapping[str, float] | None = None,
    on_warnings: Callable[[list[str]], None] | None = None,
    max_in_flight: Mapping[str, int] | None = None,
) -> AudiobookResult:
    """Render what is missing from the cache, then write ``output`` with one mark per chapter."""
    settings = settings or DEFAULT_SETTINGS
    done = export_project(project, output, settings.options(output), info={"cover": settings.cover},
                          spoken_titles=settings.spoken_titles, voice=voice, audio=audio,
                          render_progress=render_progress, export_progress=export_progress, cancel=cancel,
                          local_workers=local_workers, engine_options=engine_options, retry=retry,
                          prices=prices, on_warnings=on_warnings, max_in_flight=max_in_flight)
    first = done.export.files[0]
    stitch = StitchResult(first.path, first.duration_ms, list(first.chapters))
    output_path = Path(output) if settings.format == "chapters" else first.path
    return AudiobookResult(output=output_path, chapters=done.chapters, duration_ms=done.duration_ms,
                           units_rendered=done.units_rendered, units_cached=done.units_cached, stitch=stitch,
                           warnings=list(done.warnings), export=done.export, up_to_date=done.up_to_date)
