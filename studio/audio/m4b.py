"""M4B export: one AAC file with chapter marks and audiobook tags (the exporter's simplest use).

``write_m4b`` keeps its original signature for callers that only want an M4B of whole pieces with
paragraph and chapter gaps and no loudness change; everything else (sentence gaps, loudness, other
formats, parts, subtitles) is ``studio.audio.export.export_audiobook``.

The MP4 is written by ffmpeg's ipod muxer with the ``M4B `` brand, chapters as both a QuickTime chapter
track and a Nero ``chpl`` box, so Apple players, ffmpeg/VLC and mutagen all see them.

AAC priming: the encoder puts 1024 samples of delay in front of the audio. ffmpeg's MP4 muxer writes an
edit list that hides them (``mvhd`` duration is the true length, ``mdhd`` is 1024 samples longer), so
decoders that honour edit lists (ffmpeg, Apple, VLC) put each chapter's first sound exactly on its mark;
we verify that in the integration tests. Players that ignore edit lists hear every mark 1024 samples
(46 ms at 22.05 kHz, 21 ms at 48 kHz) early, which is inaudible at a chapter boundary, so we do not
shift the marks.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from studio.audio.export import ExportOptions, export_audiobook
from studio.audio.ffmpeg import ProgressCallback
from studio.audio.formats import AAC_SAMPLE_RATES
from studio.audio.stitch import ChapterAudio, StitchResult
from studio.audio.tags import MP4_TAG_KEYS, BookInfo, book_tags
from studio.audio.timeline import Gaps

__all__ = ["AAC_SAMPLE_RATES", "MP4_TAG_KEYS", "aac_sample_rate", "book_tags", "write_m4b"]


def aac_sample_rate(rate: int) -> int:
    """The rate to encode at: ``rate`` itself when AAC allows it, else the next higher allowed one."""
    return next((r for r in AAC_SAMPLE_RATES if r >= rate), AAC_SAMPLE_RATES[-1])


def write_m4b(
    chapters: Sequence[ChapterAudio],
    output: Path,
    *,
    title: str,
    author: str = "",
    paragraph_gap_ms: int = 600,
    chapter_gap_ms: int = 1500,
    bitrate: str = "64k",
    sample_rate: int | None = None,
    progress_cb: ProgressCallback | None = None,
    cancel_event: threading.Event | None = None,
    extra_tags: dict[str, str] | None = None,
    temp_dir: Path | None = None,
) -> StitchResult:
    """Stitch the chapters' WAV pieces into one chaptered, tagged M4B, streaming from disk.

    The file appears at ``output`` only when complete, so a failed or cancelled export leaves the
    previous file, if any, untouched and no partial file behind. Scratch files live in a temporary
    directory under ``temp_dir`` (default: the system's) and are always removed. Raises ``AudioError``
    naming the piece at fault, or ``CancelledError`` when ``cancel_event`` is set.
    """
    options = ExportOptions(format="m4b", gaps=Gaps(0, paragraph_gap_ms, 0, chapter_gap_ms), loudness=None,
                            sample_rate=sample_rate, bitrate=bitrate, jobs=1)
    info = BookInfo(title=title, author=author, genre="Audiobook", extra=dict(extra_tags or {}))
    result = export_audiobook(chapters, Path(output), info, options, progress_cb=progress_cb,
                              cancel_event=cancel_event, temp_dir=temp_dir, chunked=False)
    exported = result.files[0]
    return StitchResult(exported.path, exported.duration_ms, list(exported.chapters))
