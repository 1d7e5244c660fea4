"""Previewing a paragraph with the offline engine: the player gets the file, its duration, and the sentence
being spoken is highlighted in the editor as the position moves."""

from __future__ import annotations

import pytest

from studio.audio.wavinfo import read_audio_info
from studio.gui.main_window import MainWindow
from studio.gui.player import MULTIMEDIA
from studio.gui.preview import sentence_ranges
from tests.gui.conftest import wait_idle

SENTENCES = "第一章 园子\n我家的后面有一个很大的园。相传叫作百草园。现在是早已卖掉了！\n\n第二章 书屋\n出门向东。\n"


def test_sentence_ranges_follow_the_text() -> None:
    text = "我家的后面有一个很大的园。相传叫作百草园。"
    stamps = {"sentences": [{"text": "我家的后面有一个很大的园。", "begin_ms": 0, "end_ms": 900},
                            {"text": "相传叫作百草园。", "begin_ms": 900, "end_ms": 1500}]}
    ranges = sentence_ranges(text, stamps)
    assert [(r.start, r.end) for r in ranges] == [(0, 13), (13, 21)]
    assert sentence_ranges(text, None) == ()
    odd = sentence_ranges("甲乙丙丁", {"sentences": [{"text": "X", "begin_ms": 0, "end_ms": 5}]})
    assert [(r.start, r.end) for r in odd] == [(0, 1)]


@pytest.mark.skipif(not MULTIMEDIA, reason="QtMultimedia (PySide6-Addons) is not installed")
def test_preview_paragraph_plays_and_highlights(qtbot, window: MainWindow, tmp_path) -> None:  # type: ignore[no-untyped-def]
    manuscript = tmp_path / "s.txt"
    manuscript.write_text(SENTENCES, encoding="utf-8")
    window.import_manuscript(manuscript, tmp_path / "s.studio")
    wait_idle(qtbot)
    editor = window.editor
    paragraph = window.document.book.chapters[0].paragraphs[0]
    with qtbot.waitSignal(window.player.duration_known, timeout=60_000) as duration:
        window.preview_paragraph(0, 0)
    item = window.player.current_item()
    assert item is not None and item.chapter is window.document.book.chapters[0] and item.paragraph == 0
    assert item.audio_path.is_file()
    assert item.audio_path.suffix == ".flac"  # the player reads the cache's FLAC itself (decision 0015)
    wav_ms = read_audio_info(item.audio_path).duration_ms
    assert abs(duration.args[0] - wav_ms) < 50
    assert abs(item.duration_ms - wav_ms) < 50
    assert len(item.sentences) == 3
    # drive the position: the highlight follows the sentence being spoken
    highlighted = []
    for sentence in item.sentences:
        window.player.seek(sentence.begin_ms + 10)
        spoken = editor.spoken()
        assert spoken == (0, sentence.start, sentence.end)
        highlighted.append(paragraph.text[spoken[1]:spoken[2]])
        selection = editor.extraSelections()[0]
        assert selection.cursor.selectedText() == highlighted[-1]
    assert highlighted == ["我家的后面有一个很大的园。", "相传叫作百草园。", "现在是早已卖掉了！"]
    assert window.player.slider.value() == item.sentences[-1].begin_ms + 10
    # real playback moves it too (no audio device needed), and Space toggles
    window.player.seek(0)
    if not window.player.is_playing():
        window.player.play_action.trigger()
    qtbot.waitUntil(lambda: window.player.is_playing(), timeout=5_000)
    window.player.play_action.trigger()
    assert not window.player.is_playing()
    window.player.stop()
    assert editor.spoken() is None
    # previewing again is a cache hit: same file
    with qtbot.waitSignal(window.preview.ready, timeout=60_000) as again:
        window.preview_paragraph(0, 0)
    assert again.args[0][0].audio_path == item.audio_path
    window.player.stop()


@pytest.mark.skipif(not MULTIMEDIA, reason="QtMultimedia (PySide6-Addons) is not installed")
def test_preview_chapter_plays_its_paragraphs_in_order(qtbot, window: MainWindow, tmp_path) -> None:  # type: ignore[no-untyped-def]
    manuscript = tmp_path / "s.txt"
    manuscript.write_text("第一章 园\n甲。\n\n乙。\n\n丙。\n", encoding="utf-8")
    window.import_manuscript(manuscript, tmp_path / "s.studio")
    wait_idle(qtbot)
    with qtbot.waitSignal(window.preview.ready, timeout=60_000) as ready:
        window.preview_chapter_action.trigger()
    items = ready.args[0]
    assert [i.paragraph for i in items] == [0, 1, 2]
    total = sum(i.duration_ms for i in items)
    assert window.player.slider.maximum() == total
    window.player.seek(items[0].duration_ms + 5)  # into the second paragraph
    assert window.player.current_item() == items[1]
    assert window.editor.spoken()[0] == 1
    window.player.stop()


@pytest.mark.skipif(not MULTIMEDIA, reason="QtMultimedia (PySide6-Addons) is not installed")
def test_preview_book_plays_every_chapter_in_order(qtbot, book_window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """Preview Book plays the rendered audio of the whole book, chapter after chapter, and nothing else: a
    chapter not rendered yet is skipped (the status bar says so)."""
    from studio.core.project import Project
    from studio.render.plan import plan_book

    window = book_window
    book = window.document.book
    with qtbot.waitSignal(window.render_controller.finished, timeout=60_000):
        window.start_render([1])
    wait_idle(qtbot)
    with qtbot.waitSignal(window.preview.ready, timeout=60_000) as ready:
        window.preview_book_action.trigger()
    assert [(i.chapter, i.paragraph) for i in ready.args[0]] == [(book.chapters[1], 0), (book.chapters[1], 1)]
    assert "Skipped 1 paragraph(s)" in window.status_label.text()
    window.player.stop()
    wait_idle(qtbot)

    with qtbot.waitSignal(window.render_controller.finished, timeout=60_000):
        window.start_render()
    wait_idle(qtbot)
    with qtbot.waitSignal(window.preview.ready, timeout=60_000) as ready:
        window.preview_book_action.trigger()
    items = ready.args[0]
    assert [(i.chapter, i.paragraph) for i in items] == [(book.chapters[0], 0), (book.chapters[1], 0),
                                                         (book.chapters[1], 1)]
    with Project.open(window.document.folder) as project:
        stored = [project.rendered_unit(u.cache_key) for u in plan_book(book).units]
    assert [i.audio_path for i in items] == [s["audio_path"] for s in stored]
    total = sum(s["duration_ms"] for s in stored)
    assert sum(i.duration_ms for i in items) == total and window.player.slider.maximum() == total
    assert window.player.items() == items
    window.player.seek(items[0].duration_ms + 5)  # into the second chapter
    assert window.player.current_item() == items[1]
    assert window.player.chapter_of_current() is book.chapters[1]
    window.player.stop()
    wait_idle(qtbot)
