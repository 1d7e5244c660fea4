"""The Import Warnings dock: every warning the importer raised for the book just imported, not only a count.

Why a panel: "3 warnings" in the status bar told the author something was off without saying what (a
replaced undecodable byte, a heading taken for a chapter, an emotion tag that was not one). The dock opens
itself after an import with warnings and empties when another project opens.
"""

from __future__ import annotations

from PySide6.QtCore import QStringListModel
from PySide6.QtWidgets import QDockWidget, QListView, QWidget


class ImportWarningsDock(QDockWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Import Warnings"), parent)
        self.setObjectName("import_warnings_dock")
        self.model = QStringListModel(self)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setWordWrap(True)
        self.view.setAlternatingRowColors(True)
        self.setWidget(self.view)

    def warnings(self) -> list[str]:
        return self.model.stringList()

    def show_warnings(self, warnings: list[str]) -> None:
        """List ``warnings`` (opening the dock) or, with none, empty and close it."""
        self.model.setStringList(list(warnings))
        self.setWindowTitle(self.tr("Import Warnings ({n})").format(n=len(warnings)) if warnings
                            else self.tr("Import Warnings"))
        self.setVisible(bool(warnings))
        if warnings:
            self.raise_()
