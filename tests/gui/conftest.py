"""GUI fixtures: a window with private settings, a small imported book, and waiting for background tasks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("PySide6.QtWidgets")

from studio.gui.main_window import MainWindow
from studio.gui.settings import Settings
from studio.gui.workers import BackgroundTask

BOOK = "第一章 百草园\n我家的后面有一个很大的园。\n\n第二章 三味书屋\n出门向东，不上半里。\n那是我的先生的家。\n"


def wait_idle(qtbot, timeout: int = 60_000) -> None:  # type: ignore[no-untyped-def]
    """Wait until every BackgroundTask has finished and its results were delivered."""
    qtbot.waitUntil(lambda: not BackgroundTask.active(), timeout=timeout)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    s = Settings(tmp_path / "settings.ini")
    s.autosave_seconds = 0
    s.cache_dir = tmp_path / "cache"
    s.review_structure_on_import = False  # tests that want the review after an import turn it on
    return s


@pytest.fixture
def window(qtbot, settings: Settings) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    win = MainWindow(settings)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.pause_and_close()  # a render still running is paused as "Pause and Quit" would, without asking
    wait_idle(qtbot)


@pytest.fixture
def manuscript(tmp_path: Path) -> Path:
    path = tmp_path / "book.txt"
    path.write_text(BOOK, encoding="utf-8")
    return path


@pytest.fixture
def book_window(qtbot, window: MainWindow, manuscript: Path, tmp_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    """The window with BOOK imported into tmp_path/book.studio and the first chapter shown."""
    window.import_manuscript(manuscript, tmp_path / "book.studio")
    wait_idle(qtbot)
    assert window.document.book is not None
    return window
