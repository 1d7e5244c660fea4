"""What a project remembers about its renders beyond the jobs table: an unfinished render, and failed units.

Why two meta keys next to the durable jobs: the jobs table holds every unit's last state, but "the last render"
(``render_plan_unit``) is replaced by every render, also a render of one chapter. ``RENDER_FLAG`` says that a
render was started and not finished (and of which chapters), so reopening can offer to resume exactly that;
``RENDER_FAILURES`` keeps the units that failed, so a later render of *other* chapters does not make a chapter
forget that it failed. A unit counts as failed if either source says so (a render from the command line that
the window never saw leaves its failures in the jobs table).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from studio.core.project import Project

RENDER_FLAG = "render_in_progress"
RENDER_FAILURES = "render_failures"


def remembered_failures(project: Project) -> set[str]:
    """Cache keys of units a render gave up on (the window's and the CLI's failure memory)."""
    return set(project.get_meta(RENDER_FAILURES) or [])


def failed_units(project: Project) -> set[str]:
    """Every unit known to have failed: the failure memory, plus jobs whose last state is ``failed``."""
    failed = remembered_failures(project)
    failed.update(row["cache_key"] for row in project.render_jobs() if row.get("state") == "failed")
    return failed


def remember_failures(project: Project, keys: Iterable[str]) -> None:
    project.set_meta(RENDER_FAILURES, sorted(set(keys)))


def clear_failures(project: Project, keys: Collection[str]) -> None:
    """Forget that these units failed (they are about to be rendered again)."""
    remember_failures(project, remembered_failures(project) - set(keys))


def render_flag(project: Project) -> dict[str, Any] | None:
    """The unfinished render's flag: ``{"units": n, "chapters": [...]}`` (no chapters: the whole book)."""
    flag = project.get_meta(RENDER_FLAG)
    if not flag:
        return None
    return flag if isinstance(flag, dict) else {"units": 0, "chapters": []}


def set_render_flag(project: Project, units: int, chapters: Iterable[int] | None) -> None:
    project.set_meta(RENDER_FLAG, {"units": units, "chapters": list(chapters or [])})


def clear_render_flag(project: Project) -> None:
    project.set_meta(RENDER_FLAG, None)
