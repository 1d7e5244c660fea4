"""The QA dock: run ``studio check`` in the background, list its findings, jump to them, re-render one.

The checking itself is Qt-free (``studio.qa``); this dock only drives it: ``run`` starts a ``BackgroundTask``
that opens its own ``Project`` and returns a ``CheckReport``; the findings go into ``FindingsModel``.
Double-clicking a finding asks the window to show that paragraph (``jump_requested``); "Re-render This" sets
the unit's audio aside (a background task: file and database work) and then asks the window to render the
unit's chapter through the ordinary render path (``rerender_requested``), where only that unit is missing.

Signals:
    jump_requested(int, int): chapter index, paragraph index (0-based).
    rerender_requested(int): chapter index whose flagged unit lost its audio and must be rendered.
    credits_rerender_requested(): a flagged credit lost its audio: the credits must be rendered.
    checked(object): the ``CheckReport`` of a finished check.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from studio.gui.qtcompat import emit
from studio.gui.workers import BackgroundTask
from studio.qa import CheckReport, Finding

_Index = QModelIndex | QPersistentModelIndex


class FindingsModel(QAbstractTableModel):
    """The findings of the last check, in book order: where, what kind, what, what to do."""

    WHERE, KIND, WHAT, ADVICE = range(4)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._findings: list[Finding] = []

    def set_findings(self, findings: list[Finding]) -> None:
        self.beginResetModel()
        self._findings = list(findings)
        self.endResetModel()

    def finding(self, row: int) -> Finding | None:
        return self._findings[row] if 0 <= row < len(self._findings) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._findings)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._findings):
            return None
        f = self._findings[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == self.WHERE:
                if f.credits:
                    return self.tr("Opening credits") if f.credits == "opening" else self.tr("Closing credits")
                return self.tr("Chapter {c}, paragraph {p}").format(c=f.chapter_index + 1, p=f.paragraph_index + 1)
            if column == self.KIND:
                return self.kind_label(f.kind)
            if column == self.WHAT:
                return f.message + (f" ({f.at_ms / 1000:.1f} s)" if f.at_ms is not None else "")
            return f.advice
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{f.location}\n{f.voice} · {f.cache_key}"
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        labels = (self.tr("Where"), self.tr("Problem"), self.tr("What was found"), self.tr("What to do"))
        return labels[section] if 0 <= section < len(labels) else None

    def kind_label(self, kind: str) -> str:
        labels = {
            "missing_sentence": self.tr("Skipped sentence"), "extra_sentence": self.tr("Extra sentence"),
            "pace_fast": self.tr("Too fast (truncated?)"), "pace_slow": self.tr("Too slow (stretched?)"),
            "long_silence": self.tr("Long silence"), "clipping": self.tr("Clipping"),
            "dc_offset": self.tr("DC offset"), "silent": self.tr("Silent audio"),
            "audio_shorter": self.tr("Audio cut short"), "timestamps_past_end": self.tr("Audio ends early"),
            "unreadable": self.tr("Unreadable audio"), "not_heard": self.tr("Not heard"),
        }
        return labels.get(kind, kind)


def _check(folder: Path) -> Callable[[Callable[[Any], None], threading.Event], CheckReport]:
    def work(report: Callable[[Any], None], cancel: threading.Event) -> CheckReport:
        from studio.core.project import Project
        from studio.qa import run_check

        with Project.open(folder) as project:
            return run_check(project, progress=lambda done, total: report((done, total)), cancel=cancel)
    return work


class QaDock(QDockWidget):
    jump_requested = Signal(int, int)
    rerender_requested = Signal(int)
    credits_rerender_requested = Signal()
    checked = Signal(object)

    def __init__(self, folder: Callable[[], Path | None], parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Proof-listening"), parent)
        self.setObjectName("qa_dock")
        self._folder = folder
        self.task: BackgroundTask | None = None
        self.model = FindingsModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setWordWrap(True)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.doubleClicked.connect(self._activated)
        self.check_button = QPushButton(self.tr("Check Audio"))
        self.check_button.setToolTip(self.tr("Compare every rendered paragraph's audio with its text"))
        self.check_button.clicked.connect(lambda: self.run())
        self.rerender_button = QPushButton(self.tr("Re-render This"))
        self.rerender_button.setToolTip(self.tr("Set this paragraph's audio aside and synthesize it again"))
        self.rerender_button.clicked.connect(lambda: self.rerender_selected())
        self.summary = QLabel(self.tr("Not checked yet."))
        buttons = QHBoxLayout()
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.rerender_button)
        buttons.addWidget(self.summary, 1)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        self.setWidget(body)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self._update_buttons()

    def run(self) -> BackgroundTask | None:
        """Check the open project in the background (None: no project, or a check is running)."""
        folder = self._folder()
        if folder is None or self.task is not None:
            return None
        self.summary.setText(self.tr("Checking…"))
        task = BackgroundTask(_check(folder), self, pool="qa")
        task.progress.connect(self._progress)
        task.succeeded.connect(self._done)
        task.failed.connect(lambda exc: self.summary.setText(self.tr("The check failed: {error}").format(
            error=exc)))
        task.finished.connect(self._finished)
        self.task = task
        self._update_buttons()
        task.start()
        return task

    def clear(self) -> None:
        """Another project opened: its findings are not this one's."""
        self.model.set_findings([])
        self.summary.setText(self.tr("Not checked yet."))
        self._update_buttons()

    def selected(self) -> Finding | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.finding(rows[0].row()) if rows else None

    def rerender_selected(self) -> BackgroundTask | None:
        """Set the selected finding's unit audio aside, then ask for its chapter to be rendered."""
        finding, folder = self.selected(), self._folder()
        if finding is None or folder is None or self.task is not None:
            return None
        key, chapter, credits = finding.cache_key, finding.chapter_index, bool(finding.credits)

        def work(_report: Callable[[Any], None], _cancel: threading.Event) -> int:
            from studio.core.project import Project
            from studio.qa.rerender import set_aside_unit_audio

            with Project.open(folder) as project:
                set_aside_unit_audio(project, key)
            return chapter

        task = BackgroundTask(work, self, pool="qa")
        task.succeeded.connect(lambda row: emit(self.credits_rerender_requested) if credits
                               else emit(self.rerender_requested, row))
        task.failed.connect(lambda exc: self.summary.setText(self.tr("Could not set the audio aside: {error}").format(
            error=exc)))
        task.finished.connect(self._finished)
        self.task = task
        self.summary.setText(self.tr("Re-rendering the credits…") if credits else self.tr(
            "Re-rendering chapter {c}, paragraph {p}…").format(c=chapter + 1, p=finding.paragraph_index + 1))
        self._update_buttons()
        task.start()
        return task

    def _progress(self, value: Any) -> None:
        done, total = value
        self.summary.setText(self.tr("Checking… {done}/{total}").format(done=done, total=total))

    def _done(self, report: CheckReport) -> None:
        self.model.set_findings(list(report.findings))
        if report.clean:
            self.summary.setText(self.tr("No findings in {n} rendered units.").format(n=report.units_checked))
        else:
            self.summary.setText(self.tr("{count} findings in {n} rendered units.").format(
                count=len(report.findings), n=report.units_checked))
        emit(self.checked, report)

    def _finished(self) -> None:
        self.task = None
        self._update_buttons()

    def _activated(self, index: QModelIndex) -> None:
        finding = self.model.finding(index.row())
        if finding is not None and not finding.credits:  # the credits are no paragraph of the book
            emit(self.jump_requested, finding.chapter_index, finding.paragraph_index)

    def _update_buttons(self) -> None:
        idle = self.task is None
        self.check_button.setEnabled(idle)
        self.rerender_button.setEnabled(idle and self.selected() is not None)
