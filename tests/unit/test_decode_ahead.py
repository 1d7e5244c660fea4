"""A chapter read from FLAC is decoded to a WAV before its encoder starts (``decode_ahead``): the file holds exactly
the samples the encoder's pipe got before (silence as holes), is used only when it is worth it, and never outlives
the chapter's encode, whether it ends well, fails or is cancelled. Real ffmpeg."""

from __future__ import annotations

import errno
import os
import threading
import wave
from pathlib import Path

import pytest

from studio.audio import decode_ahead
from studio.audio.cached_audio import samples_of, store_flac
from studio.audio.decode_ahead import decoded
from studio.audio.errors import AudioError, DiskFullError
from studio.audio.ffmpeg import capture_ffmpeg_stdout
from studio.audio.timeline import Span
from studio.core.errors import CancelledError
from tests.unit.test_cached_audio import FMT, _feed, _ramp_wav


@pytest.fixture
def spans(tmp_path: Path) -> list[Span]:
    a = store_flac(_ramp_wav(tmp_path / "a.wav", 50_000), tmp_path / "a.flac").path
    b = store_flac(_ramp_wav(tmp_path / "b.wav", 9_000, 7), tmp_path / "b.flac").path
    w = _ramp_wav(tmp_path / "w.wav", 3_000, 11)
    return [Span(None, 0, 1024), Span(a, 100, 20_000), Span(None, 0, 5_000), Span(w, 10, 2_000), Span(b, 0, 9_000),
            Span(a, 5, 500), Span(None, 0, 777)]


def test_the_decoded_chapter_holds_the_samples_the_pipe_got(spans: list[Span], tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    with decoded(spans, FMT, work, "chapter.wav", threading.Event()) as pcm:
        assert pcm.file == work / "chapter.wav"
        with wave.open(str(pcm.file), "rb") as w:  # a plain WAV: its header says how long it is
            assert (w.getframerate(), w.getnchannels(), w.getnframes()) == (22050, 1, sum(s.frames for s in spans))
            data = w.readframes(w.getnframes())
        assert list(samples_of(data)) == _feed(spans)
        # the encoder reads the file itself; ffmpeg decodes it to the same samples
        args, feed = pcm.encoder_input(FMT, None)
        assert feed is None
        assert capture_ffmpeg_stdout([*args, "-f", "s16le", "-"]) == data
        # the calibration reads its opening through the feed, now from the file
        assert _feed(pcm.timeline(FMT, 3_000).spans) == _feed(spans)[:3_000]
    assert list(work.iterdir()) == []


def test_silence_is_not_written(spans: list[Span], tmp_path: Path) -> None:
    long_gap = [spans[1], Span(None, 0, 5_000_000)]  # ~10 MB of silence at the end
    with decoded(long_gap, FMT, tmp_path, "chapter.wav", threading.Event()) as pcm:
        assert pcm.file is not None
        stat = pcm.file.stat()
        assert stat.st_size == 44 + 2 * 5_020_000
        if hasattr(stat, "st_blocks"):  # a sparse file where the file system has them
            assert stat.st_blocks * 512 < 2_000_000


def test_wav_only_and_oversized_chapters_are_streamed(spans: list[Span], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    wav_only = [s for s in spans if s.path is None or s.path.suffix == ".wav"]
    with decoded(wav_only, FMT, tmp_path, "c.wav", threading.Event()) as pcm:
        assert pcm.file is None and pcm.spans == tuple(wav_only)
        args, feed = pcm.encoder_input(FMT, None)
        assert feed is not None and args[-1] == "pipe:0"
    monkeypatch.setattr(decode_ahead, "MAX_BYTES", 2 * 30_000)
    with decoded(spans, FMT, tmp_path, "c.wav", threading.Event()) as pcm:
        assert pcm.file is None
    assert not (tmp_path / "c.wav").exists()


def test_a_failed_or_cancelled_chapter_leaves_no_file(spans: list[Span], tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    stop = threading.Event()
    stop.set()
    with pytest.raises(CancelledError), decoded(spans, FMT, work, "c.wav", stop):
        pass
    assert list(work.iterdir()) == []
    with pytest.raises(AudioError, match="the encoder failed"), decoded(spans, FMT, work, "c.wav", threading.Event()):
        assert (work / "c.wav").is_file()
        raise AudioError("the encoder failed")
    assert list(work.iterdir()) == []


def test_a_flac_that_decodes_short_is_an_error_and_leaves_no_file(tmp_path: Path) -> None:
    flac = store_flac(_ramp_wav(tmp_path / "a.wav", 200_000), tmp_path / "a.flac").path
    flac.write_bytes(flac.read_bytes()[: flac.stat().st_size // 2])
    work = tmp_path / "work"
    work.mkdir()
    with pytest.raises(AudioError, match="fewer samples"), decoded([Span(flac, 0, 200_000)], FMT, work, "c.wav",
                                                                   threading.Event()):
        pass
    assert list(work.iterdir()) == []


def test_a_full_disk_names_the_decoded_file_and_leaves_nothing(spans: list[Span], tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int, *args: object, **kwargs: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(decode_ahead, "feed_spans", full)
    work = tmp_path / "work"
    work.mkdir()
    with pytest.raises(DiskFullError) as caught, decoded(spans, FMT, work, "c.wav", threading.Event()):
        pass
    assert str(caught.value) == f"No space left on device: {work / 'c.wav'}"
    assert list(work.iterdir()) == []
