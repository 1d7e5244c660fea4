"""The first Export dialog of a session does not import the exporter on the UI thread (~150 ms frozen window):
it loads it on a worker with the options disabled meanwhile, and an Export pressed while it loads still runs.

Runs in a fresh interpreter: in the test process another test has usually imported the exporter already.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = r'''
import json, sys, threading, time
from pathlib import Path

imported_on = []

class Watch:
    def find_spec(self, name, path=None, target=None):
        if name == "studio.render.audiobook":
            imported_on.append(threading.current_thread() is threading.main_thread())
        return None

sys.meta_path.insert(0, Watch())

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from studio.core.book import Book, Chapter, Paragraph
from studio.core.project import Project
from studio.gui.main_window import MainWindow
from studio.gui.settings import Settings
from studio.gui.workers import BackgroundTask

def wait_for(condition, timeout_s=60.0):
    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:
        QTest.qWait(20)
    return condition()

tmp = Path(sys.argv[1])
app = QApplication([])
settings = Settings(tmp / "settings.ini")
settings.autosave_seconds = 0
settings.cache_dir = tmp / "cache"
window = MainWindow(settings)
window.show()
Project.create(tmp / "book.studio", Book("园", chapters=[Chapter("第一章", [Paragraph("园子里很安静。")])])).close()
window.open_project(tmp / "book.studio")
wait_for(lambda: not BackgroundTask.active())
state = {"imported_before_dialog": bool(imported_on)}
dialog = window.show_export()
state["ready_at_once"] = dialog.is_ready()
state["options_enabled_while_loading"] = dialog.paragraph_gap.isEnabled() or dialog.title_edit.isEnabled()
state["status_while_loading"] = dialog.status.text()
dialog.output.setText(str(tmp / "out.m4b"))
dialog.open_folder.setChecked(False)
dialog.export_button.click()  # pressed before the exporter is loaded
state["became_ready"] = wait_for(dialog.is_ready, 20)
state["options_enabled_after"] = dialog.paragraph_gap.isEnabled() and dialog.title_edit.isEnabled()
state["exported"] = wait_for(lambda: dialog.result is not None and not dialog.is_running(), 120)
state["imported_on_main_thread"] = imported_on
window.close()
wait_for(lambda: not BackgroundTask.active())
print("STATE " + json.dumps(state, ensure_ascii=False))
'''


def test_first_export_dialog_loads_the_exporter_off_the_ui_thread(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], cwd=root, env=env, capture_output=True,
                          text=True, timeout=180)
    lines = [line for line in done.stdout.splitlines() if line.startswith("STATE ")]
    assert done.returncode == 0 and lines, done.stderr[-3000:]
    state = json.loads(lines[-1][len("STATE "):])
    assert state["imported_before_dialog"] is False
    assert state["ready_at_once"] is False and state["options_enabled_while_loading"] is False
    assert state["status_while_loading"] == "Loading the exporter…"
    assert state["became_ready"] and state["options_enabled_after"]
    assert state["exported"] and (tmp_path / "out.m4b").is_file()  # the early Export press was not lost
    assert state["imported_on_main_thread"] == [False]
