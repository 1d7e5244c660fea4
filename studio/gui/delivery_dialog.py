"""Paragraph delivery: speed, pitch and volume for the selected paragraphs (the project stores them per paragraph
in ``Paragraph.voice``; until now only the CLI's book-wide flags could set them).

Each control starts at the paragraph's own value, or at "inherited" when the paragraph follows its chapter and
book. The paragraphs keep their engine and voice; one undo step reverts the whole change.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from studio.core.book_edit import VoiceTarget
from studio.gui.document import BookDocument

# (setting, lowest valid value, highest) -- the CLI's ranges (``studio render --speed/--pitch/--volume``).
RANGES = {"speed": (0.5, 2.0), "pitch": (0.5, 2.0), "volume": (0.0, 2.0)}
STEP = 0.05


class DeliveryDialog(QDialog):
    """Set speed, pitch and volume of paragraphs ``numbers`` of chapter ``row`` (one undo step)."""

    def __init__(self, document: BookDocument, row: int, numbers: list[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Paragraph Delivery"))
        self.book_document = document
        self.row = row
        self.numbers = list(numbers)
        chapter = document.require_book().chapters[row]
        voices = [chapter.paragraphs[n].voice for n in self.numbers]
        form = QFormLayout()
        self.spins: dict[str, QDoubleSpinBox] = {}
        labels = {"speed": self.tr("Speed"), "pitch": self.tr("Pitch"), "volume": self.tr("Volume")}
        for name, (low, high) in RANGES.items():
            spin = QDoubleSpinBox()
            spin.setDecimals(2)
            spin.setSingleStep(STEP)
            spin.setRange(low - STEP, high)  # the step below the range means "inherited"
            spin.setSpecialValueText(self.tr("inherited"))
            values = {getattr(v, name) for v in voices}
            only = next(iter(values)) if len(values) == 1 else None
            spin.setValue(only if only is not None else low - STEP)
            self.spins[name] = spin
            form.addRow(labels[name], spin)
        note = QLabel(self.tr("{n} paragraph(s); 1 = the voice's normal delivery.").format(n=len(self.numbers)))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def chosen(self) -> dict[str, float | None]:
        """The values set (None: inherited)."""
        return {name: (None if spin.value() < RANGES[name][0] else round(spin.value(), 2))
                for name, spin in self.spins.items()}

    def accept(self) -> None:
        self.apply()
        super().accept()

    def apply(self) -> bool:
        """Store the values on each paragraph, keeping its engine and voice; one undo step."""
        document = self.book_document
        chapter = document.require_book().chapters[self.row]
        values = self.chosen()
        changes = []
        for n in self.numbers:
            old = chapter.paragraphs[n].voice
            new = replace(old, **values)
            if new != old:
                changes.append((n, new))
        if not changes:
            return False
        stack = document.undo_stack
        stack.beginMacro(self.tr("Paragraph delivery"))
        try:
            for n, voice in changes:
                document.assign_voice([VoiceTarget(self.row, n)], voice)
        finally:
            stack.endMacro()
        return True
