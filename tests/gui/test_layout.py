"""The window is built around the manuscript: at every common screen size, in English and Chinese, the editor
gets the largest share of the width, a Chinese line holds a comfortable number of characters, no dock forces
the window wider than the screen, and resizing logs no Qt warning (pytest-qt fails the test on one)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtGui import QColor

from studio.core.book import Book, Chapter, Paragraph
from studio.core.project import Project
from studio.gui import i18n
from studio.gui.main_window import MainWindow
from studio.gui.settings import Settings
from tests.gui.conftest import wait_idle

# 1024x700, 1366x768, 1920x1080, and 1920x1080 at 150 % and 200 % (the logical sizes those scalings give).
SIZES = [(1024, 700), (1280, 800), (1366, 768), (1920, 1080), (1280, 720), (960, 540)]
LONG = "我家的后面有一个很大的园，相传叫作百草园。现在是早已并屋子一起卖给朱文公的子孙了，连那最末次的相见也已经" \
       "隔了七八年，其中似乎确凿只有一些野草；但那时却是我的乐园。" * 3


@pytest.fixture(params=["en", "zh_CN"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    app = QCoreApplication.instance()
    translator = QTranslator()
    if request.param != "en":
        assert translator.load(f"studio_{request.param}", i18n.i18n_dir())
        app.installTranslator(translator)
    i18n.set_current_language(request.param)
    yield request.param
    app.removeTranslator(translator)
    i18n.set_current_language("en")


def chinese_book_window(qtbot, settings: Settings, folder: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    Project.create(folder, Book("朝花夕拾", chapters=[Chapter("从百草园到三味书屋", [Paragraph(LONG)] * 3),
                                                  Chapter("藤野先生", [Paragraph("东京也无非是这样。")])])).close()
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.open_project(folder)
    wait_idle(qtbot)
    assert window.document.book is not None
    return window


def first_line_characters(window: MainWindow) -> int:
    block = window.editor.document().findBlockByNumber(0)
    return block.layout().lineAt(0).textLength()


def test_the_editor_has_the_largest_share_at_every_size(qtbot, settings: Settings, language: str,  # type: ignore[no-untyped-def]
                                                        tmp_path: Path) -> None:
    window = chinese_book_window(qtbot, settings, tmp_path / "book.studio")
    try:
        for width, height in SIZES:
            window.resize(width, height)
            qtbot.waitUntil(lambda w=width, h=height: (window.width(), window.height()) == (w, h), timeout=5_000)
            QCoreApplication.processEvents()
            editor = window.editor_panel.width()
            docks = {d.objectName(): d.width() for d in (window.chapter_dock, window.voice_dock)}
            assert editor > max(docks.values()), (language, width, docks, editor)
            if width >= 1024:
                assert editor >= 0.45 * width, f"{language} {width}x{height}: editor {editor} px of {width}"
            assert window.job_dock.height() < height / 4  # the folded job drawer is one line
            lines = first_line_characters(window)
            if (width, height) == (1280, 800):
                assert lines >= 30, f"{language}: {lines} Chinese characters a line at 1280x800"
            assert lines <= 46  # and never an unreadably long line
    finally:
        window.close()


def test_a_render_opens_the_job_drawer_and_reset_layout_restores_the_default(qtbot, book_window: MainWindow  # type: ignore[no-untyped-def]
                                                                             ) -> None:
    window = book_window
    assert not window.job_dock.is_expanded()
    with qtbot.waitSignal(window.render.finished, timeout=60_000):
        window.start_render()
        assert window.job_dock.is_expanded() and window.job_dock.table.isVisible()
        qtbot.waitUntil(lambda: window.job_dock.height() >= 150, timeout=5_000)  # room for the unit table
    window.job_dock.details_button.click()
    assert not window.job_dock.is_expanded()
    window.chapter_dock.hide()
    window.reset_layout()
    assert window.chapter_dock.isVisible()
    wait_idle(qtbot)


def test_the_spoken_sentence_colour_is_not_an_emotion_colour() -> None:
    from studio.gui.editor import SPOKEN_COLOR
    from studio.gui.emotion_menu import EMOTION_COLORS

    def distance(a: QColor, b: QColor) -> int:
        return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue())

    assert min(distance(SPOKEN_COLOR, QColor(c)) for c in EMOTION_COLORS.values()) > 150
