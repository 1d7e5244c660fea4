"""The Qt parts of ``studio --self-test``: the platform plugin, QtMultimedia's backend and the translations.

Why here: only ``studio.gui`` imports Qt (a test walks the imports), and the self-test's driver
(``studio.selftest``) is imported by the headless CLI. PySide6 is imported inside each check, never at module
level, so that a broken or missing Qt becomes that check's FAIL line instead of an import error that takes the
whole self-test down; the same reason makes ``qt_app`` check the platform plugin and the display before Qt can
abort the process.
"""

from __future__ import annotations

import math
import os
import struct
import sys
import wave
from pathlib import Path
from typing import TYPE_CHECKING

from studio.selftest_checks import CheckFailed, Context, require_bundled

if TYPE_CHECKING:
    from PySide6.QtCore import QCoreApplication

#: A check that takes longer to load a 0.5 s WAV is a failure, not a hang.
QT_LOAD_TIMEOUT_S = 20.0


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


def qt_app() -> QCoreApplication:
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

    app = qt_app()
    platform = app.platformName() if hasattr(app, "platformName") else "none (QCoreApplication)"
    plugins = QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)
    require_bundled("Qt's plugin folder", plugins)
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

    qt_app()
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


def check_translations(ctx: Context) -> str:
    """Every bundled UI catalogue loads, with Qt's own translation of standard buttons for that language."""
    from PySide6.QtCore import QLibraryInfo, QTranslator

    from studio.paths import resources_dir

    folder = resources_dir() / "i18n"
    require_bundled("the translations", folder)
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
