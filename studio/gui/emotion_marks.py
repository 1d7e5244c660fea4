"""How emotion marks look and read in the editor: the highlighter that colours spans (and underlines the ones
the voice cannot speak), and ``problem_text``, a problem in the user's language.

Why apart from the editor: the panel's legend, the gutter's tooltips, the window's problem list and the editor
all word problems the same way, and the highlighter is the part of the editor that other marks (polyphones,
readings) paint on top of.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat

from studio.core.book import VoiceSettings
from studio.core.book_edit import EmotionProblem
from studio.gui.document import BookDocument
from studio.gui.emotion_menu import emotion_color
from studio.gui.polyphone_menu import polyphone_formats

if TYPE_CHECKING:
    from studio.gui.editor import ParagraphEditor


class EmotionHighlighter(QSyntaxHighlighter):
    def __init__(self, editor: ParagraphEditor) -> None:
        super().__init__(editor.document())
        self._editor = editor

    def highlightBlock(self, text: str) -> None:
        number = self.currentBlock().blockNumber()
        self._highlight_emotions(number, text)
        for start, length, fmt in polyphone_formats(self._editor, number, text):  # 多音字 and readings, on top
            for index in range(start, min(start + length, len(text))):
                merged = self.format(index)
                merged.merge(fmt)
                self.setFormat(index, 1, merged)

    def _highlight_emotions(self, number: int, text: str) -> None:
        spans = self._editor.spans(number)
        if not spans:
            return
        bad = {id(p.span) for p in self._editor.problems(number)}
        length = len(text)
        for span in spans:
            start, end = max(0, min(span.start, length)), max(0, min(span.end, length))
            if start >= end:
                continue
            fmt = QTextCharFormat()
            fmt.setBackground(emotion_color(span.category))
            if id(span) in bad:
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
                fmt.setUnderlineColor(QColor("#d02020"))
            self.setFormat(start, end - start, fmt)


def problem_text(problem: EmotionProblem, document: BookDocument) -> str:
    """A problem in the user's language."""
    from PySide6.QtCore import QCoreApplication

    voice = document.voice_label(VoiceSettings(engine=_engine_of(problem, document), voice=problem.voice))
    category = problem.span.category
    texts = {
        "no-emotions": QCoreApplication.translate(
            "Problems", "The voice {voice} has no emotions: remove “{category}” or choose a multi-emotion voice."),
        "unsupported": QCoreApplication.translate(
            "Problems", "The voice {voice} does not support the emotion “{category}”."),
        "intensity": QCoreApplication.translate(
            "Problems", "The intensity of “{category}” must be between 0.01 and 2.0."),
        "range": QCoreApplication.translate("Problems", "The emotion “{category}” lies outside the text."),
        "overlap": QCoreApplication.translate("Problems", "The emotion “{category}” overlaps another emotion."),
        "empty": QCoreApplication.translate("Problems", "An emotion has no category."),
    }
    return texts.get(problem.kind, problem.message).format(voice=voice, category=category)


def _engine_of(problem: EmotionProblem, document: BookDocument) -> str | None:
    book = document.book
    if book is None or problem.chapter >= len(book.chapters):
        return None
    chapter = book.chapters[problem.chapter]
    if problem.paragraph >= len(chapter.paragraphs):
        return None
    return book.effective_voice(chapter, chapter.paragraphs[problem.paragraph]).engine
