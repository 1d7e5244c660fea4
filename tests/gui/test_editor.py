"""The paragraph editor: typing is undoable, emotions only from the voice's list, problems flagged inline."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QInputMethodEvent, QTextCursor
from PySide6.QtWidgets import QApplication

from studio.core.book import EmotionSpan, VoiceSettings
from studio.core.book_edit import VoiceTarget
from studio.gui.main_window import MainWindow
from tests.gui.conftest import wait_idle

EMOTIONAL = VoiceSettings(engine="aliyun", voice="zhifeng_emo")


def test_insert_emotion_supported_by_the_voice_then_undo(qtbot, book_window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window = book_window
    panel = window.editor_panel
    document = window.document
    document.assign_voice([VoiceTarget()], EMOTIONAL)
    window.chapter_dock.select_row(1)
    window.editor.select_range(1, 2, 6)  # "我的先生" in "那是我的先生的家。"
    assert panel.insert_emotion_action.isEnabled()
    menu = panel.emotion_menu
    supported = document.catalogue.get("aliyun", "zhifeng_emo").emotions
    assert sorted(menu.categories()) == sorted(supported)
    assert "surprise" in supported and "jealousy" not in menu.categories()
    menu.intensity.setValue(1.5)
    menu.category_action("happy").trigger()
    paragraph = document.book.chapters[1].paragraphs[1]
    assert paragraph.emotions == [EmotionSpan(2, 6, "happy", 1.5)]
    assert paragraph.text[2:6] == "我的先生"
    # highlighted, with a tooltip and a legend entry
    block = window.editor.document().findBlockByNumber(1)
    formats = block.layout().formats()
    assert any(f.start == 2 and f.length == 4 for f in formats)
    assert "happy" in window.editor.span_tooltip(1, 3) and "1.5" in window.editor.span_tooltip(1, 3)
    assert "Happy" in panel.legend.text() or "开心" in panel.legend.text()
    # what the render sends for that paragraph: the span as an <emotion> element around exactly that text
    from studio.core import ssml
    from studio.render.plan import plan_book

    unit = next(u for u in plan_book(document.book).units if (u.chapter_index, u.paragraphs) == (1, (1,)))
    assert unit.engine == "aliyun"
    sent = ssml.build_long_text(unit.request.paragraphs, unit.request.emotions, gap_ms=unit.request.paragraph_gap_ms)
    assert sent == '<speak>那是<emotion category="happy" intensity="1.5">我的先生</emotion>的家。</speak>'
    window.undo_action.trigger()
    assert paragraph.emotions == []
    assert window.editor.document().findBlockByNumber(1).layout().formats() == []
    window.redo_action.trigger()
    assert paragraph.emotions == [EmotionSpan(2, 6, "happy", 1.5)]
    # the keyboard shortcut opens the same menu at the cursor
    window.editor.select_range(0, 0, 2)
    panel.insert_emotion_action.trigger()
    assert menu.isVisible()
    assert menu.intensity.value() == 1.0  # each opening starts at normal intensity, not at the last 1.5
    menu.close()
    # remove it again (undoable)
    window.editor.select_range(1, 3, 3)
    panel.remove_emotion_action.trigger()
    assert paragraph.emotions == []
    window.undo_action.trigger()
    assert len(paragraph.emotions) == 1


def test_emotion_menu_disabled_for_a_voice_without_emotions(qtbot, book_window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    panel = book_window.editor_panel
    book_window.editor.select_range(0, 0, 3)
    assert not panel.insert_emotion_action.isEnabled()
    reason = panel.insert_emotion_action.toolTip()
    assert "has no emotions" in reason and "Mandarin, male (offline)" in reason
    assert not panel.emotion_menu.isEnabled()
    assert panel.emotion_menu.menuAction().toolTip() == reason
    context = panel.build_context_menu(QPoint(5, 5))
    submenu = next(a for a in context.actions() if a.menu() is panel.emotion_menu)
    assert not submenu.isEnabled() and "has no emotions" in submenu.toolTip()
    context.deleteLater()
    # the shortcut explains instead of opening an empty menu
    panel.show_emotion_menu()
    assert "has no emotions" in book_window.status_label.text()
    # a paragraph voice with emotions enables it for that paragraph only
    book_window.document.assign_voice([VoiceTarget(0, 0)], EMOTIONAL)
    book_window.editor.select_range(0, 0, 3)
    assert panel.insert_emotion_action.isEnabled()


def test_emotion_menu_disabled_for_a_voice_the_catalogue_does_not_know(  # type: ignore[no-untyped-def]
        qtbot, book_window: MainWindow) -> None:
    """A voice missing from the catalogue (retired, or typed into the project file) offers no emotions: any
    category could be rejected by the vendor."""
    panel = book_window.editor_panel
    book_window.document.assign_voice([VoiceTarget()], VoiceSettings(engine="aliyun", voice="retired_voice"))
    book_window.editor.select_range(0, 0, 3)
    assert not panel.insert_emotion_action.isEnabled()
    reason = panel.insert_emotion_action.toolTip()
    assert "not in the voice catalogue" in reason and "aliyun:retired_voice" in reason
    assert not panel.emotion_menu.isEnabled() and panel.emotion_menu.categories() == []
    assert panel.emotion_menu.menuAction().toolTip() == reason
    panel.show_emotion_menu()
    assert not panel.emotion_menu.isVisible()
    assert "not in the voice catalogue" in book_window.status_label.text()
    # a known emotional voice enables the menu again
    book_window.document.assign_voice([VoiceTarget()], EMOTIONAL)
    book_window.editor.select_range(0, 0, 3)
    assert panel.insert_emotion_action.isEnabled() and "happy" in panel.emotion_menu.categories()


def test_selection_across_paragraphs_is_refused(qtbot, book_window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window = book_window
    window.document.assign_voice([VoiceTarget()], EMOTIONAL)
    window.chapter_dock.select_row(1)
    cursor = window.editor.textCursor()
    cursor.setPosition(2)
    cursor.setPosition(14, QTextCursor.MoveMode.KeepAnchor)
    window.editor.setTextCursor(cursor)
    assert not window.editor_panel.insert_emotion_action.isEnabled()
    assert "one paragraph" in window.editor_panel.insert_emotion_action.toolTip()
    qtbot.keyClick(window.editor, Qt.Key.Key_X)
    assert window.editor.blockCount() == 2
    assert "one paragraph" in window.status_label.text()


def test_typing_is_undoable_and_moves_spans(qtbot, book_window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window = book_window
    window.document.assign_voice([VoiceTarget()], EMOTIONAL)
    window.chapter_dock.select_row(1)
    paragraph = window.document.book.chapters[1].paragraphs[1]
    window.editor.select_range(1, 2, 6)
    window.document.insert_emotion(1, 1, 2, 6, "sad")
    window.editor.setFocus()
    window.editor.select_range(1, 0, 0)
    _type_chinese(window.editor, "啊")  # as an input method commits it
    assert paragraph.text == "啊那是我的先生的家。"
    assert paragraph.emotions == [EmotionSpan(3, 7, "sad")]
    _type_chinese(window.editor, "呀")
    assert paragraph.text.startswith("啊呀")
    assert window.document.is_dirty()
    # consecutive typing is one undo step
    window.undo_action.trigger()
    assert paragraph.text == "那是我的先生的家。"
    assert paragraph.emotions == [EmotionSpan(2, 6, "sad")]
    assert window.editor.document().findBlockByNumber(1).text() == "那是我的先生的家。"
    window.redo_action.trigger()
    assert paragraph.text == "啊呀那是我的先生的家。"
    assert window.editor.document().findBlockByNumber(1).text() == paragraph.text
    # Enter and a backspace that would join paragraphs are refused
    window.editor.select_range(1, 0, 0)
    qtbot.keyClick(window.editor, Qt.Key.Key_Return)
    qtbot.keyClick(window.editor, Qt.Key.Key_Backspace)
    assert window.editor.blockCount() == 2 and len(window.document.book.chapters[1].paragraphs) == 2
    # Ctrl+Z in the editor goes to the window's undo stack
    qtbot.keyClick(window.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert paragraph.text == "那是我的先生的家。"


def _type_chinese(widget, text: str) -> None:  # type: ignore[no-untyped-def]
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def test_typing_ascii_keys(qtbot, book_window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window = book_window
    paragraph = window.document.book.chapters[0].paragraphs[0]
    window.editor.setFocus()
    window.editor.select_range(0, 0, 0)
    qtbot.keyClicks(window.editor, "AB")
    assert paragraph.text.startswith("AB我家")
    qtbot.keyClick(window.editor, Qt.Key.Key_Backspace)
    assert paragraph.text.startswith("A我家")
    window.undo_action.trigger()
    assert paragraph.text.startswith("我家")


def test_unsupported_emotion_is_flagged_after_a_voice_change(qtbot, book_window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window = book_window
    document = window.document
    document.assign_voice([VoiceTarget()], EMOTIONAL)
    window.chapter_dock.select_row(1)
    document.insert_emotion(1, 1, 2, 6, "happy")
    assert window.editor.problems() == []
    document.assign_voice([VoiceTarget()], VoiceSettings(engine="local", voice="local-cmn"))
    problems = window.editor.problems(1)
    assert [p.kind for p in problems] == ["no-emotions"]
    assert "problems" in window.editor_panel.problem_label.text()
    block = window.editor.document().findBlockByNumber(1)
    assert any(f.format.underlineStyle() != f.format.underlineStyle().NoUnderline for f in block.layout().formats())
    assert "has no emotions" in window.editor.span_tooltip(1, 3)
    # nothing is sent: render and preview refuse, naming the problem
    assert window.start_render() is None
    assert "fix these emotions" in window.last_message.text()
    window.last_message.close()
    assert window.preview_paragraph(1, 1) is None
    window.last_message.close()
    window.undo_action.trigger()  # back to the emotional voice
    assert window.editor.problems() == []
    wait_idle(qtbot)


def test_paragraph_voice_override_from_the_voice_picker(qtbot, book_window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window = book_window
    window.chapter_dock.select_row(1)
    window.editor.select_range(1, 0, 1)
    assert window.voice_dock.select_voice("local", "local-cmn-f")
    assert window.voice_dock.assign("paragraphs")
    chapter = window.document.book.chapters[1]
    assert chapter.paragraphs[1].voice == VoiceSettings(engine="local", voice="local-cmn-f")
    assert chapter.paragraphs[0].voice.is_empty()
    assert "local-cmn-f" not in window.editor.gutter_tooltip(QPoint(5, 5))
    window.editor_panel.clear_voice_action.trigger()
    assert chapter.paragraphs[1].voice.is_empty()
    window.undo_action.trigger()
    assert not chapter.paragraphs[1].voice.is_empty()
