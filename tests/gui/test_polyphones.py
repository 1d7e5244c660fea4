"""多音字 in the editor: marked, right-click "Read as …", the paragraph shows the reading and is marked stale."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QMenu

from studio.core import lexicon_store, ssml
from studio.core.book import VoiceSettings
from studio.core.book_edit import VoiceTarget
from studio.core.lexicon import ReadingSpan
from studio.core.project import Project
from studio.gui.main_window import MainWindow
from studio.gui.polyphone_menu import POLYPHONE_COLOR, READING_COLOR, reading_tooltip
from studio.render.plan import plan_book
from tests.gui.conftest import wait_idle

BOOK = "第一章 银行\n他长大了，还去银行。\n\n第二章 街上\n她在街上行走，拨打110。\n"


def _underline(window: MainWindow, paragraph: int, index: int) -> QTextCharFormat | None:
    block = window.editor.document().findBlockByNumber(paragraph)
    for item in block.layout().formats():
        if item.start <= index < item.start + item.length and \
                item.format.underlineStyle() != QTextCharFormat.UnderlineStyle.NoUnderline:
            return QTextCharFormat(item.format)
    return None


def _read_as(window: MainWindow, paragraph: int, index: int, action: str) -> None:
    """Right-click the character at ``index`` and choose ``action`` from its "Read as" submenu."""
    editor = window.editor
    cursor = QTextCursor(editor.document().findBlockByNumber(paragraph))
    cursor.setPosition(cursor.position() + index)
    right = editor.cursorRect(cursor).center()
    right.setX(right.x() + editor.fontMetrics().horizontalAdvance("长") // 2)  # on the character itself
    menu = window.editor_panel.build_context_menu(right)
    sub = menu.findChild(QMenu, "read_as_menu")
    assert sub is not None, [a.text() for a in menu.actions()]
    chosen = next(a for a in sub.actions() if a.objectName() == action)
    chosen.trigger()
    menu.deleteLater()


def _open(qtbot, window: MainWindow, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    manuscript = tmp_path / "book.txt"
    manuscript.write_text(BOOK, encoding="utf-8")
    folder = tmp_path / "book.studio"
    window.import_manuscript(manuscript, folder)
    wait_idle(qtbot)
    window.document.assign_voice([VoiceTarget()], VoiceSettings(engine="aliyun", voice="xiaoyun"))
    return folder


def test_read_a_polyphone_this_one_and_everywhere(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = _open(qtbot, window, tmp_path)
    document = window.document
    window.chapter_dock.select_row(0)
    paragraph = document.book.chapters[0].paragraphs[0]
    assert paragraph.text == "他长大了，还去银行。"
    # 长 (index 1) is marked: a subtle dotted underline; 了 (a quiet one, read as usual here) is not.
    mark = _underline(window, 0, 1)
    assert mark is not None and mark.underlineColor() == POLYPHONE_COLOR
    assert _underline(window, 0, 3) is None
    assert not window.editor.reading_stale(0)

    _read_as(window, 0, 1, "read_one_chang2")  # this one: 长 read chang2 here (pypinyin proposes zhang3)
    assert paragraph.readings == [ReadingSpan(1, 2, "phoneme", "chang2", source="长")]
    shown = _underline(window, 0, 1)
    assert shown is not None and shown.underlineColor() == READING_COLOR
    assert "chang2" in reading_tooltip(window.editor, 0, 1) and "this one" in reading_tooltip(window.editor, 0, 1)
    assert window.editor.reading_stale(0)
    assert "rendered again" in window.editor.gutter_tooltip(window.editor.cursorRect(
        QTextCursor(window.editor.document().findBlockByNumber(0))).center())
    unit = next(u for u in plan_book(document.book).units if (u.chapter_index, u.paragraphs) == (0, (0,)))
    sent = ssml.build_long_text(unit.request.paragraphs, unit.request.emotions, readings=unit.request.readings)
    assert sent == '<speak>他<phoneme alphabet="py" ph="chang2">长</phoneme>大了，还去银行。</speak>'
    # a preview of the paragraph speaks it the same way (the same unit as the render: same cache key)
    from studio.render.session.playback import book_of_paragraphs

    mini = plan_book(book_of_paragraphs(document.book, document.book.chapters[0], [0])).units[0]
    assert mini.request.readings == unit.request.readings and mini.cache_key == unit.cache_key
    window.undo_action.trigger()
    assert paragraph.readings == []
    window.redo_action.trigger()

    # everywhere in the book: 行 read xing2 becomes a project lexicon entry, stored in the project at once
    _read_as(window, 0, 8, "read_all_xing2")
    assert [(e.written, e.pinyin) for e in document.book.lexicon] == [("行", "xing2")]
    with Project.open(folder) as project:
        assert [(e.written, e.pinyin) for e in lexicon_store.project_entries(project)] == [("行", "xing2")]
    assert (1, 0) in document.stale_readings  # 行走 in chapter 2 renders again too
    window.undo_action.trigger()
    assert document.book.lexicon == []
    with Project.open(folder) as project:
        assert lexicon_store.project_entries(project) == []

    # the occurrence reading is saved with the book
    window.save()
    wait_idle(qtbot)
    with Project.open(folder) as project:
        assert project.load_book().chapters[0].paragraphs[0].readings == [
            ReadingSpan(1, 2, "phoneme", "chang2", source="长")]


def test_a_number_can_be_read_as_a_phone_number(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _open(qtbot, window, tmp_path)
    document = window.document
    window.chapter_dock.select_row(1)
    paragraph = document.book.chapters[1].paragraphs[0]
    assert paragraph.text == "她在街上行走，拨打110。"
    _read_as(window, 0, 10, "say_as_telephone")
    assert paragraph.readings == [ReadingSpan(9, 12, "say-as", "telephone", "幺幺零", source="110")]
    assert "幺幺零" in reading_tooltip(window.editor, 0, 10)
    assert window.editor.reading_stale(0)
    unit = next(u for u in plan_book(document.book).units if (u.chapter_index, u.paragraphs) == (1, (0,)))
    sent = ssml.build_long_text(unit.request.paragraphs, unit.request.emotions, readings=unit.request.readings)
    assert sent == '<speak>她在街上行走，拨打<say-as interpret-as="telephone">110</say-as>。</speak>'


def test_the_stale_mark_goes_when_the_chapter_has_all_its_audio(qtbot, book_window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from studio.gui.chapter_model import STATUS_DONE, STATUS_NONE

    document = book_window.document
    document.stale_readings |= {(0, 0), (1, 1)}
    wait_idle(qtbot)
    with qtbot.waitSignal(book_window.statuses.updated, timeout=30_000):
        book_window.statuses._apply(document.folder, document.revision, [STATUS_DONE, STATUS_NONE])
    assert document.stale_readings == {(1, 1)}
    book_window.chapter_dock.select_row(0)
    assert book_window.editor.reading_stale(0) is False
