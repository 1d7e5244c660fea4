"""UI language: which catalogue to load (system locale or the user's choice) and what the UI currently speaks.

Translations are Qt Linguist files in ``resources/i18n`` (``studio_zh_CN.ts`` is the source, ``.qm`` the
compiled form the app loads). English is the source language and needs no file. A language chosen in
Preferences applies at once: the translators are swapped and the main window is rebuilt around the open project
(``MainWindow.relaunch``), since every widget's text is set when it is built.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from studio.paths import resources_dir

log = logging.getLogger("studio.gui.i18n")

_current = "en"


def i18n_dir() -> str:
    return str(resources_dir() / "i18n")


def resolve_language(choice: str, locale: QLocale | None = None) -> str:
    """``en`` or ``zh_CN`` for a setting of ``system``/``en``/``zh_CN`` (Chinese locales get Chinese)."""
    if choice in ("en", "zh_CN"):
        return choice
    locale = locale or QLocale.system()
    return "zh_CN" if locale.language() == QLocale.Language.Chinese else "en"


_installed: list[QTranslator] = []


def install_translators(app: QCoreApplication, choice: str = "system") -> str:
    """Load the studio catalogue (and Qt's own, for standard buttons) for ``choice``, replacing whatever was
    installed before; return the language."""
    global _current
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    language = resolve_language(choice)
    _current = language
    if language == "en":
        return language
    studio = QTranslator(app)
    if studio.load(f"studio_{language}", i18n_dir()):
        app.installTranslator(studio)
        _installed.append(studio)
    else:
        log.warning("no translation catalogue for %s in %s", language, i18n_dir())
    qt = QTranslator(app)
    if qt.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        _installed.append(qt)
    return language


def current_language() -> str:
    """``en`` or ``zh_CN``: what the installed catalogue speaks (used for catalogue labels and voice names)."""
    return _current


def set_current_language(language: str) -> None:
    """For tests and screenshot runs that install translators themselves."""
    global _current
    _current = language


def ui_language_code() -> str:
    """``en`` or ``zh``: the form ``VoiceCatalogue`` label functions take."""
    return "en" if _current == "en" else "zh"
