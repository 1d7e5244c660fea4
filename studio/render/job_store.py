"""Durable render jobs: one row per distinct unit content, written before the scheduler takes the next step.

Why: a book is hundreds of vendor tasks that cost money and live at the vendor for days. A task id that is only
in memory is lost by a crash, and the only way to get its audio is to pay again. So every state change that
costs money or time is committed here first: the vendor task id right after ``submit`` returns (before the
task is polled, before the next submit), a verified download together with its ``rendered_unit`` row before
the job says ``done``. Reopening the project finds the task ids and resumes polling them.

Jobs are keyed by the unit's cache key (its content address), so two identical units of a book share one job,
and a unit that comes back after an edit is undone finds its old job (and maybe its audio) again. Messages
are stored as the engines produced them (they scrub tokens and secrets) and redacted once more here.

Only the scheduler's loop thread writes through a ``JobStore``; readers (``studio status``, the GUI) open their
own connection and always see whole transactions.
"""

from __future__ import annotations

import enum
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from studio.core.book import Book, VoiceSettings
from studio.core.errors import EngineError, StudioError
from studio.core.project import Project
from studio.engines.registry import DurableEngines, RetentionSeconds
from studio.logsetup import redact
from studio.render.plan import AudioRequestOptions, RenderPlan, RenderUnit, paragraph_keys, params_key


class JobState(enum.StrEnum):
    QUEUED = "queued"
    SUBMITTED = "submitted"
    RUNNING = "running"
    DOWNLOADING = "downloading"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


#: States in which the vendor holds a task for the job (its id is in ``task_id``).
LIVE_STATES = frozenset({JobState.SUBMITTED, JobState.RUNNING, JobState.DOWNLOADING})
FINAL_STATES = frozenset({JobState.DONE, JobState.FAILED, JobState.CANCELLED})

MESSAGE_LIMIT = 2000


@dataclass(frozen=True)
class JobRecord:
    """One ``render_job`` row as the scheduler and ``studio status`` see it."""

    cache_key: str
    engine: str
    voice: str
    characters: int
    paragraphs: int
    params_key: str
    paragraph_keys: tuple[str, ...]
    target_chars: int | None
    state: JobState
    task_id: str | None
    submitted_at: float | None
    attempts: int
    error_type: str | None
    error_code: str | None
    error_message: str | None
    updated_at: float

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> JobRecord:
        keys = row.get("paragraph_keys") or "[]"
        return cls(cache_key=row["cache_key"], engine=row["engine"], voice=row["voice"],
                   characters=int(row["characters"]), paragraphs=int(row.get("paragraphs") or 1),
                   params_key=row.get("params_key") or "",
                   paragraph_keys=tuple(json.loads(keys) if isinstance(keys, str) else keys),
                   target_chars=row.get("target_chars"), state=JobState(row["state"]), task_id=row.get("task_id"),
                   submitted_at=row.get("submitted_at"), attempts=int(row.get("attempts") or 0),
                   error_type=row.get("error_type"), error_code=row.get("error_code"),
                   error_message=row.get("error_message"), updated_at=float(row.get("updated_at") or 0.0))


def error_fields(error: BaseException | None) -> dict[str, Any]:
    """The error columns for ``error`` (type, vendor code, message), or all empty for None."""
    if error is None:
        return {"error_type": None, "error_code": None, "error_message": None}
    code = getattr(error, "vendor_code", None) if isinstance(error, EngineError) else None
    message = redact(str(error) if isinstance(error, StudioError) else f"{type(error).__name__}: {error}")
    return {"error_type": type(error).__name__, "error_code": None if code is None else str(code),
            "error_message": message[:MESSAGE_LIMIT]}


class JobStore:
    """The scheduler's view of the jobs: an in-memory mirror, changed only through committed writes."""

    def __init__(self, project: Project, *, wall: Callable[[], float] = time.time) -> None:
        self.project = project
        self._wall = wall
        self._jobs: dict[str, JobRecord] = {}

    def load(self) -> dict[str, JobRecord]:
        self._jobs = {row["cache_key"]: JobRecord.from_row(row) for row in self.project.render_jobs()}
        return dict(self._jobs)

    def get(self, cache_key: str) -> JobRecord:
        return self._jobs[cache_key]

    def __contains__(self, cache_key: object) -> bool:
        return cache_key in self._jobs

    def ensure(self, units: Iterable[RenderUnit], *, cached: set[str], target_chars: int | None = None) -> None:
        """Create the jobs of ``units`` that do not exist yet and mark the ``cached`` ones done (two
        transactions), then reload the mirror."""
        rows = [{"cache_key": u.cache_key, "engine": u.engine, "voice": u.request.voice, "characters": u.characters,
                 "paragraphs": len(u.request.paragraphs), "params_key": params_key(u.engine, u.request),
                 "paragraph_keys": paragraph_keys(u.request), "target_chars": target_chars,
                 "state": JobState.DONE.value if u.cache_key in cached else JobState.QUEUED.value}
                for u in units if u.cache_key not in self._jobs]
        if rows:
            self.project.add_render_jobs(rows, now=self._wall())
        stale = [key for key in cached if key in self._jobs and self._jobs[key].state is not JobState.DONE]
        if stale:
            self.project.mark_render_jobs_done(stale, now=self._wall())
        self.load()

    def remember_plan(self, units: Iterable[RenderUnit]) -> None:
        self.project.replace_render_plan((u.cache_key, u.chapter_index, u.paragraph_index,
                                          len(u.request.paragraphs)) for u in units)

    def update(self, cache_key: str, **fields: Any) -> JobRecord:
        """Commit ``fields`` (state as ``JobState`` or str, task id, attempts, error columns) for one job."""
        if "state" in fields:
            fields["state"] = JobState(fields["state"]).value
        now = self._wall()
        self.project.update_render_job(cache_key, now=now, **fields)
        record = self._jobs[cache_key]
        values = dict(fields)
        if "state" in values:
            values["state"] = JobState(values["state"])
        updated = replace(record, **values, updated_at=now)
        self._jobs[cache_key] = updated
        return updated

    def submitted(self, cache_key: str, task_id: str, attempts: int) -> JobRecord:
        """The vendor accepted the job: its task id is committed before anything else happens."""
        return self.update(cache_key, state=JobState.SUBMITTED, task_id=task_id, submitted_at=self._wall(),
                           attempts=attempts, **error_fields(None))

    def finish(self, unit: RenderUnit, *, audio_file: str, sample_rate: int, duration_ms: int,
               timestamps: dict[str, Any]) -> JobRecord:
        """The verified audio is in place: commit it and the job's ``done`` together."""
        now = self._wall()
        take = None  # one-paragraph units are takes of their paragraph (titles and grouped units are not)
        if unit.paragraph_index >= 0 and len(unit.paragraphs) == 1 and unit.written:
            take = (unit.chapter_index, unit.paragraph_index, unit.written[0])
        self.project.finish_render_job(unit.cache_key, now=now, engine=unit.engine, voice=unit.request.voice,
                                       audio_file=audio_file, sample_rate=sample_rate, duration_ms=duration_ms,
                                       timestamps=timestamps, take=take)
        updated = replace(self._jobs[unit.cache_key], state=JobState.DONE, updated_at=now, **error_fields(None))
        self._jobs[unit.cache_key] = updated
        return updated


#: Engines whose task ids stay valid at the vendor after the app exits, and how long the vendors keep a task
#: and its audio (from submission): live views of each engine's ``EngineTraits``.
DURABLE_ENGINES = DurableEngines()
RETENTION_S = RetentionSeconds()
#: Resubmit a little before the vendor forgets: a task could finish, and its link expire, mid-download.
RETENTION_MARGIN_S = 3600.0


def task_alive(job: JobRecord, now: float, *, retention: dict[str, float] | None = None,
               margin_s: float = RETENTION_MARGIN_S) -> bool:
    """Whether ``job``'s vendor task can still be polled and downloaded (so resubmitting would re-bill)."""
    if not job.task_id or job.engine not in DURABLE_ENGINES or job.submitted_at is None:
        return False
    keep = (retention or RETENTION_S).get(job.engine)
    return keep is None or now - job.submitted_at < keep - margin_s


class ProjectKnownUnits:
    """``KnownUnits`` from a project: units with audio, with a live vendor task, or planned with this target.

    Loaded once (a few small columns per job), so planning a long book asks the database nothing per paragraph.
    """

    def __init__(self, project: Project, *, target_chars: int | None, now: float | None = None) -> None:
        now = time.time() if now is None else now
        self._rendered = project.rendered_keys()
        self._runs: dict[tuple[str, str], list[tuple[str, ...]]] = {}
        self._single: set[str] = set()
        for row in project.render_jobs():
            job = JobRecord.from_row(row)
            if not job.paragraph_keys or not job.params_key:
                continue
            # A failed job keeps its task id only when the vendor finished it (the download failed): still alive.
            usable = (job.cache_key in self._rendered or task_alive(job, now)
                      or (target_chars is not None and job.target_chars == target_chars))
            if usable:
                self._runs.setdefault((job.params_key, job.paragraph_keys[0]), []).append(job.paragraph_keys)
                if len(job.paragraph_keys) == 1:
                    # A one-paragraph unit's parameters carry no paragraph gap, so its run is filed under other
                    # parameters than the grouped run it sits in: ``has`` is how the planner finds it.
                    self._single.add(job.cache_key)

    def runs_starting_with(self, params_key: str, paragraph_key: str) -> list[tuple[str, ...]]:
        return self._runs.get((params_key, paragraph_key), [])

    def has(self, cache_key: str) -> bool:
        return cache_key in self._rendered or cache_key in self._single


def plan_project(project: Project, book: Book | None = None, *, override: VoiceSettings | None = None,
                 audio: AudioRequestOptions | None = None) -> RenderPlan:
    """``plan_book`` for a project's book, grouping (when ``audio.unit_chars`` asks for it) around the units the
    project already has, so an edit re-renders one unit and a new target size re-renders nothing still valid.

    What ``studio render``, ``studio render --dry-run``, ``studio export`` and the window all plan with. Without
    a unit size every paragraph is a unit of its own, except where the project already has a grouped unit
    (audio, or a task at the vendor): that unit is kept, so switching between grouped and ungrouped renders
    never pays for a text twice.
    """
    from studio.render.grouping import UnitSizing
    from studio.render.plan import plan_book

    book = book if book is not None else project.load_book()
    if audio is None:  # the project's own settings (stored by `studio render --format/--sample-rate`)
        from studio.core.book_settings import read_audio_settings

        stored = read_audio_settings(project)
        audio = AudioRequestOptions(stored.audio_format, stored.sample_rate)
    target = audio.unit_chars if audio is not None else None
    if not target:  # one paragraph per unit, except grouped units the project has audio or a live task for
        return plan_book(book, override=override, audio=audio,
                         known=ProjectKnownUnits(project, target_chars=None))
    return plan_book(book, override=override, audio=audio, sizing=UnitSizing(target_chars=target),
                     known=ProjectKnownUnits(project, target_chars=target))
