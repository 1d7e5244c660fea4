"""The voice catalogue as a table model, and the filter proxy behind the voice picker.

``VoiceFilterProxy`` takes exactly the filters ``VoiceCatalogue.query`` takes and accepts exactly the voices
``query`` returns: it asks the catalogue once per filter change and keeps the answer as a set, so the picker
and the CLI (``studio voices``) can never disagree about what a filter means.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor

from studio.core.voices import Voice, VoiceCatalogue
from studio.gui.i18n import ui_language_code

_Index = QModelIndex | QPersistentModelIndex

VoiceRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class VoiceFilters:
    """The keyword arguments of ``VoiceCatalogue.query``; None = no filter."""

    engine: str | None = None
    language: str | None = None
    gender: str | None = None
    scenario: str | None = None
    emotion: str | bool | None = None
    sample_rate: int | None = None
    timestamps: bool | None = None
    tier: str | None = None
    text: str | None = None

    def as_query(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def is_empty(self) -> bool:
        return all(value is None for value in self.as_query().values())


class VoiceTableModel(QAbstractTableModel):
    """One row per catalogue voice (read-only)."""

    NAME, ENGINE, GENDER, LANGUAGES, EMOTIONS, RATES, TIMESTAMPS, TIER, SCENARIO, ID = range(10)
    COLUMNS = 10

    def __init__(self, catalogue: VoiceCatalogue | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.catalogue = catalogue
        self._voices: list[Voice] = catalogue.all() if catalogue is not None else []

    def voice(self, row: int) -> Voice | None:
        return self._voices[row] if 0 <= row < len(self._voices) else None

    def row_of(self, engine: str | None, voice_id: str | None) -> int:
        for row, voice in enumerate(self._voices):
            if voice.engine == engine and voice.id == voice_id:
                return row
        return -1

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._voices)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.COLUMNS

    def engine_name(self, engine: str) -> str:
        return {"aliyun": self.tr("Alibaba"), "baidu": self.tr("Baidu"), "local": self.tr("Offline")}.get(engine,
                                                                                                           engine)

    def gender_name(self, gender: str | None) -> str:
        return {"female": self.tr("female"), "male": self.tr("male"), "child": self.tr("child"),
                None: self.tr("—")}.get(gender, str(gender))

    def _text(self, voice: Voice, column: int) -> Any:
        language = ui_language_code()
        catalogue = self.catalogue
        if column == self.NAME:
            return voice.display_name(language)
        if column == self.ENGINE:
            return self.engine_name(voice.engine)
        if column == self.GENDER:
            return self.gender_name(voice.gender)
        if column == self.LANGUAGES:
            return ", ".join(voice.languages)
        if column == self.EMOTIONS:
            if not voice.emotions:
                return ""
            labels = [catalogue.emotion_label(e, language) if catalogue else e for e in voice.emotions]
            return self.tr("{n}: {list}").format(n=len(labels), list="、".join(labels) if language == "zh"
                                                 else ", ".join(labels))
        if column == self.RATES:
            return " / ".join(f"{rate / 1000:g}k" for rate in voice.sample_rates)
        if column == self.TIMESTAMPS:
            return self.tr("yes") if voice.timestamps else self.tr("no")
        if column == self.TIER:
            return catalogue.tier_label(voice.tier, language) if catalogue else voice.tier
        if column == self.SCENARIO:
            return voice.scenario_label or ", ".join(
                catalogue.scenario_label(s, language) if catalogue else s for s in voice.scenarios)
        if column == self.ID:
            return voice.id
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        voice = self.voice(index.row()) if index.isValid() else None
        if voice is None or not 0 <= index.column() < self.COLUMNS:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(voice, index.column())
        if role == VoiceRole:
            return voice
        if role == SortRole:
            if index.column() == self.EMOTIONS:
                return len(voice.emotions)
            if index.column() == self.RATES:
                return max(voice.sample_rates, default=0)
            return str(self._text(voice, index.column()) or "")
        if role == Qt.ItemDataRole.ToolTipRole:
            notes = "\n".join(voice.notes)
            return "\n".join(part for part in (f"{voice.name} ({voice.engine}:{voice.id})", voice.type_label,
                                               voice.language_label, notes) if part)
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == self.EMOTIONS and voice.emotions:
            return QColor("#8a4fd8")
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < self.COLUMNS:
            return (self.tr("Voice"), self.tr("Engine"), self.tr("Gender"), self.tr("Languages"),
                    self.tr("Emotions"), self.tr("Sample rates"), self.tr("Timestamps"), self.tr("Tier"),
                    self.tr("Scenario"), self.tr("ID"))[section]
        return None


class VoiceFilterProxy(QSortFilterProxyModel):
    """Filters mirroring ``VoiceCatalogue.query`` (it *is* ``query``: the accepted set comes from it)."""

    def __init__(self, source: VoiceTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self.setSortRole(SortRole)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._source = source
        self._filters = VoiceFilters()
        self._accepted: set[tuple[str, str]] | None = None

    def filters(self) -> VoiceFilters:
        return self._filters

    def set_filters(self, filters: VoiceFilters | None = None, **changes: Any) -> None:
        """Replace the filters (or change some of them); the view updates once."""
        new = replace(filters if filters is not None else self._filters, **changes)
        if new == self._filters and self._accepted is not None:
            return
        modern = hasattr(self, "beginFilterChange")  # Qt 6.9+; older Qt invalidates afterwards
        if modern:
            self.beginFilterChange()
        self._filters = new
        catalogue = self._source.catalogue
        if new.is_empty() or catalogue is None:
            self._accepted = None
        else:
            self._accepted = {(v.engine, v.id) for v in catalogue.query(**new.as_query())}
        if modern:
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        if self._accepted is None:
            return True
        voice = self._source.voice(source_row)
        return voice is not None and (voice.engine, voice.id) in self._accepted

    def voices(self) -> list[Voice]:
        """The voices shown, in view order."""
        out = []
        for row in range(self.rowCount()):
            voice = self.data(self.index(row, 0), VoiceRole)
            if voice is not None:
                out.append(voice)
        return out
