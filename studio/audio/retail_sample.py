"""The retail sample: 1-5 minutes from the start of the narrative, as ACX asks for it next to the chapters.

ACX plays the sample in the store; it must be 1-5 minutes, carry no credits, and start where the story starts.
It is cut from the book's own pieces (the chapters without the credits) at the first paragraph boundary past
the target length (default 3 minutes), or at a sentence end inside a paragraph that would overrun 5 minutes.
The last piece fades out over ``fade_ms``, so the sample does not stop mid-breath, and the file is exported
through the same exporter and options as the chapters (loudness, room tone at head and tail, 192 kbps MP3), so
the compliance report can hold it to the same rules plus its length.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from studio.audio.errors import AudioError
from studio.audio.export import ExportOptions, export_audiobook
from studio.audio.ffmpeg import run_ffmpeg
from studio.audio.pieces import Piece, TimedText, as_piece
from studio.audio.stitch import ChapterAudio
from studio.audio.tags import BookInfo
from studio.audio.timeline import Gaps
from studio.audio.wavinfo import read_wav_info

SAMPLE_TITLE = "Retail sample"
SAMPLE_MIN_S, SAMPLE_MAX_S = 60.0, 300.0
#: Room tone and margins the exporter adds around the speech: kept out of the speech's own budget.
_ROOM_S = 5.0


@dataclass(frozen=True)
class SampleLength:
    """How long the sample's speech should be (seconds): ``target_s``, within ACX's 1-5 minutes."""

    target_s: float = 180.0
    fade_ms: int = 1000

    def __post_init__(self) -> None:
        if not SAMPLE_MIN_S <= self.target_s <= SAMPLE_MAX_S - _ROOM_S:
            raise ValueError(f"a retail sample of {self.target_s:g} s is outside ACX's 1-5 minutes "
                             f"({SAMPLE_MIN_S:g}-{SAMPLE_MAX_S - _ROOM_S:g} s)")


def _duration_s(piece: Piece) -> float:
    try:
        return read_wav_info(piece.path).duration_ms / 1000
    except AudioError:
        from studio.audio.probe import probe_duration_ms

        return probe_duration_ms(piece.path) / 1000


def _sentence_end(piece: Piece, duration_s: float, lowest: float, highest: float, target: float) -> float | None:
    """The sentence end (seconds into the piece) between ``lowest`` and ``highest`` closest to ``target``."""
    ends = [s.end_ms / 1000 for s in piece.timed_sentences(duration_s * 1000)]
    fitting = [e for e in ends if lowest <= e <= highest]
    return min(fitting, key=lambda e: abs(e - target)) if fitting else None


def choose_sample(chapters: Sequence[ChapterAudio], length: SampleLength, gaps: Gaps) -> list[tuple[Piece, float]]:
    """The pieces the sample speaks, each with how much of it (seconds from its start) to keep.

    The budget counts the gaps the exporter will put between the pieces, so the finished file's length is
    what was chosen, give or take the room tone."""
    limit = SAMPLE_MAX_S - _ROOM_S
    chosen: list[tuple[Piece, float]] = []
    total = 0.0
    previous: Piece | None = None
    for piece in (as_piece(p) for chapter in chapters for p in chapter.pieces):
        gap = 0.0
        if previous is not None:
            pause = previous.pause_after_ms
            gap = (gaps.heading_ms if previous.kind == "title" else pause if pause is not None
                   else gaps.paragraph_ms) / 1000
        duration = _duration_s(piece)
        if duration <= 0:
            continue
        end = total + gap + duration
        if end <= length.target_s or end <= limit:
            chosen.append((piece, duration))
            total = end
            previous = piece
            if end >= length.target_s:
                break
            continue
        # this paragraph would overrun five minutes: end at one of its sentences, or before it
        lowest, highest = max(0.0, SAMPLE_MIN_S - total - gap), limit - total - gap
        cut = _sentence_end(piece, duration, lowest, highest, length.target_s - total - gap)
        if cut is None and total < SAMPLE_MIN_S:
            cut = highest  # one endless paragraph: a hard cut, softened by the fade
        if cut is not None and cut > 0:
            chosen.append((piece, cut))
        break
    return chosen


def _faded_copy(piece: Piece, keep_s: float, fade_ms: int, dest: Path) -> Piece:
    """The first ``keep_s`` seconds of ``piece``, fading out over its last ``fade_ms``, as a WAV."""
    fade = min(fade_ms / 1000, keep_s / 2)
    run_ffmpeg(["-i", str(piece.path), "-af", f"atrim=0:{keep_s:.3f},afade=t=out:st={keep_s - fade:.3f}:d={fade:.3f}",
                "-c:a", "pcm_s16le", str(dest)])
    kept = tuple(s for s in piece.timed_sentences(keep_s * 1000) if s.begin_ms < keep_s * 1000)
    sentences = tuple(TimedText(s.text, s.begin_ms, min(s.end_ms, keep_s * 1000), s.paragraph) for s in kept)
    return replace(piece, path=dest, sentences=sentences, words=(), paragraph_offsets_ms=())


def export_retail_sample(chapters: Sequence[ChapterAudio], folder: Path, info: BookInfo, options: ExportOptions, *,
                         length: SampleLength | None = None, temp_dir: Path | None = None,
                         cancel: threading.Event | None = None) -> Path:
    """Write ``folder/Retail sample.<ext>`` with ``options`` (the chapters' own: one file per chapter).

    Raises ``AudioError`` when the book has no audio to cut a sample from."""
    length = length or SampleLength()
    chosen = choose_sample(chapters, length, options.gaps)
    if not chosen:
        raise AudioError("the book has no audio to cut a retail sample from", path=folder)
    work = Path(tempfile.mkdtemp(prefix="studio-sample-", dir=temp_dir))
    try:
        last, keep = chosen[-1]
        pieces = [p for p, _ in chosen[:-1]] + [_faded_copy(last, keep, length.fade_ms, work / "last.wav")]
        tags = replace(info, title=f"{info.title} ({SAMPLE_TITLE.lower()})" if info.title else SAMPLE_TITLE)
        single = replace(options, format="chapters", subtitles=(), split_hours=None)
        result = export_audiobook([ChapterAudio(SAMPLE_TITLE, pieces)], work / "out", tags, single,
                                  cancel_event=cancel, temp_dir=temp_dir)
        written = result.files[0].path
        dest = folder / f"{SAMPLE_TITLE}{written.suffix}"
        folder.mkdir(parents=True, exist_ok=True)
        try:
            shutil.move(written, dest)  # the scratch folder may be on another file system
        except OSError as exc:
            raise AudioError(f"cannot write the retail sample: {exc.strerror or exc}", path=dest) from exc
        return dest
    finally:
        shutil.rmtree(work, ignore_errors=True)


__all__ = ["SAMPLE_TITLE", "SampleLength", "choose_sample", "export_retail_sample"]
