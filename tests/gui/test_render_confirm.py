"""Render Book with a cloud voice: the window shows what it would send and, above the threshold the author set,
asks first; nothing reaches the vendor before the answer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from studio.gui.main_window import MainWindow
from studio.gui.settings import Settings
from tests.emulator import Faults, VendorEmulator
from tests.gui.conftest import wait_idle
from tests.gui.test_cloud_render import open_book, three_chapter_book


@pytest.fixture
def emu(monkeypatch: pytest.MonkeyPatch) -> Iterator[VendorEmulator]:
    with VendorEmulator(seed=13, faults=Faults(time_scale=0.05)) as emulator:
        for key, value in emulator.env().items():
            monkeypatch.setenv(key, value)
        yield emulator


def test_render_book_over_the_threshold_asks_and_cancel_sends_nothing(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow, settings: Settings, emu: VendorEmulator, tmp_path: Path) -> None:
    open_book(qtbot, window, tmp_path / "book.studio", three_chapter_book())
    settings.confirm_above_chars = 50  # the book has a few hundred characters
    settings.set_price_per_10k("aliyun", 3.0)
    window.render_action.trigger()
    qtbot.waitUntil(lambda: window.render_question is not None and window.render_question.isVisible(),
                    timeout=30_000)
    question = window.render_question
    details = question.informativeText()
    assert "Alibaba" in details and "Baidu" in details and "characters in" in details
    assert "about 0.0" in details  # the Alibaba part has a price
    assert "cost unknown" in details  # Baidu has none: unknown, not free
    assert question.defaultButton().text() == "Cancel"
    question.defaultButton().click()
    wait_idle(qtbot)
    assert not window.render.is_running() and emu.submitted_texts() == []
    assert "Nothing was sent" in window.status_label.text()

    window.render_action.trigger()
    qtbot.waitUntil(lambda: window.render_question is not question, timeout=30_000)  # the old box is deleted
    assert window.render_question.isVisible()
    render_button = next(b for b in window.render_question.buttons() if b.text() == "Render")
    with qtbot.waitSignal(window.render.finished, timeout=120_000) as finished:
        render_button.click()
    assert finished.args[0] is True, finished.args[1]
    assert len(emu.submitted_texts()) == 6


def test_a_render_under_the_threshold_starts_at_once_and_says_what_it_sends(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow, emu: VendorEmulator, tmp_path: Path) -> None:
    open_book(qtbot, window, tmp_path / "book.studio", three_chapter_book())
    with qtbot.waitSignal(window.render.started, timeout=30_000):
        window.render_action.trigger()
    assert window.render_question is None
    assert window.render.is_running() and "characters in 4 tasks" in window.status_label.text()
    with qtbot.waitSignal(window.render.finished, timeout=120_000):
        pass
    wait_idle(qtbot)
