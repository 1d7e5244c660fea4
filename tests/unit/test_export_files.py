"""What the exporter writes besides audio: cue sheets, SRT/LRC, tags, file names; and how covers are checked."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from studio.audio.cuesheet import cue_time, parse_cue, render_cue
from studio.audio.export import ExportOptions, check_options, checked_cover, safe_filename
from studio.audio.subtitles import parse_lrc, parse_srt, render_lrc, render_srt
from studio.audio.tags import BookInfo, chapters_in_time_order, ffmpeg_tags, vorbis_chapter_tags
from studio.audio.timeline import ChapterSpan, TimedCue
from studio.core.errors import InputError

RATE = 22050
CHAPTERS = [ChapterSpan(0, "第一章 “百草园”", 0, 294 * 75), ChapterSpan(1, 'Two "quoted"', 294 * 75, 294 * 9000),
            ChapterSpan(2, "第三章", 294 * 9000, 294 * 9001)]


def test_cue_times_are_exact_on_the_grid() -> None:
    assert cue_time(0, RATE) == "00:00:00"
    assert cue_time(294, RATE) == "00:00:01"  # one CD frame
    assert cue_time(294 * 75 * 61 + 294 * 74, RATE) == "01:01:74"
    assert cue_time(RATE * 3600 * 5, RATE) == "300:00:00"  # minutes go past 99 in long books


def test_cue_sheet_round_trip_with_chinese_and_quotes() -> None:
    info = BookInfo("朝花夕拾", "鲁迅", narrator="机器", year="1928")
    text = render_cue("book.flac", info, CHAPTERS, RATE)
    assert 'FILE "book.flac" WAVE' in text and "REM DATE 1928" in text and "\r\n" in text
    sheet = parse_cue("\ufeff" + text)
    assert (sheet.title, sheet.performer, sheet.file) == ("朝花夕拾", "鲁迅", "book.flac")
    assert [t.number for t in sheet.tracks] == [1, 2, 3]
    assert [t.title for t in sheet.tracks] == ["第一章 “百草园”", "Two ”quoted”", "第三章"]
    assert [t.start for t in sheet.tracks] == [Fraction(0), Fraction(1), Fraction(120)]


def test_srt_and_lrc_format_and_parse_back() -> None:
    cues = [TimedCue("春眠不觉晓。", 0, 22050), TimedCue("处处\n闻啼鸟。", 22050 * 3661 + 11025, 22050 * 3662)]
    srt = render_srt(cues, RATE)
    assert srt.startswith("1\n00:00:00,000 --> 00:00:01,000\n春眠不觉晓。\n")
    assert "01:01:01,500 --> 01:01:02,000\n处处 闻啼鸟。" in srt
    assert parse_srt(srt) == [(0.0, 1000.0, "春眠不觉晓。"), (3661500.0, 3662000.0, "处处 闻啼鸟。")]
    lrc = render_lrc(cues, RATE, title="唐诗", artist="孟浩然", duration_frames=22050 * 3700)
    assert lrc.splitlines()[:3] == ["[ti:唐诗]", "[ar:孟浩然]", "[length:61:40]"]
    assert "[61:01.50]处处 闻啼鸟。" in lrc
    assert parse_lrc(lrc) == [(0.0, "春眠不觉晓。"), (3661500.0, "处处 闻啼鸟。")]


def test_tags_per_container() -> None:
    info = BookInfo("书", "作者", "朗读", "2001", "简介", extra={"publisher": "出版社"})
    m4b = ffmpeg_tags(info, "m4b")
    assert m4b["title"] == "书" and m4b["album"] == "书" and m4b["artist"] == "作者" and m4b["composer"] == "朗读"
    assert m4b["date"] == "2001" and m4b["description"] == "简介" and m4b["media_type"] == "2"
    assert "publisher" not in m4b  # MP4 has no place for it
    part = ffmpeg_tags(info, "m4a", title="第一章", track=(1, 12))
    assert part["title"] == "第一章" and part["track"] == "1/12" and "media_type" not in part
    flac = ffmpeg_tags(info, "flac")
    assert flac["NARRATOR"] == "朗读" and flac["comment"] == "简介" and "description" not in flac
    assert set(ffmpeg_tags(info, "wav")) <= {"title", "artist", "album", "genre", "date", "comment", "track",
                                             "composer"}
    assert vorbis_chapter_tags(CHAPTERS[:2], RATE) == {
        "CHAPTER001": "00:00:00.000", "CHAPTER001NAME": "第一章 “百草园”",
        "CHAPTER002": "00:00:01.000", "CHAPTER002NAME": 'Two "quoted"'}


def test_id3_chapters_are_written_in_time_order() -> None:
    def chap(element: bytes, start: int, title_len: int) -> bytes:
        body = element + b"\0" + start.to_bytes(4, "big") + b"\0" * 12 + b"T" * title_len
        return b"CHAP" + len(body).to_bytes(4, "big") + b"\0\0" + body

    tit2 = b"TIT2" + (3).to_bytes(4, "big") + b"\0\0" + b"\0ab"
    frames = tit2 + chap(b"ch2", 9000, 1) + chap(b"ch0", 0, 9) + chap(b"ch1", 4000, 5) + b"\0" * 20
    ordered = chapters_in_time_order(frames, syncsafe=False)
    assert len(ordered) == len(frames) and ordered.startswith(tit2) and ordered.endswith(b"\0" * 20)
    assert [ordered.find(e) for e in (b"ch0", b"ch1", b"ch2")] == sorted(ordered.find(e)
                                                                        for e in (b"ch0", b"ch1", b"ch2"))


def test_safe_file_names() -> None:
    assert safe_filename('第1章: "开始" / 结尾?', "x") == "第1章_ _开始_ _ 结尾_"
    assert safe_filename("  ...  ", "Chapter 3") == "Chapter 3"
    assert len(safe_filename("长" * 300, "x")) == 80


@pytest.mark.parametrize(("options", "message"), [
    (ExportOptions(format="ogg"), "unknown format 'ogg'"),
    (ExportOptions(format="chapters", chapter_format="m4b"), "unknown chapter format"),
    (ExportOptions(subtitles=("vtt",)), "unknown subtitle format 'vtt'"),
    (ExportOptions(format="chapters", split_hours=2), "single-file formats"),
    (ExportOptions(split_hours=0), "out of range"),
    (ExportOptions(sample_rate=4000), "sample rate"),
])
def test_bad_options_are_input_errors(options: ExportOptions, message: str) -> None:
    with pytest.raises(InputError, match=message):
        check_options(options)


def test_cover_must_exist_be_an_image_and_decode(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found") as missing:
        checked_cover(tmp_path / "nope.jpg")
    assert str(missing.value).startswith(str(tmp_path / "nope.jpg"))
    text = tmp_path / "cover.jpg"
    text.write_text("not an image")
    with pytest.raises(InputError, match="not a JPEG or PNG"):
        checked_cover(text)
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    with pytest.raises(InputError, match="cannot be decoded"):
        checked_cover(broken)
    assert checked_cover(None) is None
