"""The question asked before the window leaves a running render: quitting, or opening another project.

Why ask: until now closing cancelled the render silently, and quitting while the status check ran aborted the
app. "Pause and …" is the default: it waits for submissions in flight (so every task the vendor accepted is
kept in the project and the next render polls it instead of paying again) and keeps the unfinished-render
marker, so the project offers "Resume Rendering" when it is opened again. "Keep Rendering" leaves everything
as it was. The question is a non-blocking ``QMessageBox.open()``: no nested event loop.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def ask_pause_render(parent: QWidget, *, quitting: bool, on_pause: Callable[[], None]) -> QMessageBox:
    """Ask whether to pause the running render for closing the window (``quitting``) or opening another project.

    ``on_pause`` runs when the user picks the default, "Pause and Quit" / "Pause and Open"; "Keep Rendering" (and
    Escape) do nothing. Returns the open box so tests (and the window) can find it.
    """
    box = QMessageBox(parent)
    box.setObjectName("pause_render_question")
    box.setIcon(QMessageBox.Icon.Question)
    translate = QCoreApplication.translate
    accept, reject = QMessageBox.ButtonRole.AcceptRole, QMessageBox.ButtonRole.RejectRole
    box.setWindowTitle(translate("RenderGuard", "A render is running"))
    if quitting:
        box.setText(translate("RenderGuard", "A render is running. Pause it and quit?"))
        pause = box.addButton(translate("RenderGuard", "Pause and Quit"), accept)
    else:
        box.setText(translate("RenderGuard", "A render is running. Pause it and open the other project?"))
        pause = box.addButton(translate("RenderGuard", "Pause and Open"), accept)
    box.setInformativeText(translate("RenderGuard", "Tasks already sent to the vendor are waited for and kept, "
                                                    "so none is paid for twice. The project offers to resume the "
                                                    "render when it is opened again."))
    keep = box.addButton(translate("RenderGuard", "Keep Rendering"), reject)
    box.setDefaultButton(pause)
    box.setEscapeButton(keep)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def answered(button: object) -> None:
        if button is pause:
            box.hide()  # before the (possibly long) wait for the vendor, which shows its own progress window
            on_pause()

    box.buttonClicked.connect(answered)
    box.open()
    return box
