"""Cancelled or failed exports leave nothing behind: no file, no part, no staging folder, no scratch.

An earlier export at the same place stays as it was; a successful export's progress rises to exactly 1.0.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from studio.audio import AudioError, chunked_book
from studio.audio.export import ExportOptions, export_audiobook
from studio.audio.stitch import ChapterAudio
from studio.audio.tags import BookInfo
from studio.audio.timeline import Gaps
from studio.core.errors import CancelledError
from tests.integration.test_export_support import tone_piece


@pytest.fixture(scope="module")
def long_book(tmp_path_factory: pytest.TempPathFactory) -> list[ChapterAudio]:
    """Three minutes of audio in six chapters: long enough for several progress reports per pass."""
    root = tmp_path_factory.mktemp("long")
    return [ChapterAudio(f"第{n + 1}章", [tone_piece(root / f"{n}-{p}.wav", [15_000], amplitude=9000).piece
                                         for p in range(2)]) for n in range(6)]


def _cancelled_at(fraction: float) -> tuple[threading.Event, list[float], object]:
    cancel = threading.Event()
    seen: list[float] = []

    def on_progress(value: float) -> None:
        seen.append(value)
        if value >= fraction:
            cancel.set()

    return cancel, seen, on_progress


@pytest.mark.parametrize(("fmt", "extra", "at"), [
    ("m4b", {}, 0.05),  # while measuring loudness
    ("m4b", {}, 0.6),  # while encoding
    ("mp3", {"split_hours": 40 / 3600, "subtitles": ("srt",)}, 0.5),  # parts, encoded side by side
    ("flac", {"split_hours": 40 / 3600}, 0.5),
])
def test_cancel_leaves_nothing(long_book: list[ChapterAudio], tmp_path: Path, fmt: str, extra: dict[str, object],
                               at: float) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    previous = out_dir / f"book.{fmt}"
    previous.write_bytes(b"the previous export")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    cancel, seen, on_progress = _cancelled_at(at)
    with pytest.raises(CancelledError):
        export_audiobook(long_book, previous, BookInfo("书"), ExportOptions(format=fmt, **extra),  # type: ignore[arg-type]
                         progress_cb=on_progress, cancel_event=cancel, temp_dir=scratch)  # type: ignore[arg-type]
    assert seen and max(seen) < 1.0
    assert [p.name for p in out_dir.iterdir()] == [previous.name]
    assert previous.read_bytes() == b"the previous export"
    assert list(scratch.iterdir()) == []


def test_cancel_one_file_per_chapter_creates_no_folder(long_book: list[ChapterAudio], tmp_path: Path) -> None:
    cancel, _seen, on_progress = _cancelled_at(0.5)
    target = tmp_path / "chapters"
    with pytest.raises(CancelledError):
        export_audiobook(long_book, target, BookInfo("书"), ExportOptions(format="chapters", loudness=None),
                         progress_cb=on_progress, cancel_event=cancel)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_a_failing_part_takes_the_others_with_it(long_book: list[ChapterAudio], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    real_encode = chunked_book.finish_chunk
    calls: list[str] = []

    def flaky(prepared, chunk, settings, key, folder, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(key)
        if len(calls) == 2:  # the second chapter encode fails: that failure stops every other encode
            prepared.close()
            raise AudioError("disk full (simulated)", path=folder / key)
        return real_encode(prepared, chunk, settings, key, folder, **kwargs)

    monkeypatch.setattr(chunked_book, "finish_chunk", flaky)
    with pytest.raises(AudioError, match="simulated"):
        export_audiobook(long_book, tmp_path / "book.m4b", BookInfo("书"),
                         ExportOptions(split_hours=40 / 3600, loudness=None, jobs=2))
    assert list(tmp_path.iterdir()) == []


def test_corrupt_piece_is_named_and_nothing_is_written(long_book: list[ChapterAudio], tmp_path: Path) -> None:
    bad = tmp_path / "坏.wav"
    bad.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk" + bytes(range(256)) * 4)
    chapters = [*long_book[:2], ChapterAudio("坏章", [bad])]
    out = tmp_path / "out" / "book.mp3"
    with pytest.raises(AudioError) as err:
        export_audiobook(chapters, out, BookInfo("书"), ExportOptions(format="mp3"))
    assert err.value.path == str(bad) and "chapter 3 (坏章), piece 1" in str(err.value)
    assert list(out.parent.iterdir()) == []


def test_progress_rises_to_one_across_measure_and_encode(long_book: list[ChapterAudio], tmp_path: Path) -> None:
    seen: list[float] = []
    result = export_audiobook(long_book, tmp_path / "p.mp3", BookInfo("书"),
                              ExportOptions(format="mp3", gaps=Gaps(chapter_ms=500)), progress_cb=seen.append)
    assert result.gain.mode in ("linear", "limited")
    assert seen == sorted(set(seen)) and seen[-1] == 1.0 and all(0 <= f < 1 for f in seen[:-1])
    assert any(f < 0.2 for f in seen) and any(0.4 < f < 1 for f in seen)  # both passes reported
