"""The QA dock: checks in the background, lists findings, jumps to the paragraph, re-renders the unit."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from studio.core.book import Book, Chapter, Paragraph, VoiceSettings
from studio.core.project import Project
from studio.engines.registry import EngineSet
from studio.gui.main_window import MainWindow
from studio.gui.qa_panel import FindingsModel
from studio.qa import Finding
from studio.render.job_store import plan_project
from studio.render.runner import render_plan
from tests.cached_units import cut_cached_unit
from tests.gui.conftest import wait_idle

TEXTS = [["我家的后面有一个很大的园。相传叫作百草园。", "不必说碧绿的菜畦，光滑的石井栏。"],
         ["出门向东，不上半里，走过一道石桥。便是我的先生的家了。", "从一扇黑油的竹门进去，第三间是书房。",
          "东京也无非是这样。上野的樱花烂熳的时节。"]]


def finding(chapter: int, paragraph: int, kind: str = "pace_fast") -> Finding:
    return Finding(kind, "too short", "Re-render.", "k" * 40, chapter, paragraph, "第一章", "local", "v", 1200)


def test_findings_model_passes_modeltester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = FindingsModel()
    qtmodeltester.check(model)
    model.set_findings([finding(0, 1), finding(1, 0, "missing_sentence"), finding(1, 2, "unknown_kind")])
    qtmodeltester.check(model)
    assert model.rowCount() == 3
    assert model.index(0, FindingsModel.WHERE).data() == "Chapter 1, paragraph 2"
    assert model.index(1, FindingsModel.KIND).data() == "Skipped sentence"
    assert model.index(0, FindingsModel.WHAT).data() == "too short (1.2 s)"


def _rendered_project_with_a_cut_unit(folder: Path) -> str:
    book = Book("朝花", voice=VoiceSettings(engine="local", voice="local-cmn"),
                chapters=[Chapter(f"第{c + 1}章", [Paragraph(t) for t in texts]) for c, texts in enumerate(TEXTS)])
    with Project.create(folder, book) as project, EngineSet() as engines:
        render_plan(plan_project(project), project, engines)
        unit = plan_project(project).units[3]  # chapter 2, paragraph 2
        stored = project.rendered_unit(unit.cache_key)
    assert stored is not None
    cut_cached_unit(stored["audio_path"], 0.5)
    return unit.cache_key


def test_check_jump_and_rerender_from_the_window(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "book.studio"
    key = _rendered_project_with_a_cut_unit(folder)
    window.open_project(folder)
    wait_idle(qtbot)
    dock = window.qa_dock
    assert window.check_audio() is not None
    wait_idle(qtbot)
    assert dock.isVisible() and dock.model.rowCount() >= 1
    rows = [dock.model.finding(r) for r in range(dock.model.rowCount())]
    assert {(f.chapter_index, f.paragraph_index, f.cache_key) for f in rows if f} == {(1, 1, key)}
    assert "findings in 5 rendered units" in dock.summary.text()

    index = dock.model.index(0, 0)
    rect = dock.view.visualRect(index)
    qtbot.mouseClick(dock.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(dock.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.chapter_dock.current_row() == 1 and window.editor.cursor_paragraph() == 1

    assert dock.rerender_button.isEnabled()
    qtbot.mouseClick(dock.rerender_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    qtbot.waitUntil(lambda: not window.render_controller.is_running(), timeout=60_000)
    assert list((folder / "cache" / "takes").iterdir())  # the old take is kept
    window.check_audio()
    wait_idle(qtbot)
    assert dock.model.rowCount() == 0 and "No findings in 5 rendered units" in dock.summary.text()
