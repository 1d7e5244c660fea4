"""Issue 16: Export suggests the project's folder, and "Open the folder when done" says when it cannot."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.gui.export_dialog import show_in_file_manager
from studio.gui.main_window import MainWindow
from tests.gui.conftest import wait_idle


def test_export_suggests_a_file_beside_the_project(book_window: MainWindow, tmp_path: Path) -> None:
    book_window.settings.last_directory = str(tmp_path / "elsewhere")  # a folder used for something else
    dialog = book_window.show_export()
    suggested = Path(dialog.output.text())
    assert suggested.parent == tmp_path.resolve()  # the project is tmp_path/book.studio
    assert suggested.suffix == ".m4b"
    dialog.close()


@pytest.mark.qt_log_ignore(r"This plugin does not support QPlatformServices::openDocument")  # the point
@pytest.mark.expect_log(r"^the desktop did not open ", logger="studio.gui")
def test_open_the_folder_when_done_reports_when_it_cannot(qtbot, book_window: MainWindow,  # type: ignore[no-untyped-def]
                                                           tmp_path: Path) -> None:
    dialog = book_window.show_export()
    out = tmp_path / "out" / "book.m4b"
    out.parent.mkdir()
    dialog.output.setText(str(out))
    dialog.open_folder.setChecked(True)
    # the real desktop call: the offscreen platform has no file manager, as a machine without one
    dialog.folder_opener = show_in_file_manager
    with qtbot.waitSignal(dialog.folder_not_opened, timeout=120_000) as refused:
        dialog.export_button.click()
    wait_idle(qtbot)
    assert Path(refused.args[0]) == out.parent and out.is_file()  # the export itself is kept
    text = dialog.status.text()
    assert "Wrote" in text and f"Could not open the folder {out.parent}" in text, text
    dialog.close()


def test_a_missing_folder_is_named_as_missing(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert show_in_file_manager(tmp_path / "gone") == "the folder does not exist"
