"""Our MP4 writer (``mp4_writer``) against real ffmpeg and mutagen reading its files back.

Chunks are encoded by ffmpeg exactly as the chunked export lays them out (a tone, then at least two frames of
silence; every later chunk starting with one frame of that silence), so the join is the real one. What a
listener or a player would notice is checked: the decoded length to the sample, the decoded samples
themselves (the same as the joined ADTS stream's, minus the priming), chapter starts and titles as ffmpeg
and mutagen list them, tags and cover, the movie header in front, and clear errors naming a bad chunk.
"""

from __future__ import annotations

import array
import math
import struct
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest
from mutagen.mp4 import MP4, MP4Cover

from studio.audio import decode_to_pcm, read_chapters, read_tags
from studio.audio.aac_join import AAC_FRAME, join_adts
from studio.audio.errors import AudioError
from studio.audio.export_stamp import KEY, read_stamp
from studio.audio.ffmpeg import run_ffmpeg
from studio.audio.mp4_movie import BookContent
from studio.audio.mp4_writer import write_mp4
from studio.audio.tags import check_cover
from studio.core.errors import CancelledError
from tests.integration.test_export_support import first_sound_ms, make_cover

RATE = 22050
TAIL = 3 * AAC_FRAME  # silence at the end of every chunk (a join needs two frames of it)
#: tone samples per chunk; the chunks before the last fill whole frames with their silence
TONES = [30 * AAC_FRAME - TAIL, 17 * AAC_FRAME - TAIL - AAC_FRAME, 9_000]
TITLES = ["第一章 开端", "Chapter 2: \"quotes\" & <tags>", "第三章"]


def _encode(path: Path, pcm: array.array[int]) -> Path:
    raw = path.with_suffix(".pcm")
    raw.write_bytes(pcm.tobytes())
    run_ffmpeg(["-f", "s16le", "-ar", str(RATE), "-ac", "1", "-i", str(raw), "-c:a", "aac", "-b:a", "64k",
                "-f", "adts", str(path)])
    raw.unlink()
    return path


def _tone(samples: int, freq: float = 441.0) -> array.array[int]:
    return array.array("h", (int(8000 * math.sin(2 * math.pi * freq * i / RATE)) for i in range(samples)))


def make_chunks(folder: Path, tones: Sequence[int]) -> tuple[list[tuple[Path, int]], list[int], int]:
    """(chunks as (file, samples), chapter starts, planned samples) of a book with one chapter per chunk."""
    chunks, starts, position = [], [], 0
    for n, tone in enumerate(tones):
        preroll = array.array("h", bytes(2 * AAC_FRAME)) if n else array.array("h")
        pcm = preroll + _tone(tone) + array.array("h", bytes(2 * TAIL))
        chunks.append((_encode(folder / f"chunk{n}.aac", pcm), len(pcm)))
        starts.append(position)
        position += len(pcm) - len(preroll)
    return chunks, starts, position


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[tuple[Path, int]], list[int], int]:
    return make_chunks(tmp_path_factory.mktemp("chunks"), TONES)


@pytest.fixture(scope="module")
def cover(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_cover(tmp_path_factory.mktemp("cover") / "cover.png")


TAGS = {"title": "朝花夕拾", "album": "朝花夕拾", "artist": "鲁迅", "album_artist": "鲁迅", "composer": "朗读者",
        "date": "1928", "genre": "Audiobook", "comment": "散文集", "description": "散文集", "media_type": "2",
        "track": "1/2"}


def _content(starts: Sequence[int], samples: int, titles: Sequence[str], **kwargs: object) -> BookContent:
    return BookContent(b"M4B ", RATE, samples, list(zip(starts, titles, strict=True)), **kwargs)  # type: ignore[arg-type]


def top_level_boxes(path: Path) -> list[tuple[bytes, int]]:
    """(type, size) of the file's top-level boxes, from their headers."""
    boxes, at, end = [], 0, path.stat().st_size
    with open(path, "rb") as fh:
        while at < end:
            fh.seek(at)
            size, kind = struct.unpack(">I4s", fh.read(8))
            if size == 1:
                size = struct.unpack(">Q", fh.read(8))[0]
            boxes.append((kind, size))
            at += size
    return boxes


def test_the_book_decodes_to_the_joined_samples_exactly(book: tuple[list[tuple[Path, int]], list[int], int],
                                                        tmp_path: Path) -> None:
    chunks, starts, samples = book
    out = tmp_path / "book.m4b"
    write_mp4(chunks, out, _content(starts, samples, TITLES, tags=TAGS))
    pcm = decode_to_pcm(out)
    assert len(pcm) == samples  # the edit list hides the priming and the last frame's padding, to the sample
    joined = tmp_path / "joined.aac"
    join_adts(chunks, joined)
    reference = decode_to_pcm(joined)  # raw ADTS decodes with the priming in front
    assert pcm == reference[AAC_FRAME:AAC_FRAME + samples]
    onsets = [first_sound_ms(pcm, RATE, s * 1000 / RATE - 100, s * 1000 / RATE + 100, 300) for s in starts]
    assert all(abs(o - s * 1000 / RATE) <= 1.0 for o, s in zip(onsets, starts, strict=True)), onsets


def test_chapters_tags_and_cover_read_back_by_ffmpeg_and_mutagen(
        book: tuple[list[tuple[Path, int]], list[int], int], cover: Path, tmp_path: Path) -> None:
    chunks, starts, samples = book
    out = tmp_path / "tagged.m4b"
    write_mp4(chunks, out, _content(starts, samples, TITLES, tags=TAGS, cover=check_cover(cover),
                                    freeform=[(KEY, "digest-1")]))
    marks = read_chapters(out)  # ffmpeg: the QuickTime chapter track
    assert [m.title for m in marks] == TITLES
    assert all(abs(m.start_ms - s * 1000 / RATE) < 0.05 for m, s in zip(marks, starts, strict=True))
    assert abs(marks[-1].end_ms - samples * 1000 / RATE) < 0.05
    mp4 = MP4(out)
    assert mp4.chapters is not None  # mutagen: the Nero list
    assert [c.title for c in mp4.chapters] == TITLES
    assert all(abs(c.start - s / RATE) < 1e-6 for c, s in zip(mp4.chapters, starts, strict=True))
    assert mp4.tags is not None
    assert (mp4.tags["\xa9nam"], mp4.tags["\xa9ART"], mp4.tags["aART"], mp4.tags["\xa9wrt"]) == (
        ["朝花夕拾"], ["鲁迅"], ["鲁迅"], ["朗读者"])
    assert (mp4.tags["stik"], mp4.tags["trkn"], mp4.tags["\xa9day"]) == ([2], [(1, 2)], ["1928"])
    covers = mp4.tags["covr"]
    assert len(covers) == 1 and covers[0].imageformat == MP4Cover.FORMAT_PNG and bytes(covers[0]) == cover.read_bytes()
    assert read_stamp(out, "m4b") == "digest-1"
    tags = read_tags(out)
    assert (tags["title"], tags["artist"], tags["genre"], tags["track"]) == ("朝花夕拾", "鲁迅", "Audiobook", "1/2")
    assert (mp4.info.sample_rate, mp4.info.channels) == (RATE, 1)
    assert out.read_bytes()[4:12] == b"ftypM4B "
    # faststart: the movie header before the audio, as ffmpeg's +faststart leaves it
    assert [kind for kind, _ in top_level_boxes(out)] == [b"ftyp", b"moov", b"free", b"mdat"]
    said = run_ffmpeg(["-i", str(out), "-f", "null", "-"], loglevel="info")
    assert "(attached pic)" in said and "chapter track not found" not in said


def test_more_than_255_chapters_are_all_in_the_chapter_track_and_no_nero_list(tmp_path: Path) -> None:
    chunks, _, samples = make_chunks(tmp_path, [300 * 441])  # one chunk, 300 chapters of 20 ms
    starts = [n * 441 for n in range(300)]
    titles = [f"第{n + 1}章" for n in range(300)]
    out = tmp_path / "many.m4b"
    write_mp4(chunks, out, _content(starts, samples, titles))
    marks = read_chapters(out)
    assert [m.title for m in marks] == titles
    assert all(abs(m.start_ms - s * 1000 / RATE) < 0.05 for m, s in zip(marks, starts, strict=True))
    assert MP4(out).chapters is None  # a Nero list would stop at 255: players reading it first would too
    at_limit = tmp_path / "255.m4b"
    write_mp4(chunks, at_limit, _content(starts[:255], samples, titles[:255]))
    chapters = MP4(at_limit).chapters
    assert chapters is not None and [c.title for c in chapters] == titles[:255]
    assert len(read_chapters(at_limit)) == 255


def test_a_file_past_the_32_bit_limit_gets_co64_and_a_64_bit_mdat(
        book: tuple[list[tuple[Path, int]], list[int], int], tmp_path: Path) -> None:
    """The 4 GB switch, exercised by lowering the limit instead of writing 4 GB."""
    chunks, starts, samples = book
    small, wide = tmp_path / "small.m4b", tmp_path / "wide.m4b"
    write_mp4(chunks, small, _content(starts, samples, TITLES))
    write_mp4(chunks, wide, _content(starts, samples, TITLES), offset_limit=1000)
    data = wide.read_bytes()
    assert b"co64" in data and b"stco" not in data and b"stco" in small.read_bytes()
    assert [kind for kind, _ in top_level_boxes(wide)] == [b"ftyp", b"moov", b"mdat"]
    mdat_at = data.index(b"mdat") - 4
    assert struct.unpack(">I", data[mdat_at:mdat_at + 4])[0] == 1  # a 64-bit size follows
    reference = decode_to_pcm(small)
    assert decode_to_pcm(wide) == reference
    assert [m.start_ms for m in read_chapters(wide)] == [m.start_ms for m in read_chapters(small)]
    assert MP4(wide).info.length == MP4(small).info.length
    # a tagger that grows the movie header moves the audio and rewrites both kinds of offset table
    for path in (small, wide):
        retagged = MP4(path)
        assert retagged.tags is not None
        retagged.tags["\xa9cmt"] = ["备注" * 2000]
        retagged.save()
        assert decode_to_pcm(path) == reference
        assert [m.title for m in read_chapters(path)] == TITLES


def test_no_chapters_means_no_chapter_track(book: tuple[list[tuple[Path, int]], list[int], int],
                                            tmp_path: Path) -> None:
    chunks, _, samples = book
    out = tmp_path / "plain.m4a"
    write_mp4(chunks, out, BookContent(b"M4A ", RATE, samples, (), {"title": "t"}))
    assert read_chapters(out) == [] and MP4(out).chapters is None
    assert len(decode_to_pcm(out)) == samples and out.read_bytes()[4:12] == b"ftypM4A "


def _refused(chunks: list[tuple[Path, int]], starts: list[int], samples: int, out: Path) -> AudioError:
    with pytest.raises(AudioError) as caught:
        write_mp4(chunks, out, _content(starts, samples, TITLES))
    return caught.value


def test_a_truncated_chunk_is_refused_by_name(book: tuple[list[tuple[Path, int]], list[int], int],
                                              tmp_path: Path) -> None:
    chunks, starts, samples = book
    cut = tmp_path / "第二章.aac"
    data = chunks[1][0].read_bytes()
    cut.write_bytes(data[: len(data) - 5])  # inside the last frame
    error = _refused([chunks[0], (cut, chunks[1][1]), chunks[2]], starts, samples, tmp_path / "a.m4b")
    assert error.path == str(cut) and "truncated" in str(error) and str(cut) in str(error)
    short = tmp_path / "short.aac"
    frame = int.from_bytes(data[3:6], "big") >> 5 & 0x1FFF  # the first frame's length
    short.write_bytes(data[frame:])  # one whole frame fewer than its encoder wrote
    error = _refused([chunks[0], (short, chunks[1][1]), chunks[2]], starts, samples, tmp_path / "b.m4b")
    assert error.path == str(short) and "AAC frames, expected" in str(error)


def test_a_chunk_that_is_not_adts_or_of_another_rate_is_refused_by_name(
        book: tuple[list[tuple[Path, int]], list[int], int], tmp_path: Path) -> None:
    chunks, starts, samples = book
    junk = tmp_path / "junk.aac"
    data = bytearray(chunks[2][0].read_bytes())
    at = 0
    for _ in range(5):  # the sixth frame's header
        at += int.from_bytes(data[at + 3:at + 6], "big") >> 5 & 0x1FFF
    data[at:at + 2] = b"\x00\x00"  # its sync word damaged
    junk.write_bytes(bytes(data))
    error = _refused([*chunks[:2], (junk, chunks[2][1])], starts, samples, tmp_path / "c.m4b")
    assert error.path == str(junk) and f"at byte {at}" in str(error)
    other = tmp_path / "48k.aac"
    run_ffmpeg(["-f", "lavfi", "-i", "sine=d=0.5:r=48000", "-c:a", "aac", "-f", "adts", str(other)])
    error = _refused([(other, chunks[0][1]), *chunks[1:]], starts, samples, tmp_path / "d.m4b")
    assert error.path == str(other) and "48000 Hz" in str(error)
    error = _refused([*chunks[:2], (other, chunks[2][1])], starts, samples, tmp_path / "e.m4b")  # a later chunk
    assert error.path == str(other) and "another rate" in str(error)
    text = tmp_path / "text.aac"
    text.write_bytes(b"this is not audio at all")
    error = _refused([chunks[0], (text, chunks[1][1]), chunks[2]], starts, samples, tmp_path / "f.m4b")
    assert error.path == str(text) and "not an ADTS" in str(error)
    assert sorted(p.name for p in tmp_path.glob("*.m4b")) == []  # no half-written book left behind


def test_a_set_stop_event_cancels(book: tuple[list[tuple[Path, int]], list[int], int], tmp_path: Path) -> None:
    chunks, starts, samples = book
    stop = threading.Event()
    stop.set()
    with pytest.raises(CancelledError):
        write_mp4(chunks, tmp_path / "x.m4b", _content(starts, samples, TITLES), stop=stop)
    assert not (tmp_path / "x.m4b").exists()
