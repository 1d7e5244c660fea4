"""What the bundle is called and what it leaves out, shared by ``studio.spec`` and ``build.py``.

Kept in one small module so the spec (run by PyInstaller) and the build script (which checks, measures and
packs the result) can never disagree about names or about what must not be in the bundle.
"""

from __future__ import annotations

import re
import sys

APP_NAME = "AudiobookStudio"
#: What the user sees (macOS menu bar, Windows Explorer, installer titles).
DISPLAY_NAME = "Audiobook Studio"
#: The windowed executable (no console window on Windows; the .app's main executable on macOS).
GUI_EXE = "AudiobookStudio"
#: A console executable next to it: the CLI and ``--self-test`` need stdout, which a Windows GUI exe lacks.
CLI_EXE = "studio"
BUNDLE_ID = "org.audiobookstudio.studio"
PUBLISHER = "Audiobook Studio"
COPYRIGHT = "© Audiobook Studio contributors"

#: Python packages the app never imports but a developer's environment may hold. keyrings.alt in particular
#: would silently become the keyring and store passwords in plaintext, so it must never be bundled.
EXCLUDED_MODULES = [
    "tkinter", "_tkinter", "turtle", "readline", "idlelib", "pydoc_data", "lib2to3", "ensurepip", "venv",
    "pytest", "_pytest", "pytestqt", "hypothesis", "pluggy", "iniconfig", "ruff",
    "keyrings", "keyrings.alt",
    "tests", "IPython", "numpy", "scipy", "matplotlib", "PIL", "setuptools", "pkg_resources", "pip",
    "PyInstaller",
]

#: Qt for Python modules the app does not use (it uses QtCore, QtGui, QtWidgets, QtSvg, QtMultimedia).
EXCLUDED_QT_MODULES = [
    f"PySide6.{name}" for name in (
        "Qt3DAnimation", "Qt3DCore", "Qt3DExtras", "Qt3DInput", "Qt3DLogic", "Qt3DRender", "QtAxContainer",
        "QtBluetooth", "QtCharts", "QtConcurrent", "QtDataVisualization", "QtDesigner", "QtGraphs",
        "QtGraphsWidgets", "QtHelp", "QtHttpServer", "QtLocation", "QtMultimediaWidgets", "QtNetworkAuth",
        "QtNfc", "QtOpenGLWidgets", "QtPdf", "QtPdfWidgets", "QtPositioning", "QtPrintSupport", "QtQml",
        "QtQuick", "QtQuick3D", "QtQuickControls2", "QtQuickTest", "QtQuickWidgets", "QtRemoteObjects",
        "QtScxml", "QtSensors", "QtSerialBus", "QtSerialPort", "QtSpatialAudio", "QtSql", "QtStateMachine",
        "QtTest", "QtTextToSpeech", "QtUiTools", "QtWebChannel", "QtWebEngineCore", "QtWebEngineQuick",
        "QtWebEngineWidgets", "QtWebSockets", "QtWebView", "QtXml", "QtCanvasPainter",
    )
]

#: Qt plugins left out by file name (lower case substrings). The GTK theme plugin drags the whole GTK 3
#: stack of the build machine into the bundle (and makes the app depend on that machine's GTK); Qt's
#: Fusion style with the platform palette is what the app is designed and tested with. The Linux
#: framebuffer/VNC/EGL platforms are for embedded devices.
EXCLUDED_QT_PLUGINS = [
    "qgtk3", "qtvirtualkeyboard", "qeglfs", "qlinuxfb", "qvnc", "qvkkhrdisplay", "qminimalegl", "qpdf",
]

#: Top-level names that must not appear in the bundle (checked by build.py after the build).
FORBIDDEN_TOP_LEVEL = ["tests", "keyrings", "pytest", "_pytest", "hypothesis", "pytestqt"]


def exe_suffix() -> str:
    """``.exe`` on Windows, nothing elsewhere."""
    return ".exe" if sys.platform == "win32" else ""


def numeric_version(version: str) -> tuple[int, int, int, int]:
    """The four numbers Windows wants (version resources, Inno Setup's ``VersionInfoVersion``) for a package
    version: its leading numeric release, padded with zeros. A pre-/post-/dev-release suffix is dropped, so
    ``0.2.0rc1`` is ``(0, 2, 0, 0)``, like ``0.2.0`` (the text version keeps the suffix)."""
    match = re.match(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?", version.strip().lstrip("vV"))
    if match is None:
        raise ValueError(f"not a version: {version!r}")
    numbers = tuple(int(part or 0) for part in match.groups())
    if any(number > 0xFFFF for number in numbers):
        raise ValueError(f"{version!r}: Windows version numbers are at most 65535 each")
    return numbers  # type: ignore[return-value]


def numeric_version_text(version: str) -> str:
    """``numeric_version`` as ``a.b.c.d`` (what ISCC gets as ``/DAppVersionNumeric``)."""
    return ".".join(str(number) for number in numeric_version(version))


def version_info_text(version: str, exe_name: str, description: str = DISPLAY_NAME) -> str:
    """The Windows version resource of one executable, in PyInstaller's ``VSVersionInfo`` text format (shown by
    Explorer's Details tab, read by installers and AV scanners). ``exe_name`` is without ``.exe``: each
    executable names itself (InternalName, OriginalFilename)."""
    numbers = numeric_version(version)
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={numbers}, prodvers={numbers}, mask=0x3f, flags=0x0, OS=0x40004,
                    fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('040904B0', [
      StringStruct('CompanyName', {PUBLISHER!r}),
      StringStruct('FileDescription', {description!r}),
      StringStruct('FileVersion', {version!r}),
      StringStruct('InternalName', {exe_name!r}),
      StringStruct('LegalCopyright', {COPYRIGHT!r}),
      StringStruct('OriginalFilename', {exe_name + '.exe'!r}),
      StringStruct('ProductName', {DISPLAY_NAME!r}),
      StringStruct('ProductVersion', {version!r})])]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])])
  ]
)
"""
