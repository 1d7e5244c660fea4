"""Editing one paragraph of a rendered book submits exactly one unit again: from the CLI (one paragraph per
unit) and with grouped units planned against what the project already has."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from studio.core.project import Project
from studio.engines.registry import EngineSet
from studio.render.grouping import UnitSizing
from studio.render.job_store import ProjectKnownUnits
from studio.render.plan import plan_book
from studio.render.runner import render_plan
from tests.emulator import VendorEmulator
from tests.unit.render_fakes import make_book

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def emu(start_emulator: Callable[..., VendorEmulator]) -> VendorEmulator:
    return start_emulator(seed=9, time_scale=0.02)


def edit(folder: Path, chapter: int, paragraph: int) -> None:
    with Project.open(folder) as project:
        book = project.load_book()
        target = book.chapters[chapter].paragraphs[paragraph]
        target.text = target.text.replace("天色", "夜色")
        project.save_book(book)


def test_the_cli_submits_only_the_edited_paragraph(emu: VendorEmulator, tmp_path: Path) -> None:
    with Project.create(tmp_path / "p", make_book(3, 4, engine="baidu", voice="5003")):
        pass
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDIO_")}
    env.update({**emu.env(), "PYTHONPATH": str(REPO), "STUDIO_LOG_DIR": str(tmp_path / "logs"),
                "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})

    def render() -> None:
        done = subprocess.run([sys.executable, "-m", "studio", "render", str(tmp_path / "p"), "-o",
                               str(tmp_path / "b.m4b")], capture_output=True, text=True, env=env, timeout=300)
        assert done.returncode == 0, done.stderr

    render()
    assert len(emu.submitted_texts("baidu")) == 12
    edit(tmp_path / "p", 1, 2)
    render()
    texts = emu.submitted_texts("baidu")
    assert len(texts) == 13 and "夜色" in texts[-1]


def test_grouped_units_resubmit_only_the_unit_of_the_edit(emu: VendorEmulator, tmp_path: Path) -> None:
    sizing = UnitSizing(target_chars=90)  # about three paragraphs per unit

    def render(project: Project) -> list:
        known = ProjectKnownUnits(project, target_chars=sizing.target_chars)
        plan = plan_book(project.load_book(), sizing=sizing, known=known)
        with EngineSet() as engines:
            return render_plan(plan, project, engines)

    with Project.create(tmp_path / "p", make_book(2, 12, engine="aliyun", voice="zhimi_emo")) as project:
        first = render(project)
    assert any(len(p.paragraphs) > 1 for p in first)
    submitted = len(emu.submitted_texts("aliyun"))
    assert submitted == len({p.unit.cache_key for p in first}) < 24
    edit(tmp_path / "p", 0, 5)
    with Project.open(tmp_path / "p") as project:
        second = render(project)
        # The same paragraphs in the same units, with their timing mapped back to the chapter's paragraphs.
        assert [p.paragraphs for p in second] == [p.paragraphs for p in first]
        assert all(len(p.paragraph_offsets_ms) == len(p.paragraphs) for p in second)
        assert all(b >= a for p in second for a, b in zip(p.paragraph_offsets_ms, p.paragraph_offsets_ms[1:],
                                                          strict=False))
    texts = emu.submitted_texts("aliyun")
    assert len(texts) == submitted + 1 and "夜色" in texts[-1]
    # A different target size re-renders nothing that is still valid.
    sizing = UnitSizing(target_chars=400)
    with Project.open(tmp_path / "p") as project:
        render(project)
    assert len(emu.submitted_texts("aliyun")) == submitted + 1


def test_a_plan_without_unit_size_keeps_grouped_audio(emu: VendorEmulator, tmp_path: Path) -> None:
    """Grouped from the CLI (``--unit-chars``), then rendered or exported without a size (the window, `studio
    export`): the grouped units are kept, nothing is paid for again; new paragraphs get units of their own."""
    from studio.render.job_store import plan_project
    from studio.render.plan import AudioRequestOptions

    with Project.create(tmp_path / "p", make_book(2, 12, engine="aliyun", voice="zhimi_emo")) as project:
        grouped = plan_project(project, audio=AudioRequestOptions(unit_chars=90))
        assert any(len(u.paragraphs) > 1 for u in grouped.units)
        with EngineSet() as engines:
            render_plan(grouped, project, engines)
        submitted = len(emu.submitted_texts("aliyun"))
        assert submitted == len(grouped.units)
        plain = plan_project(project)
        assert [u.cache_key for u in plain.units] == [u.cache_key for u in grouped.units]
        with EngineSet() as engines:
            render_plan(plain, project, engines)
        assert len(emu.submitted_texts("aliyun")) == submitted
    edit(tmp_path / "p", 0, 5)
    with Project.open(tmp_path / "p") as project:
        after_edit = plan_project(project)
        fresh = [u for u in after_edit.units if not project.rendered_unit(u.cache_key)]
        assert fresh and all(len(u.paragraphs) == 1 for u in fresh)  # ungrouped: one paragraph each
        assert len(after_edit.units) > len(grouped.units)
