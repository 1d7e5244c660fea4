"""A 64 kb/s M4B keeps the true-peak ceiling it reports once decoded (what a player plays), not only before the
codec: AAC at low bit rates adds up to ~0.7 dB of overshoot to limited speech, so the limiter keeps more room
there (``loudness.lossy_limit_margin``). Real speech from the offline engine, real ffmpeg, the decoded file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from studio.audio.export import ExportOptions, export_audiobook
from studio.audio.ffmpeg import run_ffmpeg
from studio.audio.loudness import DEFAULT_TARGET, bitrate_kbps, lossy_limit_margin
from studio.audio.pieces import Piece
from studio.audio.stitch import ChapterAudio
from studio.audio.tags import BookInfo
from studio.audio.timeline import Gaps
from studio.engines.base import SynthesisRequest
from studio.engines.local import LocalEngine

TEXT = ("我家的后面有一个很大的园，相传叫作百草园。现在是早已并屋子一起卖给朱文公的子孙了，连那最末次的相见也已经隔了"
        "七八年，其中似乎确凿只有一些野草；但那时却是我的乐园。不必说碧绿的菜畦，光滑的石井栏，高大的皂荚树，紫红的桑椹。")
VOICES = ("local-cmn-f", "local-cmn", "local-yue")


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("voices")
    with LocalEngine(workers=1) as engine:
        return [engine.synthesize(SynthesisRequest(voice, (TEXT,)), root / f"{voice}.wav").audio_path
                for voice in VOICES]


def _decoded(path: Path) -> tuple[float, float]:
    """Integrated loudness and true peak of the decoded file, by ffmpeg's own meter."""
    tail = run_ffmpeg(["-i", str(path), "-map", "0:a:0", "-af", "ebur128=peak=true:framelog=quiet", "-f", "null", "-"],
                      loglevel="info")
    return float(re.findall(r"I:\s+(-?[\d.]+) LUFS", tail)[-1]), float(re.findall(r"Peak:\s+(-?[\d.]+) dBFS", tail)[-1])


def test_a_64k_m4b_of_limited_speech_decodes_under_the_true_peak_ceiling(speech: list[Path], tmp_path: Path) -> None:
    chapters = [ChapterAudio(f"第{n + 1}章", [Piece(path)]) for n, path in enumerate(speech)]
    result = export_audiobook(chapters, tmp_path / "book.m4b", BookInfo("峰"),
                              ExportOptions(gaps=Gaps(paragraph_ms=600, chapter_ms=1500), jobs=2),
                              chapter_cache=tmp_path / "encoded")
    assert result.gain.mode == "limited"  # the voices peak near 0 dBFS at about -19 LUFS: the limiter works
    out = result.files[0]
    for chapter in out.chapters:
        tail = run_ffmpeg(["-i", str(out.path), "-map", "0:a:0", "-af",
                           f"atrim=start={chapter.start_ms / 1000:.4f}:end={chapter.end_ms / 1000:.4f},"
                           "ebur128=peak=true:framelog=quiet", "-f", "null", "-"], loglevel="info")
        lufs = float(re.findall(r"I:\s+(-?[\d.]+) LUFS", tail)[-1])
        peak = float(re.findall(r"Peak:\s+(-?[\d.]+) dBFS", tail)[-1])
        assert abs(lufs - DEFAULT_TARGET.integrated_lufs) <= 0.5, (chapter.title, lufs)
        assert peak <= DEFAULT_TARGET.true_peak_dbtp, (chapter.title, peak)
    _, whole_peak = _decoded(out.path)
    assert whole_peak <= DEFAULT_TARGET.true_peak_dbtp
    assert out.true_peak_dbtp is not None and out.true_peak_dbtp <= DEFAULT_TARGET.true_peak_dbtp


def test_the_codec_margin_follows_the_bit_rate() -> None:
    assert bitrate_kbps("64k") == 64 and bitrate_kbps("96000") == 96 and bitrate_kbps("1.5M") == 1500
    assert bitrate_kbps(None) == 64 and bitrate_kbps("fast") == 64
    assert lossy_limit_margin(True, "64k") > lossy_limit_margin(True, "128k") == lossy_limit_margin(False, "64k")
