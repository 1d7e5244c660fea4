"""A test stuck in native code fails with stacks instead of hanging the run (pytest-timeout's thread method).

The sample test deadlocks on a pthread mutex it already holds: a lock wait that signals do not interrupt, like a
Qt or ffmpeg deadlock, where pytest-timeout's default signal method could never fire and CI would wait out its
own limit. Run for real in a pytest subprocess with the repository's configuration and conftest.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

SAMPLE = '''
import ctypes

import pytest


@pytest.mark.timeout(2)
def test_native_deadlock():
    libc = ctypes.CDLL(None, use_errno=True)
    mutex = ctypes.create_string_buffer(64)  # zeroed: PTHREAD_MUTEX_INITIALIZER (a normal mutex) on glibc
    libc.pthread_mutex_lock(mutex)
    libc.pthread_mutex_lock(mutex)  # a normal mutex locked twice by its owner: blocks for ever, signals or not
'''


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pthread mutex semantics of glibc")
def test_a_native_deadlock_fails_with_stacks_within_its_time_limit(tmp_path: Path) -> None:
    sample = tmp_path / "test_deadlock.py"
    sample.write_text(SAMPLE, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:cacheprovider",
                           "-c", str(REPO / "pyproject.toml"), "--rootdir", str(tmp_path), "-q", str(sample)],
                          cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    out = done.stdout + done.stderr
    assert done.returncode != 0, out
    assert "Timeout" in out, out
    assert "test_native_deadlock" in out and "pthread_mutex_lock(mutex)" in out, out  # the stuck stack is shown
