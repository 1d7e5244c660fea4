"""Opening, importing and saving projects; autosave; the recent-projects list; the resume notice.

All project I/O runs in ``BackgroundTask``s that open their own ``Project`` connection (SQLite connections do
not cross threads). Saves are serialized: a save requested while one runs is queued behind it with a fresh
snapshot, so an older snapshot can never overwrite a newer one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from studio.core.book import Book
from studio.gui.document import BookDocument
from studio.gui.qtcompat import emit
from studio.gui.settings import Settings
from studio.gui.workers import BackgroundTask
from studio.paths import data_dir
from studio.render.session.units import ResumeInfo, resume_info

log = logging.getLogger("studio.gui.project")

MANUSCRIPT_SUFFIXES = (".txt", ".md", ".markdown", ".epub", ".docx")


def default_project_dir(manuscript: Path) -> Path:
    """Where a manuscript opened directly gets its project: the user's data folder, one per file stem."""
    return data_dir() / "projects" / f"{manuscript.stem}.studio"


@dataclass(frozen=True)
class Loaded:
    folder: Path
    book: Book
    report: Any = None
    resume: ResumeInfo | None = None
    reused: bool = False
    restored: tuple[str, str] | None = None  # (snapshot restored, snapshot of the book it replaced)
    reviewed: bool = False  # imported after the author reviewed its structure (no second review on opening)
    manuscript_changed: bool = False  # reused: the manuscript changed since its import (the project is kept)


# -- worker side ------------------------------------------------------------------------------------------------


def load_project(folder: Path) -> Loaded:
    from studio.core.project import Project

    with Project.open(folder) as project:
        book = project.load_book()
        return Loaded(folder, book, resume=resume_info(project, book))


def import_manuscript(path: Path, folder: Path) -> Loaded:
    """Import ``path`` into a new project at ``folder`` (which must not hold a project yet)."""
    from studio.core.importers import import_file

    return create_from_import(path, folder, import_file(path))


@dataclass(frozen=True)
class PendingImport:
    """A manuscript read but not yet a project: the author reviews its chapters first (issue 15)."""

    manuscript: Path
    folder: Path
    result: Any  # the importer's ImportResult: book (chapters as proposed) and report


def create_from_import(path: Path, folder: Path, result: Any) -> Loaded:
    """Create the project at ``folder`` from an import ``result`` (its book possibly restructured by a review)."""
    from studio.core.project import Project
    from studio.core.provenance import record_source, source_of
    from studio.render.render_lock import RenderLock

    with Project.create(folder) as project, RenderLock(folder):
        project.save_book(result.book)
        record_source(project, source_of(path, result.book, result.report.to_dict()))
        return Loaded(folder, project.load_book(), result.report)


def open_manuscript(path: Path, review: bool = False) -> Loaded | PendingImport:
    """``studio MANUSCRIPT``: the project imported from this very file if there is one, else a new import.

    Projects are looked up by file name (``default_project_dir``), but two files may share a name
    (``~/a/book.txt`` and ``~/b/book.txt``): a folder whose project was imported from another file, or that is
    not an empty folder, is passed over for ``book (2).studio``, ``book (3).studio``…
    """
    from studio.core.project import Project, is_project_dir

    source = str(path.resolve())
    base = folder = default_project_dir(path)
    n = 2
    while folder.exists():
        if is_project_dir(folder):
            with Project.open(folder) as project:
                recorded = project.get_meta("source")
            if isinstance(recorded, dict) and recorded.get("path") == source:
                return _reused(load_project(folder), _changed_since_import(path, recorded))
        elif folder.is_dir() and not any(folder.iterdir()):
            break
        folder = base.with_name(f"{path.stem} ({n}).studio")
        n += 1
    # a new import: with ``review`` the author confirms the chapters before the project is created
    return _read_for_review(path, folder) if review else import_manuscript(path, folder)


def _read_for_review(manuscript: Path, folder: Path) -> PendingImport:
    """Read the manuscript (worker thread) without creating anything; a folder already holding a project is
    refused now, before the author spends time on the review."""
    from studio.core.errors import ProjectError
    from studio.core.importers import import_file
    from studio.core.project import is_project_dir

    if is_project_dir(folder):
        raise ProjectError(f"{folder}: already holds a project")
    return PendingImport(manuscript, folder, import_file(manuscript))


def save_project(folder: Path, book: Book) -> None:
    """Write the book under the project lock: another process rendering or importing gets no book swapped
    under it (the save fails with a clear message instead, and the window keeps the unsaved edits)."""
    from studio.core.project import Project
    from studio.render.render_lock import RenderLock

    with Project.open(folder) as project, RenderLock(folder):
        project.save_book(book)


def restore_project(folder: Path, snapshot_id: str) -> Loaded:
    """File ▸ Snapshots ▸ Restore: the snapshot becomes the book (the current one is snapshotted first)."""
    from studio.core.project import Project
    from studio.core.snapshots import restore_snapshot
    from studio.render.render_lock import RenderLock

    with Project.open(folder) as project, RenderLock(folder):
        restored, before = restore_snapshot(project, snapshot_id)
    loaded = load_project(folder)
    return Loaded(loaded.folder, loaded.book, resume=loaded.resume, restored=(restored.id, before.id))


# -- UI side ----------------------------------------------------------------------------------------------------


class ProjectController(QObject):
    """Loads books into the document and writes them back.

    Signals:
        busy_changed(bool): an open or import is running (the window disables open/new meanwhile).
        opened(object): a ``Loaded`` after the document shows the book.
        saved(object): the folder after a save finished.
        failed(object): the exception of a failed open, import or save (the window shows it).
        resume_available(object): a ``ResumeInfo`` when an opened project has an unfinished render.
        recent_changed(): the recent-projects list changed.
        review_requested(object): a ``PendingImport``: show the structure review, then call
            :meth:`finish_import` (nothing is created until then).
    """

    busy_changed = Signal(bool)
    opened = Signal(object)
    saved = Signal(object)
    failed = Signal(object)
    resume_available = Signal(object)
    recent_changed = Signal()
    review_requested = Signal(object)

    def __init__(self, document: BookDocument, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.settings = settings
        self._load_task: BackgroundTask | None = None
        self._save_task: BackgroundTask | None = None
        self._save_pending = False
        self._pending_load: BackgroundTask | None = None
        self._waiting: list[Callable[[], None]] = []
        self.autosave_timer = QTimer(self)
        self.autosave_timer.timeout.connect(self.autosave)
        self.apply_settings()

    def apply_settings(self) -> None:
        seconds = self.settings.autosave_seconds
        if seconds > 0:
            self.autosave_timer.start(seconds * 1000)
        else:
            self.autosave_timer.stop()

    def is_busy(self) -> bool:
        return self._load_task is not None

    def is_saving(self) -> bool:
        return self._save_task is not None

    # -- opening ------------------------------------------------------------------------------------------------
    def open_path(self, path: Path) -> BackgroundTask | None:
        """``studio PATH``: a project folder opens; a manuscript opens its earlier project or is imported."""
        from studio.core.project import is_project_dir

        if is_project_dir(path):
            return self.open_project(path)
        review = self.settings.review_structure_on_import
        return self._load(lambda: open_manuscript(path, review))

    def open_project(self, folder: Path) -> BackgroundTask | None:
        return self._load(lambda: load_project(folder))

    def new_project(self, manuscript: Path, folder: Path | None = None) -> BackgroundTask | None:
        """Import ``manuscript`` into a new project; with the review preference on, the manuscript is read
        first and ``review_requested`` lets the author confirm the chapters before the project exists."""
        target = folder or default_project_dir(manuscript)
        if not self.settings.review_structure_on_import:
            return self._load(lambda: import_manuscript(manuscript, target))
        return self._load(lambda: _read_for_review(manuscript, target))

    def finish_import(self, pending: PendingImport, chapters: list[Any] | None) -> BackgroundTask | None:
        """After the review: create the project with the reviewed ``chapters``; ``None`` (cancelled) creates
        nothing."""
        if chapters is None:
            return None
        result = pending.result
        result.book.chapters = chapters

        def create() -> Loaded:
            loaded = create_from_import(pending.manuscript, pending.folder, result)
            return Loaded(loaded.folder, loaded.book, loaded.report, reviewed=True)

        return self._load(create)

    def restore_snapshot(self, snapshot_id: str) -> BackgroundTask | None:
        """Restore a snapshot of the open project; unsaved edits are saved first (and so end up in the snapshot
        the restore takes of the current book)."""
        folder = self.document.folder
        if folder is None:
            return None
        return self._load(lambda: restore_project(folder, snapshot_id))

    def _load(self, fn: Callable[[], Loaded | PendingImport]) -> BackgroundTask | None:
        if self._load_task is not None:
            return None
        task = BackgroundTask(lambda _report, _cancel: fn(), self, pool="project")
        task.succeeded.connect(self._loaded)
        task.failed.connect(self.failed)
        task.finished.connect(self._load_finished)
        self._load_task = task
        emit(self.busy_changed, True)
        if self.document.is_dirty() or self._save_task is not None:
            # Unsaved edits are written first (the load may even reopen the same project).
            self._pending_load = task
            self.save()
        else:
            task.start()
        return task

    def _loaded(self, loaded: Loaded | PendingImport) -> None:
        if isinstance(loaded, PendingImport):
            emit(self.review_requested, loaded)
            return
        self.document.set_book(loaded.book, loaded.folder)
        self.settings.add_recent_project(loaded.folder)
        emit(self.recent_changed)
        emit(self.opened, loaded)
        if loaded.resume is not None:
            emit(self.resume_available, loaded.resume)

    def _load_finished(self) -> None:
        self._load_task = None
        emit(self.busy_changed, False)

    def forget_recent(self, folder: Path) -> None:
        self.settings.remove_recent_project(folder)
        emit(self.recent_changed)

    # -- saving -------------------------------------------------------------------------------------------------
    def save(self, then: Callable[[], None] | None = None) -> None:
        """Write the book now (in the background); ``then`` runs once a save that includes this state is done."""
        if self.document.book is None or self.document.folder is None:
            return
        if then is not None:
            self._waiting.append(then)
        if self._save_task is not None:
            self._save_pending = True
            return
        self._start_save()

    def autosave(self) -> None:
        if self.document.is_dirty() and self._save_task is None:
            log.info("autosaving %s", self.document.folder)
            self.save()

    def _start_save(self) -> None:
        book, revision = self.document.snapshot()
        folder = self.document.folder
        assert folder is not None
        callbacks, self._waiting = self._waiting, []
        self._save_pending = False
        task = BackgroundTask(lambda _report, _cancel: save_project(folder, book), self, pool="project")
        task.succeeded.connect(lambda _result: self._saved(folder, revision, callbacks))
        task.failed.connect(self.failed)
        task.finished.connect(self._save_finished)
        self._save_task = task
        task.start()

    def _saved(self, folder: Path, revision: int, callbacks: list[Callable[[], None]]) -> None:
        if folder == self.document.folder:
            self.document.mark_saved(revision)
        emit(self.saved, folder)
        for callback in callbacks:
            callback()

    def _save_finished(self) -> None:
        self._save_task = None
        if self._save_pending or self._waiting:
            self._start_save()
        elif self._pending_load is not None:
            task, self._pending_load = self._pending_load, None
            task.start()

    def flush_on_exit(self, timeout_ms: int = 15_000) -> None:
        """Closing: save unsaved edits and wait for the writes (no dialog: closing never loses edits)."""
        if self.document.is_dirty() and self.document.folder is not None and self.document.book is not None:
            book, _revision = self.document.snapshot()
            folder = self.document.folder
            if self._save_task is not None:
                self._save_task.wait(timeout_ms)
            done = threading.Event()

            def save(_report: object, _cancel: threading.Event) -> None:
                save_project(folder, book)
                done.set()

            task = BackgroundTask(save, None, pool="project")
            task.start()
            task.wait(timeout_ms)
            if not done.is_set():
                log.error("could not save %s before exit", folder)
        elif self._save_task is not None:
            self._save_task.wait(timeout_ms)


def _reused(loaded: Loaded, manuscript_changed: bool = False) -> Loaded:
    return Loaded(loaded.folder, loaded.book, loaded.report, loaded.resume, reused=True,
                  manuscript_changed=manuscript_changed)


def _changed_since_import(path: Path, recorded: dict[str, Any]) -> bool:
    """The manuscript's bytes differ from the ones the project was imported from (never replaced: only said)."""
    from studio.core.provenance import file_sha256

    digest = recorded.get("sha256")
    try:
        return bool(digest) and file_sha256(path) != digest
    except OSError:
        return False
