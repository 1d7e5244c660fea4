"""`studio export` argument handling: every bad value is one line and exit code 2, before anything renders."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest

from studio.audio.loudness import ACX_TARGET
from studio.audio.timeline import Gaps
from studio.cli.export import add_export_parser, parse_gaps, parse_loudness, run_export
from studio.core.book import Book, Chapter, Paragraph
from studio.core.errors import InputError
from studio.core.project import Project


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="studio")
    add_export_parser(parser.add_subparsers(dest="command"))
    return parser


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "p.studio"
    Project.create(folder, Book("书", chapters=[Chapter("一", [Paragraph("你好。")])])).close()
    return folder


def test_gap_syntax() -> None:
    assert parse_gaps("") == Gaps()
    assert parse_gaps("sentence=300, paragraph=0.8s,heading=1s,chapter=2500ms") == Gaps(300, 800, 1000, 2500)
    assert parse_gaps("chapter=2s", Gaps(paragraph_ms=0)) == Gaps(paragraph_ms=0, chapter_ms=2000)
    for bad, message in [("pause=3", "bad --gaps item"), ("sentence", "bad --gaps item"),
                         ("sentence=-1", "bad duration"), ("sentence=abc", "bad duration"),
                         ("chapter=90s", "longer than 60 s")]:
        with pytest.raises(InputError, match=message):
            parse_gaps(bad)


def test_loudness_values() -> None:
    assert parse_loudness(None, disabled=True, true_peak=None) is None
    assert parse_loudness("acx", disabled=False, true_peak=None) == ACX_TARGET
    target = parse_loudness("-16", disabled=False, true_peak="-1.5")
    assert target is not None and (target.integrated_lufs, target.true_peak_dbtp) == (-16.0, -1.5)
    default = parse_loudness(None, disabled=False, true_peak=None)
    assert default is not None and default.integrated_lufs == -18.0 and default.true_peak_dbtp == -3.0
    for text in ("loud", "-80"):
        with pytest.raises(InputError):
            parse_loudness(text, disabled=False, true_peak=None)


@pytest.mark.parametrize(("extra", "needle"), [
    (["--format", "ogg"], "unknown format 'ogg'"),
    (["--gaps", "sentence=fast"], "bad duration 'fast'"),
    (["--cover", "{tmp}/missing.jpg"], "missing.jpg: cover image not found"),
    (["--cover", "{tmp}/garbage.png"], "garbage.png: cover image cannot be decoded"),
    (["--loudness", "loud"], "--loudness wants a number"),
    (["--split-hours", "x"], "--split-hours wants a number"),
    (["--format", "chapters", "--split-hours", "2"], "single-file formats"),
    (["--subtitles", "srt,vtt"], "unknown subtitle format 'vtt'"),
    (["--sample-rate", "22050.5"], "whole number"),
    (["--bitrate", "fast"], "--bitrate"),
    (["-o", "{tmp}/out.wav", "--format", "mp3"], "ends in .wav but the format is mp3"),
])
def test_bad_input_is_one_line_and_exit_2(project: Path, tmp_path: Path, extra: list[str], needle: str) -> None:
    (tmp_path / "garbage.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    argv = ["export", str(project), "-o", str(tmp_path / "out.m4b"), *(a.format(tmp=tmp_path) for a in extra)]
    out, err = io.StringIO(), io.StringIO()
    assert run_export(_parser().parse_args(argv), out, err) == 2
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("studio: error: ") and needle in lines[0], lines
    assert out.getvalue() == ""
    with Project.open(project) as opened:  # nothing was rendered
        assert not any(opened.cache_dir.iterdir())
    assert not any(p.name.startswith(("out", ".out")) for p in tmp_path.iterdir())


def test_not_a_project_is_bad_input(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    args = _parser().parse_args(["export", str(tmp_path), "-o", str(tmp_path / "b.m4b")])
    assert run_export(args, out, err) == 2
    assert "not a project folder" in err.getvalue() and len(err.getvalue().strip().splitlines()) == 1


def test_format_follows_the_output_name(tmp_path: Path) -> None:
    from studio.cli.export import options_from_args

    for name, fmt in (("a.mp3", "mp3"), ("a.flac", "flac"), ("a.m4b", "m4b"), ("book", "m4b")):
        args = _parser().parse_args(["export", "p", "-o", str(tmp_path / name)])
        assert options_from_args(args).format == fmt
