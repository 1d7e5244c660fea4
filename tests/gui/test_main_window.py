"""The studio window, offscreen: import, open, save/autosave, recent projects, layout state, resume notice,
shortcuts, and errors that must reach the user instead of vanishing."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QDockWidget, QMessageBox

from studio.core.project import Project
from studio.gui.main_window import MainWindow
from studio.gui.settings import Settings
from tests.gui.conftest import wait_idle


def test_import_shows_chapters_and_text(qtbot, book_window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = book_window
    chapters = window.document.chapters
    assert chapters.rowCount() == 2
    assert chapters.index(1, 0).data() == "第二章 三味书屋"
    assert "我家的后面" in window.editor.toPlainText()
    window.chapter_dock.select_row(1)
    assert window.editor.toPlainText() == "出门向东，不上半里。\n那是我的先生的家。"
    assert window.editor.blockCount() == 2
    assert "2 chapters" in window.status_label.text()
    assert window.render_action.isEnabled() and window.export_action.isEnabled()
    assert window.settings.recent_projects[0] == (tmp_path / "book.studio").resolve()
    assert window.windowTitle().startswith("book")


@pytest.mark.expect_log(r"^project task failed: .*empty\.txt: the file is empty$", logger="studio.gui.workers")
def test_bad_manuscript_shows_message_not_crash(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    window.import_manuscript(bad, tmp_path / "x.studio")
    wait_idle(qtbot)
    assert "empty.txt" in window.last_message.text()
    window.last_message.close()
    assert window.document.chapters.rowCount() == 0
    assert window.new_action.isEnabled() and not window.render_action.isEnabled()


def test_save_then_reopen_keeps_edits(qtbot, book_window: MainWindow, settings: Settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = book_window
    assert not window.document.is_dirty()
    window.document.rename_chapter(0, "序章")
    assert window.document.is_dirty() and window.isWindowModified()
    window.save_action.trigger()
    wait_idle(qtbot)
    assert not window.document.is_dirty()
    with Project.open(tmp_path / "book.studio") as project:
        assert project.load_book().chapters[0].title == "序章"

    other = MainWindow(settings)
    qtbot.addWidget(other)
    other.open_project(tmp_path / "book.studio")
    wait_idle(qtbot)
    assert other.document.chapters.index(0, 0).data() == "序章"
    other.close()


def test_autosave_writes_in_the_background(qtbot, book_window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = book_window
    window.projects.autosave_timer.start(30)
    window.document.rename_chapter(1, "自动保存")
    qtbot.waitUntil(lambda: not window.document.is_dirty(), timeout=10_000)
    wait_idle(qtbot)
    with Project.open(tmp_path / "book.studio") as project:
        assert project.load_book().chapters[1].title == "自动保存"


def test_closing_saves_unsaved_edits(qtbot, book_window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    book_window.document.rename_chapter(0, "关闭前")
    book_window.close()
    with Project.open(tmp_path / "book.studio") as project:
        assert project.load_book().chapters[0].title == "关闭前"


def test_recent_projects_menu(qtbot, book_window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = book_window
    window.recent_menu.aboutToShow.emit()
    actions = [a for a in window.recent_menu.actions() if a.toolTip() == str((tmp_path / "book.studio").resolve())]
    assert len(actions) == 1
    window.document.rename_chapter(0, "changed")
    actions[0].trigger()
    wait_idle(qtbot)
    assert window.document.chapters.index(0, 0).data() == "changed"  # saved before reopening


def test_dock_layout_is_saved_and_restored(qtbot, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    first = MainWindow(settings)
    qtbot.addWidget(first)
    first.show()
    for name in ("chapters_dock", "voices_dock", "jobs_dock", "player_dock"):
        assert first.findChild(QDockWidget, name) is not None
    first.voice_dock.hide()
    first.close()
    second = MainWindow(settings)
    qtbot.addWidget(second)
    second.show()
    assert not second.voice_dock.isVisible() and second.chapter_dock.isVisible()
    second.reset_layout()
    assert second.voice_dock.isVisible()
    second.close()


def test_resume_notice_for_an_unfinished_render(qtbot, window: MainWindow, manuscript: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window.import_manuscript(manuscript, tmp_path / "book.studio")
    wait_idle(qtbot)
    with Project.open(tmp_path / "book.studio") as project:
        project.set_meta("render_in_progress", {"units": 3})
    window.open_project(tmp_path / "book.studio")
    wait_idle(qtbot)
    assert window.resume_bar.isVisible()
    assert "3 of 3" in window.resume_bar.label.text()
    window.resume_bar.resume_button.click()
    assert not window.resume_bar.isVisible()
    wait_idle(qtbot)
    assert window.jobs.counts()["done"] == 3


def test_open_path_imports_a_manuscript_once(qtbot, window: MainWindow, manuscript: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
                                             monkeypatch) -> None:
    from studio.gui import project_controller

    monkeypatch.setattr(project_controller, "default_project_dir", lambda m: tmp_path / "projects" / m.stem)
    window.open_path(manuscript)
    wait_idle(qtbot)
    assert (tmp_path / "projects" / "book" / "project.sqlite").is_file()
    window.document.rename_chapter(0, "kept")
    window.save()
    wait_idle(qtbot)
    window.open_path(manuscript)
    wait_idle(qtbot)
    assert window.document.chapters.index(0, 0).data() == "kept"
    assert "imported before" in window.status_label.text()
    window.open_path(tmp_path / "projects" / "book")
    wait_idle(qtbot)
    assert "Opened" in window.status_label.text()


def test_open_path_tells_manuscripts_of_the_same_name_apart(qtbot, window: MainWindow, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                            monkeypatch) -> None:
    """~/a/book.txt and ~/b/book.txt: each gets its own project, and each reopens its own."""
    from studio.gui import project_controller

    monkeypatch.setattr(project_controller, "default_project_dir", lambda m: tmp_path / "projects" / m.stem)
    first, second = tmp_path / "a" / "book.txt", tmp_path / "b" / "book.txt"
    for path, title in ((first, "第一章 甲"), (second, "第一章 乙")):
        path.parent.mkdir()
        path.write_text(f"{title}\n正文。\n", encoding="utf-8")

    def open_and_wait(path: Path) -> str:
        window.open_path(path)
        wait_idle(qtbot)
        return str(window.document.chapters.index(0, 0).data())

    assert "甲" in open_and_wait(first)
    assert "乙" in open_and_wait(second)
    assert "imported before" not in window.status_label.text()
    assert (tmp_path / "projects" / "book (2).studio" / "project.sqlite").is_file()
    assert "甲" in open_and_wait(first)
    assert "imported before" in window.status_label.text()
    assert "乙" in open_and_wait(second)
    assert "imported before" in window.status_label.text()
    assert sorted(p.name for p in (tmp_path / "projects").iterdir()) == ["book", "book (2).studio"]


def test_main_actions_have_distinct_shortcuts(window: MainWindow) -> None:
    shortcuts = {text: key for text, key in window.shortcut_list()}
    for text, key in (("Undo", "Ctrl+Z"), ("Save", "Ctrl+S"), ("Insert Emotion", "Ctrl+E"),
                      ("Render Book", "Ctrl+R"), ("Preview Paragraph", "F5"), ("Play/Pause", "Space"),
                      ("Split at Cursor", "Ctrl+Shift+K"), ("Merge with Next", "Ctrl+Shift+M")):
        assert shortcuts.get(text) == key, (text, shortcuts.get(text))
    keys = [key for _text, key in window.shortcut_list()]
    assert len(keys) == len(set(keys)), "two actions share a shortcut"


def test_excepthook_shows_the_log_path(qtbot, window: MainWindow, caplog) -> None:  # type: ignore[no-untyped-def]
    from studio.gui import crash
    from studio.logsetup import setup_logging

    try:
        raise RuntimeError("boom token=secret123")
    except RuntimeError as exc:
        with caplog.at_level(logging.CRITICAL, logger="studio.gui.crash"):
            crash.excepthook(RuntimeError, exc, exc.__traceback__)
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert boxes, "no error dialog"
    text = boxes[-1].text()
    assert str(setup_logging()) in text and "boom" in text and "secret123" not in text
    assert any("uncaught exception" in r.getMessage() for r in caplog.records)
    for box in boxes:
        box.close()
    assert crash._open_dialogs == []


def test_qt_messages_are_logged_by_category(caplog) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QMessageLogContext, QtMsgType

    from studio.gui import crash

    with caplog.at_level(logging.DEBUG, logger="studio.qt"):
        crash.qt_message_handler(QtMsgType.QtWarningMsg, QMessageLogContext(), "something odd")
    record = caplog.records[-1]
    assert record.name == "studio.qt" and record.levelno == logging.WARNING
    assert "something odd" in record.getMessage()


def test_app_main_opens_the_path_given(qtbot, manuscript: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """``studio PATH``: the entry point installs the hooks, builds the window and opens the manuscript.

    ``QApplication.exec`` is replaced: running (and leaving) the real main loop inside a test session leaves
    PySide holding the GIL in later nested event loops, which starves every background thread after it.
    """
    import gc
    import sys
    import threading

    from PySide6.QtCore import qInstallMessageHandler

    from studio.gui import app, project_controller
    from studio.gui.main_window import MainWindow as Window

    monkeypatch.setattr(project_controller, "default_project_dir", lambda m: tmp_path / "projects" / m.stem)
    monkeypatch.setattr(QApplication, "exec", lambda _self: 0)
    hook = sys.excepthook
    pytest_qt_handler = qInstallMessageHandler(None)  # main() routes Qt messages to logging; restore after
    qInstallMessageHandler(pytest_qt_handler)
    try:
        assert app.main([str(manuscript)]) == 0
        assert sys.excepthook is not hook
    finally:
        qInstallMessageHandler(pytest_qt_handler)
        sys.excepthook = hook
        threading.excepthook = threading.__excepthook__
        gc.unfreeze()
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, Window) and w.isVisible()]
    assert len(windows) == 1
    window = windows[0]
    qtbot.addWidget(window)
    wait_idle(qtbot)
    window.structure_review.accept()  # a new manuscript: the author confirms its chapters first (issue 15)
    wait_idle(qtbot)
    assert window.document.chapters.rowCount() == 2
    assert (tmp_path / "projects" / "book" / "project.sqlite").is_file()
    window.close()
    wait_idle(qtbot)
