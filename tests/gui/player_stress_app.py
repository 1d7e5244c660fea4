"""Run by tests/gui/test_player_freeze.py in its own process (a freeze there cannot hang the test run).

Plays, seeks, pauses and stops the Player dock over and over while Qt's audio thread logs warnings ("No audio
device detected") through the app's own Qt message handler into a log handler that is slow (a busy disk).
Prints "messages: <UI thread> <other threads>" at the end; a watchdog kills the process with a traceback when
it stops making progress.

argv: WAV_PATH ROUNDS SECONDS [hold-gil]  ("hold-gil": use the binding's calls, as before the fix)
"""

from __future__ import annotations

import faulthandler
import logging
import sys
import threading
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from studio.gui import crash, media_calls
from studio.gui.player import PlayerDock
from studio.gui.preview import PlayItem

wav, rounds, seconds = Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
if "hold-gil" in sys.argv[4:]:
    media_calls.RELEASES_GIL = False
faulthandler.dump_traceback_later(seconds + 20, exit=True)
seen = {"ui": 0, "other": 0}


class SlowHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        seen["ui" if threading.current_thread() is threading.main_thread() else "other"] += 1
        time.sleep(0.002)


logging.getLogger("studio.qt").addHandler(SlowHandler())
logging.getLogger("studio.qt").setLevel(logging.DEBUG)
app = QApplication([sys.argv[0]])
crash.install()
dock = PlayerDock()
item = PlayItem(wav, 3000, "stress")
started = time.monotonic()
for i in range(rounds):
    dock.play_items([item])
    until = time.monotonic() + 0.01
    while time.monotonic() < until:
        app.processEvents()
    dock.seek((i * 137) % 2800)
    if i % 3 == 0:
        dock.toggle()
    dock.stop()
    if time.monotonic() - started > seconds:
        break
dock.shutdown()
print(f"rounds: {i + 1} in {time.monotonic() - started:.1f} s", flush=True)
print(f"messages: {seen['ui']} {seen['other']}", flush=True)
