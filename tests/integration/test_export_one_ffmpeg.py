"""An export worker runs one ffmpeg at a time, also when the book is read from the FLAC cache (issue 20).

Before, each chapter encode of a FLAC-cached book had a second ffmpeg beside its encoder (the FLAC decoder
feeding its pipe, and one more beside the limiter calibration): two processes per worker, 325 MB of RSS at four
workers. Now the chapter is decoded to a WAV in the scratch folder first (``decode_ahead``) and the encoder reads
that file itself. Counted here on a real export: every ffmpeg the export starts, and how many of its ffmpeg
processes are alive (not yet reaped) at that moment: never more than the export has workers. FLAC is decoded in
our process (``flac_decode``); where that cannot load, ffmpeg decodes it, one more process for the chapter being
decoded ahead for the next encode (``chunks_ahead.SLOTS``).
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from studio.audio import chunked_book, decode_ahead, flac_decode
from studio.audio.cached_audio import store_flac
from studio.audio.chunks_ahead import SLOTS, ChunksAhead
from studio.audio.errors import AudioError
from studio.audio.export import ExportOptions, export_audiobook
from studio.audio.ffmpeg import ffmpeg_exe
from studio.audio.loudness import DEFAULT_TARGET
from studio.audio.pieces import Piece
from studio.audio.probe import probe_duration_ms
from studio.audio.stitch import ChapterAudio
from studio.audio.tags import BookInfo
from studio.core.errors import CancelledError
from tests.integration.test_export_support import tone_piece


class _Census:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.live: list[subprocess.Popen[Any]] = []
        self.most = 0
        self.args: list[list[str]] = []


@pytest.fixture
def census(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Census]:
    seen = _Census()
    exe = ffmpeg_exe()
    real = subprocess.Popen

    class Counted(real):  # type: ignore[misc,valid-type]
        def __init__(self, args: Any, *rest: Any, **kwargs: Any) -> None:
            super().__init__(args, *rest, **kwargs)
            if not isinstance(args, list | tuple) or str(args[0]) != exe:
                return
            with seen.lock:
                seen.live = [p for p in seen.live if p.returncode is None]  # reaped: gone
                seen.live.append(self)
                seen.most = max(seen.most, len(seen.live))
                seen.args.append([str(a) for a in args])

    monkeypatch.setattr(subprocess, "Popen", Counted)
    yield seen


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The chapters decoded ahead (the files ``decode_ahead`` wrote), in order."""
    written: list[Path] = []
    real = decode_ahead._write

    def write(path: Path, *args: Any) -> None:
        written.append(path)
        real(path, *args)

    monkeypatch.setattr(decode_ahead, "_write", write)
    return written


@pytest.fixture(scope="module")
def flac_book(tmp_path_factory: pytest.TempPathFactory) -> list[ChapterAudio]:
    root = tmp_path_factory.mktemp("flacbook")
    chapters = []
    for c in range(4):
        pieces = []
        for p in range(2):
            wav = tone_piece(root / f"{c}-{p}.wav", [2500.0, 1500.0 + 500 * c], amplitude=6000 + 1000 * p).piece
            pieces.append(Piece(store_flac(wav.path, wav.path.with_suffix(".flac")).path, wav.sentences))
        chapters.append(ChapterAudio(f"第{c + 1}章", pieces))
    return chapters


@pytest.mark.parametrize(("fmt", "workers", "decoder"),
                         [("m4b", 1, "libflac"), ("mp3", 1, "libflac"), ("m4b", 2, "libflac"), ("m4b", 2, "ffmpeg")])
def test_each_worker_runs_one_ffmpeg_at_a_time(flac_book: list[ChapterAudio], census: _Census, decodes: list[Path],
                                               tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str,
                                               workers: int, decoder: str) -> None:
    monkeypatch.setattr(flac_decode, "DISABLED", decoder == "ffmpeg")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    out = tmp_path / f"book.{fmt}"
    export_audiobook(flac_book, out, BookInfo("书", "作者"),
                     ExportOptions(format=fmt, loudness=DEFAULT_TARGET, jobs=workers), temp_dir=scratch)
    encoders = [a for a in census.args if "-c:a" in a and a[a.index("-c:a") + 1] in ("aac", "libmp3lame")]
    assert len(encoders) == 4  # one per chapter: the book was encoded chapter by chapter
    # each encoder read its chapter, decoded beforehand, from a file: no FLAC decoder beside it
    assert all(a[a.index("-f") + 1] == "wav" and a[a.index("-i") + 1].endswith(".wav") for a in encoders), encoders
    # was 2 per worker: a FLAC decoder beside each encoder; now one chapter at a time is prepared ahead of the
    # encoders (its units measured if the render did not, decoded in our process or, without libFLAC, by ffmpeg)
    assert census.most <= workers + SLOTS, census.args
    decoders = [a for a in census.args if "concat" in a]
    assert len(decoders) == (0 if decoder == "libflac" else 4)
    assert len(decodes) == len(set(decodes)) == 4  # every chapter decoded once
    assert list(scratch.iterdir()) == []  # the decoded chapters went with the scratch folder
    pieces_ms = sum(probe_duration_ms(p.path) for c in flac_book for p in c.pieces)
    assert probe_duration_ms(out) > pieces_ms  # the whole book (with its gaps) is in the file


@pytest.mark.parametrize("how", ["cancel", "failure"])
def test_a_chapter_decoded_ahead_is_removed_when_the_export_stops(flac_book: list[ChapterAudio], decodes: list[Path],
                                                                 tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 how: str) -> None:
    """A worker decodes its next chapter while it encodes this one; when the export stops before that next encode
    (cancelled, or another chapter failed), the decoded file goes too."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    book = flac_book * 3  # 12 chapters: several are claimed ahead
    cancel = threading.Event()
    real = chunked_book.finish_chunk
    finished: list[int] = []

    def finish(prepared, chunk, *args, **kwargs):  # type: ignore[no-untyped-def]
        if len(finished) == 2:
            if how == "failure":
                prepared.close()
                raise AudioError("simulated encoder failure")
            cancel.set()
        finished.append(chunk.index)
        return real(prepared, chunk, *args, **kwargs)

    monkeypatch.setattr(chunked_book, "finish_chunk", finish)
    left_after_close: list[list[Path]] = []
    real_close = ChunksAhead.close

    def close(self: ChunksAhead) -> None:  # what the export still holds once its encodes have ended
        real_close(self)
        left_after_close.append(sorted(scratch.rglob("*.wav")))

    monkeypatch.setattr(ChunksAhead, "close", close)
    with pytest.raises(AudioError if how == "failure" else CancelledError):
        export_audiobook(book, tmp_path / "book.m4b", BookInfo("书", "作者"),
                         ExportOptions(loudness=DEFAULT_TARGET, jobs=2), temp_dir=scratch, cancel_event=cancel)
    assert 3 <= len(decodes) < 12  # some chapter was decoded ahead, and the rest never were
    assert left_after_close == [[]]  # not left for the scratch folder's removal: a long book's disk
    assert list(scratch.iterdir()) == []
    assert not (tmp_path / "book.m4b").exists()
