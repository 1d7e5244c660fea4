"""The Export dialog: format, gaps, loudness, parts, subtitles, metadata and cover, with progress and cancel.

The dialog offers the whole export design, but passes to ``studio.render.audiobook.produce_audiobook`` only
what the installed exporter supports: it reads the fields of ``ExportSettings`` (and the formats it knows) and
disables the other controls with a tooltip, so new exporter features light up here without a GUI change.
Title and author edits are an undoable change to the book; the project is saved before the export reads it.

Importing the exporter takes a noticeable moment (~150 ms), so the first dialog of a session imports it on a
worker thread and keeps its options disabled until then ("Loading the exporter…"); pressing Export meanwhile
starts the export as soon as it is loaded.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import sys
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
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
from studio.gui.dialogs import ask_open_file, ask_save_file
from studio.gui.document import BookDocument
from studio.gui.project_controller import ProjectController
from studio.gui.qtcompat import emit
from studio.gui.settings import Settings
from studio.gui.throttle import Throttle
from studio.gui.workers import BackgroundTask

log = logging.getLogger("studio.gui.export")

FORMATS = ("m4b", "mp3", "wav", "flac", "chapters")
# ExportSettings field names the dialog knows how to fill, by option (the exporter may use any of them).
FIELD_CANDIDATES = {
    "format": ("format", "audio_format"),
    "paragraph_gap": ("paragraph_gap_ms",),
    "chapter_gap": ("chapter_gap_ms",),
    "bitrate": ("bitrate",),
    "loudness": ("loudness_lufs", "target_lufs", "loudness_target", "normalize_lufs"),
    "parts": ("max_part_minutes", "part_minutes", "split_minutes", "max_part_hours", "part_hours"),
    "subtitles": ("subtitles", "subtitle_format"),
    "cover": ("cover", "cover_path", "cover_image"),
    "acx": ("acx",),
    "spoken_titles": ("spoken_titles",),
}


def export_fields() -> dict[str, str]:
    """Option -> the ``ExportSettings`` field that carries it, for the options this exporter supports."""
    from studio.render.audiobook import ExportSettings

    names = {f.name for f in dataclasses.fields(ExportSettings)}
    return {option: next(c for c in candidates if c in names)
            for option, candidates in FIELD_CANDIDATES.items() if any(c in names for c in candidates)}


def supported_formats(fields: dict[str, str]) -> set[str]:
    if "format" not in fields:
        return {"m4b"}
    from studio.render import audiobook

    known = getattr(audiobook, "EXPORT_FORMATS", None) or getattr(audiobook, "FORMATS", None)
    return {str(f).lower() for f in known} if known else {"m4b"}


def _default_loudness() -> float | None:
    """The exporter's default loudness target (None: it keeps the rendered levels)."""
    from studio.render import audiobook

    default = getattr(audiobook, "DEFAULT_SETTINGS", None)
    return getattr(default, "loudness_lufs", None)


def exporter_loaded() -> bool:
    return "studio.render.audiobook" in sys.modules


def exporter_capabilities() -> tuple[dict[str, str], set[str], float | None]:
    """What the installed exporter supports: option fields, formats, default loudness (imports the exporter)."""
    fields = export_fields()
    return fields, supported_formats(fields), _default_loudness()


def run_export(folder: Path, output: Path, settings_kwargs: dict[str, Any], engine_options: Any,
               report: Any, cancel: threading.Event) -> Any:
    from studio.core.project import Project
    from studio.render.audiobook import ExportSettings, produce_audiobook

    settings = ExportSettings(**settings_kwargs)
    with Project.open(folder) as project:
        return produce_audiobook(project, output, settings=settings, cancel=cancel, engine_options=engine_options,
                                 render_progress=lambda p: report(("render", p.fraction)),
                                 export_progress=lambda f: report(("export", f)))


class ExportDialog(QDialog):
    """Signals:
        ready(): the exporter is loaded and the options show what it supports.
        exported(object): the ``AudiobookResult`` of a finished export.
        folder_opened(str): the folder shown in the file manager after an export ("Open the folder when done").
    """

    ready = Signal()
    exported = Signal(object)
    folder_opened = Signal(str)

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
        projects.failed.connect(self._save_failed)
        self.fields: dict[str, str] = {}  # filled once the exporter is loaded (see _apply_capabilities)
        self._ready = False
        self._start_when_ready = False
        self._gated: list[tuple[str, list[QWidget]]] = []
        book = document.require_book()

        self.output = QLineEdit(str(self._suggested_output()))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        output_row = QHBoxLayout()
        output_row.addWidget(self.output, 1)
        output_row.addWidget(browse)
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
        self.loudness.setValue(-18.0)
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

        self._gate("bitrate", [self.bitrate_box])
        self._gate("paragraph_gap", [self.paragraph_gap])
        self._gate("chapter_gap", [self.chapter_gap])
        self._gate("loudness", [self.loudness_check, self.loudness])
        self._gate("acx", [self.acx])
        self._gate("spoken_titles", [self.spoken_titles])
        self._gate("parts", [self.parts])
        self._gate("subtitles", [self.subtitles])
        self._gate("cover", [self.cover, cover_button])

        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.status = QLabel(self.tr("Loading the exporter…"))
        self.status.setWordWrap(True)
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

        layout = QVBoxLayout(self)
        layout.addWidget(audio)
        layout.addWidget(meta)
        self._option_boxes = (audio, meta)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.open_folder)
        layout.addWidget(self.buttons)
        self.resize(560, self.sizeHint().height())
        if exporter_loaded():
            self._apply_capabilities(exporter_capabilities())
        else:
            for box in self._option_boxes:
                box.setEnabled(False)
            # Parented to the window: the import finishes (and is harmless) even if this dialog closes first.
            loader = BackgroundTask(lambda _report, _cancel: exporter_capabilities(), self.parent(), pool="export")
            loader.succeeded.connect(self._apply_capabilities)
            loader.failed.connect(self._capabilities_failed)
            loader.start()

    def _spin(self, low: int, high: int, value: int, suffix: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setValue(value)
        spin.setSuffix(suffix)
        spin.setSingleStep(100 if high > 1000 else 1)
        return spin

    def _gate(self, option: str, widgets: list[QWidget]) -> None:
        """Disable ``widgets`` (once the exporter is loaded) if the exporter does not support ``option``."""
        if not self._ready:
            self._gated.append((option, widgets))
            return
        if option in self.fields:
            return
        for widget in widgets:
            widget.setEnabled(False)
            widget.setToolTip(self.tr("Not supported by this version of the exporter yet."))

    def is_ready(self) -> bool:
        return self._ready

    def _apply_capabilities(self, capabilities: tuple[dict[str, str], set[str], float | None]) -> None:
        fields, formats, default_lufs = capabilities
        self.fields = fields
        self._ready = True
        for row, key in enumerate(FORMATS):
            if key not in formats:
                item = self.format_box.model().item(row)  # type: ignore[attr-defined]
                item.setEnabled(False)
                item.setToolTip(self.tr("Arrives with a later version of the exporter."))
        self.loudness_check.setChecked(default_lufs is not None)
        if default_lufs is not None:
            self.loudness.setValue(default_lufs)
        for option, widgets in self._gated:
            self._gate(option, widgets)
        for box in self._option_boxes:
            box.setEnabled(True)
        self.status.setText(self.tr("Ready."))
        emit(self.ready)
        if self._start_when_ready:
            self._start_when_ready = False
            self.start()

    def _capabilities_failed(self, exc: BaseException) -> None:
        self._start_when_ready = False
        self.export_button.setEnabled(False)
        self.status.setText(self.tr("The exporter could not be loaded: {error}").format(error=exc))

    def _suggested_output(self) -> Path:
        book = self.book_document.require_book()
        base = Path(self.settings.last_directory) if self.settings.last_directory else Path.home()
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

    # -- running ------------------------------------------------------------------------------------------------
    def settings_kwargs(self) -> dict[str, Any]:
        """The ExportSettings arguments for what the user chose, limited to what the exporter supports."""
        values: dict[str, Any] = {
            "format": self.format_box.currentData(),
            "bitrate": self.bitrate_box.currentData(),
            "paragraph_gap": self.paragraph_gap.value(),
            "chapter_gap": self.chapter_gap.value(),
            "loudness": self.loudness.value() if self.loudness_check.isChecked() and not self.acx.isChecked()
            else None,
            "parts": self.parts.value() or None,
            "subtitles": self.subtitles.currentData(),
            "cover": Path(self.cover.text()) if self.cover.text().strip() else None,
            "acx": True if self.acx.isChecked() else None,
            "spoken_titles": True if self.spoken_titles.isChecked() else None,
        }
        kwargs: dict[str, Any] = {}
        for option, field in self.fields.items():
            value = values.get(option)
            if value is None:
                continue
            if option == "parts" and field.endswith("_hours"):
                value = value / 60
            kwargs[field] = value
        return kwargs

    def start(self) -> BackgroundTask | None:
        if self._task is not None:
            return None
        if not self._ready:  # pressed while the exporter loads: export once it has
            self._start_when_ready = True
            self.status.setText(self.tr("Loading the exporter…"))
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
        folder = self.book_document.folder
        assert folder is not None
        kwargs = self.settings_kwargs()
        options = self.settings.engine_options()
        task = BackgroundTask(lambda report, cancel: run_export(folder, output, kwargs, options, report, cancel),
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
        self.status.setText(self.tr("Wrote {path}: {chapters} chapters, {minutes} minutes.").format(
            path=result.output, chapters=result.chapters, minutes=f"{result.duration_ms / 60000:.1f}"))
        emit(self.exported, result)
        if self.open_folder.isChecked():
            folder = Path(result.output).parent
            open_folder(folder)
            emit(self.folder_opened, str(folder))

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

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Escape and self._task is not None:
            self.cancel()
            return
        super().keyPressEvent(event)


def open_folder(folder: Path) -> None:
    """Show the folder in the file manager (not under the offscreen test platform)."""
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        log.info("not opening %s (offscreen)", folder)
        return
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
