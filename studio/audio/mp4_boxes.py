"""ISO base media (MP4) boxes, built as a tree whose size is known before a byte of it is written.

Why a tree and not bytes: a 50-hour book's sample-size table is 17 MB, and a cover may be several more. A box
here holds its parts as they are (bytes, a big-endian ``array`` written straight from its buffer, or a file
copied in blocks), so writing the movie header never makes a second copy of either; and every size is
computed up front, which lets the writer reserve the movie header's exact room before the audio is streamed.

The builders below write the boxes as ffmpeg's ``ipod`` muxer writes them for an AAC audiobook (same fields,
same values), so players see the same file whichever wrote it.
"""

from __future__ import annotations

import array
import struct
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Union

from studio.audio.errors import AudioError

U32_MAX = 0xFFFFFFFF
#: the unity matrix of tkhd/mvhd
MATRIX = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
#: ISO 639-2 "und", packed as mdhd wants it
LANGUAGE_UND = 0x55C4
COPY_BLOCK = 1 << 20


@dataclass(frozen=True)
class FilePart:
    """A file's bytes as part of a box (the cover), copied in blocks when written."""

    path: Path
    size: int


@dataclass(frozen=True)
class Reserved:
    """Room for a table not known yet (written as zeros): sizes the movie header before the audio is read."""

    size: int


Part = Union[bytes, "array.array[int]", FilePart, Reserved, "Box"]


def _part_size(part: Part) -> int:
    if isinstance(part, Box):
        return part.size
    if isinstance(part, (FilePart, Reserved)):
        return part.size
    if isinstance(part, array.array):
        return len(part) * part.itemsize
    return len(part)


class Box:
    """One box: a four-character type and its parts, with a 64-bit size header only when it needs one."""

    __slots__ = ("kind", "parts", "size")

    def __init__(self, kind: bytes, *parts: Part) -> None:
        assert len(kind) == 4, kind
        self.kind = kind
        self.parts = parts
        body = sum(_part_size(p) for p in parts)
        self.size = body + (8 if body + 8 <= U32_MAX else 16)

    def header(self) -> bytes:
        if self.size <= U32_MAX:
            return struct.pack(">I4s", self.size, self.kind)
        return struct.pack(">I4sQ", 1, self.kind, self.size)

    def write(self, out: BinaryIO) -> None:
        out.write(self.header())
        for part in self.parts:
            if isinstance(part, Box):
                part.write(out)
            elif isinstance(part, FilePart):
                _copy_file(part, out)
            elif isinstance(part, Reserved):
                for at in range(0, part.size, COPY_BLOCK):
                    out.write(bytes(min(COPY_BLOCK, part.size - at)))
            else:
                out.write(part)

    def to_bytes(self) -> bytes:
        """The whole box as bytes (for small boxes and tests)."""
        import io

        buffer = io.BytesIO()
        self.write(buffer)
        return buffer.getvalue()


def full_box(kind: bytes, version: int, flags: int, *parts: Part) -> Box:
    return Box(kind, struct.pack(">I", (version << 24) | flags), *parts)


def big_endian(values: array.array[int]) -> array.array[int]:
    """``values`` in MP4's byte order, in place (tables are written straight from their buffer)."""
    if sys.byteorder == "little":
        values.byteswap()
    return values


def _copy_file(part: FilePart, out: BinaryIO) -> None:
    with open(part.path, "rb") as fh:
        left = part.size
        while left > 0:
            data = fh.read(min(COPY_BLOCK, left))
            if not data:
                raise AudioError("file changed while it was being written into the MP4", path=part.path)
            out.write(data)
            left -= len(data)


# --- the boxes of an audiobook ------------------------------------------------------------------------

def ftyp(brand: bytes) -> Box:
    """The file type: ``M4B `` or ``M4A `` (iTunes' audiobook and audio brands), as the ipod muxer writes it."""
    return Box(b"ftyp", brand, struct.pack(">I", 0x200), brand, b"isom", b"iso2")


def _wide(*values: int) -> bool:
    return any(v > U32_MAX for v in values)


def mvhd(timescale: int, duration: int, next_track: int) -> Box:
    version = 1 if _wide(duration) else 0
    times = struct.pack(">QQIQ", 0, 0, timescale, duration) if version else struct.pack(">IIII", 0, 0, timescale,
                                                                                            duration)
    return full_box(b"mvhd", version, 0, times, struct.pack(">IH10x", 0x10000, 0x100), MATRIX, bytes(24),
                    struct.pack(">I", next_track))


def tkhd(track: int, duration: int, *, flags: int, alternate_group: int, volume: int) -> Box:
    """flags 3: enabled and in the movie (the sound); 2: in the movie but not enabled (the chapter text)."""
    version = 1 if _wide(duration) else 0
    head = (struct.pack(">QQIIQ", 0, 0, track, 0, duration) if version
            else struct.pack(">IIIII", 0, 0, track, 0, duration))
    return full_box(b"tkhd", version, flags, head, struct.pack(">8xhhhH", 0, alternate_group, volume, 0), MATRIX,
                    struct.pack(">II", 0, 0))


def edts(duration: int, media_time: int) -> Box:
    """An edit list of one segment: play ``duration`` (movie timescale) from ``media_time`` (media timescale)."""
    if _wide(duration, media_time):
        entry = struct.pack(">IQqhh", 1, duration, media_time, 1, 0)
        return Box(b"edts", full_box(b"elst", 1, 0, entry))
    return Box(b"edts", full_box(b"elst", 0, 0, struct.pack(">IIihh", 1, duration, media_time, 1, 0)))


def mdhd(timescale: int, duration: int, language: int) -> Box:
    if _wide(duration):
        return full_box(b"mdhd", 1, 0, struct.pack(">QQIQHH", 0, 0, timescale, duration, language, 0))
    return full_box(b"mdhd", 0, 0, struct.pack(">IIIIHH", 0, 0, timescale, duration, language, 0))


def hdlr(handler: bytes, name: str, *, manufacturer: bytes = bytes(4)) -> Box:
    return full_box(b"hdlr", 0, 0, bytes(4), handler, manufacturer, bytes(8), name.encode("ascii") + b"\0")


def dinf() -> Box:
    """Data reference: the samples are in this file."""
    return Box(b"dinf", full_box(b"dref", 0, 0, struct.pack(">I", 1), full_box(b"url ", 0, 1)))


def _descriptor(tag: int, body: bytes) -> bytes:
    """An MPEG-4 descriptor with the four-byte length form ffmpeg writes (0x80 0x80 0x80 n)."""
    n = len(body)
    return bytes([tag, 0x80 | (n >> 21 & 0x7F), 0x80 | (n >> 14 & 0x7F), 0x80 | (n >> 7 & 0x7F), n & 0x7F]) + body


def esds(track: int, config: bytes, avg_bitrate: int, max_bitrate: int) -> Box:
    """The elementary stream descriptor: MPEG-4 audio (0x40), its AudioSpecificConfig and bit rates."""
    decoder = struct.pack(">BB3sII", 0x40, 0x15, bytes(3), max_bitrate, avg_bitrate) + _descriptor(0x05, config)
    stream = struct.pack(">HB", track, 0) + _descriptor(0x04, decoder) + _descriptor(0x06, b"\x02")
    return full_box(b"esds", 0, 0, _descriptor(0x03, stream))


def mp4a(rate: int, channels: int, descriptor: Box) -> Box:
    """The AAC sample entry (rates above 65,535 Hz do not fit its 16.16 field: 0, as ffmpeg writes)."""
    fixed = rate << 16 if rate <= 0xFFFF else 0
    return Box(b"mp4a", bytes(6), struct.pack(">H", 1), bytes(8), struct.pack(">HHHHI", channels, 16, 0, 0, fixed),
               descriptor)


def stsd(entry: Box) -> Box:
    return full_box(b"stsd", 0, 0, struct.pack(">I", 1), entry)


def stts(runs: Sequence[tuple[int, int]]) -> Box:
    """(sample count, duration) runs."""
    return full_box(b"stts", 0, 0, struct.pack(">I", len(runs)), b"".join(struct.pack(">II", *r) for r in runs))


def stsc(runs: Sequence[tuple[int, int]]) -> Box:
    """(first chunk, samples per chunk) runs, all with sample description 1."""
    return full_box(b"stsc", 0, 0, struct.pack(">I", len(runs)),
                    b"".join(struct.pack(">III", first, count, 1) for first, count in runs))


def stsz(sizes: Sequence[int]) -> Box:
    """Sample sizes of a short list: one shared size when all are equal, as ffmpeg writes them."""
    if sizes and all(s == sizes[0] for s in sizes):
        return full_box(b"stsz", 0, 0, struct.pack(">II", sizes[0], len(sizes)))
    return full_box(b"stsz", 0, 0, struct.pack(f">II{len(sizes)}I", 0, len(sizes), *sizes))


def stsz_table(count: int, table: array.array[int] | None) -> Box:
    """Sample sizes of a long track: ``table`` is an ``array('I')`` already in MP4 byte order (``big_endian``),
    written without a copy; None reserves its room."""
    assert table is None or len(table) == count
    return full_box(b"stsz", 0, 0, struct.pack(">II", 0, count), Reserved(4 * count) if table is None else table)


def chunk_offsets(offsets: Sequence[int] | int, *, wide: bool) -> Box:
    """``co64`` (64-bit offsets) when the file passes 4 GB, else ``stco``; a count reserves the room."""
    kind, code, width = (b"co64", "Q", 8) if wide else (b"stco", "I", 4)
    if isinstance(offsets, int):
        return full_box(kind, 0, 0, struct.pack(">I", offsets), Reserved(width * offsets))
    if not wide and any(o > U32_MAX for o in offsets):
        raise ValueError("chunk offset past 4 GB in a 32-bit table")
    return full_box(kind, 0, 0, struct.pack(f">I{len(offsets)}{code}", len(offsets), *offsets))


def roll_group(samples: int) -> list[Box]:
    """AAC's pre-roll as ffmpeg declares it: every sample needs the one before it (roll distance -1)."""
    return [full_box(b"sgpd", 1, 0, b"roll", struct.pack(">IIh", 2, 1, -1)),
            full_box(b"sbgp", 0, 0, b"roll", struct.pack(">III", 1, samples, 1))]


# The QuickTime text sample entry ffmpeg gives its chapter track ("required to make QT recognize" it): display
# flags, justification, colours, default text box, font table with one unnamed font.
_TEXT_ENTRY = bytes.fromhex("00000001" "00000000000000000000000000000000" "00000001" "0000000000000000"
                            "000d6674616200010001" "00")
_GMHD = bytes.fromhex("00000018676d696e00000000004080008000800000000000"
                      "0000002c74657874000100000000000000000000000000000001000000000000000000000000000040000000")


def text_entry() -> Box:
    return Box(b"text", bytes(6), struct.pack(">H", 1), _TEXT_ENTRY)


def gmhd() -> Box:
    """The base media header of a QuickTime text track (graphics mode, text matrix)."""
    return Box(b"gmhd", _GMHD)
