"""Reading audio back without ffprobe: durations, samples, levels, tags."""

from __future__ import annotations

import array
import math
import wave
from pathlib import Path

import pytest

from studio.audio import decode_to_pcm, probe_duration_ms, rms_dbfs, run_ffmpeg
from studio.audio.levels import SILENCE_DBFS
from studio.audio.m4b import book_tags
from studio.audio.probe import mp4_duration_ms


def _tone(path: Path, frames: int, rate: int = 22050) -> Path:
    samples = array.array("h", (int(8000 * math.sin(2 * math.pi * 441 * i / rate)) for i in range(frames)))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    return path


@pytest.fixture(scope="module")
def wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _tone(tmp_path_factory.mktemp("probe") / "t.wav", 33075)  # 1.5 s


def test_wav_duration_is_exact(wav: Path) -> None:
    assert probe_duration_ms(wav) == 1500.0


@pytest.mark.parametrize(("suffix", "codec", "exact", "tolerance_ms"), [
    (".m4a", "aac", False, 0.1),  # mvhd: edit list applied, so exact from the header
    (".flac", "flac", False, 0.1),  # decoded and counted
    (".mp3", "libmp3lame", True, 0.1),  # decoded: ffmpeg honours the gapless info
    (".mp3", "libmp3lame", False, 100),  # mutagen counts the encoder delay and padding too
])
def test_encoded_durations(wav: Path, tmp_path: Path, suffix: str, codec: str, exact: bool,
                           tolerance_ms: float) -> None:
    out = tmp_path / f"t{suffix}"
    run_ffmpeg(["-i", str(wav), "-c:a", codec, str(out)])
    assert abs(probe_duration_ms(out, exact=exact) - 1500.0) <= tolerance_ms


def test_mp4_duration_needs_a_movie_header(tmp_path: Path) -> None:
    junk = tmp_path / "x.m4a"
    junk.write_bytes(b"\x00\x00\x00\x10ftypM4A \x00\x00\x00\x00")
    assert mp4_duration_ms(junk) is None


def test_decode_to_pcm_counts_and_resamples(wav: Path) -> None:
    pcm = decode_to_pcm(wav)
    assert pcm.typecode == "h" and len(pcm) == 33075
    assert max(pcm) in range(7900, 8001)
    assert len(decode_to_pcm(wav, sample_rate=8000)) in range(11999, 12002)
    assert len(decode_to_pcm(wav, channels=2)) == 2 * 33075


def test_rms_dbfs() -> None:
    assert rms_dbfs([]) == SILENCE_DBFS
    assert rms_dbfs([0] * 100) == SILENCE_DBFS
    assert rms_dbfs([32767, -32768] * 50) == pytest.approx(0.0, abs=0.01)
    sine = [int(8000 * math.sin(2 * math.pi * i / 50)) for i in range(5000)]
    assert rms_dbfs(sine) == pytest.approx(20 * math.log10(8000 / math.sqrt(2) / 32768), abs=0.05)


def test_book_tags_map_to_what_mp4_can_hold() -> None:
    tags = book_tags("书", "作者", {"year": "1928", "publisher": "北新", "comment": "c"})
    assert tags["title"] == tags["album"] == "书"
    assert tags["artist"] == tags["album_artist"] == "作者"
    assert tags["genre"] == "Audiobook" and tags["media_type"] == "2"
    assert tags["date"] == "1928" and tags["comment"] == "c"
    assert "publisher" not in tags and "year" not in tags
    assert "artist" not in book_tags("t", "", None)
