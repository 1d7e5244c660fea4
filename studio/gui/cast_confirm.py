"""Accepting a cast proposal is never silent: the Cast dock first lists what would change and asks.

Why a module of its own: the dock stays small, and tests replace ``ask`` (a modal box would wait for a click
that never comes on a CI machine). ``changes`` is plain data so it can be checked without any dialog.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

# Attributions below this stay with the narrator when accepted (as ``apply_proposal``'s default).
MIN_CONFIDENCE = 0.5


def changes(proposal: Any, known: Iterable[str]) -> list[str]:
    """One line per character that would get quotes (new characters marked), then the total: what Accept
    writes into the project. ``known`` are the names already in the project's cast."""
    cast = set(known)
    counts = Counter(q.speaker for q in proposal.quotes if q.speaker and q.confidence >= MIN_CONFIDENCE)
    voices = {c.name: c.voice for c in proposal.characters}
    lines = []
    for name, n in counts.most_common():
        voice = voices.get(name) or QCoreApplication.translate("CastConfirm", "the narrator's voice")
        if name in cast:
            text = QCoreApplication.translate("CastConfirm",
                                              "{name}: {n} quotes (already in the cast, keeps its voice)")
        else:
            text = QCoreApplication.translate("CastConfirm", "{name}: new character, voice {voice}, {n} quotes")
        lines.append(text.format(name=name, n=n, voice=voice))
    total = QCoreApplication.translate("CastConfirm",
                                       "{n} quotes in all get a character's voice; the rest stay with the narrator.")
    lines.append(total.format(n=sum(counts.values())))
    return lines


def ask(parent: QWidget, lines: list[str]) -> bool:
    """The confirmation box (Yes/No, No by default)."""
    intro = QCoreApplication.translate("CastConfirm", "Accepting writes into the project:")
    answer = QMessageBox.question(parent, QCoreApplication.translate("CastConfirm", "Accept the cast?"),
                                  intro + "\n\n" + "\n".join(lines),
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def confirm_accept(parent: QWidget, proposal: Any, known: Iterable[str]) -> bool:
    """Whether the author agreed to the listed changes (module-level ``ask`` so tests can answer)."""
    return ask(parent, changes(proposal, known))
