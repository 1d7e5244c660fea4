"""Nothing twice (issue 20): an export that is already up to date is recognized from the content hash in the
file's own tags and left alone; an edit re-encodes only its chapter.

Real project, real ffmpeg, real offline engine for the edited paragraph; the CLI's exit code and message are
what a user sees.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studio.audio.chunk_encode import ENCODES
from studio.audio.export_stamp import read_stamp
from studio.audio.probe import read_chapters
from studio.core.project import Project
from tests.integration.test_export_support import cli_export, seeded_project

CHAPTERS = [("第一章", ("local", None, 22050, [1800.0, 1200.0])), ("第二章", ("local", None, 22050, [2500.0])),
            ("第三章", ("local", None, 22050, [900.0, 1500.0]))]


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return seeded_project(tmp_path / "book.studio", CHAPTERS)  # type: ignore[arg-type]


def _encodes() -> int:
    return sum(ENCODES.values())


@pytest.mark.parametrize("fmt", ["m4b", "mp3"])
def test_an_unchanged_project_is_up_to_date(project: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"book.{fmt}"
    code, _, err = cli_export(project, "-o", str(out))
    assert code == 0, err
    assert "up to date" not in err and read_stamp(out, fmt) is not None
    # the stamp went in without disturbing the tags around it (ID3 chapters stay in time order)
    assert [c.title for c in read_chapters(out)] == [t for t, _ in CHAPTERS]
    written = out.stat().st_mtime_ns
    encodes = _encodes()

    code, stdout, err = cli_export(project, "-o", str(out), "--json")
    assert code == 0, err
    report = json.loads(stdout)
    assert report["up_to_date"] is True and report["units_rendered"] == 0
    assert [c["title"] for c in report["files"][0]["chapters"]] == [t for t, _ in CHAPTERS]
    assert out.stat().st_mtime_ns == written and _encodes() == encodes  # not rewritten, nothing encoded
    code, _, err = cli_export(project, "-o", str(out))
    assert code == 0 and "is up to date" in err

    # other settings are another export: written again
    code, stdout, err = cli_export(project, "-o", str(out), "--json", "--loudness", "-20")
    assert code == 0, err
    assert json.loads(stdout)["up_to_date"] is False and out.stat().st_mtime_ns != written


@pytest.mark.parametrize("fmt", ["m4b", "mp3"])
def test_an_edited_paragraph_re_encodes_only_its_chapter(project: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"book.{fmt}"
    assert cli_export(project, "-o", str(out))[0] == 0
    with Project.open(project) as opened:
        book = opened.load_book()
        book.chapters[1].paragraphs[0].text = "第二章，改过的一段。"
        opened.save_book(book)
    encodes = _encodes()
    code, stdout, err = cli_export(project, "-o", str(out), "--render-missing", "--json")
    assert code == 0, err
    report = json.loads(stdout)
    assert report["up_to_date"] is False and report["units_rendered"] == 1
    assert _encodes() - encodes == 1  # the edited chapter; the other two came from the project's cache
    assert [c.title for c in read_chapters(out)] == [t for t, _ in CHAPTERS]
    # the file as a whole is new, so a deleted output is exported again rather than reported up to date
    out.unlink()
    code, stdout, err = cli_export(project, "-o", str(out), "--json")
    assert code == 0 and json.loads(stdout)["up_to_date"] is False and out.is_file()
