"""The folders an export works in, each owned by its process, and sweeping up the ones a dead export left.

An export builds its files in a hidden staging folder beside the output (``.book.m4b.export-1a2b3c4d``) and
converts pieces in a scratch folder (``studio-export-*`` in the temp folder). A killed export (SIGKILL, a
crash, power loss) cannot remove them, so every export first sweeps the folders it is about to use for
leftovers of its own kind, and removes only those whose owner is gone.

Ownership is an OS file lock on ``owner.lock`` inside the folder, held for the folder's whole life: the OS
drops it when the process dies however it dies, so "lock free" means "owner gone" without trusting pids
(which get reused). ffmpeg children do not inherit the lock (``subprocess`` closes inherited descriptors).
The owner writes its pid after locking; a sweeper that finds the lock free but no pid yet is looking at a
folder being set up this very moment and leaves it alone unless it is old. Folders without an owner file
(from versions before this one) are removed only when they are days old.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import shutil
import tempfile
import time
from pathlib import Path
from typing import IO

from studio.core.file_lock import lock as _lock
from studio.core.file_lock import unlock as _unlock

log = logging.getLogger("studio.audio.staging")

OWNER_FILE = "owner.lock"
SCRATCH_PREFIX = "studio-export-"
#: ``.<output name>.export-<8 hex>``: the staging folders this module creates, and nothing else
_STAGING_NAME = re.compile(r"^\..+\.export-[0-9a-f]{8}$")
_SCRATCH_NAME = re.compile(rf"^{re.escape(SCRATCH_PREFIX)}[A-Za-z0-9_]+$")
#: an owner file with no pid yet: its creator is between opening and locking it, or died right there
_SETUP_GRACE_S = 120.0
#: no owner file at all: left by an older version (or a folder being created this instant)
_LEGACY_AGE_S = 2 * 24 * 3600.0
_LOCK_ATTEMPTS = 40  # a sweeper may hold our fresh lock for a moment while it looks; wait up to ~2 s


class OwnedFolder:
    """A folder this process owns for as long as the object is open; ``remove()`` deletes it."""

    def __init__(self, path: Path, handle: IO[bytes]) -> None:
        self.path = path
        self._handle: IO[bytes] | None = handle

    @classmethod
    def claim(cls, path: Path) -> OwnedFolder:
        """Take ownership of the freshly created, empty folder ``path``."""
        handle = open(path / OWNER_FILE, "a+b")  # noqa: SIM115 - held open for the folder's life
        try:
            for attempt in range(_LOCK_ATTEMPTS):
                try:
                    _lock(handle)
                    break
                except OSError:
                    if attempt == _LOCK_ATTEMPTS - 1:
                        raise
                    time.sleep(0.05)
            handle.truncate(0)
            handle.write(str(os.getpid()).encode("ascii"))
            handle.flush()
        except BaseException:
            handle.close()
            raise
        return cls(path, handle)

    def remove(self) -> None:
        """Let go of the lock, then delete the folder (Windows cannot delete a file that is still open; a
        sweeper that slips in between finds a dead owner and deletes the same folder, which is harmless)."""
        if self._handle is not None:
            with contextlib.suppress(OSError):
                _unlock(self._handle)
            self._handle.close()
            self._handle = None
        shutil.rmtree(self.path, ignore_errors=True)

    def __enter__(self) -> OwnedFolder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


def staging_folder(home: Path, output_name: str) -> OwnedFolder:
    """A new hidden staging folder in ``home`` (beside the output, so moving files out is a rename)."""
    path = home / f".{output_name or 'export'}.export-{secrets.token_hex(4)}"
    path.mkdir()
    try:
        return OwnedFolder.claim(path)
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise


def scratch_folder(parent: Path | None) -> OwnedFolder:
    """A new scratch folder in ``parent`` (default: the system temp folder) for converted pieces."""
    path = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=parent))
    try:
        return OwnedFolder.claim(path)
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise


def sweep_export_litter(output: Path, temp_dir: Path | None = None) -> list[Path]:
    """Sweep both places an export to ``output`` works in: beside the output, and the scratch parent."""
    removed = sweep_stale(Path(output).parent)
    removed += sweep_stale(Path(temp_dir) if temp_dir is not None else Path(tempfile.gettempdir()), scratch=True)
    return removed


def sweep_stale(folder: Path, *, scratch: bool = False) -> list[Path]:
    """Remove the staging (or, with ``scratch``, scratch) folders in ``folder`` whose export is gone.

    Never raises: a folder that cannot be looked at or removed is left for a later sweep.
    """
    pattern = _SCRATCH_NAME if scratch else _STAGING_NAME
    removed: list[Path] = []
    try:
        entries = [e for e in os.scandir(folder) if pattern.match(e.name) and e.is_dir(follow_symlinks=False)]
    except OSError:
        return removed
    for entry in entries:
        path = Path(entry.path)
        try:
            owner = _dead_owner(path)
        except OSError as exc:
            log.debug("cannot check %s: %s", path, exc)
            continue
        if owner is None:
            continue
        log.info("removing %s, left behind by an export that ended without cleaning up (%s)", path, owner)
        shutil.rmtree(path, ignore_errors=True)
        if not path.exists():
            removed.append(path)
    return removed


def _dead_owner(path: Path) -> str | None:
    """Why ``path`` is stale ("process 1234 is gone", ...), or None while its owner may be alive."""
    try:
        handle = open(path / OWNER_FILE, "r+b")  # noqa: SIM115 - closed below, after the lock test
    except FileNotFoundError:
        age = time.time() - path.stat().st_mtime
        return f"no owner, {age / 3600:.0f} h old" if age > _LEGACY_AGE_S else None
    with handle:
        try:
            _lock(handle)
        except OSError:
            return None  # the lock is held: its export is running
        try:
            pid = handle.read().decode("ascii", "replace").strip()
            if pid:
                return f"process {pid} is gone"
            age = time.time() - os.fstat(handle.fileno()).st_mtime
            return f"an owner that never started, {age:.0f} s ago" if age > _SETUP_GRACE_S else None
        finally:
            with contextlib.suppress(OSError):
                _unlock(handle)
