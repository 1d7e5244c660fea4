"""From rendered pieces to one timeline: common format, gaps, chapter positions, and ffmpeg's concat list.

Nothing here holds audio in memory. Pieces stay on disk; gaps are small silence WAVs (one per distinct
length); ffmpeg's concat demuxer reads them in order. Chapter marks come from exact frame counts, so they
are right to the sample whatever the book's length.

This is the first, simple planner (whole pieces, paragraph and chapter gaps). The exporter
(``studio.audio.export``) uses ``studio.audio.timeline`` instead, which also cuts pieces at sentence
boundaries; the concat demuxer cannot end a piece mid-file sample-accurately, so that one streams PCM.
``convert_piece`` is re-exported here for older callers.
"""

from __future__ import annotations

import collections
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from studio.audio import metadata
from studio.audio.errors import AudioError
from studio.audio.ffmpeg import ProgressCallback
from studio.audio.pieces import Piece, as_piece, convert_pieces, inspect_pieces
from studio.audio.pieces import convert_piece as convert_piece
from studio.audio.wavinfo import PcmFormat, WavInfo, write_silence

log = logging.getLogger("studio.audio.stitch")


@dataclass
class ChapterAudio:
    """A chapter as the renderer hands it over: its title and its pieces in reading order.

    A piece is a WAV path, or a ``Piece`` that also carries the engine's timestamps (for sentence gaps and
    subtitles) and whether it is a spoken title.
    """

    title: str
    pieces: Sequence[Path | Piece]


@dataclass
class ChapterMark:
    """Where a chapter sits in the finished file. ``start_ms`` is where its first piece's audio begins."""

    title: str
    start_ms: float
    end_ms: float


@dataclass
class StitchResult:
    output: Path
    duration_ms: float
    chapters: list[ChapterMark]


@dataclass(frozen=True)
class PlanEntry:
    """One line of the concat list: a piece (already in the plan's format) or a silence file."""

    path: Path
    frames: int
    silence: bool = False


@dataclass
class StitchPlan:
    """The whole book as a sequence of files in one PCM format, with chapter starts in frames."""

    format: PcmFormat
    entries: list[PlanEntry]
    chapter_titles: list[str]
    chapter_starts: list[int]
    total_frames: int
    #: original piece path -> converted copy, for error messages that must name what the user knows
    converted: dict[Path, Path] = field(default_factory=dict)

    @property
    def duration_ms(self) -> float:
        return self.total_frames * 1000.0 / self.format.sample_rate

    def chapter_marks(self) -> list[ChapterMark]:
        """Chapter ``i`` ends where ``i+1`` starts: the gap before a chapter closes the previous one."""
        rate = self.format.sample_rate
        ends = [*self.chapter_starts[1:], self.total_frames]
        return [ChapterMark(title, start * 1000.0 / rate, end * 1000.0 / rate)
                for title, start, end in zip(self.chapter_titles, self.chapter_starts, ends, strict=True)]

    def ffmetadata_chapters(self) -> list[metadata.ChapterEntry]:
        """Chapters in a 1/sample-rate timebase: integer frames, no rounding anywhere."""
        tb = Fraction(1, self.format.sample_rate)
        ends = [*self.chapter_starts[1:], self.total_frames]
        return [metadata.ChapterEntry(start, end, tb, {"title": title})
                for title, start, end in zip(self.chapter_titles, self.chapter_starts, ends, strict=True)]

    def original_of(self, path: Path) -> Path:
        for original, copy in self.converted.items():
            if copy == path:
                return original
        return path


def ms_to_frames(ms: float, sample_rate: int) -> int:
    return round(ms * sample_rate / 1000)


def quote_concat_path(path: Path) -> str:
    """Quote a path for an ffconcat ``file`` line: inside single quotes only ``'`` needs care."""
    return "'" + str(path).replace("'", "'\\''") + "'"


def write_concat_list(entries: Sequence[PlanEntry], dest: Path) -> Path:
    """The list file for ``-f concat -safe 0`` (absolute paths, UTF-8). Empty pieces are left out."""
    with open(dest, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("ffconcat version 1.0\n")
        for entry in entries:
            if entry.frames > 0:
                fh.write(f"file {quote_concat_path(entry.path.resolve())}\n")
    return dest


def pick_format(infos: Sequence[WavInfo]) -> PcmFormat:
    """The format most pieces already have, so the fewest need converting (ties: the higher quality)."""
    if not infos:
        raise AudioError("no readable WAV piece to take the audio format from")
    counts = collections.Counter(info.format for info in infos)
    return max(counts, key=lambda fmt: (counts[fmt], fmt))


class _SilenceBank:
    """One silence file per distinct gap length, made on first use."""

    def __init__(self, directory: Path, fmt: PcmFormat) -> None:
        self._dir, self._fmt, self._files = directory, fmt, dict[int, Path]()

    def get(self, frames: int) -> PlanEntry:
        if frames not in self._files:
            self._files[frames] = write_silence(self._dir / f"silence-{frames}.wav", frames, self._fmt)
        return PlanEntry(self._files[frames], frames, silence=True)


def plan_stitch(
    chapters: Sequence[ChapterAudio],
    work_dir: Path,
    *,
    paragraph_gap_ms: int = 600,
    chapter_gap_ms: int = 1500,
    cancel_event: threading.Event | None = None,
    progress_cb: ProgressCallback | None = None,
) -> StitchPlan:
    """Inspect every piece, convert the odd ones into ``work_dir``, and lay out the timeline.

    The common format is the one most pieces share; an output sample rate, if the caller wants another,
    is applied once by the encoder (resampling keeps time, so the marks stay exact). Pieces that ``wave``
    cannot read go through ffmpeg too: either ffmpeg can decode them, or the resulting error names the
    piece. ``progress_cb`` covers the conversions, by bytes.
    """
    paths = [(c.title, [as_piece(p).path for p in c.pieces]) for c in chapters]
    inspection = inspect_pieces(paths)
    fmt = pick_format(list(inspection.readable.values())) if inspection.readable else PcmFormat(22050, 1, 2)
    convert_pieces(inspection, fmt, work_dir, cancel_event=cancel_event, progress_cb=progress_cb)
    converted = inspection.converted
    readable = inspection.readable

    silence = _SilenceBank(work_dir, fmt)
    para_gap = ms_to_frames(paragraph_gap_ms, fmt.sample_rate)
    chap_gap = ms_to_frames(chapter_gap_ms, fmt.sample_rate)
    entries: list[PlanEntry] = []
    starts: list[int] = []
    position = 0
    for c_index, (_title, piece_paths) in enumerate(paths):
        if c_index > 0 and chap_gap > 0:
            entries.append(silence.get(chap_gap))
            position += chap_gap
        starts.append(position)
        for p_index, piece in enumerate(piece_paths):
            if p_index > 0 and para_gap > 0:
                entries.append(silence.get(para_gap))
                position += para_gap
            info = readable[piece]
            entries.append(PlanEntry(converted.get(piece, piece), info.frames))
            position += info.frames
    return StitchPlan(fmt, entries, [c.title for c in chapters], starts, position, converted)


def piece_named_in(stderr_tail: str, plan: StitchPlan) -> Path | None:
    """The piece an ffmpeg error message mentions, so the user learns which file to re-render."""
    by_text = {str(e.path.resolve()): e.path for e in plan.entries if not e.silence}
    for line in reversed(stderr_tail.splitlines()):
        for text, path in by_text.items():
            if text in line:
                return plan.original_of(path)
    return None
