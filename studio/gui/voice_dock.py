"""The Voices dock: filter the catalogue, audition a voice, assign it to the book, a chapter or paragraphs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from studio.core.book import VoiceSettings
from studio.core.book_edit import EditError, VoiceTarget
from studio.core.voices import Voice
from studio.gui.document import BookDocument
from studio.gui.i18n import ui_language_code
from studio.gui.qtcompat import emit
from studio.gui.voice_model import VoiceFilterProxy, VoiceFilters, VoiceRole, VoiceTableModel

ANY_EMOTION = "__any__"
NO_EMOTION = "__none__"


class VoiceDock(QDockWidget):
    """Signals:
        audition_requested(object): play a sample of this ``Voice``.
        message(str): a status-bar message.
    """

    audition_requested = Signal(object)
    message = Signal(str)

    def __init__(self, document: BookDocument, current_chapter: Callable[[], int],
                 selected_paragraphs: Callable[[], tuple[int, list[int]]], parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Voices"), parent)
        self.setObjectName("voices_dock")
        self.book_document = document
        self._current_chapter = current_chapter
        self._selected_paragraphs = selected_paragraphs
        catalogue = document.catalogue
        self.model = VoiceTableModel(catalogue, self)
        self.proxy = VoiceFilterProxy(self.model, self)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in ((VoiceTableModel.NAME, 150), (VoiceTableModel.ENGINE, 70),
                              (VoiceTableModel.GENDER, 60), (VoiceTableModel.LANGUAGES, 90),
                              (VoiceTableModel.EMOTIONS, 170), (VoiceTableModel.RATES, 110),
                              (VoiceTableModel.TIMESTAMPS, 90), (VoiceTableModel.TIER, 80)):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(lambda _index: self.audition())
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self.update_actions())

        # -- filters (each one a VoiceCatalogue.query argument) --
        self.engine_box = self._combo([(None, self.tr("Any engine"))] + [
            (e, self.model.engine_name(e)) for e in (catalogue.engines() if catalogue else [])])
        self.language_box = self._combo([(None, self.tr("Any language"))] + [
            (code, code) for code in _language_filters(catalogue.languages() if catalogue else [])])
        self.gender_box = self._combo([(None, self.tr("Any gender"))] + [
            (g, self.tr("unknown") if g == "unknown" else self.model.gender_name(g))
            for g in (catalogue.genders() if catalogue else [])])
        language = ui_language_code()
        self.scenario_box = self._combo([(None, self.tr("Any scenario"))] + [
            (s, catalogue.scenario_label(s, language)) for s in (catalogue.scenarios() if catalogue else [])])
        self.emotion_box = self._combo([(None, self.tr("Emotion: no filter")), (ANY_EMOTION, self.tr("Any emotion")),
                                        (NO_EMOTION, self.tr("No emotions"))] + [
            (e, catalogue.emotion_label(e, language)) for e in (catalogue.emotion_categories() if catalogue else [])])
        rates = sorted({r for v in (catalogue.all() if catalogue else []) for r in v.sample_rates})
        self.rate_box = self._combo([(None, self.tr("Any sample rate"))] + [
            (r, self.tr("{khz} kHz").format(khz=f"{r / 1000:g}")) for r in rates])
        self.timestamps_box = self._combo([(None, self.tr("Timestamps: any")),
                                           (True, self.tr("With timestamps")), (False, self.tr("No timestamps"))])
        self.tier_box = self._combo([(None, self.tr("Any tier"))] + [
            (t, catalogue.tier_label(t, language)) for t in (catalogue.tiers() if catalogue else [])])
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search name, id, type…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filters_changed)
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        boxes = [self.engine_box, self.language_box, self.gender_box, self.scenario_box, self.emotion_box,
                 self.rate_box, self.timestamps_box, self.tier_box]
        for i, box in enumerate(boxes):  # two columns: a compact sidebar next to the editor
            grid.addWidget(box, i // 2, i % 2)
        grid.addWidget(self.search, 4, 0, 1, 2)

        self.count_label = QLabel()
        self.audition_button = QPushButton(self.tr("Audition"))
        self.audition_button.setToolTip(self.tr("Speak a sample line in the selected voice"))
        self.audition_button.clicked.connect(self.audition)
        self.book_button = QPushButton(self.tr("Use for Book"))
        self.book_button.clicked.connect(lambda: self.assign("book"))
        self.chapter_button = QPushButton(self.tr("Use for Chapter"))
        self.chapter_button.clicked.connect(lambda: self.assign("chapter"))
        self.paragraph_button = QPushButton(self.tr("Use for Selected Paragraphs"))
        self.paragraph_button.clicked.connect(lambda: self.assign("paragraphs"))
        self.count_label.setWordWrap(True)
        buttons = QGridLayout()
        buttons.addWidget(self.count_label, 0, 0, 1, 2)
        for i, button in enumerate((self.audition_button, self.book_button, self.chapter_button,
                                    self.paragraph_button)):
            buttons.addWidget(button, 1 + i // 2, i % 2)
        self.paragraph_button.setText(self.tr("Use for Paragraphs"))
        self.paragraph_button.setToolTip(self.tr("Use for Selected Paragraphs"))

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(grid)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.setWidget(body)
        document.book_replaced.connect(self.update_actions)
        self._filters_changed()

    def _combo(self, items: list[tuple[Any, str]]) -> QComboBox:
        box = QComboBox()
        for value, text in items:
            box.addItem(text, value)
        box.currentIndexChanged.connect(self._filters_changed)
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(6)
        return box

    # -- filters ------------------------------------------------------------------------------------------------
    def filters_from_widgets(self) -> VoiceFilters:
        emotion = self.emotion_box.currentData()
        if emotion == ANY_EMOTION:
            emotion = True
        elif emotion == NO_EMOTION:
            emotion = False
        return VoiceFilters(
            engine=self.engine_box.currentData(), language=self.language_box.currentData(),
            gender=self.gender_box.currentData(), scenario=self.scenario_box.currentData(), emotion=emotion,
            sample_rate=self.rate_box.currentData(), timestamps=self.timestamps_box.currentData(),
            tier=self.tier_box.currentData(), text=self.search.text().strip() or None)

    def set_filters(self, **values: Any) -> None:
        """Set filter widgets by ``VoiceCatalogue.query`` argument names (used by tests and screenshots)."""
        boxes = {"engine": self.engine_box, "language": self.language_box, "gender": self.gender_box,
                 "scenario": self.scenario_box, "emotion": self.emotion_box, "sample_rate": self.rate_box,
                 "timestamps": self.timestamps_box, "tier": self.tier_box}
        for name, value in values.items():
            if name == "text":
                self.search.setText(value or "")
                continue
            if name == "emotion" and isinstance(value, bool):
                value = ANY_EMOTION if value else NO_EMOTION
            box = boxes[name]
            index = box.findData(value)
            if index < 0:
                raise ValueError(f"no {name} filter value {value!r}")
            box.setCurrentIndex(index)

    def _filters_changed(self, *_args: Any) -> None:
        """Apply the filters. The selected voice stays selected while it is shown; when a filter hides it, the
        selection is cleared and the label says so -- a filter never silently swaps the voice "Use for Book"
        would assign. An empty result names the filters that exclude each other."""
        kept = self.selected_voice()
        self.proxy.set_filters(self.filters_from_widgets())
        shown = self.proxy.rowCount()
        text = self.tr("{shown} of {total} voices").format(shown=shown, total=self.model.rowCount())
        if shown == 0:
            text = self._explain_empty()
        if kept is not None and not self.select_voice(kept.engine, kept.id):
            self.table.clearSelection()
            self.table.setCurrentIndex(self.proxy.index(-1, -1))
            text += " " + self.tr("({voice} is hidden by the filters: no voice selected.)").format(voice=kept.name)
        self.count_label.setText(text)
        self.update_actions()

    def _explain_empty(self) -> str:
        """Why no voice matches: the first two active filters that exclude each other ("0 voices: 48 kHz has no
        voice with Happy"), else every active filter."""
        catalogue = self.book_document.catalogue
        filters = self.filters_from_widgets()
        boxes = {"engine": self.engine_box, "language": self.language_box, "gender": self.gender_box,
                 "scenario": self.scenario_box, "sample_rate": self.rate_box, "timestamps": self.timestamps_box,
                 "tier": self.tier_box, "emotion": self.emotion_box}
        active = [(name, box.currentText()) for name, box in boxes.items() if box.currentData() is not None]
        if filters.text:
            active.append(("text", f"“{filters.text}”"))
        if catalogue is not None:
            base = VoiceFilters()
            for i, (first, first_label) in enumerate(active):
                for second, second_label in active[i + 1:]:
                    pair = replace(base, **{first: getattr(filters, first), second: getattr(filters, second)})
                    if not catalogue.query(**pair.as_query()):
                        return self.tr("0 voices: {first} has no voice with {second}.").format(
                            first=first_label, second=second_label)
        return self.tr("0 voices match {filters}.").format(filters=" + ".join(label for _n, label in active))

    # -- selection and actions ----------------------------------------------------------------------------------
    def selected_voice(self) -> Voice | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        voice = self.proxy.data(self.proxy.index(index.row(), 0), VoiceRole)
        return voice if isinstance(voice, Voice) else None

    def select_voice(self, engine: str, voice_id: str) -> bool:
        source_row = self.model.row_of(engine, voice_id)
        if source_row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        if not index.isValid():
            return False
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        return True

    def update_actions(self) -> None:
        voice = self.selected_voice()
        has_book = self.book_document.book is not None
        self.audition_button.setEnabled(voice is not None)
        for button in (self.book_button, self.chapter_button, self.paragraph_button):
            button.setEnabled(voice is not None and has_book)

    def audition(self) -> None:
        voice = self.selected_voice()
        if voice is not None:
            emit(self.audition_requested, voice)

    def assign(self, level: str) -> bool:
        voice = self.selected_voice()
        if voice is None:
            emit(self.message, self.tr("Select a voice first."))
            return False
        settings = VoiceSettings(engine=voice.engine, voice=voice.id)
        if level == "book":
            targets = [VoiceTarget()]
        elif level == "chapter":
            row = self._current_chapter()
            targets = [VoiceTarget(row)] if row >= 0 else []
        else:
            row, paragraphs = self._selected_paragraphs()
            targets = [VoiceTarget(row, n) for n in paragraphs] if row >= 0 else []
        try:
            return self.book_document.assign_voice(targets, settings)
        except EditError as exc:
            emit(self.message, str(exc))
            return False

    def picked_voice_settings(self) -> VoiceSettings | None:
        voice = self.selected_voice()
        return None if voice is None else VoiceSettings(engine=voice.engine, voice=voice.id)


def _language_filters(codes: list[str]) -> list[str]:
    """Offer base languages (``zh`` matches zh-CN and zh-TW) and the specific codes, without duplicates."""
    bases = sorted({code.split("-")[0] for code in codes})
    return bases + [code for code in codes if code not in bases]

