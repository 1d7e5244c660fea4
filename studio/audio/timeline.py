"""The finished book as a list of sample ranges: pieces cut at sentence boundaries, gaps, chapters, cues.

Everything is counted in frames of the export format, never in estimated milliseconds: a piece's length is
its real (post-conversion) frame count, a gap is a whole number of frames, so a chapter's start is an exact
sum and the marks cannot drift however long the book is.

Gaps come from the book's structure, not from listening to the audio: extra silence after a sentence, a
paragraph, a spoken heading, and a chapter. Sentence gaps need the piece cut between two sentences; the
engines report where each sentence begins and ends (relative to the piece), and the cut goes at the quietest
10 ms inside the pause the engine reported (or just before the next sentence when the engine's sentences
touch), so no syllable is split. Subtitle cues follow their sentence through the cuts.

For WAV/FLAC + cue sheets every chapter start is moved onto the cue sheet's 1/75 s grid by lengthening the
gap before it (by less than one grid step): the cue sheet's INDEX then equals the real start exactly.
"""

from __future__ import annotations

import math
import wave
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from studio.audio.cached_audio import read_frames, samples_of
from studio.audio.errors import AudioError
from studio.audio.pieces import Inspection, Piece, TimedText
from studio.audio.stitch import ChapterMark
from studio.audio.wavinfo import PcmFormat

#: Cue sheets count time in CD frames.
CUE_FRAMES_PER_SECOND = 75
#: Largest gap we accept: a longer one is a typo that would write minutes of silence per sentence.
MAX_GAP_MS = 60_000
_QUIET_BLOCK_MS = 10
_LOOK_BEFORE_MS = 120


@dataclass(frozen=True)
class Gaps:
    """Extra silence (ms) after each structural element, added to whatever pause the engine produced."""

    sentence_ms: int = 0
    paragraph_ms: int = 600
    heading_ms: int = 800
    chapter_ms: int = 1500

    def __post_init__(self) -> None:
        for name in ("sentence_ms", "paragraph_ms", "heading_ms", "chapter_ms"):
            value = getattr(self, name)
            if not 0 <= value <= MAX_GAP_MS:
                raise ValueError(f"{name.removesuffix('_ms')} gap {value} ms is out of range (0..{MAX_GAP_MS})")


@dataclass(frozen=True, slots=True)  # a 50-hour book has ~100,000 of these
class Span:
    """``frames`` frames of a PCM WAV or FLAC file from frame ``start`` on, or silence when ``path`` is None."""

    path: Path | None
    start: int
    frames: int


@dataclass(frozen=True, slots=True)
class TimedCue:
    """A subtitle: text and its frame range on a timeline."""

    text: str
    start: int
    end: int


@dataclass
class ChapterLayout:
    """One chapter's audio relative to its own first frame (no chapter gap): what parts are built from."""

    index: int  # the chapter's position in the book, 0-based
    title: str
    spans: list[Span]
    frames: int
    cues: list[TimedCue] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ChapterSpan:
    index: int
    title: str
    start: int
    end: int


@dataclass
class Timeline:
    """One output file's audio: spans in order, chapter ranges and subtitle cues, all in frames."""

    format: PcmFormat
    spans: list[Span]
    chapters: list[ChapterSpan]
    cues: list[TimedCue]
    total_frames: int

    @property
    def duration_ms(self) -> float:
        return self.total_frames * 1000.0 / self.format.sample_rate

    def ms(self, frames: int) -> float:
        return frames * 1000.0 / self.format.sample_rate

    def chapter_marks(self) -> list[ChapterMark]:
        return [ChapterMark(c.title, self.ms(c.start), self.ms(c.end)) for c in self.chapters]


def ms_to_frames(ms: float, rate: int) -> int:
    return round(ms * rate / 1000)


def cue_grid(rate: int) -> int:
    """Smallest whole number of frames that is also a whole number of 1/75 s (294 at 22,050 Hz)."""
    return rate // math.gcd(rate, CUE_FRAMES_PER_SECOND)


# -- cutting pieces at sentence boundaries -----------------------------------------------------------------

def _block_peaks(path: Path, fmt: PcmFormat, start: int, stop: int, block: int) -> list[int]:
    """Peak absolute sample value of each ``block``-frame block in [start, stop): a few hundred ms at most."""
    samples = samples_of(read_frames(path, fmt, start, stop))
    step = block * fmt.channels
    peaks = []
    for i in range(0, len(samples) - step + 1, step):
        chunk = samples[i:i + step]
        peaks.append(max(max(chunk), -min(chunk)))
    return peaks


def choose_cut(path: Path, fmt: PcmFormat, prev: TimedText, nxt: TimedText, *, floor: int, frames: int) -> int:
    """Where to split a piece between sentences ``prev`` and ``nxt``: the quietest 10 ms block in the pause.

    The search runs from the earlier of (end of ``prev``, 120 ms before ``nxt``) to the later of (end of
    ``prev``, start of ``nxt``), never before ``floor`` (the previous cut or ``prev``'s start). Ties go to
    the latest block, next to the following sentence, where engines put the pause. Returns a frame in
    (floor, frames) or -1 when there is no room for a cut.
    """
    rate = fmt.sample_rate
    end_prev, begin_next = ms_to_frames(prev.end_ms, rate), ms_to_frames(nxt.begin_ms, rate)
    lo = max(min(end_prev, begin_next - ms_to_frames(_LOOK_BEFORE_MS, rate)), floor + 1)
    hi = min(max(end_prev, begin_next), frames - 1)
    block = max(1, ms_to_frames(_QUIET_BLOCK_MS, rate))
    if hi - lo < block:
        cut = min(max(begin_next, floor + 1), frames - 1)
        return cut if floor < cut < frames else -1
    try:
        peaks = _block_peaks(path, fmt, lo, hi, block)
    except (wave.Error, EOFError, OSError) as exc:
        raise AudioError(f"cannot read audio to place a sentence gap: {exc}", path=path) from exc
    if not peaks:
        return min(max(begin_next, floor + 1), frames - 1)
    best = min(peaks)
    index = max(i for i, p in enumerate(peaks) if p == best)
    return lo + index * block + block // 2


def _clean_sentences(sentences: Sequence[TimedText], duration_ms: float) -> list[TimedText]:
    """Drop impossible stamps, clamp to the piece and sort: engines are not always tidy."""
    kept = []
    for s in sentences:
        begin = min(max(float(s.begin_ms), 0.0), duration_ms)
        end = min(max(float(s.end_ms), begin), duration_ms)
        kept.append(TimedText(s.text, begin, end, s.paragraph))
    return sorted(kept, key=lambda s: s.begin_ms)


def _piece_cuts(piece: Piece, sentences: list[TimedText], source: Path, fmt: PcmFormat, frames: int,
                gaps: Gaps) -> tuple[list[int], list[int], list[int]]:
    """Cut positions, the gap (frames) after each cut, and each sentence's segment number.

    Between two paragraphs of one unit the engine already left ``paragraph_gap_in_audio_ms`` of pause, so
    only the rest of the paragraph gap is added there.
    """
    cuts: list[int] = []
    gap_frames: list[int] = []
    segment_of = [0] * len(sentences)
    floor = 0
    for i in range(1, len(sentences)):
        prev, nxt = sentences[i - 1], sentences[i]
        if nxt.paragraph != prev.paragraph:
            gap_ms = max(0, gaps.paragraph_ms - piece.paragraph_gap_in_audio_ms)
        else:
            gap_ms = gaps.sentence_ms
        gap = ms_to_frames(gap_ms, fmt.sample_rate)
        segment_of[i] = len(cuts)
        if gap <= 0:
            continue
        cut = choose_cut(source, fmt, prev, nxt, floor=max(floor, ms_to_frames(prev.begin_ms, fmt.sample_rate)),
                         frames=frames)
        if cut <= floor or cut >= frames:
            continue
        cuts.append(cut)
        gap_frames.append(gap)
        segment_of[i] = len(cuts)
        floor = cut
    return cuts, gap_frames, segment_of


def layout_chapter(index: int, title: str, pieces: Sequence[Piece], inspection: Inspection, fmt: PcmFormat,
                   gaps: Gaps, *, with_cues: bool = True) -> ChapterLayout:
    """Lay out one chapter: pieces (cut for sentence gaps), paragraph and heading gaps, and its cues.

    Every piece must already be in ``fmt`` (see ``pieces.convert_pieces``). Empty pieces take no gap.
    ``with_cues=False`` when no subtitles are wanted: a 50-hour book's cues are ~40,000 objects, twice.
    """
    rate = fmt.sample_rate
    spans: list[Span] = []
    cues: list[TimedCue] = []
    position = 0
    previous_kind: str | None = None
    previous_pause: int | None = None
    for piece in pieces:
        info = inspection.info(piece.path)
        if info.format != fmt:
            raise AudioError(f"piece is {info.format}, not {fmt}: convert it first", path=piece.path)
        frames = info.frames
        if frames <= 0:
            continue
        if previous_kind is not None:
            after = gaps.heading_ms if previous_kind == "title" else gaps.paragraph_ms
            if previous_pause is not None and previous_kind != "title":
                after = min(max(0, previous_pause), MAX_GAP_MS)  # the author's pause after that paragraph
            gap = ms_to_frames(after, rate)
            if gap > 0:
                spans.append(Span(None, 0, gap))
                position += gap
        source = inspection.source(piece.path)
        duration_ms = frames * 1000.0 / rate
        sentences = _clean_sentences(piece.timed_sentences(duration_ms), duration_ms)
        cuts, gap_frames, segment_of = _piece_cuts(piece, sentences, source, fmt, frames, gaps)
        bounds = [0, *cuts, frames]
        segment_starts: list[int] = []
        for j in range(len(bounds) - 1):
            if j > 0:
                spans.append(Span(None, 0, gap_frames[j - 1]))
                position += gap_frames[j - 1]
            segment_starts.append(position)
            spans.append(Span(source, bounds[j], bounds[j + 1] - bounds[j]))
            position += bounds[j + 1] - bounds[j]

        def place(ms: float, segment: int, bounds: list[int] = bounds, starts: list[int] = segment_starts) -> int:
            frame = min(max(ms_to_frames(ms, rate), bounds[segment]), bounds[segment + 1])
            return starts[segment] + frame - bounds[segment]

        for sentence, segment in zip(sentences, segment_of, strict=True):
            text = sentence.text.strip()
            if text and with_cues:
                cues.append(TimedCue(text, place(sentence.begin_ms, segment), place(sentence.end_ms, segment)))
        if not sentences and piece.text.strip() and with_cues:
            cues.append(TimedCue(piece.text.strip(), segment_starts[0], position))
        previous_kind, previous_pause = piece.kind, piece.pause_after_ms
    return ChapterLayout(index, title, spans, position, cues)


# -- from chapters to output files --------------------------------------------------------------------------

def layout_output(chapters: Sequence[ChapterLayout], fmt: PcmFormat, *, chapter_gap_ms: int,
                  grid: int = 1, shorten: bool = False) -> Timeline:
    """Join chapters with the chapter gap; with ``grid`` > 1 each gap is lengthened (by less than one grid
    step) so every chapter starts on a multiple of ``grid`` frames, or with ``shorten`` shortened (the AAC
    frame grid: a part never grows past its length limit). The first chapter starts at 0."""
    gap = ms_to_frames(chapter_gap_ms, fmt.sample_rate)
    spans: list[Span] = []
    marks: list[ChapterSpan] = []
    cues: list[TimedCue] = []
    position = 0
    starts: list[int] = []
    for n, chapter in enumerate(chapters):
        if n > 0:
            pad = gap - (position + gap) % grid if shorten and gap >= grid else gap + (-(position + gap)) % grid
            if pad > 0:
                spans.append(Span(None, 0, pad))
                position += pad
        starts.append(position)
        spans.extend(chapter.spans)
        cues.extend(TimedCue(c.text, c.start + position, c.end + position) for c in chapter.cues)
        position += chapter.frames
    ends = [*starts[1:], position]
    for chapter, start, end in zip(chapters, starts, ends, strict=True):
        marks.append(ChapterSpan(chapter.index, chapter.title, start, end))
    return Timeline(fmt, spans, marks, cues, position)


def split_parts(lengths: Sequence[int], gap: int, max_frames: int | None,
                max_chapters: int | None = None) -> list[list[int]]:
    """Group consecutive chapters into as few parts as the limits allow, as evenly as possible.

    A part is never longer than ``max_frames`` (chapters plus the gaps between them) unless a single
    chapter is longer by itself; it then forms a part alone, whole. Balancing: the fewest parts are
    found greedily, then the smallest length limit that still needs no more parts is searched for, so a
    5.1-hour book split at 5 hours gives two parts of ~2.5 hours instead of 5 h + 6 min.
    """
    if not lengths:
        return []

    def greedy(limit: int, cap: int | None) -> list[list[int]]:
        parts: list[list[int]] = [[]]
        size = 0
        for i, length in enumerate(lengths):
            grown = size + (gap if parts[-1] else 0) + length
            full = cap is not None and len(parts[-1]) >= cap
            if parts[-1] and (grown > limit or full):
                parts.append([])
                grown = length
            parts[-1].append(i)
            size = grown
        return parts

    if max_frames is None:
        if max_chapters is None:
            return [list(range(len(lengths)))]
        max_frames = sum(lengths) + gap * len(lengths)
    parts = greedy(max_frames, max_chapters)
    if len(parts) == 1:
        return parts
    count = len(parts)
    caps: list[int | None] = [max_chapters]
    if max_chapters is not None:  # even chapter counts too: 120 chapters -> 60 + 60, not 99 + 21
        caps.insert(0, min(max_chapters, -(-len(lengths) // count)))
    for cap in caps:
        lo, hi = max(lengths), max(max_frames, max(lengths))
        if len(greedy(hi, cap)) > count:
            continue
        while lo < hi:
            mid = (lo + hi) // 2
            if len(greedy(mid, cap)) <= count:
                hi = mid
            else:
                lo = mid + 1
        return greedy(lo, cap)
    return parts
