"""No stale dock tab bar is painted over the window: Qt left the "Voices | Takes" bar of an earlier tabify
visible on top of the job drawer's buttons once the Cast dock joined the group (seen in a fresh interpreter
that sizes the window before showing it, as the app does; hence the subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = r'''
import json, sys, tempfile
from pathlib import Path
from PySide6.QtWidgets import QApplication, QTabBar
app = QApplication([])
from studio.gui.settings import Settings
from studio.gui.main_window import MainWindow
folder = Path(sys.argv[1])
settings = Settings(folder / "settings.ini")
settings.autosave_seconds = 0
settings.cache_dir = folder / "cache"
window = MainWindow(settings)
window.resize(1366, 768)
window.show()

def bars():
    for _ in range(10):
        app.processEvents()
    return [["", [b.tabText(i) for i in range(b.count())], list(b.geometry().getRect())]
            for b in window.findChildren(QTabBar) if b.parent() is window and b.isVisible()
            and window.rect().intersects(b.geometry())]

shown = bars()
window.reset_layout()
after_reset = bars()
drawer = list(window.job_dock.geometry().getRect())
jobs = window.job_dock.windowTitle()
print("STATE " + json.dumps({"shown": shown, "reset": after_reset, "drawer": drawer, "jobs": jobs}))
window.close()
'''


def _overlaps(a: list[int], b: list[int]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def test_only_live_dock_tab_bars_are_visible(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], cwd=root, capture_output=True, text=True,
                          env=dict(os.environ, QT_QPA_PLATFORM="offscreen"), timeout=120)
    lines = [line for line in done.stdout.splitlines() if line.startswith("STATE ")]
    assert done.returncode == 0 and lines, done.stderr[-3000:]
    state = json.loads(lines[-1][len("STATE "):])
    for moment in ("shown", "reset"):
        tab_sets = [frozenset(tabs) for _tr, tabs, _rect in state[moment]]
        stale = [sorted(t) for t in tab_sets if any(t < other for other in tab_sets)]
        assert not stale, f"{moment}: stale tab bars still painted: {stale}"
        over = [tabs for _tr, tabs, rect in state[moment]
                if _overlaps(rect, state["drawer"]) and state["jobs"] not in tabs]
        assert not over, f"{moment}: tab bars painted over the job drawer: {over}"
