"""Non-blocking exclusive OS file locks, one spelling for POSIX and Windows.

Why a module of its own: the render lock and the staging-folder ownership lock both need the same two calls,
and the platform branch is written with ``sys.platform`` so the type checker reads only the branch that runs.
Both raise ``OSError`` when another process holds the lock.
"""

from __future__ import annotations

import sys
from typing import IO

if sys.platform == "win32":  # pragma: no cover - exercised on Windows builds
    import msvcrt

    def lock(handle: IO[bytes]) -> None:
        """Lock the first byte of ``handle``; ``OSError`` if another process holds it."""
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def unlock(handle: IO[bytes]) -> None:
        """Release a lock taken with ``lock``."""
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def lock(handle: IO[bytes]) -> None:
        """Lock ``handle`` exclusively; ``OSError`` if another process holds it."""
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def unlock(handle: IO[bytes]) -> None:
        """Release a lock taken with ``lock``."""
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
