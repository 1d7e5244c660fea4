"""The Export dialog never imports the exporter on the UI thread (150 ms of frozen window on a quiet machine,
far more on a busy one): the dialog is usable at once, and the exporter is imported on the export's worker
thread, where the options the dialog built become ``ExportOptions``.

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
        if name in ("studio.audio.export", "studio.render.export_book"):
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
state["options_enabled_at_once"] = dialog.paragraph_gap.isEnabled() and dialog.title_edit.isEnabled()
state["imported_by_dialog"] = bool(imported_on)
dialog.output.setText(str(tmp / "out.m4b"))
dialog.open_folder.setChecked(False)
dialog.paragraph_gap.setValue(250)
dialog.export_button.click()
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
    # a background task (chapter statuses, takes) may import the audio package before the dialog opens: fine,
    # as long as no import of the exporter ever happens on the UI thread
    assert state["options_enabled_at_once"]
    assert state["exported"] and (tmp_path / "out.m4b").is_file()
    assert state["imported_on_main_thread"] and not any(state["imported_on_main_thread"])  # only on a worker
