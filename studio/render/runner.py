"""Run a render plan against engines, with the project's audio cache in front.

Units whose cache key already has audio in the project are skipped (nothing is billed twice). Each finished
unit's audio is written atomically into ``cache/`` and committed to the database before it counts as done, so
an interrupted render resumes where it stopped. Per engine, at most ``max_in_flight`` tasks run at once;
polling backs off while nothing changes; retryable failures are retried by ``RetryPolicy``. Durable vendor
task ids and request-rate limits arrive with the full scheduler, which replaces this loop, not its API.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from studio.core.errors import CancelledError, EngineError, InputError, TaskExpiredError
from studio.core.project import Project
from studio.engines.base import Engine, SynthesisResult, TaskState
from studio.render.plan import RenderPlan, RenderUnit
from studio.render.retry import RetryPolicy

log = logging.getLogger("studio.render")

DEFAULT_MAX_IN_FLIGHT = {"local": 16, "aliyun": 10, "baidu": 50}
# (first interval, longest interval) in seconds; the vendors' own samples poll every 10 s.
POLL_INTERVALS = {"local": (0.02, 0.25), "aliyun": (0.1, 10.0), "baidu": (0.1, 10.0)}


@dataclass(frozen=True)
class RenderProgress:
    """One progress event: how far the render is, and which unit just changed (if any)."""

    units_done: int
    units_total: int
    characters_done: int
    characters_total: int
    cached: int
    unit: RenderUnit | None = None
    state: str = ""
    message: str = ""

    @property
    def fraction(self) -> float:
        return self.characters_done / self.characters_total if self.characters_total else 1.0


@dataclass(frozen=True)
class RenderedPiece:
    unit: RenderUnit
    audio_path: Path
    sample_rate: int
    duration_ms: int
    timestamps: dict[str, Any]


ProgressCallback = Callable[[RenderProgress], None]


@dataclass
class _Job:
    unit: RenderUnit
    engine: Engine
    attempts: int = 0
    task_id: str | None = None
    not_before: float = 0.0
    needs_fetch_only: bool = False


@dataclass
class _EngineLane:
    engine: Engine
    max_in_flight: int
    interval_range: tuple[float, float]
    interval: float = 0.0
    next_poll: float = 0.0
    running: dict[str, _Job] = field(default_factory=dict)


def render_plan(
    plan: RenderPlan,
    project: Project,
    engines: Callable[[str], Engine],
    *,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    retry: RetryPolicy | None = None,
    max_in_flight: dict[str, int] | None = None,
) -> list[RenderedPiece]:
    """Render every unit of ``plan`` (or take it from the cache) and return the pieces in plan order."""
    cancel = cancel or threading.Event()
    retry = retry or RetryPolicy()
    caps = {**DEFAULT_MAX_IN_FLIGHT, **(max_in_flight or {})}
    rng = random.Random()
    pieces: dict[str, RenderedPiece] = {}
    chars_total = plan.characters
    chars_done = 0
    cached = 0

    def report(unit: RenderUnit | None, state: str, message: str = "") -> None:
        if progress is not None:
            progress(RenderProgress(len(pieces), len(plan.units), chars_done, chars_total, cached, unit, state,
                                    message))

    waiting: list[_Job] = []
    seen: set[str] = set()
    for unit in plan.units:
        if unit.cache_key in seen:
            continue
        seen.add(unit.cache_key)
        stored = project.rendered_unit(unit.cache_key)
        if stored is not None:
            pieces[unit.cache_key] = RenderedPiece(unit, stored["audio_path"], stored["sample_rate"],
                                                   stored["duration_ms"], stored["timestamps"])
            chars_done += unit.characters
            cached += 1
        else:
            waiting.append(_Job(unit, engines(unit.engine)))
    report(None, "planned")

    lanes: dict[str, _EngineLane] = {}
    for job in waiting:
        if job.unit.engine not in lanes:
            lanes[job.unit.engine] = _EngineLane(job.engine, max(1, caps.get(job.unit.engine, 8)),
                                                 POLL_INTERVALS.get(job.unit.engine, (0.1, 10.0)))

    def fail_or_retry(job: _Job, exc: EngineError, stage: str) -> None:
        if not retry.should_retry(exc, job.attempts):
            raise _located(exc, job.unit) from exc
        delay = retry.delay(exc, job.attempts, rng)
        log.info("retrying %s of %s in %.1fs after %s (attempt %d)", stage, job.unit.cache_key[:12], delay,
                 exc, job.attempts)
        job.not_before = time.monotonic() + delay
        waiting.append(job)
        report(job.unit, "retrying", str(exc))

    try:
        while waiting or any(lane.running for lane in lanes.values()):
            if cancel.is_set():
                raise CancelledError("render cancelled")
            now = time.monotonic()
            # Submit (or re-fetch) what is due, within each engine's cap.
            for job in [j for j in waiting if j.not_before <= now]:
                lane = lanes[job.unit.engine]
                if len(lane.running) >= lane.max_in_flight:
                    continue
                waiting.remove(job)
                if job.needs_fetch_only and job.task_id is not None:
                    lane.running[job.task_id] = job
                    continue
                job.attempts += 1
                try:
                    job.task_id = job.engine.submit(job.unit.request)
                except EngineError as exc:
                    fail_or_retry(job, exc, "submit")
                    continue
                lane.running[job.task_id] = job
                lane.interval = lane.interval_range[0]
                lane.next_poll = min(lane.next_poll, now + lane.interval) if lane.next_poll > now else \
                    now + lane.interval
                report(job.unit, "submitted")
            # Poll each engine whose turn it is, all its running tasks in one call.
            progressed = False
            for lane in lanes.values():
                if not lane.running or time.monotonic() < lane.next_poll:
                    continue
                try:
                    statuses = lane.engine.poll(list(lane.running))
                except EngineError as exc:
                    if not exc.retryable:
                        raise
                    log.info("poll failed, retrying next round: %s", exc)
                    statuses = {}
                lane_progressed = False
                for task_id, status in statuses.items():
                    job = lane.running.get(task_id)
                    if job is None:
                        continue
                    if status.state is TaskState.FAILED:
                        del lane.running[task_id]
                        job.needs_fetch_only = False
                        fail_or_retry(job, status.error or EngineError("synthesis failed"), "task")
                        lane_progressed = True
                    elif status.state is TaskState.DONE:
                        del lane.running[task_id]
                        try:
                            piece = _fetch_and_store(job.engine, task_id, job.unit, project)
                        except EngineError as exc:
                            # A broken download is fetched again; a task the vendor forgot is resubmitted.
                            job.needs_fetch_only = not isinstance(exc, TaskExpiredError)
                            job.attempts += 1
                            fail_or_retry(job, exc, "download")
                            lane_progressed = True
                            continue
                        pieces[job.unit.cache_key] = piece
                        chars_done += job.unit.characters
                        lane_progressed = True
                        report(job.unit, "done")
                low, high = lane.interval_range
                lane.interval = low if lane_progressed else min(high, max(low, lane.interval * 1.6))
                lane.next_poll = time.monotonic() + lane.interval
                progressed = progressed or lane_progressed
            if not progressed:
                cancel.wait(_sleep_for(waiting, lanes))
    finally:
        for lane in lanes.values():
            cancel_task = getattr(lane.engine, "cancel", None)
            if cancel_task is not None:
                for task_id in lane.running:
                    cancel_task(task_id)
    report(None, "finished")
    return [pieces[u.cache_key] for u in plan.units]


def _sleep_for(waiting: list[_Job], lanes: dict[str, _EngineLane]) -> float:
    now = time.monotonic()
    moments = [lane.next_poll for lane in lanes.values() if lane.running]
    moments += [job.not_before for job in waiting
                if len(lanes[job.unit.engine].running) < lanes[job.unit.engine].max_in_flight]
    if not moments:
        return 0.05
    return max(0.0, min(0.5, min(moments) - now))


def _fetch_and_store(engine: Engine, task_id: str, unit: RenderUnit, project: Project) -> RenderedPiece:
    audio_name = f"{unit.cache_key}.wav"
    dest = project.cache_dir / audio_name
    result: SynthesisResult = engine.fetch(task_id, dest)
    timestamps = {
        "sentences": [asdict(t) for t in result.sentences],
        "words": [asdict(t) for t in result.words],
        "paragraph_offsets_ms": list(result.paragraph_offsets_ms),
    }
    project.record_rendered_unit(unit.cache_key, engine=unit.engine, voice=unit.request.voice,
                                 audio_file=audio_name, sample_rate=result.sample_rate,
                                 duration_ms=result.duration_ms, timestamps=timestamps)
    return RenderedPiece(unit, dest, result.sample_rate, result.duration_ms, timestamps)


def _located(exc: EngineError, unit: RenderUnit) -> EngineError:
    """The same error, saying which chapter, paragraph and voice it happened in (1-based for people)."""
    if isinstance(exc, InputError):
        return exc
    where = f"chapter {unit.chapter_index + 1}, paragraph {unit.paragraph_index + 1}, voice {unit.request.voice}"
    located = type(exc).__new__(type(exc))
    EngineError.__init__(located, f"{where}: {exc.args[0] if exc.args else exc}")
    located.vendor_code = exc.vendor_code
    located.vendor_message = exc.vendor_message
    return located
