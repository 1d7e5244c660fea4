"""The credits in the window (real widgets offscreen, the offline engine): proof-listening finds a fault in a
credit and names it, and "Re-render This" renders just that credit through the ordinary render path."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from studio.core.book import Book, Chapter, Paragraph, VoiceSettings
from studio.core.project import Project
from studio.engines.registry import EngineSet
from studio.gui.main_window import MainWindow
from studio.gui.qa_panel import FindingsModel
from studio.render.credits_plan import OPENING_CREDITS, project_credit_units
from studio.render.job_store import plan_project
from studio.render.plan import RenderPlan
from studio.render.runner import render_plan
from tests.cached_units import cut_cached_unit
from tests.gui.conftest import wait_idle
from tests.gui.test_qa_panel import TEXTS


def _rendered_with_credits(folder: Path) -> str:
    """A rendered book with both credits; the opening credit's audio cut short. Returns its cache key."""
    book = Book("朝花", author="鲁迅", voice=VoiceSettings(engine="local", voice="local-cmn"),
                chapters=[Chapter(f"第{c + 1}章", [Paragraph(t) for t in texts]) for c, texts in enumerate(TEXTS)])
    with Project.create(folder, book) as project, EngineSet() as engines:
        plan = plan_project(project)
        credits = project_credit_units(project, project.load_book(), plan)
        render_plan(RenderPlan([*plan.units, *credits]), project, engines)
        opening = next(u for u in credits if u.paragraph_index == OPENING_CREDITS)
        stored = project.rendered_unit(opening.cache_key)
    assert stored is not None
    cut_cached_unit(stored["audio_path"], 0.4)
    return opening.cache_key


def test_a_cut_credit_is_found_named_and_re_rendered_alone(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                          tmp_path: Path) -> None:
    folder = tmp_path / "book.studio"
    key = _rendered_with_credits(folder)
    window.open_project(folder)
    wait_idle(qtbot)
    dock = window.qa_dock
    window.check_audio()
    wait_idle(qtbot)
    rows = [dock.model.finding(r) for r in range(dock.model.rowCount())]
    assert rows and {(f.cache_key, f.credits) for f in rows if f} == {(key, "opening")}, rows
    assert dock.model.index(0, FindingsModel.WHERE).data() == "Opening credits"
    assert "findings in 7 rendered units" in dock.summary.text()

    rect = dock.view.visualRect(dock.model.index(0, 0))
    qtbot.mouseClick(dock.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseClick(dock.rerender_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    qtbot.waitUntil(lambda: not window.render_controller.is_running(), timeout=60_000)
    jobs = window.render_controller.jobs.rows()
    # only the credits were planned; the closing credit came from the cache, the opening one was rendered
    assert sorted((r.chapter_title, r.cached, r.state) for r in jobs) == [
        ("Closing credits", True, "done"), ("Opening credits", False, "done")], jobs
    assert list((folder / "cache" / "takes").iterdir())  # the cut audio is kept as a take
    window.check_audio()
    wait_idle(qtbot)
    assert dock.model.rowCount() == 0 and "No findings in 7 rendered units" in dock.summary.text()
