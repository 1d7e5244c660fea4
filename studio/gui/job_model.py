"""JobTableModel: every render unit of the current render and its state, fed in batches.

Rows are created once per render (``set_plan``); state changes arrive as batches from the throttle
(``apply``), and each batch emits one ``dataChanged`` per contiguous block of touched rows, so a thousand
unit updates cost a handful of repaints.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from studio.gui.qtcompat import emit
from studio.render.job_store import FINAL_STATES, LIVE_STATES, JobState

_Index = QModelIndex | QPersistentModelIndex

#: A row's first paragraph for the opening and closing credits (``studio.render.credits_plan``, not imported:
#: the window starts without the planner).
CREDIT_ROWS = {-2: "opening", -3: "closing"}

STATE_COLORS: dict[str, str] = {
    JobState.DONE: "#2e9d48", JobState.FAILED: "#d03030", JobState.RUNNING: "#3b7dd8",
    JobState.DOWNLOADING: "#3b7dd8", JobState.SUBMITTED: "#6d7a8c", JobState.CANCELLED: "#9e9e9e"}


@dataclass
class JobRow:
    cache_key: str
    chapter_index: int
    paragraphs: tuple[int, ...]
    chapter_title: str
    engine: str
    voice: str
    characters: int
    state: str = "queued"
    task_id: str = ""
    vendor_code: str = ""
    message: str = ""
    attempts: int = 0
    cached: bool = False


class JobTableModel(QAbstractTableModel):
    CHAPTER, PARAGRAPH, ENGINE, VOICE, CHARACTERS, STATE, ATTEMPTS, TASK, CODE, MESSAGE = range(10)
    COLUMNS = 10

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[JobRow] = []
        self._by_key: dict[str, list[int]] = {}

    # -- feeding ------------------------------------------------------------------------------------------------
    def set_plan(self, rows: list[JobRow]) -> None:
        self.beginResetModel()
        self._rows = rows
        self._by_key = {}
        for i, row in enumerate(rows):
            self._by_key.setdefault(row.cache_key, []).append(i)
        self.endResetModel()

    def rows(self) -> list[JobRow]:
        return list(self._rows)

    def row(self, i: int) -> JobRow:
        return self._rows[i]

    def apply(self, updates: list[tuple[str, dict[str, Any]]]) -> int:
        """Apply ``(cache_key, fields)`` updates; return how many rows changed. One repaint per block of rows."""
        touched: set[int] = set()
        for key, values in updates:
            for i in self._by_key.get(key, ()):
                row = self._rows[i]
                for name, value in values.items():
                    setattr(row, name, value)
                touched.add(i)
        for first, last in _blocks(sorted(touched)):
            emit(self.dataChanged, self.index(first, 0), self.index(last, self.COLUMNS - 1))
        return len(touched)

    def stop_unfinished(self, state: str = "cancelled", keys: frozenset[str] | None = None) -> None:
        """Mark unfinished rows (of ``keys`` only, if given) as stopped."""
        updates = [(row.cache_key, {"state": state}) for row in self._rows
                   if row.state not in FINAL_STATES and (keys is None or row.cache_key in keys)]
        self.apply(updates)

    def chapter_progress(self) -> dict[int, tuple[int, int, bool, int]]:
        """Per chapter of the plan: (units done, units, whether one failed, units at work: at the vendor or
        being downloaded)."""
        out: dict[int, tuple[int, int, bool, int]] = {}
        for row in self._rows:
            if row.paragraphs and row.paragraphs[0] in CREDIT_ROWS:
                continue  # the credits sit at the first and last chapter's place but are not their text
            done, total, failed, active = out.get(row.chapter_index, (0, 0, False, 0))
            out[row.chapter_index] = (done + (row.state == JobState.DONE), total + 1,
                                      failed or row.state == JobState.FAILED, active + (row.state in LIVE_STATES))
        return out

    def counts(self) -> Counter[str]:
        return Counter(row.state for row in self._rows)

    # -- QAbstractItemModel -------------------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.COLUMNS

    def state_text(self, state: str) -> str:
        texts: dict[str, str] = {
            JobState.QUEUED: self.tr("queued"), JobState.SUBMITTED: self.tr("submitted"),
            JobState.RUNNING: self.tr("running"), JobState.DOWNLOADING: self.tr("downloading"),
            JobState.DONE: self.tr("done"), JobState.FAILED: self.tr("failed"),
            JobState.CANCELLED: self.tr("cancelled")}
        return texts.get(state, state)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.CHAPTER:
                return row.chapter_title
            if column == self.PARAGRAPH:
                if row.paragraphs[0] in CREDIT_ROWS:
                    return "—"
                first, last = row.paragraphs[0] + 1, row.paragraphs[-1] + 1
                return first if first == last else f"{first}–{last}"
            if column == self.ENGINE:
                return {"aliyun": self.tr("Alibaba"), "baidu": self.tr("Baidu"), "local": self.tr("Offline")}.get(
                    row.engine, row.engine)
            if column == self.VOICE:
                return row.voice
            if column == self.CHARACTERS:
                return row.characters
            if column == self.STATE:
                text = self.state_text(row.state)
                return self.tr("{state} (cached)").format(state=text) if row.cached else text
            if column == self.TASK:
                return row.task_id
            if column == self.CODE:
                return row.vendor_code
            if column == self.MESSAGE:
                return row.message
            if column == self.ATTEMPTS:
                return row.attempts
            return None
        if role == Qt.ItemDataRole.ForegroundRole and column == self.STATE and row.state in STATE_COLORS:
            return QColor(STATE_COLORS[row.state])
        if role == Qt.ItemDataRole.ToolTipRole and column in (self.MESSAGE, self.CODE) and row.message:
            return row.message
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (self.PARAGRAPH, self.CHARACTERS, self.ATTEMPTS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < self.COLUMNS:
            return (self.tr("Chapter"), self.tr("¶"), self.tr("Engine"), self.tr("Voice"), self.tr("Characters"),
                    self.tr("State"), self.tr("Attempts"), self.tr("Task ID"), self.tr("Vendor code"),
                    self.tr("Message"))[section]
        return None


def _blocks(rows: list[int]) -> list[tuple[int, int]]:
    blocks: list[tuple[int, int]] = []
    for row in rows:
        if blocks and row == blocks[-1][1] + 1:
            blocks[-1] = (blocks[-1][0], row)
        else:
            blocks.append((row, row))
    return blocks
