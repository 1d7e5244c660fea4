"""An oversized cover is embedded as a JPEG of at most 1400 px where players look for it (M4B ``covr``, MP3
``APIC``); a cover that already fits is embedded byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutagen.id3 import ID3
from mutagen.mp4 import MP4, MP4Cover

from studio.audio.cover_fit import cover_size
from studio.audio.export import ExportOptions, export_audiobook
from studio.audio.ffmpeg import run_ffmpeg
from studio.audio.stitch import ChapterAudio
from studio.audio.tags import BookInfo
from studio.audio.timeline import Gaps
from tests.integration.test_export_support import tone_piece


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> list[ChapterAudio]:
    root = tmp_path_factory.mktemp("cover")
    return [ChapterAudio(f"第{n + 1}章", [tone_piece(root / f"{n}.wav", [600.0], rate=8000).piece]) for n in range(2)]


@pytest.fixture(scope="module")
def big_png(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("img") / "big.png"
    run_ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=3000x2000:d=1", "-frames:v", "1", str(path)])
    return path


def _jpeg_size(data: bytes, where: Path) -> tuple[int, int]:
    assert data[:3] == b"\xff\xd8\xff", "not a JPEG"
    image = where / "embedded.jpg"
    image.write_bytes(data)
    return cover_size(image)


def test_a_3000_px_png_is_embedded_in_the_m4b_as_a_1400_px_jpeg(book: list[ChapterAudio], big_png: Path,
                                                                tmp_path: Path) -> None:
    out = tmp_path / "b.m4b"
    export_audiobook(book, out, BookInfo("封面", cover=big_png), ExportOptions(gaps=Gaps(chapter_ms=500),
                                                                              loudness=None))
    covers = MP4(out).tags["covr"]
    assert len(covers) == 1 and covers[0].imageformat == MP4Cover.FORMAT_JPEG
    assert _jpeg_size(bytes(covers[0]), tmp_path) == (1400, 934)  # aspect kept (3:2), even sides
    assert len(covers[0]) < big_png.stat().st_size


def test_every_chapter_mp3_carries_the_resized_cover(book: list[ChapterAudio], big_png: Path,
                                                     tmp_path: Path) -> None:
    result = export_audiobook(book, tmp_path / "ch", BookInfo("封面", cover=big_png),
                              ExportOptions(format="chapters", chapter_format="mp3", loudness=None))
    for file in result.files:
        pictures = ID3(file.path).getall("APIC")
        assert len(pictures) == 1 and pictures[0].mime == "image/jpeg" and pictures[0].type == 3
        assert max(_jpeg_size(pictures[0].data, tmp_path)) == 1400


def test_a_small_cover_is_embedded_unchanged(book: list[ChapterAudio], tmp_path: Path) -> None:
    small = tmp_path / "small.png"
    run_ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=300x300:d=1", "-frames:v", "1", str(small)])
    out = tmp_path / "s.mp3"
    export_audiobook(book, out, BookInfo("小", cover=small), ExportOptions(format="mp3", loudness=None))
    pictures = ID3(out).getall("APIC")
    assert pictures[0].mime == "image/png" and pictures[0].data == small.read_bytes()
