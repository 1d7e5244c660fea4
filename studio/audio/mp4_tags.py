"""iTunes metadata (``udta/meta/ilst``) and chapter lists for the MP4 writer, as ffmpeg's ipod muxer writes them.

The tags arrive in ffmpeg's names (``tags.ffmpeg_tags``, the same dict the one-pass export gives ffmpeg) and
leave as the same atoms, in the same order and with the same data types, so a book tagged by either path
reads back identically in mutagen, ffmpeg and Apple's players. Keys ffmpeg's muxer ignores (``category``,
the ``sort_*`` names) are ignored here too. The export stamp (``export_stamp``) is written as the freeform
atom mutagen would add, so recognizing an up-to-date book needs no second write of the file.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence

from studio import __version__
from studio.audio.formats import CHPL_MAX_CHAPTERS
from studio.audio.mp4_boxes import Box, FilePart, full_box
from studio.audio.tags import Cover

#: (ffmpeg key, atom) of the text tags, in the order ffmpeg's ``mov_write_ilst_tag`` writes them
STRING_ATOMS = (
    ("title", b"\xa9nam"), ("artist", b"\xa9ART"), ("album_artist", b"aART"), ("composer", b"\xa9wrt"),
    ("album", b"\xa9alb"), ("date", b"\xa9day"), ("encoding_tool", b"\xa9too"), ("comment", b"\xa9cmt"),
    ("genre", b"\xa9gen"), ("copyright", b"cprt"), ("grouping", b"\xa9grp"), ("lyrics", b"\xa9lyr"),
    ("description", b"desc"), ("synopsis", b"ldes"), ("keywords", b"keyw"),
)
ENCODING_TOOL = f"Audiobook Studio {__version__}"
_UTF8, _INTEGER, _JPEG, _PNG = 1, 0x15, 13, 14
#: 100 ns units of the Nero chapter list
_CHPL_UNITS = 10_000_000


def _data(kind: int, payload: bytes | FilePart) -> Box:
    return Box(b"data", struct.pack(">II", kind, 0), payload)


def _leading_int(text: str) -> int:
    """The number at the start of ``text``, as C's ``atoi``/``strtol`` read it (0 if none)."""
    digits = ""
    for ch in text.strip():
        if not (ch.isdigit() or (ch in "+-" and not digits)):
            break
        digits += ch
    try:
        return int(digits)
    except ValueError:
        return 0


def _number_pair(kind: bytes, value: str) -> Box:
    """``trkn``/``disk`` from "n/total", 8 bytes as ffmpeg writes both."""
    number, _, total = value.partition("/")
    return Box(kind, _data(0, struct.pack(">HHHH", 0, _leading_int(number) & 0xFFFF, _leading_int(total) & 0xFFFF,
                                          0)))


def freeform(mean: str, name: str, value: bytes) -> Box:
    """A ``----`` atom (reverse-DNS owner, name, UTF-8 value): where the export stamp lives."""
    return Box(b"----", full_box(b"mean", 0, 0, mean.encode("ascii")), full_box(b"name", 0, 0, name.encode("ascii")),
               _data(_UTF8, value))


def ilst(tags: Mapping[str, str], cover: Cover | None, extra: Sequence[Box] = ()) -> Box:
    """The item list: text tags, media kind, cover, track and disc, then ``extra`` (freeform atoms)."""
    items: list[Box] = []
    for key, atom in STRING_ATOMS:
        value = tags.get(key) or (ENCODING_TOOL if key == "encoding_tool" else None)
        if value:
            items.append(Box(atom, _data(_UTF8, value.encode("utf-8"))))
    if tags.get("media_type"):
        items.append(Box(b"stik", _data(_INTEGER, bytes([_leading_int(tags["media_type"]) & 0xFF]))))
    if cover is not None:
        items.append(Box(b"covr", _data(_PNG if cover.kind == "png" else _JPEG,
                                        FilePart(cover.path, cover.path.stat().st_size))))
    for key, atom in (("track", b"trkn"), ("disc", b"disk")):
        if tags.get(key):
            items.append(_number_pair(atom, tags[key]))
    return Box(b"ilst", *items, *extra)


def meta(items: Box) -> Box:
    """``meta`` with the iTunes metadata handler, around the item list."""
    handler = full_box(b"hdlr", 0, 0, bytes(4), b"mdir", b"appl", bytes(8), b"\0")
    return full_box(b"meta", 0, 0, handler, items)


def chpl(chapters: Sequence[tuple[int, str]], rate: int) -> Box:
    """The Nero chapter list (mutagen and older players read it): at most 255 entries, titles cut to 255
    bytes (at a character boundary), starts in 100 ns units rounded as ffmpeg rounds them."""
    assert len(chapters) <= CHPL_MAX_CHAPTERS
    entries = []
    for start, title in chapters:
        encoded = title.encode("utf-8")[:255].decode("utf-8", "ignore").encode("utf-8")
        units = (2 * start * _CHPL_UNITS + rate) // (2 * rate)
        entries.append(struct.pack(">QB", units, len(encoded)) + encoded)
    return full_box(b"chpl", 1, 0, struct.pack(">IB", 0, len(chapters)), *entries)


_ENCD = bytes.fromhex("0000000c656e636400000100")


def chapter_sample(title: str) -> bytes:
    """One sample of the QuickTime chapter track: 16-bit length, UTF-8 title, then the ``encd`` box (UTF-8)."""
    encoded = title.encode("utf-8")[:0xFFFF].decode("utf-8", "ignore").encode("utf-8")
    return struct.pack(">H", len(encoded)) + encoded + _ENCD
