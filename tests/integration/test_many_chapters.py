"""A book of more than 255 chapters shows every chapter: ffmpeg reads 300 chapters back from the M4B, in
order with their titles, and no Nero ``chpl`` list (one byte of count: it holds 255) is there for a player
or mutagen to find first and stop at 255. Tiny tone chapters keep it fast."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutagen.mp4 import MP4

from studio.audio import read_chapters
from studio.audio.export import ExportOptions, export_audiobook
from studio.audio.pieces import Piece
from studio.audio.stitch import ChapterAudio
from studio.audio.tags import BookInfo
from studio.audio.timeline import Gaps
from tests.integration.test_export_support import tone_piece

CHAPTERS = 300


@pytest.fixture(scope="module")
def tiny_book(tmp_path_factory: pytest.TempPathFactory) -> list[ChapterAudio]:
    root = tmp_path_factory.mktemp("many")
    piece = tone_piece(root / "tone.wav", [150.0], rate=8000)  # one file: every chapter is the same beep
    return [ChapterAudio(f"第{n + 1}章", [Piece(piece.piece.path)]) for n in range(CHAPTERS)]


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
