"""Regenerate docs/screenshots/ from the real window, offscreen, with the bundled sample book.

Run: QT_QPA_PLATFORM=offscreen python scripts/screenshots.py   (needs a CJK font, e.g. Debian fonts-noto-cjk)
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from studio.gui.main_window import MainWindow
    from studio.paths import sample_book

    app = QApplication.instance() or QApplication(sys.argv)
    out = REPO / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    window = MainWindow()
    window.resize(1200, 760)
    window.show()
    with tempfile.TemporaryDirectory() as tmp:
        window.import_manuscript(sample_book(), Path(tmp) / "sample.studio")
        loop = QEventLoop()
        assert window._task is not None
        window._task.finished.connect(loop.quit)
        QTimer.singleShot(30_000, loop.quit)
        loop.exec()
        window.tree.setCurrentIndex(window.chapters.index(1, 0))
        app.processEvents()
        window.grab().save(str(out / "main-window-sample.png"))
    print(f"wrote {out / 'main-window-sample.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
