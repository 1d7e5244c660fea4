"""The structure review: the author confirms the chapters an import proposed (issue 15).

Shown after an import and from Chapter ▸ Review Structure…. Each proposed heading is a row with a check box,
a line of context (the start of the text it opens), the importer's confidence and its reason. The author can
untick headings, accept every line shaped like a selected one, or type an expression whose chapter list is
previewed live. The characters before and after are shown side by side: the review only moves text between
titles and paragraphs, it never drops any, and the two numbers say so. The import's warnings (and the
website lines it left out) are listed underneath.

All decisions live in :class:`studio.core.importers.restructure.StructureDraft` (no Qt); this module is its
view. Applying is the caller's job (:func:`apply_reviewed_structure`): snapshot the saved book first, then swap
the chapters in with one undoable command, then save.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QStringListModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from studio.core.importers.restructure import StructureDraft, shape_pattern
from studio.gui.commands import BookCommand
from studio.gui.qtcompat import emit

if TYPE_CHECKING:
    from studio.core.book import Chapter
    from studio.gui.document import BookDocument

_Index = QModelIndex | QPersistentModelIndex
HEADING, CONTEXT, CONFIDENCE, REASON = range(4)


class StructureReviewModel(QAbstractTableModel):
    """The proposed headings of a :class:`StructureDraft`, checkable in the first column.

    Signals:
        choices_changed(): a heading was accepted or rejected (the totals and preview follow).
    """

    choices_changed = Signal()

    def __init__(self, draft: StructureDraft, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.draft = draft

    def set_draft(self, draft: StructureDraft) -> None:
        self.beginResetModel()
        self.draft = draft
        self.endResetModel()
        emit(self.choices_changed)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self.draft.candidates)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (self.tr("Heading"), self.tr("Text after it"), self.tr("Confidence"), self.tr("Why"))[section]

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == HEADING:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.draft.candidates):
            return None
        c = self.draft.candidates[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.CheckStateRole and col == HEADING:
            return Qt.CheckState.Checked if c.accepted else Qt.CheckState.Unchecked
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (c.title, c.context, f"{c.confidence:.2f}", c.reason)[col]
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != HEADING or role != Qt.ItemDataRole.CheckStateRole:
            return False
        checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2, True)
        self.draft.set_accepted(index.row(), checked)
        emit(self.dataChanged, index, index, [Qt.ItemDataRole.CheckStateRole])
        emit(self.choices_changed)
        return True


class StructureReviewDialog(QDialog):
    """Review the chapters of ``draft``; on OK, :attr:`result_chapters` holds the chosen chapter list."""

    def __init__(self, draft: StructureDraft, warnings: list[str], site_lines: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("structure_review")
        self.setWindowTitle(self.tr("Review Chapters"))
        self.resize(900, 640)
        self.result_chapters: list[Chapter] | None = None
        self.model = StructureReviewModel(draft, self)
        self.model.choices_changed.connect(self._update)

        intro = QLabel(self.tr("Tick the lines that start a chapter. Unticked headings stay in the text as "
                               "ordinary paragraphs: nothing is lost."))
        intro.setWordWrap(True)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(CONTEXT, QHeaderView.ResizeMode.Stretch)
        self.like_button = QPushButton(self.tr("Treat Lines Like This as Headings"))
        self.like_button.setToolTip(self.tr("Every line shaped like the selected heading or text line (same "
                                            "words, any number) starts a chapter"))
        self.like_button.clicked.connect(self.accept_lines_like_selected)

        # Every line of the book, so a heading the importer missed can be picked from the text itself.
        self.lines_model = QStringListModel([_short(ln.text) for ln in draft.lines], self)
        self.lines_view = QListView()
        self.lines_view.setObjectName("structure_lines")
        self.lines_view.setModel(self.lines_model)
        self.lines_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lines_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._like_source: QAbstractItemView = self.table
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._set_like_source(self.table))
        self.lines_view.selectionModel().selectionChanged.connect(
            lambda *_: self._set_like_source(self.lines_view))

        self.pattern_edit = QLineEdit()
        self.pattern_edit.setPlaceholderText(self.tr("Custom expression, e.g. ^第.+回"))
        self.pattern_edit.textChanged.connect(self._preview_pattern)
        self.use_pattern_button = QPushButton(self.tr("Use Expression"))
        self.use_pattern_button.clicked.connect(self.use_pattern)
        self.pattern_status = QLabel()
        self.preview_model = QStringListModel(self)
        self.preview = QListView()
        self.preview.setModel(self.preview_model)
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.totals_label = QLabel()
        self.totals_label.setObjectName("structure_totals")

        notes = [*warnings, *(self.tr("Left out (added by a website): {line}").format(line=x) for x in site_lines)]
        self.warnings_model = QStringListModel(notes, self)
        self.warnings_view = QListView()
        self.warnings_view.setModel(self.warnings_model)
        self.warnings_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.warnings_view.setMaximumHeight(110)
        self.warnings_label = QLabel(self.tr("Import warnings ({count})").format(count=len(notes)))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        pattern_row = QHBoxLayout()
        pattern_row.addWidget(self.pattern_edit, 1)
        pattern_row.addWidget(self.use_pattern_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        lines_box = QVBoxLayout()
        lines_box.addWidget(QLabel(self.tr("The text (select any line):")))
        lines_box.addWidget(self.lines_view)
        top = QHBoxLayout()
        top.addWidget(self.table, 3)
        top.addLayout(lines_box, 2)
        layout.addLayout(top, 3)
        layout.addWidget(self.like_button)
        layout.addLayout(pattern_row)
        layout.addWidget(self.pattern_status)
        layout.addWidget(QLabel(self.tr("Chapters after this review:")))
        layout.addWidget(self.preview, 2)
        layout.addWidget(self.totals_label)
        layout.addWidget(self.warnings_label)
        layout.addWidget(self.warnings_view)
        layout.addWidget(buttons)
        self._update()

    # -- actions --------------------------------------------------------------------------------------------
    def _set_like_source(self, view: QAbstractItemView) -> None:
        if view.selectionModel().hasSelection():
            self._like_source = view

    def _like_line(self) -> str | None:
        """The line last selected: a proposed heading in the table or any line of the text."""
        rows = self._like_source.selectionModel().selectedRows()
        if not rows:
            return None
        if self._like_source is self.lines_view:
            return self.model.draft.lines[rows[0].row()].text
        return self.model.draft.candidates[rows[0].row()].title

    def accept_lines_like_selected(self) -> int:
        """Accept every line shaped like the selected heading or text line; return how many lines matched."""
        line = self._like_line()
        if line is None or not line.strip():
            return 0
        draft = self.model.draft.copy()
        pattern = re.compile(shape_pattern(line))
        n = draft.accept_matching(pattern, self.tr("like a heading you chose"))
        self.model.set_draft(draft)
        return n

    def use_pattern(self) -> bool:
        """Make the expression's lines (only) the chapter starts; False if it is not a valid expression."""
        pattern = self._pattern()
        if pattern is None:
            return False
        draft = self.model.draft.copy()
        draft.use_pattern(pattern)
        self.model.set_draft(draft)
        return True

    def accept(self) -> None:
        self.result_chapters = self.model.draft.apply()
        super().accept()

    # -- views ----------------------------------------------------------------------------------------------
    def _pattern(self) -> re.Pattern[str] | None:
        text = self.pattern_edit.text().strip()
        if not text:
            return None
        try:
            return re.compile(text)
        except re.error as exc:
            self.pattern_status.setText(self.tr("Not a valid expression: {error}").format(error=exc))
            return None

    def _preview_pattern(self) -> None:
        pattern = self._pattern()
        if pattern is None:
            if not self.pattern_edit.text().strip():
                self.pattern_status.clear()
            self._update()
            return
        draft = self.model.draft.copy()
        draft.use_pattern(pattern)
        titles = draft.chapter_titles()
        self.pattern_status.setText(self.tr("The expression gives {count} chapters (Use Expression to keep "
                                            "them).").format(count=len(titles)))
        self.preview_model.setStringList(titles)

    def _update(self) -> None:
        draft = self.model.draft
        if self._pattern() is None:
            self.preview_model.setStringList(draft.chapter_titles())
        before, after = draft.totals()
        self.totals_label.setText(self.tr("Characters before: {before} · after: {after}{mark}").format(
            before=f"{before:,}", after=f"{after:,}", mark=" ✓" if before == after else " ≠"))


def _short(text: str, limit: int = 80) -> str:
    """One line of the text list: long paragraphs cut (the list is for finding headings, not reading)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class RestructureCommand(BookCommand):
    """Swap the book's chapter list for the reviewed one (undo swaps it back)."""

    def __init__(self, document: BookDocument, chapters: list[Chapter], text: str) -> None:
        super().__init__(document, text)
        self.new = chapters
        self.old: list[Chapter] = []

    def _swap(self, chapters: list[Chapter]) -> list[Chapter]:
        book = self.document.require_book()
        old, book.chapters = book.chapters, chapters
        self.document.chapters.set_book(book)
        emit(self.document.book_replaced)
        self.document.notify_structure()
        return old

    def apply(self) -> None:
        self.old = self._swap(self.new)

    def revert(self) -> None:
        self._swap(self.old)


def take_review_snapshot(folder: Any, book: Any) -> Any:
    """Snapshot the book as it is before the review's changes (worker thread: project I/O)."""
    from studio.core.project import Project
    from studio.core.snapshots import take_snapshot
    from studio.render.render_lock import RenderLock

    with Project.open(folder) as project, RenderLock(folder):
        return take_snapshot(project, "before a structure review", book)


def open_structure_review(window: Any, report: Any = None) -> StructureReviewDialog | None:
    """Open the review for the window's book; on OK, snapshot the saved book, apply, save.

    ``report`` is the import report right after an import (its confidences, reasons, warnings and website
    lines); for an open project the chapters' own confidences and reasons are used.
    """
    from studio.core.importers.toc import toc_entries

    document = window.document
    if document.book is None or document.folder is None:
        return None
    toc = report.toc if report is not None else toc_entries(document.book)
    draft = StructureDraft.from_book(document.book, list(toc))
    dialog = StructureReviewDialog(draft, list(report.warnings) if report is not None else [],
                                   list(getattr(report, "site_lines", []) or []), window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(lambda: _apply(window, dialog.result_chapters or []))
    dialog.open()
    return dialog


def review_before_import(window: Any, pending: Any) -> StructureReviewDialog:
    """The review of a manuscript read but not yet a project (``PendingImport``): OK creates the project with
    the chapters chosen, Cancel creates nothing (issue 15: the author confirms before the project opens)."""
    from studio.core.importers.toc import toc_entries

    result = pending.result
    report = result.report
    toc = getattr(report, "toc", None) or toc_entries(result.book)
    draft = StructureDraft.from_book(result.book, list(toc))
    dialog = StructureReviewDialog(draft, list(report.warnings), list(getattr(report, "site_lines", []) or []),
                                   window)
    dialog.setWindowTitle(QCoreApplication.translate("StructureReview", "Review Chapters before Import"))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(lambda: window.projects.finish_import(pending, dialog.result_chapters or []))
    dialog.rejected.connect(lambda: window.show_status(QCoreApplication.translate(
        "StructureReview", "Import cancelled: no project was created for {path}.").format(
        path=pending.manuscript)))
    dialog.open()
    return dialog


def _apply(window: Any, chapters: list[Chapter]) -> None:
    """Snapshot first (in the background: project I/O), then one undoable swap of the chapters, then save."""
    from studio.gui.workers import BackgroundTask

    document = window.document
    if _same_structure(chapters, document.require_book().chapters):
        return  # nothing changed: no snapshot, no undo step
    folder = document.folder
    saved, _revision = document.snapshot()
    task = BackgroundTask(lambda _report, _cancel: take_review_snapshot(folder, saved), window, pool="project")

    def snapshotted(info: Any) -> None:
        document.run(RestructureCommand(document, chapters,
                                        QCoreApplication.translate("StructureReview", "Review structure")))
        window.projects.save()
        window.show_status(QCoreApplication.translate(
            "StructureReview", "Chapters changed by the review; the book before it is snapshot {id} "
            "(File ▸ Snapshots… brings it back).").format(id=info.id))

    task.succeeded.connect(snapshotted)
    task.failed.connect(window.projects.failed)
    window.review_task = task
    task.start()


def _same_structure(a: list[Chapter], b: list[Chapter]) -> bool:
    """The same titles over the very same paragraph objects, in the same order."""
    return len(a) == len(b) and all(
        x.title == y.title and len(x.paragraphs) == len(y.paragraphs)
        and all(p is q for p, q in zip(x.paragraphs, y.paragraphs, strict=True))
        for x, y in zip(a, b, strict=True))
