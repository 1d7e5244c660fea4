"""The Cast dock: who probably says each quote of the chapter, lowest confidence first; accept or reassign.

Why a dock of its own: the window only says which chapter is current and the dock does the rest, so the window
needs one line (``install_cast_dock``). Proposals come from ``studio.core.cast_proposal`` (Qt-free), computed
and written by a ``BackgroundTask`` on the "cast" pool with a ``Project`` opened in the worker. Nothing is
applied until the author presses Accept; accepted spans are also put into the window's book, so the window's
next save keeps them.

Signals:
    message(str): a line for the status bar.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QGridLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from studio.gui.qtcompat import emit
from studio.gui.workers import BackgroundTask

_Index = QModelIndex | QPersistentModelIndex


class QuoteModel(QAbstractTableModel):
    """Proposed quotes of one chapter: speaker, confidence, quote, reason. Rows are ``QuoteProposal``s whose
    speaker the author may change (``set_speaker``)."""

    HEADERS = ("Speaker", "Confidence", "Quote", "Why")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []
        self.threshold = 0.5

    def set_quotes(self, quotes: list[Any]) -> None:
        self.beginResetModel()
        self._rows = sorted(quotes, key=lambda q: (q.confidence, q.paragraph, q.start))
        self.endResetModel()

    def quotes(self) -> list[Any]:
        return list(self._rows)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.HEADERS):
            return (self.tr("Speaker"), self.tr("Confidence"), self.tr("Quote"), self.tr("Why"))[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        q = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return q.speaker if q.speaker and q.confidence >= self.threshold else self.tr("Narrator")
            if index.column() == 1:
                return f"{q.confidence:.2f}"
            if index.column() == 2:
                return q.text if len(q.text) <= 40 else q.text[:39] + "…"
            return q.reason
        if role == Qt.ItemDataRole.ToolTipRole:
            return q.text
        return None

    def set_speaker(self, row: int, speaker: str | None) -> None:
        """The author's choice: certain (confidence 1), or back to the narrator."""
        if 0 <= row < len(self._rows):
            q = self._rows[row]
            self._rows[row] = replace(q, speaker=speaker, confidence=1.0 if speaker else 0.0,
                                      reason="chosen by the author")
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))


def _in_project(folder: Path, fn: Callable[[Any], Any]) -> Callable[[Callable[[Any], None], threading.Event], Any]:
    def work(_report: Callable[[Any], None], _cancel: threading.Event) -> Any:
        from studio.core.project import Project

        with Project.open(folder) as project:
            return fn(project)
    return work


class CastDock(QDockWidget):
    message = Signal(str)

    def __init__(self, folder: Callable[[], Path | None], book: Callable[[], Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Cast"), parent)
        self.setObjectName("cast_dock")
        self._folder, self._book = folder, book
        self.chapter = 0
        self.proposal: Any = None
        self.task: BackgroundTask | None = None
        self.summary = QLabel(self.tr("Propose finds the quotes of the chapter and who says them."))
        self.summary.setWordWrap(True)
        self.model = QuoteModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().hide()
        self.speaker = QComboBox()
        self.propose_button = QPushButton(self.tr("Propose"))
        self.propose_button.clicked.connect(lambda: self.propose())
        self.assign_button = QPushButton(self.tr("Assign"))
        self.assign_button.setToolTip(self.tr("Give the selected quotes to the speaker chosen above"))
        self.assign_button.clicked.connect(lambda: self.assign_selected())
        self.accept_button = QPushButton(self.tr("Accept"))
        self.accept_button.setToolTip(self.tr("Write the cast and the quotes' voices into the project"))
        self.accept_button.clicked.connect(lambda: self.accept())
        buttons = QGridLayout()
        buttons.addWidget(self.propose_button, 0, 0)
        buttons.addWidget(self.accept_button, 0, 1)
        buttons.addWidget(self.speaker, 1, 0)
        buttons.addWidget(self.assign_button, 1, 1)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.setWidget(body)
        self._update()

    def show_chapter(self, chapter_index: int) -> None:
        if chapter_index != self.chapter:
            self.chapter, self.proposal = chapter_index, None
            self.model.set_quotes([])
            self._update()

    def propose(self) -> BackgroundTask | None:
        ci = self.chapter

        def read(project: Any) -> Any:
            from studio.core.book import Book
            from studio.core.cast_proposal import propose_cast
            from studio.core.voices import default_catalogue

            book = project.load_book()
            if not 0 <= ci < len(book.chapters):
                return None
            one = Book(book.title, language=book.language, voice=book.voice, chapters=[book.chapters[ci]])
            proposal = propose_cast(one, default_catalogue())
            proposal.quotes = [replace(q, chapter=ci) for q in proposal.quotes]  # positions in the whole book
            return proposal

        return self._run(read, self._proposed)

    def _proposed(self, proposal: Any) -> None:
        self.proposal = proposal
        if proposal is None:
            return
        self.model.set_quotes(proposal.quotes)
        self.speaker.clear()
        self.speaker.addItem(self.tr("Narrator"), None)
        for c in proposal.characters:
            self.speaker.addItem(c.name, c.name)
        lines = [self.tr("{name}: {n} quotes, voice {voice}").format(
            name=c.name, n=c.quotes, voice=c.voice or self.tr("the narrator's")) for c in proposal.characters]
        self.summary.setText("\n".join(lines) or self.tr("No speakers found in this chapter."))
        self._update()

    def assign_selected(self) -> None:
        speaker = self.speaker.currentData()
        for index in self.view.selectionModel().selectedRows():
            self.model.set_speaker(index.row(), speaker)

    def accept(self) -> BackgroundTask | None:
        if self.proposal is None:
            return None
        proposal = self.proposal
        proposal.quotes = self.model.quotes()
        names = {q.speaker for q in proposal.quotes if q.speaker}
        for name in names - {c.name for c in proposal.characters}:
            from studio.core.cast_proposal import CharacterProposal

            proposal.characters.append(CharacterProposal(name, [], 0, "unknown", "adult", None, "chosen by the author"))

        def write(project: Any) -> tuple[int, dict[tuple[int, int], list[Any]], dict[str, Any]]:
            from studio.core.cast_proposal import apply_proposal
            from studio.core.cast_store import load_cast, save_cast, save_voice_spans

            book, cast = project.load_book(), load_cast(project)
            written = apply_proposal(book, proposal, cast)
            save_cast(project, cast)
            save_voice_spans(project, book)
            spans = {(ci, pi): list(p.voices) for ci, c in enumerate(book.chapters)
                     for pi, p in enumerate(c.paragraphs) if p.voices}
            return written, spans, {m.name: {"aliases": m.aliases, "voices": m.voices} for m in cast.members}

        return self._run(write, self._accepted)

    def _accepted(self, result: tuple[int, dict[tuple[int, int], list[Any]], dict[str, Any]]) -> None:
        written, spans, cast_voices = result
        book = self._book()
        if book is not None:  # the window's copy, so its next save keeps what was accepted
            for (ci, pi), voices in spans.items():
                if ci < len(book.chapters) and pi < len(book.chapters[ci].paragraphs):
                    book.chapters[ci].paragraphs[pi].voices = voices
            book.cast_voices = cast_voices
        emit(self.message, self.tr("Cast accepted: {n} quotes have a voice.").format(n=written))

    def _run(self, fn: Callable[[Any], Any], done: Callable[[Any], None]) -> BackgroundTask | None:
        folder = self._folder()
        if folder is None or self.task is not None:
            return None
        task = BackgroundTask(_in_project(folder, fn), self, pool="cast")
        task.succeeded.connect(done)
        task.failed.connect(lambda exc: emit(self.message, self.tr("Cast: {error}").format(error=exc)))
        task.finished.connect(self._finished)
        self.task = task
        self._update()
        task.start()
        return task

    def _finished(self) -> None:
        self.task = None
        self._update()

    def _update(self) -> None:
        idle = self.task is None
        self.propose_button.setEnabled(idle)
        self.accept_button.setEnabled(idle and self.proposal is not None)
        self.assign_button.setEnabled(self.proposal is not None)


def install_cast_dock(window: Any) -> CastDock:
    """Add the Cast dock (tabbed with the voices), following the editor's chapter. One line in the window."""
    dock = CastDock(lambda: window.document.folder, lambda: window.document.book, window)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.tabifyDockWidget(window.voice_dock, dock)
    window.voice_dock.raise_()
    window.editor.cursorPositionChanged.connect(lambda: dock.show_chapter(window.editor.chapter_row()))
    dock.message.connect(window.show_status)
    return dock
