"""Render units as the drivers show them, choosing units (chapters, single units), and resume information.

Why here and not in a window: the job monitor, ``studio render --chapters``/``--retry-failed`` and the resume
offer after opening must agree on which units a render covers. A render of some chapters resumes as a render of
those chapters: resuming must not start (and bill) chapters the user never asked for.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from studio.core.book import Book
from studio.core.errors import InputError
from studio.core.project import Project
from studio.render.session.memory import clear_render_flag, render_flag

if TYPE_CHECKING:  # the window imports the unit rows at start-up; the planner comes with the first render
    from studio.render.plan import RenderPlan, RenderUnit

#: Job states a unit row can show (``retrying`` is shown as ``queued``).
UNIT_STATES = frozenset({"queued", "submitted", "running", "downloading", "done", "failed", "cancelled"})
#: States in which the vendor holds the unit's task.
LIVE = ("submitted", "running", "downloading")


@dataclass(frozen=True)
class UnitRow:
    """What the job monitor shows of a render unit whatever its source (a fresh plan or the project's memory)."""

    cache_key: str
    chapter_index: int
    paragraphs: tuple[int, ...]
    engine: str
    voice: str
    characters: int


@dataclass(frozen=True)
class PlannedUnit(UnitRow):
    """A unit of the render being started; ``cached`` when its audio is already in the project."""

    cached: bool


@dataclass(frozen=True)
class StoredUnit(UnitRow):
    """One unit of the book as the project remembers it: its audio, or its render job's last state.

    What the job monitor shows for an unfinished render right after opening, before anything is rendered
    again: units still at the vendor keep their task ids (a resume polls them instead of paying again).
    """

    state: str
    task_id: str = ""
    attempts: int = 0
    vendor_code: str = ""
    message: str = ""
    at_vendor: bool = False  # its vendor task can still be polled (rendering it again would pay twice)


@dataclass(frozen=True)
class ResumeInfo:
    """An earlier render stopped before it finished: how many units still lack audio, and every unit's state."""

    remaining: int
    total: int
    units: tuple[StoredUnit, ...] = ()
    chapters: tuple[int, ...] | None = None  # the render was of these chapters only (None: the whole book)

    @property
    def at_vendor(self) -> int:
        """Units whose vendor task is still live (a resume polls them, it does not submit them again)."""
        return sum(1 for unit in self.units if unit.task_id and unit.state not in ("done", "failed"))


def select_units(plan: RenderPlan, *, chapters: Collection[int] | None = None,
                 units: Collection[str] | None = None) -> RenderPlan:
    """The part of ``plan`` in ``chapters`` (0-based) and, if given, among the cache keys ``units``."""
    from studio.render.plan import RenderPlan
    selected = plan.units
    if chapters is not None:
        wanted = set(chapters)
        selected = [u for u in selected if u.chapter_index in wanted]
    if units is not None:
        keys = set(units)
        selected = [u for u in selected if u.cache_key in keys]
    return plan if selected is plan.units else RenderPlan(list(selected), plan.sizing)


def planned_unit(unit: RenderUnit, cached: bool) -> PlannedUnit:
    return PlannedUnit(unit.cache_key, unit.chapter_index, unit.paragraphs, unit.engine, unit.request.voice,
                       unit.characters, cached)


_RANGE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")


def parse_chapters(text: str, chapter_count: int) -> list[int]:
    """``"3,5-7"`` (1-based, as the window numbers chapters) -> sorted 0-based indices, each checked."""
    chosen: set[int] = set()
    for item in text.split(","):
        match = _RANGE.match(item)
        if match is None:
            raise InputError(f"--chapters wants numbers and ranges such as 3,5-7, not {item.strip()!r}")
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if first > last:
            raise InputError(f"--chapters: the range {first}-{last} runs backwards")
        for number in (first, last):
            if not 1 <= number <= chapter_count:
                raise InputError(f"--chapters: there is no chapter {number} (the book has {chapter_count} "
                                 f"chapter{'' if chapter_count == 1 else 's'})")
        chosen.update(range(first - 1, last))
    return sorted(chosen)


def unit_states(project: Project, units: Sequence[RenderUnit], now: float | None = None) -> list[StoredUnit]:
    """Each unit as the project knows it: ``done`` when its audio is in the cache, else its job's last state.

    The one classification behind the resume offer, the job monitor after opening and ``studio render
    --dry-run`` ("cached", "vendor task running", "to render").
    """
    import time

    from studio.render.job_store import JobRecord, JobState, task_alive

    now = time.time() if now is None else now
    jobs = {row["cache_key"]: row for row in project.render_jobs()}
    states = []
    for unit in units:
        job = jobs.get(unit.cache_key) or {}
        if project.rendered_unit(unit.cache_key) is not None:
            state, alive = "done", False
        else:
            state = job.get("state") or "queued"
            state = "queued" if state == "done" else state  # its audio went missing: it is rendered again
            record = JobRecord.from_row(job) if job else None
            alive = record is not None and task_alive(record, now) and record.state is not JobState.FAILED
        states.append(StoredUnit(unit.cache_key, unit.chapter_index, unit.paragraphs, unit.engine,
                                 unit.request.voice, unit.characters, state, job.get("task_id") or "",
                                 int(job.get("attempts") or 0), job.get("error_code") or "",
                                 job.get("error_message") or "", alive))
    return states


def resume_info(project: Project, book: Book) -> ResumeInfo | None:
    """What an unfinished render left (None if nothing): every unit it covers, with its last job state.

    A flag whose chapters are all gone, or a render whose units all have audio by now, is cleared: there is
    nothing left of it to resume.
    """
    from studio.render.job_store import plan_project

    flag = render_flag(project)
    if flag is None:
        return None
    plan = plan_project(project, book)
    asked: Sequence[int] = flag.get("chapters") or []
    wanted = tuple(c for c in asked if isinstance(c, int) and 0 <= c < len(book.chapters))
    if asked and not wanted:
        clear_render_flag(project)
        return None
    if wanted:
        plan = select_units(plan, chapters=wanted)
    units = unit_states(project, plan.units)
    remaining = sum(1 for unit in units if unit.state != "done")
    if not remaining:
        clear_render_flag(project)
        return None
    return ResumeInfo(remaining, len(plan.units), tuple(units), wanted or None)
