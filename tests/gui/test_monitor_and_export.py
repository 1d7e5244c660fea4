"""The job monitor's pause button and progress summary during a cloud render (against the vendor emulator), and
the Export dialog's options beyond a plain M4B: MP3 with subtitles, cover, tags, parts, and opening the folder.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from studio.core.book import Book, Chapter, Paragraph, VoiceSettings
from studio.core.project import Project
from studio.gui.main_window import MainWindow
from studio.gui.settings import Settings
from tests.emulator import Faults, VendorEmulator
from tests.gui.conftest import wait_idle

ALIYUN = VoiceSettings(engine="aliyun", voice="zhimi_emo")


@pytest.fixture
def emu(monkeypatch: pytest.MonkeyPatch) -> Iterator[VendorEmulator]:
    with VendorEmulator(seed=5, faults=Faults(time_scale=5)) as emulator:  # ~1 s per task
        for key, value in emulator.env().items():
            monkeypatch.setenv(key, value)
        yield emulator


def cloud_book(chapters: int = 2, paragraphs: int = 4) -> Book:
    return Book("朝花夕拾", voice=ALIYUN, chapters=[
        Chapter(f"第{c + 1}章", [Paragraph(f"第{c + 1}章的第{p + 1}段。园子里很安静，只有风吹过树叶的声音。")
                                for p in range(paragraphs)]) for c in range(chapters)])


def test_pause_stops_new_submissions_and_resume_finishes_the_render(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow, settings: Settings, emu: VendorEmulator, tmp_path: Path) -> None:
    folder = tmp_path / "book.studio"
    Project.create(folder, cloud_book()).close()
    window.open_project(folder)
    wait_idle(qtbot)
    settings.set_concurrency("aliyun", 2)
    settings.set_price_per_10k("aliyun", 3.0)
    dock = window.job_dock
    window.render_action.trigger()
    qtbot.waitUntil(lambda: dock.pause_button.isEnabled() and len(emu.submissions()) >= 2, timeout=30_000)

    # mid-render, with a price set: the summary shows the remaining time and the estimated cost
    qtbot.waitUntil(lambda: "ETA" in dock.summary.text() and "est. cost" in dock.summary.text(), timeout=30_000)
    summary = dock.summary.text()
    assert re.search(r"ETA \d+:\d\d", summary), summary
    cost = float(re.search(r"est\. cost (\d+\.\d\d)", summary).group(1))  # type: ignore[union-attr]
    assert 0 < cost < 1, summary  # ~230 characters at 3.0 per 10,000

    dock.pause_button.click()
    assert dock.pause_button.isChecked() and dock.pause_button.text() == "Resume"
    assert "paused" in dock.summary.text()
    qtbot.wait(300)  # a submission already on the wire when the button was pressed may still land
    before = len(emu.submissions())
    assert before < 8
    qtbot.wait(1200)  # longer than a task lasts: unpaused, finished tasks would make room for new ones
    assert len(emu.submissions()) == before, "a unit was submitted while paused"
    assert "paused" in dock.summary.text()
    assert window.jobs.counts().get("queued", 0) > 0

    started = time.monotonic()
    with qtbot.waitSignal(window.render_controller.finished, timeout=120_000) as finished:
        dock.pause_button.click()
        assert dock.pause_button.text() == "Pause" and not dock.pause_button.isChecked()
    assert finished.args[0] is True, finished.args[1]
    wait_idle(qtbot)
    assert window.jobs.counts() == {"done": 8}
    assert len(emu.submissions()) == 8 and time.monotonic() - started > 0.5
    assert "paused" not in dock.summary.text() and not dock.pause_button.isEnabled()


def long_manuscript(tmp_path: Path) -> Path:
    """Three chapters of about 25 s each with the offline voice: two fit in a one-minute part, three don't."""
    sentence = "我家的后面有一个很大的园，相传叫作百草园。"
    lines = []
    for c, title in enumerate(("第一章 百草园", "第二章 三味书屋", "第三章 仙台")):
        lines.extend([title, sentence * 4 + f"这是第{c + 1}章。\n"])
    path = tmp_path / "long.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_export_mp3_with_subtitles_cover_tags_and_parts(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow, tmp_path: Path) -> None:
    import mutagen
    from mutagen.id3 import ID3

    from studio.audio import read_chapters
    from studio.audio.probe import read_tags

    window.import_manuscript(long_manuscript(tmp_path), tmp_path / "long.studio")
    wait_idle(qtbot)
    cover = tmp_path / "cover.png"
    image = QImage(64, 64, QImage.Format.Format_RGB32)
    image.fill(QColor("darkred"))
    assert image.save(str(cover))

    dialog = window.show_export()
    out = tmp_path / "out" / "朝花夕拾.mp3"
    dialog.output.setText(str(out.with_suffix(".m4b")))
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("mp3"))
    assert dialog.output.text() == str(out)  # choosing MP3 changed the file name's extension
    dialog.subtitles.setCurrentIndex(dialog.subtitles.findData("srt"))
    dialog.cover.setText(str(cover))
    dialog.title_edit.setText("朝花夕拾")
    dialog.author_edit.setText("鲁迅")
    dialog.parts.setValue(1)  # parts of at most one minute
    dialog.open_folder.setChecked(True)
    with qtbot.waitSignal(dialog.folder_opened, timeout=180_000) as opened:
        dialog.export_button.click()
    wait_idle(qtbot)
    assert "Wrote" in dialog.status.text(), dialog.status.text()
    assert Path(opened.args[0]) == out.parent  # the folder shown is the one holding the export

    parts = sorted(out.parent.glob("*.mp3"))
    assert [p.name for p in parts] == ["朝花夕拾 - Part 01.mp3", "朝花夕拾 - Part 02.mp3"]
    titles = []
    for n, part in enumerate(parts, 1):
        assert 15 < mutagen.File(part).info.length <= 60, part
        titles.append([mark.title for mark in read_chapters(part)])
        tags = read_tags(part)
        assert tags["title"] == f"朝花夕拾 ({n}/2)" and tags["artist"] == "鲁迅", tags
        pictures = ID3(part).getall("APIC")
        assert pictures and pictures[0].mime == "image/png" and pictures[0].data == cover.read_bytes()
        srt = part.with_suffix(".srt")
        assert srt.is_file(), sorted(out.parent.iterdir())
        cues = [block for block in srt.read_text(encoding="utf-8").strip().split("\n\n") if block]
        assert len(cues) >= 4 and cues[0].startswith("1\n00:00:00,000 --> 00:00:0"), cues[:1]
        assert cues[0].endswith("\n我家的后面有一个很大的园，相传叫作百草园。"), cues[:1]
    assert titles == [["第一章 百草园", "第二章 三味书屋"], ["第三章 仙台"]]
    dialog.close()


def test_an_emotion_chosen_in_the_menu_reaches_the_vendor_as_ssml(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow, emu: VendorEmulator, tmp_path: Path) -> None:
    """Select text, open Insert Emotion, click "happy": the paragraph's request carries exactly that span, at the
    menu's starting intensity (1.0, even after an earlier span used another)."""
    from PySide6.QtCore import Qt

    from studio.core.book import EmotionSpan

    emu.faults.time_scale = 0.05
    folder = tmp_path / "book.studio"
    Project.create(folder, Book("朝花夕拾", voice=ALIYUN, chapters=[
        Chapter("第一章", [Paragraph("园子里很安静。"), Paragraph("那是我的先生的家。")])])).close()
    window.open_project(folder)
    wait_idle(qtbot)
    window.chapter_dock.select_row(0)
    panel, menu = window.editor_panel, window.editor_panel.emotion_menu
    menu.intensity.setValue(1.6)  # left over from an earlier span
    window.editor.select_range(1, 2, 6)  # "我的先生"
    panel.insert_emotion_action.trigger()
    assert menu.isVisible() and menu.intensity.value() == 1.0
    action = menu.category_action("happy")
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())
    assert not menu.isVisible()
    assert window.document.book.chapters[0].paragraphs[1].emotions == [EmotionSpan(2, 6, "happy", 1.0)]

    with qtbot.waitSignal(window.render_controller.finished, timeout=60_000) as finished:
        window.render_action.trigger()
    assert finished.args[0] is True, finished.args[1]
    wait_idle(qtbot)
    texts = sorted(emu.submitted_texts("aliyun"))
    assert texts == ['<speak>那是<emotion category="happy" intensity="1.0">我的先生</emotion>的家。</speak>',
                     "园子里很安静。"]
