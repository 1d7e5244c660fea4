"""Run a render plan against engines, with the project's audio cache in front: ``render_plan``.

The entry point the CLI, the exporter and the GUI call. Units whose cache key already has (whole) audio in the
project are skipped; everything else goes through the durable scheduler (``studio.render.scheduler``): vendor
task ids committed as soon as they exist, downloads verified and committed before they count, per-engine
concurrency and request rates, adaptive polling, bounded retries. An interrupted render (cancelled, crashed,
killed) resumes where it stopped, polling the vendor tasks it had started instead of paying for them again.

Work runs on a ``WorkerPool``: by default a private pool of Python threads; the GUI passes its QThread pool.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from studio.engines.base import Engine
from studio.engines.timing import UnitTiming
from studio.render.control import RenderControl
from studio.render.events import EngineProgress, ProgressCallback, RenderProgress
from studio.render.lanes import SchedulerConfig
from studio.render.plan import RenderPlan, RenderUnit
from studio.render.pool import ThreadWorkerPool, WorkerPool
from studio.render.retry import RetryPolicy
from studio.render.scheduler import Scheduler

__all__ = [
    "EngineProgress",
    "ProgressCallback",
    "RenderControl",
    "RenderProgress",
    "RenderedPiece",
    "SchedulerConfig",
    "render_plan",
]


@dataclass(frozen=True)
class RenderedPiece:
    """A unit's audio in the cache. ``timestamps`` holds sentences and words (their ``paragraph`` indexes the
    unit's paragraphs) and ``paragraph_offsets_ms``: where each of the unit's paragraphs starts in the audio."""

    unit: RenderUnit
    audio_path: Path
    sample_rate: int
    duration_ms: int
    timestamps: dict[str, Any]

    @property
    def paragraphs(self) -> tuple[int, ...]:
        """Chapter positions (0-based) of the paragraphs this piece speaks, in order."""
        return self.unit.paragraphs

    @property
    def timing(self) -> UnitTiming:
        """The stored timestamps, typed (``studio.engines.timing``)."""
        return UnitTiming.from_json(self.timestamps)

    @property
    def paragraph_offsets_ms(self) -> list[int]:
        """Start of each of ``paragraphs`` in this piece's audio (ms); [0] for a one-paragraph piece."""
        offsets = list(self.timing.paragraph_offsets_ms)
        return offsets if len(offsets) == len(self.paragraphs) else [0] * (len(self.paragraphs) > 0)

    def paragraph_spans_ms(self) -> list[tuple[int, int, int]]:
        """(chapter paragraph, begin ms, end ms) for each paragraph of the piece."""
        offsets = self.paragraph_offsets_ms
        if len(offsets) != len(self.paragraphs):
            return [(self.paragraphs[0], 0, self.duration_ms)] if self.paragraphs else []
        ends = [*offsets[1:], self.duration_ms]
        return list(zip(self.paragraphs, offsets, ends, strict=True))


def render_plan(
    plan: RenderPlan,
    project: Any,
    engines: Callable[[str], Engine],
    *,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    retry: RetryPolicy | None = None,
    max_in_flight: Mapping[str, int] | None = None,
    pool: WorkerPool | None = None,
    config: SchedulerConfig | None = None,
    control: RenderControl | None = None,
    prices: Mapping[str, float] | None = None,
    stats: dict[str, Any] | None = None,
) -> list[RenderedPiece]:
    """Render every unit of ``plan`` (or take it from the cache) and return the pieces in plan order.

    ``max_in_flight`` (tasks at the vendor per engine) is a shortcut for ``config.max_running``. ``prices``
    (per 10,000 characters, per engine) feed the cost estimate in the events. ``stats``, if given, receives the
    scheduler's per-engine counters (submits, polls, ids per query) for benchmarks and diagnostics.
    """
    config = config or SchedulerConfig()
    if max_in_flight:
        config = replace(config, max_running={**config.max_running, **max_in_flight})
    own_pool: ThreadWorkerPool | None = None
    if pool is None:
        pool = own_pool = ThreadWorkerPool()
    scheduler = Scheduler(plan, project, engines, pool=pool,
                          config=config, retry=retry, progress=progress, cancel=cancel, control=control,
                          prices=dict(prices) if prices else None)
    try:
        finished = scheduler.run()
    finally:
        if stats is not None:
            stats.update(scheduler.stats())
        if own_pool is not None:
            own_pool.shutdown(wait=False)
    pieces = []
    for unit in plan.units:
        done = finished[unit.cache_key]
        pieces.append(RenderedPiece(unit, done.audio_path, done.sample_rate, done.duration_ms, done.timestamps))
    return pieces
