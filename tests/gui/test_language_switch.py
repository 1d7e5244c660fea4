"""Choosing another UI language in Preferences applies at once: the window is rebuilt in that language around
the open project, with nothing lost."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from studio.gui import i18n
from studio.gui.main_window import MainWindow
from tests.gui.conftest import wait_idle


def test_preferences_switch_the_language_at_once(qtbot, window: MainWindow, manuscript: Path,  # type: ignore[no-untyped-def]
                                                 tmp_path: Path) -> None:
    folder = tmp_path / "book.studio"
    window.import_manuscript(manuscript, folder)
    wait_idle(qtbot)
    window.document.rename_chapter(0, "改过的标题")  # an edit not saved yet: it must survive the rebuild
    assert window.menuBar().actions()[0].text() == "&File"
    try:
        dialog = window.show_preferences()
        dialog.language.setCurrentIndex(dialog.language.findData("zh_CN"))
        with qtbot.waitSignal(window.replaced, timeout=10_000) as replaced:
            dialog.accept()
        chinese: MainWindow = replaced.args[0]
        qtbot.addWidget(chinese)
        qtbot.waitUntil(lambda: chinese.document.folder == folder, timeout=20_000)
        wait_idle(qtbot)
        assert not window.isVisible() and chinese.isVisible()
        assert chinese.menuBar().actions()[0].text() == "文件(&F)"
        assert chinese.render_action.text() == "合成全书(&R)"
        assert i18n.current_language() == "zh_CN"
        assert chinese.document.chapters.index(0, 0).data() == "改过的标题"
        # And back: English again, still the same project.
        dialog = chinese.show_preferences()
        dialog.language.setCurrentIndex(dialog.language.findData("en"))
        with qtbot.waitSignal(chinese.replaced, timeout=10_000) as replaced:
            dialog.accept()
        english: MainWindow = replaced.args[0]
        qtbot.addWidget(english)
        qtbot.waitUntil(lambda: english.document.folder == folder, timeout=20_000)
        assert english.menuBar().actions()[0].text() == "&File"
        english.close()
        wait_idle(qtbot)
    finally:
        i18n.install_translators(QApplication.instance(), "en")
