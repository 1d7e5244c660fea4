"""The main window of the foundation: open or import a book, see its chapters and text, render it to M4B.

Everything slow (import, database reads, synthesis, encoding) runs in a ``BackgroundTask``; this class only
wires actions to tasks and shows results.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelection
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTreeView,
    QWidget,
)

from studio.core.book import Book
from studio.core.errors import CancelledError, InputError, ProjectError
from studio.gui.chapter_model import ChapterTreeModel
from studio.gui.workers import BackgroundTask
from studio.paths import data_dir

MANUSCRIPT_FILTER = "Manuscripts (*.txt *.md *.markdown *.epub *.docx);;All files (*)"


def default_project_dir(manuscript: Path) -> Path:
    """Where a manuscript opened directly gets its project: the user's data folder, one per file stem."""
    return data_dir() / "projects" / f"{manuscript.stem}.studio"


def _load_project(folder: Path) -> Book:
    from studio.core.project import Project

    with Project.open(folder) as project:
        return project.load_book()


def _import_manuscript(path: Path, folder: Path) -> tuple[Book, Any]:
    from studio.core.importers import import_file
    from studio.core.project import Project, is_project_dir

    result = import_file(path)
    project = Project.open(folder) if is_project_dir(folder) else Project.create(folder)
    with project:
        project.save_book(result.book)
        project.set_meta("source", {"path": str(path.resolve()), "report": result.report.to_dict()})
        return project.load_book(), result.report


class MainWindow(QMainWindow):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Audiobook Studio"))
        self.resize(1100, 720)
        self.project_dir: Path | None = None
        self._task: BackgroundTask | None = None

        self.chapters = ChapterTreeModel(self)
        self.tree = QTreeView()
        self.tree.setModel(self.chapters)
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setStretchLastSection(False)
        self.tree.selectionModel().selectionChanged.connect(self._chapter_selected)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setPlaceholderText(self.tr("Open a project or import a manuscript (File menu)."))
        splitter = QSplitter()
        splitter.addWidget(self.tree)
        splitter.addWidget(self.text)
        splitter.setSizes([380, 720])
        self.setCentralWidget(splitter)

        self.status_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(240)
        self.progress.setRange(0, 1000)
        self.progress.hide()
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel_task)
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.cancel_button)
        self._build_actions()

    # -- actions -----------------------------------------------------------------------------------------
    def _build_actions(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.import_action = self._action(self.tr("&Import Manuscript…"), QKeySequence("Ctrl+I"),
                                          self._ask_import)
        self.open_action = self._action(self.tr("&Open Project…"), QKeySequence.StandardKey.Open,
                                        self._ask_open)
        self.render_action = self._action(self.tr("&Render Audiobook…"), QKeySequence("Ctrl+R"),
                                          self._ask_render)
        self.render_action.setEnabled(False)
        quit_action = self._action(self.tr("&Quit"), QKeySequence.StandardKey.Quit, self.close)
        for action in (self.import_action, self.open_action, self.render_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        toolbar = self.addToolBar(self.tr("Main"))
        toolbar.setObjectName("main_toolbar")
        for action in (self.import_action, self.open_action, self.render_action):
            toolbar.addAction(action)

    def _action(self, text: str, shortcut: QKeySequence | QKeySequence.StandardKey,
                slot: Callable[[], Any]) -> QAction:
        action = QAction(text, self)
        action.setShortcut(shortcut)
        action.triggered.connect(slot)
        return action

    def _ask_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import Manuscript"), "", MANUSCRIPT_FILTER)
        if path:
            self.import_manuscript(Path(path))

    def _ask_open(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Open Project"))
        if path:
            self.open_project(Path(path))

    def _ask_render(self) -> None:
        book = self.chapters.book()
        suggestion = f"{book.title if book else 'audiobook'}.m4b"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Render Audiobook"), suggestion,
                                              self.tr("Audiobook (*.m4b)"))
        if path:
            self.render_to(Path(path))

    # -- operations (public so tests and `studio PATH` can drive them) ----------------------------------
    def open_path(self, path: Path) -> None:
        from studio.core.project import is_project_dir

        if is_project_dir(path):
            self.open_project(path)
        else:
            self.import_manuscript(path)

    def open_project(self, folder: Path) -> None:
        self._start(self.tr("Opening {path}…").format(path=folder),
                    lambda _report, _cancel: (_load_project(folder), None),
                    lambda result: self._show_book(folder, *result))

    def import_manuscript(self, path: Path, folder: Path | None = None) -> None:
        target = folder or default_project_dir(path)
        self._start(self.tr("Importing {path}…").format(path=path),
                    lambda _report, _cancel: _import_manuscript(path, target),
                    lambda result: self._show_book(target, *result))

    def render_to(self, output: Path) -> None:
        if self.project_dir is None:
            return
        folder = self.project_dir

        def work(report: Callable[[Any], None], cancel: threading.Event) -> Any:
            from studio.core.project import Project
            from studio.render.audiobook import produce_audiobook

            with Project.open(folder) as project:
                return produce_audiobook(
                    project, output, cancel=cancel,
                    render_progress=lambda p: report(("render", p.fraction)),
                    export_progress=lambda f: report(("export", f)))

        self._start(self.tr("Rendering to {path}…").format(path=output), work, self._rendered, cancellable=True)

    # -- task plumbing -----------------------------------------------------------------------------------
    def _start(self, message: str, fn: Callable[[Callable[[Any], None], threading.Event], Any],
               on_success: Callable[[Any], None], *, cancellable: bool = False) -> None:
        if self._task is not None and self._task.is_running():
            QMessageBox.information(self, self.windowTitle(), self.tr("Please wait for the current task."))
            return
        task = BackgroundTask(fn, self)
        task.progress.connect(self._on_progress)
        task.succeeded.connect(on_success)
        task.failed.connect(self._on_failed)
        task.finished.connect(self._on_finished)
        self._task = task
        self.status_label.setText(message)
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.setVisible(cancellable)
        for action in (self.import_action, self.open_action, self.render_action):
            action.setEnabled(False)
        task.start()

    def cancel_task(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def _on_progress(self, value: Any) -> None:
        stage, fraction = value
        # Synthesis is most of the render time for long books; show it as the first 80 %.
        overall = fraction * 0.8 if stage == "render" else 0.8 + fraction * 0.2
        self.progress.setValue(int(overall * 1000))

    def _on_failed(self, exc: BaseException) -> None:
        if isinstance(exc, CancelledError):
            self.status_label.setText(self.tr("Cancelled."))
            return
        self.status_label.setText(self.tr("Failed."))
        if isinstance(exc, InputError | ProjectError):
            QMessageBox.warning(self, self.windowTitle(), str(exc))
        else:
            from studio.logsetup import setup_logging

            QMessageBox.critical(self, self.windowTitle(), self.tr("{error}\n\nDetails are in the log: {log}")
                                 .format(error=exc, log=setup_logging()))

    def _on_finished(self) -> None:
        self.progress.hide()
        self.cancel_button.hide()
        self.import_action.setEnabled(True)
        self.open_action.setEnabled(True)
        self.render_action.setEnabled(self.project_dir is not None)
        self._task = None

    def _show_book(self, folder: Path, book: Book, report: Any) -> None:
        self.project_dir = folder
        self.chapters.set_book(book)
        self.setWindowTitle(self.tr("{title} — Audiobook Studio").format(title=book.title))
        if report is not None:
            self.status_label.setText(self.tr("Imported: {chapters} chapters, {paragraphs} paragraphs, "
                                              "{characters} characters; {warnings} warnings").format(
                chapters=report.chapters, paragraphs=report.paragraphs, characters=report.characters,
                warnings=len(report.warnings)))
        else:
            self.status_label.setText(self.tr("Opened {path}").format(path=folder))
        if book.chapters:
            self.tree.setCurrentIndex(self.chapters.index(0, 0))

    def _rendered(self, result: Any) -> None:
        self.status_label.setText(self.tr("Wrote {path}: {chapters} chapters, {minutes:.1f} minutes").format(
            path=result.output, chapters=result.chapters, minutes=result.duration_ms / 60000))

    def _chapter_selected(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        chapter = self.chapters.chapter(indexes[0]) if indexes else None
        if chapter is None:
            self.text.clear()
            return
        self.text.setPlainText("\n\n".join(p.text for p in chapter.paragraphs))

    def closeEvent(self, event: Any) -> None:
        if self._task is not None and self._task.is_running():
            self._task.cancel()
            self._task.wait(10_000)
        super().closeEvent(event)
