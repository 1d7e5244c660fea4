"""M4B export against real ffmpeg: the marks must sit where the audio really is, as a listener decodes it.

Pieces are 441 Hz tones (no leading or trailing silence), so every stretch of sound in the decoded book is
one piece, and the silences between them are the configured gaps. Chapter marks are read back the two ways
players read them (mutagen's ``chpl`` and ffmpeg's chapter track) and compared with the decoded audio.
"""

from __future__ import annotations

import array
import math
import threading
import wave
from dataclasses import dataclass
from pathlib import Path

import pytest
from mutagen.mp4 import MP4

from studio.audio import (
    AudioError,
    ChapterAudio,
    ChapterMark,
    StitchResult,
    chapter_levels,
    decode_to_pcm,
    probe_duration_ms,
    read_chapters,
    read_tags,
    write_m4b,
)
from studio.audio.probe import mp4_duration_ms
from studio.core.errors import CancelledError

RATE = 22050
TOLERANCE_MS = 50
GAP_TOLERANCE_MS = 30
PARAGRAPH_GAP_MS = 600
CHAPTER_GAP_MS = 1500
TITLES = ["第一章 百草园", "Part 2 = two; #2 \\ back", "第三章 三味书屋"]
# (duration ms, sample rate) per piece; the 16 kHz piece has to be converted before concatenation
LAYOUT = [[(700, RATE), (1200, RATE), (500, RATE)], [(900, RATE), (1000, 16000)], [(600, RATE), (800, RATE)]]


def tone(path: Path, ms: float, rate: int = RATE, amplitude: int = 8000) -> Path:
    """A 441 Hz tone written a second at a time (441 whole cycles per second keeps the seams continuous)."""
    frames = round(ms * rate / 1000)
    second = array.array("h", (int(amplitude * math.sin(2 * math.pi * 441 * i / rate)) for i in range(rate)))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        while frames > 0:
            n = min(frames, rate)
            w.writeframes(second[:n].tobytes())
            frames -= n
    return path


def sound_segments(pcm: array.array[int], rate: int, threshold: int = 1000,
                   min_silence_ms: float = 200) -> list[tuple[float, float]]:
    """(start_ms, end_ms) of each stretch of sound, split wherever it is quiet for ``min_silence_ms``."""
    min_gap = int(min_silence_ms * rate / 1000)
    segments: list[list[int]] = []
    last = -min_gap - 1
    for i, x in enumerate(pcm):
        if x > threshold or x < -threshold:
            if i - last > min_gap:
                segments.append([i, i])
            segments[-1][1] = i
            last = i
    return [(s * 1000 / rate, (e + 1) * 1000 / rate) for s, e in segments]


@dataclass
class Export:
    result: StitchResult
    expected_starts_ms: list[float]
    expected_total_ms: float
    segments: list[tuple[float, float]]
    progress: list[float]
    scratch: Path


def _expected(layout: list[list[tuple[int, int]]], para: int, chap: int) -> tuple[list[float], float]:
    starts, position = [], 0.0
    for c, pieces in enumerate(layout):
        position += chap if c else 0
        starts.append(position)
        position += sum(ms for ms, _ in pieces) + para * (len(pieces) - 1)
    return starts, position


def _export(root: Path, layout: list[list[tuple[int, int]]], titles: list[str], **kwargs: object) -> Export:
    pieces_dir = root / "pieces"
    pieces_dir.mkdir(parents=True, exist_ok=True)
    chapters = [ChapterAudio(title, [tone(pieces_dir / f"c{c}p{p}.wav", ms, rate)
                                     for p, (ms, rate) in enumerate(pieces)])
                for c, (title, pieces) in enumerate(zip(titles, layout, strict=True))]
    scratch = root / "scratch"
    scratch.mkdir(exist_ok=True)
    progress: list[float] = []
    result = write_m4b(chapters, root / "out" / "book.m4b", title="朝花夕拾", author="鲁迅",
                       paragraph_gap_ms=PARAGRAPH_GAP_MS, chapter_gap_ms=CHAPTER_GAP_MS,
                       progress_cb=progress.append, temp_dir=scratch, **kwargs)  # type: ignore[arg-type]
    starts, total = _expected(layout, PARAGRAPH_GAP_MS, CHAPTER_GAP_MS)
    segments = sound_segments(decode_to_pcm(result.output, sample_rate=RATE), RATE)
    return Export(result, starts, total, segments, progress, scratch)


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Export:
    return _export(tmp_path_factory.mktemp("book"), LAYOUT, TITLES)


def _first_piece_onsets(export: Export, layout: list[list[tuple[int, int]]]) -> list[float]:
    assert len(export.segments) == sum(len(p) for p in layout), export.segments
    firsts, index = [], 0
    for pieces in layout:
        firsts.append(export.segments[index][0])
        index += len(pieces)
    return firsts


def _assert_marks_on_audio(marks: list[ChapterMark], onsets: list[float], label: str) -> list[float]:
    starts = [m.start_ms for m in marks]
    assert starts == sorted(set(starts)) and starts[0] == 0, f"{label}: {starts}"
    errors = [m.start_ms - onset for m, onset in zip(marks, onsets, strict=True)]
    assert all(abs(e) <= TOLERANCE_MS for e in errors), f"{label}: mark minus audio onset (ms) = {errors}"
    return errors


def test_result_marks_are_the_exact_timeline(book: Export) -> None:
    marks = book.result.chapters
    assert [m.title for m in marks] == TITLES
    # the resampled 16 kHz piece may gain or lose a sample; everything else is exact
    for mark, start in zip(marks, book.expected_starts_ms, strict=True):
        assert abs(mark.start_ms - start) < 0.1
    assert [m.end_ms for m in marks[:-1]] == [m.start_ms for m in marks[1:]]
    assert abs(marks[-1].end_ms - book.expected_total_ms) < 0.1
    assert book.result.duration_ms == marks[-1].end_ms


def test_mutagen_reads_titles_and_marks_on_the_audio(book: Export, record_property: object) -> None:
    chapters = list(MP4(book.result.output).chapters)
    marks = [ChapterMark(c.title, c.start * 1000, 0.0) for c in chapters]
    assert [m.title for m in marks] == TITLES
    errors = _assert_marks_on_audio(marks, _first_piece_onsets(book, LAYOUT), "mutagen")
    record_property("mutagen_mark_errors_ms", errors)  # type: ignore[operator]


def test_ffmpeg_reads_titles_and_marks_on_the_audio(book: Export, record_property: object) -> None:
    marks = read_chapters(book.result.output)
    assert [m.title for m in marks] == TITLES
    errors = _assert_marks_on_audio(marks, _first_piece_onsets(book, LAYOUT), "ffmpeg")
    record_property("ffmpeg_mark_errors_ms", errors)  # type: ignore[operator]
    assert abs(marks[-1].end_ms - book.expected_total_ms) <= TOLERANCE_MS


def test_total_duration(book: Export) -> None:
    assert abs(probe_duration_ms(book.result.output) - book.expected_total_ms) <= TOLERANCE_MS
    assert abs(book.segments[-1][1] - book.expected_total_ms) <= TOLERANCE_MS
    # the AAC priming is hidden by an edit list: the media is 1024 samples longer than what plays
    info = MP4(book.result.output).info
    hidden_ms = info.length * 1000 - (mp4_duration_ms(book.result.output) or 0)
    assert abs(hidden_ms - 1024 * 1000 / RATE) < 1


def test_gaps_between_paragraphs_and_chapters(book: Export) -> None:
    expected: list[int] = []
    for c, pieces in enumerate(LAYOUT):
        if c:
            expected.append(CHAPTER_GAP_MS)
        expected += [PARAGRAPH_GAP_MS] * (len(pieces) - 1)
    measured = [nxt[0] - prev[1] for prev, nxt in zip(book.segments, book.segments[1:], strict=False)]
    assert len(measured) == len(expected)
    for got, want in zip(measured, expected, strict=True):
        assert abs(got - want) <= GAP_TOLERANCE_MS, f"gap {got:.1f} ms, configured {want} ms"


def test_tags_brand_and_channels(book: Export) -> None:
    mp4 = MP4(book.result.output)
    assert mp4.tags is not None
    assert mp4.tags["\xa9nam"] == ["朝花夕拾"]
    assert mp4.tags["\xa9ART"] == ["鲁迅"]
    assert mp4.tags["\xa9alb"] == ["朝花夕拾"]
    assert mp4.tags["\xa9gen"] == ["Audiobook"]
    assert mp4.tags["stik"] == [2]  # iTunes media kind: audiobook
    assert (mp4.info.channels, mp4.info.sample_rate) == (1, RATE)
    assert book.result.output.read_bytes()[4:12] == b"ftypM4B "
    assert read_tags(book.result.output)["artist"] == "鲁迅"


def test_scratch_files_are_gone(book: Export) -> None:
    assert list(book.scratch.iterdir()) == []
    assert [p.name for p in book.result.output.parent.iterdir()] == ["book.m4b"]


def test_chapter_levels_tell_speech_from_silence(tmp_path: Path) -> None:
    speech = tone(tmp_path / "speech.wav", 800)
    quiet = tone(tmp_path / "quiet.wav", 800, amplitude=0)
    out = tmp_path / "levels.m4b"
    result = write_m4b([ChapterAudio("speech", [speech]), ChapterAudio("silence", [quiet])], out, title="t",
                       chapter_gap_ms=300)
    loud, silent = chapter_levels(out, result.chapters)
    assert loud.mean_dbfs > -25 and not loud.silent
    assert silent.silent and silent.peak_dbfs < -60


def test_output_sample_rate_can_differ_from_the_pieces(tmp_path: Path) -> None:
    export = _export(tmp_path, LAYOUT, TITLES, sample_rate=44100)
    assert MP4(export.result.output).info.sample_rate == 44100
    _assert_marks_on_audio(read_chapters(export.result.output), _first_piece_onsets(export, LAYOUT), "44.1k")


def test_rates_aac_cannot_encode_are_raised_to_the_next_one(tmp_path: Path) -> None:
    piece = tone(tmp_path / "p.wav", 300, rate=22000)
    out = tmp_path / "odd.m4b"
    write_m4b([ChapterAudio("x", [piece])], out, title="t")
    assert MP4(out).info.sample_rate == 22050


# --- long enough to see progress and to cancel in the middle -----------------------------------------

LONG_LAYOUT = [[(20_000, RATE), (20_000, RATE)] for _ in range(3)]


@pytest.fixture(scope="module")
def long_pieces(tmp_path_factory: pytest.TempPathFactory) -> list[ChapterAudio]:
    root = tmp_path_factory.mktemp("long")
    return [ChapterAudio(f"第{c + 1}章", [tone(root / f"{c}-{p}.wav", ms)
                                         for p, (ms, _) in enumerate(pieces)])
            for c, pieces in enumerate(LONG_LAYOUT)]


def test_progress_increases_to_one(long_pieces: list[ChapterAudio], tmp_path: Path) -> None:
    seen: list[float] = []
    write_m4b(long_pieces, tmp_path / "p.m4b", title="t", progress_cb=seen.append)
    assert len(seen) >= 3, seen
    assert seen == sorted(set(seen)), seen
    assert seen[-1] == 1.0 and all(0 <= f < 1 for f in seen[:-1])


def test_cancel_mid_encode_leaves_nothing(long_pieces: list[ChapterAudio], tmp_path: Path) -> None:
    out = tmp_path / "out" / "c.m4b"
    out.parent.mkdir()
    out.write_bytes(b"the previous export")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    cancel = threading.Event()
    seen: list[float] = []

    def on_progress(fraction: float) -> None:
        seen.append(fraction)
        if fraction > 0.2:
            cancel.set()

    with pytest.raises(CancelledError):
        write_m4b(long_pieces, out, title="t", progress_cb=on_progress, cancel_event=cancel, temp_dir=scratch)
    assert seen and max(seen) < 1.0
    assert [p.name for p in out.parent.iterdir()] == ["c.m4b"]
    assert out.read_bytes() == b"the previous export"
    assert list(scratch.iterdir()) == []


def test_corrupt_piece_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    good = tone(tmp_path / "good.wav", 300)
    bad = tmp_path / "第二段.wav"
    bad.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk" + bytes(range(256)) * 4)
    out = tmp_path / "out" / "bad.m4b"
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    with pytest.raises(AudioError) as err:
        write_m4b([ChapterAudio("一", [good]), ChapterAudio("二", [good, bad])], out, title="t",
                  temp_dir=scratch)
    assert err.value.path == str(bad)
    message = str(err.value)
    assert str(bad) in message and "chapter 2 (二), piece 2" in message and "ffmpeg said" in message
    assert not out.exists() and list(out.parent.iterdir()) == []
    assert list(scratch.iterdir()) == []


def test_truncated_piece_is_refused(tmp_path: Path) -> None:
    piece = tone(tmp_path / "t.wav", 1000)
    piece.write_bytes(piece.read_bytes()[:20_000])
    with pytest.raises(AudioError, match="truncated") as err:
        write_m4b([ChapterAudio("x", [piece])], tmp_path / "t.m4b", title="t")
    assert err.value.path == str(piece)
    assert not (tmp_path / "t.m4b").exists()
