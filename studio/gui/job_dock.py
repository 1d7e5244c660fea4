"""The Jobs dock: every render unit's state, overall progress with ETA and cost, pause, cancel, retry.

Retry and cancel act on the selected rows too (button and context menu): retrying renders just those units,
the other rows keep their state.

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

from studio.gui.job_model import FINAL, JobRow, JobTableModel
from studio.gui.project_controller import ResumeInfo
from studio.gui.render_controller import OverallProgress, RenderController
from studio.gui.widgets import StatusLabel

RETRYABLE = ("failed", "cancelled", "queued")


def format_duration(seconds: float) -> str:
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class JobDock(QDockWidget):
    """A bottom drawer: one line (progress bar, summary, buttons) when collapsed, the unit table when open. It
    opens itself when a render starts; the Details button (or View ▸ Jobs) folds it back to the one line."""

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
        self.progress_bar.setMinimumWidth(60)
        self.summary = StatusLabel(self.tr("No render yet."), min_chars=12)  # elided; whole text in the tooltip
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
        self.retry_selected_button = QPushButton(self.tr("Retry Selected"))
        self.retry_selected_button.setToolTip(self.tr("Render just the selected units again"))
        self.retry_selected_action = QAction(self.tr("Retry Selected Units"), self.table)
        self.retry_selected_action.triggered.connect(self.retry_selected)
        self.retry_selected_button.clicked.connect(self.retry_selected)
        self.cancel_unit_action = QAction(self.tr("Cancel Selected Units"), self.table)
        self.cancel_unit_action.triggered.connect(self.cancel_selected)
        self.table.addAction(self.retry_selected_action)
        self.table.addAction(self.cancel_unit_action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.table.selectionModel().selectionChanged.connect(self._update_unit_actions)
        self.model.dataChanged.connect(self._update_unit_actions)
        self.model.modelReset.connect(self._update_unit_actions)
        self.details_button = QPushButton(self.tr("Details"))
        self.details_button.setCheckable(True)
        self.details_button.setToolTip(self.tr("Show every render unit, or fold the drawer to one line"))
        self.details_button.toggled.connect(self.set_expanded)
        top = QHBoxLayout()
        top.addWidget(self.details_button)
        top.addWidget(self.progress_bar, 2)
        top.addWidget(self.summary, 3)
        for button in (self.render_button, self.pause_button, self.retry_selected_button, self.retry_button,
                       self.cancel_button):
            top.addWidget(button)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.setWidget(body)
        self.table.hide()  # folded until a render starts (or the user opens it)

        controller.started.connect(self._started)
        controller.progress.connect(self.show_progress)
        controller.finished.connect(self._finished)
        controller.paused_changed.connect(self._paused_changed)
        controller.restored.connect(self._restored)
        self._update_unit_actions()

    def is_expanded(self) -> bool:
        return not self.table.isHidden()

    def set_expanded(self, expanded: bool) -> None:
        """Open the drawer (the unit table) or fold it to its one line."""
        self.table.setVisible(expanded)
        if self.details_button.isChecked() != expanded:
            self.details_button.setChecked(expanded)
        window = self.parentWidget()
        if window is not None and hasattr(window, "resizeDocks"):
            # Open: a third of the window (the editor keeps the rest); folded: the one line.
            height = max(180, window.height() // 3) if expanded else self.widget().sizeHint().height()
            window.resizeDocks([self], [height], Qt.Orientation.Vertical)

    def forget_render(self) -> None:
        """Another book was opened: the progress and summary of the last one's render go (its rows go with
        ``RenderController.clear``)."""
        if self.controller.is_running():
            return
        self.progress_bar.setValue(0)
        self.summary.setText(self.tr("No render yet."))
        self.retry_button.setEnabled(False)

    def _started(self) -> None:
        self.set_expanded(True)
        self.progress_bar.setValue(0)
        self.summary.setText(self.tr("Planning…"))
        self.cancel_button.setEnabled(True)
        self.render_button.setEnabled(False)
        self.retry_button.setEnabled(False)
        self.pause_button.setEnabled(self.controller.can_pause())
        self._update_unit_actions()
        if not self.controller.can_pause():
            self.pause_button.setToolTip(self.tr("coming with the scheduler"))

    def _restored(self, info: ResumeInfo) -> None:
        done = info.total - info.remaining
        self.progress_bar.setValue(int(done / info.total * 1000) if info.total else 0)
        self.summary.setText(self.tr("Unfinished render: {remaining} of {total} paragraphs have no audio, "
                                     "{live} still at the vendor.").format(
            remaining=info.remaining, total=info.total, live=info.at_vendor))

    def _paused_changed(self, paused: bool) -> None:
        self.pause_button.blockSignals(True)
        self.pause_button.setChecked(paused)
        self.pause_button.blockSignals(False)
        self.pause_button.setText(self.tr("Resume") if paused else self.tr("Pause"))

    def selected_rows(self) -> list[JobRow]:
        return [self.model.row(index.row()) for index in self.table.selectionModel().selectedRows()]

    def _retryable(self) -> list[str]:
        return list(dict.fromkeys(row.cache_key for row in self.selected_rows() if row.state in RETRYABLE))

    def _cancellable(self) -> list[str]:
        return list(dict.fromkeys(row.cache_key for row in self.selected_rows() if row.state not in FINAL))

    def _update_unit_actions(self, *_args: object) -> None:
        running = self.controller.is_running()
        retry = not running and bool(self._retryable())
        self.retry_selected_action.setEnabled(retry)
        self.retry_selected_button.setEnabled(retry)
        self.cancel_unit_action.setEnabled(running and self.controller.can_pause() and bool(self._cancellable()))

    def retry_selected(self) -> None:
        """Render the selected failed, cancelled or unfinished units again (and nothing else)."""
        keys = self._retryable()
        if keys and self.controller.retry_units(keys) is not None:
            self.summary.setText(self.tr("Retrying {n} units…").format(n=len(keys)))

    def cancel_selected(self) -> None:
        for key in self._cancellable():
            self.controller.cancel_unit(key)

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
        self._update_unit_actions()
        self.render_button.setEnabled(True)
        counts = self.model.counts()
        self.retry_button.setEnabled(not ok and bool(counts.get("failed") or counts.get("cancelled")))
        if ok:
            self.progress_bar.setValue(1000)
        self.summary.setText(message)
