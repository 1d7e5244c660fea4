"""The Takes dock: the takes of the paragraph under the editor's cursor, A/B listening, pin, render again.

Why a dock of its own (and not more editor code): the editor is being split into smaller modules; the window
only tells this dock which paragraph is current (``show_paragraph``) and connects three signals. Everything
that touches the project (reading takes, pinning, setting audio aside, cleaning up) runs as a
``BackgroundTask`` on the "takes" pool, with a ``Project`` opened in the worker: no database or file work on
the UI thread. The decisions themselves are Qt-free (``studio.core.takes``, ``studio.render.takes_plan``).

A/B (Ctrl+Shift+B) plays the newest take, then the one before it, then the newest again: the two versions the
author is choosing between, one key apart. "Render Again" on an unchanged request to a billing engine asks
first (a paid duplicate); then the audio is kept as a take and the window renders the chapter, where only that
paragraph is missing.

Signals:
    play_requested(object): a list of ``PlayItem`` for the player.
    render_requested(int): chapter index (0-based) whose paragraph lost its current audio and must be rendered.
    message(str): a line for the status bar.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.gui.preview import PlayItem
from studio.gui.qtcompat import emit
from studio.gui.workers import BackgroundTask

Work = Callable[[Callable[[Any], None], threading.Event], Any]

# The A/B key: toggles between the two newest takes ("B" as in A/B).
AB_SHORTCUT = "Ctrl+Shift+B"  # Ctrl+Shift+A is Accounts…


def _in_project(folder: Path, fn: Callable[[Any], Any]) -> Work:
    def work(_report: Callable[[Any], None], _cancel: threading.Event) -> Any:
        from studio.core.project import Project

        with Project.open(folder) as project:
            return fn(project)
    return work


def _load(ci: int, pi: int, text: str) -> Callable[[Any], Any]:
    def read(project: Any) -> tuple[list[Any], int | None, str | None]:
        from studio.core.errors import StudioError
        from studio.core.takes import pinned_take, takes_of
        from studio.render.job_store import plan_project
        from studio.render.takes_plan import paragraph_unit

        pin = pinned_take(project, ci, pi)
        current = None
        try:
            stored = project.rendered_unit(paragraph_unit(plan_project(project), ci, pi).cache_key)
            current = str(stored["audio_path"]) if stored else None
        except StudioError:  # a book that cannot be planned now: no "current" mark, the list still shows
            current = None
        return takes_of(project, text), pin.id if pin is not None else None, current
    return read


class TakesDock(QDockWidget):
    play_requested = Signal(object)
    render_requested = Signal(int)
    message = Signal(str)

    def __init__(self, folder: Callable[[], Path | None], parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Takes"), parent)
        self.setObjectName("takes_dock")
        self._folder = folder
        self._where: tuple[int, int, str] | None = None
        self._takes: list[Any] = []
        self._pinned: int | None = None
        self._current: str | None = None
        self._ab_next = 0
        self.task: BackgroundTask | None = None
        self.title = QLabel(self.tr("Put the cursor in a paragraph to see its takes."))
        self.title.setWordWrap(True)
        self.list = QListWidget()
        self.list.setMinimumWidth(120)  # take labels are long; the list scrolls rather than widen the sidebar
        self.list.itemDoubleClicked.connect(lambda _item: self.play_selected())
        self.list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.play_button = QPushButton(self.tr("Play"))
        self.play_button.clicked.connect(lambda: self.play_selected())
        self.ab_action = QAction(self.tr("Play Takes A/B"), self)
        self.ab_action.setShortcut(QKeySequence(AB_SHORTCUT))
        self.ab_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.ab_action.triggered.connect(lambda: self.play_ab())
        self.ab_button = QPushButton(self.tr("A/B"))
        self.ab_button.setToolTip(self.tr("Play the newest take, then the one before it ({key})").format(
            key=AB_SHORTCUT))
        self.ab_button.clicked.connect(self.ab_action.trigger)
        self.pin_button = QPushButton(self.tr("Pin"))
        self.pin_button.setToolTip(self.tr("The export uses the pinned take of this paragraph"))
        self.pin_button.clicked.connect(lambda: self.pin_selected())
        self.clean_action = QAction(self.tr("Clean Up &Takes"), self)
        self.clean_action.setToolTip(self.tr("Delete every take that is neither pinned nor current, freeing disk"))
        self.clean_action.triggered.connect(lambda: self.clean_up())
        self._stale = False
        self.again_button = QPushButton(self.tr("Render Again"))
        self.again_button.setToolTip(self.tr("Synthesize this paragraph again; the current audio stays a take"))
        self.again_button.clicked.connect(lambda: self.render_again())
        buttons = QGridLayout()  # two by two: the dock shares the narrow right sidebar with the voices
        for i, button in enumerate((self.play_button, self.ab_button, self.pin_button, self.again_button)):
            buttons.addWidget(button, i // 2, i % 2)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.setWidget(body)
        self.addAction(self.ab_action)
        self._update_buttons()

    # -- what is shown ------------------------------------------------------------------------------------------
    def takes(self) -> list[Any]:
        return list(self._takes)

    def pinned_id(self) -> int | None:
        return self._pinned

    def show_paragraph(self, chapter_index: int, paragraph_index: int, text: str) -> BackgroundTask | None:
        """Show the takes of this paragraph (0-based); nothing is read when it is the one already shown."""
        where = (chapter_index, paragraph_index, text)
        if where == self._where and self.task is None:
            return None
        self._where = where
        self.title.setText(self.tr("Chapter {c}, paragraph {p}").format(c=chapter_index + 1, p=paragraph_index + 1))
        return self.refresh()

    def refresh(self) -> BackgroundTask | None:
        folder = self._folder()
        if folder is None or self._where is None or not self._where[2].strip():
            self._set_takes([], None, None)
            return None
        if self.task is not None:  # read again when the running task is done
            self._stale = True
            return None
        return self._run(_load(*self._where), self._loaded)

    def _loaded(self, result: tuple[list[Any], int | None, str | None]) -> None:
        self._set_takes(*result)

    def _set_takes(self, takes: list[Any], pinned: int | None, current: str | None) -> None:
        self._takes, self._pinned, self._current, self._ab_next = list(takes), pinned, current, 0
        self.list.clear()
        for take in self._takes:
            marks = []
            if take.id == pinned:
                marks.append(self.tr("pinned"))
            if current is not None and str(take.audio_path) == current:
                marks.append(self.tr("current"))
            suffix = f"  [{', '.join(marks)}]" if marks else ""
            item = QListWidgetItem(take.label() + suffix)
            item.setData(Qt.ItemDataRole.UserRole, take.id)
            self.list.addItem(item)
        if not self._takes:
            self.list.addItem(self.tr("No takes yet: render or preview the paragraph."))
            self.list.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
        self._update_buttons()

    # -- listening ----------------------------------------------------------------------------------------------
    def _selected(self) -> Any:
        row = self.list.currentRow()
        return self._takes[row] if 0 <= row < len(self._takes) else None

    def _play(self, take: Any) -> None:
        label = self.tr("Take {label}").format(label=take.label())
        emit(self.play_requested, [PlayItem(take.audio_path, int(take.duration_ms), label)])

    def play_selected(self) -> None:
        take = self._selected()
        if take is not None:
            self._play(take)

    def play_ab(self) -> Any:
        """Play the newest take, then (next press) the one before it, and so on between the two; returns the
        take played (None: fewer than two takes)."""
        if len(self._takes) < 2:
            emit(self.message, self.tr("A/B needs two takes of the paragraph."))
            return None
        take = self._takes[-1 - self._ab_next]
        self._ab_next = 1 - self._ab_next
        self.list.setCurrentRow(self._takes.index(take))
        self._play(take)
        return take

    # -- changing ---------------------------------------------------------------------------------------------
    def pin_selected(self) -> BackgroundTask | None:
        take, where = self._selected(), self._where
        if take is None or where is None:
            return None
        ci, pi, _text = where

        def pin(project: Any) -> None:
            from studio.core.takes import pin_take

            pin_take(project, ci, pi, take.id)

        def pinned(_result: Any) -> None:
            emit(self.message, self.tr("Pinned take #{n}: the export uses it for this paragraph.").format(n=take.id))
            self.refresh()

        return self._run(pin, pinned)

    def render_again(self, *, confirmed: bool = False) -> BackgroundTask | None:
        """Keep the current audio as a take and ask the window to render the chapter. An unchanged request to a
        billing engine asks first (``confirm_box`` stays open, non-modal)."""
        where = self._where
        if where is None:
            return None
        ci, pi, _text = where

        def prepare(project: Any) -> tuple[bool, str]:
            from studio.render.job_store import plan_project
            from studio.render.takes_plan import is_paid_duplicate, paragraph_unit

            unit = paragraph_unit(plan_project(project), ci, pi)
            if is_paid_duplicate(project, unit) and not confirmed:
                return False, unit.engine
            from studio.core.takes import set_aside

            set_aside(project, unit.cache_key)
            return True, unit.engine

        return self._run(prepare, self._prepared)

    def _prepared(self, result: tuple[bool, str]) -> None:
        done, engine = result
        if done:
            assert self._where is not None
            emit(self.render_requested, self._where[0])
            return
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Render Again"),
                          self.tr("Nothing in this paragraph's request changed since it was rendered. Rendering it "
                                  "again on {engine} is paid for a second time. Render again anyway?").format(
                              engine=engine),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.accepted.connect(lambda: self.render_again(confirmed=True))
        self.confirm_box = box
        box.open()

    def clean_up(self) -> BackgroundTask | None:
        """Render ▸ Clean Up Takes: delete every take that is neither pinned nor current, in the background."""
        def clean(project: Any) -> tuple[int, int]:
            from studio.render.job_store import plan_project
            from studio.render.takes_plan import clean_takes

            return clean_takes(project, plan_project(project))

        def cleaned(result: tuple[int, int]) -> None:
            count, freed = result
            emit(self.message, self.tr("Deleted {n} takes, freed {mb} MB.").format(n=count, mb=f"{freed / 1e6:.1f}"))
            self.refresh()

        return self._run(clean, cleaned)

    # -- plumbing -----------------------------------------------------------------------------------------------
    def _run(self, fn: Callable[[Any], Any], done: Callable[[Any], None]) -> BackgroundTask | None:
        folder = self._folder()
        if folder is None or self.task is not None:
            return None
        task = BackgroundTask(_in_project(folder, fn), self, pool="takes")
        task.succeeded.connect(done)
        task.failed.connect(lambda exc: emit(self.message, self.tr("Takes: {error}").format(error=exc)))
        task.finished.connect(self._finished)
        self.task = task
        self._update_buttons()
        task.start()
        return task

    def _finished(self) -> None:
        self.task = None
        self._update_buttons()
        if self._stale:
            self._stale = False
            self.refresh()

    def _update_buttons(self) -> None:
        idle, chosen = self.task is None, self._selected() is not None
        self.play_button.setEnabled(chosen)
        self.pin_button.setEnabled(idle and chosen)
        self.ab_button.setEnabled(len(self._takes) >= 2)
        self.ab_action.setEnabled(len(self._takes) >= 2)
        self.again_button.setEnabled(idle and self._where is not None and self._folder() is not None)


def install_takes_dock(window: Any) -> TakesDock:
    """Add the Takes dock to the main window (tabbed with the voices) and wire it: the editor's cursor picks the
    paragraph, the player plays, the window renders and shows messages. Kept here so the window needs one line."""
    dock = TakesDock(lambda: window.document.folder, window)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.tabifyDockWidget(window.voice_dock, dock)
    window.voice_dock.raise_()

    def follow() -> None:
        book, row, paragraph = window.document.book, window.editor.chapter_row(), window.editor.cursor_paragraph()
        if book is None or not 0 <= row < len(book.chapters) or not 0 <= paragraph < len(book.chapters[row].paragraphs):
            return
        if dock.isVisible():
            dock.show_paragraph(row, paragraph, book.chapters[row].paragraphs[paragraph].text)

    window.editor.cursorPositionChanged.connect(follow)
    dock.visibilityChanged.connect(lambda visible: follow() if visible else None)
    dock.play_requested.connect(window.player.play_items)
    dock.render_requested.connect(lambda row: window.start_render([row]))
    dock.message.connect(window.show_status)
    window.render_controller.finished.connect(lambda *_: dock.refresh())
    return dock
