"""Joining separately encoded AAC chunks into one gapless stream, and trimming the MP4 to the exact length.

Why this is exact: an AAC frame of 1,024 samples is the MDCT of a 2,048-sample window, and a decoder
overlap-adds each frame's second half with the next frame's first half. A chunk's encoder puts one frame of
priming in front (its window sees only zeros) and one flush frame at the end (its window runs past the
audio). The exporter cuts the book only where the *previous* chunk ends in at least 2,048 samples of digital
silence (inside a chapter gap) and starts every later chunk 1,024 samples early (``PREROLL``: that same
silence). Then the previous chunk's last frame and the next chunk's priming frame both encode silence, i.e.
zeros, so dropping the previous chunk's flush frame and the next chunk's priming frame leaves a stream that
decodes to exactly the samples of the separate decodes, chunk after chunk (measured: identical to the sample,
except inside the 1,024 samples of silence before a join, where the next chunk's pre-echo lands as it would in
a continuous encode). Every chunk but the last is a whole number of frames long, so every chapter that starts
a chunk starts on its planned sample.

A chunked book's MP4 is written by our own writer (``mp4_writer``, decision 0017), which applies this join
while it copies the frames from the chunks and writes an edit list that skips the priming and plays exactly
the planned number of samples (hiding the last frame's padding). ``join_adts`` (one ADTS file) and
``set_mp4_play_length`` (trimming an MP4 that ffmpeg's muxer wrote from it) are what it replaced; the tests
and ``bench_mp4_writer`` still use them as the reference.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from studio.audio.errors import AudioError

#: Samples per AAC frame, and so the chunk grid and the pre-roll every later chunk is encoded with.
AAC_FRAME = 1024
PREROLL = AAC_FRAME
#: Digital silence a chunk must end in (two frames: the windows of its last two frames).
SILENT_TAIL = 2 * AAC_FRAME
#: How much of a chunk is read at a time when joining (memory stays flat whatever a chapter's length).
READ_BLOCK = 1 << 20


def expected_frames(samples: int) -> int:
    """Frames the encoder writes for ``samples`` input samples: the priming frame plus the audio, padded."""
    return -(-samples // AAC_FRAME) + 1


def _frame_starts(path: Path) -> tuple[int, int, int, int]:
    """(frames, start of the second frame, start of the last frame, end of the stream) of an ADTS file, read
    header by header in blocks: a chapter of any length costs one block of memory, never its whole file."""
    count, second, last, position = 0, 0, 0, 0
    with open(path, "rb") as fh:
        data, base = b"", 0  # data holds the file from byte `base` on
        while True:
            i = position - base
            if len(data) - i < 7:
                more = fh.read(READ_BLOCK)
                if not more:
                    if i < len(data):
                        raise AudioError(f"truncated ADTS frame at byte {position}", path=path)
                    return count, second, last, position
                data, base = data[i:] + more, position
                continue
            if data[i] != 0xFF or data[i + 1] & 0xF6 != 0xF0:
                raise AudioError(f"not an ADTS stream at byte {position}", path=path)
            length = ((data[i + 3] & 0x03) << 11) | (data[i + 4] << 3) | (data[i + 5] >> 5)
            if length < 7:
                raise AudioError(f"truncated ADTS frame at byte {position}", path=path)
            count += 1
            if count == 2:
                second = position
            last = position
            position += length
            if position - base > len(data):  # the frame runs past what is read: check that the file has it
                fh.seek(position - 1)
                if not fh.read(1):
                    raise AudioError(f"truncated ADTS frame at byte {last}", path=path)
                fh.seek(position)
                data, base = b"", position


def join_adts(chunks: Sequence[tuple[Path, int]], dest: Path) -> int:
    """Write the chunks' ADTS frames into ``dest`` minus each join's flush and priming frame.

    ``chunks`` are (file, input samples incl. pre-roll) in book order; each file's frame count is checked
    against what the encoder must have written for that many samples, so a chunk cut short fails here
    instead of shifting every later chapter. Returns the number of frames written. Memory stays flat: the
    frames are counted from their headers and copied as one byte range per chunk.
    """
    written = 0
    try:
        with open(dest, "wb") as out:
            for n, (path, samples) in enumerate(chunks):
                frames, second, last, end = _frame_starts(path)
                if frames != expected_frames(samples):
                    raise AudioError(f"encoded chunk has {frames} AAC frames, expected "
                                     f"{expected_frames(samples)} for {samples} samples", path=path)
                first_byte = second if n > 0 else 0
                end_byte = last if n < len(chunks) - 1 else end
                keep = frames - (1 if n > 0 else 0) - (1 if n < len(chunks) - 1 else 0)
                if keep > 0:
                    _copy_range(path, first_byte, end_byte, out)
                written += max(keep, 0)
    except OSError as exc:
        raise AudioError(f"cannot write the joined audio: {exc.strerror or exc}", path=dest) from exc
    return written


def _copy_range(path: Path, start: int, end: int, out: BinaryIO) -> None:
    with open(path, "rb") as fh:
        fh.seek(start)
        left = end - start
        while left > 0:
            data = fh.read(min(READ_BLOCK, left))
            if not data:
                raise AudioError("encoded chunk ended early (was it changed during the export?)", path=path)
            out.write(data)
            left -= len(data)


def _boxes(fh: BinaryIO, start: int, end: int) -> list[tuple[str, int, int, int]]:
    """(type, offset, header size, total size) of the boxes in bytes [start, end) of the file, from their
    headers alone: a long book's sample tables (16 MB for 50 hours) are never read."""
    found = []
    i = start
    while i + 8 <= end:
        fh.seek(i)
        head = fh.read(16)
        if len(head) < 8:
            break
        size, kind = struct.unpack(">I4s", head[:8])
        header = 8
        if size == 1:
            if len(head) < 16:
                break
            size, header = struct.unpack(">Q", head[8:16])[0], 16
        elif size == 0:
            size = end - i
        if size < header:
            break
        found.append((kind.decode("latin-1"), i, header, size))
        i += size
    return found


def _child(fh: BinaryIO, box: tuple[str, int, int, int] | None, kind: str) -> tuple[str, int, int, int] | None:
    if box is None:
        return None
    _, offset, header, size = box
    return next((b for b in _boxes(fh, offset + header, offset + size) if b[0] == kind), None)


def _body(fh: BinaryIO, box: tuple[str, int, int, int], limit: int = 4096) -> bytearray:
    """The contents of a small box (a header, an edit list), after its box header."""
    _, offset, header, size = box
    fh.seek(offset + header)
    return bytearray(fh.read(min(size - header, limit)))


def _moov(fh: BinaryIO, path: Path) -> tuple[str, int, int, int]:
    """The ``moov`` box, which faststart put in front of the audio."""
    end = os.fstat(fh.fileno()).st_size
    for box in _boxes(fh, 0, end):
        if box[0] == "moov":
            if box[1] + box[3] > end:
                break
            return box
        if box[0] == "mdat":
            raise AudioError("no movie header at the front of the MP4 (faststart)", path=path)
    raise AudioError("no movie header in the MP4", path=path)


def _write(fh: BinaryIO, at: int, data: bytes | bytearray) -> None:
    fh.seek(at)
    fh.write(data)


def set_mp4_play_length(path: Path, samples: int, rate: int, *, priming: int = AAC_FRAME) -> None:
    """Make the MP4's sound track play exactly ``samples`` samples after ``priming`` (in place).

    The muxer wrote an edit list that skips the priming but plays every frame to its end; its length (and
    the track's and movie's durations, which players show) are set to the planned length. Only fixed-size
    fields change, so nothing moves, and only the few boxes that hold them are read. Raises ``AudioError``
    when the file does not look as expected.
    """
    with open(path, "r+b") as fh:
        moov = _moov(fh, path)
        mvhd = _child(fh, moov, "mvhd")
        if mvhd is None:
            raise AudioError("MP4 without a movie header", path=path)
        mv = _body(fh, mvhd)
        version = mv[0]
        scale_at = 20 if version == 1 else 12
        (timescale,) = struct.unpack(">I", mv[scale_at:scale_at + 4])
        movie_length = -(-samples * timescale // rate)
        patched = False
        for trak in (b for b in _boxes(fh, moov[1] + moov[2], moov[1] + moov[3]) if b[0] == "trak"):
            hdlr = _child(fh, _child(fh, trak, "mdia"), "hdlr")
            if hdlr is None or _body(fh, hdlr)[8:12] != b"soun":
                continue
            elst = _child(fh, _child(fh, trak, "edts"), "elst")
            if elst is None:
                raise AudioError("the MP4's sound track has no edit list to hide the AAC priming", path=path)
            edits = _body(fh, elst)
            v = edits[0]
            (count,) = struct.unpack(">I", edits[4:8])
            if count != 1:
                raise AudioError(f"unexpected edit list with {count} entries", path=path)
            if v == 1:
                media_time = struct.unpack(">q", edits[16:24])[0]
                edits[8:16] = struct.pack(">Q", movie_length)
            else:
                media_time = struct.unpack(">i", edits[12:16])[0]
                edits[8:12] = struct.pack(">I", movie_length)
            if media_time != priming:
                raise AudioError(f"edit list skips {media_time} samples, not the {priming} of AAC priming", path=path)
            _write(fh, elst[1] + elst[2], edits)
            tkhd = _child(fh, trak, "tkhd")
            if tkhd is not None:
                at = tkhd[1] + tkhd[2]
                fh.seek(at)
                if fh.read(1)[0] == 1:
                    _write(fh, at + 28, struct.pack(">Q", movie_length))
                else:
                    _write(fh, at + 20, struct.pack(">I", movie_length))
            patched = True
        if not patched:
            raise AudioError("the MP4 has no sound track", path=path)
        duration_at = mvhd[1] + mvhd[2] + scale_at + 4
        _write(fh, duration_at, struct.pack(">Q", movie_length) if version == 1 else struct.pack(">I", movie_length))
