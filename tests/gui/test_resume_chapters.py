"""Resuming a render of some chapters renders those chapters, not the whole book (which the user would pay for)."""

from __future__ import annotations

from pathlib import Path

from studio.core.project import Project
from studio.gui.main_window import MainWindow
from studio.render.plan import plan_book
from tests.gui.conftest import wait_idle


def test_resuming_a_chapter_render_renders_only_that_chapter(qtbot, window: MainWindow, manuscript: Path,  # type: ignore[no-untyped-def]
                                                             tmp_path: Path) -> None:
    folder = tmp_path / "book.studio"
    window.import_manuscript(manuscript, folder)
    wait_idle(qtbot)
    assert window.document.book is not None and len(window.document.book.chapters) >= 2
    units = plan_book(window.document.book).units
    second = [u for u in units if u.chapter_index == 1]
    assert second and len(second) < len(units)
    with Project.open(folder) as project:  # "Render Chapter 2" was interrupted before anything finished
        project.set_meta("render_in_progress", {"units": len(second), "chapters": [1]})
    window.open_project(folder)
    wait_idle(qtbot)
    assert window.resume_bar.isVisible()
    assert f"{len(second)} of {len(second)}" in window.resume_bar.label.text()
    assert window.jobs.rowCount() == len(second)
    with qtbot.waitSignal(window.render.finished, timeout=60_000):
        window.resume_bar.resume_button.click()
    wait_idle(qtbot)
    assert {row.chapter_index for row in window.jobs.rows()} == {1}
    assert window.jobs.counts() == {"done": len(second)}
    with Project.open(folder) as project:
        rendered = project.rendered_keys()
    assert {u.cache_key for u in second} <= rendered
    assert not any(u.cache_key in rendered for u in units if u.chapter_index != 1)
