"""Right-click "Insert Pause…": the pause lands where the author clicked, is undoable and saved with the book."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QTextCursor

from studio.core import ssml
from studio.core.book import VoiceSettings
from studio.core.book_edit import VoiceTarget
from studio.core.lexicon import BREAK, ReadingSpan
from studio.core.project import Project
from studio.gui import pause_menu
from studio.gui.main_window import MainWindow
from studio.render.plan import plan_book
from tests.gui.conftest import wait_idle

BOOK = "第一章 停顿\n他停了一下，然后说话。\n"


def test_insert_a_pause_where_the_author_clicked(qtbot, window: MainWindow, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    manuscript = tmp_path / "book.txt"
    manuscript.write_text(BOOK, encoding="utf-8")
    folder = tmp_path / "book.studio"
    window.import_manuscript(manuscript, folder)
    wait_idle(qtbot)
    window.document.assign_voice([VoiceTarget()], VoiceSettings(engine="aliyun", voice="xiaoyun"))
    window.chapter_dock.select_row(0)
    paragraph = window.document.book.chapters[0].paragraphs[0]
    assert paragraph.text == "他停了一下，然后说话。"
    editor = window.editor
    cursor = QTextCursor(editor.document().findBlockByNumber(0))
    cursor.setPosition(cursor.position() + 6)  # between "，" and "然"
    monkeypatch.setattr(pause_menu, "ask_pause_ms", lambda parent: 1200)  # the author types 1200 in the dialog
    menu = window.editor_panel.build_context_menu(editor.cursorRect(cursor).center())
    action = next(a for a in menu.actions() if a.objectName() == "insert_pause")
    assert action.text() == "Insert Pause…"
    action.trigger()
    menu.deleteLater()
    assert paragraph.readings == [ReadingSpan(6, 6, BREAK, "1200")]
    unit = next(u for u in plan_book(window.document.book).units if u.chapter_index == 0)
    sent = ssml.build_long_text(unit.request.paragraphs, unit.request.emotions, readings=unit.request.readings)
    assert sent == '<speak>他停了一下，<break time="1200ms"/>然后说话。</speak>'
    window.undo_action.trigger()
    assert paragraph.readings == []
    window.redo_action.trigger()
    window.save()
    wait_idle(qtbot)
    with Project.open(folder) as project:
        assert project.load_book().chapters[0].paragraphs[0].readings == [ReadingSpan(6, 6, BREAK, "1200")]


def test_the_gutter_marks_a_paragraph_with_its_own_delivery(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QImage

    from studio.gui.delivery_mark import DELIVERY_COLOR

    manuscript = tmp_path / "book.txt"
    manuscript.write_text("第一章 停顿\n他停了一下，然后说话。\n\n天色暗了。\n", encoding="utf-8")
    window.import_manuscript(manuscript, tmp_path / "book.studio")
    wait_idle(qtbot)
    window.chapter_dock.select_row(0)
    paragraphs = window.document.book.chapters[0].paragraphs
    paragraphs[0].voice = VoiceSettings(speed=1.2, pause_after_ms=800)
    paragraphs[0].readings = [ReadingSpan(6, 6, BREAK, "1200")]
    editor = window.editor
    editor.viewport().update()
    first = editor.cursorRect(QTextCursor(editor.document().findBlockByNumber(0))).center()
    second = editor.cursorRect(QTextCursor(editor.document().findBlockByNumber(1))).center()
    tip = editor.gutter_tooltip(first)
    assert "Delivery: speed ×1.2, pause after 800 ms, pauses inside: 1200 ms" in tip, tip
    assert "Delivery" not in editor.gutter_tooltip(second)
    gutter = editor._gutter
    image = QImage(gutter.size(), QImage.Format.Format_ARGB32)
    gutter.render(image)
    colours = {image.pixelColor(x, y).name() for x in range(image.width()) for y in range(image.height())}
    assert DELIVERY_COLOR.name() in colours
