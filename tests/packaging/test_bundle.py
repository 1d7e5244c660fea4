"""The frozen app end to end: `python packaging/build.py` builds it, and its self-test passes in a clean
environment (no venv, no Python on PATH, an empty HOME), as on a user's machine without Python.

Slow (a PyInstaller build, ~30 s here, a few minutes on a cold CI machine), so it is built once per module.
PyInstaller comes with the test extra (`pip install -e '.[test]'`); without it these tests fail, loudly.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

from studio.selftest import CHECK_NAMES

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not sys.platform.startswith("linux"),
                                                   reason="the bundle smoke test of CI runs on Linux; "
                                                          "Windows and macOS bundles are tested by release.yml")]

REPO = Path(__file__).resolve().parents[2]
#: A cold build on a 2-core CI machine takes a few minutes; much more means something is wrong.
BUILD_BUDGET_S = 900


@dataclass(frozen=True)
class Built:
    dist: Path
    report: dict
    build_seconds: float
    output: str

    @property
    def bundle(self) -> Path:
        return Path(self.report["bundle"])

    @property
    def cli(self) -> Path:
        return self.bundle / "studio"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    assert importlib.util.find_spec("PyInstaller") is not None, (
        "PyInstaller is not installed: it is part of the test extra (pip install -e '.[test]')")
    root = tmp_path_factory.mktemp("bundle")
    dist, work, report_path = root / "dist", root / "work", root / "report.json"
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(REPO / "packaging" / "build.py"), "--dist", str(dist), "--work", str(work),
         "--report", str(report_path)],
        cwd=REPO, capture_output=True, text=True, timeout=BUILD_BUDGET_S * 2, check=False)
    elapsed = time.monotonic() - started
    output = done.stdout + done.stderr
    assert report_path.is_file(), f"build.py wrote no report (exit {done.returncode}):\n{output[-6000:]}"
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert done.returncode == 0, f"build.py failed (exit {done.returncode}):\n{output[-6000:]}"
    yield Built(dist, report, elapsed, output)
    shutil.rmtree(root, ignore_errors=True)  # ~450 MB


def _clean_env_run(built: Built, tmp_path: Path, *args: str,
                   extra: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    """Run the bundle's CLI exactly as acceptance says: env -i with PATH, HOME and QT_QPA_PLATFORM only."""
    home = tmp_path / "home"
    home.mkdir()
    cmd = ["env", "-i", "PATH=/usr/bin:/bin", f"HOME={home}", "QT_QPA_PLATFORM=offscreen", *extra,
           str(built.cli), *args]
    return subprocess.run(cmd, cwd=home, capture_output=True, text=True, timeout=600, check=False)


def _check_lines(stdout: str) -> dict[str, str]:
    lines = {}
    for line in stdout.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in ("OK", "FAIL") and parts[1] in CHECK_NAMES:
            lines[parts[1]] = line
    return lines


def test_the_build_is_timed_and_its_size_reported(built: Built, capsys: pytest.CaptureFixture[str]) -> None:
    size = built.report["size"]
    with capsys.disabled():
        print(f"\n[bundle] built in {built.build_seconds:.0f} s (PyInstaller {built.report['build_seconds']:.0f} s); "
              f"{size['bytes'] / 1e6:.0f} MB in {size['files']} files")
    assert built.build_seconds < BUILD_BUDGET_S
    assert "bundle size:" in built.output and "MB in" in built.output
    assert 100e6 < size["bytes"] < 1_000e6, size
    parts = {part["part"] for part in size["biggest"]}
    assert "imageio_ffmpeg/binaries" in parts and "PySide6/Qt" in parts
    for exe in built.report["executables"]:
        assert Path(exe).is_file() and os.access(exe, os.X_OK), exe


def test_nothing_in_the_bundle_comes_from_home_or_the_tests(built: Built, build_module: ModuleType) -> None:
    scan = built.report["scan"]
    assert scan["ok"] and scan["errors"] == [], scan["errors"]
    assert scan["files_scanned"] > 300 and scan["archive_entries_scanned"] > 500
    # The same check again, independently of build.py's own run.
    again = build_module.scan_bundle(built.bundle, executables=[Path(e) for e in built.report["executables"]],
                                     manifest=built.dist.parent / "work" / "studio" / "bundle-sources.json",
                                     home=build_module._home())
    assert again.errors == []
    files = {p.relative_to(built.bundle).as_posix() for p in built.bundle.rglob("*")}
    assert not any(name.startswith(("_internal/tests", "_internal/keyrings", "_internal/pytest")) for name in files)
    assert not any("libqgtk3" in name for name in files), "the GTK theme plugin must be left out"
    assert "_internal/resources/voices/catalogue.json" in files
    assert "_internal/resources/i18n/studio_zh_CN.qm" in files
    assert any(name.startswith("_internal/espeakng_loader/espeak-ng-data/cmn_dict") for name in files)
    assert any(name.startswith("_internal/PySide6/Qt/plugins/multimedia/") for name in files)


def test_self_test_passes_in_a_clean_environment(built: Built, tmp_path: Path) -> None:
    done = _clean_env_run(built, tmp_path, "--self-test")
    lines = _check_lines(done.stdout)
    assert done.returncode == 0, done.stdout + done.stderr[-4000:]
    assert "self-test (frozen bundle, linux)" in done.stdout
    assert list(lines) == list(CHECK_NAMES), done.stdout
    assert all(line.startswith("OK ") for line in lines.values()), done.stdout
    assert "self-test passed: 10 checks" in done.stdout


def test_self_test_in_the_bundle_fails_clearly_without_ffmpeg(built: Built, tmp_path: Path) -> None:
    done = _clean_env_run(built, tmp_path, "--self-test", "--only", "ffmpeg,catalogue",
                          extra=("STUDIO_FFMPEG=/nonexistent/ffmpeg",))
    lines = _check_lines(done.stdout)
    assert done.returncode == 1, done.stdout + done.stderr[-4000:]
    assert lines["ffmpeg"].startswith("FAIL ffmpeg"), done.stdout
    assert "/nonexistent/ffmpeg" in lines["ffmpeg"]
    assert lines["catalogue"].startswith("OK "), done.stdout


def test_the_bundle_renders_a_manuscript_from_the_cli(built: Built, tmp_path: Path) -> None:
    """The user-facing command, not just the self-test: worker processes spawn from the frozen executable."""
    book = tmp_path / "book.txt"
    book.write_text("第一章 开始\n\n你好，世界。这是一本测试书。\n\n第二章 结束\n\n再见。\n", encoding="utf-8")
    out = tmp_path / "book.m4b"
    done = _clean_env_run(built, tmp_path, "render", str(book), "-o", str(out), "--workers", "2")
    assert done.returncode == 0, done.stdout + done.stderr[-4000:]
    assert "2 chapters" in done.stdout
    assert out.stat().st_size > 10_000
