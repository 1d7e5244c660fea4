"""Rendered pieces as the audio layer receives them, and getting them all into one PCM format.

A piece is one rendered unit's audio file (FLAC in the render cache, WAV in caches from before decision 0015
and for converted pieces) plus what the engine said about its timing (sentence and word
timestamps, relative to the piece). Timestamps are in milliseconds, so they survive resampling unchanged;
frame positions are derived from them only once the export format is known.

Pieces arrive in whatever the engines produced (8-48 kHz, mono or stereo, 8-32 bit, sometimes not even a
WAV the ``wave`` module reads). ``inspect_pieces`` reads every header once (a FLAC's STREAMINFO is as exact
as a WAV header, so FLAC pieces in the export format are read in place, never converted); ``convert_pieces``
re-encodes the odd ones with ffmpeg (in parallel, one process per piece) and reads their *real* length back, so every
later frame count is exact rather than predicted from a resampling ratio.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from studio.audio.errors import AudioError, DiskFullError
from studio.audio.ffmpeg import ProgressCallback, run_ffmpeg
from studio.audio.wavinfo import PcmFormat, WavInfo, read_audio_info, read_wav_info
from studio.core.errors import CancelledError

log = logging.getLogger("studio.audio.pieces")

#: Characters that end a sentence when sentences have to be rebuilt from word (or character) timestamps.
SENTENCE_END_CHARS = frozenset("。！？!?；;…")
_CLOSING = frozenset("”’\"'）)】]」』》")


@dataclass(frozen=True)
class TimedText:
    """A span of a piece's audio and the text spoken in it; ``paragraph`` indexes the unit's paragraphs."""

    text: str
    begin_ms: float
    end_ms: float
    paragraph: int = 0


@dataclass(frozen=True)
class Piece:
    """One rendered unit: its audio file and, when the engine gave them, its timestamps.

    ``kind`` is ``"paragraph"`` for book text and ``"title"`` for a spoken chapter title (followed by the
    heading gap instead of the paragraph gap). ``text`` is the fallback subtitle when the engine returned
    no timestamps at all (one line per paragraph of the unit). A unit of several paragraphs may carry the
    engine's ``paragraph_offsets_ms`` and the pause the engine already put between them
    (``paragraph_gap_in_audio_ms``), so the paragraph gap comes out the same inside and between units.
    """

    path: Path
    sentences: tuple[TimedText, ...] = ()
    words: tuple[TimedText, ...] = ()
    text: str = ""
    kind: str = "paragraph"
    paragraph_offsets_ms: tuple[float, ...] = ()
    paragraph_gap_in_audio_ms: int = 0
    #: Silence after this piece instead of the paragraph gap (the author's pause after the paragraph); None: the gap.
    pause_after_ms: int | None = None

    def timed_sentences(self, duration_ms: float | None = None) -> tuple[TimedText, ...]:
        """Sentence spans: the engine's own, else rebuilt from word timestamps (Baidu's per character),
        else one span per paragraph from the paragraph offsets (needs ``duration_ms`` for the last one)."""
        if self.sentences:
            return self.sentences
        if self.words:
            return sentences_from_words(self.words)
        lines = self.text.split("\n")
        offsets = self.paragraph_offsets_ms
        if len(offsets) >= 2 and len(lines) == len(offsets) and duration_ms is not None:
            ends = [*offsets[1:], duration_ms]
            return tuple(TimedText(line, begin, end, n)
                         for n, (line, begin, end) in enumerate(zip(lines, offsets, ends, strict=True)))
        return ()


def as_piece(item: Path | str | Piece) -> Piece:
    """Callers may hand plain paths (no timestamps); everything downstream works on ``Piece``."""
    return item if isinstance(item, Piece) else Piece(Path(item))


def sentences_from_words(words: Sequence[TimedText]) -> tuple[TimedText, ...]:
    """Group word/character timestamps into sentences at sentence-ending punctuation or paragraph changes."""
    sentences: list[TimedText] = []
    group: list[TimedText] = []

    def close() -> None:
        if group:
            text = "".join(w.text for w in group)
            sentences.append(TimedText(text, group[0].begin_ms, group[-1].end_ms, group[0].paragraph))
            group.clear()

    for word in words:
        if group and word.paragraph != group[-1].paragraph:
            close()
        trailing = word.text.strip() and all(ch in _CLOSING or ch in SENTENCE_END_CHARS for ch in word.text.strip())
        if trailing and not group and sentences and sentences[-1].paragraph == word.paragraph:
            last = sentences[-1]  # a closing quote after "！": it belongs to the sentence it closes
            sentences[-1] = TimedText(last.text + word.text, last.begin_ms, word.end_ms, last.paragraph)
            continue
        group.append(word)
        stripped = word.text.rstrip()
        while stripped and stripped[-1] in _CLOSING:
            stripped = stripped[:-1]
        if stripped and stripped[-1] in SENTENCE_END_CHARS:
            close()
    close()
    return tuple(sentences)


@dataclass
class Inspection:
    """What the piece headers say: readable WAV/FLAC pieces with their format, and files only ffmpeg can read."""

    readable: dict[Path, WavInfo]
    unreadable: list[Path]
    #: piece -> "chapter 2 (title), piece 3", for messages that point the user at the right place
    where: dict[Path, str]
    converted: dict[Path, Path] = field(default_factory=dict)

    def info(self, piece: Path) -> WavInfo:
        """The (possibly converted) file to read for ``piece``, with its exact format and length."""
        return self.readable[piece]

    def source(self, piece: Path) -> Path:
        return self.converted.get(piece, piece)

    def formats(self) -> list[PcmFormat]:
        return [info.format for info in self.readable.values()]


def inspect_pieces(chapters: Sequence[tuple[str, Sequence[Path]]]) -> Inspection:
    """Read every piece's header once (a piece used twice is read once). Missing or truncated: error."""
    if not chapters:
        raise AudioError("nothing to stitch: the book has no chapters")
    for index, (title, pieces) in enumerate(chapters, 1):
        if not pieces:
            raise AudioError(f"chapter {index} ({title!r}) has no audio pieces")
    readable: dict[Path, WavInfo] = {}
    unreadable: list[Path] = []
    where: dict[Path, str] = {}
    for c_index, (title, pieces) in enumerate(chapters, 1):
        for p_index, piece in enumerate(pieces, 1):
            if piece in where:
                continue
            where[piece] = f"chapter {c_index} ({title}), piece {p_index}"
            if not piece.is_file():
                raise AudioError(f"audio piece of {where[piece]} is missing", path=piece)
            try:
                readable[piece] = read_audio_info(piece)
            except AudioError as exc:
                if "truncated" in exc.message:
                    raise AudioError(f"{exc.message} ({where[piece]})", path=piece) from exc
                unreadable.append(piece)
    return Inspection(readable, unreadable, where)


def convert_piece(src: Path, dest: Path, fmt: PcmFormat, *,
                  cancel_event: threading.Event | None = None) -> WavInfo:
    """Re-encode one piece to ``fmt`` with ffmpeg; the result's exact length is read back, not predicted."""
    try:
        run_ffmpeg(["-i", str(src), "-map", "0:a:0", "-ar", str(fmt.sample_rate), "-ac", str(fmt.channels),
                    "-c:a", fmt.pcm_codec, "-f", "wav", str(dest)], cancel_event=cancel_event)
    except DiskFullError:
        raise  # the scratch folder is full: not the piece's fault
    except AudioError as exc:
        raise AudioError("cannot read this audio piece", path=src, stderr_tail=exc.stderr_tail) from exc
    return read_wav_info(dest)


def convert_pieces(inspection: Inspection, fmt: PcmFormat, work_dir: Path, *,
                   cancel_event: threading.Event | None = None, progress_cb: ProgressCallback | None = None,
                   workers: int | None = None) -> None:
    """Convert every piece not already in ``fmt`` into ``work_dir/converted`` and update ``inspection``.

    Conversions run ``workers`` at a time (default: the CPU count); progress is by bytes. When several
    fail, the error names the first failing piece in book order, so the message does not depend on timing.
    """
    odd = [p for p, info in inspection.readable.items() if info.format != fmt] + inspection.unreadable
    if not odd:
        return
    if cancel_event is not None and cancel_event.is_set():
        raise CancelledError("cancelled while converting pieces")
    log.info("converting %d pieces to %s", len(odd), fmt)
    conv_dir = work_dir / "converted"
    conv_dir.mkdir(exist_ok=True)
    sizes = {p: max(p.stat().st_size, 1) for p in odd}
    total, done = sum(sizes.values()), 0
    lock = threading.Lock()
    stop = threading.Event()

    def relay(caller: threading.Event) -> None:
        # ``stop`` serves both the caller's cancel and our own stop-after-the-first-failure
        while not stop.is_set():
            if caller.wait(0.05):
                stop.set()

    def one(n: int, piece: Path) -> tuple[Path, Path, WavInfo]:
        nonlocal done
        if stop.is_set():
            raise CancelledError("cancelled while converting pieces")
        dest = conv_dir / f"{n:05d}.wav"
        try:
            info = convert_piece(piece, dest, fmt, cancel_event=stop)
        except DiskFullError:
            raise
        except AudioError as exc:
            raise AudioError(f"cannot read the audio piece of {inspection.where[piece]}", path=piece,
                             stderr_tail=exc.stderr_tail) from exc
        with lock:
            done += sizes[piece]
            if progress_cb is not None:
                progress_cb(done / total)
        return piece, dest, info

    watcher = None
    if cancel_event is not None:
        watcher = threading.Thread(target=relay, args=(cancel_event,), name="convert-cancel", daemon=True)
        watcher.start()
    try:
        with ThreadPoolExecutor(max_workers=max(1, workers or os.cpu_count() or 1),
                                thread_name_prefix="convert") as pool:
            futures = [pool.submit(one, n, piece) for n, piece in enumerate(odd)]
            finished, _ = wait(futures, return_when=FIRST_EXCEPTION)
            if any(f.exception() is not None for f in finished):
                stop.set()
            wait(futures)
    finally:
        stop.set()
        if watcher is not None:
            watcher.join(timeout=1)
    if cancel_event is not None and cancel_event.is_set():
        raise CancelledError("cancelled while converting pieces")
    errors = [f.exception() for f in futures if f.exception() is not None]
    real = [e for e in errors if not isinstance(e, CancelledError)]
    if real or errors:
        raise (real or errors)[0]  # type: ignore[misc]
    for future in futures:
        piece, dest, info = future.result()
        inspection.readable[piece] = info
        inspection.converted[piece] = dest
    inspection.unreadable = []


def export_format(formats: Sequence[PcmFormat], *, sample_rate: int | None = None, channels: int | None = None,
                  allowed_rates: Sequence[int] | None = None, max_rate: int = 48_000) -> PcmFormat:
    """The one format the whole book is stitched in: 16-bit, the highest input rate (capped at ``max_rate``)
    unless ``sample_rate`` is given, the most channels (at most 2) unless ``channels`` is given.

    Upsampling the lower-rate pieces loses nothing; downsampling the best voice would. A rate the codec
    cannot take is raised to the next one it can (``allowed_rates``), so the encoder never resamples and
    the frame counts we computed stay the frame counts that get encoded.
    """
    rate = sample_rate or min(max((f.sample_rate for f in formats), default=22_050), max_rate)
    if allowed_rates:
        rate = next((r for r in sorted(allowed_rates) if r >= rate), max(allowed_rates))
    chans = channels or min(max((f.channels for f in formats), default=1), 2)
    return PcmFormat(rate, chans, 2)

