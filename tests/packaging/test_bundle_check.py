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


# -- third-party files: their own build folders are warnings, real paths of this machine are errors ---------------

MACHO = b"\xcf\xfa\xed\xfe\x0c\x00\x00\x01"  # a 64-bit Mach-O header start (espeakng-loader's macOS dylib)


def _manifest(tmp_path: Path, entries: list[dict[str, str]]) -> Path:
    """A sources manifest in a work folder of its own, like the one studio.spec writes."""
    manifest = tmp_path / "work" / "studio" / "bundle-sources.json"
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps(entries), encoding="utf-8")
    return manifest


def test_a_wheels_own_ci_build_path_in_a_third_party_binary_is_a_warning(
        build_module: ModuleType, fake: dict[str, Path]) -> None:
    """espeakng-loader 0.2.4's macOS dylib names the folder it was built in on a GitHub runner; on macos-latest
    HOME is /Users/runner too, but the path is no file of the build machine: not a leak."""
    build_path = "/Users/runner/work/espeakng-loader/x/_dynamic/lib"
    assert not Path(build_path).exists()
    library = fake["bundle"] / "_internal" / "espeakng_loader" / "libespeak-ng.dylib"
    library.parent.mkdir()
    library.write_bytes(MACHO + b"\x00" + build_path.encode() + b"\x00"
                        + b"/Users/runner/work/espeakng-loader/x/_dynamic/share/espeak-ng-data\x00")
    report = build_module.scan_bundle(fake["bundle"], executables=[], home=Path("/Users/runner"), repo=fake["repo"])
    assert report.ok, report.errors
    assert len(report.warnings) == 1
    assert "third-party" in report.warnings[0] and build_path in report.warnings[0]


def test_a_third_party_file_is_known_by_its_source_in_the_manifest(
        build_module: ModuleType, fake: dict[str, Path], tmp_path: Path) -> None:
    """From site-packages per the manifest: lenient even when it is not a compiled binary (say a .pyc)."""
    site_packages = Path(build_module.python_roots()[-1])
    data = fake["bundle"] / "_internal" / "somelib" / "build_info.txt"
    data.parent.mkdir()
    gone = fake["home"] / "build" / "somelib" / "src"
    data.write_text(f"built in {gone}\n", encoding="utf-8")
    manifest = _manifest(tmp_path, [{"dest": "somelib/build_info.txt", "kind": "DATA",
                                     "source": str(site_packages / "somelib" / "build_info.txt")}])
    report = _scan(build_module, fake, manifest)
    assert report.ok, report.errors
    assert any(str(gone) in warning for warning in report.warnings)


def test_a_third_party_binary_naming_an_existing_file_under_home_fails(
        build_module: ModuleType, fake: dict[str, Path]) -> None:
    secret = fake["home"] / "projects" / "notes.txt"
    secret.parent.mkdir()
    secret.write_text("private\n", encoding="utf-8")
    (fake["bundle"] / "_internal" / "libbar.dylib").write_bytes(MACHO + b"\x00" + str(secret).encode() + b"\x00")
    report = _scan(build_module, fake)
    assert report.errors == [f"_internal/libbar.dylib (third-party) names a path of the build machine: {secret}"]


def test_a_third_party_binary_naming_the_checkout_or_tests_fails(build_module: ModuleType,
                                                                  fake: dict[str, Path]) -> None:
    in_repo = fake["repo"] / "build" / "gone.o"  # does not exist, but no third party builds in our checkout
    in_tests = fake["repo"] / "tests" / "data" / "gone.txt"
    (fake["bundle"] / "_internal" / "libbar.so").write_bytes(
        b"\x7fELF\x00" + str(in_repo).encode() + b"\x00" + str(in_tests).encode() + b"\x00")
    report = _scan(build_module, fake)
    assert sorted(report.errors) == sorted([
        f"_internal/libbar.so (third-party) names a path of the build machine: {in_repo}",
        f"_internal/libbar.so names the tests: {in_tests}",
    ])


def test_the_apps_own_files_stay_strict_even_when_binary(build_module: ModuleType, fake: dict[str, Path],
                                                         tmp_path: Path) -> None:
    """A file in resources/ (or from the repository per the manifest) naming a path under $HOME fails, whether
    or not that path exists and whatever the file looks like."""
    gone = fake["home"] / "gone" / "voice.bin"
    (fake["bundle"] / "_internal" / "resources" / "voice.dylib").write_bytes(MACHO + str(gone).encode() + b"\x00")
    (fake["bundle"] / "_internal" / "libown.so").write_bytes(b"\x7fELF\x00" + str(gone).encode() + b"\x00")
    manifest = _manifest(tmp_path, [{"dest": "libown.so", "kind": "BINARY",
                                     "source": str(fake["repo"] / "studio" / "libown.so")}])
    report = _scan(build_module, fake, manifest)
    assert sorted(report.errors) == [
        f"_internal/libown.so names a path of the build machine: {gone}",
        f"_internal/resources/voice.dylib names a path of the build machine: {gone}",
    ]


@pytest.mark.parametrize(("rel", "dest"), [
    (("_internal", "espeakng_loader", "libespeak-ng.so"), "espeakng_loader/libespeak-ng.so"),
    (("Contents", "Frameworks", "espeakng_loader", "libespeak-ng.dylib"), "espeakng_loader/libespeak-ng.dylib"),
    (("Contents", "Resources", "resources", "catalogue.json"), "resources/catalogue.json"),
    (("Contents", "MacOS", "studio"), "studio"),
    (("studio",), "studio"),
    (("_internal", "PySide6", "Qt", "lib", "QtCore.framework", "Resources", "Info.plist"),
     "PySide6/Qt/lib/QtCore.framework/Resources/Info.plist"),
])
def test_bundle_paths_map_to_the_manifests_destinations(build_module: ModuleType, rel: tuple[str, ...],
                                                        dest: str) -> None:
    assert build_module._dest(rel) == dest


# -- Windows version numbers and resources ------------------------------------------------------------------------


@pytest.mark.parametrize(("version", "numeric"), [
    ("0.1.0", "0.1.0.0"), ("0.2.0rc1", "0.2.0.0"), ("1.2", "1.2.0.0"), ("3", "3.0.0.0"),
    ("1.2.3.4", "1.2.3.4"), ("1.2.3.4.5", "1.2.3.4"), ("2.0.0.dev3", "2.0.0.0"), ("1.10.0.post1", "1.10.0.0"),
])
def test_numeric_version_for_windows(build_module: ModuleType, version: str, numeric: str) -> None:
    assert build_module.cfg.numeric_version_text(version) == numeric


@pytest.mark.parametrize("version", ["", "rc1", "1.70000"])
def test_numeric_version_rejects_what_windows_cannot_hold(build_module: ModuleType, version: str) -> None:
    with pytest.raises(ValueError):
        build_module.cfg.numeric_version(version)


def test_inno_setup_gets_the_display_and_the_numeric_version(build_module: ModuleType, tmp_path: Path) -> None:
    layout = build_module.Layout(tmp_path / "dist", tmp_path / "work")
    cmd = build_module.iscc_command("ISCC.exe", layout, "0.2.0rc1")
    assert "/DAppVersion=0.2.0rc1" in cmd and "/DAppVersionNumeric=0.2.0.0" in cmd
    script = (build_module.PACKAGING / "windows" / "studio.iss").read_text(encoding="utf-8")
    assert "VersionInfoVersion={#AppVersionNumeric}" in script
    assert "VersionInfoVersion={#AppVersion}\n" not in script


def _version_strings(text: str) -> tuple[tuple[int, ...], dict[str, str]]:
    """The file version and the strings of a PyInstaller version file (evaluated with stand-ins for its classes:
    PyInstaller's own parser needs pefile, a Windows-only dependency)."""
    strings: dict[str, str] = {}
    fixed: dict[str, object] = {}

    def string_struct(key: str, value: str) -> None:
        strings[key] = value

    def fixed_file_info(**kwargs: object) -> None:
        fixed.update(kwargs)

    names = {"VSVersionInfo": lambda **kw: None, "FixedFileInfo": fixed_file_info,
             "StringFileInfo": lambda *a: None, "StringTable": lambda *a: None, "StringStruct": string_struct,
             "VarFileInfo": lambda *a: None, "VarStruct": lambda *a: None}
    eval(compile(text, "version_info.txt", "eval"), {"__builtins__": {}}, names)  # our own text, no builtins
    return fixed["filevers"], strings  # type: ignore[return-value]


@pytest.mark.parametrize("exe", ["studio", "AudiobookStudio"])
def test_each_executable_gets_a_version_resource_naming_itself(build_module: ModuleType, exe: str) -> None:
    filevers, strings = _version_strings(build_module.cfg.version_info_text("0.2.0rc1", exe))
    assert strings["OriginalFilename"] == f"{exe}.exe"
    assert strings["InternalName"] == exe
    assert strings["FileVersion"] == strings["ProductVersion"] == "0.2.0rc1"
    assert filevers == (0, 2, 0, 0)


def test_the_spec_gives_each_executable_its_own_version_file(build_module: ModuleType) -> None:
    spec = (build_module.SPEC).read_text(encoding="utf-8")
    assert "_version_file(cfg.GUI_EXE" in spec and "_version_file(cfg.CLI_EXE" in spec
    assert 'f"version_info-{exe_name}.txt"' in spec
