"""What the render scheduler does when something goes wrong with a unit: retry, back off, give up, keep the task.

Why a module of its own: these rules are where money is lost or kept (issue 13), and they read best together,
apart from the loop that dispatches work. ``UnitFailures`` is mixed into ``Scheduler`` and runs on its loop
thread like every other handler; it uses the scheduler's lanes, job store, retry policy and events.

The rules, in short:

* **Attempts** are spent by real failures (a submit the vendor refused with an error, a task it failed); when
  they run out the unit fails. **Backoffs** (throttling, lost connections) spend no attempt and have a budget
  of their own, so a throttled burst never abandons paid units (``RetryPolicy``).
* **A finished task is kept.** Failed downloads are retried on their own budget and never resubmitted while
  the vendor keeps the audio; a unit that runs out fails with its task id kept, for the next render to fetch.
* **Our disk is not the vendor.** A local write error stops the render with the real reason and leaves the
  job "downloading" with its task id.
* **Nothing waits forever.** A task past its vendor's deadline is resubmitted once; two units given one task
  id fail the later one; a unit no queue, poll or call in flight will move on is failed.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import random
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from studio.core.errors import (
    AuthError,
    EngineError,
    InputError,
    LocalStorageError,
    QuotaError,
    RetryableEngineError,
    TaskExpiredError,
    ThrottledError,
)
from studio.render.events import ProgressTracker
from studio.render.job_store import JobState, JobStore, error_fields
from studio.render.lanes import Lane, Phase, UnitJob
from studio.render.plan import RenderUnit
from studio.render.retry import RetryPolicy, is_backoff

log = logging.getLogger("studio.render")


class UnitFailures:
    """The scheduler's failure rules (see the module docstring); ``Scheduler`` provides the state below."""

    lanes: dict[str, Lane]
    jobs: dict[str, UnitJob]
    store: JobStore
    retry: RetryPolicy
    rng: random.Random
    clock: Callable[[], float]
    tracker: ProgressTracker
    failures: dict[str, EngineError]

    def _emit(self, unit: RenderUnit | None, state: str, message: str = "", **details: Any) -> None:
        raise NotImplementedError

    def _halt(self, reason: BaseException) -> None:
        raise NotImplementedError

    def _cancel_job(self, job: UnitJob) -> None:
        raise NotImplementedError

    def _attempt_failed(self, job: UnitJob, error: EngineError, attempts: int, *, stage: str) -> None:
        """A submit failed, or the vendor's task did: submit again later, or give the unit up."""
        lane = self.lanes[job.unit.engine]
        self.tracker.running.discard(job.key)
        job.task_id, job.poll = None, None
        if isinstance(error, (AuthError, QuotaError)):
            self.store.update(job.key, state=JobState.QUEUED, task_id=None, submitted_at=None, attempts=attempts,
                              **error_fields(error))
            job.phase = Phase.WAITING
            self._emit(job.unit, JobState.QUEUED.value, str(error), **error_details(error), attempts=attempts)
            self._halt(located_error(error, job.unit))
            return
        if not error.retryable or attempts >= self.retry.max_attempts:
            self._give_up(job, error, attempts)
            return
        now = self.clock()
        delay = self.retry.delay(error, attempts, self.rng)
        if isinstance(error, ThrottledError) and stage == "submit":
            lane.submit_blocked_until = max(lane.submit_blocked_until, now + delay)
        log.info("retrying %s of %s (%s) in %.1fs after %s (attempt %d)", stage, job.key[:12], job.unit.location,
                 delay, error, attempts)
        self.store.update(job.key, state=JobState.QUEUED, task_id=None, submitted_at=None, attempts=attempts,
                          **error_fields(error))
        job.not_before = now + delay
        lane.enqueue(job, now)
        self._emit(job.unit, "retrying", str(error), **error_details(error), attempts=attempts)
        if job.cancel_requested:
            self._cancel_job(job)

    def _fetch_failed(self, job: UnitJob, error: EngineError) -> None:
        """A download failed or did not verify. The vendor still holds the audio, so it is downloaded again
        (never submitted again) until the download budget is spent; then the unit fails but keeps its task."""
        lane = self.lanes[job.unit.engine]
        record = self.store.get(job.key)
        if isinstance(error, TaskExpiredError):  # the vendor forgot the task: the only case to pay again
            self._attempt_failed(job, error, record.attempts, stage="download")
            return
        if isinstance(error, (AuthError, QuotaError)):
            record = self.store.update(job.key, **error_fields(error))
            lane.ready_for_download(job)  # stays "downloading" with its task id for the next render
            self._emit(job.unit, record.state.value, str(error), task_id=job.task_id or "",
                       **error_details(error), attempts=record.attempts)
            self._halt(located_error(error, job.unit))
            return
        if is_backoff(error):
            job.backoffs += 1
            failures = job.backoffs
            exhausted = job.backoffs > self.retry.max_backoffs
        else:
            job.fetch_failures += 1
            failures = job.fetch_failures
            exhausted = not error.retryable or job.fetch_failures >= self.retry.max_attempts
        if exhausted:
            self._give_up(job, error, record.attempts, keep_task=True)
            return
        now = self.clock()
        delay = self.retry.delay(error, failures, self.rng)
        log.info("retrying download of %s (%s) in %.1fs after %s (failure %d)", job.key[:12], job.unit.location,
                 delay, error, failures)
        record = self.store.update(job.key, **error_fields(error))
        job.not_before = now + delay
        lane.ready_for_download(job)
        self._emit(job.unit, record.state.value, f"download failed, trying again: {error}", task_id=job.task_id or "",
                   **error_details(error), attempts=record.attempts)

    def _save_failed(self, job: UnitJob, error: LocalStorageError) -> None:
        """Our disk refused the audio (full, no permission): the vendor's task is fine, so the job stays
        "downloading" with its task id, and the render stops with the real reason. The next run downloads it."""
        log.error("cannot save the audio of %s (%s): %s", job.key[:12], job.unit.location, error)
        with contextlib.suppress(OSError, sqlite3.Error):  # the database may be on the same full disk
            record = self.store.update(job.key, **error_fields(error))
            self._emit(job.unit, record.state.value, str(error), task_id=job.task_id or "",
                       error_type=type(error).__name__, attempts=record.attempts)
        self.lanes[job.unit.engine].ready_for_download(job)  # not dispatched again: the render is stopping
        self._halt(error)

    def _backed_off(self, job: UnitJob, error: EngineError, *, stage: str) -> None:
        """Throttled, or no answer: wait and submit again without spending an attempt (``RetryPolicy``)."""
        lane = self.lanes[job.unit.engine]
        job.backoffs += 1
        record = self.store.get(job.key)
        if job.backoffs > self.retry.max_backoffs:
            log.warning("%s backed off %d times in a row; stopping", job.unit.location, job.backoffs)
            record = self.store.update(job.key, state=JobState.QUEUED, **error_fields(error))
            job.phase = Phase.WAITING
            self._emit(job.unit, record.state.value, str(error), **error_details(error), attempts=record.attempts)
            self._halt(located_error(error, job.unit))
            return
        now = self.clock()
        delay = self.retry.delay(error, job.backoffs, self.rng)
        if isinstance(error, ThrottledError):
            lane.submit_blocked_until = max(lane.submit_blocked_until, now + delay)
        log.info("%s of %s (%s) backed off for %.1fs: %s", stage, job.key[:12], job.unit.location, delay, error)
        record = self.store.update(job.key, state=JobState.QUEUED, **error_fields(error))
        job.not_before = now + delay
        lane.enqueue(job, now)
        self._emit(job.unit, "retrying", str(error), **error_details(error), attempts=record.attempts)
        if job.cancel_requested:
            self._cancel_job(job)

    def _give_up(self, job: UnitJob, error: EngineError, attempts: int, *, keep_task: bool = False) -> None:
        """The unit fails. ``keep_task``: the vendor finished it (only the download failed), so its task id stays
        in the project and the next render downloads the audio instead of paying for it again."""
        task_id = job.task_id if keep_task else None
        located = located_error(error, job.unit, kept_task=task_id)
        if error.retryable:
            log.warning("giving up on %s after %d attempts: %s", job.unit.location, attempts, error)
        fields: dict[str, Any] = {} if task_id else {"task_id": None, "submitted_at": None}
        record = self.store.update(job.key, state=JobState.FAILED, attempts=attempts, **fields,
                                   **error_fields(located))
        job.phase = Phase.FINAL
        self.failures[job.key] = located
        self.tracker.failed.add(job.key)
        self.tracker.running.discard(job.key)
        self._emit(job.unit, record.state.value, str(located), task_id=task_id or "", **error_details(error),
                   attempts=attempts)

    # -- lost and stuck tasks ------------------------------------------------------------------------
    def _task_owner(self, lane: Lane, task_id: str) -> UnitJob | None:
        """The unfinished unit of this render that already holds ``task_id`` at this engine, if any."""
        owner = lane.live.get(task_id)
        if owner is not None:
            return owner
        return next((other for other in self.jobs.values() if other.task_id == task_id
                     and other.unit.engine == lane.name and other.phase in (Phase.READY, Phase.FETCHING)), None)

    def _duplicate_task(self, job: UnitJob, task_id: str, owner: UnitJob, attempts: int) -> None:
        """Two units answered to by one task id cannot be told apart (a vendor bug, an id resumed twice): the
        unit that came second fails with a clear message; the first keeps the task and the render goes on."""
        error = EngineError(f"{job.unit.engine} gave task id {task_id!r} to this unit, but {owner.unit.location} "
                            "already has a task with that id; the unit is not rendered (render again to retry it)")
        log.error("duplicate task id %s: %s and %s", task_id, job.unit.location, owner.unit.location)
        self.tracker.running.discard(job.key)
        job.task_id, job.poll = None, None
        self._give_up(job, error, attempts)

    def _overdue(self, job: UnitJob, lane: Lane) -> None:
        """The vendor still runs the task past its deadline: report it and submit it again, once."""
        assert job.task_id is not None and job.poll is not None
        task_id, hours = job.task_id, lane.task_deadline_s / 3600
        del lane.live[task_id]
        record = self.store.get(job.key)
        if job.overdue:
            error: EngineError = EngineError(
                f"{lane.name} task {task_id} was still running after {hours:g} h, for the second time; "
                "the unit is given up (render again to retry it)")
            self._give_up(job, error, record.attempts)
            return
        job.overdue = True
        log.warning("%s task %s of %s still running after %g h: submitting it again", lane.name, task_id,
                    job.unit.location, hours)
        error = RetryableEngineError(f"{lane.name} task {task_id} was still running after {hours:g} h (the vendor "
                                     "finishes within that time); submitted again")
        self._attempt_failed(job, error, min(record.attempts, self.retry.max_attempts - 1), stage="task")

    def _fail_orphans(self) -> None:
        """A safety net under every wait: an unfinished unit that no queue, poll or call in flight will move on
        (a bookkeeping bug) is failed with a clear message instead of leaving the render waiting forever."""
        for job in self.jobs.values():
            lane = self.lanes[job.unit.engine]
            lost = ((job.phase is Phase.LIVE and (job.task_id is None or lane.live.get(job.task_id) is not job))
                    or (job.phase is Phase.SUBMITTING and lane.submitting == 0)
                    or (job.phase is Phase.FETCHING and lane.fetching == 0))
            if lost:
                log.error("%s (%s) was lost by the scheduler in phase %s", job.key[:12], job.unit.location,
                          job.phase.value)
                error = EngineError(f"the render lost track of this unit (task {job.task_id or 'none'}, "
                                    f"{job.phase.value}); render again to retry it")
                self._give_up(job, error, self.store.get(job.key).attempts, keep_task=job.phase is Phase.LIVE)

    def _crashed(self, job: UnitJob, exc: BaseException, stage: str) -> None:
        """A bug or an unexpected error in a worker: reported on the unit and in the log, and the render stops."""
        log.error("%s of %s (%s) crashed", stage, job.key[:12], job.unit.location, exc_info=exc)
        record = self.store.update(job.key, state=JobState.FAILED, attempts=self.store.get(job.key).attempts + 1,
                                   **error_fields(exc))
        job.phase = Phase.FINAL
        self.tracker.failed.add(job.key)
        self._emit(job.unit, record.state.value, f"{type(exc).__name__}: {exc}", error_type=type(exc).__name__,
                   attempts=record.attempts)
        self._halt(exc)


def error_details(error: BaseException) -> dict[str, Any]:
    code = getattr(error, "vendor_code", None)
    return {"vendor_code": "" if code is None else str(code), "error_type": type(error).__name__}


def located_error(exc: EngineError, unit: RenderUnit, *, kept_task: str | None = None) -> EngineError:
    """The same error, saying which chapter, paragraph and voice it happened in (1-based for people), and
    that the unit's vendor task is kept (``kept_task``), so the user knows the next render pays nothing."""
    kept = (f"; its vendor task {kept_task} is kept, and the next render fetches it instead of paying again"
            if kept_task else "")
    if isinstance(exc, InputError) or (str(exc).startswith("chapter ") and not kept):
        return exc
    text = exc.args[0] if exc.args else str(exc)
    where = "" if str(text).startswith("chapter ") else f"{unit.location}: "
    located = type(exc).__new__(type(exc))
    EngineError.__init__(located, f"{where}{text}{kept}")
    located.vendor_code = exc.vendor_code
    located.vendor_message = exc.vendor_message
    with contextlib.suppress(AttributeError):
        located.__dict__.update({k: v for k, v in exc.__dict__.items() if k not in located.__dict__})
    return located


def storage_error(exc: BaseException, path: Path | None) -> LocalStorageError | None:
    """``exc`` as a ``LocalStorageError`` when it is this machine refusing a write (disk or database full, no
    permission, read-only), else None. Network errors are ``OSError`` too: they have no errno of the disk kind."""
    if isinstance(exc, LocalStorageError):
        return exc
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc).lower()
        if "full" in text:
            return LocalStorageError(f"No space left on device: {path} ({exc})", path=path)
        if "readonly" in text or "disk i/o" in text:
            return LocalStorageError(f"cannot save the project ({exc}): {path}", path=path)
        return None
    if isinstance(exc, OSError) and exc.errno in STORAGE_ERRNOS:
        return LocalStorageError.from_os_error(exc, exc.filename or path)
    return None


STORAGE_ERRNOS = frozenset(getattr(errno, name) for name in ("ENOSPC", "EDQUOT", "EACCES", "EPERM", "EROFS",
                                                               "EFBIG", "EIO", "ENOENT") if hasattr(errno, name))
