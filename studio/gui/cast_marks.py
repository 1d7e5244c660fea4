"""How cast quotes look: a subtle text colour per character in the editor (not an emotion's background colour),
the same colours in the Cast dock's legend, and the voice a character would be auditioned in.

Why a module of its own: the editor's highlighter, the dock's legend and the audition button must agree on a
character's colour and voice, and the editor and dock stay as they were apart from a hook line each.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QColor, QTextCharFormat

if TYPE_CHECKING:
    from studio.gui.editor import ParagraphEditor

#: Muted text colours, readable on the editor's light background and distinct from each other.
PALETTE = ("#1f5fa8", "#a8401f", "#2e7d32", "#7b3fa0", "#8a6d00", "#00727a", "#a0306a", "#5d5d9e")


def character_color(name: str, names: list[str]) -> QColor:
    """The colour of ``name``: by its place in ``names`` (the cast's order), so colours are stable per project."""
    index = names.index(name) if name in names else sum(map(ord, name))
    return QColor(PALETTE[index % len(PALETTE)])


def cast_names(editor: ParagraphEditor) -> list[str]:
    book = editor.book_document.book
    return list(book.cast_voices) if book is not None else []


def voice_formats(editor: ParagraphEditor, number: int, text: str) -> list[tuple[int, int, QTextCharFormat]]:
    """(start, length, format) for each character's quote in paragraph ``number`` of the editor's chapter."""
    chapter = editor._chapter  # the chapter shown, as the editor's own spans() reads it
    if chapter is None or not 0 <= number < len(chapter.paragraphs):
        return []
    names = cast_names(editor)
    out = []
    for span in chapter.paragraphs[number].voices:
        who = span.character or span.voice
        start, end = max(0, min(span.start, len(text))), max(0, min(span.end, len(text)))
        if not who or start >= end:
            continue
        fmt = QTextCharFormat()
        fmt.setForeground(character_color(who, names))
        fmt.setToolTip(who)
        out.append((start, end - start, fmt))
    return out


def legend_html(names: list[str]) -> str:
    """The Cast dock's legend: each character's name in its colour."""
    return " ".join(f'<span style="color:{character_color(n, names).name()}">■ {n}</span>' for n in names)


def audition_voice(proposal: Any, name: str | None) -> Any:
    """The catalogue ``Voice`` character ``name`` would speak in under ``proposal`` (None: the narrator's)."""
    from studio.core.voices import default_catalogue

    if proposal is None:
        return None
    catalogue = default_catalogue()
    for c in proposal.characters:
        if c.name == name and c.voice:
            return catalogue.get(c.engine or proposal.engine, c.voice)
    return catalogue.get(proposal.engine, proposal.narrator_voice)
