"""Joining AAC chunks: a chunk that is not what its encoder must have written is refused by name, never joined
into a book whose later chapters would all be shifted. Real ffmpeg, tiny inputs."""

from __future__ import annotations

import array
import math
from pathlib import Path

import pytest

from studio.audio.aac_join import AAC_FRAME, expected_frames, join_adts, set_mp4_play_length
from studio.audio.errors import AudioError
from studio.audio.ffmpeg import run_ffmpeg

RATE = 22050


def _adts(path: Path, samples: int) -> Path:
    pcm = array.array("h", (int(6000 * math.sin(2 * math.pi * 441 * i / RATE)) for i in range(samples)))
    raw = path.with_suffix(".pcm")
    raw.write_bytes(pcm.tobytes())
    run_ffmpeg(["-f", "s16le", "-ar", str(RATE), "-ac", "1", "-i", str(raw), "-c:a", "aac", "-b:a", "64k",
                "-f", "adts", str(path)])
    return path


def test_a_chunk_cut_short_is_refused_by_name(tmp_path: Path) -> None:
    first = _adts(tmp_path / "first.aac", 4 * AAC_FRAME)
    second = _adts(tmp_path / "second.aac", 3 * AAC_FRAME + 100)
    assert join_adts([(first, 4 * AAC_FRAME), (second, 3 * AAC_FRAME + 100)], tmp_path / "ok.aac") == \
        expected_frames(4 * AAC_FRAME) - 1 + expected_frames(3 * AAC_FRAME + 100) - 1
    data = second.read_bytes()
    second.write_bytes(data[: len(data) // 2])  # a killed copy, a full disk...
    with pytest.raises(AudioError) as err:
        join_adts([(first, 4 * AAC_FRAME), (second, 3 * AAC_FRAME + 100)], tmp_path / "bad.aac")
    assert err.value.path == str(second)


def test_an_mp4_without_its_movie_header_in_front_is_refused(tmp_path: Path) -> None:
    chunk = _adts(tmp_path / "c.aac", 8 * AAC_FRAME)
    late = tmp_path / "late.m4a"  # no +faststart: the movie header comes after the audio
    run_ffmpeg(["-i", str(chunk), "-c:a", "copy", "-f", "ipod", str(late)])
    with pytest.raises(AudioError, match="front of the MP4"):
        set_mp4_play_length(late, 8 * AAC_FRAME, RATE)


def test_chunks_longer_than_a_read_block_join_to_the_same_bytes(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The join reads chunks block by block (memory flat for any chapter length): frames that straddle a
    block's end are counted and copied exactly, and a chunk cut inside a frame is still refused."""
    import studio.audio.aac_join as aac_join

    first = _adts(tmp_path / "first.aac", 40 * AAC_FRAME)
    second = _adts(tmp_path / "second.aac", 30 * AAC_FRAME + 7)
    chunks = [(first, 40 * AAC_FRAME), (second, 30 * AAC_FRAME + 7)]
    whole = tmp_path / "whole.aac"
    frames = join_adts(chunks, whole)
    monkeypatch.setattr(aac_join, "READ_BLOCK", 61)  # smaller than a frame: every frame straddles blocks
    small = tmp_path / "small.aac"
    both = expected_frames(40 * AAC_FRAME) + expected_frames(30 * AAC_FRAME + 7)
    assert join_adts(chunks, small) == frames == both - 2
    assert small.read_bytes() == whole.read_bytes()
    assert len(whole.read_bytes()) < first.stat().st_size + second.stat().st_size  # two frames dropped
    data = second.read_bytes()
    second.write_bytes(data[:-3])  # the last frame cut short
    with pytest.raises(AudioError, match="truncated ADTS frame") as err:
        join_adts(chunks, tmp_path / "bad.aac")
    assert err.value.path == str(second)


def test_a_span_index_cuts_like_slice_spans() -> None:
    """Chapters are cut out of the book's span list through an index (a long book has 25,000 spans and
    6,000 cuts); every cut, at span edges, inside spans and over empty spans, equals the plain walk."""
    from studio.audio.chunk_encode import SpanIndex, slice_spans
    from studio.audio.timeline import Span

    spans = [Span(Path("a.wav"), 10, 100), Span(None, 0, 0), Span(None, 0, 50), Span(Path("b.wav"), 0, 75),
             Span(Path("a.wav"), 200, 1), Span(None, 0, 30)]
    index = SpanIndex(spans)
    total = sum(s.frames for s in spans)
    for start in range(-3, total + 3, 4):
        for end in range(start, total + 5, 7):
            assert index.slice(start, end) == slice_spans(spans, start, end), (start, end)
