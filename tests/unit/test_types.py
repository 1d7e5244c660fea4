"""mypy over studio/ with the project's configuration ([tool.mypy] in pyproject.toml): a type error fails CI.

Why a test and not only a CI step: the README's one test command then checks types too, and a signature that
drifts between layers (the typed seams the GUI and the CLI both drive) fails where the change is made. mypy runs
once per session in its own process, with its cache in the repository's .mypy_cache (a few seconds when warm).

Strict in core/engines/render/audio, checked in gui (see the config). Every module must be clean: there is no
exclusion list any more (the export files once excluded while the pipeline branch rewrote them are typed now).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ERROR = re.compile(r"^(?P<path>studio/[^:]+\.py):(?P<line>\d+): error: (?P<message>.*)$")


@pytest.fixture(scope="module")
def mypy_errors() -> list[tuple[str, str]]:
    """mypy's errors as (path, ``path:line: error: message``); fails if mypy itself could not run."""
    done = subprocess.run([sys.executable, "-m", "mypy", "--no-color-output", "--no-error-summary"], cwd=REPO,
                          capture_output=True, text=True, timeout=600, check=False)
    lines = done.stdout.splitlines()
    errors = [(match["path"], line) for line in lines if (match := ERROR.match(line))]
    if done.returncode not in (0, 1) or (done.returncode == 1 and not errors):
        pytest.fail(f"mypy did not run (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    return errors


def test_every_module_type_checks(mypy_errors: list[tuple[str, str]]) -> None:
    ours = [line for _path, line in mypy_errors]
    assert not ours, f"{len(ours)} type error(s):\n" + "\n".join(ours)


def test_the_error_pattern_reads_mypy_output() -> None:
    line = "studio/gui/main_window.py:112: error: Cannot assign to a method  [method-assign]"
    match = ERROR.match(line)
    assert match and match["path"] == "studio/gui/main_window.py" and match["line"] == "112"
    line = "studio/audio/encode.py:45: error: Incompatible return value type  [return-value]"
    assert (match := ERROR.match(line)) and match["path"] == "studio/audio/encode.py"
