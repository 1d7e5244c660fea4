"""MP4 boxes as players parse them: the 32/64-bit switches, the chapter lists' limits and rounding, the iTunes
atoms in ffmpeg's order and types, and the AAC configuration taken from an ADTS header. Pure bytes, no ffmpeg:
the files these make are read back by ffmpeg and mutagen in tests/integration/test_mp4_writer.py."""

from __future__ import annotations

import struct

import pytest

from studio.audio import mp4_boxes as b
from studio.audio.adts import FrameError, read_config
from studio.audio.mp4_movie import BookContent, SoundTables, chapter_timing, chunk_runs, movie
from studio.audio.mp4_tags import chapter_sample, chpl, ilst
from studio.audio.mp4_writer import _mdat_header

# the first header ffmpeg's AAC encoder writes at 22,050 Hz mono (AAC LC, no CRC)
HEADER_22K_MONO = bytes.fromhex("fff15c40443ffc")


def _children(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, body) of the boxes laid end to end in ``data``."""
    found, at = [], 0
    while at < len(data):
        size, kind = struct.unpack(">I4s", data[at:at + 8])
        head = 8
        if size == 1:
            size, head = struct.unpack(">Q", data[at + 8:at + 16])[0], 16
        found.append((kind, data[at + head:at + size]))
        at += size
    return found


def _find(data: bytes, kind: bytes) -> bytes:
    """The body of the first box of type ``kind`` (header found by search: fine for these small trees)."""
    at = data.index(kind) - 4
    size = struct.unpack(">I", data[at:at + 4])[0]
    return data[at + 8:at + size]


def test_a_box_over_4_gb_gets_a_64_bit_size() -> None:
    small = b.Box(b"mdat", b.Reserved(100))
    assert small.size == 108 and small.header() == struct.pack(">I4s", 108, b"mdat")
    huge = b.Box(b"mdat", b.Reserved(2**32))
    assert huge.size == 2**32 + 16 and huge.header() == struct.pack(">I4sQ", 1, b"mdat", 2**32 + 16)


def test_chunk_offsets_are_64_bit_only_when_asked() -> None:
    assert _children(b.chunk_offsets([8, 2**31], wide=False).to_bytes()) == [
        (b"stco", struct.pack(">III", 0, 2, 8) + struct.pack(">I", 2**31))]
    assert _children(b.chunk_offsets([8, 2**33], wide=True).to_bytes()) == [
        (b"co64", struct.pack(">IIQQ", 0, 2, 8, 2**33))]
    with pytest.raises(ValueError, match="4 GB"):
        b.chunk_offsets([2**32], wide=False)
    assert b.chunk_offsets(3, wide=True).size == b.chunk_offsets([0, 0, 0], wide=True).size  # room reserved


def test_the_mdat_header_switches_to_64_bits_past_the_limit() -> None:
    assert _mdat_header(1000, 2**32 - 1) == struct.pack(">I4sI4s", 8, b"free", 992, b"mdat")
    assert _mdat_header(1000, 500) == struct.pack(">I4sQ", 1, b"mdat", 1000)
    assert len(_mdat_header(1000, 500)) == len(_mdat_header(1000, 2**32 - 1)) == 16  # same room either way


def test_durations_past_32_bits_use_version_1_headers() -> None:
    config = read_config(HEADER_22K_MONO)
    content = BookContent(b"M4B ", 22050, 2**33, [(0, "一"), (2**32, "二")])
    data = movie(content, config, SoundTables(frames=10, wide=False), None).to_bytes()
    mvhd = _find(data, b"mvhd")
    assert mvhd[0] == 1 and struct.unpack(">QQIQ", mvhd[4:32])[2:] == (22050, 2**33)
    tkhd = _find(data, b"tkhd")
    assert tkhd[0] == 1 and struct.unpack(">Q", tkhd[4 + 24:4 + 32])[0] == 2**33
    elst = _find(data, b"elst")
    assert elst[0] == 1 and struct.unpack(">IQq", elst[4:24]) == (1, 2**33, 1024)
    assert _find(data, b"mdhd")[0] == 0  # the sound media itself is short here: 10 frames


def test_a_chapter_too_long_for_32_bits_moves_the_chapter_track_to_milliseconds() -> None:
    assert chapter_timing([(0, "a"), (1000, "b")], 3000, 48000) == (48000, [1000, 2000])
    scale, durations = chapter_timing([(0, "a"), (48000, "b")], 2**32 + 48000, 48000)
    assert scale == 1000 and durations == [1000, round(2**32 / 48)]
    with pytest.raises(ValueError, match="rise from 0"):
        chapter_timing([(5, "a")], 100, 48000)


def test_chunks_of_1024_frames_in_at_most_two_runs() -> None:
    assert chunk_runs(10) == [(1, 10)]
    assert chunk_runs(2048) == [(1, 1024)]
    assert chunk_runs(2050) == [(1, 1024), (3, 2)]


def test_the_nero_list_rounds_to_100_ns_and_cuts_titles_at_a_character() -> None:
    title = "章" * 100  # 300 bytes of UTF-8: cut to 85 whole characters (255 bytes)
    body = _children(chpl([(0, "a"), (38912, title)], 22050).to_bytes())[0][1]
    assert body[:9] == bytes([1, 0, 0, 0, 0, 0, 0, 0, 2])
    first, second = body[9:9 + 10], body[19:]
    assert first == struct.pack(">QB", 0, 1) + b"a"
    start, length = struct.unpack(">QB", second[:9])
    assert start == 17647166  # 38912 / 22050 s = 1.76471655 s, rounded to the nearest 100 ns
    assert length == 255 and second[9:].decode("utf-8") == "章" * 85


def test_a_chapter_track_sample_is_length_title_and_encoding() -> None:
    encd = bytes.fromhex("0000000c656e636400000100")  # a 12-byte box: the text is UTF-8
    assert chapter_sample("第1章") == struct.pack(">H", 7) + "第1章".encode() + encd


def test_tags_become_itunes_atoms_in_ffmpegs_order_and_types() -> None:
    tags = {"genre": "Audiobook", "title": "书", "track": "2/5", "media_type": "2", "artist": "作者",
            "description": "d", "comment": "c", "sort_album": "ignored as ffmpeg ignores it", "disc": "1"}
    items = _children(_children(ilst(tags, None).to_bytes())[0][1])
    assert [kind for kind, _ in items] == [b"\xa9nam", b"\xa9ART", b"\xa9too", b"\xa9cmt", b"\xa9gen", b"desc",
                                           b"stik", b"trkn", b"disk"]
    data = {kind: _children(body)[0][1] for kind, body in items}
    assert data[b"\xa9nam"] == struct.pack(">II", 1, 0) + "书".encode()
    assert data[b"stik"] == struct.pack(">IIB", 0x15, 0, 2)
    assert data[b"trkn"] == struct.pack(">II4H", 0, 0, 0, 2, 5, 0)
    assert data[b"disk"] == struct.pack(">II4H", 0, 0, 0, 1, 0, 0)
    assert data[b"\xa9too"].startswith(struct.pack(">II", 1, 0) + b"Audiobook Studio")


def test_the_aac_configuration_comes_from_the_adts_header() -> None:
    config = read_config(HEADER_22K_MONO)
    assert (config.sample_rate, config.channels, config.header_size) == (22050, 1, 7)
    assert config.audio_specific_config() == bytes.fromhex("1388")  # what ffmpeg writes into esds
    stereo_44k = bytes([0xFF, 0xF1, 0x50, 0x80, 0x2E, 0x7F, 0xFC])
    assert read_config(stereo_44k).audio_specific_config() == bytes.fromhex("1210")
    with_crc = bytes([0xFF, 0xF0]) + HEADER_22K_MONO[2:]
    assert read_config(with_crc).header_size == 9
    with pytest.raises(FrameError, match="channel configuration 0"):
        read_config(bytes([0xFF, 0xF1, 0x5C, 0x00, 0x44, 0x3F, 0xFC]))
    with pytest.raises(FrameError, match="not an ADTS"):
        read_config(b"ID3\x04\x00\x00\x00")
