"""A new take of a flagged unit: set its audio aside so the next render synthesizes it again.

Why not delete: the audio was paid for and the finding may be wrong; the file is moved to
``cache/rejected/`` (named by the cache key and the time) and stays there. The unit's durable job is reset,
so the render submits a new task instead of downloading the old one again (same task, same skipped sentence).
The render itself goes through the ordinary render path (the window renders the unit's chapter; every other
unit of it is still in the cache).
"""

from __future__ import annotations

import time
from pathlib import Path

from studio.core.project import Project

REJECTED_DIR = "rejected"


def set_aside_unit_audio(project: Project, cache_key: str) -> Path | None:
    """Move the unit's cached audio to ``cache/rejected/`` and forget it; returns where it went (None: no
    audio was cached). One transaction for the database; the file is moved first, so a failure leaves the
    render as it was."""
    stored = project.rendered_unit(cache_key)
    if stored is None:
        return None
    source: Path = stored["audio_path"]
    folder = project.cache_dir / REJECTED_DIR
    folder.mkdir(exist_ok=True)
    target = folder / f"{cache_key}-{time.strftime('%Y%m%d-%H%M%S')}{source.suffix}"
    source.replace(target)
    now = time.time()
    with project.transaction() as db:
        db.execute("DELETE FROM rendered_unit WHERE cache_key = ?", (cache_key,))
        db.execute("UPDATE render_job SET state = 'queued', task_id = NULL, submitted_at = NULL, attempts = 0, "
                   "error_type = NULL, error_code = NULL, error_message = NULL, updated_at = ? "
                   "WHERE cache_key = ?", (now, cache_key))
    return target
