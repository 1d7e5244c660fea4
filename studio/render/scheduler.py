"""The render scheduler: every unit of a plan from queued to done, durably, within each vendor's limits.

How it runs: one loop on the caller's thread decides; a ``WorkerPool`` executes (submits, poll rounds,
downloads run concurrently on it) and each finished call wakes the loop through a queue. Only the loop touches
the project database and emits events, so every event follows the commit it reports, and nothing needs a lock.

What it guarantees (docs/decisions/0004-render-engine.md):

* **Nothing paid for is lost.** A vendor task id is committed as soon as ``submit`` returns, before the task is
  polled and before the next paid submission starts (``SchedulerConfig.submit_width``); a download is verified,
  moved into the cache and committed together with ``done``. Reopening the project polls the tasks it finds
  (units whose vendor retention has passed, and offline-engine tasks, are submitted again).
* **Limits are kept.** Per engine: tasks at the vendor (``max_running``), requests per second (a token bucket;
  an Alibaba poll costs one request per task, a Baidu query one per 200 ids), download slots.
* **Polling adapts** (``studio.render.polling``); Baidu tasks are asked about together, all of them in each query.
* **Failures are bounded.** Retryable errors are retried with jittered exponential backoff (``RetryPolicy``);
  throttling and lost connections back off without spending an attempt (a throttled burst must not abandon
  paid units) and also pause that engine's submissions. Bad input fails the unit at once with its chapter,
  paragraph and voice; other units go on, and the first failure is raised at the end. Credential and quota
  errors stop the render (every unit would fail). A task still running past its vendor's deadline (Alibaba
  documents 3 h) is reported and submitted again once; two tasks answering to one id fail the later unit; and
  a unit the loop lost track of is failed, so no wait is unbounded.
* **A finished task is never thrown away.** Its download is retried (never resubmitted while the vendor keeps
  the audio); a unit that runs out of download attempts fails but keeps its task id, and the next render
  downloads it before it submits anything. A local error while saving (disk full, permission) is not the
  vendor's: the render stops with the real reason (``LocalStorageError``) and the task stays for the next run.
* **Control.** ``RenderControl``: pause (no new submissions), resume, cancel one unit or all. A cancelled or
  interrupted render leaves its vendor tasks in the project for the next one.

Why one module of ~650 lines (over the house's ~450): it is one decision loop, and its guarantees (nothing
paid for is lost, one commit before each event) are invariants over the whole loop that a reader must be able
to check in one place. Everything that does not decide already lives beside it: ``lanes`` (per-vendor limits),
``retry``, ``polling``, ``events``, ``pool``, ``job_store``, ``unit_failures``, ``render_lock``.
"""

from __future__ import annotations

import logging
import math
import os
import queue
import random
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from studio.core.errors import (
    AuthError,
    CancelledError,
    EngineError,
    LocalStorageError,
    QuotaError,
    RetryableEngineError,
)
from studio.core.project import DB_NAME, Project
from studio.engines.base import Engine, SynthesisResult, TaskState, TaskStatus
from studio.render.control import RenderControl
from studio.render.cost import billable_characters
from studio.render.events import ProgressCallback, ProgressTracker
from studio.render.job_store import DURABLE_ENGINES, LIVE_STATES, JobState, JobStore, task_alive
from studio.render.lanes import Lane, LaneStats, Phase, SchedulerConfig, UnitJob
from studio.render.listen_order import listen_first_head, start_order
from studio.render.plan import RenderPlan, RenderUnit
from studio.render.polling import SCOUTS, PollClock, expected_poll, first_poll, next_poll, observe_finish
from studio.render.pool import WorkerPool
from studio.render.render_lock import RenderLock
from studio.render.retry import RetryPolicy, is_backoff
from studio.render.unit_failures import UnitFailures, storage_error
from studio.render.verify import compress_download, unit_timestamps, verify_audio

log = logging.getLogger("studio.render")

#: Longest sleep of the loop: how quickly a plain ``threading.Event`` cancel is noticed.
MAX_SLEEP_S = 0.25
#: How often the loop checks that every unfinished unit is somewhere it will be moved on from.
ORPHAN_CHECK_S = 1.0


@dataclass(frozen=True)
class Finished:
    """A unit's audio, as the scheduler hands it back."""

    unit: RenderUnit
    audio_path: Path
    sample_rate: int
    duration_ms: int
    timestamps: dict[str, Any]


@dataclass(frozen=True)
class _Downloaded:
    path: Path  # the staged file to move into the cache: FLAC, or the WAV if it could not be compressed
    result: SynthesisResult
    duration_ms: int
    sample_rate: int
    timestamps: dict[str, Any]


class Scheduler(UnitFailures):
    """Runs one plan; ``run`` returns the audio of every distinct unit or raises (see the module docstring).

    What it does after a failure (retry, back off, give up, keep the task) is in ``UnitFailures``."""

    def __init__(self, plan: RenderPlan, project: Project, engines: Callable[[str], Engine], *, pool: WorkerPool,
                 config: SchedulerConfig | None = None, retry: RetryPolicy | None = None,
                 progress: ProgressCallback | None = None, cancel: threading.Event | None = None,
                 control: RenderControl | None = None, prices: dict[str, float] | None = None,
                 clock: Callable[[], float] = time.monotonic, wall: Callable[[], float] = time.time,
                 rng: random.Random | None = None) -> None:
        self.plan = plan
        self.project = project
        self.pool = pool
        self.config = config or SchedulerConfig()
        self.retry = retry or RetryPolicy()
        self.cancel = cancel or threading.Event()
        self.control = control or RenderControl()
        self.clock = clock
        self.wall = wall
        self.rng = rng or random.Random()
        self.store = JobStore(project, wall=wall)
        self._engines = engines
        self._progress = progress
        self._inbox: queue.SimpleQueue[tuple[Callable[..., None], Any, Future[Any]] | None] = queue.SimpleQueue()
        self._wake = lambda: self._inbox.put(None)
        self.lanes: dict[str, Lane] = {}
        self.jobs: dict[str, UnitJob] = {}
        self.finished: dict[str, Finished] = {}
        self.failures: dict[str, EngineError] = {}
        self.cancelled: set[str] = set()
        self._paid_submitting = 0
        self._stop: BaseException | None = None
        self._stop_deadline = math.inf
        self._paused_reported = False
        self._next_wake = math.inf
        self._next_orphan_check = 0.0
        # Units resumed from an earlier render whose tasks may have finished: until the vendor answered about
        # each and the finished ones are downloaded, nothing new is submitted (a disk that is still full
        # stops the render before it pays for anything new).
        self._resume_pending: set[str] = set()
        distinct: dict[str, RenderUnit] = {}
        for unit in plan.units:
            distinct.setdefault(unit.cache_key, unit)
        self._distinct = distinct
        self.tracker = ProgressTracker(plan.units, {k: billable_characters(u) for k, u in distinct.items()},
                                       prices, clock=clock)

    # -- the whole run -------------------------------------------------------------------------------
    def run(self) -> dict[str, Finished]:
        with RenderLock(self.project.folder):
            self.control.subscribe(self._wake)
            try:
                self._prepare()
                self._loop()
            finally:
                self.control.unsubscribe(self._wake)
        self._emit(None, "finished")
        if self._stop is not None:
            raise self._stop
        failed = [key for key in self._distinct if key in self.failures]
        if failed:
            raise self.failures[failed[0]]
        if self.cancelled:
            raise CancelledError(f"{len(self.cancelled)} unit(s) cancelled")
        return self.finished

    def stats(self) -> dict[str, LaneStats]:
        return {name: lane.stats for name, lane in self.lanes.items()}

    # -- start: what is cached, what resumes, what waits ----------------------------------------------
    def _prepare(self) -> None:
        self.store.load()
        cached: set[str] = set()
        for key, unit in self._distinct.items():
            stored = self.project.rendered_unit(key)
            if stored is not None and _audio_ok(stored["audio_path"]):
                cached.add(key)
                self.finished[key] = Finished(unit, stored["audio_path"], stored["sample_rate"],
                                              stored["duration_ms"], stored["timestamps"])
        target = self.plan.sizing.target_chars if self.plan.sizing is not None else None
        self.store.ensure(self._distinct.values(), cached=cached, target_chars=target)
        if self.config.remember_plan:
            self.store.remember_plan(self.plan.units)
        for key in cached:
            self.tracker.mark_cached(key)
        now, wall = self.clock(), self.wall()
        head = (listen_first_head(list(self._distinct.values()), self.config.listen_first_chars)
                if self.config.order == "listen_first" else set())
        resumed: list[UnitJob] = []
        for position, (key, unit) in enumerate(self._distinct.items()):
            if key in cached:
                continue
            self.tracker.mark_to_render(key)
            order = start_order(unit, position, self.config.order, head)
            job = self.jobs[key] = UnitJob(unit, order)
            lane = self._lane(unit.engine)
            record = self.store.get(key)
            if record.task_id and task_alive(record, wall) and record.task_id in lane.live:
                self._duplicate_task(job, record.task_id, lane.live[record.task_id], record.attempts)
                continue
            if record.task_id and task_alive(record, wall):
                # A failed unit keeps its task id only when the vendor finished it (its download failed): the
                # audio is still there, so ask and download instead of paying again.
                job.task_id, job.resumed = record.task_id, True
                job.poll = PollClock(now - (wall - (record.submitted_at or wall)), unit.characters)
                job.poll.next_at = now  # ask at once: it may have finished while the app was closed
                job.phase = Phase.LIVE
                lane.live[record.task_id] = job
                if record.state not in LIVE_STATES:
                    reset = {"attempts": 0} if record.state is JobState.FAILED else {}  # a new render, a new chance
                    self.store.update(key, state=JobState.SUBMITTED, **reset)
                resumed.append(job)
                self._resume_pending.add(key)
                continue
            fields: dict[str, Any] = {}
            if record.task_id:
                why = ("offline tasks do not survive a restart" if unit.engine not in DURABLE_ENGINES
                       else "the vendor no longer keeps this task")
                log.info("resubmitting %s (%s): %s", key[:12], unit.location, why)
                fields.update(task_id=None, submitted_at=None)
            if record.state in (JobState.FAILED, JobState.CANCELLED):
                fields["attempts"] = 0  # a new render is a new chance
            if record.state is not JobState.QUEUED or fields:
                self.store.update(key, state=JobState.QUEUED, **fields)
            lane.enqueue(job, now)
        self._emit(None, "planned")
        for job in resumed:
            record = self.store.get(job.key)
            self._emit(job.unit, record.state.value, "resuming the vendor task", task_id=job.task_id or "",
                       attempts=record.attempts)

    def _lane(self, engine: str) -> Lane:
        lane = self.lanes.get(engine)
        if lane is None:
            lane = self.lanes[engine] = Lane(engine, self._engines(engine), self.config)
        return lane

    # -- the loop ------------------------------------------------------------------------------------
    def _loop(self) -> None:
        while True:
            now = self.clock()
            if self._stop is None and (self.cancel.is_set() or self.control.cancelled_all):
                self._halt(CancelledError("render cancelled"))
            self._apply_cancellations()
            in_flight = sum(lane.in_flight for lane in self.lanes.values())
            if self._stop is not None:
                if not in_flight or now >= self._stop_deadline:
                    self._abandon()
                    return
            elif not in_flight and all(job.phase is Phase.FINAL for job in self.jobs.values()):
                return
            self._next_wake = math.inf
            if self._stop is None and now >= self._next_orphan_check:
                self._next_orphan_check = now + ORPHAN_CHECK_S
                self._fail_orphans()
            if self._resume_pending:
                self._resume_pending = {key for key in self._resume_pending
                                        if _awaiting_resume(self.jobs[key])}
            if self._stop is None:
                self._report_pause()
                for lane in self.lanes.values():
                    self._dispatch(lane, now)
            timeout = min(MAX_SLEEP_S, max(0.0, self._next_wake - self.clock()))
            try:
                item = self._inbox.get(timeout=timeout) if timeout > 0 else self._inbox.get_nowait()
                while True:
                    if item is not None:  # None only wakes the loop (a control change)
                        handler, arg, future = item
                        self._handle(handler, arg, future)
                    item = self._inbox.get_nowait()
            except queue.Empty:
                continue

    def _handle(self, handler: Callable[[Any, Future[Any]], None], arg: Any, future: Future[Any]) -> None:
        """Run one result handler; a full disk or a refused write while committing stops the render with the
        real reason (the database rolled the write back, so every task id committed before is still there)."""
        try:
            handler(arg, future)
        except (OSError, sqlite3.OperationalError) as exc:
            storage = storage_error(exc, self.project.folder / DB_NAME)
            if storage is None:
                raise
            log.error("saving the render's state failed: %s", storage)
            self._halt(storage)

    def _halt(self, reason: BaseException) -> None:
        """Start nothing new; let what is in flight finish (its results are committed) for a while."""
        if self._stop is None:
            self._stop = reason
            self._stop_deadline = self.clock() + self.config.drain_timeout_s
            log.info("render stopping: %s", reason)

    def _abandon(self) -> None:
        """After a stop: vendor tasks stay in the project for the next render to poll; offline tasks die with
        the engine, so their units go back to the queue."""
        for job in self.jobs.values():
            lane = self.lanes[job.unit.engine]
            if job.phase is Phase.FINAL or job.task_id is None or lane.name in DURABLE_ENGINES:
                continue
            cancel_task = getattr(lane.engine, "cancel", None)
            if cancel_task is not None:
                cancel_task(job.task_id)
            lane.live.pop(job.task_id, None)
            job.task_id, job.phase = None, Phase.WAITING
            self.store.update(job.key, state=JobState.QUEUED, task_id=None, submitted_at=None)
            self._emit(job.unit, JobState.QUEUED.value, "the render stopped before the offline task finished")

    def _wait_until(self, moment: float) -> None:
        self._next_wake = min(self._next_wake, moment)

    def _report_pause(self) -> None:
        paused = self.control.paused
        if paused != self._paused_reported:
            self._paused_reported = paused
            self._emit(None, "paused" if paused else "resumed")

    # -- dispatching ---------------------------------------------------------------------------------
    def _dispatch(self, lane: Lane, now: float) -> None:
        self._dispatch_submits(lane, now)
        self._dispatch_polls(lane, now)
        self._dispatch_fetches(lane, now)

    def _dispatch_submits(self, lane: Lane, now: float) -> None:
        if self.control.paused or self._resume_pending:
            return  # woken by the answers and downloads of the resumed tasks
        while lane.running < lane.cap:
            if now < lane.submit_blocked_until:
                self._wait_until(lane.submit_blocked_until)
                return
            if lane.billable and self._paid_submitting >= max(1, self.config.submit_width):
                return  # woken when the submission in flight is committed
            job = lane.next_waiting(now)
            if job is None:
                self._wait_until(lane.next_backoff())
                return
            if not lane.bucket.take(1):
                self._wait_until(now + lane.bucket.wait_s(1))
                return
            lane.pop_waiting()
            job.phase = Phase.SUBMITTING
            lane.submitting += 1
            lane.stats.submits += 1
            if lane.billable:
                self._paid_submitting += 1
            self._run(partial(lane.engine.submit, job.unit.request), self._on_submitted, job)

    def _dispatch_polls(self, lane: Lane, now: float) -> None:
        while lane.live and lane.polls_in_flight < lane.poll_parallel:
            if now < lane.poll_blocked_until:
                self._wait_until(lane.poll_blocked_until)
                return
            idle = [job for job in lane.live.values() if not job.in_poll]
            due = [job for job in idle if job.poll is not None and job.poll.next_at <= now]
            if not due:
                self._wait_until(min((job.poll.next_at for job in idle if job.poll is not None), default=math.inf))
                return
            if lane.batch_ids:
                batch = idle  # one query answers for many ids: ask about every running task
                if not lane.bucket.unlimited:  # ... but never more than the bucket can ever pay for at once
                    most = max(1, int(lane.bucket.burst)) * lane.batch_ids
                    if len(batch) > most:
                        batch = sorted(batch, key=lambda j: j.poll.next_at if j.poll is not None else 0.0)[:most]
                cost = math.ceil(len(batch) / lane.batch_ids)
                if not lane.bucket.take(cost):
                    self._wait_until(now + lane.bucket.wait_s(cost))
                    return
            else:
                due.sort(key=lambda j: j.poll.next_at if j.poll is not None else 0.0)
                chunk = lane.poll_chunk or len(due)
                allowed = min(chunk, len(due), lane.bucket.available())
                if allowed <= 0:
                    self._wait_until(now + lane.bucket.wait_s(1))
                    return
                batch = due[:allowed]
                lane.bucket.take(allowed)
                cost = allowed
            ids = [job.task_id for job in batch if job.task_id]
            for job in batch:
                job.in_poll = True
                if job.poll is not None:
                    job.poll.polls += 1
                    job.poll.sent_at = now
            lane.polls_in_flight += 1
            lane.stats.poll_calls += 1
            lane.stats.poll_requests += cost
            lane.stats.ids_polled += len(ids)
            if lane.batch_ids:
                lane.stats.queries.extend(len(ids[i:i + lane.batch_ids]) for i in range(0, len(ids), lane.batch_ids))
            self._run(partial(lane.engine.poll, ids), self._on_polled, (lane, ids))

    def _dispatch_fetches(self, lane: Lane, now: float) -> None:
        # Downloads hold no vendor slot; submissions do, and paid submissions go one at a time. While a submission
        # could start, downloads wait: they only compete with the submissions that start vendor work (for the
        # CPU and the connection), and a finished task keeps its audio at the vendor for days.
        slots = lane.download_slots
        if not self.control.paused and not self._resume_pending and any(
                self._submit_could_start(other, now) for other in self.lanes.values()):
            slots = 0
        while lane.fetching < slots:
            job = lane.next_download(now)
            if job is None:
                self._wait_until(lane.next_download_at())
                return
            job.phase = Phase.FETCHING
            lane.fetching += 1
            lane.stats.fetches += 1
            staging = self.project.cache_dir / f".staging-{job.key[:16]}-{uuid.uuid4().hex[:8]}.wav"
            job.staging = staging
            assert job.task_id is not None
            self._run(partial(_download, lane.engine, job.task_id, staging, job.unit), self._on_fetched, job)

    def _submit_could_start(self, lane: Lane, now: float) -> bool:
        """Whether ``_dispatch_submits`` would start a submission on ``lane`` right now. A submission held back
        (the one paid submission in flight, an empty rate bucket) must not hold the downloads too: with many
        free slots at a paid vendor that was nearly always the case, and downloads waited behind it."""
        if lane.running >= lane.cap or now < lane.submit_blocked_until or lane.next_waiting(now) is None:
            return False
        if lane.billable and self._paid_submitting >= max(1, self.config.submit_width):
            return False
        return lane.bucket.available() >= 1

    def _run(self, fn: Callable[[], Any], handler: Callable[[Any, Future[Any]], None], arg: Any) -> None:
        future = self.pool.submit(fn)
        future.add_done_callback(lambda done: self._inbox.put((handler, arg, done)))

    # -- results -------------------------------------------------------------------------------------
    def _on_submitted(self, job: UnitJob, future: Future[str]) -> None:
        lane = self.lanes[job.unit.engine]
        lane.submitting -= 1
        if lane.billable:
            self._paid_submitting -= 1
        attempts = self.store.get(job.key).attempts + 1
        try:
            task_id = str(future.result())
        except EngineError as exc:
            if is_backoff(exc):
                self._backed_off(job, exc, stage="submit")
            else:
                self._attempt_failed(job, exc, attempts, stage="submit")
            return
        except Exception as exc:
            self._crashed(job, exc, "submit")
            return
        owner = self._task_owner(lane, task_id)
        if owner is not None:
            self._duplicate_task(job, task_id, owner, attempts)
            return
        job.backoffs = 0
        record = self.store.submitted(job.key, task_id, attempts)  # committed before anything else
        self.tracker.mark_billed(job.key)
        self.tracker.running.add(job.key)
        now = self.clock()
        job.task_id, job.phase, job.resumed = task_id, Phase.LIVE, False
        job.poll = PollClock(now, job.unit.characters)
        first_poll(job.poll, lane.model, lane.poll_range)
        lane.live[task_id] = job
        if not lane.model.samples:
            # Until something finished, the smallest tasks (likely the first to finish) are watched closely.
            fresh = sorted((j for j in lane.live.values() if j.poll is not None and not j.resumed),
                           key=lambda j: j.unit.characters)
            for rank, other in enumerate(fresh):
                assert other.poll is not None
                other.poll.scout = rank < SCOUTS
        self._emit(job.unit, record.state.value, task_id=task_id, attempts=record.attempts)
        if job.cancel_requested:
            self._cancel_job(job)

    def _on_polled(self, arg: tuple[Lane, list[str]], future: Future[dict[str, TaskStatus]]) -> None:
        lane, ids = arg
        lane.polls_in_flight -= 1
        for task_id in ids:
            if task_id in lane.live:
                lane.live[task_id].in_poll = False
        now = self.clock()
        try:
            statuses = future.result()
        except EngineError as exc:
            if isinstance(exc, (AuthError, QuotaError)) or not exc.retryable:
                self._halt(exc)
                return
            if is_backoff(exc):  # throttled or no answer: wait, without counting it as a failed query
                lane.poll_backoffs += 1
                if lane.poll_backoffs > self.retry.max_backoffs:
                    log.warning("%s status queries backed off %d times in a row; stopping", lane.name,
                                lane.poll_backoffs)
                    self._halt(exc)
                    return
                delay = self.retry.delay(exc, lane.poll_backoffs, self.rng)
                lane.poll_blocked_until = max(lane.poll_blocked_until, now + delay)
                log.info("%s status query backed off, asking again in %.1fs: %s", lane.name, delay, exc)
                return
            if now >= lane.poll_blocked_until:
                # One failure per round: queries sent together (a resume asks about many tasks at once) and
                # failing in the same outage count once, so a short blip does not look like a dead vendor.
                lane.poll_failures += 1
            if lane.poll_failures >= self.retry.max_attempts:
                # The vendor keeps failing status queries: stop rather than ask forever. Every task id is in
                # the project, so the next render polls the same tasks without paying again.
                log.warning("%s status query failed %d times in a row; stopping", lane.name, lane.poll_failures)
                self._halt(exc)
                return
            delay = self.retry.delay(exc, lane.poll_failures, self.rng)
            lane.poll_blocked_until = max(lane.poll_blocked_until, now + delay)
            log.info("%s status query failed, asking again in %.1fs: %s", lane.name, delay, exc)
            return
        except Exception as exc:
            log.exception("%s status query crashed", lane.name)
            self._halt(exc)
            return
        lane.poll_failures = lane.poll_backoffs = 0
        for task_id in ids:
            job = lane.live.get(task_id)
            status = statuses.get(task_id)
            if job is None or job.poll is None:
                continue
            job.answered = True  # a resumed unit no longer holds up submissions once its vendor was asked
            if status is None or status.state in (TaskState.QUEUED, TaskState.RUNNING):
                if now - job.poll.submitted_at > lane.task_deadline_s:
                    self._overdue(job, lane)
                    continue
                next_poll(job.poll, lane.model, lane.poll_range, now)
                record = self.store.get(job.key)
                if status is not None and status.state is TaskState.RUNNING and record.state is JobState.SUBMITTED:
                    record = self.store.update(job.key, state=JobState.RUNNING)
                    self._emit(job.unit, record.state.value, task_id=task_id, attempts=record.attempts)
            elif status.state is TaskState.DONE:
                del lane.live[task_id]
                lane.stats.tasks_done += 1
                if not job.resumed:
                    observe_finish(job.poll, lane.model, now)
                    for other in lane.live.values():  # the model learned: bring forward polls it now expects
                        if other.poll is not None and not other.in_poll and not other.resumed:
                            expected_poll(other.poll, lane.model, lane.poll_range, now)
                record = self.store.update(job.key, state=JobState.DOWNLOADING)
                job.not_before = now
                lane.ready_for_download(job)
                self._emit(job.unit, record.state.value, task_id=task_id, attempts=record.attempts)
            else:
                del lane.live[task_id]
                error = status.error or RetryableEngineError(f"{lane.name} task {task_id} failed")
                # The submission that made the task was the attempt: a failed task does not count twice.
                self._attempt_failed(job, error, self.store.get(job.key).attempts, stage="task")

    def _on_fetched(self, job: UnitJob, future: Future[_Downloaded]) -> None:
        lane = self.lanes[job.unit.engine]
        lane.fetching -= 1
        staging = job.staging
        job.staging = None
        if job.cancel_requested or job.phase is Phase.FINAL:
            if staging is not None:
                _discard(staging)
            return
        try:
            downloaded = future.result()
        except EngineError as exc:
            if staging is not None:
                staging.unlink(missing_ok=True)
            self._fetch_failed(job, exc)
            return
        except Exception as exc:
            if staging is not None:
                staging.unlink(missing_ok=True)
            storage = storage_error(exc, staging)
            if storage is not None:
                self._save_failed(job, storage)
            else:
                self._crashed(job, exc, "download")
            return
        assert staging is not None
        name = f"{job.key}{downloaded.path.suffix}"  # .flac (decision 0015); the key alone names the content
        final = self.project.cache_dir / name
        try:
            _flush_to_disk(downloaded.path)  # the audio survives a power cut, not only a killed process,
            os.replace(downloaded.path, final)  # and the file is whole before the database says so
        except OSError as exc:
            _discard(staging)
            self._save_failed(job, storage_error(exc, final) or LocalStorageError.from_os_error(exc, final))
            return
        record = self.store.finish(job.unit, audio_file=name, sample_rate=downloaded.sample_rate,
                                   duration_ms=downloaded.duration_ms, timestamps=downloaded.timestamps)
        job.phase = Phase.FINAL
        self.finished[job.key] = Finished(job.unit, final, downloaded.sample_rate, downloaded.duration_ms,
                                          downloaded.timestamps)
        self.tracker.mark_done(job.key)
        self._emit(job.unit, record.state.value, task_id=job.task_id or "", attempts=record.attempts)

    # -- cancellation --------------------------------------------------------------------------------
    def _apply_cancellations(self) -> None:
        for key in self.control.take_cancelled():
            job = self.jobs.get(key)
            if job is None or job.phase is Phase.FINAL:
                continue
            if job.phase is Phase.SUBMITTING:
                job.cancel_requested = True  # the task id is committed first, then the unit is cancelled
                continue
            self._cancel_job(job)

    def _cancel_job(self, job: UnitJob) -> None:
        lane = self.lanes[job.unit.engine]
        keep_task = job.task_id is not None and lane.name in DURABLE_ENGINES
        if job.task_id is not None:
            lane.live.pop(job.task_id, None)
            if not keep_task:
                cancel_task = getattr(lane.engine, "cancel", None)
                if cancel_task is not None:
                    cancel_task(job.task_id)
        if job.phase is Phase.FETCHING:
            job.cancel_requested = True  # its download result will be dropped
        job.phase = Phase.FINAL
        self.cancelled.add(job.key)
        self.tracker.running.discard(job.key)
        fields: dict[str, Any] = {} if keep_task else {"task_id": None, "submitted_at": None}
        record = self.store.update(job.key, state=JobState.CANCELLED, **fields)
        self._emit(job.unit, record.state.value, "cancelled", task_id=record.task_id or "",
                   attempts=record.attempts)

    # -- events --------------------------------------------------------------------------------------
    def _emit(self, unit: RenderUnit | None, state: str, message: str = "", **details: Any) -> None:
        if self._progress is None:
            return
        event = self.tracker.event(unit, state, message, **details)
        try:
            self._progress(event)
        except Exception:
            log.exception("a render progress listener failed")


def _download(engine: Engine, task_id: str, staging: Path, unit: RenderUnit) -> _Downloaded:
    """Runs on a worker: fetch into the staging file, verify it, compress it losslessly (decision 0015), and map
    its timing onto the paragraphs."""
    try:
        result = engine.fetch(task_id, staging)
        info = verify_audio(staging, result, unit)
        stored = compress_download(staging)
    except BaseException:
        _discard(staging)
        raise
    duration = info.frames * 1000 // info.format.sample_rate
    return _Downloaded(stored, result, duration, info.format.sample_rate, unit_timestamps(unit, result, duration))


def _discard(staging: Path) -> None:
    staging.unlink(missing_ok=True)
    staging.with_suffix(".flac").unlink(missing_ok=True)


def _audio_ok(path: Path) -> bool:
    """A cached file still whole (the header agrees with the size): otherwise it is rendered again."""
    from studio.audio.errors import AudioError
    from studio.audio.wavinfo import read_audio_info

    try:
        return read_audio_info(path).frames > 0
    except AudioError:
        return False


def _awaiting_resume(job: UnitJob) -> bool:
    """A resumed unit the vendor has not answered about yet, or whose finished audio is not downloaded yet."""
    return job.phase in (Phase.READY, Phase.FETCHING) or (job.phase is Phase.LIVE and not job.answered)


def _flush_to_disk(path: Path) -> None:
    """fsync a finished download before it is renamed into the cache and committed: without it, a power cut
    right after the commit could leave the database pointing at an empty file (the rename reaches the disk
    before the data on some file systems)."""
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())
