"""A new take of a flagged unit: keep its audio as a take so the next render synthesizes it again.

Why not delete: the audio was paid for and the finding may be wrong. The file moves to ``cache/takes/`` and
stays a take of its paragraph (``studio.core.takes``): the author can listen to both and pin the old one. The
unit's durable job is reset, so the render submits a new task instead of downloading the old one again (same
task, same skipped sentence). The render itself goes through the ordinary render path (the window renders the
unit's chapter; every other unit of it is still in the cache).
"""

from __future__ import annotations

from pathlib import Path

from studio.core.project import Project
from studio.core.takes import set_aside


def set_aside_unit_audio(project: Project, cache_key: str) -> Path | None:
    """Keep the unit's cached audio as a take in ``cache/takes/`` and forget it as the cache's answer; returns
    where it went (None: no audio was cached)."""
    return set_aside(project, cache_key)
