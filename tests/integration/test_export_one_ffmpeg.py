"""An export worker runs one ffmpeg at a time, also when the book is read from the FLAC cache (issue 20).

Before, each chapter encode of a FLAC-cached book had a second ffmpeg beside its encoder (the FLAC decoder
feeding its pipe, and one more beside the limiter calibration): two processes per worker, 325 MB of RSS at four
workers. Now the chapter is decoded to a WAV in the scratch folder first (``decode_ahead``) and the encoder reads
that file itself. Counted here on a real export: every ffmpeg the export starts, and how many of its ffmpeg
processes are alive (not yet reaped) at that moment: never more than the export has workers.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from studio.audio.cached_audio import store_flac
from studio.audio.export import ExportOptions, export_audiobook
from studio.audio.ffmpeg import ffmpeg_exe
from studio.audio.loudness import DEFAULT_TARGET
from studio.audio.pieces import Piece
from studio.audio.probe import probe_duration_ms
from studio.audio.stitch import ChapterAudio
from studio.audio.tags import BookInfo
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


@pytest.mark.parametrize(("fmt", "workers"), [("m4b", 1), ("mp3", 1), ("m4b", 2)])
def test_each_worker_runs_one_ffmpeg_at_a_time(flac_book: list[ChapterAudio], census: _Census, tmp_path: Path,
                                               fmt: str, workers: int) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    out = tmp_path / f"book.{fmt}"
    export_audiobook(flac_book, out, BookInfo("书", "作者"),
                     ExportOptions(format=fmt, loudness=DEFAULT_TARGET, jobs=workers), temp_dir=scratch)
    encoders = [a for a in census.args if "-c:a" in a and a[a.index("-c:a") + 1] in ("aac", "libmp3lame")]
    assert len(encoders) == 4  # one per chapter: the book was encoded chapter by chapter
    # each encoder read its chapter, decoded beforehand, from a file: no FLAC decoder beside it
    assert all(a[a.index("-f") + 1] == "wav" and a[a.index("-i") + 1].endswith(".wav") for a in encoders), encoders
    assert census.most <= workers, census.args  # was 2 per worker: a FLAC decoder beside each encoder
    assert list(scratch.iterdir()) == []  # the decoded chapters went with the scratch folder
    pieces_ms = sum(probe_duration_ms(p.path) for c in flac_book for p in c.pieces)
    assert probe_duration_ms(out) > pieces_ms  # the whole book (with its gaps) is in the file
