"""One scheduler per project at a time, across processes.

Why: two schedulers on the same jobs (a CLI render started while the GUI renders, or a second terminal) would
both see a queued unit and both submit it: the user pays twice. The lock is an OS file lock on
``<project>/render.lock``, so a killed process (SIGKILL, power loss) releases it with no stale-lock cleanup.
Within one process, renders share the lock (the GUI previews a paragraph while a chapter renders).

Holding the lock also makes it safe to delete leftover staging and download files in the cache folder: no
other process can be writing them.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import IO

from studio.core.errors import ProjectError
from studio.core.file_lock import lock as _lock
from studio.core.file_lock import unlock as _unlock

LOCK_NAME = "render.lock"
_STALE_PATTERNS = (".staging-*", ".*.download", ".*.part")

_guard = threading.Lock()
_held: dict[Path, tuple[IO[bytes], int]] = {}


class RenderLock:
    """Context manager: ``with RenderLock(folder): ...``; raises ``ProjectError`` if another process renders."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder).resolve()
        self.first = False  # this holder took the OS lock (no other render of this process was running)

    def __enter__(self) -> RenderLock:
        with _guard:
            held = _held.get(self.folder)
            if held is not None:
                _held[self.folder] = (held[0], held[1] + 1)
                return self
            handle = open(self.folder / LOCK_NAME, "a+b")
            try:
                _lock(handle)
            except OSError:
                handle.close()
                raise ProjectError(f"{self.folder}: another Audiobook Studio process is rendering this project; "
                                   "wait for it to finish or stop it") from None
            _held[self.folder] = (handle, 1)
            self.first = True
        if self.first:
            _remove_stale(self.folder / "cache")
        return self

    def __exit__(self, *exc: object) -> None:
        with _guard:
            handle, count = _held[self.folder]
            if count > 1:
                _held[self.folder] = (handle, count - 1)
                return
            del _held[self.folder]
            try:
                _unlock(handle)
            finally:
                handle.close()


def _remove_stale(cache: Path) -> None:
    """Staging and partial download files left by a killed render (never committed, so never referenced)."""
    if not cache.is_dir():
        return
    for pattern in _STALE_PATTERNS:
        for path in cache.glob(pattern):
            with contextlib.suppress(OSError):
                path.unlink()
