"""Book metadata and cover art, and how each container receives them.

MP4, FLAC and WAV tags go through ffmpeg's FFMETADATA input (one encode pass, no rewrite afterwards); a
chunked M4B's are written by our MP4 writer from the same ``ffmpeg_tags`` dict, as the same atoms (``mp4_tags``).
MP3 tags are written by mutagen as an ID3v2.3 tag (v2.3 because Windows and many car stereos still read
nothing newer) with id3.CHAP and id3.CTOC frames for chapters and an id3.APIC front cover. mutagen would have to
rewrite a whole MP3 to insert a tag in front of it, so the tag is written into an empty file and the
encoded audio appended after it: a straight copy.

Narrator: MP4 and ID3 have no standard narrator field; audiobook players read the composer field
(``©wrt`` / ``id3.TCOM``), and a ``id3.TXXX:NARRATOR`` / ``NARRATOR`` comment is added where free-form keys exist.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.audio.errors import AudioError
from studio.audio.timeline import ChapterSpan

if TYPE_CHECKING:
    from mutagen.id3 import ID3

log = logging.getLogger("studio.audio.tags")

#: Tag names ffmpeg's MP4 muxer turns into iTunes atoms; it silently drops any other key.
MP4_TAG_KEYS = frozenset({
    "title", "artist", "album_artist", "album", "composer", "date", "comment", "genre", "copyright",
    "description", "synopsis", "grouping", "lyrics", "track", "disc", "media_type", "keywords", "category",
    "sort_name", "sort_artist", "sort_album", "sort_album_artist", "sort_composer",
})
#: iTunes ``stik`` value for "Audiobook"; ffmpeg writes it from the ``media_type`` tag.
STIK_AUDIOBOOK = "2"
MAX_COVER_BYTES = 20 * 1024 * 1024
_IMAGE_KINDS = {b"\xff\xd8\xff": ("image/jpeg", "jpeg"), b"\x89PNG\r\n\x1a\n": ("image/png", "png")}


@dataclass(frozen=True)
class BookInfo:
    """What the listener's player shows. Empty strings are left out of the file."""

    title: str
    author: str = ""
    narrator: str = ""
    year: str = ""
    description: str = ""
    genre: str = "Audiobook"
    cover: Path | None = None
    #: further ffmpeg tag names (e.g. ``publisher``); kept where the container has a place for them
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Cover:
    path: Path
    mime: str
    kind: str  # "jpeg" or "png"


def check_cover(path: Path) -> Cover:
    """A cover must be a JPEG or PNG file (what MP4 ``covr``, ID3 id3.APIC and FLAC pictures all accept).

    Raises ``AudioError`` with ``kind`` "missing" / "not an image"; the caller turns it into InputError.
    Whether ffmpeg can decode it is checked by ``verify_cover_decodes``.
    """
    if not path.is_file():
        raise AudioError("cover image not found", path=path)
    size = path.stat().st_size
    if size > MAX_COVER_BYTES:
        raise AudioError(f"cover image is {size // (1024 * 1024)} MB; at most {MAX_COVER_BYTES // (1024 * 1024)} MB",
                         path=path)
    with open(path, "rb") as fh:
        head = fh.read(8)
    for magic, (mime, kind) in _IMAGE_KINDS.items():
        if head.startswith(magic):
            return Cover(path, mime, kind)
    raise AudioError("cover is not a JPEG or PNG image", path=path)


def book_tags(title: str, author: str, extra_tags: dict[str, str] | None) -> dict[str, str]:
    """Global tags in ffmpeg's names; the MP4 muxer maps them to iTunes atoms (title -> ©nam, ...).

    ``extra_tags`` overrides ours. ``year`` becomes ``date`` (MP4 has only ``©day``); keys MP4 cannot
    carry (``publisher``, ...) are logged and left out rather than silently vanishing inside ffmpeg.
    """
    tags = {"title": title, "album": title, "genre": "Audiobook", "media_type": STIK_AUDIOBOOK}
    if author:
        tags |= {"artist": author, "album_artist": author}
    extra = dict(extra_tags or {})
    if "year" in extra:
        extra.setdefault("date", extra.pop("year"))
    dropped = sorted(set(extra) - MP4_TAG_KEYS)
    if dropped:
        log.info("M4B has no place for these tags, not written: %s", ", ".join(dropped))
    return tags | {k: v for k, v in extra.items() if k in MP4_TAG_KEYS}


def ffmpeg_tags(info: BookInfo, fmt: str, *, title: str | None = None, track: tuple[int, int] | None = None
                ) -> dict[str, str]:
    """Tags for ffmpeg's FFMETADATA input, per container (``fmt``: m4b, m4a, flac, wav)."""
    extra = dict(info.extra)
    if info.year:
        extra["date"] = info.year
    if info.description:
        extra.setdefault("description", info.description)
        extra.setdefault("comment", info.description)
    if info.narrator:
        extra.setdefault("composer", info.narrator)
    if info.genre:
        extra["genre"] = info.genre
    if track is not None:
        extra["track"] = f"{track[0]}/{track[1]}"
    tags = book_tags(info.title, info.author, extra)
    if title:
        tags["title"] = title
    if fmt == "m4a":
        tags.pop("media_type", None)
    elif fmt == "flac":
        tags.pop("media_type", None)
        tags.pop("description", None)  # FLAC's DESCRIPTION is ffmpeg's "comment"
        if info.narrator:
            tags["NARRATOR"] = info.narrator
    elif fmt == "wav":  # RIFF INFO: title, artist, album, genre, date, comment survive
        tags = {k: v for k, v in tags.items() if k in ("title", "artist", "album", "genre", "date", "comment",
                                                         "track", "composer")}
    return {k: v for k, v in tags.items() if v}


def vorbis_chapter_tags(chapters: Sequence[ChapterSpan], rate: int) -> dict[str, str]:
    """FLAC chapters as the Vorbis chapter extension (``CHAPTER001=00:00:00.000``, ``CHAPTER001NAME``),
    which ffmpeg and several players read back as chapters. Millisecond resolution."""
    tags: dict[str, str] = {}
    for n, chapter in enumerate(chapters, 1):
        ms = round(chapter.start * 1000 / rate)
        h, rest = divmod(ms, 3_600_000)
        m, rest = divmod(rest, 60_000)
        s, ms_part = divmod(rest, 1000)
        tags[f"CHAPTER{n:03d}"] = f"{h:02d}:{m:02d}:{s:02d}.{ms_part:03d}"
        tags[f"CHAPTER{n:03d}NAME"] = chapter.title
    return tags


def write_mp3_with_id3(audio: Path, dest: Path, info: BookInfo, *, chapters: Sequence[ChapterSpan], rate: int,
                       duration_frames: int, title: str | None = None, track: tuple[int, int] | None = None,
                       cover: Cover | None = None) -> None:
    """Write ``dest`` = an ID3v2.3 tag (tags, chapters, cover) followed by the MPEG audio of ``audio``."""
    from mutagen import id3

    tag = chapter_ordered_id3()
    tag.add(id3.TIT2(encoding=3, text=title or info.title))
    tag.add(id3.TALB(encoding=3, text=info.title))
    if info.author:
        tag.add(id3.TPE1(encoding=3, text=info.author))
        tag.add(id3.TPE2(encoding=3, text=info.author))
    if info.narrator:
        tag.add(id3.TCOM(encoding=3, text=info.narrator))
        tag.add(id3.TXXX(encoding=3, desc="NARRATOR", text=info.narrator))
    if info.year:
        tag.add(id3.TYER(encoding=3, text=info.year))
    if info.description:
        tag.add(id3.COMM(encoding=3, lang="chi" if _has_cjk(info.description) else "eng", desc="",
                         text=info.description))
    if info.genre:
        tag.add(id3.TCON(encoding=3, text=info.genre))
    if track is not None:
        tag.add(id3.TRCK(encoding=3, text=f"{track[0]}/{track[1]}"))
    if chapters:
        ids = [f"ch{n}" for n in range(len(chapters))]
        tag.add(id3.CTOC(element_id="toc", flags=id3.CTOCFlags.TOP_LEVEL | id3.CTOCFlags.ORDERED,
                         child_element_ids=ids, sub_frames=[id3.TIT2(encoding=3, text="Chapters")]))
        ends = [*(c.start for c in chapters[1:]), duration_frames]
        for element_id, chapter, end in zip(ids, chapters, ends, strict=True):
            tag.add(id3.CHAP(element_id=element_id, start_time=round(chapter.start * 1000 / rate),
                             end_time=round(end * 1000 / rate),
                             sub_frames=[id3.TIT2(encoding=3, text=chapter.title)]))
    if cover is not None:
        tag.add(id3.APIC(encoding=3, mime=cover.mime, type=id3.PictureType.COVER_FRONT, desc="Cover",
                         data=cover.path.read_bytes()))
    try:
        with open(dest, "w+b") as fh:  # mutagen reads what it writes over
            tag.save(fh, v2_version=3, padding=lambda _info: 1024)
        with open(dest, "ab") as out, open(audio, "rb") as src:
            shutil.copyfileobj(src, out, 1 << 20)
    except OSError as exc:
        raise AudioError(f"cannot write the MP3 file: {exc.strerror or exc}", path=dest) from exc


def chapter_ordered_id3() -> ID3:
    """An ID3 tag that writes its CHAP frames in time order.

    mutagen sorts frames by size when saving, which scrambles chapters; the CTOC keeps the true order, but
    ffmpeg (and so mpv, VLC...) lists ID3 chapters in file order. The reordering works on mutagen's
    serialized frames (plain 10-byte v2.3/v2.4 headers), not on its private sorting.
    """
    from mutagen import id3

    # Base methods are called by name, not through super(): mypy's untyped_calls_exclude for mutagen (whose ID3
    # methods are unannotated) does not cover calls through super().
    class ChapterOrderedID3(id3.ID3):
        def __init__(self) -> None:
            id3.ID3.__init__(self)

        def _write(self, config: Any) -> bytearray:
            data = bytes(id3.ID3._write(self, config))
            return bytearray(chapters_in_time_order(data, syncsafe=config.v2_version == 4))

    return ChapterOrderedID3()


def chapters_in_time_order(frames: bytes, *, syncsafe: bool) -> bytes:
    """Reorder the CHAP frames inside serialized ID3 frame data by start time; everything else stays put."""
    parsed: list[tuple[bytes, bytes]] = []
    i = 0
    while i + 10 <= len(frames) and frames[i:i + 4] != b"\0\0\0\0":
        raw = frames[i + 4:i + 8]
        size = (sum((b & 0x7F) << (7 * (3 - n)) for n, b in enumerate(raw)) if syncsafe
                else int.from_bytes(raw, "big"))
        parsed.append((frames[i:i + 4], frames[i:i + 10 + size]))
        i += 10 + size

    def start(frame: bytes) -> int:
        body = frame[10:]
        nul = body.index(b"\0")
        return int.from_bytes(body[nul + 1:nul + 5], "big")

    chapters = iter(sorted((f for fid, f in parsed if fid == b"CHAP"), key=start))
    return b"".join(next(chapters) if fid == b"CHAP" else f for fid, f in parsed) + frames[i:]


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)
