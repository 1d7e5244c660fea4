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
    with qtbot.waitSignal(window.render_controller.finished, timeout=60_000):
        window.resume_bar.resume_button.click()
    wait_idle(qtbot)
    assert {row.chapter_index for row in window.jobs.rows()} == {1}
    assert window.jobs.counts() == {"done": len(second)}
    with Project.open(folder) as project:
        rendered = project.rendered_keys()
    assert {u.cache_key for u in second} <= rendered
    assert not any(u.cache_key in rendered for u in units if u.chapter_index != 1)


def test_a_resume_whose_chapters_are_gone_offers_nothing(qtbot, window: MainWindow, manuscript: Path,  # type: ignore[no-untyped-def]
                                                         tmp_path: Path) -> None:
    folder = tmp_path / "book.studio"
    window.import_manuscript(manuscript, folder)
    wait_idle(qtbot)
    with Project.open(folder) as project:  # "Render Chapter 9" of a book that has fewer chapters now
        project.set_meta("render_in_progress", {"units": 3, "chapters": [8]})
    window.open_project(folder)
    wait_idle(qtbot)
    assert not window.resume_bar.isVisible() and window.jobs.rowCount() == 0
    with Project.open(folder) as project:
        assert not project.get_meta("render_in_progress")


def test_a_paragraph_preview_does_not_replace_the_render_status_lists(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                                      manuscript: Path, tmp_path: Path) -> None:
    folder = tmp_path / "book.studio"
    window.import_manuscript(manuscript, folder)
    wait_idle(qtbot)
    with qtbot.waitSignal(window.render_controller.finished, timeout=60_000):
        window.start_render([0])
    wait_idle(qtbot)
    with Project.open(folder) as project:
        before = [(row["chapter_index"], row["cache_key"]) for row in project.render_status_rows()]
    assert before
    assert window.document.book is not None and len(window.document.book.chapters) >= 2
    with qtbot.waitSignal(window.player.duration_known, timeout=60_000):
        window.preview_paragraph(1, 0)
    wait_idle(qtbot)
    with Project.open(folder) as project:  # `studio status` still lists the chapter render, not the preview
        assert [(row["chapter_index"], row["cache_key"]) for row in project.render_status_rows()] == before
