"""The audio layer's error type.

Kept apart from ``studio.core.errors`` because only this layer knows about ffmpeg; it still derives from
``StudioError`` so the CLI and the job monitor treat it like every other error the studio raises on purpose.
Cancellation is not an error of ours: it raises ``studio.core.errors.CancelledError``.
"""

from __future__ import annotations

import errno
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


#: errno values that mean "the disk (or the user's quota) is full": the user must free space, not fix input
DISK_FULL_ERRNOS = frozenset(e for e in (errno.ENOSPC, getattr(errno, "EDQUOT", None)) if e is not None)


class DiskFullError(AudioError):
    """A write failed because the disk is full: "No space left on device: <path>".

    Its own type so that every layer passes it on unchanged (a full scratch disk while converting a piece
    must not read as "cannot read the audio piece"), and so the message names where space is needed.
    """

    def __init__(self, path: str | Path | None, *, stderr_tail: str = "") -> None:
        super().__init__("No space left on device", path=path, stderr_tail=stderr_tail)
        self.args = (f"No space left on device: {self.path}" if self.path else "No space left on device",)


def disk_full_cause(exc: BaseException) -> BaseException | None:
    """The ``DiskFullError`` or ENOSPC/EDQUOT ``OSError`` behind ``exc`` (itself, a cause or a context)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, DiskFullError):
            return current
        if isinstance(current, OSError) and current.errno in DISK_FULL_ERRNOS:
            return current
        current = current.__cause__ or current.__context__
    return None
