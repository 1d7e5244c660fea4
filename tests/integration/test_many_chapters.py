"""A book of more than 255 chapters shows every chapter: ffmpeg reads 300 chapters back from the M4B, in
order with their titles, and no Nero ``chpl`` list (one byte of count: it holds 255) is there for a player
or mutagen to find first and stop at 255. Tiny tone chapters keep it fast."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutagen.mp4 import MP4

from studio.audio import read_chapters, read_tags
from studio.audio.export import ExportOptions, export_audiobook
from studio.audio.pieces import Piece
from studio.audio.stitch import ChapterAudio
from studio.audio.tags import BookInfo
from studio.audio.timeline import Gaps
from tests.integration.test_export_support import tone_piece

CHAPTERS = 300


@pytest.fixture(scope="module")
def tiny_beep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One file for every chapter (the same beep: the chunked encoder encodes a repeated chapter once)."""
    return tone_piece(tmp_path_factory.mktemp("many") / "tone.wav", [150.0], rate=8000).piece.path


@pytest.fixture(scope="module")
def tiny_book(tiny_beep: Path) -> list[ChapterAudio]:
    return [ChapterAudio(f"第{n + 1}章", [Piece(tiny_beep)]) for n in range(CHAPTERS)]


@pytest.mark.parametrize("chunked", [False, True], ids=["one-pass", "chunked"])
def test_300_chapters_read_back_in_order_with_titles(tiny_book: list[ChapterAudio], tmp_path: Path,
                                                     chunked: bool) -> None:
    gaps = Gaps(chapter_ms=400 if chunked else 50)  # the chunked encoder cuts in chapter gaps of >= 3 frames
    out = tmp_path / "many.m4b"
    export_audiobook(tiny_book, out, BookInfo("长篇"), ExportOptions(format="m4b", gaps=gaps, loudness=None),
                     chunked=chunked)
    marks = read_chapters(out)
    assert [m.title for m in marks] == [f"第{n + 1}章" for n in range(CHAPTERS)]
    starts = [m.start_ms for m in marks]
    assert starts == sorted(starts) and len(set(starts)) == CHAPTERS
    mp4 = MP4(out)
    assert mp4.chapters is None or len(mp4.chapters) == CHAPTERS  # no list that stops at 255
    assert mp4.tags is not None and mp4.tags["\xa9alb"] == ["长篇"]
    assert abs(mp4.info.length - marks[-1].end_ms / 1000) < 0.5  # mutagen counts the AAC priming and padding


def test_a_short_book_keeps_its_chpl_list_for_mutagen(tiny_book: list[ChapterAudio], tmp_path: Path) -> None:
    out = tmp_path / "short.m4b"
    export_audiobook(tiny_book[:3], out, BookInfo("短"), ExportOptions(format="m4b", gaps=Gaps(chapter_ms=50),
                                                                       loudness=None), chunked=False)
    chapters = MP4(out).chapters
    assert chapters is not None and [c.title for c in chapters] == ["第1章", "第2章", "第3章"]


def test_a_600_chapter_book_splits_between_chapters_into_parts_tagged_as_one_book(
        tiny_beep: Path, tmp_path: Path) -> None:
    """``--split-hours`` on a long web novel: 600 chapters in two parts of 300 (each past the 255 a Nero list
    holds). Every chapter is in exactly one part, whole (the part ends where its last chapter's audio ends),
    in order; each part lists its own chapters from 0 (ffmpeg and mutagen agree) and says which part of which
    book it is, so Audiobookshelf groups the parts as one book."""
    count, limit_s = 600, 180
    book = [ChapterAudio(f"第{n + 1}章", [Piece(tiny_beep)]) for n in range(count)]
    result = export_audiobook(book, tmp_path / "novel.m4b", BookInfo("长篇", "作者"),
                              ExportOptions(format="m4b", gaps=Gaps(chapter_ms=400), loudness=None,
                                            split_hours=limit_s / 3600))
    files = result.files
    assert [f.path.name for f in files] == ["novel - Part 01.m4b", "novel - Part 02.m4b"]
    assert [len(f.chapters) for f in files] == [300, 300]  # 330 s at most 180 s a part: balanced halves
    seen: list[str] = []
    for n, file in enumerate(files, 1):
        assert file.part == n and file.duration_ms <= limit_s * 1000
        marks = read_chapters(file.path)
        titles = [m.title for m in marks]
        assert titles == [m.title for m in file.chapters] and marks[0].start_ms == 0
        starts = [m.start_ms for m in marks]
        assert starts == sorted(starts) and len(set(starts)) == len(starts)
        assert all(abs((m.end_ms - m.start_ms) - 550) < 1024 / 8 for m in marks[:-1])  # 150 ms beep + 400 ms gap
        assert abs(marks[-1].end_ms - marks[-1].start_ms - 150) < 1  # the last chapter whole, no gap after it
        assert abs(marks[-1].end_ms - file.duration_ms) < 1
        mp4 = MP4(file.path)
        assert mp4.chapters is None or [c.title for c in mp4.chapters] == titles
        assert abs(mp4.info.length - file.duration_ms / 1000) < 0.5
        tags = read_tags(file.path)
        assert (tags["album"], tags["artist"], tags["album_artist"]) == ("长篇", "作者", "作者"), tags
        assert tags["track"] == f"{n}/2" and tags["title"] == f"长篇 ({n}/2)"
        seen += titles
    assert seen == [c.title for c in book]  # every chapter once, in order
    assert [c.file.name for c in result.chapters] == [f.path.name for f in files for _ in f.chapters]
