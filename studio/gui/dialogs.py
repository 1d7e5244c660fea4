"""Small non-blocking dialog helpers: messages and file pickers opened with ``open()``, answered by callback.

Why not the static ``QMessageBox.warning``/``QFileDialog.getOpenFileName``: they spin a nested event loop, in
which queued worker signals (progress, results) run re-entrantly under the caller's feet; ``open()`` keeps the
one event loop and calls back when the user answers.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from studio.gui.settings import Settings


def show_message(parent: QWidget | None, text: str, *, detail: str | None = None, error: bool = True,
                 title: str | None = None) -> QMessageBox:
    """A window-modal message that does not block the caller; returned so tests can find and close it."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning if error else QMessageBox.Icon.Information)
    box.setWindowTitle(title or (parent.windowTitle() if parent is not None else "Audiobook Studio"))
    box.setText(text)
    if detail:
        box.setDetailedText(detail)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def _file_dialog(parent: QWidget | None, title: str, settings: Settings | None) -> QFileDialog:
    dialog = QFileDialog(parent, title, settings.last_directory if settings else "")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    return dialog


def _remember(settings: Settings | None, path: Path) -> None:
    if settings is not None:
        settings.last_directory = str(path.parent if path.suffix else path)


def ask_open_file(parent: QWidget | None, title: str, name_filter: str, on_chosen: Callable[[Path], object],
                  settings: Settings | None = None) -> QFileDialog:
    dialog = _file_dialog(parent, title, settings)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setNameFilter(name_filter)
    return _open(dialog, settings, on_chosen)


def ask_directory(parent: QWidget | None, title: str, on_chosen: Callable[[Path], object],
                  settings: Settings | None = None) -> QFileDialog:
    dialog = _file_dialog(parent, title, settings)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    return _open(dialog, settings, on_chosen)


def ask_save_file(parent: QWidget | None, title: str, name_filter: str, suggestion: str,
                  on_chosen: Callable[[Path], object], settings: Settings | None = None) -> QFileDialog:
    dialog = _file_dialog(parent, title, settings)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setNameFilter(name_filter)
    dialog.selectFile(suggestion)
    return _open(dialog, settings, on_chosen)


def _open(dialog: QFileDialog, settings: Settings | None, on_chosen: Callable[[Path], object]) -> QFileDialog:
    """Show ``dialog`` window-modal; the chosen path is remembered as the next start folder, then handed on."""

    def chosen(path: str) -> None:
        _remember(settings, Path(path))
        on_chosen(Path(path))

    dialog.fileSelected.connect(chosen)
    dialog.open()
    return dialog
