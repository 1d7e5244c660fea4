"""Joining MP3 chunks: libmp3lame's frame count is what the join assumes, the joined file plays exactly the
planned samples in ffmpeg, mutagen and our own header reader, and a chunk that is not what its encoder must
have written is refused by name. Real ffmpeg, tiny inputs."""

from __future__ import annotations

import array
import math
from pathlib import Path

import pytest
from mutagen.mp3 import MP3

from studio.audio import decode_to_pcm
from studio.audio.errors import AudioError
from studio.audio.ffmpeg import run_ffmpeg
from studio.audio.mp3_join import JOIN_TRIM, count_frames, expected_frames, frame_samples, join_mp3
from studio.audio.written_length import mp3_gapless_frames


def _mp3(path: Path, samples: int, rate: int, *, channels: int = 1, tone: bool = True) -> Path:
    pcm = array.array("h", (int(6000 * math.sin(2 * math.pi * 441 * (i // channels) / rate)) if tone else 0
                            for i in range(samples * channels)))
    raw = path.with_suffix(".pcm")
    raw.write_bytes(pcm.tobytes())
    run_ffmpeg(["-f", "s16le", "-ar", str(rate), "-ac", str(channels), "-i", str(raw), "-c:a", "libmp3lame",
                "-b:a", "64k", "-write_xing", "0", "-id3v2_version", "0", "-f", "mp3", str(path)])
    return path


@pytest.mark.parametrize(("rate", "channels"), [(22050, 1), (44100, 2), (16000, 1), (48000, 1)])
def test_libmp3lame_writes_the_frames_the_join_counts_on(tmp_path: Path, rate: int, channels: int) -> None:
    per_frame = frame_samples(rate)
    # around the edge where one more input sample costs one more frame, and a whole-frame chunk slot
    for samples in (30 * per_frame - JOIN_TRIM, 30 * per_frame - JOIN_TRIM + 1, 30 * per_frame - JOIN_TRIM - 1, 5000):
        path = _mp3(tmp_path / f"{samples}.mp3", samples, rate, channels=channels)
        assert count_frames(path.read_bytes(), path) == expected_frames(samples, rate), samples
    assert expected_frames(30 * per_frame - JOIN_TRIM, rate) == 30


@pytest.mark.parametrize("rate", [22050, 44100])
def test_a_joined_file_plays_exactly_its_planned_length_everywhere(tmp_path: Path, rate: int) -> None:
    per_frame = frame_samples(rate)
    first_samples = 12 * per_frame - JOIN_TRIM  # fills 12 frames exactly
    last_samples = 7_001
    first = _mp3(tmp_path / "a.mp3", first_samples, rate)
    last = _mp3(tmp_path / "b.mp3", last_samples, rate)
    planned = 12 * per_frame + last_samples
    dest = tmp_path / "joined.mp3"
    join_mp3([(first, first_samples), (last, last_samples)], rate, planned, tmp_path / "raw.mp3", dest)
    assert mp3_gapless_frames(dest) == planned
    assert round(MP3(dest).info.length * rate) == planned
    pcm = decode_to_pcm(dest, sample_rate=rate)
    assert len(pcm) == planned
    # the second chunk's tone starts exactly one slot in: nothing before it moved
    onset = next(i for i in range(12 * per_frame - 200, planned) if abs(pcm[i]) > 300)
    assert abs(onset - 12 * per_frame) <= 2
    assert not (tmp_path / "raw.mp3").exists()


def test_a_chunk_cut_short_is_refused_by_name(tmp_path: Path) -> None:
    rate = 22050
    slot = 10 * frame_samples(rate) - JOIN_TRIM
    first = _mp3(tmp_path / "a.mp3", slot, rate)
    second = _mp3(tmp_path / "b.mp3", 3000, rate)
    data = second.read_bytes()
    second.write_bytes(data[: len(data) // 2 + 7])  # a killed copy, a full disk...
    with pytest.raises(AudioError) as err:
        join_mp3([(first, slot), (second, 3000)], rate, 10 * frame_samples(rate) + 3000, tmp_path / "r.mp3",
                 tmp_path / "out.mp3")
    assert err.value.path == str(second)


def test_a_chunk_planned_off_the_frame_grid_is_refused(tmp_path: Path) -> None:
    rate = 22050
    odd = 10 * frame_samples(rate) - JOIN_TRIM - 100  # still 10 frames, but 100 samples of padding too many
    first = _mp3(tmp_path / "a.mp3", odd, rate)
    second = _mp3(tmp_path / "b.mp3", 3000, rate)
    with pytest.raises(AudioError, match="frame grid"):
        join_mp3([(first, odd), (second, 3000)], rate, odd + 3000, tmp_path / "r.mp3", tmp_path / "out.mp3")
