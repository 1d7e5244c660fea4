"""Issue 20, nothing twice: the window's Export of an unchanged book whose file is up to date says so and
leaves the file alone (the same ``export_project`` as ``studio export``; the dialog must not claim "Wrote")."""

from __future__ import annotations

from pathlib import Path

from studio.gui.main_window import MainWindow
from tests.gui.conftest import wait_idle


def test_exporting_again_says_up_to_date_and_writes_nothing(qtbot, book_window: MainWindow,  # type: ignore[no-untyped-def]
                                                             tmp_path: Path) -> None:
    dialog = book_window.show_export()
    out = tmp_path / "book.m4b"
    dialog.output.setText(str(out))
    with qtbot.waitSignal(dialog.exported, timeout=180_000) as first:
        dialog.export_button.click()
    wait_idle(qtbot)
    assert out.is_file() and first.args[0].up_to_date is False
    assert dialog.status.text().startswith("Wrote "), dialog.status.text()
    written = out.stat().st_mtime_ns

    with qtbot.waitSignal(dialog.exported, timeout=60_000) as again:
        dialog.export_button.click()
    wait_idle(qtbot)
    assert again.args[0].up_to_date is True and again.args[0].units_rendered == 0
    text = dialog.status.text()
    assert f"{out} is up to date" in text and "Wrote" not in text, text
    assert out.stat().st_mtime_ns == written  # not rewritten
    dialog.close()
