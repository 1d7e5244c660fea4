"""Where the Export dialog suggests writing, and showing the written files' folder in the file manager."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QDesktopServices

from studio.paths import data_dir

log = logging.getLogger("studio.gui.export")


def suggested_export_folder(project: Path | None, last_directory: str) -> Path:
    """Where an export is suggested: beside the project (where the author keeps the book), unless the project
    lives in the app's own data folder (opened straight from a manuscript); then the last folder used."""
    if project is not None:
        beside = Path(project).resolve().parent
        if not beside.is_relative_to(data_dir().resolve()):
            return beside
    return Path(last_directory) if last_directory else Path.home()


def open_folder(folder: Path) -> str | None:
    """Show the folder in the file manager (not under the offscreen test platform); why it could not, or None."""
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        log.info("not opening %s (offscreen)", folder)
        return None
    return show_in_file_manager(folder)


def show_in_file_manager(folder: Path) -> str | None:
    """Ask the desktop to show ``folder``; the reason it did not (None when it did)."""
    if not folder.is_dir():
        return QCoreApplication.translate("ExportDialog", "the folder does not exist")
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        log.warning("the desktop did not open %s", folder)
        return QCoreApplication.translate("ExportDialog", "no file manager answered (the desktop refused to "
                                          "open it)")
    return None
