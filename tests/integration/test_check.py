"""``studio check``: proof-listening a rendered project finds what a listener would, and nothing else.

Rendered for real (the vendor emulator over HTTP, the offline espeak engine), checked by the real CLI in a
subprocess: exit code 1 and the paragraph named when something is wrong, 0 and no findings when not.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from studio.core.book import Book, Chapter, Paragraph, VoiceSettings
from studio.core.project import Project
from studio.engines.registry import EngineSet
from studio.render.job_store import plan_project
from studio.render.runner import render_plan
from tests.cached_units import cut_cached_unit
from tests.emulator import Faults, VendorEmulator

REPO = Path(__file__).resolve().parents[2]

#: Two chapters, several paragraphs of two or three sentences: enough units for a voice's pace to be learned.
TEXTS = [
    ["我家的后面有一个很大的园。相传叫作百草园。", "不必说碧绿的菜畦，光滑的石井栏。也不必说高大的皂荚树。",
     "单是周围的短短的泥墙根一带，就有无限趣味。油蛉在这里低唱，蟋蟀们在这里弹琴。"],
    ["出门向东，不上半里，走过一道石桥。便是我的先生的家了。", "从一扇黑油的竹门进去，第三间是书房。中间挂着一块匾道。",
     "东京也无非是这样。上野的樱花烂熳的时节，望去确也像绯红的轻云。"],
]


def book(engine: str, voice: str) -> Book:
    return Book("朝花", voice=VoiceSettings(engine=engine, voice=voice),
                chapters=[Chapter(f"第{c + 1}章", [Paragraph(t) for t in texts]) for c, texts in enumerate(TEXTS)])


def render(folder: Path, source: Book) -> None:
    with Project.create(folder, source) as project, EngineSet() as engines:
        render_plan(plan_project(project), project, engines)


def check(folder: Path, *args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("STUDIO_")}
    environ.update({"PYTHONPATH": str(REPO), "STUDIO_LOG_DIR": str(folder.parent / "logs"), **(env or {})})
    return subprocess.run([sys.executable, "-m", "studio", "check", str(folder), *map(str, args)],
                          capture_output=True, text=True, env=environ, timeout=300)


@pytest.fixture
def emu(monkeypatch: pytest.MonkeyPatch) -> Iterator[VendorEmulator]:
    with VendorEmulator(seed=3, faults=Faults(time_scale=0.02)) as emulator:
        for key, value in emulator.env().items():
            monkeypatch.setenv(key, value)
        yield emulator


@pytest.mark.parametrize(("engine", "voice"), [("aliyun", "zhimi_emo"), ("baidu", "5003")])
def test_a_sentence_the_vendor_skipped_is_flagged_in_exactly_its_paragraph(
        emu: VendorEmulator, tmp_path: Path, engine: str, voice: str) -> None:
    emu.faults.drop_sentence_tasks = 1
    render(tmp_path / "p", book(engine, voice))
    [dropped] = emu.dropped_sentences(engine)
    where = [(c, p) for c, texts in enumerate(TEXTS) for p, t in enumerate(texts) if t == dropped["text"]]
    assert len(where) == 1
    done = check(tmp_path / "p", "--json", "--report", tmp_path / "report")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    flagged = {(f["chapter_index"], f["paragraph_index"]) for f in report["findings"]}
    assert flagged == set(where)
    missing = [f for f in report["findings"] if f["kind"] == "missing_sentence"]
    assert [f["detail"]["sentence"].rstrip("。") for f in missing] == [dropped["dropped"]]
    assert report["units_checked"] == 6 and report["units_without_echo"] == 0
    page = (tmp_path / "report" / "check.html").read_text("utf-8")
    assert dropped["dropped"] in page and "missing_sentence" in page
    assert json.loads((tmp_path / "report" / "check.json").read_text("utf-8")) == report


def test_a_clean_cloud_render_has_no_findings(emu: VendorEmulator, tmp_path: Path) -> None:
    render(tmp_path / "p", book("baidu", "5003"))
    done = check(tmp_path / "p")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == "" and "checked 6 units: no findings" in done.stderr


def test_offline_book_with_a_truncated_unit_is_flagged(tmp_path: Path) -> None:
    render(tmp_path / "p", book("local", "local-cmn"))
    assert check(tmp_path / "p").returncode == 0  # clean as rendered
    with Project.open(tmp_path / "p") as project:
        unit = plan_project(project).units[4]  # chapter 2, paragraph 2
        stored = project.rendered_unit(unit.cache_key)
    assert stored is not None
    cut_cached_unit(stored["audio_path"], 0.5)
    done = check(tmp_path / "p")
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines and all(line.startswith("chapter 2 “第2章”, paragraph 2:") for line in lines), done.stdout
    assert unit.cache_key[:12] in done.stdout and "Re-render this paragraph" in done.stdout
    kinds = {k for line in lines for k in ("audio_shorter", "pace_fast", "timestamps_past_end") if k in line}
    assert kinds == {"audio_shorter", "pace_fast", "timestamps_past_end"}


def test_the_bundled_sample_rendered_offline_has_no_findings(tmp_path: Path) -> None:
    """No false positives on real speech: the sample book's first two chapters (18 paragraphs) with espeak."""
    from studio.core.importers import import_file

    sample = import_file(REPO / "resources" / "samples" / "zhaohua-xishi.md").book
    sample.chapters = sample.chapters[:2]
    render(tmp_path / "p", sample)
    done = check(tmp_path / "p", "--json")
    report = json.loads(done.stdout)
    assert (done.returncode, report["findings"]) == (0, []), done.stderr
    assert report["units_checked"] >= 15 and report["pace_chars_per_s"]


def test_not_a_project_is_bad_input(tmp_path: Path) -> None:
    done = check(tmp_path / "nothing")
    assert done.returncode == 2 and "not a project folder" in done.stderr


def test_a_new_take_of_the_flagged_unit_clears_the_finding(emu: VendorEmulator, tmp_path: Path) -> None:
    from studio.qa.rerender import set_aside_unit_audio

    emu.faults.drop_sentence_tasks = 1
    render(tmp_path / "p", book("baidu", "5003"))
    report = json.loads(check(tmp_path / "p", "--json").stdout)
    [key] = {f["cache_key"] for f in report["findings"]}
    submitted = len(emu.submitted_texts("baidu"))
    with Project.open(tmp_path / "p") as project:
        kept = set_aside_unit_audio(project, key)
        with EngineSet() as engines:
            render_plan(plan_project(project), project, engines)
    assert kept is not None and kept.is_file() and kept.parent.name == "takes"  # the paid audio is kept as a take
    assert len(emu.submitted_texts("baidu")) == submitted + 1  # one new task, not the old one fetched again
    done = check(tmp_path / "p")
    assert done.returncode == 0, done.stdout


def test_a_report_folder_that_cannot_be_written_is_bad_input(tmp_path: Path) -> None:
    render(tmp_path / "p", Book("短", voice=VoiceSettings(engine="local", voice="local-cmn"),
                                chapters=[Chapter("一", [Paragraph("你好。")])]))
    (tmp_path / "file").write_text("x")
    done = check(tmp_path / "p", "--report", tmp_path / "file")
    assert done.returncode == 2 and f"cannot write the report into {tmp_path / 'file'}" in done.stderr
