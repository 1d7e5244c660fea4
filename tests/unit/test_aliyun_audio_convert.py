"""Vendor audio -> 16-bit PCM WAV (studio.engines.audio_convert): WAV headers, raw PCM, MP3 via ffmpeg."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

import pytest

from studio.audio import run_ffmpeg
from studio.audio.errors import AudioError
from studio.engines.audio_convert import sniff_format, to_wav, wav_header


def _tone(frames: int, rate: int = 16000) -> bytes:
    return b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate))) for i in range(frames))


def _streaming_wav(path: Path, pcm: bytes, rate: int, data_size: int) -> None:
    header = bytearray(wav_header(len(pcm), rate))
    struct.pack_into("<I", header, 4, 0xFFFFFFFF)
    struct.pack_into("<I", header, 40, data_size)
    path.write_bytes(bytes(header) + pcm)


def _only(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_raw_pcm_is_wrapped(tmp_path: Path) -> None:
    pcm = _tone(8000, 24000) + b"\x01"  # an odd trailing byte is dropped
    src = tmp_path / "a.pcm"
    src.write_bytes(pcm)
    info = to_wav(src, tmp_path / "out" / "a.wav", source_format="pcm", sample_rate=24000)
    assert (info.format.sample_rate, info.format.channels, info.format.sample_width, info.frames) == (24000, 1, 2, 8000)
    with wave.open(str(tmp_path / "out" / "a.wav")) as w:
        assert w.readframes(8000) == pcm[:-1]


def test_pcm_needs_rate(tmp_path: Path) -> None:
    src = tmp_path / "a.pcm"
    src.write_bytes(b"\x00\x01" * 10)
    with pytest.raises(AudioError, match="sample rate"):
        to_wav(src, tmp_path / "a.wav", source_format="pcm")


@pytest.mark.parametrize("declared", [0, 0xFFFFFFFF, 0x7FFFFFFF])
def test_streaming_wav_header_is_fixed(tmp_path: Path, declared: int) -> None:
    pcm = _tone(1600, 8000)
    src = tmp_path / "s.wav"
    _streaming_wav(src, pcm, 8000, declared)
    dest = tmp_path / "d.wav"
    info = to_wav(src, dest, source_format="wav")
    assert (info.format.sample_rate, info.frames) == (8000, 1600)
    assert dest.read_bytes() == wav_header(len(pcm), 8000) + pcm


def test_wav_with_trailing_chunk_keeps_only_samples(tmp_path: Path) -> None:
    pcm = _tone(100)
    src = tmp_path / "s.wav"
    src.write_bytes(wav_header(len(pcm), 16000) + pcm + b"LIST\x04\x00\x00\x00abcd")
    info = to_wav(src, tmp_path / "d.wav")
    assert info.frames == 100


def test_truncated_wav_is_an_error_and_leaves_nothing(tmp_path: Path) -> None:
    pcm = _tone(1000)
    src = tmp_path / "s.wav"
    src.write_bytes(wav_header(len(pcm), 16000) + pcm[:500])
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(AudioError, match="truncated"):
        to_wav(src, out / "d.wav", source_format="wav")
    assert _only(out) == []


def test_mp3_is_decoded(tmp_path: Path) -> None:
    mp3 = tmp_path / "t.mp3"
    run_ffmpeg(["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000:duration=1", "-c:a", "libmp3lame",
                "-b:a", "32k", str(mp3)])
    assert sniff_format(mp3) == "mp3"
    info = to_wav(mp3, tmp_path / "t.wav", source_format="mp3")
    assert info.format.sample_rate == 16000 and info.format.sample_width == 2 and info.format.channels == 1
    assert abs(info.duration_ms - 1000) < 80


def test_wav_that_is_really_mp3_is_decoded(tmp_path: Path) -> None:
    mp3 = tmp_path / "t.wav"
    run_ffmpeg(["-f", "lavfi", "-i", "sine=duration=0.5:sample_rate=16000", "-c:a", "libmp3lame", "-f", "mp3",
                str(mp3)])
    info = to_wav(mp3, tmp_path / "out.wav", source_format="wav")
    assert info.format.sample_width == 2


def test_8bit_wav_goes_through_ffmpeg(tmp_path: Path) -> None:
    src = tmp_path / "u8.wav"
    with wave.open(str(src), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(8000)
        w.writeframes(bytes(range(256)) * 10)
    info = to_wav(src, tmp_path / "d.wav")
    assert info.format.sample_width == 2 and info.frames == 2560


def test_garbage_is_an_error_and_leaves_nothing(tmp_path: Path) -> None:
    src = tmp_path / "junk.bin"
    src.write_bytes(b"this is not audio at all" * 10)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(AudioError):
        to_wav(src, out / "d.wav", source_format="mp3")
    assert _only(out) == []


def test_existing_destination_replaced_atomically(tmp_path: Path) -> None:
    dest = tmp_path / "d.wav"
    dest.write_bytes(b"old")
    src = tmp_path / "a.pcm"
    src.write_bytes(_tone(10))
    to_wav(src, dest, source_format="pcm", sample_rate=16000)
    assert dest.read_bytes()[:4] == b"RIFF"
    assert _only(tmp_path) == ["a.pcm", "d.wav"]
