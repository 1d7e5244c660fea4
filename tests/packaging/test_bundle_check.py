"""build.py's leak check on small fake bundles: it must fail on files from $HOME or tests/, and only then.

The real bundle is checked in test_bundle.py (slow); here each rule is shown to fire, and the lookalikes it
must tolerate (a bare "/root" string in a library, a compiler path that merely contains "/root/", the build
interpreter's own compiled-in prefix) are shown not to.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import ModuleType

import pytest


@pytest.fixture()
def fake(tmp_path: Path) -> dict[str, Path]:
    home = tmp_path / "home" / "alice"
    repo = home / "src" / "studio"
    bundle = tmp_path / "dist" / "AudiobookStudio"
    for folder in (home, repo / "tests", repo / "studio", bundle / "_internal" / "resources"):
        folder.mkdir(parents=True, exist_ok=True)
    (bundle / "_internal" / "resources" / "catalogue.json").write_text('{"voices": []}', encoding="utf-8")
    # Lookalikes that are not paths under $HOME: a bare home string, and a path that only contains its name.
    (bundle / "_internal" / "libfoo.so").write_bytes(
        b"\x7fELF\x00" + str(home).encode() + b"\x00/opt/rh/gcc-toolset-14" + str(home).encode() + b"/usr/lib\x00")
    return {"home": home, "repo": repo, "bundle": bundle}


def _scan(build_module: ModuleType, fake: dict[str, Path], manifest: Path | None = None):
    return build_module.scan_bundle(fake["bundle"], executables=[], manifest=manifest, home=fake["home"],
                                    repo=fake["repo"])


def test_a_clean_bundle_passes(build_module: ModuleType, fake: dict[str, Path]) -> None:
    report = _scan(build_module, fake)
    assert report.ok, report.errors
    assert report.files_scanned == 2


def test_a_file_naming_a_path_under_home_fails(build_module: ModuleType, fake: dict[str, Path]) -> None:
    leak = fake["home"] / ".config" / "notes.txt"
    (fake["bundle"] / "_internal" / "settings.ini").write_bytes(b"path=" + str(leak).encode() + b"\n")
    report = _scan(build_module, fake)
    assert not report.ok
    assert report.errors == [f"_internal/settings.ini names a path of the build machine: {leak}"]


def test_bundled_tests_fail_by_name_and_by_content(build_module: ModuleType, fake: dict[str, Path]) -> None:
    (fake["bundle"] / "_internal" / "tests").mkdir()
    (fake["bundle"] / "_internal" / "tests" / "conftest.py").write_text("# test helper\n", encoding="utf-8")
    fixture = fake["repo"] / "tests" / "data" / "book.txt"
    (fake["bundle"] / "_internal" / "resources" / "index.txt").write_text(f"see {fixture}\n", encoding="utf-8")
    report = _scan(build_module, fake)
    assert "_internal/tests/conftest.py: tests must not be bundled" in report.errors
    assert f"_internal/resources/index.txt names the tests: {fixture}" in report.errors


def test_sources_from_tests_or_home_fail_but_the_app_and_its_python_do_not(
        build_module: ModuleType, fake: dict[str, Path], tmp_path: Path) -> None:
    entries = [
        {"dest": "studio/cli.pyc", "source": str(fake["repo"] / "studio" / "cli.py"), "kind": "PYMODULE"},
        {"dest": "resources/book.md", "source": str(fake["repo"] / "tests" / "data" / "book.md"), "kind": "DATA"},
        {"dest": "mylib.so", "source": str(fake["home"] / ".local" / "lib" / "mylib.so"), "kind": "BINARY"},
        {"dest": "json/__init__.pyc", "source": str(Path(sys.base_prefix) / "lib" / "json.py"), "kind": "PYMODULE"},
    ]
    manifest = tmp_path / "bundle-sources.json"
    manifest.write_text(json.dumps(entries), encoding="utf-8")
    report = _scan(build_module, fake, manifest)
    assert report.errors == [
        f"resources/book.md comes from the tests: {fake['repo'] / 'tests' / 'data' / 'book.md'}",
        f"mylib.so comes from the home directory: {fake['home'] / '.local' / 'lib' / 'mylib.so'}",
    ]


def test_a_missing_manifest_is_an_error_not_a_pass(build_module: ModuleType, fake: dict[str, Path],
                                                   tmp_path: Path) -> None:
    report = _scan(build_module, fake, tmp_path / "nowhere.json")
    assert not report.ok
    assert "no sources manifest" in report.errors[0]


def test_the_build_interpreters_own_prefix_is_a_warning(build_module: ModuleType, fake: dict[str, Path],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A pyenv Python under $HOME compiles its prefix into libpython: unavoidable there, so only a warning."""
    prefix = fake["home"] / ".pyenv" / "versions" / "3.11.7"
    monkeypatch.setattr(build_module, "interpreter_roots", lambda: [prefix])
    (fake["bundle"] / "_internal" / "libpython.so").write_bytes(b"\x00" + str(prefix / "lib").encode() + b"\x00")
    report = _scan(build_module, fake)
    assert report.ok, report.errors
    assert len(report.warnings) == 1
    assert "name the build interpreter's folder" in report.warnings[0]
    # Anything else under $HOME next to it is still an error.
    (fake["bundle"] / "_internal" / "other.so").write_bytes(b"\x00" + str(fake["home"] / ".pyenv" / "x").encode())
    assert not _scan(build_module, fake).ok


def test_bundle_size_reports_total_and_biggest_parts(build_module: ModuleType, fake: dict[str, Path]) -> None:
    (fake["bundle"] / "_internal" / "big.bin").write_bytes(bytes(10_000))
    size = build_module.bundle_size(fake["bundle"])
    assert size["files"] == 3
    assert size["bytes"] == sum(p.stat().st_size for p in fake["bundle"].rglob("*") if p.is_file())
    assert size["biggest"][0] == {"part": "big.bin", "bytes": 10_000}
