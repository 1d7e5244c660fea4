"""Regenerate docs/screenshots/ from the real window, offscreen, with the bundled sample book.

Run: QT_QPA_PLATFORM=offscreen python scripts/screenshots.py   (needs a CJK font, e.g. Debian fonts-noto-cjk)

Writes: main-window-sample.png, voice-picker-happy-24k.png, emotion-menu.png, job-monitor-mid-render.png,
job-monitor-after-resume.png, export-dialog.png, main-window-zh_CN.png. Settings and the project live in a
temporary folder; the status bar names only the project's folder, never that temporary path. Stops with a
message (exit status 2) if no font can show Chinese: the screenshots would be full of empty boxes.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.*=false;qt.qpa.*=false")
OUT = REPO / "docs" / "screenshots"
SIZE = (1400, 860)
PROJECT_NAME = "朝花夕拾（选）.studio"


def cjk_fonts() -> list[str]:
    """Installed font families that can show Simplified Chinese (needs a QGuiApplication)."""
    from PySide6.QtGui import QFontDatabase

    return QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)


def show_opened(window, folder: Path) -> None:  # type: ignore[no-untyped-def]
    """Replace "Opened /tmp/tmpXXXX/…" in the status bar by the project folder's name, as a user would see it."""
    window.show_status(window.tr("Opened {path}").format(path=folder.name))


def wait_until(app, predicate: Callable[[], bool], timeout: float = 120.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("timed out waiting for the window")
        app.processEvents()
        time.sleep(0.01)


def idle(app) -> None:  # type: ignore[no-untyped-def]
    from studio.gui.workers import BackgroundTask

    wait_until(app, lambda: not BackgroundTask.active())
    for _ in range(5):
        app.processEvents()


def save(widget, name: str) -> None:  # type: ignore[no-untyped-def]
    path = OUT / name
    widget.grab().save(str(path))
    print(f"wrote {path.relative_to(REPO)}")


def open_window(app, settings, folder: Path):  # type: ignore[no-untyped-def]
    from studio.gui.main_window import MainWindow

    window = MainWindow(settings)
    window.resize(*SIZE)
    window.show()
    window.open_project(folder)
    idle(app)
    show_opened(window, folder)
    window.chapter_dock.select_row(1)
    window.chapter_dock.tree.resizeColumnToContents(0)
    app.processEvents()
    return window


def main() -> int:
    from PySide6.QtCore import QTranslator
    from PySide6.QtGui import QPainter
    from PySide6.QtWidgets import QApplication

    from studio.core.book import VoiceSettings
    from studio.core.book_edit import VoiceTarget
    from studio.gui import i18n
    from studio.gui.settings import Settings
    from studio.paths import sample_book

    app = QApplication.instance() or QApplication(sys.argv)
    if not cjk_fonts():
        print("screenshots.py: no installed font can show Chinese, so the screenshots would show empty boxes.\n"
              "Install a CJK font first (Debian/Ubuntu: apt install fonts-noto-cjk; Fedora: "
              "google-noto-sans-cjk-fonts), then run this again.", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(Path(tmp) / "settings.ini")
        settings.autosave_seconds = 0
        settings.cache_dir = Path(tmp) / "cache"
        settings.review_structure_on_import = False  # the shots are of the window, not of the review dialog
        settings.set_concurrency("local", 1)
        settings.set_price_per_10k("aliyun", 3.0)
        folder = Path(tmp) / PROJECT_NAME

        from studio.gui.main_window import MainWindow

        window = MainWindow(settings)
        window.resize(*SIZE)
        window.show()
        window.import_manuscript(sample_book(), folder)
        idle(app)
        window.chapter_dock.select_row(1)
        app.processEvents()

        # -- the job monitor mid-render (offline voice, one worker so it is visibly in progress) --
        window.start_render()
        wait_until(app, lambda: window.jobs.counts().get("done", 0) >= 12)
        for _ in range(20):
            app.processEvents()
            time.sleep(0.01)
        save(window, "job-monitor-mid-render.png")
        window.render_controller.cancel()
        idle(app)

        # -- reopening the project with that unfinished render: the resume bar and every unit's stored state --
        reopened = open_window(app, settings, folder)
        reopened.job_dock.show()
        reopened.job_dock.raise_()
        reopened.job_dock.table.scrollTo(reopened.jobs.index(10, 0))
        app.processEvents()
        save(reopened, "job-monitor-after-resume.png")
        reopened.close()
        idle(app)

        window.render_current_chapter()  # chapter 2 complete: a "done" row in the tree
        idle(app)
        window.statuses.refresh_now()
        idle(app)

        # -- emotions: a multi-emotion voice for chapter 2, a few marked spans --
        doc = window.document
        doc.assign_voice([VoiceTarget(1)], VoiceSettings(engine="aliyun", voice="zhifeng_emo"))
        chapter = doc.book.chapters[1]
        marks = [(2, "“哥儿，你牢牢记住！”", "surprise", 1.2),
                 (3, "“恭喜恭喜！大家恭喜！真聪明！恭喜恭喜！”", "happy", 1.5),
                 (4, "老掉了", "sad", 0.8)]
        for number, needle, category, intensity in marks:
            text = chapter.paragraphs[number].text
            start = text.find(needle)
            if start >= 0:
                doc.insert_emotion(1, number, start, start + len(needle), category, intensity)
        window.editor.select_range(3, 0, 0)
        window.editor.centerCursor()
        window.voice_dock.set_filters(emotion="happy", sample_rate=24000)
        window.voice_dock.select_voice("aliyun", "zhifeng_emo")
        window.statuses.refresh_now()
        idle(app)
        show_opened(window, folder)
        save(window, "main-window-sample.png")

        # -- the voice picker, filtered: emotion "happy", 24 kHz --
        dock = window.voice_dock
        dock.setFloating(True)
        dock.resize(1100, 420)
        dock.show()
        dock.table.resizeColumnToContents(4)  # the emotions, in full
        app.processEvents()
        save(dock, "voice-picker-happy-24k.png")
        dock.setFloating(False)
        app.processEvents()

        # -- the emotion menu open on a selection --
        paragraph = chapter.paragraphs[5].text
        needle = paragraph.find("“那里的话？！”")
        start = max(0, needle)
        window.editor.select_range(5, start, start + 7)
        window.editor.centerCursor()
        app.processEvents()
        window.editor_panel.show_emotion_menu()
        menu = window.editor_panel.emotion_menu
        wait_until(app, menu.isVisible, 5)
        app.processEvents()
        shot = window.grab()
        painter = QPainter(shot)
        painter.drawPixmap(window.mapFromGlobal(menu.pos()), menu.grab())
        painter.end()
        shot.save(str(OUT / "emotion-menu.png"))
        print("wrote docs/screenshots/emotion-menu.png")
        menu.close()

        # -- the export dialog --
        dialog = window.show_export()
        app.processEvents()  # the dialog is usable at once (the exporter loads on export)
        dialog.output.setText("~/Audiobooks/朝花夕拾（选）.m4b")
        dialog.subtitles.setCurrentIndex(dialog.subtitles.findData("srt"))
        dialog.adjustSize()
        app.processEvents()
        save(dialog, "export-dialog.png")
        dialog.close()
        window.save()
        idle(app)
        window.close()
        idle(app)

        # -- the Chinese UI --
        translator = QTranslator()
        translator.load("studio_zh_CN", i18n.i18n_dir())
        app.installTranslator(translator)
        i18n.set_current_language("zh_CN")
        chinese = open_window(app, settings, folder)
        chinese.editor.select_range(3, 0, 0)
        chinese.editor.centerCursor()
        chinese.voice_dock.set_filters(emotion=True)
        show_opened(chinese, folder)
        app.processEvents()
        save(chinese, "main-window-zh_CN.png")
        chinese.close()
        idle(app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
