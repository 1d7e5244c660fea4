"""Screenshots of the main window at the screen sizes and scalings authors use, in English and Chinese.

Run: python scripts/layout_screenshots.py   (offscreen; needs a CJK font, e.g. Debian fonts-noto-cjk)

Each shot runs in its own process, because Qt's scale factor (``QT_SCALE_FACTOR``) is read once at start-up.
Writes docs/screenshots/window-<W>x<H>[-<scale>]-<language>.png, where W x H is the screen in device pixels;
window-1366x768-zh_CN.png is the README's first picture. Settings and the project live in a temporary folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "screenshots"
# (screen width, height in device pixels, scale factor)
SHOTS = [(1024, 700, 1.0), (1366, 768, 1.0), (1920, 1080, 1.0), (1920, 1080, 1.5), (1920, 1080, 2.0)]


def shoot(width: int, height: int, scale: float, language: str, out: Path) -> None:
    """In this process (started by ``main``): open the sample book and grab the window."""
    sys.path.insert(0, str(REPO))
    from PySide6.QtCore import QTranslator
    from PySide6.QtWidgets import QApplication

    from studio.gui import i18n
    from studio.gui.main_window import MainWindow
    from studio.gui.settings import Settings
    from studio.gui.workers import BackgroundTask
    from studio.paths import sample_book

    app = QApplication([sys.argv[0]])
    if language != "en":
        translator = QTranslator(app)
        translator.load(f"studio_{language}", i18n.i18n_dir())
        app.installTranslator(translator)
        i18n.set_current_language(language)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(Path(tmp) / "settings.ini")
        settings.autosave_seconds = 0
        settings.cache_dir = Path(tmp) / "cache"
        settings.review_structure_on_import = False  # the shot is of the window, not of the review dialog
        window = MainWindow(settings)
        window.resize(round(width / scale), round(height / scale))
        window.show()
        folder = Path(tmp) / "朝花夕拾（选）.studio"
        window.import_manuscript(sample_book(), folder)
        deadline = time.monotonic() + 120
        while BackgroundTask.active() and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)
        window.chapter_dock.select_row(1)
        window.show_status(window.tr("Opened {path}").format(path=folder.name))
        for _ in range(10):
            app.processEvents()
        window.grab().save(str(out))
        window.close()


def main() -> int:
    if len(sys.argv) == 6 and sys.argv[1] == "--shot":
        shoot(int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5].split(":")[0],
              Path(sys.argv[5].split(":", 1)[1]))
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    for width, height, scale in SHOTS:
        for language in ("en", "zh_CN"):
            suffix = "" if scale == 1.0 else f"-{round(scale * 100)}"
            out = OUT / f"window-{width}x{height}{suffix}-{language}.png"
            env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": f"{scale:g}",
                   "QT_LOGGING_RULES": "qt.multimedia.*=false;qt.qpa.*=false"}
            subprocess.run([sys.executable, __file__, "--shot", str(width), str(height), str(scale),
                            f"{language}:{out}"], env=env, check=True)
            print(f"wrote {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
