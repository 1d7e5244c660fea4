"""The audio layer's error type.

Kept apart from ``studio.core.errors`` because only this layer knows about ffmpeg; it still derives from
``StudioError`` so the CLI and the job monitor treat it like every other error the studio raises on purpose.
Cancellation is not an error of ours: it raises ``studio.core.errors.CancelledError``.
"""

from __future__ import annotations

from pathlib import Path

from studio.core.errors import StudioError

#: How many of ffmpeg's last stderr lines go into the message itself (``stderr_tail`` keeps more).
MESSAGE_TAIL_LINES = 6


class AudioError(StudioError):
    """Audio could not be read, converted, encoded or written.

    ``path`` names the file at fault when we know it (a piece, the output); ``stderr_tail`` keeps ffmpeg's
    last lines verbatim so a bug report carries what ffmpeg actually said.
    """

    def __init__(self, message: str, *, path: str | Path | None = None, stderr_tail: str = "") -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.stderr_tail = stderr_tail
        text = f"{self.path}: {message}" if self.path else message
        said = [line for line in stderr_tail.splitlines() if line.strip()][-MESSAGE_TAIL_LINES:]
        if said:
            text += "\nffmpeg said:\n  " + "\n  ".join(said)
        super().__init__(text)
