"""Paragraph delivery: speed, pitch, volume and the pause after the selected paragraphs (the project stores them
per paragraph in ``Paragraph.voice``; until now only the CLI's book-wide flags could set them). The pause is the
export's silence after the paragraph, so it changes no cache key and renders nothing again.

Each control starts at the paragraph's own value, or at "inherited" when the paragraph follows its chapter and
book. The paragraphs keep their engine and voice; one undo step reverts the whole change. "Applies to" sets
the same values as the chapter's or the book's defaults instead (what paragraphs without their own inherit).
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.core.book import VoiceSettings
from studio.core.book_edit import VoiceTarget
from studio.gui.document import BookDocument

# (setting, lowest valid value, highest) -- the CLI's ranges (``studio render --speed/--pitch/--volume``).
RANGES = {"speed": (0.5, 2.0), "pitch": (0.5, 2.0), "volume": (0.0, 2.0)}
STEP = 0.05
# The pause after a paragraph (ms): the export's gap limit is a minute; ten seconds is plenty for a scene break.
PAUSE_STEP_MS = 100
MAX_PAUSE_MS = 10_000


class DeliveryDialog(QDialog):
    """Set speed, pitch, volume and pause after of paragraphs ``numbers`` of chapter ``row`` (one undo step)."""

    def __init__(self, document: BookDocument, row: int, numbers: list[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Paragraph Delivery"))
        self.book_document = document
        self.row = row
        self.numbers = list(numbers)
        form = QFormLayout()
        # Where the values go: the selected paragraphs, or the defaults of their chapter or of the whole book.
        self.scope = QComboBox()
        self.scope.setObjectName("delivery_scope")
        for key, label in (("paragraph", self.tr("Selected paragraphs")), ("chapter", self.tr("This chapter")),
                           ("book", self.tr("Whole book"))):
            self.scope.addItem(label, key)
        form.addRow(self.tr("Applies to"), self.scope)
        self.spins: dict[str, QDoubleSpinBox] = {}
        labels = {"speed": self.tr("Speed"), "pitch": self.tr("Pitch"), "volume": self.tr("Volume")}
        for name, (low, high) in RANGES.items():
            spin = QDoubleSpinBox()
            spin.setDecimals(2)
            spin.setSingleStep(STEP)
            spin.setRange(low - STEP, high)  # the step below the range means "inherited"
            spin.setSpecialValueText(self.tr("inherited"))
            self.spins[name] = spin
            form.addRow(labels[name], spin)
        self.pause = QSpinBox()  # the silence after the paragraph in the export (not sent to the engine)
        self.pause.setRange(-PAUSE_STEP_MS, MAX_PAUSE_MS)  # the step below 0 means "inherited"
        self.pause.setSingleStep(PAUSE_STEP_MS)
        self.pause.setSuffix(" ms")
        self.pause.setSpecialValueText(self.tr("inherited"))
        self.pause.setToolTip(self.tr("Silence after the paragraph in the export, instead of the export's "
                                      "paragraph gap; changing it renders nothing again"))
        form.addRow(self.tr("Pause after"), self.pause)
        self._load()
        self.scope.currentIndexChanged.connect(self._load)
        note = QLabel(self.tr("{n} paragraph(s); 1 = the voice's normal delivery.").format(n=len(self.numbers)))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def _targets(self) -> list[VoiceTarget]:
        scope = self.scope.currentData()
        if scope == "book":
            return [VoiceTarget()]
        if scope == "chapter":
            return [VoiceTarget(self.row)]
        return [VoiceTarget(self.row, n) for n in self.numbers]

    def _voice(self, target: VoiceTarget) -> VoiceSettings:
        book = self.book_document.require_book()
        if target.chapter is None:
            return book.voice
        chapter = book.chapters[target.chapter]
        return chapter.voice if target.paragraph is None else chapter.paragraphs[target.paragraph].voice

    def _load(self) -> None:
        """Show the values stored at the chosen scope ("inherited" where unset or where paragraphs differ)."""
        voices = [self._voice(t) for t in self._targets()]
        for name, spin in self.spins.items():
            values = {getattr(v, name) for v in voices}
            only = next(iter(values)) if len(values) == 1 else None
            spin.setValue(only if only is not None else RANGES[name][0] - STEP)
        pauses = {v.pause_after_ms for v in voices}
        only_pause = next(iter(pauses)) if len(pauses) == 1 else None
        self.pause.setValue(only_pause if only_pause is not None else -PAUSE_STEP_MS)

    def chosen(self) -> dict[str, float | None]:
        """The values set (None: inherited)."""
        return {name: (None if spin.value() < RANGES[name][0] else round(spin.value(), 2))
                for name, spin in self.spins.items()}

    def chosen_pause(self) -> int | None:
        """The pause after the paragraphs in ms (None: inherited from the chapter, the book, the export gap)."""
        return None if self.pause.value() < 0 else self.pause.value()

    def accept(self) -> None:
        self.apply()
        super().accept()

    def apply(self) -> bool:
        """Store the values on each paragraph, keeping its engine and voice; one undo step."""
        document = self.book_document
        values = self.chosen()
        changes = []
        for target in self._targets():
            old = self._voice(target)
            new = replace(old, speed=values["speed"], pitch=values["pitch"], volume=values["volume"],
                          pause_after_ms=self.chosen_pause())
            if new != old:
                changes.append((target, new))
        if not changes:
            return False
        stack = document.undo_stack
        stack.beginMacro(self.tr("Paragraph delivery"))
        try:
            for target, voice in changes:
                document.assign_voice([target], voice)
        finally:
            stack.endMacro()
        return True
