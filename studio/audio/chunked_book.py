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
from functools import partial
from pathlib import Path

from studio.audio.aac_join import AAC_FRAME
from studio.audio.chunk_encode import (
    Chunk,
    ChunkResult,
    ChunkSettings,
    JoinedMeter,
    chunk_key,
    encode_chunk,
    plan_chunks,
    sweep_partials,
)
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
#: Encodes that ran (not taken from the cache) in this process: tests and benchmarks read it.
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


def book_plan(results: Sequence[ChunkResult], target: LoudnessTarget | None) -> GainPlan:
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

    def one(i: int) -> ChunkResult:
        if stop.is_set():
            raise CancelledError("export cancelled")
        result = encode_chunk(jobs[i][1], settings, keys[i], folder, stop=stop, progress_cb=callbacks[i],
                              store=store, scratch=work)
        if not result.cached:
            ENCODED_CHUNKS[keys[i]] += 1
        return result

    done = run_all_or_stop([partial(one, i) for i in order], workers, stop)
    results: dict[int, ChunkResult] = dict(zip(order, done, strict=True))
    outcomes = []
    index = 0
    for n, (job, chunks) in enumerate(outputs):
        mine = [results[index + k] for k in range(len(chunks))]
        index += len(chunks)
        outcomes.append(_mux(job, chunks, mine, settings, work / f"joined-{n}{settings.suffix}", stop))
        bar.report(start + (end - start) * (1 - mux_share * (len(outputs) - n - 1) / len(outputs)))
    return outcomes


def _mux(job: EncodeJob, chunks: Sequence[Chunk], results: Sequence[ChunkResult], settings: ChunkSettings,
         joined: Path, stop: threading.Event) -> tuple[EncodeOutcome, GainPlan]:
    rate = settings.format.sample_rate
    if settings.codec == "mp3":
        _write_mp3(job, results, rate, joined, stop)
    else:
        _write_mp4(job, results, rate, stop)
    parts = [((c.start - c.preroll) / rate, c.samples / rate, r.meter) for c, r in zip(chunks, results, strict=True)]
    normalizations = {r.normalization for r in results}
    normalization = normalizations.pop() if len(normalizations) == 1 else "per chapter"
    plan = book_plan(results, settings.target)
    notes = tuple(n for r in results for n in r.plan.notes if "encoded again" in n)
    stamped = settings.codec == "aac" and job.stamp is not None
    return EncodeOutcome(JoinedMeter(parts), None, normalization, stamped), GainPlan(
        plan.mode, plan.target, plan.measured, plan.gain_db, plan.limit_db, notes=(*plan.notes, *notes))


def _write_mp3(job: EncodeJob, results: Sequence[ChunkResult], rate: int, joined: Path,
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


def _write_mp4(job: EncodeJob, results: Sequence[ChunkResult], rate: int, stop: threading.Event) -> None:
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
