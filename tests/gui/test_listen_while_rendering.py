"""Listen while it renders (issue 16): in the window, chapter 1 is done (and plays from the cache) while the
rest of the book is still rendering, although its units are shorter than the later ones."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from studio.core.book import Book, Chapter, Paragraph, VoiceSettings
from studio.core.project import Project
from studio.gui.main_window import MainWindow
from tests.emulator import VendorEmulator
from tests.gui.conftest import wait_idle

SENTENCE = "天色渐渐暗了下来，他还在园子里找那只会唱歌的虫子。"


def _book() -> Book:
    """Chapter 1: ~3,000 characters in three paragraphs; chapter 2: two longer paragraphs (started first by
    largest-first)."""
    return Book("听", voice=VoiceSettings(engine="aliyun", voice="xiaoyun"), chapters=[
        Chapter("第一章", [Paragraph(f"{n}号。" + SENTENCE * 40) for n in range(3)]),
        Chapter("第二章", [Paragraph(f"{10 + n}号。" + SENTENCE * 60) for n in range(2)]),
    ])


def test_chapter_one_plays_while_the_book_renders(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                  start_emulator: Callable[..., VendorEmulator],
                                                  tmp_path: Path) -> None:
    emu = start_emulator(seed=6, time_scale=1.0)  # a task lasts about a second: one at a time, ~5 s in all
    window.settings.set_concurrency("aliyun", 1)
    folder = tmp_path / "book.studio"
    Project.create(folder, _book()).close()
    window.open_project(folder)
    wait_idle(qtbot)
    window.start_render(confirmed=True)  # the cost question is tested elsewhere
    qtbot.waitUntil(window.render_controller.is_running, timeout=30_000)
    statuses = window.document.chapters.statuses
    qtbot.waitUntil(lambda: statuses()[0] == "done" or not window.render_controller.is_running(), timeout=60_000)
    assert statuses()[0] == "done" and window.render_controller.is_running(), statuses()
    assert statuses()[1] != "done"
    submitted = len(emu.submitted_texts("aliyun"))
    window.chapter_dock.select_row(0)
    with qtbot.waitSignal(window.preview.ready, timeout=30_000) as ready:
        window.preview_chapter()
    assert ready.args[0]  # chapter 1 handed to the player, from the cache
    assert len(emu.submitted_texts("aliyun")) - submitted <= 1  # the render's own next unit, not the preview
    assert all(not t.startswith(("0号", "1号", "2号")) for t in emu.submitted_texts("aliyun")[3:])
    qtbot.waitUntil(lambda: not window.render_controller.is_running(), timeout=60_000)
    wait_idle(qtbot)
