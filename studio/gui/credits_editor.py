"""The credit texts in the window: the opening and closing credits shown, editable, reset to the generated text.

One source of truth: the texts live in the project exactly where ``studio export --opening-credits`` puts them
(``studio.core.credits``, the ``credits`` meta entry); the editor reads them from there when the Export dialog
opens and writes them back through an undo command, so what the CLI set the window shows and the other way
round. As with a lexicon entry (``polyphone_menu.LexiconReadingCommand``), the command writes that one small
entry at once rather than with the next save of the book: a save from a window opened earlier never undoes a
CLI edit, and the next render or ``studio render --credits`` sees the window's edit. A text equal to the
generated one is stored as "generated" (it follows later changes of title, author and narrator).

Rendering them is the window's ordinary render (``MainWindow.render_credits``): estimated and, above the
author's limit, confirmed like any render; only a credit whose text (or reading) changed has no audio, so only
that one is sent.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QWidget

from studio.core.book import Book
from studio.core.credits import CLOSING, MAX_CREDIT_CHARS, OPENING, generated_credits, narrator_name, store_credits
from studio.gui.commands import BookCommand
from studio.gui.document import BookDocument
from studio.gui.qtcompat import emit


def stored_texts(folder: Path) -> dict[str, str]:
    """The author's own credit texts in the project (only those set)."""
    from studio.core.credits import stored_credits
    from studio.core.project import Project

    with Project.open(folder) as project:  # one small meta row
        return stored_credits(project)


def generated_texts(book: Book, title: str | None = None, author: str | None = None) -> dict[str, str]:
    """What the studio would say, from the book's metadata (``title``/``author`` as the dialog shows them)."""
    voice = book.voice.merged_over(book.default_voice)  # studio.render.credits_plan.book_voice
    opening, closing = generated_credits(book, narrator_name(book, voice), title=title or None, author=author)
    return {OPENING: opening, CLOSING: closing}


class CreditTextsCommand(BookCommand):
    """The author's credit texts ("" = generated), written to the project at once; undo writes the old ones."""

    def __init__(self, document: BookDocument, wanted: dict[str, str], old: dict[str, str]) -> None:
        super().__init__(document, QCoreApplication.translate("CreditsEditor", "Change the credits"))
        self.wanted, self.old = dict(wanted), dict(old)

    def _write(self, texts: dict[str, str]) -> None:
        folder = self.document.folder
        if folder is None:
            return
        from studio.core.project import Project

        with Project.open(folder) as project:
            store_credits(project, opening=texts.get(OPENING, ""), closing=texts.get(CLOSING, ""))
        self.document.notify_credits()

    def apply(self) -> None:
        self._write(self.wanted)

    def revert(self) -> None:
        self._write(self.old)


class CreditsEditor(QWidget):
    """Both credit texts, each with where it comes from, its length and "Reset to generated".

    Signals:
        render_requested(): the author asked for the credits to be rendered (after their texts were stored).
    """

    render_requested = Signal()

    def __init__(self, document: BookDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        book = document.require_book()
        self._title, self._author = book.title, book.author or ""
        self._stored: dict[str, str] = {}
        self._generated: dict[str, str] = {}
        self.edits: dict[str, QPlainTextEdit] = {}
        self.states: dict[str, QLabel] = {}
        self.resets: dict[str, QPushButton] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        names = {OPENING: self.tr("Opening"), CLOSING: self.tr("Closing")}
        for row, which in enumerate((OPENING, CLOSING)):
            edit = QPlainTextEdit()
            edit.setObjectName(f"{which}_credits")
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 4 + 12)
            edit.setMinimumWidth(edit.fontMetrics().averageCharWidth() * 46)
            edit.textChanged.connect(lambda which=which: self._changed(which))
            state = QLabel()
            reset = QPushButton(self.tr("Reset to generated"))
            reset.setToolTip(self.tr("Say the title, author and narrator as the studio writes them"))
            reset.clicked.connect(lambda _checked=False, which=which: self.reset(which))
            side = QHBoxLayout()
            side.addWidget(state, 1)
            side.addWidget(reset)
            grid.addWidget(QLabel(names[which]), row * 2, 0)
            grid.addWidget(edit, row * 2, 1)
            grid.addLayout(side, row * 2 + 1, 1)
            self.edits[which], self.states[which], self.resets[which] = edit, state, reset
        self.render_button = QPushButton(self.tr("Render Credits"))
        self.render_button.setToolTip(self.tr("Synthesize the credits that have no audio yet (an edited credit "
                                              "only), with the usual estimate first"))
        self.render_button.clicked.connect(self._render)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.render_button)
        grid.addLayout(bottom, 4, 1)
        document.credits_changed.connect(self.reload)
        self.reload()

    # -- reading ------------------------------------------------------------------------------------------------
    def reload(self) -> None:
        """Show the project's texts (the author's, else generated): after opening, and after undo/redo."""
        folder = self.document.folder
        self._stored = stored_texts(folder) if folder is not None else {}
        self._generated = generated_texts(self.document.require_book(), self._title, self._author)
        for which, edit in self.edits.items():
            text = self._stored.get(which, self._generated[which])
            if edit.toPlainText() != text:
                edit.setPlainText(text)
            self._changed(which)

    def set_book_info(self, title: str, author: str) -> None:
        """The dialog's title/author fields changed: generated credits follow them (edited ones stay)."""
        self._title, self._author = title.strip(), author.strip()
        old = self._generated
        self._generated = generated_texts(self.document.require_book(), self._title, self._author)
        for which, edit in self.edits.items():
            if which not in self._stored and self.text(which) == " ".join(old[which].split()):
                edit.setPlainText(self._generated[which])
            self._changed(which)

    def text(self, which: str) -> str:
        return " ".join(self.edits[which].toPlainText().split())

    def is_generated(self, which: str) -> bool:
        return self.text(which) == " ".join(self._generated[which].split())

    def _changed(self, which: str) -> None:
        count = len(self.text(which))
        if count > MAX_CREDIT_CHARS:
            state = self.tr("{n} characters: too long for a credit (at most {max})").format(
                n=f"{count:,}", max=f"{MAX_CREDIT_CHARS:,}")
        elif self.is_generated(which):
            state = self.tr("Generated · {n} characters").format(n=count)
        elif which in self._stored and self.text(which) == self._stored[which]:
            state = self.tr("Your wording · {n} characters").format(n=count)
        else:
            state = self.tr("Edited, not stored yet · {n} characters").format(n=count)
        self.states[which].setText(state)
        self.states[which].setToolTip(self.tr("Generated from the book's title, author and narrator") if
                                      self.is_generated(which) else self.tr("Stored in the project: `studio export "
                                                                            "--opening-credits` sets the same texts"))
        self.resets[which].setEnabled(not self.is_generated(which))

    # -- writing ------------------------------------------------------------------------------------------------
    def problem(self) -> str:
        """Why the texts cannot be stored ("" when they can)."""
        for which in (OPENING, CLOSING):
            if len(self.text(which)) > MAX_CREDIT_CHARS:
                name = self.tr("opening credits") if which == OPENING else self.tr("closing credits")
                return self.tr("The {name} are {n} characters long; a credit is a sentence or two (at most "
                               "{max}).").format(name=name, n=f"{len(self.text(which)):,}", max=MAX_CREDIT_CHARS)
        return ""

    def commit(self) -> bool:
        """Store the texts shown (an undoable change) if they differ from the project's; False if they cannot
        be stored (``problem`` says why)."""
        if self.problem():
            return False
        wanted = {w: ("" if self.is_generated(w) or not self.text(w) else self.text(w)) for w in self.edits}
        old = {w: self._stored.get(w, "") for w in self.edits}
        if wanted != old:
            self.document.run(CreditTextsCommand(self.document, wanted, old))
        return True

    def reset(self, which: str) -> None:
        """Back to the generated text, stored at once (undoable)."""
        self.edits[which].setPlainText(self._generated[which])
        self.commit()

    def _render(self) -> None:
        if self.commit():
            emit(self.render_requested)
