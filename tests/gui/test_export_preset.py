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
    assert dialog.acx_extras.isVisibleTo(dialog) and dialog.acx_extras.credits.isChecked()
    assert dialog.choice().credits and dialog.choice().retail_sample
    out = tmp_path / "acx"
    dialog.output.setText(str(out))
    dialog.open_folder.setChecked(False)
    assert not dialog.compliance.isVisible()
    with qtbot.waitSignal(dialog.exported, timeout=180_000):
        dialog.export_button.click()
    wait_idle(qtbot)
    files = sorted(out.glob("*.mp3"))
    # the credits (rendered in the book's voice) are the first and last files; the sample sits beside them
    assert [f.name for f in files] == ["01 - Opening credits.mp3", "02 - 第一章 园.mp3", "03 - 第二章 树.mp3",
                                       "04 - Closing credits.mp3", "Retail sample.mp3"], files
    text = dialog.compliance.text()
    assert dialog.compliance.isVisible() and text.startswith("compliance (acx)"), text
    assert "room tone at the head 0.5-1 s" in text and "MP3, 192 kbps CBR" in text
    assert "PASS   book: opening and closing credits" in text, text
    # a two-sentence book cannot fill a one-minute sample: the report says so rather than passing it
    assert "FAIL   Retail sample.mp3: retail sample of 1-5 min" in text, text
    dialog.preset_box.setCurrentIndex(dialog.preset_box.findData("apple"))
    assert not dialog.acx_extras.isVisibleTo(dialog) and not dialog.choice().credits
    dialog.close()


def test_choosing_a_preset_shows_its_own_loudness_and_a_folder_for_chapter_files(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow, tmp_path: Path) -> None:
    from studio.audio.loudness import ACX_TARGET, DEFAULT_TARGET
    from studio.gui import export_dialog

    assert (ACX_TARGET.integrated_lufs, DEFAULT_TARGET.integrated_lufs) == (
        export_dialog.ACX_LUFS, export_dialog.DEFAULT_LUFS)
    manuscript = tmp_path / "book.txt"
    manuscript.write_text("第一章 园\n园子里很安静。\n", encoding="utf-8")
    window.import_manuscript(manuscript, tmp_path / "book.studio")
    wait_idle(qtbot)
    dialog = window.show_export()
    dialog.output.setText(str(tmp_path / "园.m4b"))
    dialog.loudness.setValue(-16.0)
    dialog.preset_box.setCurrentIndex(dialog.preset_box.findData("acx"))
    # ACX writes one file per chapter into a folder: not a folder called "园.m4b"
    assert Path(dialog.output.text()) == tmp_path / "园"
    assert dialog.acx.isChecked() and dialog.loudness.value() == -20.0 and not dialog.loudness.isEnabled()
    dialog.preset_box.setCurrentIndex(dialog.preset_box.findData("apple"))
    assert Path(dialog.output.text()) == tmp_path / "园.m4b"
    assert not dialog.acx.isChecked() and dialog.loudness.value() == -18.0
    assert dialog.choice().loudness_lufs == -18.0 and not dialog.choice().acx
    dialog.close()
