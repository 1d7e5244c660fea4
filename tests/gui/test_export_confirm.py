"""Export with a paid voice renders what has no audio yet: the dialog counts it first and, above the author's
threshold, asks the same question as Render Book; nothing reaches the vendor (the emulator's request log) and no
file is written before the answer. A book with nothing missing exports at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from studio.core.book import Book, Chapter, Paragraph, VoiceSettings
from studio.core.project import Project
from studio.gui.main_window import MainWindow
from studio.gui.settings import Settings
from tests.emulator import VendorEmulator
from tests.gui.conftest import wait_idle
from tests.gui.test_cloud_render import open_book


@pytest.fixture
def emu(start_emulator: Callable[..., VendorEmulator]) -> VendorEmulator:
    return start_emulator(seed=17, time_scale=0.05)


def alibaba_book() -> Book:
    chapters = [Chapter(f"第{c + 1}章", [Paragraph(f"第{c + 1}章第{p + 1}段：园子里很安静，只有风吹过树叶的声音。")
                                       for p in range(2)]) for c in range(2)]
    return Book("园", author="鲁迅", voice=VoiceSettings(engine="aliyun", voice="xiaoyun"), chapters=chapters)


def export_dialog(qtbot, window: MainWindow, out: Path):  # type: ignore[no-untyped-def]
    dialog = window.show_export()
    dialog.output.setText(str(out))
    dialog.open_folder.setChecked(False)
    return dialog


def render_book(qtbot, window: MainWindow, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    settings.confirm_above_chars = 1_000_000
    with qtbot.waitSignal(window.render_controller.finished, timeout=120_000) as finished:
        window.render_action.trigger()
    assert finished.args[0] is True, finished.args[1]
    wait_idle(qtbot)


def test_export_over_the_threshold_asks_and_cancel_sends_nothing(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow, settings: Settings, emu: VendorEmulator, tmp_path: Path) -> None:
    open_book(qtbot, window, tmp_path / "book.studio", alibaba_book())
    settings.confirm_above_chars = 50  # the book has about a hundred characters
    out = tmp_path / "园.m4b"
    dialog = export_dialog(qtbot, window, out)
    dialog.export_button.click()
    assert not dialog.export_button.isEnabled() and "Counting" in dialog.status.text()  # counting, not exporting
    qtbot.waitUntil(lambda: dialog.confirm.question is not None and dialog.confirm.question.isVisible(),
                    timeout=60_000)
    question = dialog.confirm.question
    assert "This export renders" in question.text()
    details = question.informativeText()
    assert "characters in 4 tasks" in details and "cost unknown" in details, details
    assert dialog.export_button.isEnabled() and question.defaultButton().text() == "Cancel"
    question.defaultButton().click()
    wait_idle(qtbot)
    assert dialog.isVisible() and not dialog.is_running() and dialog.result is None
    assert emu.requests == [] and not out.exists()
    assert "Nothing was sent" in dialog.status.text()

    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.confirm.question is not None and dialog.confirm.question is not question,
                    timeout=60_000)
    go = next(b for b in dialog.confirm.question.buttons() if b.text() == "Render and Export")
    with qtbot.waitSignal(dialog.exported, timeout=180_000) as exported:
        go.click()
    wait_idle(qtbot)
    assert out.is_file() and exported.args[0].units_rendered == 4 and exported.args[0].chapters == 2
    assert len(emu.submitted_texts()) == 4
    dialog.close()


def test_a_rendered_book_exports_at_once_whatever_the_threshold(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow, settings: Settings, emu: VendorEmulator, tmp_path: Path) -> None:
    open_book(qtbot, window, tmp_path / "book.studio", alibaba_book())
    render_book(qtbot, window, settings)
    sent = len(emu.requests)
    settings.confirm_above_chars = 0  # any paid character would ask
    out = tmp_path / "园.m4b"
    dialog = export_dialog(qtbot, window, out)
    with qtbot.waitSignal(dialog.exported, timeout=180_000) as exported:
        dialog.export_button.click()
    wait_idle(qtbot)
    assert dialog.confirm.question is None and exported.args[0].units_rendered == 0 and out.is_file()
    assert len(emu.requests) == sent  # nothing more reached the vendor
    dialog.close()


def test_missing_acx_credits_are_all_the_question_counts(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow, settings: Settings, emu: VendorEmulator, tmp_path: Path) -> None:
    from studio.render.confirm import estimate_project

    folder = tmp_path / "book.studio"
    open_book(qtbot, window, folder, alibaba_book())
    render_book(qtbot, window, settings)
    sent = len(emu.requests)
    settings.confirm_above_chars = 0
    dialog = export_dialog(qtbot, window, tmp_path / "acx")
    dialog.preset_box.setCurrentIndex(dialog.preset_box.findData("acx"))
    assert dialog.choice().credits
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.confirm.question is not None and dialog.confirm.question.isVisible(),
                    timeout=60_000)
    details = dialog.confirm.question.informativeText()
    with Project.open(folder) as project:  # the credits alone, as Render Credits would send them
        book = project.load_book()
    credits_only = estimate_project(folder, book, None, {}, None, "only")
    body = estimate_project(folder, book, None, {}, None, None)
    assert credits_only.cloud_characters > 0 and body.cloud_characters == 0  # the text has audio, the credits none
    assert f"{credits_only.cloud_characters:,} characters in 2 tasks" in details, details
    dialog.confirm.question.defaultButton().click()
    wait_idle(qtbot)
    assert len(emu.requests) == sent and not (tmp_path / "acx").exists()
    dialog.close()


def test_closing_the_dialog_while_counting_sends_nothing(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow, settings: Settings, emu: VendorEmulator, tmp_path: Path) -> None:
    open_book(qtbot, window, tmp_path / "book.studio", alibaba_book())
    settings.confirm_above_chars = 0
    out = tmp_path / "园.m4b"
    dialog = export_dialog(qtbot, window, out)
    dialog.export_button.click()
    assert dialog.confirm.is_counting()
    dialog.close()
    wait_idle(qtbot)
    qtbot.wait(200)  # a late answer would open its question now
    questions = [w for w in QApplication.topLevelWidgets()
                 if isinstance(w, QMessageBox) and w.objectName() == "render_confirmation" and w.isVisible()]
    assert questions == [] and emu.requests == [] and not out.exists()
