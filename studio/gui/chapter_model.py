"""ChapterTreeModel: the book's chapters as a Qt item model, editable, reorderable by drag and drop.

Columns: title (editable), render status, voice, paragraphs, characters. Rows are chapters (no children:
paragraphs live in the editor).

User edits arriving through the Qt model API (``setData`` for an inline rename, ``dropMimeData`` and
``moveRows`` for a reorder) do not change the book here: they ask the ``BookDocument``, which pushes an undoable
command; the command's ``apply`` then calls the ``apply_*`` methods below, which wrap the pure
``studio.core.book_edit`` operation in the right begin/end notifications.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

from studio.core import book_edit
from studio.core.book import Book, Chapter, VoiceSettings
from studio.gui.qtcompat import emit
from studio.render.session.statuses import (
    STATUS_DONE,
    STATUS_EMPTY,
    STATUS_FAILED,
    STATUS_NONE,
    STATUS_PARTIAL,
    STATUS_QUEUED,
    STATUS_RENDERING,
    STATUS_STALE,
    STATUS_UNKNOWN,
)

if TYPE_CHECKING:
    from studio.gui.document import BookDocument

_Index = QModelIndex | QPersistentModelIndex

MIME_TYPE = "application/x-audiobook-studio-chapters"

# Render status of a chapter: derived from the project (studio.render.session.statuses), re-exported here.
#: The Voice column's colour for a chapter that speaks with the book's voice (inherited, not its own).
INHERITED_COLOR = "#8a8f98"
STATUS_COLORS = {STATUS_NONE: "#9e9e9e", STATUS_STALE: "#f0a020", STATUS_PARTIAL: "#8fb8e8", STATUS_DONE: "#2e9d48",
                 STATUS_FAILED: "#d03030", STATUS_EMPTY: "#d0d0d0", STATUS_UNKNOWN: "#e0e0e0",
                 STATUS_RENDERING: "#3b7dd8", STATUS_QUEUED: "#b8c4d6"}


def _dot(color: str) -> QIcon:
    """A 12-px status dot, drawn for 1x, 2x and 3x screens (QIcon picks the sharp one for the display)."""
    icon = QIcon()
    for scale in (1, 2, 3):
        pixmap = QPixmap(12 * scale, 12 * scale)
        pixmap.setDevicePixelRatio(scale)
        pixmap.fill(QColor(0, 0, 0, 0))
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(QColor(color))
        painter.setPen(QColor(color).darker(130))
        painter.drawEllipse(QRectF(1, 1, 10, 10))
        painter.end()
        icon.addPixmap(pixmap)
    return icon


class ChapterTreeModel(QAbstractItemModel):
    """The chapters of the document's book."""

    TITLE, STATUS, VOICE, PARAGRAPHS, CHARACTERS = range(5)
    COLUMNS = 5

    def __init__(self, document: BookDocument | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._book: Book | None = None
        self._statuses: dict[int, str] = {}
        self._icons: dict[str, QIcon] = {}
        # The header names the book's voice: when voices change (dataChanged on the Voice column), so may it.
        self.dataChanged.connect(self._voices_may_have_changed)

    def _voices_may_have_changed(self, top_left: _Index, bottom_right: _Index, _roles: Any = None) -> None:
        if top_left.column() <= self.VOICE <= bottom_right.column():
            emit(self.headerDataChanged, Qt.Orientation.Horizontal, self.VOICE, self.VOICE)

    # -- the book ------------------------------------------------------------------------------------------
    def set_book(self, book: Book | None) -> None:
        self.beginResetModel()
        self._book = book
        self._statuses = {}
        self.endResetModel()

    def book(self) -> Book | None:
        return self._book

    def chapter(self, index: _Index) -> Chapter | None:
        if not index.isValid() or self._book is None or not 0 <= index.row() < len(self._book.chapters):
            return None
        return self._book.chapters[index.row()]

    def row_of(self, chapter: Chapter) -> int:
        """The row of this chapter object, or -1 (chapters compare by identity here, not by value)."""
        if self._book is not None:
            for row, candidate in enumerate(self._book.chapters):
                if candidate is chapter:
                    return row
        return -1

    def status(self, row: int) -> str:
        if self._book is None or not 0 <= row < len(self._book.chapters):
            return STATUS_UNKNOWN
        return self._statuses.get(id(self._book.chapters[row]), STATUS_UNKNOWN)

    def statuses(self) -> list[str]:
        return [self.status(row) for row in range(self.rowCount())]

    def set_statuses(self, statuses: list[str]) -> None:
        """Statuses by row, as computed for the book's current state (the caller checks it is current)."""
        if self._book is None or len(statuses) != len(self._book.chapters):
            return
        self._statuses = {id(chapter): status for chapter, status in zip(self._book.chapters, statuses, strict=True)}
        if statuses:
            emit(self.dataChanged, self.index(0, self.STATUS), self.index(len(statuses) - 1, self.STATUS))

    def refresh_rows(self, first: int = 0, last: int | None = None) -> None:
        """Counts or voices changed (text edit, voice assignment): repaint those rows."""
        if self._book is None or not self._book.chapters:
            return
        last = len(self._book.chapters) - 1 if last is None else min(last, len(self._book.chapters) - 1)
        if 0 <= first <= last:
            emit(self.dataChanged, self.index(first, 0), self.index(last, self.COLUMNS - 1))

    # -- structural changes (called by undo commands only) --------------------------------------------------
    def apply_rename(self, row: int, title: str) -> str:
        assert self._book is not None
        old = book_edit.rename_chapter(self._book, row, title)
        emit(self.dataChanged, self.index(row, self.TITLE), self.index(row, self.TITLE))
        return old

    def apply_insert(self, row: int, chapter: Chapter) -> None:
        assert self._book is not None
        if not 0 <= row <= len(self._book.chapters):
            raise book_edit.EditError(f"cannot insert a chapter at position {row + 1}")
        self.beginInsertRows(QModelIndex(), row, row)
        book_edit.insert_chapter(self._book, row, chapter)
        self.endInsertRows()

    def apply_remove(self, row: int) -> Chapter:
        assert self._book is not None
        if not 0 <= row < len(self._book.chapters):
            raise book_edit.EditError(f"there is no chapter {row + 1}")
        self.beginRemoveRows(QModelIndex(), row, row)
        chapter = book_edit.remove_chapter(self._book, row)
        self.endRemoveRows()
        return chapter

    def apply_split(self, row: int, at: int, title: str | None, voice: VoiceSettings | None) -> Chapter:
        assert self._book is not None
        chapter = self.chapter(self.index(row, 0))
        if chapter is None or not 1 <= at < len(chapter.paragraphs):
            # Let book_edit word the error, without touching the model.
            book_edit.split_chapter(book_edit.snapshot(self._book), row, at, title, voice)
        self.beginInsertRows(QModelIndex(), row + 1, row + 1)
        new = book_edit.split_chapter(self._book, row, at, title, voice)
        self.endInsertRows()
        self.refresh_rows(row, row)
        return new

    def apply_merge(self, row: int) -> book_edit.MergeRecord:
        assert self._book is not None
        if not 0 <= row < len(self._book.chapters) - 1:
            book_edit.merge_with_next(book_edit.snapshot(self._book), row)  # raises the worded error
        self.beginRemoveRows(QModelIndex(), row + 1, row + 1)
        record = book_edit.merge_with_next(self._book, row)
        self.endRemoveRows()
        self.refresh_rows(row, row)
        return record

    def apply_unmerge(self, record: book_edit.MergeRecord) -> Chapter:
        assert self._book is not None
        self.beginInsertRows(QModelIndex(), record.index + 1, record.index + 1)
        chapter = book_edit.unmerge(self._book, record)
        self.endInsertRows()
        self.refresh_rows(record.index, record.index)
        return chapter

    def apply_move(self, first: int, count: int, dest: int) -> int:
        assert self._book is not None
        if count < 1 or first < 0 or first + count > len(self._book.chapters) or first <= dest <= first + count \
                or not 0 <= dest <= len(self._book.chapters):
            raise book_edit.EditError(f"cannot move chapters {first + 1}..{first + count} to {dest + 1}")
        if not self.beginMoveRows(QModelIndex(), first, first + count - 1, QModelIndex(), dest):
            raise book_edit.EditError("the chapter list refused the move")
        new_first = book_edit.move_chapters(self._book, first, count, dest)
        self.endMoveRows()
        return new_first

    # -- QAbstractItemModel -----------------------------------------------------------------------------------
    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if parent.isValid() or self._book is None:
            return QModelIndex()
        if not (0 <= row < len(self._book.chapters) and 0 <= column < self.COLUMNS):
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        return QModelIndex()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._book is None:
            return 0
        return len(self._book.chapters)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.COLUMNS

    def hasChildren(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self.rowCount() > 0

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled \
            | Qt.ItemFlag.ItemNeverHasChildren
        if index.column() == self.TITLE:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        chapter = self.chapter(index)
        if chapter is None or self._book is None:
            return None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == self.TITLE:
                return chapter.title
            if column == self.STATUS:
                return self._status_text(self.status(index.row()))
            if column == self.VOICE:  # every chapter's voice: its own in bold, the book's (inherited) greyed
                return self._voice_label(chapter)
            if column == self.PARAGRAPHS:
                return len(chapter.paragraphs)
            if column == self.CHARACTERS:
                return chapter.characters
        elif role == Qt.ItemDataRole.ToolTipRole:
            if column == self.STATUS:
                return self._status_tooltip(self.status(index.row()))
            if column == self.VOICE:
                if chapter.voice.is_empty():
                    return self.tr("Inherited from the book: {voice}").format(voice=self._voice_label(chapter))
                return self.tr("This chapter's own voice: {voice}").format(voice=self._voice_label(chapter))
            return self.tr("{title}: {n} paragraphs, {c} characters").format(
                title=chapter.title, n=len(chapter.paragraphs), c=chapter.characters)
        elif role == Qt.ItemDataRole.DecorationRole and column == self.STATUS:
            status = self.status(index.row())
            if status not in self._icons:
                self._icons[status] = _dot(STATUS_COLORS.get(status, "#e0e0e0"))
            return self._icons[status]
        elif role == Qt.ItemDataRole.ForegroundRole and column == self.VOICE and chapter.voice.is_empty():
            return QColor(INHERITED_COLOR)
        elif role == Qt.ItemDataRole.FontRole and column == self.VOICE and not chapter.voice.is_empty():
            font = QFont()
            font.setBold(True)
            return font
        elif role == Qt.ItemDataRole.TextAlignmentRole and column in (self.PARAGRAPHS, self.CHARACTERS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        chapter = self.chapter(index)
        if chapter is None or index.column() != self.TITLE or role != Qt.ItemDataRole.EditRole \
                or self._document is None:
            return False
        title = " ".join(str(value).split())
        if not title or title == chapter.title:
            return False
        return self._document.rename_chapter(index.row(), title)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and section == self.VOICE and self._book is not None \
                and role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            voice = self._book.voice.merged_over(self._book.default_voice)
            book_voice = self._document.voice_label(voice) if self._document is not None else str(voice.voice)
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.tr("The book's voice is {voice}; greyed: chapters that use it, bold: chapters with "
                               "their own").format(voice=book_voice)
            return self.tr("Voice (book: {voice})").format(voice=book_voice)
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < self.COLUMNS:
            return (self.tr("Chapter"), self.tr("Status"), self.tr("Voice"), self.tr("Paragraphs"),
                    self.tr("Characters"))[section]
        return None

    # -- drag and drop ------------------------------------------------------------------------------------------
    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:  # type: ignore[override]
        rows = sorted({i.row() for i in indexes if i.isValid()})
        data = QMimeData()
        payload = json.dumps({"model": id(self), "rows": rows}).encode()
        data.setData(MIME_TYPE, QByteArray(payload))
        return data

    def _dragged_rows(self, data: QMimeData) -> list[int] | None:
        if data is None or not data.hasFormat(MIME_TYPE):
            return None
        try:
            payload = json.loads(bytes(data.data(MIME_TYPE).data()).decode())
        except ValueError:
            return None
        if payload.get("model") != id(self):
            return None  # from another window: copying chapters between books is not supported
        rows = payload.get("rows")
        if not isinstance(rows, list) or not rows or rows != list(range(rows[0], rows[0] + len(rows))):
            return None  # only one contiguous block moves at a time
        return rows

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                        parent: _Index) -> bool:
        return action == Qt.DropAction.MoveAction and self._dragged_rows(data) is not None

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: _Index) -> bool:
        rows = self._dragged_rows(data)
        if rows is None or action != Qt.DropAction.MoveAction or self._document is None:
            return False
        if row < 0:
            row = parent.row() if parent.isValid() else self.rowCount()
        first, count = rows[0], len(rows)
        if first <= row <= first + count:
            return False
        return self._document.move_chapters(first, count, row)

    def moveRows(self, sourceParent: _Index, sourceRow: int, count: int, destinationParent: _Index,
                 destinationChild: int) -> bool:
        if sourceParent.isValid() or destinationParent.isValid() or self._document is None:
            return False
        return self._document.move_chapters(sourceRow, count, destinationChild)

    # -- labels -----------------------------------------------------------------------------------------------
    def _voice_label(self, chapter: Chapter) -> str:
        assert self._book is not None
        voice = self._book.effective_voice(chapter)
        return self._document.voice_label(voice) if self._document is not None else str(voice.voice)

    def _status_text(self, status: str) -> str:
        return {
            STATUS_UNKNOWN: "…",
            STATUS_EMPTY: self.tr("empty"),
            STATUS_NONE: self.tr("not rendered"),
            STATUS_STALE: self.tr("stale"),
            STATUS_PARTIAL: self.tr("partly rendered"),
            STATUS_DONE: self.tr("done"),
            STATUS_FAILED: self.tr("failed"),
            STATUS_RENDERING: self.tr("rendering…"),
            STATUS_QUEUED: self.tr("queued"),
        }.get(status, status)

    def _status_tooltip(self, status: str) -> str:
        return {
            STATUS_UNKNOWN: self.tr("Checking the audio cache…"),
            STATUS_EMPTY: self.tr("This chapter has no text to render."),
            STATUS_NONE: self.tr("No paragraph of this chapter has audio yet."),
            STATUS_STALE: self.tr("Edited since it was rendered: some paragraphs need new audio."),
            STATUS_PARTIAL: self.tr("Some paragraphs have audio, the others were not rendered yet."),
            STATUS_DONE: self.tr("Every paragraph has audio for its current text and voice."),
            STATUS_FAILED: self.tr("The last render failed on a paragraph of this chapter."),
            STATUS_RENDERING: self.tr("Being rendered now."),
            STATUS_QUEUED: self.tr("Waiting for its turn in the running render."),
        }.get(status, "")
