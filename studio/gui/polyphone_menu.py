"""多音字 in the editor: polyphones underlined, "Read as … (this one / everywhere in the book)" on right-click.

Numbers get the same menu with say-as readings (a number, digit by digit, a phone number, a date...).

Why a module of its own: the editor is large and shared; it calls three small hooks from here (formats for the
highlighter, actions for the context menu, the gutter's stale mark). The readings themselves are core objects:
"this one" is a ``ReadingSpan`` on the paragraph (saved with the book), "everywhere" a project lexicon entry
(``studio.core.lexicon_store``, written to the project at once so the CLI and the next render see it). Both are
undoable commands, and both mark the paragraphs they change as stale: their cache keys changed, so they render
again (the chapter's status says so too, derived from the plan).
"""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QPoint
from PySide6.QtGui import QColor, QTextCharFormat
from PySide6.QtWidgets import QMenu

from studio.core.lexicon import LexiconEntry, ReadingSpan, find_readings
from studio.core.polyphones import Polyphone, find_polyphones
from studio.core.say_as import NumberMention, find_numbers, spoken
from studio.gui.commands import BookCommand

if TYPE_CHECKING:
    from studio.gui.document import BookDocument
    from studio.gui.editor import ParagraphEditor

log = logging.getLogger("studio.gui.polyphones")

__all__ = ["LexiconReadingCommand", "OccurrenceReadingCommand", "add_read_as_menu", "polyphone_formats",
           "reading_tooltip"]

POLYPHONE_COLOR = QColor("#9aa3b0")  # subtle: a hint, not an alarm
READING_COLOR = QColor("#2f6fdf")
STALE_COLOR = QColor("#e0a020")


@functools.lru_cache(maxsize=4096)
def _polyphones(text: str) -> tuple[Polyphone, ...]:
    return tuple(find_polyphones(text))


def _readings(document: BookDocument, chapter: int, paragraph: int) -> list[ReadingSpan]:
    book = document.require_book()
    para = book.chapters[chapter].paragraphs[paragraph]
    return find_readings(para.text, book.lexicon, para.readings)


def polyphone_formats(editor: ParagraphEditor, number: int, text: str) -> list[tuple[int, int, QTextCharFormat]]:
    """Underlines for one paragraph: dotted grey under polyphones, solid blue under characters with a reading."""
    chapter = editor.chapter()
    row = editor.chapter_row()
    if chapter is None or row < 0 or not 0 <= number < len(chapter.paragraphs) or not text:
        return []
    out: list[tuple[int, int, QTextCharFormat]] = []
    readings = _readings(editor.book_document, row, number)
    covered = {i for r in readings for i in range(r.start, r.end)}
    for reading in readings:
        fmt = QTextCharFormat()
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
        fmt.setUnderlineColor(READING_COLOR)
        out.append((reading.start, reading.end - reading.start, fmt))
    for mark in _polyphones(text):
        if mark.index in covered or not mark.notable:
            continue
        fmt = QTextCharFormat()
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
        fmt.setUnderlineColor(POLYPHONE_COLOR)
        out.append((mark.index, 1, fmt))
    return out


def reading_tooltip(editor: ParagraphEditor, number: int, offset: int) -> str:
    """"Read as hang2 (everywhere in the book)" over a character with a reading, else ""."""
    row, chapter = editor.chapter_row(), editor.chapter()
    if row < 0 or chapter is None:
        return ""
    for reading in _readings(editor.book_document, row, number):
        if reading.start <= offset < reading.end:
            if reading in chapter.paragraphs[number].readings:
                where = QCoreApplication.translate("polyphones", "this one")
            else:
                where = QCoreApplication.translate("polyphones", "everywhere in the book")
            text = QCoreApplication.translate("polyphones", "Read as {reading} ({where})")
            return text.format(reading=reading.alias or reading.value, where=where)
    return ""


class OccurrenceReadingCommand(BookCommand):
    """Read one occurrence of a character a given way (a ``ReadingSpan`` on the paragraph)."""

    def __init__(self, document: BookDocument, chapter: int, paragraph: int, index: int, reading: str, *,
                 end: int | None = None, kind: str = "phoneme", alias: str = "") -> None:
        label = QCoreApplication.translate("polyphones", "Read as {reading}")
        super().__init__(document, label.format(reading=reading))
        self.chapter, self.paragraph, self.index, self.reading = chapter, paragraph, index, reading
        self.end = index + 1 if end is None else end
        self.kind, self.alias = kind, alias
        self.old: list[ReadingSpan] = []

    def apply(self) -> None:
        para = self.document.paragraph(self.chapter, self.paragraph)
        self.old = list(para.readings)
        written = para.text[self.index:self.end]
        kept = [r for r in para.readings if r.end <= self.index or r.start >= self.end]
        reading = ReadingSpan(self.index, self.end, self.kind, self.reading, self.alias, source=written)
        para.readings = sorted([*kept, reading], key=lambda r: r.start)
        self.document.stale_readings.add((self.chapter, self.paragraph))
        self.document.notify_paragraph(self.chapter, self.paragraph)

    def revert(self) -> None:
        self.document.paragraph(self.chapter, self.paragraph).readings = list(self.old)
        self.document.notify_paragraph(self.chapter, self.paragraph)


class LexiconReadingCommand(BookCommand):
    """Read a character a given way everywhere in the book: a project lexicon entry, stored in the project."""

    def __init__(self, document: BookDocument, entry: LexiconEntry) -> None:
        label = QCoreApplication.translate("polyphones", "Read {written} as {reading} everywhere")
        super().__init__(document, label.format(
            written=entry.written, reading=entry.pinyin))
        self.entry = entry
        self.old: list[LexiconEntry] = []

    def _store(self, add: LexiconEntry | None, remove: LexiconEntry | None) -> None:
        folder = self.document.folder
        if folder is None:
            return
        from studio.core import lexicon_store
        from studio.core.project import Project

        # One small row in the project's database: the next render, the CLI and a reopened window see it.
        with Project.open(folder) as project:
            if remove is not None:
                lexicon_store.remove_entry(remove.written, remove.context, project=project)
            if add is not None:
                lexicon_store.add_entries([add], project=project)

    def _touched(self, entries: list[LexiconEntry]) -> None:
        book = self.document.require_book()
        for ci, chapter in enumerate(book.chapters):
            for pi, para in enumerate(chapter.paragraphs):
                if find_readings(para.text, entries):
                    self.document.stale_readings.add((ci, pi))
                    self.document.notify_paragraph(ci, pi)

    def apply(self) -> None:
        book = self.document.require_book()
        self.old = list(book.lexicon)
        replaced = next((e for e in self.old if (e.written, e.context, e.scope) ==
                         (self.entry.written, self.entry.context, "project")), None)
        self._store(self.entry, None)
        book.lexicon = [self.entry, *(e for e in self.old if e is not replaced)]
        self._touched([self.entry])

    def revert(self) -> None:
        book = self.document.require_book()
        replaced = next((e for e in self.old if (e.written, e.context, e.scope) ==
                         (self.entry.written, self.entry.context, "project")), None)
        self._store(replaced, None if replaced is not None else self.entry)
        book.lexicon = list(self.old)
        self._touched([self.entry])


def add_read_as_menu(menu: QMenu, editor: ParagraphEditor, pos: QPoint) -> QMenu | None:
    """Add "Read as…" to the editor's context menu when ``pos`` is on a polyphone; return the submenu."""
    row = editor.chapter_row()
    chapter = editor.chapter()
    if row < 0 or chapter is None:
        return None
    cursor = editor.cursorForPosition(pos)
    block = cursor.block()
    number = block.blockNumber()
    if not 0 <= number < len(chapter.paragraphs):
        return None
    offset = cursor.position() - block.position()
    text = chapter.paragraphs[number].text
    number_mention = next((m for m in find_numbers(text) if m.start <= offset <= m.end), None)
    if number_mention is not None:
        return build_say_as_menu(menu, editor.book_document, row, number, number_mention)
    marks = {m.index: m for m in _polyphones(text)}
    mark = marks.get(offset) or marks.get(offset - 1)  # the cursor lands before or after the clicked character
    if mark is None:
        return None
    return build_read_as_menu(menu, editor.book_document, row, number, mark)


#: The say-as kinds offered for a number, in menu order (Alibaba's interpret-as values).
SAY_AS_CHOICES = ("cardinal", "digits", "telephone", "date", "time", "currency")


def build_say_as_menu(menu: QMenu, document: BookDocument, chapter: int, paragraph: int,
                      mention: NumberMention) -> QMenu:
    """"Read “110” as…": a number, digit by digit, a phone number... for this occurrence (a say-as reading)."""
    sub = menu.addMenu(QCoreApplication.translate("polyphones", "Read “{char}” as…").format(char=mention.text))
    sub.setObjectName("read_as_menu")
    names = {"cardinal": QCoreApplication.translate("polyphones", "a number"),
             "digits": QCoreApplication.translate("polyphones", "digit by digit"),
             "telephone": QCoreApplication.translate("polyphones", "a phone number"),
             "date": QCoreApplication.translate("polyphones", "a date"),
             "time": QCoreApplication.translate("polyphones", "a time"),
             "currency": QCoreApplication.translate("polyphones", "an amount of money")}
    for kind in SAY_AS_CHOICES:
        example = spoken(mention.text, kind)
        if example is None and kind != mention.interpret_as:
            continue  # not a sensible reading of this text (a phone number cannot be a date)
        label = names[kind] + (f"  ({example})" if example else "")
        action = sub.addAction(QCoreApplication.translate("polyphones", "{reading} (this one)").format(reading=label))
        action.setObjectName(f"say_as_{kind}")
        action.triggered.connect(lambda _=False, k=kind, alias=example or "": document.run(
            OccurrenceReadingCommand(document, chapter, paragraph, mention.start, k, end=mention.end,
                                     kind="say-as", alias=alias)))
    return sub


def build_read_as_menu(menu: QMenu, document: BookDocument, chapter: int, paragraph: int,
                       mark: Polyphone) -> QMenu:
    sub = menu.addMenu(QCoreApplication.translate("polyphones", "Read “{char}” as…").format(char=mark.char))
    sub.setObjectName("read_as_menu")
    for reading, example in zip(mark.readings, (*mark.examples, *("",) * len(mark.readings)), strict=False):
        label = reading + (f"  ({example})" if example else "")
        one = sub.addAction(QCoreApplication.translate("polyphones", "{reading} (this one)").format(reading=label))
        one.setObjectName(f"read_one_{reading}")
        one.triggered.connect(lambda _=False, r=reading: document.run(
            OccurrenceReadingCommand(document, chapter, paragraph, mark.index, r)))
        every = sub.addAction(QCoreApplication.translate("polyphones", "{reading} (everywhere in the book)")
                              .format(reading=label))
        every.setObjectName(f"read_all_{reading}")
        every.triggered.connect(lambda _=False, r=reading: document.run(
            LexiconReadingCommand(document, LexiconEntry(mark.char, pinyin=r))))
        if reading == mark.likely:
            font = one.font()
            font.setBold(True)
            one.setFont(font)
            every.setFont(font)
    return sub
