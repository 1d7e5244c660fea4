"""Issue 16: the app reopens the last project on start (a preference), and passes over one that is gone."""

from __future__ import annotations

import shutil
from pathlib import Path

from studio.gui.main_window import MainWindow
from studio.gui.preferences_dialog import PreferencesDialog
from studio.gui.settings import Settings
from studio.gui.startup import open_at_start
from tests.gui.conftest import wait_idle


def _restart(qtbot, settings: Settings) -> MainWindow:  # type: ignore[no-untyped-def]
    """A second window on the same settings file, as the next start of the app would make."""
    window = MainWindow(Settings(Path(settings.file_name)))
    qtbot.addWidget(window)
    window.show()
    return window


def test_the_last_project_opens_at_start(qtbot, book_window: MainWindow, settings: Settings,  # type: ignore[no-untyped-def]
                                         tmp_path: Path) -> None:
    book_window.projects.save()
    wait_idle(qtbot)
    again = _restart(qtbot, settings)
    try:
        assert open_at_start(again, []) == (tmp_path / "book.studio").resolve()
        wait_idle(qtbot)
        assert again.document.folder == (tmp_path / "book.studio").resolve()
        assert again.document.book is not None and again.document.book.chapters
    finally:
        again.pause_and_close()
        wait_idle(qtbot)


def test_the_preference_turns_it_off(qtbot, book_window: MainWindow, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    dialog = PreferencesDialog(settings)
    qtbot.addWidget(dialog)
    assert dialog.reopen_last.isChecked()  # on by default
    dialog.reopen_last.setChecked(False)
    dialog.accept()
    again = _restart(qtbot, settings)
    try:
        assert open_at_start(again, []) is None
        wait_idle(qtbot)
        assert again.document.book is None
    finally:
        again.pause_and_close()
        wait_idle(qtbot)


def test_a_project_that_is_gone_is_named_not_opened(qtbot, book_window: MainWindow, settings: Settings,  # type: ignore[no-untyped-def]
                                                     tmp_path: Path) -> None:
    book_window.pause_and_close()
    wait_idle(qtbot)
    shutil.rmtree(tmp_path / "book.studio")
    again = _restart(qtbot, settings)
    try:
        assert open_at_start(again, []) is None
        wait_idle(qtbot)
        assert again.document.book is None
        assert "is no longer there" in again.status_label.text() and "book.studio" in again.status_label.text()
    finally:
        again.pause_and_close()
        wait_idle(qtbot)
