"""``studio --self-test``: is this installation complete? One OK/FAIL line per check, exit 1 on any FAIL.

Why it exists: the packaged app (PyInstaller) runs on machines without Python, so a missing Qt plugin, a
lost ffmpeg binary or espeak data left out of the bundle would only show up as a user's crash. The
installers' CI runs this in the built bundle on every OS, and a user or supporter can run it too
(``studio --self-test`` on Windows is the console ``studio.exe`` next to ``AudiobookStudio.exe``).

Every check does the real thing rather than looking for files: Qt creates its application on the platform
plugin; QtMultimedia opens a WAV through its backend; ffmpeg runs and lists its AAC encoder; the offline
engine speaks in a worker process (the frozen app's multiprocessing); the keyring resolves a backend; the
catalogue and translations load; and a one-paragraph sample of the bundled book is rendered to an M4B with
chapters and read back. In a frozen app, ffmpeg, espeak-ng, Qt's plugins and the resources must also come
from inside the bundle: a system ffmpeg found by accident would hide a packaging bug.

To see a check fail for real: ``STUDIO_FFMPEG=/nonexistent/ffmpeg studio --self-test`` (ffmpeg and the
render fail), ``QT_QPA_PLATFORM=nosuch`` (Qt), ``--only ffmpeg,render`` runs a subset, ``--keep`` keeps
the temporary folder with the rendered M4B. Tracebacks of failures go to the log file, named at the end.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import struct
import subprocess
import sys
import tempfile
import threading
import time
import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

log = logging.getLogger("studio.selftest")

#: Generous limits for slow CI machines; a check that takes longer is a failure, not a hang.
QT_LOAD_TIMEOUT_S = 20.0
ENGINE_TIMEOUT_S = 120.0
RENDER_TIMEOUT_S = 300.0


class CheckFailed(Exception):
    """A check's verdict: the message is the FAIL line's text, so it must say what is wrong and what to do."""


@dataclass
class Context:
    """What checks share: a scratch folder (deleted afterwards unless ``--keep``)."""

    scratch: Path
    cancel: threading.Event = field(default_factory=threading.Event)


@dataclass(frozen=True)
class Check:
    name: str
    run: Callable[[Context], str]
    #: None: runs on the calling (main) thread, as Qt needs; else on a helper thread with this time limit.
    timeout_s: float | None = None


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    seconds: float

    def line(self) -> str:
        """``OK   name          detail (0.4 s)``: the one line per check that users and CI read."""
        return f"{'OK' if self.ok else 'FAIL':<4} {self.name:<13} {self.detail} ({self.seconds:.1f} s)"


# -- where things come from --------------------------------------------------------------------------------------


def is_frozen() -> bool:
    """True in the PyInstaller bundle."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def bundle_roots() -> list[Path]:
    """Folders a frozen app's files live in (on macOS data sits in Contents/Resources, linked from
    Contents/Frameworks); empty when not frozen."""
    if not is_frozen():
        return []
    meipass = Path(sys._MEIPASS).resolve()  # type: ignore[attr-defined]
    roots = [meipass, Path(sys.executable).resolve().parent]
    if sys.platform == "darwin":
        roots.append(meipass.parent / "Resources")
    return roots


def _require_bundled(what: str, path: str | Path) -> None:
    """In a frozen app, fail if ``path`` is not inside the bundle (a system copy hides a packaging bug)."""
    roots = bundle_roots()
    if roots and not any(Path(path).resolve().is_relative_to(root) for root in roots):
        raise CheckFailed(f"{what} comes from outside the bundle: {path}")


# -- Qt -----------------------------------------------------------------------------------------------------------


def _platform_candidates() -> list[str]:
    """The platform plugins Qt will try, in order (QT_QPA_PLATFORM may list several, ';'-separated)."""
    env = os.environ.get("QT_QPA_PLATFORM", "").strip()
    if env:
        return [item.split(":")[0].strip() for item in env.split(";") if item.strip()]
    if sys.platform == "win32":
        return ["windows"]
    if sys.platform == "darwin":
        return ["cocoa"]
    if os.environ.get("XDG_SESSION_TYPE") == "wayland" and os.environ.get("WAYLAND_DISPLAY"):
        return ["wayland", "xcb"]
    return ["xcb"]


def _plugin_files(kind: str) -> list[Path]:
    from PySide6.QtCore import QLibraryInfo

    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / kind
    return sorted(p for p in folder.glob("*") if p.suffix in (".so", ".dll", ".dylib")) if folder.is_dir() else []


def _platform_plugin(name: str) -> Path | None:
    stem = name.split("-")[0]
    for plugin in _plugin_files("platforms"):
        base = plugin.stem.removeprefix("lib")
        if base in (f"q{name}", f"q{stem}"):
            return plugin
    return None


def _qt_app() -> Any:
    """The process's QApplication, created here after checks that turn Qt's abort() into a FAIL line.

    Qt aborts the process when the platform plugin cannot be loaded or has no display to connect to, so the
    plugin's presence and the display are checked first.
    """
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    app = QCoreApplication.instance()
    if app is not None:
        return app
    reasons = []
    for name in _platform_candidates():
        plugin = _platform_plugin(name)
        if plugin is None:
            reasons.append(f"Qt platform plugin {name!r} is missing from {_plugin_dir_text('platforms')}")
        elif name == "xcb" and not os.environ.get("DISPLAY"):
            reasons.append("no X display (DISPLAY is not set); on a machine without a screen set "
                           "QT_QPA_PLATFORM=offscreen")
        elif name.startswith("wayland") and not os.environ.get("WAYLAND_DISPLAY"):
            reasons.append("no Wayland display (WAYLAND_DISPLAY is not set)")
        else:
            return QApplication([sys.argv[0] if sys.argv else "studio"])
    raise CheckFailed("; ".join(reasons) or "QT_QPA_PLATFORM names no platform")


def _plugin_dir_text(kind: str) -> str:
    from PySide6.QtCore import QLibraryInfo

    return str(Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / kind)


#: The platform plugins a desktop of each OS needs, whichever platform this run uses (CI runs offscreen).
NATIVE_PLATFORMS = {"win32": ("windows",), "darwin": ("cocoa",), "linux": ("xcb", "wayland")}


def check_qt(ctx: Context) -> str:
    """The platform plugin loads and Qt runs (widgets app, as the studio's main window needs), and the OS's
    desktop platform plugins are installed even when this run uses another one (offscreen)."""
    import PySide6
    from PySide6.QtCore import QLibraryInfo, qVersion

    app = _qt_app()
    platform = app.platformName() if hasattr(app, "platformName") else "none (QCoreApplication)"
    plugins = QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)
    _require_bundled("Qt's plugin folder", plugins)
    native = NATIVE_PLATFORMS.get("linux" if sys.platform.startswith("linux") else sys.platform, ())
    missing = [name for name in native if _platform_plugin(name) is None]
    if missing:
        raise CheckFailed(f"Qt platform plugin(s) {', '.join(missing)} missing from {_plugin_dir_text('platforms')}")
    return f"platform {platform}, Qt {qVersion()}, PySide6 {PySide6.__version__}; plugins {', '.join(native)} present"


def _write_tone(path: Path, seconds: float = 0.5, rate: int = 22050) -> None:
    """A short sine tone: a real file for the multimedia backend to open, needing nothing else."""
    frames = int(seconds * rate)
    samples = (int(8000 * math.sin(2 * math.pi * 440 * i / rate)) for i in range(frames))
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(struct.pack(f"<{frames}h", *samples))


def check_multimedia(ctx: Context) -> str:
    """QtMultimedia's backend opens a WAV and reports its duration (what the studio's player does)."""
    from PySide6.QtCore import QEventLoop, QTimer, QUrl
    from PySide6.QtMultimedia import QMediaDevices, QMediaPlayer

    _qt_app()
    backends = [p.stem.removeprefix("lib").removesuffix("mediaplugin") for p in _plugin_files("multimedia")]
    if not backends:
        raise CheckFailed(f"no QtMultimedia backend plugin in {_plugin_dir_text('multimedia')}")
    tone = ctx.scratch / "tone.wav"
    _write_tone(tone)
    player = QMediaPlayer()
    try:
        if not player.isAvailable():
            raise CheckFailed(f"QtMultimedia has no usable backend (plugins: {', '.join(backends)})")
        loop = QEventLoop()
        settled = (QMediaPlayer.MediaStatus.LoadedMedia, QMediaPlayer.MediaStatus.InvalidMedia)
        player.mediaStatusChanged.connect(lambda status: loop.quit() if status in settled else None)
        player.errorOccurred.connect(lambda *_: loop.quit())
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(loop.quit)
        timer.start(int(QT_LOAD_TIMEOUT_S * 1000))
        player.setSource(QUrl.fromLocalFile(str(tone)))
        if player.mediaStatus() not in settled and player.error() == QMediaPlayer.Error.NoError:
            loop.exec()
        timer.stop()
        status = player.mediaStatus()
        if player.error() != QMediaPlayer.Error.NoError:
            raise CheckFailed(f"the multimedia backend cannot open a WAV file: {player.errorString()}")
        if status != QMediaPlayer.MediaStatus.LoadedMedia:
            raise CheckFailed(f"the multimedia backend did not load a WAV file within {QT_LOAD_TIMEOUT_S:.0f} s "
                              f"(status {status.name})")
        duration = player.duration()
        if not 400 <= duration <= 600:
            raise CheckFailed(f"the multimedia backend reports {duration} ms for a 500 ms WAV file")
        outputs = len(QMediaDevices.audioOutputs())
    finally:
        player.setSource(QUrl())
        del player
    return f"backend {', '.join(backends)}: a 500 ms WAV loads ({duration} ms); {outputs} audio output(s)"


# -- the non-Qt parts -----------------------------------------------------------------------------------------------


def check_ffmpeg(ctx: Context) -> str:
    """The ffmpeg the studio will use runs and can encode AAC (M4B) and MP3."""
    from studio.audio.ffmpeg import ENV_VAR, ffmpeg_exe

    ffmpeg_exe.cache_clear()  # honour STUDIO_FFMPEG as it is now
    try:
        exe = ffmpeg_exe()
    except Exception as exc:
        raise CheckFailed(f"no ffmpeg: {exc}") from exc
    if not os.environ.get(ENV_VAR):
        _require_bundled("ffmpeg", exe)
    flags = getattr(subprocess, "CREATE_NO_WINDOW", 0) if os.name == "nt" else 0
    try:
        version = subprocess.run([exe, "-hide_banner", "-version"], capture_output=True, text=True, timeout=60,
                                 creationflags=flags, check=False)
        encoders = subprocess.run([exe, "-hide_banner", "-encoders"], capture_output=True, text=True, timeout=60,
                                  creationflags=flags, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise CheckFailed(f"ffmpeg at {exe} does not run: {exc}") from exc
    if version.returncode != 0:
        raise CheckFailed(f"ffmpeg at {exe} exits with code {version.returncode}")
    names = {line.split()[1] for line in encoders.stdout.splitlines() if len(line.split()) > 1}
    missing = [name for name in ("aac", "libmp3lame", "flac") if name not in names]
    if missing:
        raise CheckFailed(f"ffmpeg at {exe} lacks encoders: {', '.join(missing)}")
    first = (version.stdout.splitlines() or ["ffmpeg ?"])[0]
    return f"{' '.join(first.split()[:3])} with aac, libmp3lame, flac ({Path(exe).name})"


def check_engine(ctx: Context) -> str:
    """espeak-ng speaks in a worker process: library, voice data and (frozen) multiprocessing all work."""
    from studio.engines.base import SynthesisRequest
    from studio.engines.espeak_binding import EspeakError, library_paths
    from studio.engines.local import LocalEngine

    try:
        library, data = library_paths()
    except EspeakError as exc:
        raise CheckFailed(str(exc)) from exc
    _require_bundled("the espeak-ng library", library)
    _require_bundled("the espeak-ng data", data)
    with LocalEngine(workers=1, scratch_dir=ctx.scratch) as engine:
        request = SynthesisRequest(voice="local-cmn", paragraphs=("你好，这是离线语音。Hello from the offline voice.",))
        try:
            result = engine.fetch(engine.submit(request), ctx.scratch / "engine.wav", timeout=ENGINE_TIMEOUT_S)
        except Exception as exc:
            raise CheckFailed(f"the offline engine did not speak: {exc}") from exc
    if result.duration_ms < 500:
        raise CheckFailed(f"the offline engine produced only {result.duration_ms} ms of audio")
    return f"espeak-ng ({library.name}) spoke {result.duration_ms / 1000:.1f} s at {result.sample_rate} Hz in a worker"


#: The keyring backend that stores in the OS's own credential store, per platform.
NATIVE_KEYRING = {
    "win32": "keyring.backends.Windows",
    "darwin": "keyring.backends.macOS",
    "linux": "keyring.backends.SecretService",
}


def check_keyring(ctx: Context) -> str:
    """A keyring backend resolves and the OS's native backend is installed (bundled).

    Whether that native store is *usable* right now depends on the desktop session (a headless Linux has no
    Secret Service): that is reported, not failed, exactly as ``studio accounts show`` reports it. A frozen
    app that contains keyrings.alt fails: it would silently store passwords in plaintext.
    """
    import importlib

    from studio.core.accounts import keyring_status

    native = NATIVE_KEYRING.get("linux" if sys.platform.startswith("linux") else sys.platform)
    if native is not None:
        try:
            importlib.import_module(native)
        except Exception as exc:
            raise CheckFailed(f"the native keyring backend {native} is missing: {exc}") from exc
    try:
        status = keyring_status()
    except Exception as exc:
        raise CheckFailed(f"the keyring does not resolve a backend: {exc}") from exc
    if is_frozen():
        try:
            importlib.import_module("keyrings.alt")
        except ImportError:
            pass
        else:
            raise CheckFailed("keyrings.alt is bundled: it would store credentials as plaintext")
    note = f"; note: {status.warning}" if status.warning else ""
    return f"backend {status.backend}{note}"


def check_catalogue(ctx: Context) -> str:
    """The voice catalogue loads and every engine has voices and a default voice."""
    from studio.core.voices import VoiceCatalogue, catalogue_path

    path = catalogue_path()
    _require_bundled("the voice catalogue", path)
    catalogue = VoiceCatalogue.load(path)
    counts = {engine: len(catalogue.query(engine=engine)) for engine in ("aliyun", "baidu", "local")}
    empty = [engine for engine, count in counts.items() if not count or catalogue.default_voice(engine) is None]
    if empty:
        raise CheckFailed(f"the catalogue has no voices or no default voice for: {', '.join(empty)}")
    return f"{len(catalogue)} voices ({', '.join(f'{e} {n}' for e, n in counts.items())})"


def check_translations(ctx: Context) -> str:
    """Every bundled UI catalogue loads, with Qt's own translation of standard buttons for that language."""
    from PySide6.QtCore import QLibraryInfo, QTranslator

    from studio.paths import resources_dir

    folder = resources_dir() / "i18n"
    _require_bundled("the translations", folder)
    catalogues = sorted(folder.glob("studio_*.qm"))
    if not catalogues:
        raise CheckFailed(f"no translations (studio_*.qm) in {folder}")
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    loaded = []
    for qm in catalogues:
        language = qm.stem.removeprefix("studio_")
        translator = QTranslator()
        if not translator.load(str(qm)) or translator.isEmpty():
            raise CheckFailed(f"{qm.name} does not load")
        if translator.language() and translator.language() != language:
            raise CheckFailed(f"{qm.name} declares language {translator.language()!r}")
        qt = QTranslator()
        if not qt.load(f"qtbase_{language}", qt_dir):
            raise CheckFailed(f"Qt's own translation qtbase_{language}.qm is missing from {qt_dir}")
        loaded.append(language)
    return f"{', '.join(loaded)} (studio and Qt catalogues); English built in"


def check_resources(ctx: Context) -> str:
    """The bundled sample book imports and the app icon is there."""
    from studio.core.importers import import_file
    from studio.paths import resources_dir, sample_book

    book_path = sample_book()
    _require_bundled("the sample book", book_path)
    result = import_file(book_path)
    if not result.book.chapters or not result.book.characters:
        raise CheckFailed(f"the sample book {book_path.name} imports empty")
    icon = resources_dir() / "icons" / "studio.svg"
    if not icon.is_file():
        raise CheckFailed(f"the app icon is missing: {icon}")
    return (f"sample book {book_path.name}: {len(result.book.chapters)} chapters, "
            f"{result.book.characters:,} characters; icon {icon.name}")


def check_render(ctx: Context) -> str:
    """One paragraph of the sample book, rendered offline to an M4B with a chapter mark, and read back."""
    from mutagen.mp4 import MP4

    from studio.core.book import Book, Chapter, Paragraph, VoiceSettings
    from studio.core.importers import import_file
    from studio.core.project import Project
    from studio.engines.registry import EngineOptions
    from studio.paths import sample_book
    from studio.render.export_book import export_project

    sample = import_file(sample_book()).book
    first = next(c for c in sample.chapters if c.paragraphs)
    book = Book(title=sample.title, author=sample.author, language=sample.language,
                chapters=[Chapter(first.title, [Paragraph(first.paragraphs[0].text)])])
    project = Project.create(ctx.scratch / "sample.studio")
    output = ctx.scratch / "sample.m4b"
    try:
        project.save_book(book)
        export_project(project, output, voice=VoiceSettings(engine="local", voice="local-cmn"),
                       engine_options=EngineOptions(local_workers=1), cancel=ctx.cancel)
    finally:
        project.close()
    if not output.is_file():
        raise CheckFailed(f"no M4B was written at {output}")
    audio = MP4(str(output))
    seconds = audio.info.length
    chapters = len(audio.chapters or [])
    if seconds < 1 or chapters != 1 or audio.info.codec != "mp4a.40.2":
        raise CheckFailed(f"the M4B is wrong: {seconds:.1f} s, {chapters} chapter marks, codec {audio.info.codec}")
    return (f"{len(first.paragraphs[0].text)} characters -> {seconds:.1f} s M4B (AAC, {chapters} chapter mark, "
            f"{output.stat().st_size // 1024} KB)")


CHECKS: tuple[Check, ...] = (
    Check("qt-platform", check_qt),
    Check("qt-multimedia", check_multimedia),
    Check("ffmpeg", check_ffmpeg, 120.0),
    Check("offline-engine", check_engine, ENGINE_TIMEOUT_S + 30),
    Check("keyring", check_keyring, 60.0),
    Check("catalogue", check_catalogue, 60.0),
    Check("translations", check_translations, 60.0),
    Check("resources", check_resources, 60.0),
    Check("render-m4b", check_render, RENDER_TIMEOUT_S),
)
CHECK_NAMES = tuple(check.name for check in CHECKS)


# -- running ----------------------------------------------------------------------------------------------------------


def _describe(exc: BaseException) -> str:
    if isinstance(exc, CheckFailed):
        return str(exc)
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def run_check(check: Check, ctx: Context) -> CheckResult:
    """Run one check, never raising: a failure or a time-out becomes a FAIL result with a clear message."""
    started = time.monotonic()
    ctx.cancel = threading.Event()  # a time-out of an earlier check must not cancel this one
    outcome: list[tuple[bool, str]] = []

    def attempt() -> None:
        try:
            outcome.append((True, check.run(ctx)))
        except BaseException as exc:  # a check must never take the whole self-test down
            log.error("self-test check %s failed", check.name, exc_info=True)
            outcome.append((False, _describe(exc)))

    if check.timeout_s is None:
        attempt()
    else:
        worker = threading.Thread(target=attempt, name=f"selftest-{check.name}", daemon=True)
        worker.start()
        worker.join(check.timeout_s)
        if worker.is_alive():
            ctx.cancel.set()
            worker.join(10)
            outcome = [(False, f"did not finish within {check.timeout_s:.0f} s")]
    ok, detail = outcome[0]
    return CheckResult(check.name, ok, detail, time.monotonic() - started)


def run_checks(names: Sequence[str] | None = None, *, keep: bool = False,
               out: TextIO | None = None) -> list[CheckResult]:
    """Run the named checks (default: all) in order, printing each line as it finishes; return the results."""
    import shutil

    selected = [check for check in CHECKS if names is None or check.name in names]
    scratch = Path(tempfile.mkdtemp(prefix="studio-selftest-"))
    ctx = Context(scratch)
    results = []
    try:
        for check in selected:
            result = run_check(check, ctx)
            results.append(result)
            log.info("self-test: %s", result.line())
            if out is not None:
                print(result.line(), file=out, flush=True)
    finally:
        if keep:
            if out is not None:
                print(f"kept: {scratch}", file=out, flush=True)
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return results


def _output() -> TextIO:
    """stdout, made safe for any console encoding; a log-folder file when there is none (Windows GUI exe)."""
    stream = sys.stdout
    if stream is None:
        from studio.paths import log_dir

        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        return open(folder / "self-test.txt", "w", encoding="utf-8")  # lives until the process exits
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="backslashreplace")
    return stream


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``studio --self-test [--only a,b] [--keep]``: 0 if every check passed, 1 otherwise."""
    parser = argparse.ArgumentParser(prog="studio --self-test",
                                     description="Check that this installation of Audiobook Studio is complete.")
    parser.add_argument("--only", default=None,
                        help=f"comma-separated checks to run (default: all): {', '.join(CHECK_NAMES)}")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder with the rendered M4B")
    args = parser.parse_args(list(sys.argv[2:] if argv is None else argv))
    names = None
    if args.only:
        names = [name.strip() for name in args.only.split(",") if name.strip()]
        unknown = [name for name in names if name not in CHECK_NAMES]
        if unknown:
            parser.error(f"unknown check(s): {', '.join(unknown)} (known: {', '.join(CHECK_NAMES)})")
    from studio import __version__
    from studio.logsetup import setup_logging

    log_path = setup_logging()
    out = _output()
    mode = "frozen bundle" if is_frozen() else f"Python {sys.version.split()[0]}"
    print(f"Audiobook Studio {__version__} self-test ({mode}, {sys.platform})", file=out, flush=True)
    started = time.monotonic()
    results = run_checks(names, keep=args.keep, out=out)
    failed = [r.name for r in results if not r.ok]
    elapsed = time.monotonic() - started
    if failed:
        print(f"self-test FAILED: {len(failed)} of {len(results)} checks ({', '.join(failed)}) in {elapsed:.1f} s; "
              f"details in {log_path}", file=out, flush=True)
    else:
        print(f"self-test passed: {len(results)} checks in {elapsed:.1f} s", file=out, flush=True)
    if any(t.name.startswith("selftest-") and t.is_alive() for t in threading.enumerate()):
        # A check that timed out may still hold worker processes that interpreter shutdown would wait for.
        logging.shutdown()
        os._exit(1)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
