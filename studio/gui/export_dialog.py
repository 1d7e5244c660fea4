"""The Export dialog: format, gaps, loudness, parts, subtitles, metadata and cover, with progress and cancel.

The dialog builds the same ``ExportOptions`` as ``studio export`` (``ExportChoice.options``) and runs the same
pipeline function, ``studio.render.export_book.export_project``, on a background task: the window and the
command line write the same files. Title and author edits are an undoable change to the book; the project is
saved before the export reads it.

Importing the exporter takes a noticeable moment (ffmpeg helpers, pydub, mutagen: 150 ms on a quiet machine,
several times that on a busy one). The dialog needs none of it to show its options, so it never imports it on
the UI thread: what the user chose is a plain ``ExportChoice``, and it becomes ``ExportOptions`` on the export's
worker thread, where the exporter is imported anyway.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
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
from studio.gui.project_controller import ProjectController
from studio.gui.qtcompat import emit
from studio.gui.settings import Settings
from studio.gui.throttle import Throttle
from studio.gui.workers import BackgroundTask
from studio.paths import data_dir

if TYPE_CHECKING:
    from studio.audio.export import ExportOptions
    from studio.engines.registry import EngineOptions
    from studio.render.export_book import BookExportResult

log = logging.getLogger("studio.gui.export")

FORMATS = ("m4b", "mp3", "wav", "flac", "chapters")
# each preset's format (studio.audio.compliance.PRESETS; not imported here: it loads the exporter)
PRESET_FORMATS = {"acx": "chapters", "apple": "m4b", "mp3": "mp3"}
DEFAULT_LUFS = -18.0  # studio.audio.loudness.DEFAULT_TARGET, what `studio export` normalizes to
ACX_LUFS = -20.0  # studio.audio.loudness.ACX_TARGET (not imported here: it loads the exporter)


@dataclass(frozen=True)
class ExportChoice:
    """What the user chose in the dialog, Qt-free and cheap to build (no exporter import on the UI thread)."""

    format: str = "m4b"
    bitrate: str | None = None
    paragraph_gap_ms: int = 600
    chapter_gap_ms: int = 1500
    loudness_lufs: float | None = DEFAULT_LUFS  # None: keep the rendered levels
    acx: bool = False  # the ACX preset (-20 LUFS, -3 dB peaks, RMS and noise floor checked)
    part_minutes: int | None = None
    subtitles: tuple[str, ...] = ()
    spoken_titles: bool = False
    cover: Path | None = None  # title and author are the book's (the dialog edits them as an undoable change)
    # a retail preset (studio.audio.compliance.PRESETS: acx | apple | mp3): fixes format, rate, bit rate and
    # loudness, and the dialog shows the compliance report after the export
    preset: str | None = None
    credits: bool = False  # opening/closing credits as the first and last files (the ACX preset)
    retail_sample: bool = False  # a retail sample next to the chapter files (the ACX preset)

    def options(self) -> ExportOptions:
        """The exporter's options, as ``studio export`` builds them from its arguments (imports the exporter)."""
        from studio.audio.export import ExportOptions
        from studio.audio.loudness import ACX_TARGET, DEFAULT_TARGET, LoudnessTarget
        from studio.audio.timeline import Gaps

        loudness: LoudnessTarget | None = None
        if self.acx:
            loudness = ACX_TARGET
        elif self.loudness_lufs is not None:
            loudness = LoudnessTarget(self.loudness_lufs, DEFAULT_TARGET.true_peak_dbtp, "custom")
        options = ExportOptions(format=self.format, gaps=Gaps(paragraph_ms=self.paragraph_gap_ms,
                                                              chapter_ms=self.chapter_gap_ms),
                                loudness=loudness, split_hours=self.part_minutes / 60 if self.part_minutes else None,
                                subtitles=self.subtitles, bitrate=self.bitrate)
        if self.preset is not None:
            from studio.audio.compliance import preset_options

            options = preset_options(self.preset, options)
        return options

    def info(self) -> dict[str, Any]:
        """Tag overrides for ``export_project`` (None keeps the book's own)."""
        return {"cover": self.cover}


def run_export(folder: Path, output: Path, choice: ExportChoice, engine_options: EngineOptions, report: Any,
               cancel: threading.Event) -> BookExportResult:
    """The export on a worker thread: the same ``export_project`` as ``studio export``."""
    from studio.core.project import Project
    from studio.render.export_book import export_project

    options = choice.options()
    with Project.open(folder) as project:
        from studio.audio.retail_sample import SampleLength

        done = export_project(project, output, options, info=choice.info(), spoken_titles=choice.spoken_titles,
                              credits=choice.credits, retail_sample=SampleLength() if choice.retail_sample else None,
                              cancel=cancel, engine_options=engine_options,
                              render_progress=lambda p: report(("render", p.fraction)),
                              export_progress=lambda f: report(("export", f)))
    if choice.preset is not None:  # measured here, on the worker: it decodes every file
        import dataclasses

        from studio.audio.compliance import check_files

        done = dataclasses.replace(done, compliance=check_files(choice.preset, [f.path for f in done.export.files],
                                                                sample=done.retail_sample, credits=done.credits))
    return done


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
        if self._task is not None:
            return None
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
        folder = self.book_document.folder
        assert folder is not None
        choice = self.choice()
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
        if self._task is not None:
            self._task.cancel()
            self.status.setText(self.tr("Cancelling…"))

    def is_running(self) -> bool:
        return self._task is not None

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


def suggested_export_folder(project: Path | None, last_directory: str) -> Path:
    """Where an export is suggested: beside the project (where the author keeps the book), unless the project
    lives in the app's own data folder (opened straight from a manuscript); then the last folder used."""
    if project is not None:
        beside = Path(project).resolve().parent
        if not beside.is_relative_to(data_dir().resolve()):
            return beside
    return Path(last_directory) if last_directory else Path.home()


def open_folder(folder: Path) -> str | None:
    """Show the folder in the file manager (not under the offscreen test platform); why it could not, or None."""
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        log.info("not opening %s (offscreen)", folder)
        return None
    return show_in_file_manager(folder)


def show_in_file_manager(folder: Path) -> str | None:
    """Ask the desktop to show ``folder``; the reason it did not (None when it did)."""
    if not folder.is_dir():
        return QCoreApplication.translate("ExportDialog", "the folder does not exist")
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        log.warning("the desktop did not open %s", folder)
        return QCoreApplication.translate("ExportDialog", "no file manager answered (the desktop refused to "
                                          "open it)")
    return None
