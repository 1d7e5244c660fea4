"""The foundation's main window, offscreen: import, chapter list, text, render in the background."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("PySide6.QtWidgets")

from studio.core.book import Book, Chapter, Paragraph
from studio.gui.chapter_model import ChapterTreeModel
from studio.gui.main_window import MainWindow

BOOK = "第一章 百草园\n我家的后面有一个很大的园。\n\n第二章 三味书屋\n出门向东，不上半里。\n那是我的先生的家。\n"


def test_chapter_model_passes_modeltester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = ChapterTreeModel()
    model.set_book(Book("b", chapters=[Chapter("一", [Paragraph("甲乙")]), Chapter("二", [])]))
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    assert model.index(0, 2).data() == 2


def test_import_shows_chapters_and_text(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    manuscript = tmp_path / "book.txt"
    manuscript.write_text(BOOK, encoding="utf-8")
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert not window.render_action.isEnabled()
    window.import_manuscript(manuscript, tmp_path / "book.studio")
    assert window._task is not None
    with qtbot.waitSignal(window._task.finished, timeout=20_000):
        pass
    assert window.chapters.rowCount() == 2
    assert window.chapters.index(1, 0).data() == "第二章 三味书屋"
    assert "我家的后面" in window.text.toPlainText()
    window.tree.setCurrentIndex(window.chapters.index(1, 0))
    assert window.text.toPlainText() == "出门向东，不上半里。\n\n那是我的先生的家。"
    assert window.render_action.isEnabled()
    assert "2 chapters" in window.status_label.text()


def test_render_from_window_writes_m4b(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from studio.audio import read_chapters

    manuscript = tmp_path / "book.txt"
    manuscript.write_text(BOOK, encoding="utf-8")
    window = MainWindow()
    qtbot.addWidget(window)
    window.import_manuscript(manuscript, tmp_path / "book.studio")
    with qtbot.waitSignal(window._task.finished, timeout=20_000):  # type: ignore[union-attr]
        pass
    out = tmp_path / "book.m4b"
    window.render_to(out)
    assert window.cancel_button.isVisibleTo(window)
    with qtbot.waitSignal(window._task.finished, timeout=120_000):  # type: ignore[union-attr]
        pass
    assert [m.title for m in read_chapters(out)] == ["第一章 百草园", "第二章 三味书屋"]
    assert "Wrote" in window.status_label.text()


def test_bad_manuscript_shows_message_not_crash(qtbot, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: shown.append(text))
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    window = MainWindow()
    qtbot.addWidget(window)
    window.import_manuscript(bad, tmp_path / "x.studio")
    with qtbot.waitSignal(window._task.finished, timeout=20_000):  # type: ignore[union-attr]
        pass
    assert shown and "empty.txt" in shown[0]
    assert window.chapters.rowCount() == 0
    assert window.import_action.isEnabled()
