"""The conftest's log check: a ``studio.*`` WARNING/ERROR that a test did not declare fails that test.

Run for real: a small test file in a pytest subprocess with the repository's conftest loaded as a plugin, so
what is checked is the outcome a developer sees (which test errors, and the record named in the message).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SAMPLE = '''
import logging
import threading

import pytest

log = logging.getLogger("studio.render")


def test_unexpected_warning():
    log.warning("giving up on unit %d", 7)


def test_unexpected_error_from_a_worker_thread():
    worker = threading.Thread(target=lambda: logging.getLogger("studio.gui.workers").error("task crashed"))
    worker.start()
    worker.join()


@pytest.mark.expect_log(r"^giving up on unit \\d+$", logger="studio.render")
def test_declared_warning():
    log.warning("giving up on unit %d", 7)


@pytest.mark.expect_log(r"giving up", logger="studio.render")
def test_declared_warning_does_not_cover_another():
    log.warning("giving up on unit %d", 7)
    logging.getLogger("studio.audio").warning("ffmpeg was slow")


def test_caplog_reads_its_records(caplog):
    log.warning("giving up on unit %d", 7)
    assert caplog.records[-1].getMessage() == "giving up on unit 7"


def test_info_and_other_loggers_are_not_ours():
    log.info("fine")
    logging.getLogger("urllib3").warning("someone else's")
'''


def test_undeclared_studio_warnings_fail_the_test_that_logged_them(tmp_path: Path) -> None:
    sample = tmp_path / "test_sample.py"
    sample.write_text(SAMPLE, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:cacheprovider",
                           "-c", str(REPO / "pyproject.toml"), "--rootdir", str(tmp_path), "-rA", "-q", str(sample)],
                          cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    out = done.stdout + done.stderr
    outcomes: dict[str, set[str]] = {}
    for line in done.stdout.splitlines():
        if line.startswith(("PASSED ", "FAILED ", "ERROR ")) and "::" in line:
            outcomes.setdefault(line.split()[1].split("::")[-1], set()).add(line.split()[0])
    assert done.returncode == 1, out
    assert outcomes["test_unexpected_warning"] == {"FAILED"}, out
    assert outcomes["test_unexpected_error_from_a_worker_thread"] == {"FAILED"}, out
    assert outcomes["test_declared_warning_does_not_cover_another"] == {"FAILED"}, out
    assert "WARNING studio.render: giving up on unit 7" in out
    assert "ERROR studio.gui.workers: task crashed" in out
    assert "WARNING studio.audio: ffmpeg was slow" in out
    assert "@pytest.mark.expect_log" in out  # the message says how to declare an expected record
    for name in ("test_declared_warning", "test_caplog_reads_its_records", "test_info_and_other_loggers_are_not_ours"):
        assert outcomes[name] == {"PASSED"}, out
