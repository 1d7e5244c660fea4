"""The ACX extras in the Export dialog: opening/closing credits and the retail sample (shown with the ACX preset).

Both are on by default because ACX rejects a book without credits and asks for a sample; the author may leave
either out. The credits' text comes from the book's metadata or the author's own wording in the project
(``studio.core.credits``), shown and edited here (``credits_editor``); they are rendered in the book's voice like
any paragraph.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QGroupBox, QHBoxLayout, QVBoxLayout, QWidget

from studio.gui.credits_editor import CreditsEditor
from studio.gui.document import BookDocument


class AcxExtras(QWidget):
    """Two check boxes: credits as the first and last files, and a ~3 minute retail sample; the credit texts."""

    def __init__(self, document: BookDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.credits = QCheckBox(self.tr("Opening and closing credits"))
        self.credits.setToolTip(self.tr("Title, author and narrator, spoken in the book's voice as the first and "
                                        "last files"))
        self.credits.setChecked(True)
        self.sample = QCheckBox(self.tr("Retail sample (about 3 minutes)"))
        self.sample.setToolTip(self.tr("A 1-5 minute sample from the start of the book, without credits, written "
                                       "next to the chapters"))
        self.sample.setChecked(True)
        self.editor = CreditsEditor(document)
        # the dialog places the texts beside its settings while the ACX preset has credits on (it widens, and a
        # 1024x700 screen still fits it)
        self.group = QGroupBox(self.tr("Credits"))
        texts = QVBoxLayout(self.group)
        texts.addWidget(self.editor)
        texts.addStretch(1)
        self.group.setVisible(False)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.credits)
        row.addWidget(self.sample)
        row.addStretch(1)

    def show_credits(self, acx: bool, dialog: QWidget) -> bool:
        """Show the credit texts when the ACX preset has credits on; whether that changed."""
        shown = acx and self.credits.isChecked()
        if shown == self.group.isVisibleTo(dialog):
            return False
        self.group.setVisible(shown)
        return True
