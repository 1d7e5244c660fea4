"""ChapterTreeModel: the book's chapters as a Qt item model (title, paragraphs, characters)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from studio.core.book import Book, Chapter

_Index = QModelIndex | QPersistentModelIndex


class ChapterTreeModel(QAbstractItemModel):
    """Top-level rows are chapters. Read-only for now; editing, drag and drop come with the studio window."""

    COLUMNS = 3

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._book: Book | None = None

    def set_book(self, book: Book | None) -> None:
        self.beginResetModel()
        self._book = book
        self.endResetModel()

    def book(self) -> Book | None:
        return self._book

    def chapter(self, index: _Index) -> Chapter | None:
        if not index.isValid() or self._book is None:
            return None
        return self._book.chapters[index.row()]

    # -- QAbstractItemModel ------------------------------------------------------------------------------
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

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        chapter = self.chapter(index)
        if chapter is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return (chapter.title, len(chapter.paragraphs), chapter.characters)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tr("{title}: {n} paragraphs, {c} characters").format(
                title=chapter.title, n=len(chapter.paragraphs), c=chapter.characters)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < self.COLUMNS:
            return (self.tr("Chapter"), self.tr("Paragraphs"), self.tr("Characters"))[section]
        return None
