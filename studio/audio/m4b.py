"""M4B export: one AAC file with chapter marks and audiobook tags.

The timeline comes from ``stitch.plan_stitch``; this module only encodes it. ffmpeg reads the concat list
and an FFMETADATA1 file and writes an MP4 (ipod muxer, ``M4B `` brand) with chapters as both a QuickTime
chapter track and a Nero ``chpl`` box, so Apple players, ffmpeg/VLC and mutagen all see them.

AAC priming: the encoder puts 1024 samples of delay in front of the audio. ffmpeg's MP4 muxer writes an
edit list that hides them (``mvhd`` duration is the true length, ``mdhd`` is 1024 samples longer), so
decoders that honour edit lists (ffmpeg, Apple, VLC) put each chapter's first sound exactly on its mark;
we verify that in the integration tests. Players that ignore edit lists hear every mark 1024 samples
(46 ms at 22.05 kHz, 21 ms at 48 kHz) early, which is inaudible at a chapter boundary, so we do not
shift the marks.
"""

from __future__ import annotations

import logging
import os
import secrets
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from studio.audio import metadata
from studio.audio.errors import AudioError
from studio.audio.ffmpeg import ProgressCallback, run_ffmpeg
from studio.audio.stitch import (
    ChapterAudio,
    StitchPlan,
    StitchResult,
    piece_named_in,
    plan_stitch,
    write_concat_list,
)

log = logging.getLogger("studio.audio.m4b")

#: Sampling rates the AAC encoder accepts; anything else is resampled up to the next one.
AAC_SAMPLE_RATES = (7350, 8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 64000, 88200, 96000)
#: Share of the progress bar given to converting odd pieces, when any need it (encoding gets the rest).
_CONVERT_SHARE = 0.1
#: iTunes ``stik`` value for "Audiobook"; ffmpeg writes it from the ``media_type`` tag.
_STIK_AUDIOBOOK = "2"


def aac_sample_rate(rate: int) -> int:
    """The rate to encode at: ``rate`` itself when AAC allows it, else the next higher allowed one."""
    return next((r for r in AAC_SAMPLE_RATES if r >= rate), AAC_SAMPLE_RATES[-1])


class _Monotonic:
    """Maps phase-local fractions onto one bar that never goes backwards (the GUI shows one bar)."""

    def __init__(self, callback: ProgressCallback | None) -> None:
        self._callback = callback
        self._last = -1.0

    def phase(self, start: float, end: float) -> ProgressCallback | None:
        if self._callback is None:
            return None
        return lambda fraction: self.report(start + (end - start) * fraction)

    def report(self, value: float) -> None:
        value = min(max(value, 0.0), 1.0)
        if self._callback is not None and value > self._last:
            self._last = value
            self._callback(value)


#: Tag names ffmpeg's MP4 muxer turns into iTunes atoms; it silently drops any other key.
MP4_TAG_KEYS = frozenset({
    "title", "artist", "album_artist", "album", "composer", "date", "comment", "genre", "copyright",
    "description", "synopsis", "grouping", "lyrics", "track", "disc", "media_type", "keywords", "category",
    "sort_name", "sort_artist", "sort_album", "sort_album_artist", "sort_composer",
})


def book_tags(title: str, author: str, extra_tags: dict[str, str] | None) -> dict[str, str]:
    """Global tags in ffmpeg's names; the MP4 muxer maps them to iTunes atoms (title -> ©nam, ...).

    ``extra_tags`` overrides ours. ``year`` becomes ``date`` (MP4 has only ``©day``); keys MP4 cannot
    carry (``publisher``, ...) are logged and left out rather than silently vanishing inside ffmpeg.
    """
    tags = {"title": title, "album": title, "genre": "Audiobook", "media_type": _STIK_AUDIOBOOK}
    if author:
        tags |= {"artist": author, "album_artist": author}
    extra = dict(extra_tags or {})
    if "year" in extra:
        extra.setdefault("date", extra.pop("year"))
    dropped = sorted(set(extra) - MP4_TAG_KEYS)
    if dropped:
        log.info("M4B has no place for these tags, not written: %s", ", ".join(dropped))
    return tags | {k: v for k, v in extra.items() if k in MP4_TAG_KEYS}


def encode_m4b(plan: StitchPlan, work_dir: Path, partial: Path, *, tags: dict[str, str], bitrate: str,
               sample_rate: int | None, progress_cb: ProgressCallback | None,
               cancel_event: threading.Event | None) -> None:
    """Run the one ffmpeg pass that reads every piece and writes ``partial``."""
    concat_list = write_concat_list(plan.entries, work_dir / "pieces.ffconcat")
    meta_file = work_dir / "chapters.ffmeta"
    meta_text = metadata.render(metadata.FfMetadata(tags, plan.ffmetadata_chapters()))
    meta_file.write_text(meta_text, encoding="utf-8")
    out_rate = aac_sample_rate(sample_rate or plan.format.sample_rate)
    args: list[str] = [
        "-f", "concat", "-safe", "0", "-i", str(concat_list),
        "-f", "ffmetadata", "-i", str(meta_file),
        "-map", "0:a", "-map_metadata", "1", "-map_chapters", "1",
        "-c:a", "aac", "-b:a", bitrate,
    ]
    if out_rate != plan.format.sample_rate:
        args += ["-ar", str(out_rate)]
    args += ["-movflags", "+faststart", "-brand", "M4B ", "-f", "ipod", str(partial)]
    started = time.monotonic()
    try:
        run_ffmpeg(args, progress_cb=progress_cb, cancel_event=cancel_event,
                   duration_hint_s=plan.duration_ms / 1000, output=partial)
    except AudioError as exc:
        culprit = piece_named_in(exc.stderr_tail, plan)
        what = "encoding the audiobook failed" + (" at this piece" if culprit else "")
        raise AudioError(what, path=culprit or partial, stderr_tail=exc.stderr_tail) from exc
    elapsed = time.monotonic() - started
    log.info("encoded %.1f min of audio in %.1f s (%.0fx real time)", plan.duration_ms / 60000, elapsed,
             plan.duration_ms / 1000 / max(elapsed, 1e-6))


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

    The file appears at ``output`` only when complete (written next to it, then ``os.replace``d), so a
    failed or cancelled export leaves the previous file, if any, untouched and no partial file behind.
    Scratch files (converted pieces, silence, list files) live in a temporary directory under
    ``temp_dir`` (default: the system's) and are always removed. Raises ``AudioError`` naming the piece
    at fault, or ``CancelledError`` when ``cancel_event`` is set.
    """
    output = Path(output)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AudioError(f"cannot create the output folder: {exc.strerror or exc}",
                         path=output.parent) from exc
    bar = _Monotonic(progress_cb)
    partial = output.with_name(f".{output.name}.{secrets.token_hex(4)}.partial")
    try:
        with tempfile.TemporaryDirectory(prefix="studio-stitch-", dir=temp_dir) as tmp:
            work_dir = Path(tmp)
            plan = plan_stitch(chapters, work_dir, paragraph_gap_ms=paragraph_gap_ms,
                               chapter_gap_ms=chapter_gap_ms, cancel_event=cancel_event,
                               progress_cb=bar.phase(0.0, _CONVERT_SHARE))
            encode_start = _CONVERT_SHARE if plan.converted else 0.0
            encode_m4b(plan, work_dir, partial, tags=book_tags(title, author, extra_tags), bitrate=bitrate,
                       sample_rate=sample_rate, progress_cb=bar.phase(encode_start, 0.999),
                       cancel_event=cancel_event)
        try:
            os.replace(partial, output)
        except OSError as exc:
            raise AudioError(f"cannot write the audiobook (is it open in a player?): {exc.strerror or exc}",
                             path=output) from exc
    finally:
        partial.unlink(missing_ok=True)
    bar.report(1.0)
    return StitchResult(output, plan.duration_ms, plan.chapter_marks())
