"""Loudness measured once per unit and stored (issue 20): a chapter's gain comes from its units' stored figures.

Against real ffmpeg: the combined figures must agree with a full measurement of the same audio, the export
must land on the target per chapter (measured on the decoded file, with tone chapters that take a pure gain
and spiky ones that need the limiter), a second export must decode no unit to measure it, and chapter marks
must stay exact.
"""

from __future__ import annotations

import array
import json
import math
import re
import threading
import wave
from pathlib import Path

import pytest

from studio.audio import decode_to_pcm
from studio.audio.chunked_book import ENCODED_CHUNKS
from studio.audio.export import ExportOptions, export_audiobook
from studio.audio.ffmpeg import run_ffmpeg
from studio.audio.loudness import DEFAULT_TARGET
from studio.audio.pieces import Piece
from studio.audio.stitch import ChapterAudio
from studio.audio.tags import BookInfo
from studio.audio.timeline import Gaps, Span
from studio.audio.unit_loudness import MEASURED, UnitStore, combine
from studio.audio.wavinfo import PcmFormat
from tests.integration.test_export_support import first_sound_ms, loudness_of, tone_piece, write_wav

RATE = 22050
GAPS = Gaps(paragraph_ms=400, chapter_ms=1000)


def spiky_piece(path: Path, seconds: float, amplitude: int = 1500, spike: int = 16000) -> Piece:
    """A quiet tone with a loud 3 ms click every 0.4 s: raising it to the target needs the limiter."""
    n = int(seconds * RATE)
    samples = array.array("h", (int(amplitude * math.sin(2 * math.pi * 441 * i / RATE)) for i in range(n)))
    for start in range(RATE // 10, n - 100, int(0.4 * RATE)):
        for i in range(start, start + 66):
            samples[i] = int(spike * math.sin(2 * math.pi * 1500 * (i - start) / RATE))
    return Piece(write_wav(path, samples, RATE))


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> list[ChapterAudio]:
    root = tmp_path_factory.mktemp("unit-loudness")
    return [
        ChapterAudio("第1章", [tone_piece(root / "a0.wav", [1700, 900], amplitude=9000).piece,
                              tone_piece(root / "a1.wav", [2300], amplitude=6000).piece]),
        ChapterAudio("第2章", [spiky_piece(root / "b0.wav", 6.0), spiky_piece(root / "b1.wav", 4.5, amplitude=2500)]),
        ChapterAudio("第3章", [tone_piece(root / "c0.wav", [800, 1200, 600], amplitude=3000).piece]),
        ChapterAudio("第4章", [spiky_piece(root / "d0.wav", 5.0, amplitude=2000)]),
    ]


def _segment_loudness(path: Path, start_ms: float, end_ms: float) -> float:
    tail = run_ffmpeg(["-i", str(path), "-map", "0:a:0", "-af",
                       f"atrim=start={start_ms / 1000:.4f}:end={end_ms / 1000:.4f},ebur128=framelog=quiet",
                       "-f", "null", "-"], loglevel="info")
    return float(re.findall(r"I:\s+(-?[\d.]+) LUFS", tail)[-1])


def test_combined_unit_figures_agree_with_a_full_measurement(book: list[ChapterAudio], tmp_path: Path) -> None:
    fmt = PcmFormat(RATE, 1, 2)
    store = UnitStore(tmp_path / "units", lambda p: str(p), fmt)
    for n, chapter in enumerate(book):
        spans = [Span(None, 0, 1024)]
        pcm = array.array("h", bytes(2048))
        for piece in chapter.pieces:
            assert isinstance(piece, Piece)
            with wave.open(str(piece.path), "rb") as w:
                frames = w.readframes(w.getnframes())
            gap = round(0.4 * RATE)
            spans += [Span(piece.path, 0, len(frames) // 2), Span(None, 0, gap)]
            pcm.frombytes(frames + bytes(2 * gap))
        units = store.get([s.path for s in spans if s.path is not None], threading.Event())
        combined = combine(spans, units, RATE).summary
        full_lufs, full_peak = loudness_of(write_wav(tmp_path / f"chapter{n}.wav", pcm, RATE))
        assert abs(combined.integrated_lufs - full_lufs) <= 0.5, chapter.title
        assert abs(combined.peak_db - full_peak) <= 0.2, chapter.title


def test_export_from_stored_figures_reaches_the_target_per_chapter(book: list[ChapterAudio], tmp_path: Path) -> None:
    cache = tmp_path / "encoded"
    result = export_audiobook(book, tmp_path / "book.m4b", BookInfo("书"), ExportOptions(gaps=GAPS, jobs=2),
                              chapter_cache=cache)
    out = result.files[0]
    assert _modes(cache) == {"linear", "limited"}  # both gain stages were exercised
    file_lufs, file_peak = loudness_of(out.path)
    assert abs(file_lufs - -18.0) <= 0.5 and abs(file_lufs - (out.integrated_lufs or 0.0)) <= 0.5
    assert out.true_peak_dbtp is not None and out.true_peak_dbtp <= DEFAULT_TARGET.true_peak_dbtp
    assert file_peak <= DEFAULT_TARGET.true_peak_dbtp + 0.5  # what the decoder plays, codec overshoot included
    for chapter in result.chapters:
        measured = _segment_loudness(out.path, chapter.start_ms, chapter.start_ms + chapter.duration_ms)
        assert abs(measured - -18.0) <= 0.5, (chapter.title, measured)
        assert chapter.integrated_lufs is not None and abs(measured - chapter.integrated_lufs) <= 0.5
        assert chapter.true_peak_dbtp is not None and chapter.true_peak_dbtp <= DEFAULT_TARGET.true_peak_dbtp
    pcm = decode_to_pcm(out.path, sample_rate=RATE)
    errors = [first_sound_ms(pcm, RATE, c.start_ms - 500, c.start_ms + 500, 300) - c.start_ms for c in out.chapters]
    assert all(abs(e) <= 1.0 for e in errors), errors


def _modes(cache: Path) -> set[str]:
    """The gain stage each encoded chapter in the cache took (its sidecar)."""
    return {json.loads(p.read_text(encoding="utf-8"))["plan"]["mode"] for p in cache.glob("*.json")}


def test_a_second_export_measures_no_unit(book: list[ChapterAudio], tmp_path: Path) -> None:
    cache = tmp_path / "encoded"
    pieces = {p.path for c in book for p in c.pieces if isinstance(p, Piece)}
    measured, encoded = sum(MEASURED.values()), sum(ENCODED_CHUNKS.values())
    first = export_audiobook(book, tmp_path / "a.m4b", BookInfo("书"), ExportOptions(gaps=GAPS, jobs=2),
                             chapter_cache=cache)
    assert sum(MEASURED.values()) - measured == len(pieces)  # each unit decoded once to measure it
    assert sum(ENCODED_CHUNKS.values()) - encoded == len(book)

    # another bitrate: every chapter is encoded again, but no unit is measured again
    measured, encoded = sum(MEASURED.values()), sum(ENCODED_CHUNKS.values())
    second = export_audiobook(book, tmp_path / "b.m4b", BookInfo("书"),
                              ExportOptions(gaps=GAPS, jobs=2, bitrate="96k"), chapter_cache=cache)
    assert sum(MEASURED.values()) == measured
    assert sum(ENCODED_CHUNKS.values()) - encoded == len(book)
    assert [c.start_ms for c in second.files[0].chapters] == [c.start_ms for c in first.files[0].chapters]
    for a, b in zip(first.chapters, second.chapters, strict=True):
        assert a.integrated_lufs is not None and b.integrated_lufs is not None
        assert abs(a.integrated_lufs - b.integrated_lufs) <= 0.2  # the same gain stage, another bitrate

    # one unit re-rendered (a new file): that unit alone is measured
    changed = spiky_piece(tmp_path / "new.wav", 3.0, amplitude=1800)
    edited = [*book[:3], ChapterAudio(book[3].title, [changed])]
    measured = sum(MEASURED.values())
    export_audiobook(edited, tmp_path / "c.m4b", BookInfo("书"), ExportOptions(gaps=GAPS, jobs=2),
                     chapter_cache=cache)
    assert sum(MEASURED.values()) - measured == 1


def test_a_unit_is_forgotten_once_the_last_chunk_that_wants_it_is_done(book: list[ChapterAudio]) -> None:
    """A long book's measurements are not all held to the end of its export: each is dropped when every
    chunk that uses it has been encoded (the store's memory then stays one chunk's worth)."""
    store = UnitStore(None, lambda p: str(p), PcmFormat(RATE, 1, 2))
    shared, own = [p.path for p in book[0].pieces if isinstance(p, Piece)]
    store.expect([shared, own])  # chunk 1
    store.expect([shared])  # chunk 2
    stop = threading.Event()
    store.get([shared, own], stop)
    before = sum(MEASURED.values())
    store.release([shared, own])  # chunk 1 done
    store.get([shared], stop)
    assert sum(MEASURED.values()) == before  # still held for chunk 2
    store.release([shared])  # chunk 2 done
    store.get([shared, own], stop)
    assert sum(MEASURED.values()) == before + 2  # both forgotten: asked again, measured again
