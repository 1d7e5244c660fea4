"""The Export dialog: format, gaps, loudness, parts, subtitles, metadata and cover, with progress and cancel.

The dialog builds the same ``ExportOptions`` as ``studio export`` (``ExportChoice.options``, in
``export_choice``) and runs the same pipeline function, ``studio.render.export_book.export_project``, on a
background task: the window and the command line write the same files. Title and author edits are an undoable
change to the book; the project is saved before the export reads it. The exporter is never imported on the UI
thread (``export_choice`` says why). With a paid voice, what the export would render is counted and, above the
author's threshold, asked for first (``export_confirm``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.core.book_edit import EditError
from studio.core.errors import CancelledError
from studio.gui.acx_extras import AcxExtras
from studio.gui.dialogs import ask_open_file, ask_save_file
from studio.gui.document import BookDocument
from studio.gui.export_choice import ACX_LUFS, DEFAULT_LUFS, FORMATS, PRESET_FORMATS, ExportChoice, run_export
from studio.gui.export_confirm import ExportConfirm
from studio.gui.export_folder import open_folder, show_in_file_manager, suggested_export_folder
from studio.gui.project_controller import ProjectController
from studio.gui.qtcompat import emit
from studio.gui.settings import Settings
from studio.gui.throttle import Throttle
from studio.gui.workers import BackgroundTask

# the names other modules and tests know from here
__all__ = ["ACX_LUFS", "DEFAULT_LUFS", "FORMATS", "PRESET_FORMATS", "ExportChoice", "ExportDialog", "run_export",
           "show_in_file_manager", "suggested_export_folder"]


class ExportDialog(QDialog):
    """Signals:
        exported(object): the ``BookExportResult`` of a finished export.
        folder_opened(str): the folder shown in the file manager after an export ("Open the folder when done").
        folder_not_opened(str): the folder could not be shown (the reason is in the status line too).
        render_credits_requested(): "Render Credits" (their texts are stored): the window renders them.
    """

    exported = Signal(object)
    folder_opened = Signal(str)
    folder_not_opened = Signal(str)
    render_credits_requested = Signal()

    def __init__(self, document: BookDocument, projects: ProjectController, settings: Settings,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export Audiobook"))
        self.setObjectName("export_dialog")
        self.book_document = document
        self.projects = projects
        self.settings = settings
        self._task: BackgroundTask | None = None
        self._launched = False
        self.result: Any = None
        #: Shows a folder; returns why it could not (None when shown). An attribute so a test can use the real
        #: desktop call on the offscreen platform, where the default skips it.
        self.folder_opener: Callable[[Path], str | None] = open_folder
        projects.failed.connect(self._save_failed)
        book = document.require_book()

        self.output = QLineEdit(str(self._suggested_output()))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        output_row = QHBoxLayout()
        output_row.addWidget(self.output, 1)
        output_row.addWidget(browse)
        self.preset_box = QComboBox()
        self.preset_box.addItem(self.tr("None (the settings below)"), None)
        self.preset_box.addItem(self.tr("ACX / Audible (MP3 per chapter, room tone)"), "acx")
        self.preset_box.addItem(self.tr("M4B for Apple Books / Audiobookshelf"), "apple")
        self.preset_box.addItem(self.tr("Generic MP3"), "mp3")
        self.preset_box.currentIndexChanged.connect(self._preset_changed)
        self.format_box = QComboBox()
        labels = {"m4b": self.tr("M4B audiobook (AAC, chapters)"), "mp3": self.tr("MP3 (ID3 chapters)"),
                  "wav": self.tr("WAV + CUE sheet"), "flac": self.tr("FLAC + CUE sheet"),
                  "chapters": self.tr("One file per chapter")}
        for key in FORMATS:
            self.format_box.addItem(labels[key], key)
        self.format_box.setCurrentIndex(0)
        self.format_box.currentIndexChanged.connect(self._format_changed)
        self.bitrate_box = QComboBox()
        self.bitrate_box.addItem(self.tr("Format default"), None)
        for rate in ("48k", "64k", "96k", "128k"):
            self.bitrate_box.addItem(rate, rate)
        self.bitrate_box.setCurrentIndex(0)
        self.paragraph_gap = self._spin(0, 10_000, 600, self.tr(" ms"))
        self.chapter_gap = self._spin(0, 30_000, 1500, self.tr(" ms"))
        self.loudness_check = QCheckBox(self.tr("Normalize loudness to"))
        self.loudness = QDoubleSpinBox()
        self.loudness.setRange(-30.0, -10.0)
        self.loudness.setValue(DEFAULT_LUFS)
        self.loudness_check.setChecked(True)  # as `studio export`: normalized unless the user unticks it
        self.loudness.setSuffix(" LUFS")
        self.acx = QCheckBox(self.tr("ACX preset"))
        self.acx.setToolTip(self.tr("Audible's rules: -20 LUFS, peaks below -3 dB, noise floor checked"))
        loudness_row = QHBoxLayout()
        loudness_row.addWidget(self.loudness_check)
        loudness_row.addWidget(self.loudness)
        loudness_row.addWidget(self.acx)
        loudness_row.addStretch(1)
        self.spoken_titles = QCheckBox(self.tr("Speak each chapter's title at its start"))
        self.parts = self._spin(0, 24 * 60, 0, self.tr(" min"))
        self.parts.setSpecialValueText(self.tr("one file"))
        self.subtitles = QComboBox()
        self.subtitles.addItem(self.tr("None"), None)
        self.subtitles.addItem("SRT", "srt")
        self.subtitles.addItem("LRC", "lrc")
        self.subtitles.addItem(self.tr("SRT and LRC"), ("srt", "lrc"))
        self.title_edit = QLineEdit(book.title)
        self.author_edit = QLineEdit(book.author)
        self.cover = QLineEdit()
        self.cover.setPlaceholderText(self.tr("No cover"))
        cover_button = QPushButton(self.tr("Choose…"))
        cover_button.clicked.connect(self._choose_cover)
        cover_row = QHBoxLayout()
        cover_row.addWidget(self.cover, 1)
        cover_row.addWidget(cover_button)

        audio = QGroupBox(self.tr("Audio"))
        form = QFormLayout(audio)
        form.addRow(self.tr("Output file"), output_row)
        form.addRow(self.tr("Preset"), self.preset_box)
        self.acx_extras = AcxExtras(document)
        self.acx_extras.editor.render_requested.connect(lambda: emit(self.render_credits_requested))
        for field in (self.title_edit, self.author_edit):
            field.textChanged.connect(lambda _text: self.acx_extras.editor.set_book_info(
                self.title_edit.text(), self.author_edit.text()))
        form.addRow(self.acx_extras)
        self.acx_extras.setVisible(False)
        form.addRow(self.tr("Format"), self.format_box)
        form.addRow(self.tr("Bitrate"), self.bitrate_box)
        form.addRow(self.tr("Gap between paragraphs"), self.paragraph_gap)
        form.addRow(self.tr("Gap between chapters"), self.chapter_gap)
        form.addRow(self.tr("Loudness"), loudness_row)
        form.addRow(self.tr("Split into parts of"), self.parts)
        form.addRow(self.tr("Subtitles"), self.subtitles)
        form.addRow(self.tr("Chapter titles"), self.spoken_titles)
        meta = QGroupBox(self.tr("Metadata"))
        meta_form = QFormLayout(meta)
        meta_form.addRow(self.tr("Title"), self.title_edit)
        meta_form.addRow(self.tr("Author"), self.author_edit)
        meta_form.addRow(self.tr("Cover image"), cover_row)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.status = QLabel(self.tr("Ready."))
        self.status.setWordWrap(True)
        self.compliance = QLabel()  # the preset's compliance report, after an export with a preset
        self.compliance.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.compliance.setVisible(False)
        self.open_folder = QCheckBox(self.tr("Open the folder when done"))
        self.open_folder.setChecked(True)
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(self.tr("Export"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        self.close_button.clicked.connect(self.close)
        self.throttle = Throttle(100, self)
        #: before an export with a paid voice: what it would render, asked for above the threshold
        self.confirm = ExportConfirm(self, projects, settings, self.status.setText, self._set_counting)
        self.throttle.flushed.connect(self._progress_batch)

        self.credits_group = self.acx_extras.group  # the credit texts, beside the settings (acx_extras)
        self.acx_extras.credits.toggled.connect(lambda _on: self._show_credits())
        left = QVBoxLayout()
        left.addWidget(audio)
        left.addWidget(meta)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addWidget(self.credits_group, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.compliance)
        layout.addWidget(self.open_folder)
        layout.addWidget(self.buttons)
        self.resize(560, self.sizeHint().height())

    def _spin(self, low: int, high: int, value: int, suffix: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setValue(value)
        spin.setSuffix(suffix)
        spin.setSingleStep(100 if high > 1000 else 1)
        return spin

    def _suggested_output(self) -> Path:
        book = self.book_document.require_book()
        base = suggested_export_folder(self.book_document.folder, self.settings.last_directory)
        safe = "".join(c for c in book.title if c not in '\\/:*?"<>|').strip() or "audiobook"
        return base / f"{safe}.m4b"

    def _browse(self) -> None:
        ask_save_file(self, self.tr("Export Audiobook"), self.tr("Audiobooks (*.m4b *.mp3 *.wav *.flac)"),
                      self.output.text(), lambda path: self.output.setText(str(path)), self.settings)

    def _choose_cover(self) -> None:
        ask_open_file(self, self.tr("Cover Image"), self.tr("Images (*.jpg *.jpeg *.png)"),
                      lambda path: self.cover.setText(str(path)), self.settings)

    def _format_changed(self) -> None:
        key = self.format_box.currentData()
        text = self.output.text()
        if key in ("m4b", "mp3", "wav", "flac") and text:
            self.output.setText(str(Path(text).with_suffix(f".{key}")))
        elif key == "chapters" and text and Path(text).suffix.lower() in (".m4b", ".mp3", ".wav", ".flac"):
            self.output.setText(str(Path(text).with_suffix("")))  # a folder: not one named "book.m4b"

    def _preset_changed(self) -> None:
        """A preset decides format, bit rate and loudness: those controls are disabled while one is chosen."""
        preset = self.preset_box.currentData()
        for widget in (self.format_box, self.bitrate_box, self.loudness_check, self.loudness, self.acx):
            widget.setEnabled(preset is None)
        if preset is not None:
            self.format_box.setCurrentIndex(self.format_box.findData(PRESET_FORMATS[preset]))
            # the greyed loudness row shows the preset's own target, not a stale custom figure
            self.acx.setChecked(preset == "acx")
            self.loudness_check.setChecked(True)
            self.loudness.setValue(ACX_LUFS if preset == "acx" else DEFAULT_LUFS)
        self.acx_extras.setVisible(preset == "acx")
        self._show_credits()

    def _show_credits(self) -> None:
        if self.acx_extras.show_credits(self.preset_box.currentData() == "acx", self):  # the dialog widens
            self.resize(self.sizeHint().width() if self.credits_group.isVisibleTo(self) else 560, self.height())

    # -- running ------------------------------------------------------------------------------------------------
    def choice(self) -> ExportChoice:
        """What the user chose, as the export will use it."""
        acx = self.acx.isChecked()
        return ExportChoice(
            format=self.format_box.currentData(), bitrate=self.bitrate_box.currentData(),
            paragraph_gap_ms=self.paragraph_gap.value(), chapter_gap_ms=self.chapter_gap.value(),
            loudness_lufs=self.loudness.value() if self.loudness_check.isChecked() and not acx else None, acx=acx,
            part_minutes=self.parts.value() or None, subtitles=_subtitles(self.subtitles.currentData()),
            spoken_titles=self.spoken_titles.isChecked(),
            cover=Path(self.cover.text()) if self.cover.text().strip() else None,
            preset=self.preset_box.currentData(),
            credits=self.preset_box.currentData() == "acx" and self.acx_extras.credits.isChecked(),
            retail_sample=self.preset_box.currentData() == "acx" and self.acx_extras.sample.isChecked())

    def start(self) -> BackgroundTask | None:
        """Export; with a paid voice the dialog first counts what the export would render and, above the author's
        threshold, asks (``export_confirm``). Returns the export's task when it starts at once."""
        if self._task is not None or self.confirm.is_counting():
            return None
        checked = self._checked()
        if checked is None:
            return None
        output, choice = checked
        if self.confirm.wanted(self.book_document.require_book()):
            assert self.book_document.folder is not None
            self.confirm.ask(self.book_document.folder, choice, lambda: self._export(output, choice))
            return None
        return self._export(output, choice)

    def _checked(self) -> tuple[Path, ExportChoice] | None:
        """The output and the choice, once the book can be exported (else None, with the reason in the status)."""
        text = self.output.text().strip()
        if not text:
            self.status.setText(self.tr("Choose an output file."))
            return None
        output = Path(text).expanduser()
        problems = self.book_document.emotion_problems()
        if problems:
            self.status.setText(self.tr("{n} emotion problems must be fixed before export (see the editor).")
                                .format(n=len(problems)))
            return None
        try:
            self.book_document.set_book_info(self.title_edit.text(), self.author_edit.text())
        except EditError as exc:  # an empty title
            self.status.setText(str(exc))
            return None
        if self.choice().credits and not self.acx_extras.editor.commit():  # the texts the export will speak
            self.status.setText(self.acx_extras.editor.problem())
            return None
        return output, self.choice()

    def _export(self, output: Path, choice: ExportChoice) -> BackgroundTask | None:
        if self._task is not None:
            return None
        folder = self.book_document.folder
        assert folder is not None
        options = self.settings.engine_options()
        task = BackgroundTask(lambda report, cancel: run_export(folder, output, choice, options, report, cancel),
                              self, pool="export")
        task.progress.connect(self.throttle.push)
        task.succeeded.connect(self._succeeded)
        task.failed.connect(self._failed)
        task.finished.connect(self._finished)
        self._task = task
        self._launched = False
        self._set_running(True)
        self.status.setText(self.tr("Saving the project…"))
        self.projects.save(then=lambda: self._launch(task))
        return task

    def _launch(self, task: BackgroundTask) -> None:
        if task is self._task and not self._launched:
            self._launched = True
            self.status.setText(self.tr("Rendering…"))
            task.start()

    def _save_failed(self, exc: BaseException) -> None:
        if self._task is not None and not self._launched:
            self._task = None
            self._set_running(False)
            self.status.setText(self.tr("Export failed: {error}").format(error=exc))

    def cancel(self) -> None:
        self.confirm.cancel()  # counting what the export would send: stop, nothing is sent
        if self._task is not None:
            self._task.cancel()
            self.status.setText(self.tr("Cancelling…"))

    def is_running(self) -> bool:
        return self._task is not None

    def _set_counting(self, counting: bool) -> None:
        self.export_button.setEnabled(not counting)
        self.cancel_button.setEnabled(counting)

    def _set_running(self, running: bool) -> None:
        self.export_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.close_button.setEnabled(not running)

    def _progress_batch(self, batch: list[Any]) -> None:
        stage, fraction = batch[-1]
        overall = fraction * 0.8 if stage == "render" else 0.8 + fraction * 0.2
        self.progress.setValue(int(overall * 1000))
        self.status.setText(self.tr("Rendering… {p}%").format(p=int(fraction * 100)) if stage == "render"
                            else self.tr("Encoding… {p}%").format(p=int(fraction * 100)))

    def _succeeded(self, result: Any) -> None:
        self.throttle.flush()
        self.result = result
        self.progress.setValue(1000)
        done = (self.tr("{path} is up to date (nothing changed since it was exported): {chapters} chapters, "
                        "{minutes} minutes.") if getattr(result, "up_to_date", False)
                else self.tr("Wrote {path}: {chapters} chapters, {minutes} minutes."))
        self.status.setText(done.format(path=result.output, chapters=result.chapters,
                                        minutes=f"{result.duration_ms / 60000:.1f}"))
        report = getattr(result, "compliance", None)
        self.compliance.setVisible(report is not None)
        if report is not None:
            self.compliance.setText(report.text())
        emit(self.exported, result)
        if self.open_folder.isChecked():
            folder = Path(result.output).parent
            problem = self.folder_opener(folder)
            if problem is None:
                emit(self.folder_opened, str(folder))
                return
            # The export is done and kept: say where it is, since the file manager will not show it.
            self.status.setText(self.status.text() + "\n" + self.tr(
                "Could not open the folder {folder}: {reason}").format(folder=folder, reason=problem))
            emit(self.folder_not_opened, str(folder))

    def _failed(self, exc: BaseException) -> None:
        self.throttle.flush()
        if isinstance(exc, CancelledError):
            self.status.setText(self.tr("Export cancelled."))
        else:
            self.status.setText(self.tr("Export failed: {error}").format(error=exc))

    def _finished(self) -> None:
        self._task = None
        self._set_running(False)

    def closeEvent(self, event: Any) -> None:
        if self._task is not None:
            event.ignore()
            self.status.setText(self.tr("Cancel the export before closing."))
            return
        super().closeEvent(event)

    def done(self, result: int) -> None:
        """Closing keeps the credit texts the author typed (stored as an undoable change)."""
        self.confirm.cancel()  # a count still running: no question and no export after the dialog has gone
        if self.preset_box.currentData() == "acx":
            self.acx_extras.editor.commit()
        super().done(result)

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Escape and self._task is not None:
            self.cancel()
            return
        super().keyPressEvent(event)


def _subtitles(data: Any) -> tuple[str, ...]:
    """The subtitle box's data ("srt", ("srt", "lrc") or None) as the exporter's tuple."""
    if data is None:
        return ()
    return (data,) if isinstance(data, str) else tuple(data)

