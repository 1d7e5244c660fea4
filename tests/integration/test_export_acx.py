"""The ACX preset's output measured against every ACX rule, with real ffmpeg and mutagen.

The report's own figures are checked, and the rules that make a file bounce are re-measured here
independently of studio/audio/compliance.py (decoded PCM for the room tone: noise, not zeros).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mutagen.mp3 import MP3

from studio.audio import decode_to_pcm
from studio.audio.compliance import check_acx, preset_options
from studio.audio.export import export_audiobook
from studio.audio.stitch import ChapterAudio
from studio.audio.tags import BookInfo
from tests.integration.test_export_loudness import spiky_piece
from tests.integration.test_export_support import cli_export, loudness_of, seeded_project


@pytest.fixture(scope="module")
def acx_book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    root = tmp_path_factory.mktemp("acx")
    chapters = [ChapterAudio(f"Chapter {c + 1}", [spiky_piece(root / f"{c}-{p}.wav", 3.0) for p in range(2)])
                for c in range(2)]
    result = export_audiobook(chapters, root / "out", BookInfo("ACX"), preset_options("acx"))
    return root, [f.path for f in result.files]


def test_acx_preset_files_pass_every_measurable_rule(acx_book: tuple[Path, list[Path]]) -> None:
    _, files = acx_book
    assert len(files) == 2 and all(f.suffix == ".mp3" for f in files)
    report = check_acx(files)
    failed = [r for r in report.rules if r.status == "fail"]
    assert report.passed, failed
    measured = {r.rule for r in report.rules if r.status == "pass"}
    assert {"MP3, 192 kbps CBR", "sample rate 44.1 kHz", "RMS between -23 and -18 dB", "peak at most -3 dB",
            "noise floor at most -60 dB", "room tone at the head 0.5-1 s", "room tone at the tail 1-5 s",
            "room tone is noise, not digital silence", "at most 120 min",
            "mono or stereo, the same in every file"} <= measured
    assert {r.rule for r in report.rules if r.status == "manual"} == {"opening and closing credits",
                                                                       "retail sample of 1-5 min"}


def test_acx_files_measured_independently(acx_book: tuple[Path, list[Path]]) -> None:
    _, files = acx_book
    for path in files:
        info = MP3(path).info
        assert (round(info.bitrate / 1000), info.sample_rate, info.channels) == (192, 44100, 1)
        lufs, peak = loudness_of(path)
        assert peak <= -3.0 and abs(lufs - -20.0) <= 1.5
        pcm = decode_to_pcm(path, sample_rate=44100)
        head = pcm[: round(0.45 * 44100)]
        tail = pcm[-round(0.9 * 44100):]
        for quiet in (head, tail):
            assert max(abs(s) for s in quiet) < 33  # under -60 dBFS (32767 * 10**-3 = 33)
            assert sum(1 for s in quiet if s) > len(quiet) // 2  # noise, not digital silence
        loud = [n for n, s in enumerate(pcm) if abs(s) > 1000]
        assert 0.5 <= loud[0] / 44100 <= 1.0  # speech starts after 0.5-1 s of room tone
        assert 1.0 <= (len(pcm) - loud[-1]) / 44100 <= 5.0


def test_studio_export_preset_acx_prints_the_report(tmp_path: Path) -> None:
    project = seeded_project(tmp_path / "p", [("One", ("local", None, 22050, [1500.0, 1200.0])),
                                               ("Two", ("local", None, 22050, [1300.0]))])
    # credits and the retail sample have tests of their own (test_export_acx_extras.py)
    code, out, err = cli_export(project, "-o", str(tmp_path / "acx"), "--preset", "acx", "--json", "--no-credits",
                                "--no-retail-sample")
    assert code == 0, err
    payload = json.loads(out)
    rules = payload["compliance"]["rules"]
    assert payload["compliance"]["preset"] == "acx"
    assert any(r["rule"] == "room tone at the head 0.5-1 s" and r["status"] == "pass" for r in rules), rules
    code, out, err = cli_export(project, "-o", str(tmp_path / "acx2"), "--preset", "acx", "--no-credits",
                                "--no-retail-sample")
    assert code == 0, err
    assert "compliance (acx)" in err and "room tone at the tail 1-5 s" in err


@pytest.mark.expect_log(r"unknown preset 'kindle'", logger="studio.cli.export")
def test_unknown_preset_is_one_line_exit_2(tmp_path: Path) -> None:
    project = seeded_project(tmp_path / "p", [("One", ("local", None, 22050, [800.0]))])
    code, _, err = cli_export(project, "-o", str(tmp_path / "x"), "--preset", "kindle")
    assert code == 2 and "--preset" in err and "acx" in err




@pytest.mark.parametrize(("preset", "suffix"), [("apple", ".m4b"), ("mp3", ".mp3")])
def test_apple_and_mp3_presets_write_one_chaptered_book(tmp_path: Path, preset: str, suffix: str) -> None:
    project = seeded_project(tmp_path / "p", [("One", ("local", None, 22050, [1500.0])),
                                               ("Two", ("local", None, 22050, [1300.0]))])
    out = tmp_path / f"book{suffix}"
    code, stdout, err = cli_export(project, "-o", str(out), "--preset", preset, "--json")
    assert code == 0, err
    payload = json.loads(stdout)
    assert [Path(f["path"]).suffix for f in payload["files"]] == [suffix] and out.is_file()
    rules = payload["compliance"]["rules"]
    assert payload["compliance"]["passed"], rules
    assert any(r["rule"] == "chapter marks readable" and r["measured"] == "2 chapters" for r in rules)


@pytest.mark.expect_log(r"split-hours", logger="studio.cli.export")
def test_acx_with_split_hours_is_refused_not_ignored(tmp_path: Path) -> None:
    project = seeded_project(tmp_path / "p", [("One", ("local", None, 22050, [800.0]))])
    code, _, err = cli_export(project, "-o", str(tmp_path / "x"), "--preset", "acx", "--split-hours", "2")
    assert code == 2 and "--split-hours" in err and "one file per chapter" in err, err
