"""Build the frozen app for the current OS into ``dist/``, check it, measure it, and optionally pack and test it.

    python packaging/build.py                 # PyInstaller bundle + leak check + size report
    python packaging/build.py --self-test     # ... then run the bundle's self-test in a clean environment
    python packaging/build.py --installer     # ... then the installer: Inno Setup (Windows), .dmg (macOS),
                                              #     .tar.gz (Linux, for our own smoke tests)

Why a script around PyInstaller: the spec only says what goes in. Whether the result is fit to ship is
checked here, on every OS and in CI the same way:

* **Leak check** (fails the build): no bundled file may come from the repository's ``tests/`` or from under
  ``$HOME`` (other than the build's own Python and its site-packages, which may live there: pyenv, a venv in
  the checkout); no file may *mention* a path under ``$HOME``, the checkout, or ``tests/`` (say a ``.pyc``
  with an absolute source path or a copied ``direct_url.json``), except the build interpreter's compiled-in
  prefix inside libpython (reported as a warning: build releases with a Python outside ``$HOME``, as CI does);
  and no test-only package (tests, pytest, keyrings.alt...) may be bundled at all. Third-party files (from the
  build's Python, site-packages or the system, per the spec's sources manifest, and compiled binaries not
  in it) may name paths under ``$HOME`` that are not files of this machine, or are the build's own packages:
  a wheel built on a CI runner names its own build folder (``/Users/runner/work/<project>/...``), which is
  under ``$HOME`` on a runner of the same OS. Those are warnings; a third-party file naming an existing path
  under ``$HOME``, or the checkout or ``tests/``, is still an error.
* **Size report**: total and the biggest parts, printed and written to the JSON report.

Exit status: 0 on success, 1 if PyInstaller, the check, the self-test or the installer failed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

PACKAGING = Path(__file__).resolve().parent
REPO = PACKAGING.parent
SPEC = PACKAGING / "studio.spec"
sys.path.insert(0, str(PACKAGING))

import bundle_config as cfg  # noqa: E402

#: Bytes that may be part of a path in a binary or text file (UTF-8 names included).
_PATH_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/\\+~@%:$"
                        + bytes(range(128, 256)))


# -- where things are ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """The paths of one build."""

    dist: Path
    work: Path

    @property
    def spec_work(self) -> Path:
        """PyInstaller's per-spec work folder (its ``workpath``): icons, version file, sources manifest."""
        return self.work / SPEC.stem

    @property
    def collect_dir(self) -> Path:
        return self.dist / cfg.APP_NAME

    @property
    def app_bundle(self) -> Path:
        return self.dist / f"{cfg.DISPLAY_NAME}.app"

    @property
    def bundle(self) -> Path:
        """What ships: the .app on macOS, the folder elsewhere."""
        return self.app_bundle if sys.platform == "darwin" else self.collect_dir

    def executable(self, cli: bool = True) -> Path:
        name = (cfg.CLI_EXE if cli else cfg.GUI_EXE) + cfg.exe_suffix()
        if sys.platform == "darwin":
            return self.app_bundle / "Contents" / "MacOS" / name
        return self.collect_dir / name


def app_version() -> str:
    """The version in ``studio/__init__.py`` (read, not imported, so building needs no app import)."""
    for line in (REPO / "studio" / "__init__.py").read_text(encoding="utf-8").splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("\"'")
    raise SystemExit("no __version__ in studio/__init__.py")


# -- building -----------------------------------------------------------------------------------------------------


def run_pyinstaller(layout: Layout, *, clean: bool = False) -> float:
    """Run PyInstaller on the spec with this interpreter; return the seconds it took."""
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
           "--distpath", str(layout.dist), "--workpath", str(layout.work)]
    if clean:
        cmd.append("--clean")
    cmd.append(str(SPEC))
    print("+ " + " ".join(cmd), flush=True)
    started = time.monotonic()
    try:
        subprocess.run(cmd, check=True, cwd=REPO)
    except FileNotFoundError as exc:  # pragma: no cover - no interpreter
        raise SystemExit(f"cannot run PyInstaller: {exc}") from exc
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"PyInstaller failed with exit code {exc.returncode}") from exc
    return time.monotonic() - started


# -- size ---------------------------------------------------------------------------------------------------------


def _files(root: Path) -> Iterator[Path]:
    """Regular files under ``root``, not following symlinks (a .app links Frameworks to Resources)."""
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in files:
            path = Path(folder, name)
            if not path.is_symlink():
                yield path
        dirs.sort()


def bundle_size(bundle: Path, top: int = 12) -> dict[str, object]:
    """Total bytes and file count, plus the biggest parts (two folder levels inside the contents folder)."""
    total, count = 0, 0
    parts: dict[str, int] = {}
    for path in _files(bundle):
        size = path.stat().st_size
        total += size
        count += 1
        rel = path.relative_to(bundle).parts
        inner = [p for p in rel if p not in ("_internal", "Contents", "Frameworks", "Resources", "MacOS")]
        key = "/".join(inner[:2]) if len(inner) > 2 else "/".join(inner[:1])
        parts[key] = parts.get(key, 0) + size
    biggest = sorted(parts.items(), key=lambda item: -item[1])[:top]
    return {"bytes": total, "files": count, "biggest": [{"part": k, "bytes": v} for k, v in biggest]}


def _mb(n: int) -> str:
    return f"{n / 1e6:,.1f} MB"


# -- the leak check --------------------------------------------------------------------------------------------------


@dataclass
class ScanReport:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    files_scanned: int = 0
    archive_entries_scanned: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _under(path: str | Path, root: Path) -> bool:
    try:
        Path(os.path.normcase(os.path.abspath(path))).relative_to(os.path.normcase(os.path.abspath(root)))
    except ValueError:
        return False
    return True


def python_roots() -> list[Path]:
    """The build interpreter and its packages: allowed sources even when they live under $HOME."""
    roots = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.exec_prefix), Path(sys.base_exec_prefix)}
    for key in ("purelib", "platlib", "stdlib", "platstdlib"):
        value = sysconfig.get_paths().get(key)
        if value:
            roots.add(Path(value))
    return sorted(roots)


def interpreter_roots() -> list[Path]:
    """Where the Python installation itself lives (its compiled-in prefix may appear inside libpython)."""
    return sorted({Path(sys.base_prefix), Path(sys.base_exec_prefix)})


def _home() -> Path | None:
    """The developer's home folder (on Windows USERPROFILE: Git Bash's HOME is an MSYS path like /c/Users/x)."""
    names = ("USERPROFILE", "HOME") if sys.platform == "win32" else ("HOME",)
    home = next((os.environ[name] for name in names if os.environ.get(name)), None)
    if not home:
        return None
    path = Path(home).resolve()
    return None if len(path.parts) <= 1 else path  # HOME=/ would match everything


def check_sources(manifest: Path, *, home: Path | None, repo: Path = REPO,
                  extra_allowed: Iterable[Path] = ()) -> list[str]:
    """Errors for bundled files whose source is in the repository's tests/ or under $HOME (outside the app's
    own source folders, the build interpreter and its packages, and PyInstaller's work folder)."""
    tests = repo / "tests"
    allowed = [repo / "studio", repo / "resources", repo / "packaging", *python_roots(), *extra_allowed]
    errors = []
    for entry in json.loads(manifest.read_text(encoding="utf-8")):
        source = entry["source"]
        if not os.path.isabs(source):
            continue
        if _under(source, tests):
            errors.append(f"{entry['dest']} comes from the tests: {source}")
        elif home is not None and _under(source, home) and not any(_under(source, root) for root in allowed):
            errors.append(f"{entry['dest']} comes from the home directory: {source}")
    return errors


def _needles(paths: Iterable[Path]) -> list[bytes]:
    found: set[bytes] = set()
    for path in paths:
        for text in {str(path), path.as_posix()}:
            text = text.rstrip("/\\")
            found.add(text.encode("utf-8"))
            if sys.platform == "win32":
                found.add(text.encode("utf-16-le"))
    return sorted(found, key=len, reverse=True)


def _mentions(data: bytes, needles: list[bytes]) -> list[str]:
    """Paths in ``data`` that start with one of ``needles`` at a path boundary (one per place, longest needle
    first), decoded for messages."""
    found: dict[int, str] = {}
    for needle in needles:
        step = 2 if needle[1:2] == b"\x00" else 1  # UTF-16-LE needles (Windows) step over the zero bytes
        start = data.find(needle)
        while start != -1:
            before = data[start - step] if start >= step else 0
            after_pos = start + len(needle)
            after = data[after_pos] if after_pos < len(data) else 0
            # A path *under* the folder: it starts at a boundary and goes on after a separator. (A bare "/root"
            # is a common string in libraries; "/root/.pyenv/..." is a path of this machine.)
            covered = any(s <= start < s + len(t) for s, t in found.items())
            if not covered and before not in _PATH_BYTES and after in b"/\\":
                end = after_pos
                while end < len(data) and data[end] in _PATH_BYTES and end - start < 400:
                    end += step
                found[start] = _decode_prefix(data[start:end], "utf-16-le" if step == 2 else "utf-8")
            start = data.find(needle, start + 1)
    return list(found.values())


def _decode_prefix(raw: bytes, encoding: str) -> str:
    """The longest decodable start of ``raw`` (a path in a binary is followed by unrelated high bytes)."""
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        return raw[: exc.start].decode(encoding, errors="replace")


def _archive_entries(executable: Path) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of each entry in the executable's PKG and its PYZ (compiled modules)."""
    from PyInstaller.archive.readers import CArchiveReader, NotAnArchiveError

    try:
        pkg = CArchiveReader(str(executable))
    except Exception:
        return
    for name, entry in pkg.toc.items():
        typecode = entry[-1]
        if typecode == "z":
            try:
                pyz = pkg.open_embedded_archive(name)
            except NotAnArchiveError:
                continue
            for module in pyz.toc:
                yield f"{executable.name}:{name}:{module}", pyz.extract(module, raw=True) or b""
        elif typecode not in ("o",):
            yield f"{executable.name}:{name}", pkg.extract(name)


def _module_names(executable: Path) -> list[str]:
    from PyInstaller.archive.readers import CArchiveReader

    names: list[str] = []
    try:
        pkg = CArchiveReader(str(executable))
    except Exception:
        return names
    for name, entry in pkg.toc.items():
        if entry[-1] == "z":
            names.extend(pkg.open_embedded_archive(name).toc)
    return names


#: How compiled libraries and executables start: ELF, Mach-O (32/64 bit, both byte orders), universal Mach-O, PE.
_BINARY_MAGIC = (b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe",
                 b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"MZ")
#: Folders a bundle puts its contents in (onedir: _internal; .app: Contents/Frameworks, Contents/Resources).
_CONTAINERS = frozenset(("_internal", "Contents", "Frameworks", "Resources", "MacOS"))


def _dest(rel: tuple[str, ...]) -> str:
    """A bundled file's destination as PyInstaller's TOC names it (the path without the bundle's containers)."""
    parts = list(rel)
    while len(parts) > 1 and parts[0] in _CONTAINERS:
        parts.pop(0)
    return "/".join(parts)


def _sources(manifest: Path | None) -> dict[str, str]:
    """Where each bundled thing came from, per the spec's manifest: files keyed ``file:<dest path>``, modules and
    scripts (in the executables' archives) keyed ``module:<name>``; the CLI executable ``studio`` and the
    package ``studio`` must not be confused."""
    if manifest is None or not manifest.is_file():
        return {}
    found = {}
    for entry in json.loads(manifest.read_text(encoding="utf-8")):
        kind = "module" if entry.get("kind", "").startswith(("PYMODULE", "PYSOURCE")) else "file"
        found[f"{kind}:{entry['dest'].replace(chr(92), '/')}"] = entry["source"]
    return found


def _exists(mention: str) -> bool:
    """Whether a path named in a file is a file or folder of this machine (tolerating a trailing separator or
    punctuation, and a PATH-like list on POSIX)."""
    candidates = {mention, mention.rstrip("/\\.:,")}
    if os.sep == "/":
        candidates.add(mention.split(":", 1)[0])
    for candidate in candidates:
        try:
            if candidate and os.path.lexists(candidate):
                return True
        except (OSError, ValueError):
            continue
    return False


def scan_bundle(bundle: Path, *, executables: Iterable[Path], manifest: Path | None = None,
                home: Path | None = None, repo: Path = REPO) -> ScanReport:
    """Check that nothing in the bundle comes from, or names, the developer's home or the tests (see module doc)."""
    report = ScanReport()
    tests = repo / "tests"
    # 1. Names: test-only packages and our tests must not be there at all.
    forbidden = set(cfg.FORBIDDEN_TOP_LEVEL)
    for path in _files(bundle):
        rel = path.relative_to(bundle).parts
        inner = [p for p in rel if p not in ("_internal", "Contents", "Frameworks", "Resources")]
        if inner and inner[0] in forbidden and len(inner) > 1:
            report.errors.append(f"{'/'.join(rel)}: {inner[0]} must not be bundled")
    for executable in executables:
        for module in _module_names(executable):
            top = module.split(".")[0]
            if top in forbidden or module == "keyrings.alt" or module.startswith("keyrings.alt."):
                report.errors.append(f"{executable.name}: module {module} must not be bundled")
    # 2. Origins, from the manifest the spec wrote.
    if manifest is not None and manifest.is_file():
        report.errors += check_sources(manifest, home=home, repo=repo)
    elif manifest is not None:
        report.errors.append(f"no sources manifest at {manifest} (was the bundle built by studio.spec?)")
    # 3. Contents: no file may mention a path under $HOME, the checkout or the tests. Third-party files (from the
    #    build's Python and site-packages or the system, and compiled libraries of unknown origin) are judged
    #    more leniently: a wheel built on a CI runner names its own build folder (espeakng-loader's macOS dylib
    #    names /Users/runner/work/espeakng-loader/...), which is under $HOME on a runner of the same OS. That is
    #    only a leak when the path is really a file or folder of this machine.
    watched = [tests, repo] + ([home] if home is not None else [])
    needles = _needles(watched)
    interpreters = interpreter_roots()
    pythons = python_roots()
    sources = _sources(manifest)
    own_roots = [repo / "studio", repo / "resources", repo / "packaging"]
    if manifest is not None:
        own_roots.append(manifest.parent)  # PyInstaller's work folder: icons, version files

    def third_party(key: str, data: bytes) -> bool:
        source = sources.get(key)
        if source is None or not os.path.isabs(source):
            # Not from the analysis (the bootloader executables, PyInstaller's own files) or no manifest: only
            # a compiled binary outside the app's own folders counts as third-party.
            dest = key.split(":", 1)[1]
            return data.startswith(_BINARY_MAGIC) and not dest.startswith(("studio/", "resources/"))
        if any(_under(source, root) for root in own_roots):
            return False
        if any(_under(source, root) for root in pythons):
            return True
        return not _under(source, repo) and not (home is not None and _under(source, home))

    interpreter_mentions: dict[str, int] = {}
    foreign_mentions: dict[str, str] = {}

    def judge(where: str, key: str, data: bytes) -> None:
        mentions = _mentions(data, needles)
        if not mentions:
            return
        lenient = third_party(key, data)
        for mention in mentions:
            if _under(mention, tests):
                report.errors.append(f"{where} names the tests: {mention}")
            elif any(_under(mention, root) for root in interpreters) and not _under(mention, repo):
                interpreter_mentions[where] = interpreter_mentions.get(where, 0) + 1
            elif not lenient:
                report.errors.append(f"{where} names a path of the build machine: {mention}")
            elif any(_under(mention, root) for root in pythons):
                foreign_mentions.setdefault(where, mention)  # where it is installed: the build's own packages
            elif _under(mention, repo) or _exists(mention):
                report.errors.append(f"{where} (third-party) names a path of the build machine: {mention}")
            else:
                foreign_mentions.setdefault(where, mention)

    for path in _files(bundle):
        report.files_scanned += 1
        rel = path.relative_to(bundle)
        judge(str(rel), f"file:{_dest(rel.parts)}", path.read_bytes())
    for executable in executables:
        for name, data in _archive_entries(executable):
            report.archive_entries_scanned += 1
            judge(name, f"module:{name.rsplit(':', 1)[-1]}", data)
    if interpreter_mentions:
        where = sorted(interpreter_mentions)
        report.warnings.append(
            f"{len(where)} file(s) name the build interpreter's folder ({', '.join(str(r) for r in interpreters)}), "
            f"e.g. {', '.join(where[:3])}: its compiled-in prefix, harmless at run time, but it shows this "
            "machine's home path; release builds use a Python outside $HOME (CI does)")
    if foreign_mentions:
        where = sorted(foreign_mentions)
        examples = "; ".join(f"{w} names {foreign_mentions[w]}" for w in where[:3])
        report.warnings.append(
            f"{len(where)} third-party file(s) name paths under $HOME that are not files of this machine (their "
            f"own build folders) or are the build's Python packages, e.g. {examples}")
    return report


# -- self-test, installers ---------------------------------------------------------------------------------------------


def clean_env(home: Path, qt_platform: str | None = None) -> dict[str, str]:
    """An environment like a fresh user's: no venv, no PYTHON* variables, HOME an empty folder."""
    if sys.platform == "win32":
        system_root = os.environ.get("SYSTEMROOT", r"C:\Windows")
        env = {"SYSTEMROOT": system_root, "WINDIR": system_root, "PATH": rf"{system_root}\System32;{system_root}",
               "USERPROFILE": str(home), "APPDATA": str(home / "AppData" / "Roaming"),
               "LOCALAPPDATA": str(home / "AppData" / "Local"), "TEMP": str(home / "Temp"),
               "TMP": str(home / "Temp"), "HOME": str(home)}
        for folder in ("AppData/Roaming", "AppData/Local", "Temp"):
            (home / folder).mkdir(parents=True, exist_ok=True)
    else:
        env = {"PATH": "/usr/bin:/bin", "HOME": str(home)}
    if qt_platform:
        env["QT_QPA_PLATFORM"] = qt_platform
    return env


def default_qt_platform() -> str | None:
    """offscreen on a Linux machine without a display; the native platform elsewhere."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return "offscreen"
    return None


def run_self_test(layout: Layout, qt_platform: str | None) -> int:
    """Run ``studio --self-test`` of the built bundle in a clean environment; return its exit code."""
    exe = layout.executable(cli=True)
    with tempfile.TemporaryDirectory(prefix="studio-clean-home-") as home:
        env = clean_env(Path(home), qt_platform)
        if sys.platform.startswith("linux") and os.environ.get("DISPLAY") and not qt_platform:
            env["DISPLAY"] = os.environ["DISPLAY"]
        print(f"+ {exe} --self-test  (clean environment: {sorted(env)})", flush=True)
        return subprocess.run([str(exe), "--self-test"], env=env, cwd=home, timeout=900, check=False).returncode


def _find_iscc() -> str | None:
    found = shutil.which("iscc") or shutil.which("ISCC")
    if found:
        return found
    local = os.environ.get("LOCALAPPDATA")
    bases = [os.environ.get("PROGRAMFILES(X86)"), os.environ.get("PROGRAMFILES"), r"C:\Program Files (x86)",
             r"C:\Program Files", str(Path(local) / "Programs") if local else None]  # the last: a per-user install
    for base in bases:
        if base and (Path(base) / "Inno Setup 6" / "ISCC.exe").is_file():
            return str(Path(base) / "Inno Setup 6" / "ISCC.exe")
    return None


def iscc_command(iscc: str, layout: Layout, version: str) -> list[str]:
    """ISCC's command line: the display version as is (``0.2.0rc1``), and the a.b.c.d one Windows' version
    resource needs (``VersionInfoVersion`` rejects anything else) as ``AppVersionNumeric``."""
    return [iscc, f"/DAppVersion={version}", f"/DAppVersionNumeric={cfg.numeric_version_text(version)}",
            f"/DSourceDir={layout.collect_dir}", f"/DOutputDir={layout.dist}",
            f"/DIconFile={layout.spec_work / 'icons' / 'studio.ico'}", str(PACKAGING / "windows" / "studio.iss")]


def make_installer(layout: Layout, version: str) -> Path:
    """The OS's installer next to the bundle: setup .exe, .dmg, or a .tar.gz on Linux."""
    if sys.platform == "win32":
        iscc = _find_iscc()
        if iscc is None:
            raise SystemExit("Inno Setup's ISCC.exe was not found "
                             "(install Inno Setup 6, e.g. `choco install innosetup`)")
        cmd = iscc_command(iscc, layout, version)
        print("+ " + " ".join(cmd), flush=True)
        subprocess.run(cmd, check=True)
        return layout.dist / f"{cfg.APP_NAME}-{version}-windows-setup.exe"
    if sys.platform == "darwin":
        dmg = layout.dist / f"{cfg.APP_NAME}-{version}-macos.dmg"
        cmd = ["bash", str(PACKAGING / "macos" / "make-dmg.sh"), str(layout.app_bundle), str(dmg), cfg.DISPLAY_NAME]
        print("+ " + " ".join(cmd), flush=True)
        subprocess.run(cmd, check=True)
        return dmg
    machine = os.uname().machine
    archive = layout.dist / f"{cfg.APP_NAME}-{version}-linux-{machine}.tar.gz"
    print(f"+ tar czf {archive} -C {layout.dist} {cfg.APP_NAME}", flush=True)
    with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
        tar.add(layout.collect_dir, arcname=cfg.APP_NAME)
    return archive


# -- main ------------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Build, check and report; see the module docstring."""
    parser = argparse.ArgumentParser(description="Build Audiobook Studio with PyInstaller for this OS.")
    parser.add_argument("--dist", type=Path, default=REPO / "dist", help="output folder (default: dist/)")
    parser.add_argument("--work", type=Path, default=REPO / "build" / "pyinstaller",
                        help="PyInstaller's work folder (default: build/pyinstaller/)")
    parser.add_argument("--clean", action="store_true", help="empty PyInstaller's caches first")
    parser.add_argument("--self-test", action="store_true", help="run the bundle's self-test in a clean environment")
    parser.add_argument("--qt-platform", default=None,
                        help="QT_QPA_PLATFORM for the self-test (default: offscreen on Linux without a display)")
    parser.add_argument("--installer", action="store_true",
                        help="also make the installer: Inno Setup (Windows), .dmg (macOS), .tar.gz (Linux)")
    parser.add_argument("--report", type=Path, default=None, help="JSON report (default: DIST/build-report.json)")
    args = parser.parse_args(argv)
    layout = Layout(args.dist.resolve(), args.work.resolve())
    version = app_version()
    report_path = args.report or layout.dist / "build-report.json"

    build_s = run_pyinstaller(layout, clean=args.clean)
    print(f"built {layout.bundle} in {build_s:.0f} s", flush=True)
    executables = [layout.executable(cli=True), layout.executable(cli=False)]
    missing = [str(exe) for exe in executables if not exe.is_file()]
    if missing:
        print(f"error: the build did not produce {', '.join(missing)}", file=sys.stderr)
        return 1

    size = bundle_size(layout.bundle)
    print(f"bundle size: {_mb(int(size['bytes']))} in {size['files']:,} files ({layout.bundle})")
    for part in size["biggest"]:  # type: ignore[union-attr]
        print(f"  {_mb(part['bytes']):>10}  {part['part']}")

    scan_started = time.monotonic()
    scan = scan_bundle(layout.bundle, executables=executables, manifest=layout.spec_work / "bundle-sources.json",
                       home=_home())
    print(f"leak check: {scan.files_scanned:,} files and {scan.archive_entries_scanned:,} archive entries scanned "
          f"in {time.monotonic() - scan_started:.1f} s for paths under $HOME ({_home()}), the checkout and tests/")
    for warning in scan.warnings:
        print(f"  warning: {warning}")
    for error in scan.errors:
        print(f"  ERROR: {error}", file=sys.stderr)

    report: dict[str, object] = {
        "version": version, "platform": sys.platform, "bundle": str(layout.bundle),
        "executables": [str(e) for e in executables], "build_seconds": round(build_s, 1), "size": size,
        "scan": asdict(scan) | {"ok": scan.ok},
    }
    status = 0 if scan.ok else 1
    if scan.ok and args.self_test:
        code = run_self_test(layout, args.qt_platform or default_qt_platform())
        report["self_test_exit_code"] = code
        status = status or (1 if code else 0)
    if status == 0 and args.installer:
        installer = make_installer(layout, version)
        report["installer"] = str(installer)
        print(f"installer: {installer} ({_mb(installer.stat().st_size)})")
    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"report: {report_path}")
    if not scan.ok:
        print(f"leak check FAILED: {len(scan.errors)} problem(s), see above", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
