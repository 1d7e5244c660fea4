"""Rendering cloud voices from the window against the vendor emulator: the job monitor shows every unit's vendor
task id; closing the window mid-render and reopening the project resumes the vendor tasks without paying for a
text twice; the M4B exported afterwards has the book's chapters.

The emulator runs in this process (its request log is the proof that nothing was submitted twice); its time
scale makes tasks last seconds, so the window can be closed while tasks are at the vendor.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog

from studio.core.book import Book, Chapter, EmotionSpan, Paragraph, VoiceSettings
from studio.core.project import Project
from studio.gui.job_model import JobTableModel
from studio.gui.main_window import MainWindow
from studio.gui.settings import Settings
from tests.emulator import VendorEmulator
from tests.gui.conftest import wait_idle

TITLES = ["第一章 百草园", "第二章 三味书屋", "第三章 仙台"]
ALIYUN = VoiceSettings(engine="aliyun", voice="zhimi_emo")
BAIDU = VoiceSettings(engine="baidu", voice="5003")


def three_chapter_book(paragraphs: int = 2) -> Book:
    """Alibaba's emotion voice for the book (one paragraph sad), Baidu for the last chapter."""
    chapters = []
    for c, title in enumerate(TITLES):
        texts = [f"{title}的第{p + 1}段。园子里很安静，只有风吹过树叶的声音。" for p in range(paragraphs)]
        chapter = Chapter(title, [Paragraph(t) for t in texts], voice=BAIDU if c == 2 else VoiceSettings())
        chapters.append(chapter)
    first = chapters[0].paragraphs[0]
    first.emotions.append(EmotionSpan(0, first.text.index("。") + 1, "sad", 1.0))
    return Book("朝花夕拾", voice=ALIYUN, chapters=chapters)


@pytest.fixture
def emu(start_emulator: Callable[..., VendorEmulator]) -> VendorEmulator:
    return start_emulator(seed=11, time_scale=0.05)


def open_book(qtbot, window: MainWindow, folder: Path, book: Book | None = None) -> None:  # type: ignore[no-untyped-def]
    if book is not None:
        Project.create(folder, book).close()
    window.open_project(folder)
    wait_idle(qtbot)
    assert window.document.book is not None and window.document.folder == folder


def export_m4b(qtbot, window: MainWindow, out: Path) -> list[str]:  # type: ignore[no-untyped-def]
    from studio.audio import read_chapters

    dialog = window.show_export()
    dialog.output.setText(str(out))
    dialog.open_folder.setChecked(False)
    with qtbot.waitSignal(dialog.exported, timeout=120_000):
        dialog.export_button.click()
    wait_idle(qtbot)
    dialog.close()
    return [mark.title for mark in read_chapters(out)]


def test_render_a_three_chapter_cloud_book_from_the_window(qtbot, window: MainWindow, emu: VendorEmulator,  # type: ignore[no-untyped-def]
                                                          tmp_path: Path) -> None:
    open_book(qtbot, window, tmp_path / "book.studio", three_chapter_book())
    with qtbot.waitSignal(window.render.finished, timeout=120_000) as finished:
        window.render_action.trigger()
    assert finished.args[0] is True, finished.args[1]
    wait_idle(qtbot)
    jobs = window.jobs
    assert jobs.counts() == {"done": 6}
    submissions = {s["task_id"]: s for s in emu.submissions()}
    shown = [jobs.index(r, JobTableModel.TASK).data() for r in range(jobs.rowCount())]
    assert sorted(shown) == sorted(submissions)  # every unit shows the vendor task that made its audio
    engines = [jobs.row(r).engine for r in range(jobs.rowCount())]
    assert Counter(engines) == {"aliyun": 4, "baidu": 2}
    assert Counter(s["vendor"] for s in submissions.values()) == {"aliyun": 4, "baidu": 2}
    assert "<emotion" in next(s["text"] for s in emu.submissions("aliyun") if "第一章 百草园的第1段" in s["text"])
    assert all(window.document.chapters.status(r) == "done" for r in range(3))
    assert export_m4b(qtbot, window, tmp_path / "book.m4b") == TITLES


def close_answering_pause(window: MainWindow) -> None:
    """Close the window during a render as a user does: it asks, and the default answer is "Pause and Quit"."""
    window.close()
    assert window.isVisible(), "closing during a render did not ask first"
    question = window.pause_question
    assert question is not None and question.isVisible()
    question.defaultButton().click()
    assert not window.isVisible()


def live_task_ids(folder: Path) -> dict[str, str]:
    with Project.open(folder) as project:
        return {row["cache_key"]: row["task_id"] for row in project.render_jobs()
                if row["task_id"] and row["state"] in ("submitted", "running", "downloading")}


def test_closing_mid_render_and_reopening_resumes_without_paying_twice(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow, settings: Settings, emu: VendorEmulator, tmp_path: Path) -> None:
    folder = tmp_path / "book.studio"
    open_book(qtbot, window, folder, three_chapter_book(paragraphs=4))
    emu.faults.time_scale = 20.0  # ~4 s per task: the window closes while tasks are at the vendor
    settings.set_concurrency("aliyun", 3)
    settings.set_concurrency("baidu", 3)
    window.render_action.trigger()
    qtbot.waitUntil(lambda: sum(1 for r in window.jobs.rows() if r.task_id) >= 4, timeout=60_000)
    shown = {r.cache_key: r.task_id for r in window.jobs.rows() if r.task_id}
    assert window.jobs.counts().get("done", 0) == 0
    started = time.monotonic()
    close_answering_pause(window)
    closing_s = time.monotonic() - started
    assert not window.render.is_running()
    live = live_task_ids(folder)
    assert live and set(shown.items()) <= set(live.items())  # no task id the monitor showed was lost
    submitted_before = Counter(emu.submitted_texts())
    assert sum(submitted_before.values()) == len(live)

    reopened = MainWindow(settings)
    qtbot.addWidget(reopened)
    reopened.show()
    with qtbot.waitSignal(reopened.projects.resume_available, timeout=60_000):
        reopened.open_project(folder)
    wait_idle(qtbot)
    assert reopened.resume_bar.isVisible()
    jobs = reopened.jobs
    assert jobs.rowCount() == 12  # the job monitor shows the unfinished render at once
    on_open = {r.cache_key: r for r in jobs.rows()}
    for key, task_id in live.items():
        assert on_open[key].task_id == task_id and on_open[key].state in ("submitted", "running", "downloading")
    assert sum(1 for r in on_open.values() if r.state == "queued") == 12 - len(live)

    emu.faults.time_scale = 0.05
    with qtbot.waitSignal(reopened.render.finished, timeout=120_000) as finished:
        reopened.resume_bar.resume_button.click()
    assert finished.args[0] is True, finished.args[1]
    wait_idle(qtbot)
    assert jobs.counts() == {"done": 12}
    texts = Counter(emu.submitted_texts())
    assert len(texts) == 12 and max(texts.values()) == 1, "a text was paid for twice"
    polled = {r.query.get("task_id") for r in emu.requests_for("aliyun", "poll")}
    queried = {t for r in emu.requests_for("baidu", "query") for t in (r.json() or {}).get("task_ids", [])}
    assert set(live.values()) <= polled | queried
    for key, task_id in live.items():  # the resumed units kept their tasks
        assert next(r for r in jobs.rows() if r.cache_key == key).task_id == task_id
    print(f"\nclosing mid-render took {closing_s:.2f} s with {len(live)} tasks at the vendor")
    assert export_m4b(qtbot, reopened, tmp_path / "book.m4b") == TITLES
    reopened.close()
    wait_idle(qtbot)


def test_closing_while_a_vendor_call_hangs_waits_for_its_task_id(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow, settings: Settings, emu: VendorEmulator, tmp_path: Path) -> None:
    """A submission in flight when the window closes may already be paid for: closing waits for its answer
    and commits the task id (longer than BackgroundTask.cancel_all's own wait), so no accepted task is lost."""
    folder = tmp_path / "book.studio"
    open_book(qtbot, window, folder, three_chapter_book(paragraphs=4))
    emu.faults.time_scale = 20.0
    settings.set_concurrency("aliyun", 6)
    window.render_action.trigger()
    qtbot.waitUntil(lambda: sum(1 for r in window.jobs.rows() if r.task_id) >= 2, timeout=60_000)
    emu.faults.slow_seconds = 12.0
    emu.faults.slow_rate = 1.0  # every request from now on answers after 12 s: the next submission hangs
    qtbot.wait(300)
    seen: list[str] = []  # what the user sees while the window waits (a timer still fires meanwhile)
    QTimer.singleShot(2000, lambda: seen.extend(w.labelText() for w in QApplication.topLevelWidgets()
                                                if isinstance(w, QProgressDialog) and w.isVisible()))
    started = time.monotonic()
    close_answering_pause(window)
    closing_s = time.monotonic() - started
    emu.faults.slow_rate = 0.0
    assert not window.render.is_running()
    live = live_task_ids(folder)
    accepted = {s["task_id"] for s in emu.submissions()}
    print(f"\nclosing with a hung submission took {closing_s:.1f} s; {len(accepted)} tasks accepted")
    assert closing_s >= 10.0 and set(live.values()) == accepted
    assert seen and "vendor" in seen[0], "closing waited without telling the user why"
    assert not any(isinstance(w, QProgressDialog) and w.isVisible() for w in QApplication.topLevelWidgets())


def test_retrying_a_failed_unit_renders_just_that_unit(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow, emu: VendorEmulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The vendor refuses one voice (as when it retires a voice): that unit fails with the vendor's code and
    message, the others finish; once the vendor takes the voice again, Retry on the selected row submits that
    one unit once more and it reaches done."""
    import tests.emulator.aliyun as emulated_aliyun

    book = Book("朝花夕拾", voice=ALIYUN, chapters=[
        Chapter(TITLES[0], [Paragraph("园子里很安静。")], voice=VoiceSettings(engine="aliyun", voice="xiaoyun")),
        Chapter(TITLES[1], [Paragraph("先生的家在东边。")]),
        Chapter(TITLES[2], [Paragraph("我到了仙台。")], voice=BAIDU)])
    open_book(qtbot, window, tmp_path / "book.studio", book)
    catalogue = emulated_aliyun.aliyun_voices()
    monkeypatch.setattr(emulated_aliyun, "aliyun_voices",
                        lambda: {name: v for name, v in catalogue.items() if name != "xiaoyun"})
    with qtbot.waitSignal(window.render.finished, timeout=120_000) as finished:
        window.render_action.trigger()
    assert finished.args[0] is False
    wait_idle(qtbot)
    jobs, dock = window.jobs, window.job_dock
    assert jobs.counts() == {"done": 2, "failed": 1}
    failed = next(r for r in range(jobs.rowCount()) if jobs.row(r).state == "failed")
    assert jobs.row(failed).chapter_title == TITLES[0]
    assert jobs.index(failed, JobTableModel.CODE).data() == "41020001"
    assert jobs.index(failed, JobTableModel.MESSAGE).data()
    assert window.document.chapters.status(0) == "failed"
    assert not dock.retry_selected_button.isEnabled()  # nothing selected yet

    monkeypatch.setattr(emulated_aliyun, "aliyun_voices", lambda: catalogue)
    submitted = len(emu.submissions())
    done_rows = {jobs.row(r).cache_key: jobs.row(r).task_id for r in range(jobs.rowCount()) if r != failed}
    dock.table.selectRow(failed)
    assert dock.retry_selected_button.isEnabled() and dock.retry_selected_action.isEnabled()
    with qtbot.waitSignal(window.render.finished, timeout=120_000) as finished:
        dock.retry_selected_button.click()
    assert finished.args[0] is True, finished.args[1]
    wait_idle(qtbot)
    new = emu.submissions()[submitted:]
    assert len(new) == 1 and new[0]["text"].endswith("园子里很安静。")
    assert jobs.rowCount() == 3 and jobs.counts() == {"done": 3}
    assert jobs.row(failed).task_id == new[0]["task_id"] and jobs.row(failed).vendor_code == ""
    assert {jobs.row(r).cache_key: jobs.row(r).task_id for r in range(3) if r != failed} == done_rows
    assert window.document.chapters.status(0) == "done"
