"""``render_book``: render the whole book, some chapters or some units, remembering what failed.

Both drivers call it: the window on a background task with its QThread pool (``pool``) and its pause/cancel
``control``; ``studio render --chapters``/``--retry-failed`` in the foreground with plain threads. The vendor
work itself is ``studio.render.runner.render_plan`` (the durable scheduler); this adds what a *session* needs
around it: the plan narrowed to what was asked, the "unfinished render" flag and the failure memory.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from studio.core.book import Book
from studio.core.project import Project
from studio.engines.base import Engine
from studio.engines.registry import EngineOptions, EngineSet
from studio.render.control import RenderControl
from studio.render.events import ProgressCallback, RenderProgress
from studio.render.plan import AudioRequestOptions, RenderPlan
from studio.render.pool import WorkerPool
from studio.render.retry import RetryPolicy
from studio.render.session.memory import (
    clear_render_flag,
    remember_failures,
    remembered_failures,
    set_render_flag,
)
from studio.render.session.units import PlannedUnit, planned_unit, select_units


@dataclass(frozen=True)
class RenderSummary:
    units: int
    rendered: int
    cached: int
    seconds: float
    chapters: tuple[int, ...] = ()  # chapters (0-based) the render covered


class _FailureMemory:
    """Forwards render events and remembers which units failed (runs on the scheduler's thread)."""

    def __init__(self, progress: ProgressCallback | None) -> None:
        self.progress = progress
        self.failed: set[str] = set()

    def __call__(self, event: RenderProgress) -> None:
        if event.unit is not None:
            if event.state == "failed":
                self.failed.add(event.unit.cache_key)
            elif event.state == "done":
                self.failed.discard(event.unit.cache_key)
        if self.progress is not None:
            self.progress(event)


def render_book(project: Project, book: Book, *, chapters: Collection[int] | None = None,
                units: Collection[str] | None = None, pool: WorkerPool | None = None,
                engines: Callable[[str], Engine] | None = None, engine_options: EngineOptions | None = None,
                control: RenderControl | None = None, progress: ProgressCallback | None = None,
                on_plan: Callable[[list[PlannedUnit]], None] | None = None,
                cancel: threading.Event | None = None, prices: Mapping[str, float] | None = None,
                max_in_flight: Mapping[str, int] | None = None, audio: AudioRequestOptions | None = None,
                retry: RetryPolicy | None = None, credits: str | None = None) -> RenderSummary:
    """Plan ``book`` as the project does and render it, or the ``chapters`` (0-based) or units (cache keys) asked.

    ``units`` (retrying single units) leaves the project's "unfinished render" flag alone: it says nothing
    about the rest of the book. Every render merges its failures into the project's memory instead of
    replacing it (a whole-book render starts it afresh), so a partial render does not make other chapters
    forget that they failed. ``on_plan`` hears the units before anything is sent (the job monitor's rows).
    ``engines`` replaces the ``EngineSet`` built from ``engine_options``. ``credits``: ``"with"`` renders the
    opening and closing credits with the book (or with the ``chapters``/``units`` asked, when theirs), ``"only"``
    just the credits (as ``studio render --credits``; like ``units``, it leaves the "unfinished render" flag
    alone).
    """
    from studio.render.lanes import SchedulerConfig
    from studio.render.runner import render_plan

    started = time.monotonic()
    plan = select_units(planned(project, book, audio, credits), chapters=chapters, units=units)
    planned_keys = {u.cache_key for u in plan.units}
    flagged = units is None and credits != "only"  # a render of the book or some chapters: resumable as such
    whole_book = chapters is None and flagged
    cached = {key for key in planned_keys if project.rendered_unit(key) is not None}
    if on_plan is not None:
        on_plan([planned_unit(u, u.cache_key in cached) for u in plan.units])
    earlier_failures = set() if whole_book else remembered_failures(project) - planned_keys
    if flagged:
        set_render_flag(project, len(plan.units), sorted(chapters) if chapters is not None else None)
    memory = _FailureMemory(progress)

    def run(source: Callable[[str], Engine]) -> None:
        # listen_first: the opening chapter is playable early (the window's Play follows chapter status "done")
        render_plan(plan, project, source, progress=memory, cancel=cancel, retry=retry, pool=pool,
                    control=control, prices=prices, max_in_flight=max_in_flight,
                    config=SchedulerConfig(order="listen_first"))

    try:
        if engines is not None:
            run(engines)
        else:
            with EngineSet(options=engine_options or EngineOptions()) as owned:
                run(owned)
    except BaseException:
        remember_failures(project, earlier_failures | memory.failed)
        raise
    if flagged:
        clear_render_flag(project)
    remember_failures(project, earlier_failures)
    return RenderSummary(len(plan.units), len(planned_keys - cached), len(cached), time.monotonic() - started,
                         tuple(sorted({u.chapter_index for u in plan.units})))


def planned(project: Project, book: Book, audio: AudioRequestOptions | None, credits: str | None) -> RenderPlan:
    """The book as the project plans it, with its credits (``"with"``), or the credits alone (``"only"``)."""
    from studio.render.job_store import plan_project

    plan = plan_project(project, book, audio=audio)
    if credits is None:
        return plan
    if credits not in ("with", "only"):
        raise ValueError(f"credits must be 'with' or 'only', not {credits!r}")
    from studio.render.credits_plan import plan_with_credits, project_credit_units

    said: list[str] = []
    units = project_credit_units(project, book, plan, audio=audio, warnings=said)
    return RenderPlan(units, plan.sizing, tuple(said)) if credits == "only" else plan_with_credits(plan, units, said)
