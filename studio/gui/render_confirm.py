"""Render Book with a cloud voice: estimate first (on a worker thread), show it, ask above the user's threshold.

The numbers come from ``studio.render.confirm`` (the CLI prints the same). Below the threshold the render starts
at once and the estimate goes to the status bar; above it a non-blocking question lists characters, tasks,
cost and time per engine, with "Render" and "Cancel" (the default: nothing is sent by a stray Enter).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from studio.render.confirm import RenderEstimate, estimate_project, needs_confirmation


def estimate_lines(render: RenderEstimate) -> list[str]:
    """The estimate in the user's language, one line per engine and a total."""
    translate = QCoreApplication.translate
    lines = []
    for e in render.engines:
        if e.free:
            cost = translate("RenderConfirm", "free")
        elif e.cost is None:
            cost = translate("RenderConfirm", "cost unknown (no price in Preferences)")
        else:
            cost = translate("RenderConfirm", "about {cost}").format(cost=f"{e.cost:,.2f}")
        if e.seconds is None:
            when = translate("RenderConfirm", "time unknown")
        else:
            when = translate("RenderConfirm", "at least {minutes} min").format(minutes=max(1, round(e.seconds / 60)))
        lines.append(translate("RenderConfirm", "{engine}: {characters} characters in {tasks} tasks, {cost}, {time}")
                     .format(engine=e.display_name, characters=f"{e.characters:,}", tasks=f"{e.tasks:,}",
                             cost=cost, time=when))
    return lines


def estimate_work(folder: Path, book: Any, chapters: list[int] | None, prices: dict[str, float],
                  concurrency: dict[str, int], credits: str | None = None) -> Callable[[Any, Any], RenderEstimate]:
    """The ``BackgroundTask`` function that estimates a render (``credits`` as ``RenderController.start``)."""
    return lambda _report, _cancel: estimate_project(folder, book, chapters, prices, concurrency, credits)


def ask_or_go(parent: QWidget, render: RenderEstimate, threshold: int, go: Callable[[], object],
              show: Callable[[str], None], *, text: str | None = None, send: str | None = None) -> QMessageBox | None:
    """Start (``go``) at once below the threshold, saying what is being sent; above it ask first. Returns the
    question box when one is shown. ``text`` (with ``{characters}`` and ``{limit}``) and ``send`` (the button)
    replace the render's wording where another action renders (the Export dialog)."""
    translate = QCoreApplication.translate
    lines = estimate_lines(render)
    if not needs_confirmation(render, threshold):
        go()
        if render.cloud:
            show(translate("RenderConfirm", "Rendering: {estimate}").format(estimate="; ".join(lines)))
        return None
    box = QMessageBox(parent)
    box.setObjectName("render_confirmation")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(translate("RenderConfirm", "Send this render to the vendors?"))
    text = text or translate("RenderConfirm", "This render sends {characters} characters to paid vendors (more than "
                                              "your limit of {limit}).")
    box.setText(text.format(characters=f"{render.cloud_characters:,}", limit=f"{threshold:,}"))
    box.setInformativeText("\n".join(lines))
    send_button = box.addButton(send or translate("RenderConfirm", "Render"), QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def answered(button: object) -> None:
        if button is send_button:
            go()
        else:
            show(translate("RenderConfirm", "Nothing was sent."))

    box.buttonClicked.connect(answered)
    box.open()
    return box
