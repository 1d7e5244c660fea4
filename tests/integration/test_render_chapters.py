"""``studio render P --chapters 3,5-7`` and ``--retry-failed`` through the command line, against the vendor emulator.

What a user sees: only the chosen chapters are sent to the vendor (and billed); export then says which chapters
still lack audio; a render that gave up on units names ``--retry-failed``, which sends exactly those units
again and nothing else. The CLI runs in this process (``studio.cli.main``), the emulator over real HTTP.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from studio.cli import main
from studio.core.project import Project
from studio.render.session.statuses import chapter_statuses
from tests.emulator import VendorEmulator

CHAPTERS = [
    ("第一章 百草园", ["我家的后面有一个很大的园，相传叫作百草园。", "不必说碧绿的菜畦，光滑的石井栏。"]),
    ("第二章 三味书屋", ["出门向东，不上半里，走过一道石桥。"]),
    ("第三章 仙台", ["东京也无非是这样。", "上野的樱花烂熳的时节。"]),
    ("第四章 藤野先生", ["其时进来的是一个黑瘦的先生。"]),
]
VOICE = ["--engine", "aliyun", "--voice", "zhixiaobai", "--sample-rate", "24000"]


@pytest.fixture
def emu(start_emulator: Callable[..., VendorEmulator]) -> VendorEmulator:
    return start_emulator(seed=31, time_scale=0.02)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    book = tmp_path / "book.txt"
    book.write_text("\n\n".join(title + "\n" + "\n".join(paras) for title, paras in CHAPTERS) + "\n", "utf-8")
    folder = tmp_path / "book.studio"
    assert main(["import", str(book), "--project", str(folder)]) == 0
    return folder


def sent(emu: VendorEmulator) -> list[str]:
    """The paragraphs the vendor was asked to speak, accepted or refused, in order."""
    return [_text(r.json()) for r in emu.requests_for("aliyun", "submit")]


def _text(body: object) -> str:
    if isinstance(body, dict):
        if isinstance(body.get("text"), str):
            return body["text"]
        return next((t for t in map(_text, body.values()) if t), "")
    return ""


def paragraphs_of(*chapters: int) -> set[str]:
    return {p for n in chapters for p in CHAPTERS[n - 1][1]}


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_chosen_chapters_are_the_only_ones_sent_and_export_names_the_rest(
        emu: VendorEmulator, project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture) -> None:
    code, out, err = run(capsys, "render", project, "--chapters", "2,3-4", *VOICE)
    assert code == 0, err
    assert "chapters 2-4: 4 units (4 rendered, 0 from the cache)" in out
    assert set(sent(emu)) == paragraphs_of(2, 3, 4) and len(sent(emu)) == 4  # chapter 1 was not sent (nor paid)

    code, _out, err = run(capsys, "export", project, "-o", tmp_path / "book.m4b")
    assert code == 2 and "2 of 6 units have no audio yet (chapter 1 “第一章 百草园”)" in err
    assert f"studio render {project} --chapters 1" in err and not (tmp_path / "book.m4b").exists()
    assert [r.name for r in caplog.records if r.levelname == "WARNING"] == ["studio.cli.export"]  # the refusal

    code, out, err = run(capsys, "render", project, "--chapters", "1", "--json")
    assert code == 0, err
    assert json.loads(out) == {**json.loads(out), "chapters": [1], "units": 2, "units_rendered": 2}
    assert len(sent(emu)) == 6  # only chapter 1's two paragraphs were added

    code, out, err = run(capsys, "export", project, "-o", tmp_path / "book.m4b", "--no-loudness")
    assert code == 0, err
    from studio.audio import read_chapters

    assert [c.title for c in read_chapters(tmp_path / "book.m4b")] == [title for title, _ in CHAPTERS]
    assert len(sent(emu)) == 6  # the export rendered nothing


@pytest.mark.parametrize(("args", "words"), [
    (["--chapters", "5"], "there is no chapter 5 (the book has 4 chapters)"),
    (["--chapters", "2-x"], "--chapters wants numbers and ranges such as 3,5-7, not '2-x'"),
    (["--chapters", "3-2"], "the range 3-2 runs backwards"),
    (["--chapters", "1", "-o", "book.m4b"], "--chapters renders into the project and writes no audiobook"),
    (["--retry-failed", "--dry-run"], "--dry-run plans the whole book"),
    ([], "-o/--output is required"),
])
def test_bad_chapter_choices_are_refused_before_anything_is_sent(
        emu: VendorEmulator, project: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture,
        args: list[str], words: str) -> None:
    code, _out, err = run(capsys, "render", project, *args, *VOICE)
    assert code == 2 and words in err, err
    assert sent(emu) == []
    assert any(words in r.getMessage() for r in caplog.records)  # the log keeps what the user was told


def test_retry_failed_sends_exactly_the_failed_units_again(
        emu: VendorEmulator, project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture) -> None:
    code, _out, err = run(capsys, "render", project, "--chapters", "1", *VOICE)
    assert code == 0, err
    emu.faults.aliyun_max_sample_rate = 16000  # the vendor now refuses 24 kHz: every new unit fails for good
    code, _out, err = run(capsys, "render", project, "-o", tmp_path / "book.m4b")
    assert code == 2 and "sample rate 24000 Hz" in err
    assert f"`studio render {project} --retry-failed` renders just those again" in err
    assert any("sample rate 24000 Hz" in r.getMessage() for r in caplog.records if r.name == "studio.cli")
    failed_texts = sent(emu)[2:]
    assert failed_texts and set(failed_texts) <= paragraphs_of(2, 3, 4)
    code, out, _err = run(capsys, "status", project, "--json")
    failed = [u for u in json.loads(out)["units"] if u["state"] == "failed"]
    assert failed and len(failed) == len(set(failed_texts))
    with Project.open(project) as opened:  # what the window's chapter list shows for this project
        statuses = chapter_statuses(opened, opened.load_book())
    assert statuses[0] == "done" and {statuses[u["chapter"] - 1] for u in failed} == {"failed"}

    emu.faults.aliyun_max_sample_rate = 0  # the account was upgraded
    before = len(sent(emu))
    code, out, err = run(capsys, "render", project, "--retry-failed")
    assert code == 0, err
    assert f"retrying {len(failed)} failed unit(s)" in err
    again = sent(emu)[before:]
    assert sorted(again) == sorted(set(failed_texts))  # the failed units, once each; nothing that had audio

    code, out, err = run(capsys, "render", project, "--retry-failed")
    assert code == 0 and "no unit has failed; nothing to render again" in out
    assert len(sent(emu)) == before + len(again)
