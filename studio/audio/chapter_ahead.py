"""Encode one chapter of an M4B/M4A or MP3 book before the rest of the book exists (the render pipeline, issue 20).

A chapter's chunk (``chunk_encode``) depends only on the chapter itself: its pieces laid out with the
paragraph gaps, the chapter gap after it shortened to put the next chapter on the codec's frame grid (which
depends on this chapter's own length, since every chapter before starts on the grid too), and a pre-roll of
silence in front of every chapter but the first (MP3: and the end of the gap left to the codec's delay and
padding, ``mp3_join``). So it can be encoded as soon as its units are in the cache,
into the project's chapter cache, under exactly the key the final export will look for; the final export then
only joins and muxes. If anything turns out different at the end (another export rate because a later voice
has a higher one, say), the keys differ and the final export encodes those chapters itself: never wrong,
only slower.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from studio.audio.aac_join import PREROLL
from studio.audio.chunk_encode import Chunk, ChunkResult, ChunkSettings, chunk_key, encode_chunk, piece_identity
from studio.audio.chunked_book import UNITS_DIR, chunk_codec, chunk_grid
from studio.audio.export import ExportOptions
from studio.audio.mp3_join import JOIN_TRIM, PREROLL_FRAMES
from studio.audio.pieces import Piece, convert_pieces, export_format, inspect_pieces
from studio.audio.staging import scratch_folder
from studio.audio.timeline import Span, layout_chapter, ms_to_frames
from studio.audio.unit_loudness import UnitStore
from studio.audio.wavinfo import PcmFormat


def joins_chapters(options: ExportOptions) -> bool:
    """Whether the export joins encoded chapters into one file (and so whether encoding ahead can help it)."""
    return options.format in ("m4b", "m4a", "mp3") and options.split_hours is None


aac_book = joins_chapters  # the name callers knew before MP3 books were joined from chapters too


def predicted_format(pieces: Sequence[Piece], options: ExportOptions) -> PcmFormat:
    """The export format these pieces alone would give (``pieces.export_format``)."""
    inspection = inspect_pieces([("", [p.path for p in pieces])])
    return export_format(inspection.formats(), sample_rate=options.sample_rate, channels=options.channels,
                         allowed_rates=options.spec.sample_rates)


def encode_chapter_ahead(title: str, pieces: Sequence[Piece], fmt: PcmFormat, options: ExportOptions, *,
                         first: bool, last: bool, cache_dir: Path, temp_dir: Path | None = None,
                         cancel_event: threading.Event | None = None) -> ChunkResult | None:
    """Encode the chunk the final export will want for this chapter into ``cache_dir`` (or find it there).

    Returns None when the book cannot be joined from chunks at all (a chapter gap too short for an exact
    join): the final export then encodes in one pass, as before.
    """
    rate = fmt.sample_rate
    gap = ms_to_frames(options.gaps.chapter_ms, rate)
    codec = chunk_codec(options.format, options.gaps.chapter_ms, rate)
    if not joins_chapters(options) or codec is None:
        return None
    grid = chunk_grid(codec, rate)
    stop = cancel_event or threading.Event()
    scratch = scratch_folder(temp_dir)
    try:
        inspection = inspect_pieces([(title, [p.path for p in pieces])])
        convert_pieces(inspection, fmt, scratch.path, cancel_event=stop)
        layout = layout_chapter(0, title, list(pieces), inspection, fmt, options.gaps)
        preroll = 0 if first else PREROLL_FRAMES * grid if codec == "mp3" else PREROLL
        trim = JOIN_TRIM + PREROLL_FRAMES * grid if codec == "mp3" and not last else 0
        spans: list[Span] = [Span(None, 0, preroll)] if preroll else []
        spans += layout.spans
        trailing = 0 if last else gap - (layout.frames + gap) % grid
        if trailing - trim > 0:
            spans.append(Span(None, 0, trailing - trim))
        chunk = Chunk(0, preroll, preroll + layout.frames + trailing, preroll, tuple(spans), trim)
        settings = ChunkSettings(fmt, options.bitrate or options.spec.default_bitrate or "64k", options.loudness,
                                 options.allow_dynamic,
                                 options.loudness is not None and options.loudness.rms_range_db is not None, codec)
        cache_dir.mkdir(parents=True, exist_ok=True)
        identity = piece_identity(inspection)
        key = chunk_key(chunk, settings, identity)
        store = UnitStore(cache_dir / UNITS_DIR, identity, fmt)
        return encode_chunk(chunk, settings, key, cache_dir, stop=stop, store=store, scratch=scratch.path)
    finally:
        scratch.remove()
