"""``studio check`` judges the opening and closing credits too (vendor emulator over HTTP, the real CLI in a
subprocess): a sentence the vendor skipped in a credit is named "opening credits"/"closing credits", in book
order, and a project without credit audio is checked as before."""

from __future__ import annotations

import json
from pathlib import Path

from studio.core.project import Project
from studio.engines.registry import EngineSet
from studio.render.credits_plan import project_credit_units
from studio.render.plan import RenderPlan
from studio.render.runner import render_plan
from tests.emulator import VendorEmulator
from tests.integration.test_check import book, check, emu, render  # noqa: F401  (fixture)


def render_credits(folder: Path) -> list[str]:
    """The credits rendered as `studio render --credits` renders them; their texts as sent."""
    with Project.open(folder) as project, EngineSet() as engines:
        from studio.render.job_store import plan_project

        units = project_credit_units(project, project.load_book(), plan_project(project))
        render_plan(RenderPlan(units), project, engines)
        return [u.request.paragraphs[0] for u in units]


def test_a_sentence_skipped_in_a_credit_is_flagged_as_that_credit(emu: VendorEmulator,  # noqa: F811
                                                                   tmp_path: Path) -> None:
    folder = tmp_path / "p"
    render(folder, book("aliyun", "zhimi_emo"))
    done = check(folder, "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["units_checked"] == 6, done.stdout + done.stderr

    emu.faults.drop_sentence_tasks = 1  # the first credit sent loses its second sentence
    opening, closing = render_credits(folder)
    [dropped] = emu.dropped_sentences("aliyun")
    which = "opening" if dropped["text"] == opening else "closing"
    assert dropped["text"] in (opening, closing)

    done = check(folder, "--json")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["units_checked"] == 8  # the book's six units and both credits
    assert {f["location"] for f in report["findings"]} == {f"{which} credits"}, report["findings"]
    missing = [f for f in report["findings"] if f["kind"] == "missing_sentence"]
    assert [f["detail"]["sentence"].rstrip("。") for f in missing] == [dropped["dropped"].rstrip("。")]
    lines = check(folder).stdout.splitlines()
    assert lines and all(line.startswith(f"{which} credits: ") for line in lines), lines
    assert any("the audio skips" in line for line in lines), lines
