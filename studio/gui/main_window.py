"""The studio window: assembles the document, the controllers and the docks, and owns the menus.

Nothing here edits the book or does I/O: the chapter tree, editor, voice picker, job monitor and player are
their own modules (``*_dock.py``, ``editor.py``); opening and saving is ``ProjectController``; rendering is
``RenderController``; previews are ``PreviewService``. This class wires their signals together and turns
results into status-bar messages and (non-blocking) dialogs.

Why one module of ~800 lines (over the house's ~450): it is the wiring list (menus, actions, signal
connections, status messages), long because the window has many features, not because it holds logic; the
logic is in the modules above. Splitting the wiring would spread one feature's connections over files. It is
also the file most branches touch at once, so a split (the menus first) waits for a moment between merges.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QIcon, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.core.book import Chapter
from studio.core.errors import CancelledError, InputError, ProjectError
from studio.gui.cast_panel import install_cast_dock
from studio.gui.chapter_dock import ChapterDock
from studio.gui.dialogs import ask_directory, ask_open_file, show_message
from studio.gui.dock_tabs import hide_stale_tab_bars
from studio.gui.document import BookDocument
from studio.gui.editor_panel import EditorPanel
from studio.gui.emotion_marks import problem_text
from studio.gui.import_warnings_dock import ImportWarningsDock
from studio.gui.job_dock import JobDock
from studio.gui.job_model import JobTableModel
from studio.gui.player import PlayerDock
from studio.gui.preview import PreviewService
from studio.gui.project_controller import Loaded, ProjectController, ResumeInfo
from studio.gui.qa_panel import QaDock
from studio.gui.qtcompat import emit
from studio.gui.render_controller import RenderController
from studio.gui.render_guard import ask_pause_render
from studio.gui.settings import Settings
from studio.gui.status import StatusController
from studio.gui.takes_panel import install_takes_dock
from studio.gui.voice_dock import VoiceDock
from studio.gui.widgets import StatusLabel
from studio.gui.workers import BackgroundTask
from studio.paths import resources_dir

log = logging.getLogger("studio.gui.window")
#: Bumped when the docks' arrangement changes, so a remembered layout from before is not restored over it.
LAYOUT_VERSION = 2



class ResumeBar(QFrame):
    """A bar above the editor: an earlier render of this project stopped before it finished."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resume_bar")
        self.setStyleSheet("#resume_bar { background: #fff4d6; border: 1px solid #e8c66a; border-radius: 4px; }")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.resume_button = QPushButton(self.tr("Resume Rendering"))
        self.dismiss_button = QPushButton(self.tr("Dismiss"))
        self.dismiss_button.clicked.connect(self.hide)
        self.info: ResumeInfo | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.resume_button)
        layout.addWidget(self.dismiss_button)
        self.hide()

    def show_info(self, info: ResumeInfo) -> None:
        self.info = info
        # Short enough for the editor column; the whole story is in the tooltip.
        self.label.setText(self.tr("Unfinished render: {remaining} of {total} to go.")
                           .format(remaining=info.remaining, total=info.total))
        self.setToolTip(self.tr("An earlier render of this project stopped before it finished: {remaining} of "
                                "{total} paragraphs still have no audio. Rendered paragraphs are kept; tasks still "
                                "at the vendor are picked up, not paid for again.")
                        .format(remaining=info.remaining, total=info.total))
        self.show()


# Windows built by ``MainWindow.relaunch`` (the app's ``main`` holds only the first one).
_windows: list[MainWindow] = []


class MainWindow(QMainWindow):
    """The studio window.

    Signals:
        replaced(object): ``relaunch`` built a new window (in another language) that takes this one's place.
    """

    replaced = Signal(object)

    def __init__(self, settings: Settings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings or Settings()
        self.setWindowTitle(self.tr("Audiobook Studio"))
        icon = resources_dir() / "icons" / "studio.svg"
        if icon.is_file():
            self.setWindowIcon(QIcon(str(icon)))
        self.setDockNestingEnabled(True)
        self.resize(1280, 800)

        self.document = BookDocument(self)
        self.projects = ProjectController(self.document, self.settings, self)
        self.statuses = StatusController(self.document, self)
        self.jobs = JobTableModel(self)
        self.render_controller = RenderController(self.document, self.settings, self.jobs, self)
        self.preview = PreviewService(self.document, self.settings, self)

        # -- central editor and docks --
        self.editor_panel = EditorPanel(self.document)
        self.editor = self.editor_panel.editor
        self.resume_bar = ResumeBar()
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(2)
        central_layout.addWidget(self.resume_bar)
        central_layout.addWidget(self.editor_panel, 1)
        self.setCentralWidget(central)
        self.chapter_dock = ChapterDock(self.document, self.editor.cursor_paragraph, self)
        self.voice_dock = VoiceDock(self.document, self.chapter_dock.current_row, self._selected_paragraphs, self)
        self.job_dock = JobDock(self.render_controller, self)
        self.player = PlayerDock(self)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.chapter_dock)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.player)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.voice_dock)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.job_dock)
        self.import_warnings = ImportWarningsDock(self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.import_warnings)
        self.tabifyDockWidget(self.job_dock, self.import_warnings)
        self.import_warnings.hide()
        self.qa_dock = QaDock(lambda: self.document.folder, self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.qa_dock)
        self.tabifyDockWidget(self.job_dock, self.qa_dock)
        self.qa_dock.hide()
        self.takes_dock = install_takes_dock(self)
        self.cast_dock = install_cast_dock(self)
        # The manuscript is the centre: narrow sidebars, the job drawer folded to one line until a render starts.
        self.resizeDocks([self.chapter_dock, self.voice_dock], [230, 300], Qt.Orientation.Horizontal)
        self.resizeDocks([self.chapter_dock, self.player], [520, 110], Qt.Orientation.Vertical)
        self.resizeDocks([self.job_dock], [self.job_dock.widget().sizeHint().height()], Qt.Orientation.Vertical)
        self._default_state = self.saveState(LAYOUT_VERSION)

        self._closing = False
        self._estimate_task: BackgroundTask | None = None
        self._preview_message = ""
        self.render_question: QMessageBox | None = None
        self.pause_question: QMessageBox | None = None
        self.status_label = StatusLabel(min_chars=40)
        self.statusBar().addWidget(self.status_label, 1)
        self._build_actions()
        self._wire()
        self._restore_window()
        self._update_actions()

    # -- construction -------------------------------------------------------------------------------------------
    def _action(self, text: str, shortcut: QKeySequence | QKeySequence.StandardKey | str | None,
                slot: Callable[[], Any], tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut) if isinstance(shortcut, str) else shortcut)
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        menu = self.menuBar()
        self.new_action = self._action(self.tr("&New Project from Manuscript…"), QKeySequence.StandardKey.New,
                                       self._ask_new, self.tr("Import a manuscript into a new project"))
        self.open_action = self._action(self.tr("&Open Project…"), QKeySequence.StandardKey.Open, self._ask_open,
                                        self.tr("Open a project folder"))
        self.recent_menu = QMenu(self.tr("Open &Recent"), self)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.save_action = self._action(self.tr("&Save"), QKeySequence.StandardKey.Save, self.save,
                                        self.tr("Save the project (it is also saved automatically)"))
        self.export_action = self._action(self.tr("&Export Audiobook…"), "Ctrl+Shift+X", self.show_export,
                                          self.tr("Write the audiobook file"))
        self.snapshots_action = self._action(self.tr("Sna&pshots…"), None, self.show_snapshots,
                                             self.tr("Earlier versions of the book (kept before every re-import "
                                                     "and restore); restore one"))
        self.accounts_action = self._action(self.tr("&Accounts…"), None, self.show_accounts,
                                            self.tr("Cloud credentials for Alibaba and Baidu"))
        self.quit_action = self._action(self.tr("&Quit"), QKeySequence.StandardKey.Quit, self.close)
        if self.quit_action.shortcut().isEmpty():  # Windows (and offscreen) have no standard Quit key
            self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        if self.accounts_action.shortcut().isEmpty():
            self.accounts_action.setShortcut(QKeySequence("Ctrl+Shift+A"))
        file_menu = menu.addMenu(self.tr("&File"))
        for item in (self.new_action, self.open_action, self.recent_menu, None, self.save_action,
                     self.export_action, self.snapshots_action, None, self.accounts_action, None,
                     self.quit_action):
            _add(file_menu, item)

        stack = self.document.undo_stack
        self.undo_action = stack.createUndoAction(self, self.tr("&Undo"))
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = stack.createRedoAction(self, self.tr("&Redo"))
        self.redo_action.setShortcuts([QKeySequence(QKeySequence.StandardKey.Redo), QKeySequence("Ctrl+Y")])
        self.preferences_action = self._action(self.tr("&Preferences…"), QKeySequence.StandardKey.Preferences,
                                               self.show_preferences)
        if self.preferences_action.shortcut().isEmpty():
            self.preferences_action.setShortcut(QKeySequence("Ctrl+,"))
        panel = self.editor_panel
        edit_menu = menu.addMenu(self.tr("&Edit"))
        for item in (self.undo_action, self.redo_action, None, panel.insert_emotion_action,
                     panel.remove_emotion_action, None, self.preferences_action):
            _add(edit_menu, item)

        chapter_menu = menu.addMenu(self.tr("&Chapter"))
        for action in self.chapter_dock.actions_list:
            chapter_menu.addAction(action)
        self.review_structure_action = self._action(
            self.tr("Review &Structure…"), None, lambda: self.show_structure_review(),
            self.tr("Confirm which lines start chapters (a snapshot is taken before any change)"))
        chapter_menu.addSeparator()
        chapter_menu.addAction(self.review_structure_action)

        self.render_action = self._action(self.tr("&Render Book"), "Ctrl+R", lambda: self.start_render(),
                                          self.tr("Synthesize every paragraph that has no audio yet"))
        self.render_chapter_action = self._action(self.tr("Render &Chapter"), "Ctrl+Shift+R",
                                                  self.render_current_chapter,
                                                  self.tr("Synthesize the selected chapter"))
        self.cancel_render_action = self._action(self.tr("&Cancel Render"), "Ctrl+.", self.render_controller.cancel)
        self.pause_render_action = self._action(self.tr("&Pause Render"), "Ctrl+Shift+P",
                                                lambda: self.job_dock.pause_button.toggle(),
                                                self.tr("Submit nothing new (tasks at the vendor finish); again "
                                                        "to resume"))
        self.preview_chapter_action = self._action(self.tr("Preview C&hapter"), "Shift+F5", self.preview_chapter,
                                                   self.tr("Synthesize and play the selected chapter"))
        self.preview_book_action = self._action(self.tr("Preview &Book"), "Ctrl+Shift+F5", self.preview_book,
                                                self.tr("Play the book's rendered audio, chapter after chapter"))
        self.play_action = self.player.play_action
        self.job_dock.render_button.clicked.connect(lambda: self.start_render())
        self.check_audio_action = self._action(self.tr("Check &Audio"), None, self.check_audio,
                                               self.tr("Proof-listen: find skipped sentences and odd audio"))
        render_menu = menu.addMenu(self.tr("&Render"))
        for item in (self.render_action, self.render_chapter_action, self.pause_render_action,
                     self.cancel_render_action, None,
                     panel.preview_action, self.preview_chapter_action, self.preview_book_action, self.play_action,
                     self.player.stop_action, None, self.check_audio_action, None, self.takes_dock.ab_action,
                     self.takes_dock.clean_action):
            _add(render_menu, item)

        view_menu = menu.addMenu(self.tr("&View"))
        for dock in (self.chapter_dock, self.voice_dock, self.job_dock, self.player, self.import_warnings,
                     self.qa_dock, self.takes_dock):
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addSeparator()
        view_menu.addAction(self._action(self.tr("Reset &Layout"), None, self.reset_layout))

        help_menu = menu.addMenu(self.tr("&Help"))
        help_menu.addAction(self._action(self.tr("&Keyboard Shortcuts"), QKeySequence.StandardKey.HelpContents,
                                         self.show_shortcuts))
        help_menu.addAction(self._action(self.tr("Open &Log Folder"), None, self.open_log_folder))
        help_menu.addAction(self._action(self.tr("&About Audiobook Studio"), None, self.show_about))

        toolbar = self.addToolBar(self.tr("Main"))
        toolbar.setObjectName("main_toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.setIconSize(QSize(16, 16))
        # The menu's undo/redo name the step ("Undo Split chapter"); the toolbar keeps short, steady labels.
        self.undo_button_action = self._action(self.tr("Undo"), None, stack.undo)
        self.redo_button_action = self._action(self.tr("Redo"), None, stack.redo)
        self.undo_button_action.setEnabled(False)
        self.redo_button_action.setEnabled(False)
        stack.canUndoChanged.connect(self.undo_button_action.setEnabled)
        stack.canRedoChanged.connect(self.redo_button_action.setEnabled)
        stack.undoTextChanged.connect(self.undo_button_action.setToolTip)
        stack.redoTextChanged.connect(self.redo_button_action.setToolTip)
        for item in (self.new_action, self.open_action, self.save_action, None, self.undo_button_action,
                     self.redo_button_action, None, panel.insert_emotion_action, panel.preview_action,
                     self.play_action, None, self.render_action, self.export_action):
            _add(toolbar, item)
        panel.extra_context_actions.append(self._action(self.tr("Use Selected Voice for Paragraph"), None,
                                                        lambda: self.voice_dock.assign("paragraphs")))
        self.delivery_action = self._action(self.tr("Paragraph &Delivery…"), None, self.show_delivery,
                                            self.tr("Speed, pitch and volume of the selected paragraphs"))
        panel.extra_context_actions.append(self.delivery_action)
        edit_menu.addAction(self.delivery_action)

    def _wire(self) -> None:
        doc = self.document
        doc.dirty_changed.connect(self.setWindowModified)
        doc.book_replaced.connect(self._update_title)
        doc.info_changed.connect(self._update_title)
        doc.book_replaced.connect(self._update_actions)
        self.chapter_dock.chapter_selected.connect(self._chapter_selected)
        for source in (self.chapter_dock, self.voice_dock, self.editor_panel):
            source.message.connect(self.show_status)
        self.projects.busy_changed.connect(self._update_actions)
        self.projects.opened.connect(self._opened)
        self.projects.review_requested.connect(self._review_import)
        self.qa_dock.jump_requested.connect(self.show_paragraph)
        self.qa_dock.rerender_requested.connect(lambda row: self.start_render([row]))
        self.qa_dock.credits_rerender_requested.connect(self.render_credits)
        self.projects.failed.connect(self.show_error)
        self.projects.saved.connect(lambda folder: self.show_status(self.tr("Saved {path}").format(path=folder)))
        self.projects.resume_available.connect(self.resume_bar.show_info)
        self.projects.resume_available.connect(self.render_controller.show_stored)
        doc.book_replaced.connect(self.render_controller.clear)
        self.resume_bar.resume_button.clicked.connect(self._resume)
        self.render_controller.started.connect(self._update_actions)
        self.render_controller.finished.connect(self._render_finished)
        self.render_controller.blocked.connect(self._render_blocked)
        self.render_controller.units_done.connect(self._render_progressed)
        self.editor_panel.preview_paragraph.connect(self.preview_paragraph)
        self.voice_dock.audition_requested.connect(self.preview.audition)
        self.preview.ready.connect(self.player.play_items)
        self.preview.busy.connect(self._preview_busy)
        self.preview.failed.connect(self.show_error)
        self.preview.ready.connect(self._preview_ready)
        self.render_controller.started.connect(self.resume_bar.hide)  # resumed from any button: the banner is stale
        doc.book_replaced.connect(self.job_dock.forget_render)
        self.player.spoken.connect(self.editor.show_spoken)
        self.player.stopped.connect(self.editor.clear_spoken)

    def _restore_window(self) -> None:
        geometry = self.settings.window_geometry
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.window_state
        if state is not None:
            self.restoreState(state, LAYOUT_VERSION)  # a layout saved by an older window is not forced on this one

    def reset_layout(self) -> None:
        self.restoreState(self._default_state, LAYOUT_VERSION)
        for dock in (self.chapter_dock, self.voice_dock, self.job_dock, self.player):
            dock.show()
        QTimer.singleShot(0, self, lambda: hide_stale_tab_bars(self))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self, lambda: hide_stale_tab_bars(self))  # once the layout has placed the bars

    # -- state --------------------------------------------------------------------------------------------------
    def _update_title(self) -> None:
        book = self.document.book
        if book is None:
            self.setWindowTitle(self.tr("Audiobook Studio"))
        else:
            self.setWindowTitle(self.tr("{title}[*] — Audiobook Studio").format(title=book.title))

    def _update_actions(self, *_args: Any) -> None:
        has_book = self.document.book is not None
        busy = self.projects.is_busy()
        rendering = self.render_controller.is_running()
        self.new_action.setEnabled(not busy)
        self.open_action.setEnabled(not busy)
        self.recent_menu.setEnabled(not busy)
        for action in (self.save_action, self.export_action, self.snapshots_action, self.render_chapter_action,
                       self.preview_chapter_action, self.preview_book_action):
            action.setEnabled(has_book and not busy)
        self.render_action.setEnabled(has_book and not busy and not rendering)
        self.job_dock.render_button.setEnabled(has_book and not busy and not rendering)
        self.cancel_render_action.setEnabled(rendering)
        self.pause_render_action.setEnabled(rendering and self.render_controller.can_pause())

    def show_status(self, message: str) -> None:
        self.status_label.setText(message)

    def show_error(self, exc: BaseException) -> None:
        if isinstance(exc, CancelledError):
            self.show_status(self.tr("Cancelled."))
            return
        self.show_status(self.tr("Failed: {error}").format(error=exc))
        if isinstance(exc, InputError | ProjectError):
            self.last_message = show_message(self, str(exc))
        else:
            from studio.logsetup import setup_logging

            self.last_message = show_message(self, self.tr("{error}\n\nDetails are in the log: {log}").format(
                error=exc, log=setup_logging()))

    # -- projects -----------------------------------------------------------------------------------------------
    def _after_render_pause(self, then: Callable[[], Any]) -> bool:
        """Opening another project while a render runs: ask first ("Pause and Open" or "Keep Rendering").
        Returns True when ``then`` was deferred to the answer."""
        if not self.render_controller.is_running():
            return False

        def pause_and_open() -> None:
            self.render_controller.shutdown()
            then()

        self.pause_question = ask_pause_render(self, quitting=False, on_pause=pause_and_open)
        return True

    def open_path(self, path: Path) -> BackgroundTask | None:
        if self._after_render_pause(lambda: self.open_path(path)):
            return None
        self.show_status(self.tr("Opening {path}…").format(path=path))
        return self.projects.open_path(path)

    def open_project(self, folder: Path) -> BackgroundTask | None:
        if self._after_render_pause(lambda: self.open_project(folder)):
            return None
        self.show_status(self.tr("Opening {path}…").format(path=folder))
        return self.projects.open_project(folder)

    def import_manuscript(self, path: Path, folder: Path | None = None) -> BackgroundTask | None:
        if self._after_render_pause(lambda: self.import_manuscript(path, folder)):
            return None
        self.show_status(self.tr("Importing {path}…").format(path=path))
        return self.projects.new_project(path, folder)

    def save(self) -> None:
        self.projects.save()

    def _ask_new(self) -> None:
        from studio.gui.project_controller import default_project_dir

        def chosen(manuscript: Path) -> None:
            folder = default_project_dir(manuscript)
            n = 2
            from studio.core.project import is_project_dir

            while is_project_dir(folder) or (folder.exists() and (not folder.is_dir() or any(folder.iterdir()))):
                folder = folder.with_name(f"{manuscript.stem} ({n}).studio")
                n += 1
            self.import_manuscript(manuscript, folder)

        manuscripts = self.tr("Manuscripts (*.txt *.md *.markdown *.epub *.docx);;All files (*)")
        ask_open_file(self, self.tr("New Project from Manuscript"), manuscripts, chosen, self.settings)

    def _ask_open(self) -> None:
        ask_directory(self, self.tr("Open Project"), self.open_path, self.settings)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent_projects
        if not recent:
            self.recent_menu.addAction(self.tr("No recent projects")).setEnabled(False)
            return
        for i, folder in enumerate(recent):
            text = f"&{i + 1} {folder.name}" if i < 9 else folder.name
            action = self.recent_menu.addAction(text)
            action.setToolTip(str(folder))
            action.setStatusTip(str(folder))
            action.triggered.connect(lambda _checked=False, f=folder: self._open_recent(f))
        self.recent_menu.addSeparator()
        self.recent_menu.addAction(self.tr("Clear List"), self._clear_recent)

    def _open_recent(self, folder: Path) -> None:
        from studio.core.project import is_project_dir

        if not is_project_dir(folder):
            self.projects.forget_recent(folder)
            self.last_message = show_message(self, self.tr("{path} is no longer a project folder; it was removed "
                                                           "from the list.").format(path=folder))
            return
        self.open_project(folder)

    def _clear_recent(self) -> None:
        self.settings.clear_recent_projects()

    def _opened(self, loaded: Loaded) -> None:
        self.resume_bar.hide()
        self.qa_dock.clear()
        report = loaded.report
        self.import_warnings.show_warnings(list(report.warnings) if report is not None else [])
        if report is not None:
            self.show_status(self.tr("Imported: {chapters} chapters, {paragraphs} paragraphs, {characters} "
                                     "characters; {warnings} warnings").format(
                chapters=len(loaded.book.chapters), paragraphs=report.paragraphs, characters=report.characters,
                warnings=len(report.warnings)))
            if self.settings.review_structure_on_import and not loaded.reviewed:
                self.show_structure_review(report)
        elif loaded.restored is not None:
            self.show_status(self.tr("Restored snapshot {restored}; the book it replaced is snapshot {before} "
                                     "(File ▸ Snapshots… brings it back).").format(
                restored=loaded.restored[0], before=loaded.restored[1]))
        elif loaded.reused and loaded.manuscript_changed:
            self.show_status(self.tr("This manuscript changed since it was imported: its project {path} is opened "
                                     "as it is, nothing was replaced. Use File ▸ New Project to import the new "
                                     "text, or `studio import --reimport` to carry your work over to it.").format(
                path=loaded.folder))
        elif loaded.reused:
            self.show_status(self.tr("This manuscript was imported before: opened its project {path}. Use File ▸ New "
                                     "Project to import it again.").format(path=loaded.folder))
        else:
            self.show_status(self.tr("Opened {path}").format(path=loaded.folder))
        self._update_actions()

    # -- chapters and editor ------------------------------------------------------------------------------------
    def _chapter_selected(self, chapter: Chapter | None) -> None:
        self.editor_panel.show_chapter(chapter)

    def _selected_paragraphs(self) -> tuple[int, list[int]]:
        return self.editor.chapter_row(), self.editor.selected_paragraphs()

    # -- rendering and previews ---------------------------------------------------------------------------------
    def check_audio(self) -> BackgroundTask | None:
        """Render ▸ Check Audio: the QA dock checks the open project's rendered audio in the background."""
        self.qa_dock.show()
        self.qa_dock.raise_()
        return self.qa_dock.run()

    def show_paragraph(self, chapter: int, paragraph: int) -> None:
        """Select ``chapter`` and put the cursor at the start of its ``paragraph`` (0-based)."""
        self.chapter_dock.select_row(chapter)
        self.editor.select_range(paragraph, 0, 0)
        self.editor.ensureCursorVisible()
        self.editor.setFocus()

    def start_render(self, chapters: list[int] | None = None, *, confirmed: bool = False,
                     credits: str | None = None) -> BackgroundTask | None:
        """Render the book (or ``chapters``; ``credits="only"``: the opening and closing credits alone). With a
        paid voice the render is estimated first and, above the user's threshold, asked for
        (``render_confirm``); ``confirmed`` skips that."""
        from studio.render.confirm import uses_paid_engine

        book, folder = self.document.book, self.document.folder
        if not confirmed and book is not None and folder is not None and not self.render_controller.is_running() \
                and uses_paid_engine(book):
            return self._estimate_then_render(chapters, credits)
        task = self.render_controller.start(chapters, credits=credits)
        if task is not None:
            self.job_dock.show()
            self.job_dock.raise_()
            self.show_status(self.tr("Rendering…"))
        self._update_actions()
        return task

    def render_credits(self) -> BackgroundTask | None:
        """Render the opening and closing credits (their texts as stored in the project): only a credit without
        audio is sent, priced and confirmed like any render."""
        return self.start_render(credits="only")

    def _estimate_then_render(self, chapters: list[int] | None, credits: str | None = None) -> BackgroundTask | None:
        from studio.gui import render_confirm
        from studio.gui.settings import ENGINES

        if self._estimate_task is not None:
            return None
        book, _revision = self.document.snapshot()
        prices = {e: self.settings.price_per_10k(e) for e in ENGINES}
        work = render_confirm.estimate_work(self.document.folder, book, chapters,  # type: ignore[arg-type]
                                            {e: p for e, p in prices.items() if p > 0},
                                            {e: self.settings.concurrency(e) for e in ENGINES}, credits)
        task = BackgroundTask(work, self, pool="estimate")
        self.show_status(self.tr("Counting what this render would send…"))

        def estimated(render: Any) -> None:
            self.render_question = render_confirm.ask_or_go(
                self, render, self.settings.confirm_above_chars,
                lambda: self.start_render(chapters, confirmed=True, credits=credits), self.show_status)

        task.succeeded.connect(estimated)
        task.failed.connect(self.show_error)
        task.finished.connect(lambda: setattr(self, "_estimate_task", None))
        self._estimate_task = task
        task.start()
        return task

    def render_current_chapter(self) -> BackgroundTask | None:
        row = self.chapter_dock.current_row()
        return self.start_render([row]) if row >= 0 else None

    def _resume(self) -> None:
        self.resume_bar.hide()
        info = self.resume_bar.info
        self.start_render(list(info.chapters) if info is not None and info.chapters else None)

    def _render_blocked(self, problems: list[Any]) -> None:
        lines = [self.tr("Chapter {c}, paragraph {p}: {text}").format(
            c=p.chapter + 1, p=p.paragraph + 1, text=problem_text(p, self.document)) for p in problems[:8]]
        if len(problems) > 8:
            lines.append(self.tr("… and {n} more.").format(n=len(problems) - 8))
        first = problems[0]
        self.chapter_dock.select_row(first.chapter)
        self.editor.select_range(first.paragraph, max(0, first.span.start), max(0, first.span.end))
        self.last_message = show_message(
            self, self.tr("Nothing was sent: fix these emotions first (they are underlined in the editor).") + "\n\n"
            + "\n".join(lines))

    def _render_progressed(self) -> None:
        statuses = self.render_controller.live_statuses(self.document.chapters.statuses())
        if statuses is not None:
            self.document.chapters.set_statuses(statuses)

    def _render_finished(self, ok: bool, message: str) -> None:
        self.show_status(message)
        if not self._closing:  # a late result while closing must not start work nobody waits for
            self.statuses.refresh_now()
        self._update_actions()

    def _preview_busy(self, message: str) -> None:
        """A preview's first message is its progress ("Synthesizing…"); later ones are notes ("Skipped …").
        The progress message must not outlive the work; notes stay."""
        if message:
            if not self._preview_message:
                self._preview_message = message
            self.show_status(message)
            return
        if self.status_label.text() == self._preview_message:
            self.show_status("")
        self._preview_message = ""

    def _preview_ready(self, items: list[Any]) -> None:
        if items and self.status_label.text() == self._preview_message:
            self.show_status(self.tr("Playing {label}").format(label=items[0].label))

    def preview_paragraph(self, row: int, paragraph: int) -> BackgroundTask | None:
        problems = [p for p in self.document.emotion_problems([row]) if p.paragraph == paragraph]
        if problems:
            self._render_blocked(problems)
            return None
        self.player.show()
        return self.preview.preview_paragraph(row, paragraph)

    def preview_chapter(self) -> BackgroundTask | None:
        row = self.chapter_dock.current_row()
        if row < 0:
            return None
        problems = self.document.emotion_problems([row])
        if problems:
            self._render_blocked(problems)
            return None
        self.player.show()
        return self.preview.preview_chapter(row)

    def preview_book(self) -> BackgroundTask | None:
        self.player.show()
        return self.preview.preview_book()

    # -- dialogs ------------------------------------------------------------------------------------------------
    def show_export(self) -> Any:
        from studio.gui.export_dialog import ExportDialog

        if self.document.book is None:
            return None
        dialog = ExportDialog(self.document, self.projects, self.settings, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.exported.connect(lambda result: self.show_status(self.tr("Wrote {path}").format(path=result.output)))
        dialog.exported.connect(lambda _result: self.statuses.refresh_now())
        dialog.render_credits_requested.connect(self.render_credits)
        dialog.open()
        self.export_dialog = dialog
        return dialog

    def show_snapshots(self) -> Any:
        from studio.gui.snapshots_dialog import SnapshotsDialog

        folder = self.document.folder
        if folder is None:
            return None
        dialog = SnapshotsDialog(folder, self, can_restore=not self.render_controller.is_running())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.restore_requested.connect(self.projects.restore_snapshot)
        dialog.open()
        self.snapshots_dialog = dialog
        return dialog

    def _review_import(self, pending: Any) -> None:
        """A manuscript was read: the author reviews its chapters before the project is created."""
        from studio.gui.structure_review import StructureReviewDialog, review_before_import

        dialog: StructureReviewDialog | None = review_before_import(self, pending)
        self.structure_review = dialog

    def show_structure_review(self, report: Any = None) -> Any:
        """Chapter ▸ Review Structure… (and after an import): see :mod:`studio.gui.structure_review`."""
        from studio.gui.structure_review import open_structure_review

        self.structure_review = open_structure_review(self, report)
        return self.structure_review

    def show_delivery(self) -> Any:
        from studio.gui.delivery_dialog import DeliveryDialog

        row, numbers = self.editor.chapter_row(), self.editor.selected_paragraphs()
        if self.document.book is None or row < 0 or not numbers:
            self.show_status(self.tr("Put the cursor in a paragraph first."))
            return None
        dialog = DeliveryDialog(self.document, row, numbers, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.delivery_dialog = dialog
        return dialog

    def show_accounts(self) -> Any:
        from studio.gui.accounts_dialog import AccountsDialog

        dialog = AccountsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_preferences(self) -> Any:
        from studio.gui.preferences_dialog import PreferencesDialog

        dialog = PreferencesDialog(self.settings, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.applied.connect(self.projects.apply_settings)
        dialog.applied.connect(self._language_chosen)
        dialog.open()
        return dialog

    def _language_chosen(self) -> None:
        from studio.gui.i18n import current_language, resolve_language

        if resolve_language(self.settings.ui_language) == current_language():
            return
        if self.render_controller.is_running() or self.projects.is_busy() or self.preview.is_busy():
            self.show_status(self.tr("The new language applies on the next start: the studio is busy now."))
            return
        QTimer.singleShot(0, self.relaunch)  # once the Preferences dialog is gone

    def relaunch(self) -> MainWindow:
        """Rebuild the window in the language the settings ask for, around the same project (saved first).

        Widgets take their texts when they are built, so a new window is the one way every label, menu and
        tooltip follows the new catalogue."""
        from PySide6.QtWidgets import QApplication

        from studio.gui.i18n import install_translators

        app = QApplication.instance()
        if not isinstance(app, QApplication):  # pragma: no cover - a window exists only inside an application
            raise RuntimeError("no QApplication to reload the window in")
        folder = self.document.folder
        # Close (and save) first, so that closing -- which stops this window's background work -- cannot touch
        # the new window's; meanwhile the app must not quit for want of a window.
        quits = app.quitOnLastWindowClosed()
        app.setQuitOnLastWindowClosed(False)
        try:
            self.close()
            install_translators(app, self.settings.ui_language)
            try:
                successor = MainWindow(self.settings)
            except BaseException:
                self.show()  # never leave the user without a window
                raise
            _windows.append(successor)
            successor.destroyed.connect(lambda *_: _windows.remove(successor) if successor in _windows else None)
            successor.show()
        finally:
            app.setQuitOnLastWindowClosed(quits)
        if folder is not None:
            successor.open_project(folder)
        emit(self.replaced, successor)
        return successor

    def shortcut_list(self) -> list[tuple[str, str]]:
        rows = []
        for action in self.findChildren(QAction):
            shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            text = action.text().replace("&", "").rstrip("…")
            if shortcut and text and (text, shortcut) not in rows:
                rows.append((text, shortcut))
        return sorted(rows)

    def show_shortcuts(self) -> None:
        rows = "".join(f"<tr><td>{t}</td><td>&nbsp;&nbsp;<b>{s}</b></td></tr>" for t, s in self.shortcut_list())
        box = show_message(self, f"<table>{rows}</table>", error=False, title=self.tr("Keyboard Shortcuts"))
        box.setTextFormat(Qt.TextFormat.RichText)

    def open_log_folder(self) -> None:
        from studio.logsetup import setup_logging

        QDesktopServices.openUrl(QUrl.fromLocalFile(str(setup_logging().parent)))

    def show_about(self) -> None:
        from studio import __version__

        show_message(self, self.tr("Audiobook Studio {version}\nTurn a manuscript into a finished audiobook.")
                     .format(version=__version__), error=False)

    # -- closing ------------------------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        """Quitting during a render asks first ("Pause and Quit", the default, or "Keep Rendering"); closing
        then waits for the submissions in flight and for every background task, so no thread outlives the
        window (a QThread destroyed while running aborts the app)."""
        if self.render_controller.is_running() and not self._closing:
            event.ignore()
            question = self.pause_question  # deleted once answered (WA_DeleteOnClose): never touch a dead box
            if question is None or not shiboken6.isValid(question) or not question.isVisible():
                self.pause_question = ask_pause_render(self, quitting=True, on_pause=self.pause_and_close)
            return
        self._closing = True
        self.statuses.stop()
        self.settings.window_geometry = self.saveGeometry()
        self.settings.window_state = self.saveState(LAYOUT_VERSION)
        self.settings.sync()
        self.render_controller.shutdown()  # may wait (events keep flowing): the player and previews stop after it
        self.preview.close()
        self.player.shutdown()
        self.projects.autosave_timer.stop()
        self.projects.flush_on_exit()
        BackgroundTask.cancel_all()
        super().closeEvent(event)

    def pause_and_close(self) -> None:
        """Close as "Pause and Quit" does, without asking."""
        self._closing = True
        self.close()


def _add(container: Any, item: QAction | QMenu | None) -> None:
    if item is None:
        container.addSeparator()
    elif isinstance(item, QMenu):
        container.addMenu(item)
    else:
        container.addAction(item)
