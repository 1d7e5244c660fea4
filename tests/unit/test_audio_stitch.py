"""The stitch plan: exact chapter starts from frame counts, one common format, a concat list ffmpeg reads."""

from __future__ import annotations

import array
import math
import threading
import wave
from pathlib import Path

import pytest

from studio.audio import AudioError, ChapterAudio, PcmFormat, read_wav_info, run_ffmpeg
from studio.audio.stitch import (
    PlanEntry,
    pick_format,
    piece_named_in,
    plan_stitch,
    quote_concat_path,
    write_concat_list,
)
from studio.audio.wavinfo import WavInfo
from studio.core.errors import CancelledError

RATE = 22050


def _tone(path: Path, frames: int, rate: int = RATE) -> Path:
    samples = array.array("h", (int(8000 * math.sin(2 * math.pi * 441 * i / rate)) for i in range(frames)))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    return path


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "work").mkdir()
    return tmp_path / "work"


def test_chapter_starts_are_exact_frame_sums(tmp_path: Path, work: Path) -> None:
    a, b, c = (_tone(tmp_path / f"{n}.wav", n_frames)
               for n, n_frames in (("a", 22050), ("b", 15435), ("c", 1000)))
    plan = plan_stitch([ChapterAudio("一", [a, b]), ChapterAudio("二", [c]), ChapterAudio("三", [a])], work,
                       paragraph_gap_ms=600, chapter_gap_ms=1500)
    para, chap = 13230, 33075  # 600 ms and 1500 ms at 22050 Hz
    assert plan.format == PcmFormat(RATE, 1, 2)
    assert plan.chapter_starts == [0, 22050 + para + 15435 + chap, 22050 + para + 15435 + chap + 1000 + chap]
    assert plan.total_frames == plan.chapter_starts[2] + 22050
    assert [e.frames for e in plan.entries] == [22050, para, 15435, chap, 1000, chap, 22050]
    silences = {e.path for e in plan.entries if e.silence}
    assert len(silences) == 2 and all(read_wav_info(p).frames in (para, chap) for p in silences)
    marks = plan.chapter_marks()
    assert [m.title for m in marks] == ["一", "二", "三"]
    assert marks[0].end_ms == marks[1].start_ms and marks[-1].end_ms == plan.duration_ms
    assert marks[1].start_ms == plan.chapter_starts[1] * 1000 / RATE


def test_zero_gaps_add_no_entries(tmp_path: Path, work: Path) -> None:
    a = _tone(tmp_path / "a.wav", 100)
    plan = plan_stitch([ChapterAudio("x", [a, a]), ChapterAudio("y", [a])], work,
                       paragraph_gap_ms=0, chapter_gap_ms=0)
    assert [e.frames for e in plan.entries] == [100, 100, 100]
    assert plan.chapter_starts == [0, 200]


def test_odd_pieces_are_converted_to_the_common_format(tmp_path: Path, work: Path) -> None:
    main = [_tone(tmp_path / f"m{i}.wav", 2205) for i in range(3)]
    odd = _tone(tmp_path / "odd.wav", 16000, rate=16000)
    plan = plan_stitch([ChapterAudio("x", [*main, odd])], work, paragraph_gap_ms=0)
    assert plan.format.sample_rate == RATE
    copy = plan.converted[odd]
    assert copy.parent == work / "converted"
    info = read_wav_info(copy)
    assert info.format == plan.format and abs(info.frames - RATE) <= 2
    assert plan.entries[-1] == PlanEntry(copy, info.frames)
    assert plan.original_of(copy) == odd


def test_most_common_format_wins_ties_go_to_higher_quality(tmp_path: Path) -> None:
    def info(rate: int) -> WavInfo:
        return WavInfo(tmp_path / "x.wav", PcmFormat(rate, 1, 2), 1)

    assert pick_format([info(16000), info(16000), info(48000)]).sample_rate == 16000
    assert pick_format([info(16000), info(48000)]).sample_rate == 48000


def test_unreadable_piece_is_named_with_its_place(tmp_path: Path, work: Path) -> None:
    good = _tone(tmp_path / "good.wav", 100)
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"\x00garbage" * 64)
    with pytest.raises(AudioError) as err:
        plan_stitch([ChapterAudio("一", [good]), ChapterAudio("二", [good, bad])], work)
    assert err.value.path == str(bad)
    assert "chapter 2 (二), piece 2" in str(err.value)
    assert "ffmpeg said" in str(err.value)


def test_missing_piece_empty_chapter_and_empty_book_are_refused(tmp_path: Path, work: Path) -> None:
    with pytest.raises(AudioError, match="missing"):
        plan_stitch([ChapterAudio("x", [tmp_path / "nope.wav"])], work)
    with pytest.raises(AudioError, match="no audio pieces"):
        plan_stitch([ChapterAudio("x", [])], work)
    with pytest.raises(AudioError, match="no chapters"):
        plan_stitch([], work)


def test_cancel_before_conversion(tmp_path: Path, work: Path) -> None:
    pieces = [_tone(tmp_path / "a.wav", 100), _tone(tmp_path / "b.wav", 100),
              _tone(tmp_path / "c.wav", 80, rate=8000)]
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(CancelledError):
        plan_stitch([ChapterAudio("x", pieces)], work, cancel_event=cancel)


def test_concat_list_survives_quotes_spaces_and_chinese(tmp_path: Path, work: Path) -> None:
    odd_dir = tmp_path / "it's a 书 dir"
    odd_dir.mkdir()
    a = _tone(odd_dir / "piece 'one'.wav", 1234)
    b = _tone(odd_dir / "第二段.wav", 4321)
    assert quote_concat_path(Path("/x/it's")) == "'/x/it'\\''s'"
    entries = [PlanEntry(a, 1234), PlanEntry(b, 0), PlanEntry(b, 4321)]
    listing = write_concat_list(entries, work / "l.ffconcat")
    assert listing.read_text(encoding="utf-8").count("file ") == 2  # empty entries are left out
    out = tmp_path / "joined.wav"
    run_ffmpeg(["-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy", str(out)])
    assert read_wav_info(out).frames == 1234 + 4321


def test_piece_named_in_maps_converted_copies_back(tmp_path: Path, work: Path) -> None:
    main = [_tone(tmp_path / f"m{i}.wav", 220) for i in range(2)]
    odd = _tone(tmp_path / "odd.wav", 160, rate=16000)
    plan = plan_stitch([ChapterAudio("x", [*main, odd])], work)
    copy = plan.converted[odd].resolve()
    assert piece_named_in(f"[wav @ 0x1] error reading '{copy}'\nConversion failed!", plan) == odd
    assert piece_named_in(f"Impossible to open '{main[1].resolve()}'", plan) == main[1]
    assert piece_named_in("Conversion failed!", plan) is None
