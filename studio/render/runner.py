"""Run a render plan against engines, with the project's audio cache in front.

Units whose cache key already has audio in the project are skipped (nothing is billed twice). Each finished
unit's audio is written atomically into ``cache/`` and committed to the database before it counts as done,
so an interrupted render resumes where it stopped. This is the simple driver of the foundation; the full
scheduler (concurrency caps, rate limits, retries, durable vendor task ids) replaces its loop, not its API.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from studio.core.errors import CancelledError, EngineError, InputError
from studio.core.project import Project
from studio.engines.base import Engine, SynthesisResult, TaskState
from studio.render.plan import RenderPlan, RenderUnit


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

    @property
    def fraction(self) -> float:
        return self.characters_done / self.characters_total if self.characters_total else 1.0


@dataclass(frozen=True)
class RenderedPiece:
    unit: RenderUnit
    audio_path: Path
    sample_rate: int
    duration_ms: int
    timestamps: dict


ProgressCallback = Callable[[RenderProgress], None]


def render_plan(
    plan: RenderPlan,
    project: Project,
    engines: Callable[[str], Engine],
    *,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    poll_interval_s: float = 0.05,
) -> list[RenderedPiece]:
    """Render every unit of ``plan`` (or take it from the cache) and return the pieces in plan order."""
    cancel = cancel or threading.Event()
    pieces: dict[str, RenderedPiece] = {}
    chars_total = plan.characters
    chars_done = 0
    cached = 0

    def report(unit: RenderUnit | None, state: str) -> None:
        if progress is not None:
            progress(RenderProgress(len(pieces), len(plan.units), chars_done, chars_total, cached, unit, state))

    pending: list[RenderUnit] = []
    for unit in plan.units:
        if unit.cache_key in pieces:
            continue
        stored = project.rendered_unit(unit.cache_key)
        if stored is not None:
            pieces[unit.cache_key] = RenderedPiece(unit, stored["audio_path"], stored["sample_rate"],
                                                   stored["duration_ms"], stored["timestamps"])
            chars_done += unit.characters
            cached += 1
        elif all(p.cache_key != unit.cache_key for p in pending):
            pending.append(unit)
    report(None, "planned")

    in_flight: dict[str, tuple[Engine, RenderUnit]] = {}
    queue = list(pending)
    try:
        while queue or in_flight:
            if cancel.is_set():
                raise CancelledError("render cancelled")
            while queue:
                unit = queue.pop(0)
                engine = engines(unit.engine)
                try:
                    task_id = engine.submit(unit.request)
                except EngineError as exc:
                    raise _located(exc, unit) from exc
                in_flight[task_id] = (engine, unit)
                report(unit, "submitted")
            by_engine: dict[int, tuple[Engine, list[str]]] = {}
            for task_id, (engine, _unit) in in_flight.items():
                by_engine.setdefault(id(engine), (engine, []))[1].append(task_id)
            finished = False
            for engine, ids in by_engine.values():
                for task_id, status in engine.poll(ids).items():
                    engine_, unit = in_flight[task_id]
                    if status.state is TaskState.FAILED:
                        err = status.error or EngineError("synthesis failed")
                        raise _located(err, unit) from err
                    if status.state is TaskState.DONE:
                        piece = _fetch_and_store(engine_, task_id, unit, project)
                        del in_flight[task_id]
                        pieces[unit.cache_key] = piece
                        chars_done += unit.characters
                        finished = True
                        report(unit, "done")
            if not finished and in_flight:
                cancel.wait(poll_interval_s)
    finally:
        for task_id, (engine, _unit) in in_flight.items():
            cancel_task = getattr(engine, "cancel", None)
            if cancel_task is not None:
                cancel_task(task_id)
    report(None, "finished")
    return [pieces[u.cache_key] for u in plan.units]


def _fetch_and_store(engine: Engine, task_id: str, unit: RenderUnit, project: Project) -> RenderedPiece:
    audio_name = f"{unit.cache_key}.wav"
    dest = project.cache_dir / audio_name
    try:
        result: SynthesisResult = engine.fetch(task_id, dest)
    except EngineError as exc:
        raise _located(exc, unit) from exc
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
    """Re-raise an engine error with the chapter and paragraph it happened in (1-based for people)."""
    where = f"chapter {unit.chapter_index + 1}, paragraph {unit.paragraph_index + 1}, voice {unit.request.voice}"
    if isinstance(exc, InputError):
        return exc
    located = type(exc)(f"{where}: {exc.args[0] if exc.args else exc}")
    located.vendor_code = exc.vendor_code
    located.vendor_message = exc.vendor_message
    return located
