"""File ▸ Snapshots…: the open project's snapshots (taken before every re-import and restore), with Restore.

Why a dialog of its own: the window offers what ``studio snapshots P`` / ``studio restore P ID`` offer, so a
book replaced by a re-import from the command line can be brought back without a terminal. The list is read
in a background task (project I/O stays off the UI thread); Restore only asks: the project controller does
the restore (saving unsaved edits first) and reloads the book.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.core.snapshots import SnapshotInfo
from studio.gui.qtcompat import emit
from studio.gui.workers import BackgroundTask


def read_snapshots(folder: Path) -> list[SnapshotInfo]:
    from studio.core.project import Project
    from studio.core.snapshots import list_snapshots

    with Project.open(folder) as project:
        return list_snapshots(project)


class SnapshotsDialog(QDialog):
    """Signals:
        restore_requested(str): the user chose Restore for this snapshot id.
    """

    restore_requested = Signal(str)

    def __init__(self, folder: Path, parent: QWidget | None = None, *, can_restore: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("snapshots_dialog")
        self.setWindowTitle(self.tr("Snapshots"))
        self.folder = folder
        self.can_restore = can_restore
        self.snapshots: list[SnapshotInfo] = []
        self.hint = QLabel(self.tr("A snapshot of the book is taken before every re-import and every restore. "
                                   "Restoring one first snapshots the current book, so a restore can be undone."))
        self.hint.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setRootIsDecorated(False)
        self.tree.setHeaderLabels([self.tr("Taken"), self.tr("Why"), self.tr("Chapters"), self.tr("Paragraphs")])
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.tree.itemDoubleClicked.connect(lambda *_: self.restore_selected())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.restore_button = QPushButton(self.tr("Restore"))
        self.restore_button.setToolTip(self.tr("Make this snapshot the book again"))
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.restore_button.clicked.connect(self.restore_selected)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.hint, self.tree, buttons):
            layout.addWidget(widget)
        self.resize(640, 320)
        self._update_buttons()
        self.task = BackgroundTask(lambda _report, _cancel: read_snapshots(folder), self, pool="project")
        self.task.succeeded.connect(self._show)
        self.task.failed.connect(lambda exc: self.hint.setText(str(exc)))
        self.task.start()

    def _show(self, snapshots: list[SnapshotInfo]) -> None:
        self.snapshots = list(reversed(snapshots))  # newest first: the one just replaced is the likely choice
        self.tree.clear()
        for snap in self.snapshots:
            item = QTreeWidgetItem([snap.when, snap.reason, str(snap.chapters), str(snap.paragraphs)])
            item.setData(0, Qt.ItemDataRole.UserRole, snap.id)
            self.tree.addTopLevelItem(item)
        if not self.snapshots:
            self.hint.setText(self.tr("This project has no snapshots yet: one is taken before every re-import "
                                      "and every restore."))
        elif (newest := self.tree.topLevelItem(0)) is not None:
            self.tree.setCurrentItem(newest)
        for column in range(4):
            self.tree.resizeColumnToContents(column)

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(self.can_restore and self.tree.currentItem() is not None)
        if not self.can_restore:
            self.restore_button.setToolTip(self.tr("Not while a render of this project runs"))

    def restore_selected(self) -> None:
        item = self.tree.currentItem()
        if item is None or not self.can_restore:
            return
        emit(self.restore_requested, str(item.data(0, Qt.ItemDataRole.UserRole)))
        self.accept()
