"""Issue 13 "Trust" in the window: File ▸ Snapshots… restores a book a re-import replaced (undoably), the book
voice stored by `studio render --voice` is what the chapters show, an English manuscript gets an English voice,
and a save never swaps the book under another process's render."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from studio.core.project import Project
from studio.gui.chapter_model import STATUS_DONE, STATUS_UNKNOWN, ChapterTreeModel
from studio.gui.main_window import MainWindow
from tests.gui.conftest import BOOK, wait_idle


def test_snapshots_dialog_restores_the_book_a_reimport_replaced(qtbot, book_window: MainWindow,  # type: ignore[no-untyped-def]
                                                                manuscript: Path, tmp_path: Path) -> None:
    from studio.core.reimport import sync_manuscript
    from studio.core.snapshots import list_snapshots

    window = book_window
    folder = tmp_path / "book.studio"
    assert window.document.rename_chapter(0, "百草园（作者改名）")
    window.save()
    wait_idle(qtbot)
    manuscript.write_text("第一章 新的开头\n全新的一段。\n", encoding="utf-8")
    outcome = sync_manuscript(manuscript, folder, reimport=True)  # what `studio import --reimport` does
    outcome.project.close()
    window.open_project(folder)
    wait_idle(qtbot)
    assert window.document.chapters.rowCount() == 1
    assert window.snapshots_action.isEnabled()

    dialog = window.show_snapshots()
    qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 1, timeout=10_000)
    assert "re-importing book.txt" in dialog.tree.topLevelItem(0).text(1)
    assert dialog.tree.topLevelItem(0).text(2) == "2" and dialog.restore_button.isEnabled()
    dialog.restore_button.click()
    wait_idle(qtbot)
    chapters = window.document.chapters
    assert chapters.rowCount() == 2 and chapters.index(0, 0).data() == "百草园（作者改名）"
    assert "Restored snapshot" in window.status_label.text()
    with Project.open(folder) as project:  # the re-imported book was snapshotted before the restore
        snaps = list_snapshots(project)
    assert [s.chapters for s in snaps] == [2, 1] and snaps[1].reason.startswith("before restoring")


def test_the_window_shows_the_book_voice_stored_by_the_command_line(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                                    manuscript: Path, tmp_path: Path) -> None:
    from tests.integration.test_cli import studio

    done = studio("render", manuscript, "-o", tmp_path / "book.m4b", "--voice", "local-cmn-f")
    assert done.returncode == 0, done.stderr
    window.open_project(tmp_path / "book.studio")
    wait_idle(qtbot)
    chapters = window.document.chapters
    tip = chapters.index(0, ChapterTreeModel.VOICE).data(Qt.ItemDataRole.ToolTipRole)
    female = window.document.voice_label(window.document.effective_voice(0))
    assert window.document.effective_voice(0).voice == "local-cmn-f"
    assert female in tip and "book" in tip.lower()
    # The render's audio is the book's audio: nothing is stale in the window.
    qtbot.waitUntil(lambda: STATUS_UNKNOWN not in chapters.statuses(), timeout=20_000)
    assert chapters.statuses() == [STATUS_DONE, STATUS_DONE]


def test_an_english_manuscript_gets_an_english_voice_in_the_window(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                                   tmp_path: Path) -> None:
    book = tmp_path / "english.txt"
    book.write_text("Chapter 1\nIt was a bright cold day in April.\n\nChapter 2\nThe clocks struck thirteen.\n",
                    encoding="utf-8")
    window.import_manuscript(book, tmp_path / "english.studio")
    wait_idle(qtbot)
    assert window.document.effective_voice(0, 0).voice == "local-en-us"


@pytest.mark.expect_log(r"^project task failed: .*another Audiobook Studio process is rendering this project",
                        logger="studio.gui")
def test_a_save_is_refused_while_another_process_renders_the_project(qtbot, book_window: MainWindow,  # type: ignore[no-untyped-def]
                                                                     tmp_path: Path) -> None:
    folder = tmp_path / "book.studio"
    script = ("import sys; from pathlib import Path; from studio.render.render_lock import RenderLock\n"
              f"with RenderLock(Path({str(folder)!r})):\n    print('locked', flush=True); sys.stdin.read()")
    holder = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2])
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        window = book_window
        assert window.document.rename_chapter(0, "不该写进去的名字")
        window.save()
        wait_idle(qtbot)
        assert "another Audiobook Studio process" in window.last_message.text()
        window.last_message.close()
    finally:
        holder.communicate(timeout=30)  # closes its stdin: it releases the lock and exits
    with Project.open(folder) as project:
        assert project.load_book().chapters[0].title == BOOK.splitlines()[0]
    assert window.document.is_dirty()  # the edit is still in the window, to be saved later


def test_opening_a_changed_manuscript_keeps_its_project_and_says_so(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                                    manuscript: Path, tmp_path: Path,
                                                                    monkeypatch) -> None:
    from studio.gui import project_controller

    monkeypatch.setattr(project_controller, "default_project_dir", lambda m: tmp_path / "projects" / m.stem)
    window.open_path(manuscript)
    wait_idle(qtbot)
    window.document.rename_chapter(0, "kept")
    window.save()
    wait_idle(qtbot)
    manuscript.write_text("第一章 全新\n另一段文字。\n", encoding="utf-8")
    window.open_path(manuscript)
    wait_idle(qtbot)
    assert window.document.chapters.index(0, 0).data() == "kept"
    assert "changed since it was imported" in window.status_label.text()
    assert "nothing was replaced" in window.status_label.text()
