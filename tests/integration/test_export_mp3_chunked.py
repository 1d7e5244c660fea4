"""MP3 books encoded chapter by chapter on every core and joined without re-encoding (issue 20).

Against real ffmpeg: the joined file must play exactly as long as planned (in ffmpeg's decode, mutagen and
the LAME header), every chapter's first sound must sit on its ID3 CHAP mark (within 1 ms, read from the
decoded file), the joins must be silent, the loudness must match a one-pass export, the number of workers
must not change a sample, and a re-export must encode only the chapter whose paragraph changed.
"""

from __future__ import annotations

import array
import re
import shutil
from pathlib import Path

import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from studio.audio import decode_to_pcm
from studio.audio.chunked_book import ENCODED_CHUNKS
from studio.audio.export import ExportOptions, export_audiobook
from studio.audio.ffmpeg import run_ffmpeg
from studio.audio.mp3_join import frame_samples
from studio.audio.stitch import ChapterAudio
from studio.audio.tags import BookInfo
from studio.audio.timeline import Gaps
from studio.audio.written_length import mp3_gapless_frames
from tests.integration.test_export_support import first_sound_ms, loudness_of, tone_piece

GAPS = Gaps(paragraph_ms=400, chapter_ms=1000)
# chapters of different lengths and levels, so chunk boundaries fall anywhere on the MP3 frame grid
CHAPTERS = [([1700, 900], 9000), ([2300], 5000), ([800, 1200, 600], 12000), ([1500], 7000)]
_DURATION = re.compile(r"Duration: (\d+):(\d+):(\d+\.\d+)")


def _book(root: Path, rate: int) -> list[ChapterAudio]:
    return [ChapterAudio(f"第{n + 1}章", [tone_piece(root / f"{rate}-{n}-{p}.wav", sentences, amplitude=level,
                                                   rate=rate).piece for p in range(2)])
            for n, (sentences, level) in enumerate(CHAPTERS)]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> list[ChapterAudio]:
    return _book(tmp_path_factory.mktemp("mp3chunked"), 22050)


def _mp3(gaps: Gaps = GAPS, **kw: object) -> ExportOptions:
    return ExportOptions(format="mp3", gaps=gaps, **kw)  # type: ignore[arg-type]


def _ffmpeg_duration_s(path: Path) -> float:
    h, m, s = _DURATION.findall(run_ffmpeg(["-i", str(path), "-f", "null", "-"], loglevel="info"))[0]
    return int(h) * 3600 + int(m) * 60 + float(s)


@pytest.mark.parametrize("rate", [22050, 44100])
def test_parallel_mp3_matches_a_one_pass_export(book: list[ChapterAudio], tmp_path: Path, rate: int) -> None:
    chapters = book if rate == 22050 else _book(tmp_path, rate)
    chunked = export_audiobook(chapters, tmp_path / "parallel.mp3", BookInfo("书"), _mp3(jobs=2))
    single = export_audiobook(chapters, tmp_path / "single.mp3", BookInfo("书"), _mp3(), chunked=False)
    ours, theirs = chunked.files[0], single.files[0]
    planned = round(ours.duration_ms * rate / 1000)
    pcm = decode_to_pcm(ours.path, sample_rate=rate)
    # exactly the planned length, and every reader agrees: ffmpeg's decode, mutagen, the LAME header
    assert len(pcm) == planned
    assert round(MP3(ours.path).info.length * rate) == planned
    audio_only = tmp_path / "audio.mp3"
    audio_only.write_bytes(ours.path.read_bytes()[ID3(ours.path).size:])
    assert mp3_gapless_frames(audio_only) == planned
    assert abs(_ffmpeg_duration_s(ours.path) - planned / rate) <= 0.01
    # every chapter, by title, with CHAP marks on the decoded onsets
    tag = ID3(ours.path)
    chaps = sorted(tag.getall("CHAP"), key=lambda c: c.start_time)
    assert [c.sub_frames["TIT2"].text[0] for c in chaps] == [c.title for c in chapters]
    assert [c.start_time for c in chaps] == [round(m.start_ms) for m in ours.chapters]
    onsets = [first_sound_ms(pcm, rate, c.start_time - 500, c.start_time + 500, 300) for c in chaps]
    assert all(abs(o - m.start_ms) <= 1.0 for o, m in zip(onsets, ours.chapters, strict=True)), onsets
    assert all(abs(o - c.start_time) <= 1.0 for o, c in zip(onsets, chaps, strict=True))
    # the joins are silent: in each gap, up to 20 ms before the next chapter, nothing but codec noise
    per_frame = frame_samples(rate)
    for before, mark in zip(ours.chapters, ours.chapters[1:], strict=False):
        end = round(mark.start_ms * rate / 1000)
        gap = pcm[end - round(0.8 * rate):end - round(0.02 * rate)]
        assert max(abs(x) for x in gap) <= 40, before.title
    # each chapter loses less than one frame of its gap to the frame grid, nothing else
    for n in range(len(chapters) - 1):
        ours_len = round((ours.chapters[n + 1].start_ms - ours.chapters[n].start_ms) * rate / 1000)
        theirs_len = round((theirs.chapters[n + 1].start_ms - theirs.chapters[n].start_ms) * rate / 1000)
        assert 0 <= theirs_len - ours_len < per_frame
    assert round((theirs.duration_ms - theirs.chapters[-1].start_ms) * rate / 1000) == \
        round((ours.duration_ms - ours.chapters[-1].start_ms) * rate / 1000)
    ours_lufs, ours_peak = loudness_of(ours.path)
    theirs_lufs, _ = loudness_of(theirs.path)
    assert abs(ours_lufs - theirs_lufs) <= 0.5 and abs(ours_lufs - -18.0) <= 0.5
    assert ours_peak <= -3.0


def test_the_number_of_workers_changes_no_sample(book: list[ChapterAudio], tmp_path: Path) -> None:
    one = export_audiobook(book, tmp_path / "one.mp3", BookInfo("书"), _mp3(jobs=1))
    four = export_audiobook(book, tmp_path / "four.mp3", BookInfo("书"), _mp3(jobs=4))
    assert decode_to_pcm(one.files[0].path) == decode_to_pcm(four.files[0].path)
    assert one.files[0].chapters == four.files[0].chapters


def test_re_export_encodes_only_the_changed_chapter(book: list[ChapterAudio], tmp_path: Path) -> None:
    cache = tmp_path / "encoded"
    before = sum(ENCODED_CHUNKS.values())
    first = export_audiobook(book, tmp_path / "a.mp3", BookInfo("书"), _mp3(jobs=2), chapter_cache=cache)
    assert sum(ENCODED_CHUNKS.values()) - before == len(book)
    assert len(list(cache.glob("*.mp3"))) == len(book)

    before = sum(ENCODED_CHUNKS.values())
    again = export_audiobook(book, tmp_path / "b.mp3", BookInfo("书"), _mp3(jobs=2), chapter_cache=cache)
    assert sum(ENCODED_CHUNKS.values()) == before  # nothing encoded: every chapter came from the cache
    assert decode_to_pcm(again.files[0].path) == decode_to_pcm(first.files[0].path)

    # one paragraph of chapter 3 changes (new audio in a new file, as a re-render writes it)
    changed = tmp_path / "changed.wav"
    shutil.copy(book[2].pieces[1].path, changed)  # type: ignore[union-attr]
    pcm = array.array("h", changed.read_bytes()[44:])
    pcm = array.array("h", (x // 2 for x in pcm))
    changed.write_bytes(changed.read_bytes()[:44] + pcm.tobytes())
    edited = [*book[:2], ChapterAudio(book[2].title, [book[2].pieces[0], changed]), book[3]]
    before = sum(ENCODED_CHUNKS.values())
    third = export_audiobook(edited, tmp_path / "c.mp3", BookInfo("书"), _mp3(jobs=2), chapter_cache=cache)
    assert sum(ENCODED_CHUNKS.values()) - before == 1
    decoded = decode_to_pcm(third.files[0].path, sample_rate=22050)
    assert len(decoded) == round(third.files[0].duration_ms * 22.050)
    for mark in third.files[0].chapters:
        assert abs(first_sound_ms(decoded, 22050, mark.start_ms - 500, mark.start_ms + 500, 300) - mark.start_ms) <= 1


def test_parts_are_joined_each_exactly(book: list[ChapterAudio], tmp_path: Path) -> None:
    """``--split-hours`` parts: every part is its own chunked file, chapters starting at 0 in each."""
    result = export_audiobook(book, tmp_path / "parts.mp3", BookInfo("书"), _mp3(split_hours=14 / 3600, jobs=2))
    assert len(result.files) > 1
    for part in result.files:
        pcm = decode_to_pcm(part.path, sample_rate=22050)
        assert len(pcm) == round(part.duration_ms * 22.050)
        assert round(MP3(part.path).info.length * 22050) == len(pcm)
        for mark in part.chapters:
            assert abs(first_sound_ms(pcm, 22050, mark.start_ms - 500, mark.start_ms + 500, 300)
                       - mark.start_ms) <= 1


def test_a_chapter_gap_too_short_for_a_join_is_encoded_in_one_pass(book: list[ChapterAudio], tmp_path: Path) -> None:
    before = sum(ENCODED_CHUNKS.values())
    result = export_audiobook(book, tmp_path / "tight.mp3", BookInfo("书"),
                              _mp3(Gaps(paragraph_ms=400, chapter_ms=100)))
    assert sum(ENCODED_CHUNKS.values()) == before  # one pass: no chunk was encoded
    pcm = decode_to_pcm(result.files[0].path, sample_rate=22050)
    assert 0 <= len(pcm) - round(result.files[0].duration_ms * 22.050) <= frame_samples(22050)
