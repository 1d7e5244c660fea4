"""Credits spoken by a cloud voice (vendor emulator over real HTTP, the CLI as a subprocess): priced and rendered
by `studio render --credits` before any export, cached, and exported as the book's first and last chapters."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.emulator import VendorEmulator
from tests.integration.test_cloud_render import BOOK, studio


@pytest.fixture
def emu(start_emulator: Callable[..., VendorEmulator]) -> VendorEmulator:
    return start_emulator(seed=11, time_scale=0.02, env=False)


def test_credits_are_priced_rendered_once_and_exported_first_and_last(emu: VendorEmulator, tmp_path: Path) -> None:
    from studio.audio import read_chapters

    manuscript = tmp_path / "百草园.txt"
    manuscript.write_text(BOOK, encoding="utf-8")
    project = tmp_path / "p.studio"
    done = studio(emu, tmp_path, "render", manuscript, "--project", project, "--engine", "aliyun",
                  "--voice", "zhimi_emo", "--credits", "--dry-run", "--price", "aliyun=3", "--json")
    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)
    assert [u.get("credits") for u in plan["units"]] == ["opening", "closing"], plan["units"]
    assert plan["engines"]["aliyun"]["to_render_units"] == 2 and plan["cost"], plan
    assert emu.submitted_texts("aliyun") == []  # a dry run sends nothing
    done = studio(emu, tmp_path, "render", manuscript, "--project", project, "--engine", "aliyun",
                  "--voice", "zhimi_emo", "--credits", "--price", "aliyun=3", "--json")
    assert done.returncode == 0, done.stderr
    assert "before sending anything" in done.stderr  # the same estimate as any cloud render
    assert json.loads(done.stdout)["units_rendered"] == 2
    texts = emu.submitted_texts("aliyun")
    assert len(texts) == 2 and any("全书完" in t for t in texts), texts
    assert all("百草园" in t for t in texts), texts

    # export stops for the book's own missing audio, and no longer for the credits
    done = studio(emu, tmp_path, "export", project, "-o", tmp_path / "acx", "--preset", "acx")
    assert done.returncode == 2 and "units have no audio yet" in done.stderr, done.stderr
    assert "opening credits" not in done.stderr and "4 of 6 units" in done.stderr

    out = tmp_path / "book.m4b"
    done = studio(emu, tmp_path, "render", project, "-o", out, "--credits", "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["units_rendered"] == 4 and summary["chapters"] == 5  # the credits came from the cache
    assert len(emu.submitted_texts("aliyun")) == 6
    titles = [m.title for m in read_chapters(out)]
    assert titles == ["Opening credits", "第一章 百草园", "第二章 三味书屋", "第三章 仙台", "Closing credits"], titles
