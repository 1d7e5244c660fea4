"""Book files from chapter chunks: encode every chunk on a pool (``jobs`` at once), join, mux.

The final step of an M4B/M4A or MP3 book no longer encodes anything: it joins encoded chapters and writes
the container, chapters, tags and cover around them (a few seconds for a long book): MP3 by ``mp3_join``
and mutagen, MP4 by our own writer (``mp4_writer``), which reads the chunks directly (no joined copy) and
keeps its memory flat however long the book.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from studio.audio.aac_join import AAC_FRAME
from studio.audio.book_meter import BookMeter, ChapterLoudness
from studio.audio.chunk_encode import (
    Chunk,
    ChunkResult,
    ChunkSettings,
    PreparedChunk,
    chunk_key,
    finish_chunk,
    plan_chunks,
    prepare_chunk,
    sweep_partials,
)
from studio.audio.chunks_ahead import ChunksAhead
from studio.audio.encode import EncodeJob, EncodeOutcome
from studio.audio.export_stamp import KEY as EXPORT_STAMP_KEY
from studio.audio.loudness import GainPlan, LoudnessTarget
from studio.audio.mp3_join import frame_samples, join_mp3, min_chapter_gap, plan_mp3_chunks
from studio.audio.mp4_movie import BookContent
from studio.audio.mp4_writer import write_mp4
from studio.audio.parallel import run_all_or_stop
from studio.audio.progress import ProgressBar
from studio.audio.tags import ffmpeg_tags, write_mp3_with_id3
from studio.audio.timeline import Timeline, ms_to_frames
from studio.audio.unit_loudness import UnitStore
from studio.core.errors import CancelledError

#: Where a chapter cache keeps its units' loudness measurements (``unit_loudness``).
UNITS_DIR = "units"
#: Encodes that ran (not taken from the cache) in this process, by codec: tests and benchmarks read it.
ENCODED_CHUNKS = Counter[str]()


def chunk_codec(format_name: str, chapter_gap_ms: int, rate: int) -> str | None:
    """The codec a book file of this format is encoded in chapter by chapter ("aac", "mp3"), or None when it
    is encoded in one pass: FLAC/WAV, or a chapter gap too short to hold an exact join."""
    gap = ms_to_frames(chapter_gap_ms, rate)
    if format_name in ("m4b", "m4a") and gap >= 3 * AAC_FRAME:
        return "aac"
    if format_name == "mp3" and gap >= min_chapter_gap(rate):
        return "mp3"
    return None


def chunk_grid(codec: str, rate: int) -> int:
    """The frame grid every chapter of a chunked book starts on."""
    return frame_samples(rate) if codec == "mp3" else AAC_FRAME


def plan_book_chunks(codec: str, timeline: Timeline) -> list[Chunk] | None:
    return plan_mp3_chunks(timeline) if codec == "mp3" else plan_chunks(timeline)


@dataclass(frozen=True, slots=True)
class _Encoded:
    """What the mux and the report need of a finished chunk: its file, its gain stage (the notes a report
    repeats only) and its figures (``book_meter``), not its meter's 100 ms log, so that what an export holds
    does not grow with the length of the book."""

    path: Path
    samples: int
    plan: GainPlan
    loudness: ChapterLoudness
    normalization: str


def _retry_notes(plan: GainPlan) -> GainPlan:
    return replace(plan, measured=None, notes=tuple(n for n in plan.notes if "encoded again" in n))


def book_plan(results: Sequence[_Encoded], target: LoudnessTarget | None) -> GainPlan:
    """One line for the report: the chapters' gain stages summed up (limited if any chapter was)."""
    if target is None:
        return GainPlan("none", None)
    modes = [r.plan.mode for r in results]
    mode = "limited" if "limited" in modes else ("linear" if "linear" in modes else modes[0] if modes else "silent")
    gains = [r.plan.gain_db for r in results if r.plan.mode in ("linear", "limited", "dynamic")]
    notes = [f"loudness normalized per chapter ({len(results)} chapters, gains "
             f"{min(gains):+.1f} to {max(gains):+.1f} dB)" if gains else "loudness normalized per chapter"]
    limits = [r.plan.limit_db for r in results if r.plan.limit_db is not None]
    return GainPlan(mode, target, None, sum(gains) / len(gains) if gains else 0.0,
                    min(limits) if limits else None, notes=tuple(notes))


def encode_chunked(outputs: Sequence[tuple[EncodeJob, list[Chunk]]], settings: ChunkSettings,
                   identity: Callable[[Path], str], cache_dir: Path | None, work: Path, workers: int,
                   stop: threading.Event, bar: ProgressBar, start: float, end: float,
                   ) -> list[tuple[EncodeOutcome, GainPlan]]:
    """Encode (or reuse) every chunk of every output, largest first on ``workers`` threads, then mux each
    output. The first failure stops the other encodes; a cancel kills every running ffmpeg."""
    folder = cache_dir if cache_dir is not None else work / "chunks"
    folder.mkdir(parents=True, exist_ok=True)
    sweep_partials(folder)
    sweep_partials(folder / UNITS_DIR)  # the same naming: .HASH.PID.THREAD.json
    store = UnitStore(folder / UNITS_DIR if cache_dir is not None else None, identity, settings.format)
    jobs = [(o, chunk) for o, (_, chunks) in enumerate(outputs) for chunk in chunks]
    mux_share = 0.03
    callbacks = bar.parallel(start, start + (end - start) * (1 - mux_share), [c.samples + 1 for _, c in jobs])
    keys = [chunk_key(chunk, settings, identity) for _, chunk in jobs]
    order = sorted(range(len(jobs)), key=lambda i: -jobs[i][1].samples)  # longest first: the shortest wall time
    meters = [BookMeter() for _ in outputs]
    rate = settings.format.sample_rate
    for _, chunk in jobs:
        store.expect(_units(chunk))

    def prepare(i: int) -> PreparedChunk:
        return prepare_chunk(jobs[i][1], settings, keys[i], folder, stop=stop, store=store, scratch=work)

    ahead = ChunksAhead(prepare, stop)

    def one(i: int) -> _Encoded:
        if stop.is_set():
            raise CancelledError("export cancelled")
        o, chunk = jobs[i]
        try:
            result = finish_chunk(ahead.take(i), chunk, settings, keys[i], folder, stop=stop,
                                  progress_cb=callbacks[i])
        finally:
            store.release(_units(chunk))
        if not result.cached:
            ENCODED_CHUNKS[settings.codec] += 1
        return _encoded(result, chunk, outputs[o][0], meters[o], rate)

    try:
        done = run_all_or_stop([partial(one, i) for i in order], workers, stop,
                               ahead=lambda n: ahead.start(order[n]))
    finally:
        ahead.close()
    results: dict[int, _Encoded] = dict(zip(order, done, strict=True))
    outcomes = []
    index = 0
    for n, (job, chunks) in enumerate(outputs):
        mine = [results[index + k] for k in range(len(chunks))]
        index += len(chunks)
        outcomes.append(_mux(job, chunks, mine, meters[n], settings, work / f"joined-{n}{settings.suffix}", stop))
        bar.report(start + (end - start) * (1 - mux_share * (len(outputs) - n - 1) / len(outputs)))
    return outcomes


def _units(chunk: Chunk) -> list[Path]:
    return [s.path for s in chunk.spans if s.path is not None]


def _encoded(result: ChunkResult, chunk: Chunk, job: EncodeJob, meter: BookMeter, rate: int) -> _Encoded:
    chapter = job.timeline.chapters[chunk.index]
    origin = chunk.start - chunk.preroll  # where the chunk's meter starts in the file
    figures = meter.add(result.meter, ((chapter.start - origin) / rate, (chapter.end - origin) / rate))
    return _Encoded(result.path, result.samples, _retry_notes(result.plan), figures, result.normalization)


def _mux(job: EncodeJob, chunks: Sequence[Chunk], results: Sequence[_Encoded], meter: BookMeter,
         settings: ChunkSettings, joined: Path, stop: threading.Event) -> tuple[EncodeOutcome, GainPlan]:
    rate = settings.format.sample_rate
    if settings.codec == "mp3":
        _write_mp3(job, results, rate, joined, stop)
    else:
        _write_mp4(job, results, rate, stop)
    parts = [((c.start - c.preroll) / rate, c.samples / rate, r.loudness) for c, r in zip(chunks, results, strict=True)]
    normalizations = {r.normalization for r in results}
    normalization = normalizations.pop() if len(normalizations) == 1 else "per chapter"
    plan = book_plan(results, settings.target)
    notes = tuple(n for r in results for n in r.plan.notes)  # only the "encoded again" ones are kept (_retry_notes)
    stamped = settings.codec == "aac" and job.stamp is not None
    return EncodeOutcome(meter.joined(parts), None, normalization, stamped), GainPlan(
        plan.mode, plan.target, plan.measured, plan.gain_db, plan.limit_db, notes=(*plan.notes, *notes))


def _write_mp3(job: EncodeJob, results: Sequence[_Encoded], rate: int, joined: Path,
               stop: threading.Event) -> None:
    """The joined frames behind one exact Info frame (``mp3_join``), then our ID3 tag in front (chapters)."""
    timeline = job.timeline
    audio = job.dest.with_name(job.dest.name + ".audio")
    try:
        join_mp3([(r.path, r.samples) for r in results], rate, timeline.total_frames, joined, audio, stop)
        write_mp3_with_id3(audio, job.dest, job.info, chapters=timeline.chapters if job.chapter_marks else (),
                           rate=rate, duration_frames=timeline.total_frames, title=job.title, track=job.track,
                           cover=job.cover)
    finally:
        audio.unlink(missing_ok=True)


def _write_mp4(job: EncodeJob, results: Sequence[_Encoded], rate: int, stop: threading.Event) -> None:
    """The chunks' AAC frames into one MP4 by our own writer (``mp4_writer``: ffmpeg's muxer would hold ~85
    bytes per frame, 359 MB for a 55-hour book), with the chapters, tags, cover and export stamp."""
    chapters = [(c.start, c.title) for c in job.timeline.chapters] if job.chapter_marks else []
    content = BookContent(b"M4B " if job.spec.name == "m4b" else b"M4A ", rate, job.timeline.total_frames,
                          chapters, ffmpeg_tags(job.info, job.spec.name, title=job.title, track=job.track),
                          job.cover if job.spec.cover == "ffmpeg" else None,
                          [(EXPORT_STAMP_KEY, job.stamp)] if job.stamp is not None else [])
    write_mp4([(r.path, r.samples) for r in results], job.dest, content, stop=stop)


def workers_for(jobs: int | None) -> int:
    return max(1, jobs or os.cpu_count() or 1)
