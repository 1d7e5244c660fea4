"""FLAC in the render cache (decision 0015): the header gives the exact length, storing is lossless, and the
exporter's feed cuts exact sample ranges out of FLAC pieces (in any order, mixed with WAV and silence) with one
decoder for all of them. Real ffmpeg."""

from __future__ import annotations

import array
import os
import sys
import threading
import wave
from pathlib import Path

import pytest

from studio.audio.cached_audio import FRAME_SAMPLES, pcm_blocks, read_frames, samples_of, store_flac
from studio.audio.errors import AudioError
from studio.audio.pcmfeed import feed_spans, flac_runs
from studio.audio.timeline import Span
from studio.audio.wavinfo import PcmFormat, read_audio_info, read_flac_info
from studio.qa.signal_scan import scan_wav

FMT = PcmFormat(22050, 1, 2)


def _ramp_wav(path: Path, frames: int, offset: int = 0) -> Path:
    """Sample i holds (i + offset) wrapped into 16 bits: every range read back says where it came from."""
    samples = array.array("h", (((i + offset) % 65536) - 32768 for i in range(frames)))
    if sys.byteorder == "big":
        samples.byteswap()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(FMT.sample_rate)
        w.writeframes(samples.tobytes())
    return path


def _ramp(start: int, frames: int, offset: int = 0) -> list[int]:
    return [((i + offset) % 65536) - 32768 for i in range(start, start + frames)]


def _feed(spans: list[Span]) -> list[int]:
    read_fd, write_fd = os.pipe()
    got = bytearray()

    def drain() -> None:
        while chunk := os.read(read_fd, 1 << 16):
            got.extend(chunk)
        os.close(read_fd)

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        written = feed_spans(write_fd, spans, FMT)
    finally:
        os.close(write_fd)
        reader.join()
    assert written * 2 == len(got)
    return list(samples_of(bytes(got)))


def test_storing_as_flac_is_lossless_and_the_header_knows_the_length(tmp_path: Path) -> None:
    wav = _ramp_wav(tmp_path / "u.wav", 70_001)
    info = store_flac(wav, tmp_path / "u.flac")
    assert info.frames == 70_001 and info.format == FMT
    assert read_flac_info(tmp_path / "u.flac") == info == read_audio_info(tmp_path / "u.flac")
    assert (tmp_path / "u.flac").stat().st_size < wav.stat().st_size
    fmt, blocks = pcm_blocks(tmp_path / "u.flac", 4096)
    assert fmt == FMT and list(samples_of(b"".join(blocks))) == _ramp(0, 70_001)
    assert list(samples_of(read_frames(tmp_path / "u.flac", FMT, 30_000, 30_441))) == _ramp(30_000, 441)
    assert not list(tmp_path.glob(".*"))  # no temporary file left
    # frames of FRAME_SAMPLES (the subset's largest up to 48 kHz, fewer packets to decode), the last one shorter
    head = (tmp_path / "u.flac").read_bytes()[8:12]
    assert (int.from_bytes(head[:2], "big"), int.from_bytes(head[2:], "big")) == (FRAME_SAMPLES, FRAME_SAMPLES)
    assert FRAME_SAMPLES == 4608


def test_a_wav_that_is_not_audio_is_not_stored_and_leaves_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF" + bytes(100))
    with pytest.raises(AudioError):
        store_flac(bad, tmp_path / "bad.flac")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.wav"]
    with pytest.raises(AudioError, match="not a FLAC"):
        read_flac_info(bad)


def test_the_feed_cuts_exact_ranges_from_flac_wav_and_silence_in_any_order(tmp_path: Path) -> None:
    a = store_flac(_ramp_wav(tmp_path / "a.wav", 50_000), tmp_path / "a.flac").path
    b = store_flac(_ramp_wav(tmp_path / "b.wav", 9_000, 7), tmp_path / "b.flac").path
    w = _ramp_wav(tmp_path / "w.wav", 3_000, 11)
    spans = [Span(a, 100, 200), Span(None, 0, 50), Span(a, 300, 1000),  # one run, forwards
             Span(w, 10, 20),  # a WAV between two reads of the same FLAC
             Span(a, 40_000, 10),  # still forwards: the same run, the rest skipped
             Span(b, 8_990, 10),  # another file: a new run
             Span(a, 5, 5),  # backwards: the file again, as a new run (a repeated paragraph)
             Span(a, 49_990, 10), Span(b, 0, 0)]
    assert [n for n, _ in flac_runs(spans)] == [0, 5, 6]
    expected = (_ramp(100, 200) + [0] * 50 + _ramp(300, 1000) + _ramp(10, 20, 11) + _ramp(40_000, 10)
                + _ramp(8_990, 10, 7) + _ramp(5, 5) + _ramp(49_990, 10))
    assert _feed(spans) == expected


def test_a_flac_shorter_than_its_header_says_is_an_error(tmp_path: Path) -> None:
    flac = store_flac(_ramp_wav(tmp_path / "a.wav", 200_000), tmp_path / "a.flac").path
    data = flac.read_bytes()
    flac.write_bytes(data[: len(data) // 2])  # STREAMINFO still says 200,000 samples
    with pytest.raises(AudioError, match="fewer samples"):
        _feed([Span(flac, 150_000, 10_000)])


def test_the_qa_scan_reads_flac_and_wav_alike(tmp_path: Path) -> None:
    wav = _ramp_wav(tmp_path / "a.wav", 22_050)
    flac = store_flac(wav, tmp_path / "a.flac").path
    assert scan_wav(flac) == scan_wav(wav)
    assert scan_wav(flac).duration_ms == 1000
