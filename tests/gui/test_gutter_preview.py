"""The ▶ in the editor's margin: clicking it previews that paragraph; clicking the paragraph number selects it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget

from studio.audio.wavinfo import read_audio_info
from studio.gui.main_window import MainWindow
from studio.gui.player import MULTIMEDIA


def margin_point(window: MainWindow, paragraph: int, x_from_right: int) -> tuple[QWidget, QPoint]:
    """The margin widget and a point on the line of ``paragraph``'s first line, ``x_from_right`` px from its edge."""
    editor = window.editor
    gutter = editor.findChild(QWidget, "paragraph_gutter")
    assert gutter is not None and gutter.isVisible()
    block = editor.document().findBlockByNumber(paragraph)
    top = editor.blockBoundingGeometry(block).translated(editor.contentOffset()).top()
    return gutter, QPoint(gutter.width() - x_from_right, int(top) + editor.fontMetrics().height() // 2)


@pytest.mark.skipif(not MULTIMEDIA, reason="QtMultimedia (PySide6-Addons) is not installed")
def test_clicking_the_margin_play_button_previews_that_paragraph(  # type: ignore[no-untyped-def]
        qtbot, book_window: MainWindow) -> None:
    window = book_window
    window.chapter_dock.select_row(1)  # 出门向东，不上半里。 / 那是我的先生的家。
    chapter = window.document.book.chapters[1]
    assert window.editor.chapter() is chapter
    gutter, play = margin_point(window, 1, 14)  # the ▶ is drawn 10-18 px from the margin's right edge
    with qtbot.waitSignal(window.player.duration_known, timeout=60_000) as duration:
        qtbot.mouseClick(gutter, Qt.MouseButton.LeftButton, pos=play)
    item = window.player.current_item()
    assert item is not None and item.chapter is chapter and item.paragraph == 1
    assert item.audio_path.is_file()
    wav_ms = read_audio_info(item.audio_path).duration_ms
    assert 800 < wav_ms < 10_000  # nine characters, spoken
    assert abs(duration.args[0] - wav_ms) < 50 and abs(item.duration_ms - wav_ms) < 50
    window.player.stop()

    # the first paragraph's ▶ gives the first paragraph (different text, different audio)
    gutter, play = margin_point(window, 0, 14)
    with qtbot.waitSignal(window.preview.ready, timeout=60_000) as ready:
        qtbot.mouseClick(gutter, Qt.MouseButton.LeftButton, pos=play)
    first = ready.args[0][0]
    assert first.paragraph == 0 and first.audio_path != item.audio_path
    window.player.stop()


def test_clicking_the_paragraph_number_selects_the_paragraph_without_preview(  # type: ignore[no-untyped-def]
        qtbot, book_window: MainWindow) -> None:
    window = book_window
    window.chapter_dock.select_row(1)
    gutter, number = margin_point(window, 1, 30)
    with qtbot.assertNotEmitted(window.editor.preview_requested, wait=200):
        qtbot.mouseClick(gutter, Qt.MouseButton.LeftButton, pos=number)
    assert window.editor.textCursor().selectedText() == "那是我的先生的家。"
