"""The "Insert emotion" menu: the categories the effective voice accepts, plus an intensity control.

It lists only what the voice supports (``Voice.emotions`` from the catalogue), so an emotion the vendor would
reject ("Illegal ssml text") cannot be chosen in the first place. For a voice without emotions, or one the
catalogue does not know, the menu is disabled and its tooltip says why and what to do. The intensity starts
at 1.0 (normal) each time the menu opens, so a strong setting for one span does not carry over to the next.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QKeyEvent, QPixmap
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QLabel, QMenu, QWidget, QWidgetAction

from studio.core.book import MAX_INTENSITY, MIN_INTENSITY
from studio.gui.qtcompat import emit

DEFAULT_INTENSITY = 1.0

# Background colours for emotion spans in the editor and the legend; others get a colour from their name.
EMOTION_COLORS = {
    "happy": "#fff1a8", "sad": "#cfe0ff", "angry": "#ffc4c4", "fear": "#e3d2ff", "surprise": "#ffd9a8",
    "neutral": "#e6e9ec", "hate": "#d9c4b0", "disgust": "#cdeccd", "affectionate": "#ffd1ea", "gentle": "#d7f3ef",
    "serious": "#d6dbe6", "arousal": "#ffcfbf", "jealousy": "#e2f0b8", "embarrassed": "#f9d5c9",
    "frustrated": "#d5d0f0", "newscast": "#d8e8f5", "customer-service": "#e6f2d9", "story": "#f3e3c3",
    "living": "#e0f0e8",
}


def emotion_color(category: str) -> QColor:
    known = EMOTION_COLORS.get(category.strip().lower())
    if known:
        return QColor(known)
    hue = sum(ord(c) * 37 for c in category) % 360
    return QColor.fromHsv(hue, 60, 250)


def swatch(category: str) -> QIcon:
    """A 14-px colour swatch with pixmaps for 1x, 2x and 3x screens."""
    icon = QIcon()
    for scale in (1, 2, 3):
        pixmap = QPixmap(14 * scale, 14 * scale)
        pixmap.setDevicePixelRatio(scale)
        pixmap.fill(emotion_color(category))
        icon.addPixmap(pixmap)
    return icon


class EmotionMenu(QMenu):
    """Signals:
        chosen(str, float): a category and the intensity set in the menu.
    """

    chosen = Signal(str, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Insert emotion"))
        self.setToolTipsVisible(True)
        row = QWidget(self)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(8, 4, 8, 4)
        label = QLabel(self.tr("Intensity"))
        self.intensity = QDoubleSpinBox(row)
        self.intensity.setRange(MIN_INTENSITY, MAX_INTENSITY)
        self.intensity.setSingleStep(0.1)
        self.intensity.setDecimals(2)
        self.intensity.setValue(DEFAULT_INTENSITY)
        self.intensity.setToolTip(self.tr("How strongly the emotion is expressed: 0.01 to 2.0 (1.0 is normal)."))
        label.setBuddy(self.intensity)
        layout.addWidget(label)
        layout.addWidget(self.intensity)
        self._intensity_action = QWidgetAction(self)
        self._intensity_action.setDefaultWidget(row)
        self.addAction(self._intensity_action)
        self.addSeparator()
        self._category_actions: list[QAction] = []
        self.aboutToShow.connect(lambda: self.intensity.setValue(DEFAULT_INTENSITY))

    def set_categories(self, categories: Sequence[tuple[str, str]]) -> None:
        """``(key, label)`` pairs, in the vendor's order."""
        for action in self._category_actions:
            self.removeAction(action)
            action.deleteLater()
        self._category_actions = []
        for key, label in categories:
            text = label if label.lower() == key.lower() else self.tr("{label} ({key})").format(label=label, key=key)
            action = self.addAction(swatch(key), text)
            action.setData(key)
            action.triggered.connect(lambda _checked=False, k=key: emit(self.chosen, k, self.intensity.value()))
            self._category_actions.append(action)
        self.setEnabled(bool(categories))

    def set_unavailable(self, reason: str) -> None:
        self.set_categories([])
        self.setEnabled(False)
        self.setToolTip(reason)
        self.menuAction().setToolTip(reason)

    def category_action(self, key: str) -> QAction | None:
        return next((a for a in self._category_actions if a.data() == key), None)

    def categories(self) -> list[str]:
        return [a.data() for a in self._category_actions]

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Let the spin box take digits and arrows without the menu's keyboard search stealing them.
        if self.intensity.hasFocus() and event.key() not in (Qt.Key.Key_Escape,):
            self.intensity.keyPressEvent(event)
            return
        super().keyPressEvent(event)
