"""One render status per chapter (not rendered / partly / done / stale after edit / failed / empty).

A chapter's status is derived, never stored: plan the book as it is now (``plan_project``) and ask the
project's audio cache which units already have audio. Every edit changes some cache keys, so this is exactly
"done", "partly rendered" or "not rendered"; a chapter is "stale after edit" when the last render's plan had
audio for it under keys the chapter no longer has; "failed" when a unit without audio is one the project
remembers as failed (``memory.failed_units``), so "failed" survives a restart. Hashing every unit and checking
every file takes a while on a long book: the window runs this off its UI thread.
"""

from __future__ import annotations

from studio.core.book import Book
from studio.core.project import Project
from studio.render.session.memory import failed_units

STATUS_UNKNOWN = "unknown"
STATUS_EMPTY = "empty"
STATUS_NONE = "none"
STATUS_STALE = "stale"
STATUS_PARTIAL = "partial"
STATUS_DONE = "done"
STATUS_FAILED = "failed"
STATUS_RENDERING = "rendering"  # only while a render runs (the window's live view)
STATUS_QUEUED = "queued"  # likewise


def chapter_statuses(project: Project, book: Book) -> list[str]:
    """One ``STATUS_*`` per chapter of ``book`` from the project's audio cache and render memory."""
    from studio.render.job_store import plan_project

    plan = plan_project(project, book)
    current = {unit.cache_key for unit in plan.units}
    failures = failed_units(project)
    # Audio the last render made for a chapter that its text or voice no longer matches: edited since.
    # (Chapter indices of that plan; after a reorder a partly rendered chapter may be called stale.)
    edited = {row["chapter_index"] for row in project.render_status_rows()
              if row["rendered"] and row["cache_key"] not in current}
    done = [0] * len(book.chapters)
    total = [0] * len(book.chapters)
    failed = [False] * len(book.chapters)
    for unit in plan.units:
        total[unit.chapter_index] += 1
        if project.rendered_unit(unit.cache_key) is not None:
            done[unit.chapter_index] += 1
        elif unit.cache_key in failures:
            failed[unit.chapter_index] = True
    statuses = []
    for ci in range(len(book.chapters)):
        if failed[ci]:
            statuses.append(STATUS_FAILED)
        elif total[ci] == 0:
            statuses.append(STATUS_EMPTY)
        elif done[ci] == total[ci]:
            statuses.append(STATUS_DONE)
        elif ci in edited:
            statuses.append(STATUS_STALE)
        elif done[ci]:
            statuses.append(STATUS_PARTIAL)
        else:
            statuses.append(STATUS_NONE)
    return statuses
