"""AAC books encoded one chapter per ffmpeg process, every core busy, joined without re-encoding.

Why chapters: a chapter ends in the chapter gap, digital silence, which is where AAC chunks can be joined
exactly (``aac_join``); chapters are also the unit an edit touches, so an encoded chapter is worth keeping
(``cache_dir``, keyed by the chapter's audio and every setting that shapes its encode): re-exporting a book
with one paragraph changed encodes that paragraph's chapter only.

Loudness is normalized **per chapter**: each chunk combines its units' stored measurements (``unit_loudness``:
no decode of the chapter before its encode) and decides its gain stage (``chunk_gain``: a plain ``volume``
gain, or a limiter whose loudness loss is predicted from the same stored figures, ``limiter_loss``). The encode
meters only what the stored figures cannot know: nothing behind a pure gain (its loudness and true peaks are
its units' plus the gain), the loudness behind the limiter (``ebur128`` without its costly true-peak
oversampling), which also checks the prediction: a limited chunk that misses the target is encoded again. That is the
audiobook norm (retailers check loudness per file, and a chapter file is a file), it needs no pass over the
whole book before the first encode can start, and a changed chapter leaves every other chapter's gain, and so
its encoded audio, unchanged. The book's figures are combined from the chapters' meters (``book_meter``):
BS.1770's gating over all 400 ms blocks, the highest true peak.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import itertools
import json
import logging
import math
import os
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from studio.audio.aac_join import AAC_FRAME, PREROLL, SILENT_TAIL
from studio.audio.chunk_gain import complete_meter, gain_chain, loudness_retry, plan_chunk_gain
from studio.audio.decode_ahead import ChapterPcm, decoded
from studio.audio.errors import AudioError
from studio.audio.ffmpeg import ProgressCallback, run_ffmpeg_ex
from studio.audio.loudness import (
    LOSSY_VERIFY_MARGIN_DB,
    Ebur128Log,
    GainPlan,
    LoudnessSummary,
    LoudnessTarget,
)
from studio.audio.pieces import Inspection
from studio.audio.timeline import Span, Timeline
from studio.audio.unit_loudness import SpanLoudness, UnitStore
from studio.audio.wavinfo import PcmFormat

log = logging.getLogger("studio.audio.chunk_encode")

#: Bump when anything about how a chunk is encoded changes: older cached chapters are then ignored.
CACHE_VERSION = 3
#: How many times a limited chunk that missed its loudness target is encoded again (``chunk_gain.loudness_retry``).
LOUDNESS_RETRIES = 2
#: Chunks encoded (not found in a cache) by this process, by codec (not by key: a long-lived process would keep
#: every key it ever encoded): tests and benchmarks read it.
ENCODES = Counter[str]()


@dataclass(frozen=True)
class Chunk:
    """One chapter of an output file and the gap after it: frames [start, end) of the file's timeline,
    encoded with ``preroll`` frames of the silence before it in front (see ``aac_join``), or without the
    gap's last ``trim`` frames, which an MP3 encoder's delay and padding fill (see ``mp3_join``)."""

    index: int
    start: int
    end: int
    preroll: int
    spans: tuple[Span, ...]
    trim: int = 0

    @property
    def samples(self) -> int:
        return self.preroll + self.end - self.start - self.trim


@dataclass(frozen=True)
class ChunkSettings:
    """Everything besides the audio that shapes a chunk's encode (part of its cache key)."""

    format: PcmFormat
    bitrate: str
    target: LoudnessTarget | None
    allow_dynamic: bool
    stats: bool
    #: "aac" (ADTS, joined by ``aac_join``) or "mp3" (libmp3lame without an Info frame, ``mp3_join``)
    codec: str = "aac"

    @property
    def suffix(self) -> str:
        return ".mp3" if self.codec == "mp3" else ".aac"


@dataclass
class ChunkResult:
    path: Path
    samples: int
    plan: GainPlan
    meter: Ebur128Log
    normalization: str
    cached: bool


def slice_spans(spans: Sequence[Span], start: int, end: int) -> list[Span]:
    """The part of a span list that covers frames [start, end) of its timeline."""
    out: list[Span] = []
    position = 0
    for span in spans:
        lo, hi = max(start, position), min(end, position + span.frames)
        if lo < hi:
            out.append(Span(span.path, span.start + lo - position if span.path else 0, hi - lo))
        position += span.frames
        if position >= end:
            break
    return out


class SpanIndex:
    """A timeline's spans with the frame each starts at, so that cutting it into chapters costs each cut its
    own spans only: ``slice_spans`` for every chapter of a 3,000-chapter book walks 25,000 spans 6,000 times."""

    def __init__(self, spans: Sequence[Span]) -> None:
        self.spans = spans
        self.starts = list(itertools.accumulate((s.frames for s in spans), initial=0))

    def slice(self, start: int, end: int) -> list[Span]:
        """``slice_spans(spans, start, end)``."""
        out: list[Span] = []
        for k in range(max(0, bisect.bisect_right(self.starts, start) - 1), len(self.spans)):
            position, span = self.starts[k], self.spans[k]
            if position >= end:
                break
            lo, hi = max(start, position), min(end, position + span.frames)
            if lo < hi:
                out.append(Span(span.path, span.start + lo - position if span.path else 0, hi - lo))
        return out


def plan_chunks(timeline: Timeline) -> list[Chunk] | None:
    """One chunk per chapter, or None when the timeline cannot be cut exactly: a chapter that does not
    start on the AAC frame grid, or a chapter gap shorter than the silence a join needs."""
    starts = [c.start for c in timeline.chapters]
    if not starts or starts[0] != 0 or any(s % AAC_FRAME for s in starts):
        return None
    ends = [*starts[1:], timeline.total_frames]
    chunks: list[Chunk] = []
    index = SpanIndex(timeline.spans)
    for n, (start, end) in enumerate(zip(starts, ends, strict=True)):
        if n + 1 < len(starts) and any(s.path is not None for s in index.slice(end - SILENT_TAIL, end)):
            return None
        preroll = PREROLL if n > 0 else 0
        chunks.append(Chunk(n, start, end, preroll, tuple(index.slice(start - preroll, end))))
    return chunks


def chunk_key(chunk: Chunk, settings: ChunkSettings, identity: Callable[[Path], str]) -> str:
    """Content hash of a chunk's encode: its audio (each piece by ``identity``: path, size, mtime), the
    pre-roll, the format and every setting. Equal keys give equal files, so the file can be reused."""
    target = settings.target
    fields = {
        "version": CACHE_VERSION, "preroll": chunk.preroll,
        "format": [settings.format.sample_rate, settings.format.channels, settings.format.sample_width],
        "bitrate": settings.bitrate, "allow_dynamic": settings.allow_dynamic, "stats": settings.stats,
        "target": None if target is None else [target.integrated_lufs, target.true_peak_dbtp],
        "spans": [[identity(s.path) if s.path else None, s.start, s.frames] for s in chunk.spans],
    }
    if settings.codec != "aac":  # AAC keys stay what they were, so chapters cached before remain valid
        fields |= {"codec": settings.codec, "trim": chunk.trim}
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode("utf-8")).hexdigest()


def piece_identity(inspection: Inspection) -> Callable[[Path], str]:
    """How an encoded-chapter cache key names a piece: the file it came from (a converted piece by its
    original), with size and modification time, so a changed file is never mistaken for the old one."""
    originals = {converted: original for original, converted in inspection.converted.items()}

    def identity(path: Path) -> str:
        source = originals.get(path, path)
        st = source.stat()
        return f"{source}|{st.st_size}|{st.st_mtime_ns}{'|converted' if path in originals else ''}"

    return identity


# -- one chunk ---------------------------------------------------------------------------------------------



def _encode(chunk: Chunk, settings: ChunkSettings, plan: GainPlan, measured: SpanLoudness | None, dest: Path,
            stop: threading.Event, progress_cb: ProgressCallback | None, pcm: ChapterPcm) -> Ebur128Log:
    fmt = settings.format
    chain = ",".join(f for f in gain_chain(plan, measured, fmt.sample_rate, settings.stats) if f) or "anull"
    meter = Ebur128Log("meter")

    codec = (["-c:a", "libmp3lame", "-b:a", settings.bitrate, "-write_xing", "0", "-id3v2_version", "0", "-f", "mp3"]
             if settings.codec == "mp3" else ["-c:a", "aac", "-b:a", settings.bitrate, "-f", "adts"])
    source, feed = pcm.encoder_input(fmt, stop)  # the decoded chapter's file, or a pipe fed its spans
    run_ffmpeg_ex([*source, "-map", "0:a", "-af", chain, *codec, str(dest)],
                  feed=feed, stderr_cb=meter.feed, stderr_after=True,
                  loglevel="info", duration_hint_s=chunk.samples / fmt.sample_rate, progress_cb=progress_cb,
                  cancel_event=stop, output=dest)
    if measured is not None and plan.mode != "dynamic":
        complete_meter(meter, plan, measured, chunk.samples, fmt.sample_rate)
    return meter


def _plan_json(plan: GainPlan) -> dict[str, object]:
    m = plan.measured
    return {"mode": plan.mode, "gain_db": plan.gain_db, "limit_db": plan.limit_db,
            "peak_margin_db": plan.peak_margin_db, "notes": list(plan.notes),
            "measured": None if m is None else [m.integrated_lufs, m.threshold_lufs, m.lra_lu,
                                                m.peak_db if math.isfinite(m.peak_db) else None, m.peak_kind]}


def _plan_from_json(data: dict[str, object], target: LoudnessTarget | None) -> GainPlan:
    measured = data.get("measured")
    summary = None
    if isinstance(measured, list):
        peak = -math.inf if measured[3] is None else float(measured[3])
        summary = LoudnessSummary(float(measured[0]), float(measured[1]), float(measured[2]), peak, str(measured[4]))
    limit = data.get("limit_db")
    return GainPlan(str(data["mode"]), target, summary, float(data.get("gain_db", 0.0)),  # type: ignore[arg-type]
                    None if limit is None else float(limit),  # type: ignore[arg-type]
                    float(data.get("peak_margin_db", 0.0)),  # type: ignore[arg-type]
                    tuple(str(n) for n in data.get("notes", [])))  # type: ignore[attr-defined]


@dataclass
class PreparedChunk:
    """A chunk ready to encode: found in the cache (``cached``), or its PCM decoded (``pcm``) and its gain stage
    planned. Holds the decoded file until ``close`` (``finish_chunk`` closes it)."""

    cached: ChunkResult | None
    pcm: ChapterPcm | None = None
    plan: GainPlan | None = None
    measured: SpanLoudness | None = None
    resources: contextlib.ExitStack | None = None

    def close(self) -> None:
        if self.resources is not None:
            self.resources.close()


def prepare_chunk(chunk: Chunk, settings: ChunkSettings, key: str, folder: Path, *, stop: threading.Event,
                  store: UnitStore | None = None, scratch: Path | None = None) -> PreparedChunk:
    """Everything before a chunk's encode: the cached chunk if there is one, else its PCM decoded into
    ``scratch`` (default ``folder``, ``decode_ahead``) and its gain planned from its units' stored figures.
    Split from the encode so an export worker can prepare its next chapter while it encodes this one."""
    audio, sidecar = folder / f"{key}{settings.suffix}", folder / f"{key}.json"
    cached = _load(audio, sidecar, chunk, settings)
    if cached is not None:
        return PreparedChunk(cached)
    partial = _partial(folder, key, settings)
    with contextlib.ExitStack() as resources:
        pcm = resources.enter_context(decoded(chunk.spans, settings.format, scratch or folder,
                                              partial.with_suffix(".wav").name, stop))
        plan, measured = plan_chunk_gain(chunk.spans, settings.format, settings.target, settings.allow_dynamic,
                                         store or UnitStore(None, str, settings.format), stop)
        return PreparedChunk(None, pcm, plan, measured, resources.pop_all())


def finish_chunk(prepared: PreparedChunk, chunk: Chunk, settings: ChunkSettings, key: str, folder: Path, *,
                 stop: threading.Event, progress_cb: ProgressCallback | None = None) -> ChunkResult:
    """The prepared chunk encoded (or its cached result), its decoded PCM removed however the encode ends."""
    try:
        if prepared.cached is not None:
            if progress_cb is not None:
                progress_cb(1.0)
            return prepared.cached
        assert prepared.pcm is not None and prepared.plan is not None
        return _fresh(chunk, settings, key, folder / f"{key}{settings.suffix}", folder / f"{key}.json",
                      _partial(folder, key, settings), stop, progress_cb, prepared.plan, prepared.measured,
                      prepared.pcm)
    finally:
        prepared.close()


def encode_chunk(chunk: Chunk, settings: ChunkSettings, key: str, folder: Path, *, stop: threading.Event,
                 progress_cb: ProgressCallback | None = None, store: UnitStore | None = None,
                 scratch: Path | None = None) -> ChunkResult:
    """The chunk's ADTS (or MP3) file in ``folder`` (``<key>.aac``/``.mp3``, its meter and gain in ``<key>.json``):
    reused when a complete one is there, else measured, planned and encoded; written under a temporary
    name and renamed, so a killed export never leaves a half chunk that a later one would trust. A chapter
    read from FLAC is decoded into ``scratch`` (default ``folder``) first (``decode_ahead``)."""
    prepared = prepare_chunk(chunk, settings, key, folder, stop=stop, store=store, scratch=scratch)
    return finish_chunk(prepared, chunk, settings, key, folder, stop=stop, progress_cb=progress_cb)


def _partial(folder: Path, key: str, settings: ChunkSettings) -> Path:
    """Where a chunk is written before it is complete: named by process and thread (``sweep_partials``)."""
    return folder / f".{key}.{os.getpid()}.{threading.get_ident()}{settings.suffix}"


def _fresh(chunk: Chunk, settings: ChunkSettings, key: str, audio: Path, sidecar: Path, partial: Path,
           stop: threading.Event, progress_cb: ProgressCallback | None, plan: GainPlan,
           measured: SpanLoudness | None, pcm: ChapterPcm) -> ChunkResult:
    try:
        meter = _encode(chunk, settings, plan, measured, partial, stop, progress_cb, pcm)
        summary = meter.summary()
        if plan.target is not None and plan.mode in ("linear", "limited") and summary is not None \
                and summary.peak_kind == "true":
            ceiling = plan.target.true_peak_dbtp - LOSSY_VERIFY_MARGIN_DB
            if summary.peak_db > ceiling + 0.05:  # as export._encode_checked: lower the limiter, encode again
                over = summary.peak_db - ceiling
                limit = (plan.limit_db if plan.limit_db is not None else ceiling) - over - 0.3
                plan = replace(plan, mode="limited", limit_db=limit,
                               notes=(*plan.notes, f"chapter {chunk.index + 1}: true peak {summary.peak_db:.2f} dBTP "
                                      f"over the ceiling; encoded again with true peaks limited to {limit:.1f} dBTP"))
                meter = _encode(chunk, settings, plan, measured, partial, stop, None, pcm)
        tried: list[tuple[float, float]] = []
        for _ in range(LOUDNESS_RETRIES):
            retry = loudness_retry(plan, measured, meter, chunk.index, tried)
            if retry is None:
                break
            plan = retry
            meter = _encode(chunk, settings, plan, measured, partial, stop, None, pcm)
        normalization = plan.mode
        if meter.loudnorm_json and "normalization_type" in meter.loudnorm_json:
            normalization = meter.loudnorm_json["normalization_type"]
        record = {"samples": chunk.samples, "plan": _plan_json(plan), "meter": meter.to_json(),
                  "normalization": normalization}
        partial_json = partial.with_suffix(".json")
        partial_json.write_text(json.dumps(record), encoding="utf-8")
        os.replace(partial, audio)
        os.replace(partial_json, sidecar)
    except OSError as exc:
        raise AudioError(f"cannot write an encoded chapter: {exc.strerror or exc}", path=audio) from exc
    finally:
        partial.unlink(missing_ok=True)
        partial.with_suffix(".json").unlink(missing_ok=True)
    ENCODES[settings.codec] += 1
    return ChunkResult(audio, chunk.samples, plan, meter, normalization, cached=False)


def sweep_partials(folder: Path) -> None:
    """Remove half-written chunks that killed processes left in ``folder`` (``.KEY.PID.THREAD.aac`` and its
    ``.json``); a live process's are kept."""
    if not folder.is_dir():
        return
    for path in folder.glob(".*.*.*.*"):
        parts = path.name.split(".")
        if len(parts) != 5 or not parts[2].isdigit():
            continue
        pid = int(parts[2])
        if pid == os.getpid():
            continue
        try:
            os.kill(pid, 0)
            continue  # alive (or not ours to signal): leave it
        except ProcessLookupError:
            path.unlink(missing_ok=True)
        except (PermissionError, OSError):
            continue


def _load(audio: Path, sidecar: Path, chunk: Chunk, settings: ChunkSettings) -> ChunkResult | None:
    """A cached chunk, if both files are there and agree with the chunk; anything odd means encode again."""
    try:
        if not audio.is_file():
            return None
        record = json.loads(sidecar.read_text(encoding="utf-8"))
        if record.get("samples") != chunk.samples:
            return None
        meter = Ebur128Log.from_json(record["meter"])
        plan = _plan_from_json(record["plan"], settings.target)
        os.utime(audio)  # recently used: what a cache trim would keep
        return ChunkResult(audio, chunk.samples, plan, meter, str(record.get("normalization", plan.mode)), cached=True)
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        log.info("encoded chapter %s not reused: %s", audio.name, exc)
        return None
