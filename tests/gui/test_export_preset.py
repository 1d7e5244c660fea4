"""The Export dialog's retail presets: choosing ACX fixes the format, and after the export the dialog shows
the compliance report measured on the written files (offline voice, real ffmpeg, Qt offscreen)."""

from __future__ import annotations

from pathlib import Path

from studio.gui.main_window import MainWindow
from tests.gui.conftest import wait_idle


def test_acx_preset_in_the_dialog_writes_chapter_mp3s_and_shows_the_report(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow, tmp_path: Path) -> None:
    manuscript = tmp_path / "book.txt"
    manuscript.write_text("第一章 园\n园子里很安静。\n第二章 树\n树叶在风里响。\n", encoding="utf-8")
    window.import_manuscript(manuscript, tmp_path / "book.studio")
    wait_idle(qtbot)
    dialog = window.show_export()
    dialog.preset_box.setCurrentIndex(dialog.preset_box.findData("acx"))
    assert dialog.format_box.currentData() == "chapters" and not dialog.format_box.isEnabled()
    out = tmp_path / "acx"
    dialog.output.setText(str(out))
    dialog.open_folder.setChecked(False)
    assert not dialog.compliance.isVisible()
    with qtbot.waitSignal(dialog.exported, timeout=180_000):
        dialog.export_button.click()
    wait_idle(qtbot)
    files = sorted(out.glob("*.mp3"))
    assert len(files) == 2, sorted(out.iterdir())
    text = dialog.compliance.text()
    assert dialog.compliance.isVisible() and text.startswith("compliance (acx)"), text
    assert "room tone at the head 0.5-1 s" in text and "MP3, 192 kbps CBR" in text
    dialog.close()
