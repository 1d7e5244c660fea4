"""Compress a cache rendered before decision 0015 (unit WAVs) to FLAC, on the user's request: half the disk.

Why on request and not by itself on the next render: converting is free (nothing is sent to a vendor, the
cache keys stay), but the encoded-chapter cache (decision 0012) names pieces by path, size and mtime, so the
next export encodes every chapter once more; a user who asks knows why that export takes longer.

Safe at every step: each FLAC is written beside its WAV under a temporary name and checked (same format, same
sample count), then the database is pointed at it in one transaction (the unit's row and the takes that name
the same file), and only then is the WAV deleted. A crash leaves either the old WAV in use (and perhaps an
unused FLAC the next run overwrites) or the new FLAC in use (and perhaps a WAV nobody names, deleted by the next
run). It holds the render lock: no render moves files meanwhile.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from studio.core.errors import CancelledError
from studio.core.project import Project
from studio.render.render_lock import RenderLock
from studio.render.verify import store_as_flac

__all__ = ["CompactResult", "compact_cache"]

log = logging.getLogger("studio.render")


@dataclass(frozen=True)
class CompactResult:
    files: int  # WAVs replaced by FLAC
    bytes_before: int
    bytes_after: int
    skipped: tuple[str, ...] = ()  # files ffmpeg could not read: kept as they are


def _wav_names(project: Project) -> list[str]:
    """The WAVs units and takes use; WAVs left beside their FLAC by an interrupted run are deleted here."""
    with project.transaction() as db:
        rows = db.execute("SELECT audio_file FROM rendered_unit UNION SELECT audio_file FROM take").fetchall()
    names = {str(name) for (name,) in rows}
    for name in names:
        if name.lower().endswith(".flac"):
            left = (project.cache_dir / name).with_suffix(".wav")
            if left.relative_to(project.cache_dir).as_posix() not in names:
                left.unlink(missing_ok=True)
    return sorted(name for name in names if name.lower().endswith(".wav"))


def compact_cache(project: Project, *, progress: Callable[[int, int], None] | None = None,
                  cancel: threading.Event | None = None) -> CompactResult:
    """Replace every WAV the project's units and takes use by a FLAC of the same samples."""
    files = before = after = 0
    skipped: list[str] = []
    with RenderLock(project.folder):
        names = _wav_names(project)
        for n, name in enumerate(names):
            if cancel is not None and cancel.is_set():
                raise CancelledError("compacting cancelled")
            wav = project.cache_dir / name
            if not wav.is_file():
                continue
            flac = wav.with_suffix(".flac")
            problem = store_as_flac(wav, flac)  # a full disk stops it (LocalStorageError), as a render
            if problem is not None:
                log.info("kept %s as it is: %s", name, problem.message)
                skipped.append(name)
                continue
            new_name = flac.relative_to(project.cache_dir).as_posix()
            with project.transaction() as db:
                db.execute("UPDATE rendered_unit SET audio_file = ? WHERE audio_file = ?", (new_name, name))
                db.execute("UPDATE take SET audio_file = ? WHERE audio_file = ?", (new_name, name))
            before += wav.stat().st_size
            after += flac.stat().st_size
            wav.unlink()
            files += 1
            if progress is not None:
                progress(n + 1, len(names))
    return CompactResult(files, before, after, tuple(skipped))
