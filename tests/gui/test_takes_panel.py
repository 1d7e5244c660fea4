"""The Takes dock: the takes of the paragraph under the cursor, A/B with one key, pin, render again."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from studio.core.book import Book, Chapter, Paragraph, VoiceSettings
from studio.core.project import Project
from studio.core.takes import pinned_take, takes_of
from studio.engines.registry import EngineSet
from studio.gui.main_window import MainWindow
from studio.render.job_store import plan_project
from studio.render.runner import render_plan
from tests.gui.conftest import wait_idle

TEXTS = ["我家的后面有一个很大的园。", "相传叫作百草园。"]


def _two_takes(folder: Path) -> None:
    """Render with a male voice, then a female one: two takes of each paragraph."""
    book = Book("园", voice=VoiceSettings(engine="local", voice="local-cmn"),
                chapters=[Chapter("一", [Paragraph(t) for t in TEXTS])])
    with Project.create(folder, book) as project, EngineSet() as engines:
        render_plan(plan_project(project), project, engines)
        project.set_book_voice(VoiceSettings(engine="local", voice="local-cmn-f"))
        render_plan(plan_project(project), project, engines)


def test_takes_ab_with_one_key_and_pin(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "book.studio"
    _two_takes(folder)
    window.show()
    qtbot.waitExposed(window)
    window.open_project(folder)
    wait_idle(qtbot)
    dock = window.takes_dock
    dock.show()
    dock.raise_()
    window.show_paragraph(0, 1)
    qtbot.waitUntil(lambda: len(dock.takes()) == 2 and dock.task is None, timeout=30_000)
    older, newer = dock.takes()
    assert (older.voice, newer.voice) == ("local-cmn", "local-cmn-f")
    assert "[current]" in dock.list.item(1).text()

    window.activateWindow()
    qtbot.keyClick(window.editor, Qt.Key.Key_B,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    item = window.player.current_item()
    assert item is not None and item.audio_path == newer.audio_path  # A: the newest take
    qtbot.keyClick(window.editor, Qt.Key.Key_B,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    item = window.player.current_item()
    assert item is not None and item.audio_path == older.audio_path  # B: the one before it
    assert dock.list.currentRow() == 0  # the take playing is the one selected

    qtbot.mouseClick(dock.pin_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dock.pinned_id() == older.id and dock.task is None, timeout=30_000)
    assert "[pinned]" in dock.list.item(0).text()
    with Project.open(folder) as project:  # stored: the export and the CLI see the pin after reopening
        pin = pinned_take(project, 0, 1)
        assert pin is not None and pin.id == older.id


def test_render_again_keeps_the_current_audio_as_a_take(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "book.studio"
    _two_takes(folder)
    window.open_project(folder)
    wait_idle(qtbot)
    dock = window.takes_dock
    dock.show()
    dock.raise_()
    window.show_paragraph(0, 0)
    qtbot.waitUntil(lambda: len(dock.takes()) == 2 and dock.task is None, timeout=30_000)
    qtbot.mouseClick(dock.again_button, Qt.MouseButton.LeftButton)  # offline engine: free, so no question
    qtbot.waitUntil(lambda: len(dock.takes()) == 3 and dock.task is None and not window.render_controller.is_running(),
                    timeout=60_000)
    assert [t.voice for t in dock.takes()] == ["local-cmn", "local-cmn-f", "local-cmn-f"]
    assert dock.takes()[1].audio_path.parent.name == "takes"  # the replaced audio was moved, not overwritten
    with Project.open(folder) as project:
        assert len(takes_of(project, TEXTS[0])) == 3
