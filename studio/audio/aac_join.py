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

The joined ADTS stream is muxed into MP4 by stream copy with its timestamps shifted back by one frame, so the
muxer writes an edit list that hides the priming (as it does for its own encodes); the edit list's length is
then set to the planned number of samples (``set_mp4_play_length``), which hides the last frame's padding.
"""

from __future__ import annotations

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


def adts_frames(data: bytes | memoryview, path: Path) -> list[tuple[int, int]]:
    """(offset, length) of every ADTS frame in ``data``; anything that is not ADTS is an error."""
    frames: list[tuple[int, int]] = []
    i, size = 0, len(data)
    while i < size:
        if size - i < 7 or data[i] != 0xFF or data[i + 1] & 0xF6 != 0xF0:
            raise AudioError(f"not an ADTS stream at byte {i}", path=path)
        length = ((data[i + 3] & 0x03) << 11) | (data[i + 4] << 3) | (data[i + 5] >> 5)
        if length < 7 or i + length > size:
            raise AudioError(f"truncated ADTS frame at byte {i}", path=path)
        frames.append((i, length))
        i += length
    return frames


def expected_frames(samples: int) -> int:
    """Frames the encoder writes for ``samples`` input samples: the priming frame plus the audio, padded."""
    return -(-samples // AAC_FRAME) + 1


def join_adts(chunks: Sequence[tuple[Path, int]], dest: Path) -> int:
    """Write the chunks' ADTS frames into ``dest`` minus each join's flush and priming frame.

    ``chunks`` are (file, input samples incl. pre-roll) in book order; each file's frame count is checked
    against what the encoder must have written for that many samples, so a chunk cut short fails here
    instead of shifting every later chapter. Returns the number of frames written.
    """
    written = 0
    try:
        with open(dest, "wb") as out:
            for n, (path, samples) in enumerate(chunks):
                data = path.read_bytes()
                frames = adts_frames(data, path)
                if len(frames) != expected_frames(samples):
                    raise AudioError(f"encoded chunk has {len(frames)} AAC frames, expected "
                                     f"{expected_frames(samples)} for {samples} samples", path=path)
                first = 1 if n > 0 else 0
                last = len(frames) - (1 if n < len(chunks) - 1 else 0)
                keep = frames[first:last]
                if keep:
                    out.write(data[keep[0][0]:keep[-1][0] + keep[-1][1]])
                written += len(keep)
    except OSError as exc:
        raise AudioError(f"cannot write the joined audio: {exc.strerror or exc}", path=dest) from exc
    return written


def _boxes(data: bytearray, start: int, end: int) -> list[tuple[str, int, int, int]]:
    """(type, offset, header size, total size) of the boxes in data[start:end]."""
    found = []
    i = start
    while i + 8 <= end:
        size, kind = struct.unpack(">I4s", data[i:i + 8])
        header = 8
        if size == 1:
            size, header = struct.unpack(">Q", data[i + 8:i + 16])[0], 16
        elif size == 0:
            size = end - i
        if size < header:
            break
        found.append((kind.decode("latin-1"), i, header, size))
        i += size
    return found


def _child(data: bytearray, box: tuple[str, int, int, int], kind: str) -> tuple[str, int, int, int] | None:
    _, offset, header, size = box
    return next((b for b in _boxes(data, offset + header, offset + size) if b[0] == kind), None)


def _front_through_moov(fh: BinaryIO, path: Path) -> bytes:
    """The file's bytes from the start through the end of its ``moov`` box, which faststart put in front of
    the audio; read box header by box header so the audio itself is never loaded."""
    offset = 0
    while True:
        fh.seek(offset)
        header = fh.read(16)
        if len(header) < 8:
            raise AudioError("no movie header in the MP4", path=path)
        size, kind = struct.unpack(">I4s", header[:8])
        if size == 1:
            size = struct.unpack(">Q", header[8:16])[0]
        if kind == b"moov":
            fh.seek(0)
            return fh.read(offset + size)
        if kind == b"mdat" or size < 8:
            raise AudioError("no movie header at the front of the MP4 (faststart)", path=path)
        offset += size


def set_mp4_play_length(path: Path, samples: int, rate: int, *, priming: int = AAC_FRAME) -> None:
    """Make the MP4's sound track play exactly ``samples`` samples after ``priming`` (in place).

    The muxer wrote an edit list that skips the priming but plays every frame to its end; its length (and
    the track's and movie's durations, which players show) are set to the planned length. Only fixed-size
    fields change, so nothing moves. Raises ``AudioError`` when the file does not look as expected.
    """
    with open(path, "r+b") as fh:
        head = bytearray(_front_through_moov(fh, path))  # a few hundred kB: the sample tables, not the audio
        moov = next((b for b in _boxes(head, 0, len(head)) if b[0] == "moov"), None)
        if moov is None or moov[1] + moov[3] > len(head):
            raise AudioError("no movie header at the front of the MP4 (faststart)", path=path)
        mvhd = _child(head, moov, "mvhd")
        if mvhd is None:
            raise AudioError("MP4 without a movie header", path=path)
        mv_body = mvhd[1] + mvhd[2]
        version = head[mv_body]
        scale_at = mv_body + (20 if version == 1 else 12)
        (timescale,) = struct.unpack(">I", head[scale_at:scale_at + 4])
        movie_length = -(-samples * timescale // rate)
        patched = False
        for trak in (b for b in _boxes(head, moov[1] + moov[2], moov[1] + moov[3]) if b[0] == "trak"):
            mdia = _child(head, trak, "mdia")
            hdlr = _child(head, mdia, "hdlr") if mdia else None
            if hdlr is None or head[hdlr[1] + hdlr[2] + 8:hdlr[1] + hdlr[2] + 12] != b"soun":
                continue
            edts = _child(head, trak, "edts")
            elst = _child(head, edts, "elst") if edts else None
            if elst is None:
                raise AudioError("the MP4's sound track has no edit list to hide the AAC priming", path=path)
            body = elst[1] + elst[2]
            v = head[body]
            (count,) = struct.unpack(">I", head[body + 4:body + 8])
            if count != 1:
                raise AudioError(f"unexpected edit list with {count} entries", path=path)
            if v == 1:
                media_time = struct.unpack(">q", head[body + 16:body + 24])[0]
                head[body + 8:body + 16] = struct.pack(">Q", movie_length)
            else:
                media_time = struct.unpack(">i", head[body + 12:body + 16])[0]
                head[body + 8:body + 12] = struct.pack(">I", movie_length)
            if media_time != priming:
                raise AudioError(f"edit list skips {media_time} samples, not the {priming} of AAC priming", path=path)
            tkhd = _child(head, trak, "tkhd")
            if tkhd is not None:
                tb = tkhd[1] + tkhd[2]
                if head[tb] == 1:
                    head[tb + 28:tb + 36] = struct.pack(">Q", movie_length)
                else:
                    head[tb + 20:tb + 24] = struct.pack(">I", movie_length)
            patched = True
        if not patched:
            raise AudioError("the MP4 has no sound track", path=path)
        if version == 1:
            head[scale_at + 4:scale_at + 12] = struct.pack(">Q", movie_length)
        else:
            head[scale_at + 4:scale_at + 8] = struct.pack(">I", movie_length)
        fh.seek(0)
        fh.write(head[:moov[1] + moov[3]])
