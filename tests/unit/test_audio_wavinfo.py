"""WAV facts are exact, and broken pieces are caught before they can shift chapter marks."""

from __future__ import annotations

import array
import math
import wave
from pathlib import Path

import pytest

from studio.audio import AudioError, PcmFormat, read_wav_info, write_silence


def _tone(path: Path, frames: int, rate: int = 22050, channels: int = 1) -> Path:
    one = [int(8000 * math.sin(2 * math.pi * 441 * i / rate)) for i in range(frames)]
    samples = array.array("h", [s for s in one for _ in range(channels)])
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    return path


def test_reads_format_and_exact_frame_count(tmp_path: Path) -> None:
    info = read_wav_info(_tone(tmp_path / "a.wav", 15435))
    assert info.format == PcmFormat(22050, 1, 2)
    assert info.frames == 15435
    assert info.duration_ms == 700.0
    stereo = read_wav_info(_tone(tmp_path / "s.wav", 1600, rate=16000, channels=2))
    assert (stereo.format, stereo.frames) == (PcmFormat(16000, 2, 2), 1600)
    assert str(stereo.format) == "16000 Hz stereo 16-bit"


def test_garbage_is_an_audio_error_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"not a wave file" * 10)
    with pytest.raises(AudioError) as err:
        read_wav_info(bad)
    assert err.value.path == str(bad)
    assert str(bad) in str(err.value)


def test_truncated_file_is_refused(tmp_path: Path) -> None:
    piece = _tone(tmp_path / "t.wav", 22050)
    data = piece.read_bytes()
    piece.write_bytes(data[: len(data) // 2])  # header still announces 22050 frames
    with pytest.raises(AudioError, match="truncated"):
        read_wav_info(piece)


def test_extra_chunks_before_data_are_skipped(tmp_path: Path) -> None:
    piece = _tone(tmp_path / "l.wav", 1000)
    raw = piece.read_bytes()
    # insert an odd-sized LIST chunk (padded to even) between fmt and data, then fix the RIFF size
    fmt_end = 12 + 8 + 16
    extra = b"LIST" + (5).to_bytes(4, "little") + b"INFO\x00" + b"\x00"
    body = raw[12:fmt_end] + extra + raw[fmt_end:]
    piece.write_bytes(b"RIFF" + (4 + len(body)).to_bytes(4, "little") + b"WAVE" + body)
    assert read_wav_info(piece).frames == 1000


@pytest.mark.parametrize("fmt", [PcmFormat(22050, 1, 2), PcmFormat(48000, 2, 2), PcmFormat(8000, 1, 1)])
def test_silence_has_the_exact_length_and_is_silent(tmp_path: Path, fmt: PcmFormat) -> None:
    path = write_silence(tmp_path / "s.wav", 20001, fmt)
    info = read_wav_info(path)
    assert (info.format, info.frames) == (fmt, 20001)
    with wave.open(str(path)) as w:
        data = w.readframes(w.getnframes())
    zero = 0x80 if fmt.sample_width == 1 else 0
    assert set(data) == {zero}
