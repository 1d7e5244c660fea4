"""Per-paragraph speed, pitch and volume from the window: stored in the project, one undo step, voice kept."""

from __future__ import annotations

from pathlib import Path

from studio.core.book import VoiceSettings
from studio.core.book_edit import VoiceTarget
from studio.core.project import Project
from studio.gui.main_window import MainWindow
from tests.gui.conftest import wait_idle


def test_paragraph_delivery_is_stored_kept_with_the_voice_and_undoable(qtbot, book_window: MainWindow,  # type: ignore[no-untyped-def]
                                                                      tmp_path: Path) -> None:
    window = book_window
    doc = window.document
    window.chapter_dock.select_row(1)
    doc.assign_voice([VoiceTarget(1, 1)], VoiceSettings(engine="local", voice="local-yue"))
    cursor = window.editor.textCursor()
    cursor.setPosition(0)
    cursor.setPosition(window.editor.document().characterCount() - 1, cursor.MoveMode.KeepAnchor)
    window.editor.setTextCursor(cursor)  # both paragraphs of chapter 2
    assert window.editor.selected_paragraphs() == [0, 1]
    dialog = window.show_delivery()
    assert dialog.spins["speed"].text() == "inherited"
    dialog.spins["speed"].setValue(1.5)
    dialog.spins["volume"].setValue(0.8)
    dialog.accept()
    paragraphs = doc.book.chapters[1].paragraphs
    assert [p.voice.speed for p in paragraphs] == [1.5, 1.5] and paragraphs[0].voice.pitch is None
    assert paragraphs[1].voice.voice == "local-yue"  # the paragraph keeps its own voice
    window.save()
    wait_idle(qtbot)
    with Project.open(tmp_path / "book.studio") as project:
        stored = project.load_book().chapters[1].paragraphs
    assert [(p.voice.speed, p.voice.volume) for p in stored] == [(1.5, 0.8), (1.5, 0.8)]
    window.undo_action.trigger()  # one step
    assert [p.voice.speed for p in doc.book.chapters[1].paragraphs] == [None, None]
    assert doc.book.chapters[1].paragraphs[1].voice.voice == "local-yue"


def test_pause_after_is_set_from_the_delivery_dialog(qtbot, book_window: MainWindow,  # type: ignore[no-untyped-def]
                                                    tmp_path: Path) -> None:
    window = book_window
    window.chapter_dock.select_row(1)
    window.show_paragraph(1, 0)
    dialog = window.show_delivery()
    assert dialog.pause.text() == "inherited"
    dialog.pause.setValue(2500)
    dialog.accept()
    window.save()
    wait_idle(qtbot)
    with Project.open(tmp_path / "book.studio") as project:
        stored = project.load_book().chapters[1].paragraphs
    assert [p.voice.pause_after_ms for p in stored] == [2500, None]
    assert stored[0].voice.speed is None  # only the pause was set


def test_chapter_and_book_delivery_defaults_are_set_from_the_same_dialog(qtbot, book_window: MainWindow,  # type: ignore[no-untyped-def]
                                                                          tmp_path: Path) -> None:
    window = book_window
    doc = window.document
    window.chapter_dock.select_row(1)
    window.show_paragraph(1, 0)
    dialog = window.show_delivery()
    dialog.scope.setCurrentIndex(dialog.scope.findData("chapter"))
    dialog.spins["speed"].setValue(1.3)
    dialog.accept()
    dialog = window.show_delivery()
    dialog.scope.setCurrentIndex(dialog.scope.findData("book"))
    assert dialog.spins["speed"].text() == "inherited"  # the book has no speed of its own
    dialog.pause.setValue(1500)
    dialog.accept()
    book = doc.book
    assert book.chapters[1].voice.speed == 1.3 and book.voice.pause_after_ms == 1500
    assert [p.voice.speed for p in book.chapters[1].paragraphs] == [None, None]  # paragraphs inherit
    assert book.effective_voice(book.chapters[1], book.chapters[1].paragraphs[1]).speed == 1.3
    assert book.effective_voice(book.chapters[0], book.chapters[0].paragraphs[0]).speed != 1.3  # other chapters not
    window.save()
    wait_idle(qtbot)
    with Project.open(tmp_path / "book.studio") as project:
        stored = project.load_book()
    assert stored.chapters[1].voice.speed == 1.3 and stored.voice.pause_after_ms == 1500
    window.undo_action.trigger()  # the book's pause, one step
    assert doc.book.voice.pause_after_ms is None and doc.book.chapters[1].voice.speed == 1.3
