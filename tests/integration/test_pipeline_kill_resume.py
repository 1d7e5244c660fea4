"""Issue 20: a pipelined render killed mid-book resumes without encoding its finished chapters again.

``studio render PROJECT -o book.m4b`` against the vendor emulator (Baidu, one task at a time, tasks of a few
seconds), so chapter 1 is rendered *by this render* and encoded while chapter 2 still renders. The process is
SIGKILLed as soon as chapter 1's encoded chunk is in the project's chapter cache. Running the same command
again must finish the book using that chunk as it is (the file untouched, and no other chunk written in its
place), and must not pay again for the paragraphs the killed render already had.

Only public entry points and what a user can see on disk: the CLI, the output file, the project's cache folder,
the emulator's record of what it was asked.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from studio.audio.probe import read_chapters
from studio.core.project import Project
from studio.render.export_book import ENCODED_DIR
from tests.emulator import VendorEmulator
from tests.unit.render_fakes import make_book

REPO = Path(__file__).resolve().parents[2]
CHAPTERS, PARAGRAPHS = 4, 2


@pytest.fixture
def emu(start_emulator: Callable[..., VendorEmulator]) -> VendorEmulator:
    # a paragraph of ~25 characters takes (0.2 s + 0.5 ms per character) * 10: about 2 s at the "vendor"
    return start_emulator(seed=31, time_scale=10.0, env=False)  # the subprocesses get emu.env() explicitly


def _env(emu: VendorEmulator, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDIO_")}
    env.update(emu.env())
    env.update({"PYTHONPATH": str(REPO), "STUDIO_LOG_DIR": str(tmp_path / "logs"),
                "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    return env


def _chunks(folder: Path) -> dict[str, int]:
    """Encoded chapters in the project's chapter cache: name -> inode. An encode writes a new file and renames
    it over the old one (a new inode); reusing a chunk only touches its time (what a cache trim keeps)."""
    found = (folder / "cache" / ENCODED_DIR).glob("[0-9a-f]*.aac")
    return {p.name: p.stat().st_ino for p in found}


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL and process groups are POSIX")
def test_a_killed_render_resumes_without_encoding_its_finished_chapters_again(emu: VendorEmulator,
                                                                              tmp_path: Path) -> None:
    book = make_book(CHAPTERS, PARAGRAPHS, engine="baidu", voice="5003")
    folder = tmp_path / "book.studio"
    Project.create(folder, book).close()
    out = tmp_path / "book.m4b"
    command = [sys.executable, "-m", "studio", "render", str(folder), "-o", str(out)]
    proc = subprocess.Popen([*command, "--concurrency", "baidu=1"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=_env(emu, tmp_path), cwd=tmp_path, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while not _chunks(folder) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.stderr is not None
    stderr = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    encoded = _chunks(folder)
    assert encoded, f"no chapter was encoded before the render ended or timed out: {stderr[-2000:]}"
    assert not out.exists(), "the render finished before it could be killed: make the vendor slower"
    paid = len(emu.submitted_texts("baidu"))
    assert paid < CHAPTERS * PARAGRAPHS  # killed mid-book: later chapters were not even submitted yet

    done = subprocess.run([*command, "--json"], capture_output=True, text=True, env=_env(emu, tmp_path),
                          cwd=tmp_path, timeout=600)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["chapters"] == CHAPTERS and summary["units_cached"] >= PARAGRAPHS
    assert [m.title for m in read_chapters(out)] == [c.title for c in book.chapters]
    after = _chunks(folder)
    # the chapters encoded before the kill were used as they were: not written again...
    assert {name: after.get(name) for name in encoded} == encoded
    # ...and not bypassed either: one chunk per chapter in all, so the export joined those very files
    assert len(after) == CHAPTERS, sorted(after)
    # every paragraph paid for once (a kill between the vendor's answer and its commit may cost one more)
    texts = Counter(emu.submitted_texts("baidu"))
    assert len(texts) == CHAPTERS * PARAGRAPHS and sum(texts.values()) <= CHAPTERS * PARAGRAPHS + 1
