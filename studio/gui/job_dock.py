"""The Jobs dock: every render unit's state, overall progress with ETA and cost, pause, cancel, retry.

Pause and per-unit cancel need the scheduler's ``RenderControl``; with an older render layer that has none,
their buttons stay disabled with a tooltip saying so, rather than half-working.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from studio.gui.job_model import JobTableModel
from studio.gui.render_controller import OverallProgress, RenderController
from studio.gui.widgets import StatusLabel


def format_duration(seconds: float) -> str:
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class JobDock(QDockWidget):
    def __init__(self, controller: RenderController, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Jobs"), parent)
        self.setObjectName("jobs_dock")
        self.controller = controller
        self.model: JobTableModel = controller.jobs
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in ((JobTableModel.CHAPTER, 180), (JobTableModel.PARAGRAPH, 40),
                              (JobTableModel.ENGINE, 60), (JobTableModel.VOICE, 150),
                              (JobTableModel.CHARACTERS, 70), (JobTableModel.STATE, 120),
                              (JobTableModel.ATTEMPTS, 60), (JobTableModel.TASK, 130), (JobTableModel.CODE, 90)):
            self.table.setColumnWidth(column, width)

        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("%p%")
        self.summary = StatusLabel(self.tr("No render yet."), min_chars=30)
        self.render_button = QPushButton(self.tr("Render Book"))
        self.cancel_button = QPushButton(self.tr("Cancel All"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(controller.cancel)
        self.retry_button = QPushButton(self.tr("Retry Failed"))
        self.retry_button.setEnabled(False)
        self.retry_button.setToolTip(self.tr("Render again: finished units come from the cache, failed and "
                                             "cancelled ones are tried again"))
        self.retry_button.clicked.connect(controller.retry_failed)
        self.pause_button = QPushButton(self.tr("Pause"))
        self.pause_button.setCheckable(True)
        self.pause_button.setEnabled(False)
        self.pause_button.setToolTip(self.tr("Submit nothing new; tasks already at the vendor finish"))
        self.pause_button.toggled.connect(controller.set_paused)
        self.cancel_unit_action = QAction(self.tr("Cancel This Unit"), self.table)
        self.cancel_unit_action.triggered.connect(self._cancel_selected_unit)
        self.table.addAction(self.cancel_unit_action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        top = QHBoxLayout()
        top.addWidget(self.progress_bar, 2)
        top.addWidget(self.summary, 3)
        for button in (self.render_button, self.pause_button, self.retry_button, self.cancel_button):
            top.addWidget(button)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.setWidget(body)

        controller.started.connect(self._started)
        controller.progress.connect(self.show_progress)
        controller.finished.connect(self._finished)
        controller.paused_changed.connect(self._paused_changed)

    def _started(self) -> None:
        self.progress_bar.setValue(0)
        self.summary.setText(self.tr("Planning…"))
        self.cancel_button.setEnabled(True)
        self.render_button.setEnabled(False)
        self.retry_button.setEnabled(False)
        self.pause_button.setEnabled(self.controller.can_pause())
        self.cancel_unit_action.setEnabled(self.controller.can_pause())
        if not self.controller.can_pause():
            self.pause_button.setToolTip(self.tr("coming with the scheduler"))

    def _paused_changed(self, paused: bool) -> None:
        self.pause_button.blockSignals(True)
        self.pause_button.setChecked(paused)
        self.pause_button.blockSignals(False)
        self.pause_button.setText(self.tr("Resume") if paused else self.tr("Pause"))

    def _cancel_selected_unit(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.controller.cancel_unit(self.model.row(index.row()).cache_key)

    def show_progress(self, progress: OverallProgress) -> None:
        fraction = progress.characters_done / progress.characters_total if progress.characters_total else 1.0
        self.progress_bar.setValue(int(fraction * 1000))
        text = self.tr("{done} / {total} characters · {units_done}/{units} paragraphs").format(
            done=f"{progress.characters_done:,}", total=f"{progress.characters_total:,}",
            units_done=progress.units_done, units=progress.units_total)
        if progress.eta_seconds is not None and progress.characters_done < progress.characters_total:
            text += " · " + self.tr("ETA {eta}").format(eta=format_duration(progress.eta_seconds))
        if progress.paused:
            text += " · " + self.tr("paused")
        if progress.cost is not None:
            text += " · " + self.tr("est. cost {cost}").format(cost=f"{progress.cost:.2f}")
        counts = self.model.counts()
        if counts.get("failed"):
            text += " · " + self.tr("{n} failed").format(n=counts["failed"])
        self.summary.setText(text)

    def _finished(self, ok: bool, message: str) -> None:
        self.cancel_button.setEnabled(False)
        self.pause_button.setEnabled(False)
        self.cancel_unit_action.setEnabled(False)
        self.render_button.setEnabled(True)
        counts = self.model.counts()
        self.retry_button.setEnabled(not ok and bool(counts.get("failed") or counts.get("cancelled")))
        if ok:
            self.progress_bar.setValue(1000)
        self.summary.setText(message)
