"""The chapter tree shows every chapter's voice: inherited ones greyed, the book's voice in the header."""

from __future__ import annotations

from PySide6.QtCore import Qt

from studio.core.book import VoiceSettings
from studio.core.book_edit import VoiceTarget
from studio.gui.chapter_model import INHERITED_COLOR, ChapterTreeModel
from studio.gui.main_window import MainWindow


def test_inherited_voices_are_greyed_and_the_header_names_the_books_voice(qtbot, book_window: MainWindow  # type: ignore[no-untyped-def]
                                                                           ) -> None:
    doc = book_window.document
    model = doc.chapters
    column = ChapterTreeModel.VOICE
    book_voice = doc.voice_label(doc.book.voice.merged_over(doc.book.default_voice))
    first, second = model.index(0, column), model.index(1, column)
    inherited = first.data()
    assert inherited == book_voice  # shown (greyed), not a blank badge
    assert first.data(Qt.ItemDataRole.ForegroundRole).name() == INHERITED_COLOR
    header = model.headerData(column, Qt.Orientation.Horizontal)
    assert header.startswith("Voice (book: ") and inherited in header

    own = VoiceSettings(engine="local", voice="local-yue")
    doc.assign_voice([VoiceTarget(1)], own)
    assert second.data() == doc.voice_label(own)
    assert second.data(Qt.ItemDataRole.ForegroundRole) is None and second.data(Qt.ItemDataRole.FontRole).bold()

    with qtbot.waitSignal(model.headerDataChanged, timeout=5_000):
        doc.assign_voice([VoiceTarget()], VoiceSettings(engine="local", voice="local-en-us"))
    assert doc.voice_label(VoiceSettings(engine="local", voice="local-en-us")) in model.headerData(
        column, Qt.Orientation.Horizontal)
    assert first.data() != inherited  # chapter 1 follows the book's new voice
