"""Every export format against real ffmpeg: chapter marks where the audio really starts, tags, covers.

The book mixes sources the way real projects do (8, 16, 22.05 and 24 kHz pieces; sentence timestamps; a
spoken title), with sentence, paragraph, heading and chapter gaps. Marks are read back the way players read
them (mutagen's MP4 chapters and ID3 CHAP/CTOC, ffmpeg's chapter reader, the cue sheet) and compared with
the onset of sound in the decoded file: within one codec frame for M4B (1024 samples) and MP3 (1152), and
exact for WAV/FLAC + cue (the cue time equals the real start; the 1/75 s grid is the only rounding and the
export puts starts on it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pytest
from mutagen.flac import FLAC
from mutagen.id3 import ID3
from mutagen.mp4 import MP4

from studio.audio import decode_to_pcm, read_chapters, read_tags
from studio.audio.cuesheet import read_cue
from studio.audio.export import ExportOptions, ExportResult, export_audiobook
from studio.audio.stitch import ChapterAudio
from studio.audio.tags import BookInfo
from studio.audio.timeline import Gaps, cue_grid
from tests.integration.test_export_support import first_sound_ms, make_cover, tone_piece

TITLES = ["第一章 百草园", "Part 2 = two; #2 \\ back", "第三章 “三味书屋”"]
GAPS = Gaps(sentence_ms=250, paragraph_ms=600, heading_ms=800, chapter_ms=1500)
RATE = 24000  # the highest input rate: the export's rate
INFO_FIELDS = {"title": "朝花夕拾", "author": "鲁迅", "narrator": "机器朗读", "year": "1928",
               "description": "回忆散文集"}


@dataclass
class Book:
    chapters: list[ChapterAudio]
    info: BookInfo
    root: Path


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Book:
    root = tmp_path_factory.mktemp("formats")
    src = root / "pieces"
    src.mkdir()
    chapters = [
        ChapterAudio(TITLES[0], [tone_piece(src / "a1.wav", [600, 400]).piece,
                                 tone_piece(src / "a2.wav", [500], rate=16000).piece]),
        ChapterAudio(TITLES[1], [tone_piece(src / "b1.wav", [700], rate=8000).piece,
                                 tone_piece(src / "b2.wav", [300, 300, 300], rate=RATE).piece]),
        ChapterAudio(TITLES[2], [tone_piece(src / "c0.wav", [400], kind="title", texts=[TITLES[2]]).piece,
                                 tone_piece(src / "c1.wav", [800, 300, 500]).piece]),
    ]
    info = BookInfo(cover=make_cover(root / "cover.png"), **INFO_FIELDS)
    return Book(chapters, info, root)


_exports: dict[str, ExportResult] = {}


def export(book: Book, fmt: str, **kwargs: object) -> ExportResult:
    key = fmt + repr(sorted(kwargs.items()))
    if key not in _exports:
        out = book.root / f"out-{fmt}-{len(_exports)}" / (f"book.{fmt}" if fmt != "chapters" else "files")
        options = ExportOptions(format=fmt, gaps=GAPS, **kwargs)  # type: ignore[arg-type]
        _exports[key] = export_audiobook(book.chapters, out, book.info, options)
    return _exports[key]


def onsets_ms(path: Path, marks_ms: list[float], threshold: int) -> list[float]:
    pcm = decode_to_pcm(path, sample_rate=RATE)
    return [first_sound_ms(pcm, RATE, m - 1000, m + 1000, threshold) for m in marks_ms]


def assert_within(label: str, marks: list[float], onsets: list[float], tolerance_ms: float,
                  record_property: object) -> None:
    errors = [round(m - o, 3) for m, o in zip(marks, onsets, strict=True)]
    record_property(f"{label}_mark_minus_onset_ms", errors)  # type: ignore[operator]
    print(f"{label}: mark - onset (ms) = {errors}")
    assert all(abs(e) <= tolerance_ms for e in errors), (label, errors, tolerance_ms)


@pytest.mark.parametrize("fmt", ["m4b", "mp3", "wav", "flac"])
def test_timeline_marks_sit_on_the_decoded_onsets(book: Book, fmt: str, record_property: object) -> None:
    result = export(book, fmt)
    (file,) = result.files
    assert file.sample_rate == RATE and file.channels == 1
    assert [m.title for m in file.chapters] == TITLES
    threshold = 2000 if fmt in ("m4b", "mp3") else 1000  # above a lossy codec's pre-echo
    onsets = onsets_ms(file.path, [m.start_ms for m in file.chapters], threshold)
    # the plan's marks are exact; a decoded onset may sit a sample or two after a tone's zero crossing
    assert_within(f"{fmt}_timeline", [m.start_ms for m in file.chapters], onsets, 0.2, record_property)


def test_m4b_chapters_tags_and_cover(book: Book, record_property: object) -> None:
    file = export(book, "m4b").files[0]
    mp4 = MP4(file.path)
    marks = [c.start * 1000 for c in mp4.chapters]
    assert [c.title for c in mp4.chapters] == TITLES
    assert_within("m4b_mutagen", marks, onsets_ms(file.path, marks, 2000), 1024 / RATE * 1000, record_property)
    ff = read_chapters(file.path)
    assert [m.title for m in ff] == TITLES
    assert_within("m4b_ffmpeg", [m.start_ms for m in ff], onsets_ms(file.path, [m.start_ms for m in ff], 2000),
                  1024 / RATE * 1000, record_property)
    tags = mp4.tags
    assert tags is not None
    assert tags["\xa9nam"] == ["朝花夕拾"] and tags["\xa9ART"] == ["鲁迅"] and tags["\xa9alb"] == ["朝花夕拾"]
    assert tags["\xa9wrt"] == ["机器朗读"] and tags["\xa9day"] == ["1928"] and tags["desc"] == ["回忆散文集"]
    assert tags["stik"] == [2] and len(tags["covr"][0]) > 1000
    assert file.path.read_bytes()[4:12] == b"ftypM4B "


def test_mp3_id3_chapters_tags_and_cover(book: Book, record_property: object) -> None:
    file = export(book, "mp3").files[0]
    tag = ID3(file.path)
    toc = tag.getall("CTOC")[0]
    chaps = {c.element_id: c for c in tag.getall("CHAP")}
    ordered = [chaps[i] for i in toc.child_element_ids]
    assert [c.sub_frames["TIT2"].text[0] for c in ordered] == TITLES
    marks = [float(c.start_time) for c in ordered]
    frame_ms = 1152 / RATE * 1000
    assert_within("mp3_id3", marks, onsets_ms(file.path, marks, 2000), frame_ms, record_property)
    # ffmpeg shows ID3 chapters shifted by the gapless skip (encoder + decoder delay), still inside a frame
    ff = read_chapters(file.path)
    assert [m.title for m in ff] == TITLES
    assert_within("mp3_ffmpeg", [m.start_ms for m in ff], onsets_ms(file.path, [m.start_ms for m in ff], 2000),
                  frame_ms, record_property)
    assert tag["TIT2"].text == ["朝花夕拾"] and tag["TPE1"].text == ["鲁迅"] and tag["TALB"].text == ["朝花夕拾"]
    assert tag["TCOM"].text == ["机器朗读"] and tag.getall("TXXX:NARRATOR")[0].text == ["机器朗读"]
    assert str(tag.getall("TDRC")[0].text[0]) == "1928"
    assert tag.getall("COMM")[0].text == ["回忆散文集"]
    apic = tag.getall("APIC")[0]
    assert apic.type == 3 and apic.mime == "image/png" and len(apic.data) > 1000
    assert read_tags(file.path)["artist"] == "鲁迅"


@pytest.mark.parametrize("fmt", ["wav", "flac"])
def test_cue_sheet_is_exact(book: Book, fmt: str, record_property: object) -> None:
    file = export(book, fmt).files[0]
    (cue_path,) = [p for p in file.extras if p.suffix == ".cue"]
    sheet = read_cue(cue_path)
    assert sheet.file == file.path.name and sheet.title == "朝花夕拾" and sheet.performer == "鲁迅"
    assert [t.title for t in sheet.tracks] == [t.replace('"', "”") for t in TITLES]
    # every start is on the 1/75 s grid, and the cue time *is* the timeline's start
    grid = cue_grid(RATE)
    for track, mark in zip(sheet.tracks, file.chapters, strict=True):
        frames = round(mark.start_ms * RATE / 1000)
        assert frames % grid == 0
        assert track.start == Fraction(frames, RATE)
    marks = [t.start_ms for t in sheet.tracks]
    assert_within(f"{fmt}_cue", marks, onsets_ms(file.path, marks, 1000), 0.2, record_property)


def test_flac_tags_cover_and_vorbis_chapters(book: Book) -> None:
    file = export(book, "flac").files[0]
    flac = FLAC(file.path)
    assert flac["title"] == ["朝花夕拾"] and flac["artist"] == ["鲁迅"] and flac["composer"] == ["机器朗读"]
    assert flac["NARRATOR"] == ["机器朗读"] and flac["date"] == ["1928"]
    assert flac.pictures and flac.pictures[0].type == 3
    assert [m.title for m in read_chapters(file.path)] == TITLES
    assert flac.info.total_samples == round(file.duration_ms * RATE / 1000)


def test_wav_tags_and_exact_length(book: Book) -> None:
    from studio.audio import read_wav_info

    file = export(book, "wav").files[0]
    assert read_tags(file.path)["title"] == "朝花夕拾"
    assert read_wav_info(file.path).frames == round(file.duration_ms * RATE / 1000)


@pytest.mark.parametrize("chapter_format", ["mp3", "m4a", "flac", "wav"])
def test_one_file_per_chapter(book: Book, chapter_format: str, tmp_path: Path) -> None:
    result = export(book, "chapters", chapter_format=chapter_format, subtitles=("srt",))
    names = [f.path.name for f in result.files]
    ext = "." + chapter_format
    assert names == [f"01 - 第一章 百草园{ext}", f"02 - Part 2 = two; #2 _ back{ext}", f"03 - 第三章 “三味书屋”{ext}"]
    for n, file in enumerate(result.files, 1):
        assert [m.title for m in file.chapters] == [TITLES[n - 1]] and file.chapters[0].start_ms == 0
        tags = read_tags(file.path)
        assert tags["title"] == TITLES[n - 1] and tags.get("album") == "朝花夕拾"
        assert tags.get("track", "").split("/")[0].lstrip("0") == str(n)
        pcm = decode_to_pcm(file.path, sample_rate=RATE)
        assert abs(len(pcm) * 1000 / RATE - file.duration_ms) < 30  # decodes whole, on its own
        onset = first_sound_ms(pcm, RATE, 0, 1000, 2000)
        assert onset < 1024 / RATE * 1000 + 1
        assert [p.suffix for p in file.extras] == [".srt"]


def test_progress_of_a_mastered_export_reaches_one(book: Book, tmp_path: Path) -> None:
    seen: list[float] = []
    export_audiobook(book.chapters, tmp_path / "p.m4b", book.info, ExportOptions(gaps=GAPS), progress_cb=seen.append)
    assert seen == sorted(set(seen)) and seen[-1] == 1.0 and all(0 <= f < 1 for f in seen[:-1])
    assert len(seen) >= 3


def test_mixed_rates_and_channels_are_resampled_to_the_highest(tmp_path: Path) -> None:
    """8/16/22.05/24/48 kHz, mono and stereo: one 48 kHz stereo file, each piece where the plan put it."""
    layout = [(8000, 1), (16000, 1), (22050, 1), (24000, 2), (48000, 1)]
    pieces = [tone_piece(tmp_path / f"p{rate}-{ch}.wav", [500], rate=rate, channels=ch)
              for rate, ch in layout]
    chapters = [ChapterAudio(f"第{n + 1}章", [p.piece]) for n, p in enumerate(pieces)]
    result = export_audiobook(chapters, tmp_path / "mixed.flac", BookInfo("混合"),
                              ExportOptions(format="flac", gaps=Gaps(chapter_ms=700), loudness=None))
    file = result.files[0]
    assert (file.sample_rate, file.channels) == (48000, 2)
    pcm = decode_to_pcm(file.path, sample_rate=48000)
    for mark in file.chapters:
        onset = first_sound_ms(pcm, 48000, mark.start_ms - 500, mark.start_ms + 500)
        assert abs(onset - mark.start_ms) < 1.0, (mark, onset)  # resampling ripple may lead by a few samples
    expected = sum(500 for _ in layout) + 700 * 4
    assert math.isclose(file.duration_ms, expected, abs_tol=1.0)
