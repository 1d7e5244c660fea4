"""Our own MP4 (M4B/M4A) writer for books joined from AAC chunks: memory flat whatever the book's length.

Why not ffmpeg's muxer: it keeps ~85 bytes per AAC frame in memory until it writes the movie header, 359 MB
for a 55-hour book (decision 0016). Here a frame costs 4 bytes (its size, which the ``stsz`` table needs
anyway): 17 MB at 50 hours, and everything else is written as it is read.

How, in one pass over the audio: the movie header's size depends only on how many frames there are (every
chunk's count follows from its sample count, ``aac_join.expected_frames``), on the chapters and tags, and on
whether the file passes 4 GB (decided from the chunks' sizes, which bound the audio). So the file is written
as ``ftyp``, room for the ``moov``, ``mdat`` (the chapter titles, then the raw AAC frames taken out of the
chunks' ADTS headers, block by block); then the ``moov`` is built with the sizes and offsets now known and
written into its room. The result has the movie header in front (``+faststart``) without a second pass.

The chunks are joined as ``aac_join`` explains (each join drops the flush frame before it and the priming
frame after it); a chunk with another number of frames than its encoder must have written, a broken or
truncated frame, or a frame of another rate or channel layout stops the export with an ``AudioError``
naming the chunk.
"""

from __future__ import annotations

import array
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from studio.audio import mp4_boxes as b
from studio.audio.aac_join import expected_frames
from studio.audio.adts import CRC_HEADER, AdtsConfig, FrameError, parse_frames, read_config
from studio.audio.errors import AudioError
from studio.audio.mp4_movie import AAC_FRAME, CHUNK_FRAMES, BookContent, SoundTables, chapter_samples, movie
from studio.core.errors import CancelledError

#: how much of a chunk is read at a time
READ_BLOCK = 1 << 20
#: the mdat header's room: ``free`` + 32-bit ``mdat`` header, or one 64-bit ``mdat`` header
_MDAT_HEADER = 16


def write_mp4(chunks: Sequence[tuple[Path, int]], dest: Path, content: BookContent, *,
              stop: threading.Event | None = None, offset_limit: int = b.U32_MAX) -> None:
    """Write ``dest`` from the ADTS ``chunks`` ((file, input samples incl. pre-roll) in book order).

    ``offset_limit`` is the largest offset a 32-bit table or box size may hold (tests lower it to exercise
    ``co64`` and the 64-bit ``mdat`` header without writing 4 GB). Raises ``AudioError`` naming the chunk
    or the destination, ``CancelledError`` when ``stop`` is set.
    """
    if not chunks:
        raise ValueError("no audio to write")
    frames = sum(expected_frames(samples) for _, samples in chunks) - 2 * (len(chunks) - 1)
    if not 0 < content.samples <= (frames - 1) * AAC_FRAME:
        raise ValueError(f"{content.samples} samples to play from {frames} AAC frames")
    config = _config(chunks[0][0], content.rate)
    titles = chapter_samples(content)
    header = b.ftyp(content.brand)
    try:
        bound = header.size + _MDAT_HEADER + sum(map(len, titles)) + sum(p.stat().st_size for p, _ in chunks)
    except OSError as exc:
        raise AudioError(f"cannot read an encoded chunk: {exc.strerror or exc}", path=exc.filename) from exc
    room = movie(content, config, SoundTables(frames, wide=False), None).size
    wide = bound + room > offset_limit
    if wide:
        room = movie(content, config, SoundTables(frames, wide=True), None).size
    mdat_at = header.size + room
    chapter_at = mdat_at + _MDAT_HEADER
    audio_at = chapter_at + sum(map(len, titles))
    sizes = array.array("I")
    try:
        with open(dest, "wb") as out:
            out.seek(mdat_at + _MDAT_HEADER)
            out.write(b"".join(titles))
            for n, (path, samples) in enumerate(chunks):
                _stream_chunk(path, expected_frames(samples), config, out, sizes, drop_first=n > 0,
                              drop_last=n < len(chunks) - 1, stop=stop)
            end = out.tell()
            assert len(sizes) == frames, (len(sizes), frames)
            tables = _tables(sizes, audio_at, wide, content.rate)
            moov = movie(content, config, tables, chapter_at)
            if moov.size != room:
                raise AssertionError(f"movie header is {moov.size} bytes, {room} were reserved")
            out.seek(0)
            header.write(out)
            moov.write(out)
            out.write(_mdat_header(end - mdat_at, offset_limit))
    except OSError as exc:
        dest.unlink(missing_ok=True)
        raise AudioError(f"cannot write the MP4 file: {exc.strerror or exc}", path=dest) from exc
    except BaseException:
        dest.unlink(missing_ok=True)
        raise


def _config(path: Path, rate: int) -> AdtsConfig:
    try:
        with open(path, "rb") as fh:
            config = read_config(fh.read(CRC_HEADER))
    except FrameError as exc:
        raise AudioError(f"{exc.reason} at byte {exc.at}", path=path) from exc
    except OSError as exc:
        raise AudioError(f"cannot read the encoded chunk: {exc.strerror or exc}", path=path) from exc
    if config.sample_rate != rate:
        raise AudioError(f"encoded chunk is AAC at {config.sample_rate} Hz, the book at {rate} Hz", path=path)
    return config


def _stream_chunk(path: Path, expected: int, config: AdtsConfig, out: BinaryIO, sizes: array.array[int], *,
                  drop_first: bool, drop_last: bool, stop: threading.Event | None) -> None:
    """Append the chunk's AAC frames to ``out`` (and their sizes to ``sizes``), without the join's dropped
    first and last frame. The last frame parsed is held back until the next block shows it was not the last."""
    first = len(sizes)
    held: bytes | None = None
    seen = 0
    try:
        with open(path, "rb") as fh:
            data, base = b"", 0  # data holds the file from byte `base` on
            while True:
                if stop is not None and stop.is_set():
                    raise CancelledError("export cancelled")
                more = fh.read(READ_BLOCK)
                if not more:
                    break
                data = data + more if data else more
                payloads: list[bytes] = []
                try:
                    used = parse_frames(data, 0, config, sizes, payloads)
                except FrameError as exc:
                    raise AudioError(f"{exc.reason} at byte {base + exc.at}", path=path) from exc
                if payloads and seen == 0 and drop_first:
                    del payloads[0]
                    sizes.pop(first)  # near the array's end: a short move
                    seen = 1
                seen += len(payloads)
                if payloads:
                    if held is not None:
                        out.write(held)
                    held = payloads.pop()
                    out.write(b"".join(payloads))
                data, base = data[used:], base + used
    except OSError as exc:
        if exc.filename is not None and Path(exc.filename) == path:
            raise AudioError(f"cannot read the encoded chunk: {exc.strerror or exc}", path=path) from exc
        raise
    if data:
        raise AudioError(f"truncated ADTS frame at byte {base}", path=path)
    if seen != expected:
        raise AudioError(f"encoded chunk has {seen} AAC frames, expected {expected}", path=path)
    if drop_last:
        sizes.pop()
    elif held is not None:
        out.write(held)


def _tables(sizes: array.array[int], audio_at: int, wide: bool, rate: int) -> SoundTables:
    """Chunk offsets and bit rates from the frame sizes, then the sizes in MP4 byte order (in place)."""
    offsets, position = [], audio_at
    for start in range(0, len(sizes), CHUNK_FRAMES):
        offsets.append(position)
        position += sum(sizes[start:start + CHUNK_FRAMES])
    total = position - audio_at
    avg = total * 8 * rate // (len(sizes) * AAC_FRAME)
    peak = max((sum(sizes[s * rate // AAC_FRAME:(s + 1) * rate // AAC_FRAME]) * 8
                for s in range(len(sizes) * AAC_FRAME // rate)), default=0)
    return SoundTables(len(sizes), wide, b.big_endian(sizes), offsets, avg, max(avg, peak))


def _mdat_header(size: int, limit: int) -> bytes:
    """``free`` + a 32-bit ``mdat`` header (as ffmpeg leaves it), or a 64-bit one past ``limit``."""
    if size - 8 <= limit:
        return b.Box(b"free").header() + (size - 8).to_bytes(4, "big") + b"mdat"
    return (1).to_bytes(4, "big") + b"mdat" + size.to_bytes(8, "big")
