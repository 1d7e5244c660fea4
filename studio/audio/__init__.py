"""Audio out: stitching rendered pieces into finished audiobooks, and reading them back. Qt-free.

``export_audiobook`` (``studio.audio.export``) is the exporter: M4B, MP3, WAV/FLAC + cue, chapter files,
parts, loudness, tags, cover and subtitles; ``write_m4b`` is its simplest use, kept for older callers.

Importing this package points pydub at the bundled ffmpeg. pydub looks for ``ffmpeg``/``avconv`` on PATH
while its module is being imported and warns when there is none, which is always the case for the packaged
app; that one warning (and pydub's ``audioop`` deprecation notice) is silenced here, at its source, rather
than by a process-wide filter. pydub's ``from_file`` still wants ffprobe for non-WAV input unless given
``codec=``: no ffprobe ships, so prefer the helpers in this package.
"""

from __future__ import annotations

import logging
import warnings
from typing import TYPE_CHECKING, Any

from studio.audio.errors import AudioError
from studio.audio.ffmpeg import ffmpeg_exe, run_ffmpeg
from studio.audio.levels import ChapterLevel, chapter_levels, rms_dbfs, volumedetect
from studio.audio.loudness import ACX_TARGET, DEFAULT_TARGET, LoudnessTarget
from studio.audio.pieces import Piece, TimedText
from studio.audio.probe import decode_to_pcm, probe_duration_ms, read_chapters, read_tags
from studio.audio.report import ChapterReport, ExportedFile, ExportResult
from studio.audio.stitch import ChapterAudio, ChapterMark, StitchResult
from studio.audio.tags import BookInfo
from studio.audio.timeline import Gaps
from studio.audio.wavinfo import PcmFormat, WavInfo, read_wav_info, write_silence

if TYPE_CHECKING:
    from studio.audio.export import ExportOptions, export_audiobook
    from studio.audio.m4b import write_m4b

__all__ = [
    "ACX_TARGET",
    "DEFAULT_TARGET",
    "AudioError",
    "BookInfo",
    "ChapterAudio",
    "ChapterLevel",
    "ChapterMark",
    "ChapterReport",
    "ExportOptions",
    "ExportResult",
    "ExportedFile",
    "Gaps",
    "LoudnessTarget",
    "PcmFormat",
    "Piece",
    "StitchResult",
    "TimedText",
    "WavInfo",
    "chapter_levels",
    "decode_to_pcm",
    "export_audiobook",
    "ffmpeg_exe",
    "probe_duration_ms",
    "read_chapters",
    "read_tags",
    "read_wav_info",
    "rms_dbfs",
    "run_ffmpeg",
    "volumedetect",
    "write_m4b",
    "write_silence",
]

log = logging.getLogger("studio.audio")

#: Loaded on first use: the exporter is heavy (hundreds of ms on a busy machine) and the window must never
#: import it on the UI thread just because a light module of this package (wavinfo, errors) was imported.
_LAZY = {"ExportOptions": "studio.audio.export", "export_audiobook": "studio.audio.export",
         "write_m4b": "studio.audio.m4b"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'studio.audio' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


def _point_pydub_at_ffmpeg() -> None:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Couldn't find ffmpeg or avconv", category=RuntimeWarning)
        warnings.filterwarnings("ignore", message=".*audioop.*", category=DeprecationWarning)
        try:
            from pydub import AudioSegment
        except ImportError:  # pragma: no cover - pydub is a declared dependency
            log.warning("pydub is not installed; studio.audio does not need it")
            return
    try:
        AudioSegment.converter = ffmpeg_exe()
    except AudioError as exc:  # pragma: no cover - reported again, loudly, on first real use
        log.warning("no ffmpeg for pydub: %s", exc)


_point_pydub_at_ffmpeg()
