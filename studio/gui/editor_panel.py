"""The editor panel, the window's central area: a header (chapter, voice), the paragraph editor and a legend
of the emotions used; it owns the cursor-dependent actions (insert/remove emotion, preview, paragraph voice)
and the editor's context menu.

Why apart from ``editor.py``: the editor is text editing with fixed paragraph blocks; the panel is the window's
use of it (actions, menus, labels), which changes with the window's features rather than with editing rules.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from studio.core.book import Chapter, VoiceSettings
from studio.core.book_edit import EditError
from studio.gui.document import BookDocument
from studio.gui.editor import ParagraphEditor
from studio.gui.emotion_menu import EmotionMenu, emotion_color
from studio.gui.i18n import ui_language_code
from studio.gui.polyphone_menu import add_read_as_menu
from studio.gui.qtcompat import emit
from studio.gui.widgets import StatusLabel


class EditorPanel(QWidget):
    """The central area: a header, the editor, and a legend of the emotions used in the chapter.

    Owns the editing actions that depend on the cursor (insert/remove emotion, paragraph voice).

    Signals:
        preview_paragraph(int, int): chapter row and paragraph to preview.
        message(str): a short status-bar message.
    """

    preview_paragraph = Signal(int, int)
    message = Signal(str)

    def __init__(self, document: BookDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.book_document = document
        # elided, not a QLabel: a long chapter title or voice name must not widen the whole window
        self.header = StatusLabel(min_chars=40)
        self.header.setObjectName("editor_header")
        font = self.header.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.header.setFont(font)
        self.editor = ParagraphEditor(document, self)
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.problem_label = QLabel()
        self.problem_label.setStyleSheet("color: #c01818;")
        bottom = QHBoxLayout()
        bottom.addWidget(self.legend, 1)
        bottom.addWidget(self.problem_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 2)
        layout.addWidget(self.header)
        layout.addWidget(self.editor, 1)
        layout.addLayout(bottom)

        self.emotion_menu = EmotionMenu(self)
        self.emotion_menu.chosen.connect(self.insert_emotion)
        self.insert_emotion_action = QAction(self.tr("Insert &Emotion…"), self)
        self.insert_emotion_action.setShortcut(QKeySequence("Ctrl+E"))
        self.insert_emotion_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.insert_emotion_action.triggered.connect(self.show_emotion_menu)
        self.remove_emotion_action = QAction(self.tr("&Remove Emotion"), self)
        self.remove_emotion_action.setShortcut(QKeySequence("Ctrl+Shift+E"))
        self.remove_emotion_action.triggered.connect(self.remove_emotion)
        self.preview_action = QAction(self.tr("&Preview Paragraph"), self)
        self.preview_action.setShortcut(QKeySequence("F5"))
        self.preview_action.triggered.connect(self._preview_cursor_paragraph)
        self.clear_voice_action = QAction(self.tr("Clear Paragraph Voice"), self)
        self.clear_voice_action.triggered.connect(self.clear_paragraph_voice)

        self.editor.preview_requested.connect(lambda n: emit(self.preview_paragraph, self.editor.chapter_row(), n))
        self.editor.refused.connect(self.message)
        self.editor.problems_changed.connect(self._update_legend)
        self.editor.selectionChanged.connect(self.update_actions)
        self.editor.cursorPositionChanged.connect(self.update_actions)
        self.extra_context_actions: list[QAction] = []
        self.editor.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.editor.customContextMenuRequested.connect(self._context_menu)
        document.voices_changed.connect(self.update_actions)
        document.voices_changed.connect(self._update_header)
        document.paragraphs_changed.connect(self._paragraphs_changed)
        document.structure_changed.connect(self._structure_changed)
        document.paragraph_changed.connect(lambda _r, _p: self._update_legend())
        self.show_chapter(None)

    # -- chapter ------------------------------------------------------------------------------------------------
    def show_chapter(self, chapter: Chapter | None) -> None:
        if chapter is not None and chapter is self.editor.chapter():
            return
        self.editor.set_chapter(chapter)
        self._update_header()
        self._update_legend()
        self.update_actions()

    def _paragraphs_changed(self, row: int) -> None:
        if self.editor.chapter() is not None and (row == self.editor.chapter_row() or self.editor.chapter_row() < 0):
            self.editor.reload()
            self._update_header()
            self.update_actions()

    def _structure_changed(self) -> None:
        if self.editor.chapter() is not None and self.editor.chapter_row() < 0:
            self.show_chapter(None)
        self._update_header()

    def _update_header(self) -> None:
        chapter = self.editor.chapter()
        row = self.editor.chapter_row()
        if chapter is None or row < 0:
            self.header.setText(self.tr("No chapter selected"))
            return
        voice = self.book_document.voice_label(self.book_document.effective_voice(row))
        self.header.setText(self.tr("{title} — {n} paragraphs — voice: {voice}").format(
            title=chapter.title, n=len(chapter.paragraphs), voice=voice))

    def _update_legend(self) -> None:
        chapter = self.editor.chapter()
        categories: list[str] = []
        if chapter is not None:
            for paragraph in chapter.paragraphs:
                for span in paragraph.emotions:
                    if span.category not in categories:
                        categories.append(span.category)
        catalogue = self.book_document.catalogue
        parts = []
        for category in categories:
            label = catalogue.emotion_label(category, ui_language_code()) if catalogue else category
            parts.append(f'<span style="background:{emotion_color(category).name()}">&nbsp;{_html(label)}'
                         f'&nbsp;</span>')
        self.legend.setText((self.tr("Emotions:") + " " + " ".join(parts)) if parts else "")
        count = len(self.editor.problems())
        self.problem_label.setText(self.tr("⚠ {n} emotion problems (wavy underline)").format(n=count)
                                   if count else "")

    # -- actions ------------------------------------------------------------------------------------------------
    def _current_voice(self, paragraph: int | None = None) -> VoiceSettings | None:
        row = self.editor.chapter_row()
        if row < 0:
            return None
        number = self.editor.cursor_paragraph() if paragraph is None else paragraph
        chapter = self.editor.chapter()
        if chapter is None or not 0 <= number < len(chapter.paragraphs):
            return self.book_document.effective_voice(row)
        return self.book_document.effective_voice(row, number)

    def emotion_unavailable_reason(self) -> str | None:
        """Why "Insert emotion" cannot be used right now, or None if it can."""
        if self.editor.chapter() is None or self.editor.isReadOnly():
            return self.tr("Open a chapter and select some text first.")
        voice = self._current_voice()
        if voice is not None:
            supported = self.book_document.supported_emotions(voice)
            if supported is None:
                return self.tr("The voice {voice} is not in the voice catalogue, so its emotions are unknown. "
                               "Choose a voice from the Voices panel to use emotions.").format(
                    voice=self.book_document.voice_label(voice))
            if not supported:
                return self.tr("The voice {voice} has no emotions. Choose a multi-emotion voice in the Voices "
                               "panel (filter Emotion: any) to use emotions.").format(
                    voice=self.book_document.voice_label(voice))
        if not self.editor.textCursor().hasSelection():
            return self.tr("Select the text the emotion should cover.")
        if self.editor.selection_in_paragraph() is None:
            return self.tr("Select text within one paragraph.")
        return None

    def update_actions(self) -> None:
        reason = self.emotion_unavailable_reason()
        self.insert_emotion_action.setEnabled(reason is None)
        self.insert_emotion_action.setToolTip(reason or self.tr("Give the selected text an emotion (Ctrl+E)."))
        if reason is None:
            self._fill_emotion_menu()
            self.emotion_menu.setToolTip("")
        else:
            self.emotion_menu.set_unavailable(reason)
        has_paragraph = self.editor.chapter() is not None and bool(self.editor.selected_paragraphs())
        number = self.editor.cursor_paragraph()
        chapter = self.editor.chapter()
        has_span = chapter is not None and 0 <= number < len(chapter.paragraphs) and bool(
            chapter.paragraphs[number].emotions)
        self.remove_emotion_action.setEnabled(has_span)
        self.preview_action.setEnabled(has_paragraph)
        self.clear_voice_action.setEnabled(has_paragraph and chapter is not None and any(
            not chapter.paragraphs[n].voice.is_empty() for n in self.editor.selected_paragraphs()))

    def _fill_emotion_menu(self) -> None:
        voice = self._current_voice()
        catalogue = self.book_document.catalogue
        # a voice the catalogue does not know gets no categories: the vendor might reject any of them
        supported = (self.book_document.supported_emotions(voice) if voice is not None else None) or ()
        language = ui_language_code()
        self.emotion_menu.set_categories(
            [(key, catalogue.emotion_label(key, language) if catalogue else key) for key in supported])

    def show_emotion_menu(self) -> None:
        self.update_actions()
        if not self.insert_emotion_action.isEnabled():
            emit(self.message, self.insert_emotion_action.toolTip())
            return
        rect = self.editor.cursorRect()
        self.emotion_menu.popup(self.editor.viewport().mapToGlobal(rect.bottomLeft()))

    def insert_emotion(self, category: str, intensity: float) -> None:
        where = self.editor.selection_in_paragraph()
        row = self.editor.chapter_row()
        if where is None or row < 0:
            emit(self.message, self.tr("Select text within one paragraph."))
            return
        number, start, end = where
        try:
            self.book_document.insert_emotion(row, number, start, end, category, intensity)
        except EditError as exc:
            emit(self.message, str(exc))

    def remove_emotion(self) -> None:
        row = self.editor.chapter_row()
        cursor = self.editor.textCursor()
        block = self.editor.document().findBlock(cursor.selectionStart())
        start = cursor.selectionStart() - block.position()
        end = min(cursor.selectionEnd() - block.position(), block.length() - 1)
        try:
            self.book_document.remove_emotions(row, block.blockNumber(), start, end)
        except EditError as exc:
            emit(self.message, str(exc))

    def _preview_cursor_paragraph(self) -> None:
        number = self.editor.cursor_paragraph()
        if self.editor.chapter_row() >= 0 and number >= 0:
            emit(self.preview_paragraph, self.editor.chapter_row(), number)

    def clear_paragraph_voice(self) -> None:
        from studio.core.book_edit import VoiceTarget

        row = self.editor.chapter_row()
        targets = [VoiceTarget(row, n) for n in self.editor.selected_paragraphs()]
        try:
            self.book_document.assign_voice(targets, VoiceSettings())
        except EditError as exc:
            emit(self.message, str(exc))

    def build_context_menu(self, pos: QPoint) -> QMenu:
        menu = self.editor.createStandardContextMenu(pos)
        for action in menu.actions():  # the widget's own undo would bypass the undo stack
            if action.objectName() in ("edit-undo", "edit-redo"):
                menu.removeAction(action)
        menu.addSeparator()
        self.update_actions()
        emotion = menu.addMenu(self.emotion_menu)
        emotion.setEnabled(self.insert_emotion_action.isEnabled())
        emotion.setToolTip(self.insert_emotion_action.toolTip())
        menu.setToolTipsVisible(True)
        menu.addAction(self.remove_emotion_action)
        add_read_as_menu(menu, self.editor, pos)
        menu.addSeparator()
        menu.addAction(self.preview_action)
        for action in self.extra_context_actions:
            menu.addAction(action)
        menu.addAction(self.clear_voice_action)
        return menu

    def _context_menu(self, pos: QPoint) -> None:
        menu = self.build_context_menu(pos)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.editor.viewport().mapToGlobal(pos))


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
