"""mypy over studio/ with the project's configuration ([tool.mypy] in pyproject.toml): a type error fails CI.

Why a test and not only a CI step: the README's one test command then checks types too, and a signature that
drifts between layers (the typed seams the GUI and the CLI both drive) fails where the change is made. mypy runs
once per session in its own process, with its cache in the repository's .mypy_cache (a few seconds when warm).

Strict in core/engines/render/audio, checked in gui (see the config). ``test_every_module_type_checks`` is
expected to fail until the last errors in the packages being reworked in parallel (engines, render, audio and
the CLI modules) are fixed; everything else must be clean now.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ERROR = re.compile(r"^(?P<path>studio/[^:]+\.py):(?P<line>\d+): error: (?P<message>.*)$")
#: Being reworked on other branches; their remaining errors are listed by the xfail test below.
IN_REWORK = re.compile(r"^studio/(engines|render|audio)/|^studio/cli(_\w+)?\.py$|^studio/cli/")


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


def test_core_gui_and_the_self_test_type_check(mypy_errors: list[tuple[str, str]]) -> None:
    ours = [line for path, line in mypy_errors if not IN_REWORK.match(path)]
    assert not ours, f"{len(ours)} type error(s):\n" + "\n".join(ours)


@pytest.mark.xfail(strict=False, reason="type errors left in studio/engines, studio/render, studio/audio and the "
                                        "CLI modules (reworked on other branches; the lead finishes after merging)")
def test_every_module_type_checks(mypy_errors: list[tuple[str, str]]) -> None:
    assert not mypy_errors, f"{len(mypy_errors)} type error(s):\n" + "\n".join(line for _path, line in mypy_errors)


def test_the_error_pattern_reads_mypy_output() -> None:
    line = "studio/gui/main_window.py:112: error: Cannot assign to a method  [method-assign]"
    match = ERROR.match(line)
    assert match and match["path"] == "studio/gui/main_window.py" and match["line"] == "112"
    assert IN_REWORK.match("studio/render/lanes.py") and IN_REWORK.match("studio/cli_export.py")
    assert not IN_REWORK.match("studio/core/project.py") and not IN_REWORK.match("studio/gui/editor.py")
