"""FLAC in the render cache (decision 0015): the header gives the exact length, storing is lossless, and the
exporter's feed cuts exact sample ranges out of FLAC pieces (in any order, mixed with WAV and silence). Both
decoders: libFLAC in our process (``flac_decode``, the default) and the ffmpeg it falls back to. Real ffmpeg."""

from __future__ import annotations

import array
import os
import sys
import threading
import wave
from pathlib import Path

import pytest

from studio.audio import flac_decode
from studio.audio.cached_audio import FRAME_SAMPLES, pcm_blocks, read_frames, samples_of, store_flac
from studio.audio.errors import AudioError
from studio.audio.pcmfeed import feed_spans, flac_runs
from studio.audio.timeline import Span
from studio.audio.wavinfo import PcmFormat, read_audio_info, read_flac_info
from studio.qa.signal_scan import scan_wav

FMT = PcmFormat(22050, 1, 2)


@pytest.fixture(params=["libflac", "ffmpeg"])
def decoder(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test with each FLAC decoder."""
    monkeypatch.setattr(flac_decode, "DISABLED", request.param == "ffmpeg")
    assert flac_decode.available() == (request.param == "libflac")
    return str(request.param)


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


def test_storing_as_flac_is_lossless_and_the_header_knows_the_length(tmp_path: Path, decoder: str) -> None:
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


def test_the_feed_cuts_exact_ranges_from_flac_wav_and_silence_in_any_order(tmp_path: Path, decoder: str) -> None:
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


def test_a_flac_shorter_than_its_header_says_is_an_error(tmp_path: Path, decoder: str) -> None:
    flac = store_flac(_ramp_wav(tmp_path / "a.wav", 200_000), tmp_path / "a.flac").path
    data = flac.read_bytes()
    flac.write_bytes(data[: len(data) // 2])  # STREAMINFO still says 200,000 samples
    with pytest.raises(AudioError, match="fewer samples") as caught:
        _feed([Span(flac, 150_000, 10_000)])
    if decoder == "libflac":  # one file at a time: the error names it
        assert caught.value.path == str(flac)


def test_stereo_flac_is_interleaved_as_ffmpeg_does(tmp_path: Path, decoder: str) -> None:
    stereo = PcmFormat(22050, 2, 2)
    left, right = _ramp(0, 5_000), _ramp(0, 5_000, 30_000)
    frames = array.array("h", (v for pair in zip(left, right, strict=True) for v in pair))
    if sys.byteorder == "big":
        frames.byteswap()
    with wave.open(str(tmp_path / "s.wav"), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(22050)
        w.writeframes(frames.tobytes())
    flac = store_flac(tmp_path / "s.wav", tmp_path / "s.flac").path
    fmt, blocks = pcm_blocks(flac, 1000)
    assert fmt == stereo and b"".join(blocks) == (tmp_path / "s.wav").read_bytes()[44:]
    assert samples_of(read_frames(flac, stereo, 4_000, 4_002)).tolist() == [left[4_000], right[4_000],
                                                                            left[4_001], right[4_001]]


def test_a_damaged_flac_is_an_error_naming_it_or_decodes_to_its_length(tmp_path: Path) -> None:
    """Bytes flipped anywhere after STREAMINFO: libFLAC either reports the file or (a damaged frame it can
    resync past) gives its stated length; never a crash, a hang or a wrong count (property, fuzzed)."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    good = store_flac(_ramp_wav(tmp_path / "a.wav", 30_000), tmp_path / "a.flac").path.read_bytes()
    damaged = tmp_path / "d.flac"

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(st.tuples(st.integers(42, len(good) - 1), st.integers(1, 255)), min_size=1, max_size=8))
    def check(flips: list[tuple[int, int]]) -> None:
        data = bytearray(good)
        for at, mask in flips:
            data[at] ^= mask
        damaged.write_bytes(bytes(data))
        try:
            pcm = b"".join(flac_decode.pcm(damaged, FMT))
        except AudioError as exc:
            assert exc.path == str(damaged)
        else:
            assert len(pcm) == 2 * 30_000

    check()


def test_the_qa_scan_reads_flac_and_wav_alike(tmp_path: Path, decoder: str) -> None:
    wav = _ramp_wav(tmp_path / "a.wav", 22_050)
    flac = store_flac(wav, tmp_path / "a.flac").path
    assert scan_wav(flac) == scan_wav(wav)
    assert scan_wav(flac).duration_ms == 1000


def test_a_piece_that_is_not_flac_or_a_range_past_its_end_is_a_clear_error_and_closes_the_file(
        tmp_path: Path) -> None:
    flac = store_flac(_ramp_wav(tmp_path / "a.wav", 10_000), tmp_path / "a.flac").path
    broken = tmp_path / "b.flac"
    broken.write_bytes(flac.read_bytes()[:20])  # cut inside the header
    fds = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    errors = []
    for path, start, frames in [(broken, 0, None), (flac, 9_000, 2_000), (flac, 20_000, 10), (flac, -5, 10)]:
        with pytest.raises(AudioError) as caught:
            b"".join(flac_decode.pcm(path, FMT, start=start, frames=frames))
        assert caught.value.path == str(path)
        errors.append(caught.value)  # kept alive: its traceback must not be what holds the file open
    assert "9000-11000" in str(errors[1]) and "10000" in str(errors[1])
    if fds is not None:
        assert len(os.listdir("/proc/self/fd")) == fds
