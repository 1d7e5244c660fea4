"""Run by tests/gui/test_quit.py in a fresh process: the real ``studio PATH`` entry point, a cloud render, then
Ctrl+Q answered "Pause and Quit" as a user would. The process's exit code is the test's verdict on aborts
("QThread: Destroyed while thread ... is still running" kills the process with SIGABRT).

argv: PROJECT_FOLDER MIN_TASKS
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from studio.gui import app as gui_app
from studio.gui.main_window import MainWindow

folder, min_tasks = Path(sys.argv[1]), int(sys.argv[2])
qapp = QApplication([sys.argv[0]])
step = {"name": "open"}


def window() -> MainWindow | None:
    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)), None)


def tick() -> None:
    win = window()
    if win is None:
        return
    if step["name"] == "open" and win.document.book is not None and not win.projects.is_busy():
        step["name"] = "render"
        win.render_action.trigger()
    elif step["name"] == "render" and sum(1 for r in win.jobs.rows() if r.task_id) >= min_tasks:
        step["name"] = "quit"
        print("quitting with", sum(1 for r in win.jobs.rows() if r.task_id), "task ids shown", flush=True)
        win.quit_action.trigger()
    elif step["name"] == "quit":
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
        if boxes:
            step["name"] = "answered"
            print("asked:", boxes[0].text().replace("\n", " "), flush=True)
            boxes[0].defaultButton().click()


timer = QTimer()
timer.timeout.connect(tick)
timer.start(50)
sys.exit(gui_app.main([str(folder)]))
