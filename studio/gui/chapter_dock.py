"""The Chapters dock: the chapter tree with its editing actions (add, rename, split, merge, move, delete).

Every action goes through ``BookDocument`` and is undoable; drag and drop in the tree moves chapters through
the model's ``dropMimeData`` (the same undoable move).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QDockWidget, QHeaderView, QToolBar, QTreeView, QVBoxLayout, QWidget

from studio.core.book import Chapter
from studio.core.book_edit import EditError
from studio.gui.chapter_model import ChapterTreeModel
from studio.gui.document import BookDocument
from studio.gui.qtcompat import emit


class ChapterDock(QDockWidget):
    """Signals:
        chapter_selected(object): the current ``Chapter`` (or None).
        message(str): a status-bar message (e.g. why an action could not run).
    """

    chapter_selected = Signal(object)
    message = Signal(str)

    def __init__(self, document: BookDocument, cursor_paragraph: Callable[[], int],
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Chapters"), parent)
        self.setObjectName("chapters_dock")
        self.book_document = document
        self.model: ChapterTreeModel = document.chapters
        self._cursor_paragraph = cursor_paragraph
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.tree.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.tree.setDragEnabled(True)
        self.tree.setAcceptDrops(True)
        self.tree.setDropIndicatorShown(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(ChapterTreeModel.TITLE, QHeaderView.ResizeMode.Stretch)
        # Fixed-but-adjustable widths: ResizeToContents would ask every row for its size on every change.
        metrics = self.tree.fontMetrics()
        for column, sample in ((ChapterTreeModel.STATUS, "partly rendered"), (ChapterTreeModel.VOICE, "知锋_多情感"),
                               (ChapterTreeModel.PARAGRAPHS, "999"), (ChapterTreeModel.CHARACTERS, "99999")):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 30)
        header.hideSection(ChapterTreeModel.PARAGRAPHS)  # in the tooltip; the dock stays narrow
        header.setMinimumSectionSize(40)
        # A narrow sidebar: titles are elided, the columns scroll; the editor gets the width.
        self.tree.setMinimumWidth(metrics.horizontalAdvance("从百草园到三味") + 60)
        self.tree.selectionModel().currentRowChanged.connect(self._current_changed)
        self.model.modelReset.connect(self._after_reset)
        self.model.rowsMoved.connect(lambda *_args: self._emit_current())
        self.model.rowsRemoved.connect(lambda *_args: self._emit_current())

        self.add_action = self._action(self.tr("&Add Chapter"), "Ctrl+Shift+N", self.add_chapter,
                                       self.tr("Add an empty chapter after the selected one"))
        self.rename_action = self._action(self.tr("Re&name Chapter"), "F2", self.rename_chapter,
                                          self.tr("Rename the selected chapter"))
        self.split_action = self._action(self.tr("&Split at Cursor"), "Ctrl+Shift+K", self.split_at_cursor,
                                         self.tr("Start a new chapter at the paragraph with the cursor"))
        self.merge_action = self._action(self.tr("&Merge with Next"), "Ctrl+Shift+M", self.merge_with_next,
                                         self.tr("Append the next chapter to the selected one"))
        self.up_action = self._action(self.tr("Move &Up"), "Alt+Up", lambda: self.move_selected(-1),
                                      self.tr("Move the selected chapter up"))
        self.down_action = self._action(self.tr("Move &Down"), "Alt+Down", lambda: self.move_selected(1),
                                        self.tr("Move the selected chapter down"))
        self.delete_action = self._action(self.tr("&Delete Chapter"), "Ctrl+Shift+Del", self.delete_chapter,
                                          self.tr("Delete the selected chapter (undoable)"))
        self.actions_list = [self.add_action, self.rename_action, self.split_action, self.merge_action,
                             self.up_action, self.down_action, self.delete_action]
        toolbar = QToolBar()
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.setIconSize(toolbar.iconSize() * 0.8)
        for action in (self.add_action, self.split_action, self.merge_action, self.delete_action):
            toolbar.addAction(action)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(toolbar)
        layout.addWidget(self.tree)
        self.setWidget(body)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for action in self.actions_list:
            self.tree.addAction(action)
        self.update_actions()

    def _action(self, text: str, shortcut: str, slot: Callable[[], object], tip: str) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    # -- selection ----------------------------------------------------------------------------------------------
    def current_row(self) -> int:
        index = self.tree.currentIndex()
        return index.row() if index.isValid() else -1

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        if index.isValid():
            self.tree.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._emit_current()

    def _emit_current(self) -> None:
        chapter: Chapter | None = self.model.chapter(self.tree.currentIndex())
        emit(self.chapter_selected, chapter)
        self.update_actions()

    def _after_reset(self) -> None:
        if self.model.rowCount() > 0:
            self.select_row(0)
        else:
            emit(self.chapter_selected, None)
        self.update_actions()

    def update_actions(self) -> None:
        row = self.current_row()
        count = self.model.rowCount()
        has_book = self.model.book() is not None
        self.add_action.setEnabled(has_book)
        for action in (self.rename_action, self.delete_action):
            action.setEnabled(row >= 0)
        self.merge_action.setEnabled(0 <= row < count - 1)
        self.up_action.setEnabled(row > 0)
        self.down_action.setEnabled(0 <= row < count - 1)
        self.split_action.setEnabled(row >= 0)

    # -- actions ------------------------------------------------------------------------------------------------
    def _run(self, fn: Callable[[], object]) -> bool:
        try:
            fn()
        except EditError as exc:
            emit(self.message, str(exc))
            return False
        self.update_actions()
        return True

    def add_chapter(self) -> None:
        row = self.current_row() + 1 if self.current_row() >= 0 else self.model.rowCount()
        if self._run(lambda: self.book_document.add_chapter(row, self.tr("New chapter"))):
            self.select_row(row)
            self.tree.edit(self.model.index(row, ChapterTreeModel.TITLE))

    def rename_chapter(self) -> None:
        index = self.model.index(self.current_row(), ChapterTreeModel.TITLE)
        if index.isValid():
            self.tree.setCurrentIndex(index)
            self.tree.edit(index)

    def split_at_cursor(self) -> None:
        row = self.current_row()
        at = self._cursor_paragraph()
        if row < 0:
            return
        if at < 1:
            emit(self.message, self.tr("Put the cursor in the paragraph that should start the new chapter "
                                      "(not the first one)."))
            return
        if self._run(lambda: self.book_document.split_chapter(row, at)):
            self.select_row(row + 1)

    def merge_with_next(self) -> None:
        row = self.current_row()
        if row >= 0:
            self._run(lambda: self.book_document.merge_with_next(row))

    def move_selected(self, step: int) -> None:
        row = self.current_row()
        if row < 0:
            return
        dest = row - 1 if step < 0 else row + 2
        if self._run(lambda: self.book_document.move_chapters(row, 1, dest)):
            self.select_row(row + step)

    def delete_chapter(self) -> None:
        row = self.current_row()
        if row >= 0:
            self._run(lambda: self.book_document.remove_chapter(row))
