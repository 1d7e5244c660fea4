"""What the window opens when the app starts: the path on the command line, else the last project (a preference).

Kept out of ``app.main`` (which runs the event loop) so the choice can be tested on a real window.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication


def project_to_reopen(recent: Sequence[Path]) -> Path | None:
    """The most recent project that still exists (a deleted or moved one is passed over, not an error)."""
    from studio.core.project import is_project_dir

    return next((folder for folder in recent if is_project_dir(folder)), None)


def open_at_start(window: Any, paths: Sequence[str]) -> Path | None:
    """Open ``paths[0]`` if given, else the last project when Preferences say so; return what is opened."""
    if paths:
        path = Path(paths[0])
        window.open_path(path)
        return path
    settings = window.settings
    if not settings.reopen_last_project or not settings.recent_projects:
        return None
    folder = project_to_reopen(settings.recent_projects)
    if folder is None:
        window.show_status(QCoreApplication.translate(
            "Startup", "The last project ({path}) is no longer there; open one from File ▸ Open Recent.").format(
            path=settings.recent_projects[0]))
        return None
    window.open_path(folder)
    return folder
