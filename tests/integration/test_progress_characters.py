"""Issue 16: progress counts characters everywhere (the window's drawer and `studio render` alike), survives a
reopen (a second render starts from the characters already rendered) and never moves backwards."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from studio.cli import main
from studio.render.events import RenderProgress
from studio.render.steady_progress import SteadyProgress
from tests.emulator import VendorEmulator

CHAPTERS = [
    ("第一章 百草园", ["我家的后面有一个很大的园，相传叫作百草园。", "不必说碧绿的菜畦，光滑的石井栏。"]),
    ("第二章 三味书屋", ["出门向东，不上半里，走过一道石桥。"]),
]
VOICE = ["--engine", "aliyun", "--voice", "zhixiaobai", "--yes"]
LINE = re.compile(r"synthesizing: ([\d,]+)/([\d,]+) characters \((\d+)%; (\d+)/(\d+) units, (\d+) cached")


@pytest.fixture
def emu(start_emulator: Callable[..., VendorEmulator]) -> VendorEmulator:
    return start_emulator(seed=12, time_scale=0.02)


def _lines(err: str) -> list[tuple[int, ...]]:
    return [tuple(int(g.replace(",", "")) for g in m.groups()) for m in LINE.finditer(err)]


def test_studio_render_counts_characters_and_a_second_run_starts_from_the_cache(  # type: ignore[no-untyped-def]
        emu: VendorEmulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "book.txt"
    book.write_text("\n\n".join(t + "\n" + "\n".join(ps) for t, ps in CHAPTERS) + "\n", "utf-8")
    folder = tmp_path / "book.studio"
    assert main(["import", str(book), "--project", str(folder)]) == 0
    capsys.readouterr()
    assert main(["render", str(folder), "--chapters", "1", *VOICE]) == 0
    first = _lines(capsys.readouterr().err)
    assert first, "no character progress line"
    total = first[-1][1]
    assert first[-1][0] == total and first[-1][2] == 100  # the chapter's characters, all done

    assert main(["render", str(folder), "--chapters", "1-2", *VOICE]) == 0  # the whole book, as after a reopen
    again = _lines(capsys.readouterr().err)
    assert again[0][0] >= total and again[0][5] == 2  # starts from what the cache holds, not from 0
    assert [d for d, *_ in again] == sorted(d for d, *_ in again)  # never backwards
    assert again[-1][0] == again[-1][1] and again[-1][2] == 100


def test_characters_shown_never_move_backwards_within_a_render() -> None:
    steady = SteadyProgress()
    shown = [steady.update(RenderProgress(0, 3, done, 300, 0)).characters_done for done in (100, 200, 100, 300)]
    assert shown == [100, 200, 200, 300]  # a unit set aside and rendered again does not pull the bar back
    assert steady.update(RenderProgress(0, 1, 0, 50, 0)).characters_done == 0  # a new plan starts afresh
