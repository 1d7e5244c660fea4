"""Long books in parts: split only between chapters, every chapter whole, every part a complete file.

Each part is decoded on its own from start to end, its chapter marks start at 0 and sit on the audio, and
its tags say which part it is.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.audio import decode_to_pcm, read_chapters, read_tags
from studio.audio.cuesheet import read_cue
from studio.audio.export import ExportOptions, export_audiobook
from studio.audio.stitch import ChapterAudio
from studio.audio.tags import BookInfo
from studio.audio.timeline import Gaps
from tests.integration.test_export_support import first_sound_ms, tone_piece

RATE = 22050
GAPS = Gaps(paragraph_ms=500, chapter_ms=1000)
LENGTHS_S = [6, 9, 4, 12, 7, 5, 8, 10]  # 61 s of chapters + 7 s of gaps


@pytest.fixture(scope="module")
def chapters(tmp_path_factory: pytest.TempPathFactory) -> list[ChapterAudio]:
    root = tmp_path_factory.mktemp("parts")
    return [ChapterAudio(f"第{n + 1}章", [tone_piece(root / f"{n}.wav", [seconds * 1000 / 2] * 2, pause_ms=0).piece])
            for n, seconds in enumerate(LENGTHS_S)]


def test_parts_keep_chapters_whole_and_play_alone(chapters: list[ChapterAudio], tmp_path: Path,
                                                  record_property: object) -> None:
    limit_s = 25
    result = export_audiobook(chapters, tmp_path / "book.m4b", BookInfo("长篇", "作者"),
                              ExportOptions(gaps=GAPS, split_hours=limit_s / 3600))
    files = result.files
    assert len(files) == 3  # 68 s at most 25 s a part: three parts, balanced rather than 25 + 25 + 18
    assert [f.path.name for f in files] == [f"book - Part 0{n}.m4b" for n in (1, 2, 3)]
    titles = [m.title for f in files for m in f.chapters]
    assert titles == [c.title for c in chapters]  # every chapter once, whole, in order
    lengths = [round(f.duration_ms / 1000, 2) for f in files]
    record_property("part_lengths_s", lengths)  # type: ignore[operator]
    assert all(f.duration_ms <= limit_s * 1000 for f in files)
    assert max(lengths) - min(lengths) < 10
    for n, file in enumerate(files, 1):
        assert file.part == n
        marks = read_chapters(file.path)
        assert marks[0].start_ms == 0 and [m.title for m in marks] == [m.title for m in file.chapters]
        pcm = decode_to_pcm(file.path, sample_rate=RATE)  # the whole part decodes on its own
        assert abs(len(pcm) * 1000 / RATE - file.duration_ms) < 50
        for mark in marks:
            onset = first_sound_ms(pcm, RATE, mark.start_ms - 500, mark.start_ms + 500, 2000)
            assert abs(onset - mark.start_ms) <= 1024 / RATE * 1000
        tags = read_tags(file.path)
        assert tags["title"] == f"长篇 ({n}/3)" and tags["album"] == "长篇" and tags["track"] == f"{n}/3"
    # the report places every chapter in its part
    assert [c.file.name for c in result.chapters] == [f.path.name for f in files for _ in f.chapters]


def test_a_chapter_longer_than_a_part_stands_alone(chapters: list[ChapterAudio], tmp_path: Path) -> None:
    result = export_audiobook(chapters, tmp_path / "b.flac", BookInfo("长篇"),
                              ExportOptions(format="flac", gaps=GAPS, split_hours=10 / 3600, loudness=None))
    groups = [[m.title for m in f.chapters] for f in result.files]
    assert ["第4章"] in groups and ["第2章"] in groups  # 12 s and 9 s chapters, limit 10 s
    assert sum(len(g) for g in groups) == len(chapters)
    assert any("longer than" in n for n in result.notes)
    for file in result.files:  # each FLAC part has its own cue sheet, starting at 0
        cue = read_cue(file.extras[0])
        assert cue.file == file.path.name and cue.tracks[0].start == 0
        assert [t.title for t in cue.tracks] == [m.title for m in file.chapters]


def test_cue_sheets_hold_99_tracks_so_big_books_split(tmp_path: Path) -> None:
    piece = tone_piece(tmp_path / "short.wav", [100]).piece
    many = [ChapterAudio(f"第{n}章", [piece]) for n in range(1, 121)]
    result = export_audiobook(many, tmp_path / "many.wav", BookInfo("短章"),
                              ExportOptions(format="wav", gaps=Gaps(chapter_ms=100), loudness=None))
    assert [len(f.chapters) for f in result.files] == [60, 60]
    assert any("99 tracks" in n for n in result.notes)
    assert all(len(read_cue(f.extras[0]).tracks) == 60 for f in result.files)


@pytest.mark.parametrize("fmt", ["m4b", "mp3"])
def test_parts_are_tagged_as_one_book_with_their_own_chapters(chapters: list[ChapterAudio], tmp_path: Path,
                                                               fmt: str) -> None:
    """Audiobookshelf groups a folder's files into one book by album (and album artist) and orders them by
    track: every part says the same book, its own n/N, and lists only its own chapters from 0."""
    result = export_audiobook(chapters, tmp_path / f"book.{fmt}", BookInfo("长篇", "作者"),
                              ExportOptions(format=fmt, gaps=GAPS, split_hours=25 / 3600, loudness=None))
    files = result.files
    assert len(files) == 3
    seen = []
    for n, file in enumerate(files, 1):
        tags = read_tags(file.path)
        assert (tags["album"], tags["artist"], tags["album_artist"]) == ("长篇", "作者", "作者"), tags
        assert tags["track"] == f"{n}/3" and tags["title"] == f"长篇 ({n}/3)"
        marks = read_chapters(file.path)
        assert marks[0].start_ms == 0
        seen += [m.title for m in marks]
    assert seen == [c.title for c in chapters]
