"""M4B books encoded chapter by chapter on every core and joined without re-encoding (issue 20).

Against real ffmpeg: the joined file must play exactly as long as planned, every chapter's first sound must
sit on its mark (within 1 ms, read from the decoded file), the loudness must match a one-pass export, the
number of workers must not change a single decoded sample, and a re-export must reuse encoded chapters.
"""

from __future__ import annotations

import array
import shutil
from pathlib import Path

import pytest

from studio.audio import decode_to_pcm
from studio.audio.chunked_book import ENCODED_CHUNKS
from studio.audio.export import ExportOptions, export_audiobook
from studio.audio.ffmpeg import run_ffmpeg
from studio.audio.probe import read_chapters
from studio.audio.stitch import ChapterAudio
from studio.audio.tags import BookInfo
from studio.audio.timeline import Gaps
from tests.integration.test_export_support import first_sound_ms, loudness_of, tone_piece

RATE = 22050
GAPS = Gaps(paragraph_ms=400, chapter_ms=1000)
# chapters of different lengths and levels, so chunk boundaries fall anywhere on the AAC frame grid
CHAPTERS = [([1700, 900], 9000), ([2300], 5000), ([800, 1200, 600], 12000), ([1500], 7000)]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> list[ChapterAudio]:
    root = tmp_path_factory.mktemp("chunked")
    return [ChapterAudio(f"第{n + 1}章", [tone_piece(root / f"{n}-{p}.wav", sentences, amplitude=level).piece
                                        for p in range(2)])
            for n, (sentences, level) in enumerate(CHAPTERS)]


def _onset_errors(path: Path, marks_ms: list[float]) -> list[float]:
    pcm = decode_to_pcm(path, sample_rate=RATE)
    return [first_sound_ms(pcm, RATE, m - 500, m + 500, 300) - m for m in marks_ms]


def test_parallel_chapters_match_a_one_pass_export(book: list[ChapterAudio], tmp_path: Path) -> None:
    chunked = export_audiobook(book, tmp_path / "parallel.m4b", BookInfo("书"), ExportOptions(gaps=GAPS, jobs=2))
    single = export_audiobook(book, tmp_path / "single.m4b", BookInfo("书"), ExportOptions(gaps=GAPS),
                              chunked=False)
    ours, theirs = chunked.files[0], single.files[0]
    # the decoded file is exactly as long as the plan: the join dropped no frame and added none
    assert len(decode_to_pcm(ours.path, sample_rate=RATE)) == round(ours.duration_ms * RATE / 1000)
    tail = run_ffmpeg(["-i", str(ours.path), "-f", "null", "-"], loglevel="warning")
    assert "chapter track not found" not in tail  # the QuickTime chapter track (Apple's players) is there
    read = read_chapters(ours.path)
    assert [c.title for c in read] == [c.title for c in theirs.chapters] == [c.title for c in book]
    assert all(abs(r.start_ms - m.start_ms) < 0.05 for r, m in zip(read, ours.chapters, strict=True))
    errors = _onset_errors(ours.path, [m.start_ms for m in ours.chapters])
    assert all(abs(e) <= 1.0 for e in errors), errors
    # chapter gaps may be shortened by less than one AAC frame to put every chapter on the frame grid
    for a, b in zip(ours.chapters, theirs.chapters, strict=True):
        assert abs(a.start_ms - b.start_ms) <= len(book) * 1024 / RATE * 1000
    ours_lufs, ours_peak = loudness_of(ours.path)
    theirs_lufs, _ = loudness_of(theirs.path)
    assert abs(ours_lufs - theirs_lufs) <= 0.5 and abs(ours_lufs - -18.0) <= 0.5
    assert ours_peak <= -3.0


def test_the_number_of_workers_changes_no_sample(book: list[ChapterAudio], tmp_path: Path) -> None:
    one = export_audiobook(book, tmp_path / "one.m4b", BookInfo("书"), ExportOptions(gaps=GAPS, jobs=1))
    four = export_audiobook(book, tmp_path / "four.m4b", BookInfo("书"), ExportOptions(gaps=GAPS, jobs=4))
    assert decode_to_pcm(one.files[0].path) == decode_to_pcm(four.files[0].path)
    assert one.files[0].chapters == four.files[0].chapters


def test_re_export_encodes_only_the_changed_chapter(book: list[ChapterAudio], tmp_path: Path) -> None:
    cache = tmp_path / "encoded"
    options = ExportOptions(gaps=GAPS, jobs=2)
    before = sum(ENCODED_CHUNKS.values())
    first = export_audiobook(book, tmp_path / "a.m4b", BookInfo("书"), options, chapter_cache=cache)
    assert sum(ENCODED_CHUNKS.values()) - before == len(book)

    before = sum(ENCODED_CHUNKS.values())
    again = export_audiobook(book, tmp_path / "b.m4b", BookInfo("书"), options, chapter_cache=cache)
    assert sum(ENCODED_CHUNKS.values()) == before  # nothing encoded: every chapter came from the cache
    assert decode_to_pcm(again.files[0].path) == decode_to_pcm(first.files[0].path)
    assert [c.integrated_lufs for c in again.chapters] == [c.integrated_lufs for c in first.chapters]

    # one paragraph of chapter 3 changes (new audio in a new file, as a re-render writes it)
    changed = tmp_path / "changed.wav"
    shutil.copy(book[2].pieces[1].path, changed)  # type: ignore[union-attr]
    pcm = array.array("h", changed.read_bytes()[44:])
    pcm = array.array("h", (x // 2 for x in pcm))
    changed.write_bytes(changed.read_bytes()[:44] + pcm.tobytes())
    edited = [*book[:2], ChapterAudio(book[2].title, [book[2].pieces[0], changed]), book[3]]
    before = sum(ENCODED_CHUNKS.values())
    third = export_audiobook(edited, tmp_path / "c.m4b", BookInfo("书"), options, chapter_cache=cache)
    assert sum(ENCODED_CHUNKS.values()) - before == 1
    errors = _onset_errors(third.files[0].path, [m.start_ms for m in third.files[0].chapters])
    assert all(abs(e) <= 1.0 for e in errors), errors


def test_a_book_of_minutes_keeps_its_quicktime_chapter_track(tmp_path: Path) -> None:
    """Past about 150 s the shifted timestamps would overflow the chapter track's durations and ffmpeg would
    drop the track that Apple's players read chapters from."""
    chapters = [ChapterAudio(f"第{n + 1}章", [tone_piece(tmp_path / f"long{n}.wav", [100_000]).piece])
                for n in range(2)]
    result = export_audiobook(chapters, tmp_path / "long.m4b", BookInfo("长"),
                              ExportOptions(gaps=GAPS, loudness=None))
    tail = run_ffmpeg(["-i", str(result.files[0].path), "-f", "null", "-"], loglevel="warning")
    assert "chapter track not found" not in tail
    assert [c.title for c in read_chapters(result.files[0].path)] == ["第1章", "第2章"]
