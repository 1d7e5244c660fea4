"""The offline engine: espeak-ng in worker processes, shaped like the cloud vendors (submit, poll, fetch).

Why processes: espeak-ng has one global engine per process, so parallel synthesis needs one process per
concurrent task. The engine owns a ``ProcessPoolExecutor`` started with *spawn* (safe next to Qt and
threads in the parent, and the only method Windows has); each worker loads espeak once.

Why each task runs in a fork of its worker (where ``os.fork`` exists): espeak's output depends on what the
process synthesized before (the pitch-flutter phase and other state carry over between calls), so the same
text gives slightly different bytes on a used worker. A fork of a worker that has loaded espeak but never
spoken starts from the same state every time, so the same request always gives the same bytes, whichever
worker runs it and in whatever order (cacheable, reproducible renders). A fork costs ~5 ms, and a crash or
hang in espeak then fails one task instead of breaking the whole pool. On Windows (no fork) tasks run in the
worker itself: same speech, not bit-identical across runs.

Audio never travels through pipes: the worker streams the WAV into a scratch file while espeak speaks, and
``fetch`` moves it into place, so memory stays flat however long the unit is.

Why one module of ~500 lines (just over the house's ~450): the pool, the fork-per-task runner and the task
bookkeeping share the crash and timeout handling; what stands alone already lives beside it
(``espeak_binding``, ``local_timing``, ``local_voices``, ``one_shot``).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import select
import shutil
import signal
import tempfile
import threading
import time
import uuid
import wave
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError as FutureCancelledError
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, TypeVar, cast

from studio.core.errors import BadInputError, EngineError, RetryableEngineError
from studio.engines.base import SynthesisRequest, SynthesisResult, TaskState, TaskStatus, Timestamp
from studio.engines.espeak_binding import (
    EspeakError,
    Parameter,
    get_espeak,
    library_paths,
)
from studio.engines.local_timing import paragraph_timestamps
from studio.engines.local_voices import EspeakSettings, espeak_settings, find_local_voice
from studio.engines.traits import CharCounting, EngineTraits, PollRange

if TYPE_CHECKING:
    from studio.engines.registry import EngineOptions

__all__ = ["TRAITS", "LocalEngine", "create"]

log = logging.getLogger("studio.engines.local")

MAX_PARAGRAPH_GAP_MS = 60_000  # a longer "gap" is a typo that would write gigabytes of silence

_T = TypeVar("_T")

#: What render/ plans and schedules by (docs/decisions/0005-engine-traits-and-timing.md). Tasks run in worker
#: processes: more than one per core still pays off (a task also waits for polling and file moves), and the
#: processes run at background priority, so the UI is not slowed.
TRAITS = EngineTraits(
    name="local", display_name="Offline", durable=False, retention_s=None,  # task ids die with the app
    max_chars=None, counting=CharCounting.PLAIN, separator_chars=0,
    batch_query_ids=1 << 30,  # asking is a dictionary lookup: every running task in one call
    default_concurrency=max(4, min(8, 2 * (os.cpu_count() or 2))), max_concurrency=None,
    requests_per_s=None, downloads=16, poll_range=PollRange(0.02, 0.25),
    emotions=False, ssml=False, price_key=None,
    groups_by_default=False,  # espeak runs per paragraph anyway; one paragraph per unit keeps edits cheapest
    audio_options=False,  # one output format (22,050 Hz WAV), so format and rate are not part of a request
)


def create(options: EngineOptions) -> LocalEngine:
    """The engine for a render (``registry`` calls this)."""
    return LocalEngine(workers=options.local_workers)


# --------------------------------------------------------------------------------------------------
# Worker side: everything below runs in the pool's processes.


@dataclass(frozen=True)
class _Job:
    espeak_voice: str
    paragraphs: tuple[str, ...]
    settings: EspeakSettings
    paragraph_gap_ms: int
    out_path: str
    isolate: bool


@dataclass(frozen=True)
class _JobOutput:
    sample_rate: int
    samples: int
    paragraph_offsets_ms: list[int]
    sentences: list[Timestamp]
    words: list[Timestamp]


class _TaskTimedOut(Exception):
    """espeak did not finish within the task's time budget (its forked process was killed)."""


class _TaskCrashed(Exception):
    """The forked process that ran espeak died without a result (e.g. a crash inside the library)."""


_worker_error: EspeakError | None = None


def _init_worker() -> None:
    """Load espeak once per worker; a load failure is kept and reported per task, not as a broken pool."""
    global _worker_error
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        get_espeak()
    except EspeakError as exc:
        _worker_error = exc


def _worker_main(job: _Job) -> _JobOutput:
    if _worker_error is not None:
        raise _worker_error
    if job.isolate:
        budget = 60.0 + 0.02 * sum(len(p) for p in job.paragraphs)
        return _run_in_fork(_render_job, job, timeout=budget)
    return _render_job(job)


def _render_job(job: _Job) -> _JobOutput:
    """Speak every paragraph into one WAV file, with silence between paragraphs, and time everything."""
    espeak = get_espeak()
    espeak.seed(1)
    espeak.set_voice(job.espeak_voice)
    espeak.set_parameter(Parameter.RATE, job.settings.rate)
    espeak.set_parameter(Parameter.PITCH, job.settings.pitch)
    espeak.set_parameter(Parameter.VOLUME, job.settings.volume)
    rate = espeak.sample_rate
    gap = job.paragraph_gap_ms * rate // 1000
    offsets: list[int] = []
    sentences: list[Timestamp] = []
    words: list[Timestamp] = []
    with wave.open(job.out_path, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        out = _PcmOut(wav)
        for index, text in enumerate(job.paragraphs):
            if index and gap:
                out.silence(gap)
            start = out.samples
            offsets.append(start * 1000 // rate)
            # Whitespace-only text gives no audio at all rather than espeak's few samples of nothing.
            events = espeak.synthesize(_speakable(text), out.write) if text.strip() else []
            para_sentences, para_words = paragraph_timestamps(
                text, events, start=start, length=out.samples - start, sample_rate=rate, paragraph=index)
            sentences += para_sentences
            words += para_words
    return _JobOutput(rate, out.samples, offsets, sentences, words)


class _PcmOut:
    """Counts the samples written, so paragraph offsets are exact rather than summed from events."""

    def __init__(self, wav: wave.Wave_write) -> None:
        self._wav = wav
        self.samples = 0

    def write(self, chunk: bytes) -> None:
        self._wav.writeframesraw(chunk)
        self.samples += len(chunk) // 2

    def silence(self, samples: int) -> None:
        block = bytes(2 * min(samples, 1 << 16))
        left = samples
        while left > 0:
            n = min(left, len(block) // 2)
            self.write(block[: 2 * n])
            left -= n


def _speakable(text: str) -> str:
    """Neutralize characters espeak treats as commands, keeping one character per character.

    Control characters (0x01 starts an espeak embedded command, NUL ends the text) become spaces; keeping
    the length unchanged keeps espeak's text positions valid for the original text.
    """
    return "".join(" " if (ord(ch) < 32 and ch not in "\t\n\r") or ch == "\x7f" else ch for ch in text)


def _run_in_fork(fn: Callable[[_Job], _T], job: _Job, *, timeout: float) -> _T:
    """Run ``fn(job)`` in a fork of this (pristine) process and return its result through a pipe."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into the pool's loop
        code = 0
        try:
            os.close(read_fd)
            try:
                payload = pickle.dumps((True, fn(job)))
            except BaseException as exc:
                payload = _pickled_error(exc)
            view = memoryview(payload)
            while view:
                view = view[os.write(write_fd, view):]
        except BaseException:
            code = 70
        finally:
            os._exit(code)
    os.close(write_fd)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                os.kill(pid, signal.SIGKILL)
                raise _TaskTimedOut(f"espeak-ng did not finish within {timeout:.0f} s")
            ready, _, _ = select.select([read_fd], [], [], remaining)
            if ready:
                chunk = os.read(read_fd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        os.close(read_fd)
        _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status) or not chunks:
        how = (f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status)
               else f"exit code {os.waitstatus_to_exitcode(status)}")
        raise _TaskCrashed(f"espeak-ng process died ({how})")
    ok, value = pickle.loads(b"".join(chunks))
    if ok:
        return cast(_T, value)  # the child pickled fn's result: a _T by construction
    raise value


def _pickled_error(exc: BaseException) -> bytes:
    try:
        return pickle.dumps((False, exc))
    except Exception:
        return pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))


# --------------------------------------------------------------------------------------------------
# Parent side.


@dataclass
class _Task:
    future: Future[_JobOutput]
    scratch: Path
    lock: threading.Lock = field(default_factory=threading.Lock)


class LocalEngine:
    """espeak-ng behind the ``Engine`` contract. Thread-safe; owns a pool of worker processes.

    Task ids live only as long as the engine: after a restart an id is unknown, and ``poll``/``fetch``
    report it as a retryable failure so the scheduler simply submits the unit again. ``fetch`` hands the
    audio over once (moving it, so scratch space does not grow with the book); afterwards ``poll`` keeps
    saying DONE and a second ``fetch`` is an error naming where the audio went.

    espeak has one output format, so ``audio_format`` must be "wav" and ``sample_rate`` is only a wish:
    the result always states the rate espeak really produced (22,050 Hz). Emotion spans are ignored;
    espeak has no emotions.
    """

    name = "local"

    def __init__(self, workers: int | None = None, *, isolate_tasks: bool | None = None,
                 scratch_dir: Path | None = None) -> None:
        """``workers`` defaults to the CPU count. ``isolate_tasks`` (default: wherever ``os.fork`` exists)
        runs each task in a fork of a pristine worker for byte-identical output. ``scratch_dir`` is where
        workers write audio before ``fetch`` moves it: on the destination's file system the move is a
        rename."""
        can_fork = hasattr(os, "fork")
        if isolate_tasks and not can_fork:
            raise ValueError("isolate_tasks needs os.fork, which this platform does not have")
        self._workers = max(1, workers or os.cpu_count() or 1)
        self._isolate = can_fork if isolate_tasks is None else isolate_tasks
        self._scratch_parent = scratch_dir
        self._scratch: Path | None = None
        self._executor: ProcessPoolExecutor | None = None
        self._tasks: dict[str, _Task] = {}
        self._fetched: dict[str, Path] = {}  # id -> where it went; a few bytes per unit, kept for poll
        self._lock = threading.Lock()
        self._closed = False

    # -- the Engine contract -------------------------------------------------------------------------

    def submit(self, request: SynthesisRequest) -> str:
        """Validate the request here (bad input fails at once), then queue it on the pool."""
        voice = find_local_voice(request.voice)
        settings = espeak_settings(request.speed, request.pitch, request.volume)
        if request.audio_format is not None and request.audio_format.lower() != "wav":
            raise BadInputError(f"offline engine writes WAV only, not {request.audio_format!r}")
        if not 0 <= request.paragraph_gap_ms <= MAX_PARAGRAPH_GAP_MS:
            raise BadInputError(f"paragraph gap {request.paragraph_gap_ms} ms is out of range "
                                f"(0..{MAX_PARAGRAPH_GAP_MS})")
        task_id = uuid.uuid4().hex
        with self._lock:
            if self._closed:
                raise EngineError("offline engine is closed")
            scratch = self._scratch_dir() / f"{task_id}.wav"
            job = _Job(voice.espeak_name, tuple(request.paragraphs), settings, request.paragraph_gap_ms,
                       str(scratch), self._isolate)
            future, executor = self._submit_locked(job)
            self._tasks[task_id] = _Task(future, scratch)
        future.add_done_callback(lambda done: self._on_done(done, executor, scratch))
        log.debug("submitted %s: %s, %d paragraphs, %d characters", task_id, request.voice,
                  len(request.paragraphs), request.characters)
        return task_id

    def poll(self, task_ids: Sequence[str]) -> dict[str, TaskStatus]:
        with self._lock:
            tasks = {task_id: self._tasks.get(task_id) for task_id in task_ids}
            fetched = {task_id for task_id in task_ids if task_id in self._fetched}
        return {task_id: TaskStatus(task_id, TaskState.DONE) if task_id in fetched else _status(task_id, task)
                for task_id, task in tasks.items()}

    def fetch(self, task_id: str, dest: Path, timeout: float | None = None) -> SynthesisResult:
        """Wait for the task (up to ``timeout`` seconds), move its WAV to ``dest`` atomically, forget it."""
        task = self._task(task_id)
        with task.lock:  # two threads fetching one task must not race for the scratch file
            try:
                output = task.future.result(timeout)
            except FutureCancelledError:
                raise EngineError(f"offline task {task_id} was cancelled") from None
            except TimeoutError:
                raise RetryableEngineError(f"offline task {task_id} is not finished yet") from None
            except Exception as exc:
                raise _engine_error(exc) from exc
            self._task(task_id)  # still ours: not fetched meanwhile, engine not closed
            dest = Path(dest)
            try:
                _install(task.scratch, dest)
            except OSError as exc:
                raise EngineError(f"cannot write {dest}: {exc}") from exc
            with self._lock:
                self._tasks.pop(task_id, None)
                self._fetched[task_id] = dest
        return SynthesisResult(
            audio_path=dest, sample_rate=output.sample_rate, channels=1,
            duration_ms=output.samples * 1000 // output.sample_rate, sentences=output.sentences,
            words=output.words, paragraph_offsets_ms=output.paragraph_offsets_ms)

    def close(self) -> None:
        """Cancel queued tasks, let running ones finish, stop the workers and delete scratch audio."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            executor, self._executor = self._executor, None
            self._tasks.clear()
            self._fetched.clear()
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)

    # -- conveniences --------------------------------------------------------------------------------

    def cancel(self, task_id: str) -> bool:
        """Cancel a task that has not started; True if it will never run. Started tasks run to the end."""
        with self._lock:
            task = self._tasks.get(task_id)
        return task is not None and task.future.cancel()

    def synthesize(self, request: SynthesisRequest, dest: Path) -> SynthesisResult:
        """Submit and fetch in one call, for previews and tests."""
        return self.fetch(self.submit(request), dest)

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    # -- internals -----------------------------------------------------------------------------------

    def _task(self, task_id: str) -> _Task:
        with self._lock:
            task = self._tasks.get(task_id)
            fetched = self._fetched.get(task_id)
        if fetched is not None:
            raise EngineError(f"offline task {task_id} was already fetched to {fetched}")
        if task is None:
            raise RetryableEngineError(f"offline task {task_id} is unknown (the engine was restarted); "
                                       "submit it again")
        return task

    def _scratch_dir(self) -> Path:
        if self._scratch is None:
            self._scratch = Path(tempfile.mkdtemp(prefix="studio-espeak-", dir=self._scratch_parent))
        return self._scratch

    def _submit_locked(self, job: _Job) -> tuple[Future[_JobOutput], ProcessPoolExecutor]:
        for attempt in (1, 2):
            if self._executor is None:
                try:
                    library_paths()  # a missing library is a clear error now, not a pool that never starts
                except EspeakError as exc:
                    raise EngineError(f"offline engine unavailable: {exc}") from exc
                self._executor = ProcessPoolExecutor(
                    self._workers, mp_context=multiprocessing.get_context("spawn"),
                    initializer=_init_worker)
            executor = self._executor
            try:
                return executor.submit(_worker_main, job), executor
            except BrokenProcessPool:
                log.warning("offline engine pool was broken; starting a new one")
                self._executor = None
                if attempt == 2:
                    raise RetryableEngineError("offline engine workers keep dying") from None
            except OSError as exc:  # cannot start a process: out of memory or process slots
                raise RetryableEngineError(f"cannot start an offline engine worker: {exc}") from exc
        raise AssertionError("unreachable")

    def _on_done(self, future: Future[_JobOutput], executor: ProcessPoolExecutor, scratch: Path) -> None:
        if future.cancelled():
            return
        exc = future.exception()
        if exc is None:
            return
        scratch.unlink(missing_ok=True)
        if isinstance(exc, BrokenProcessPool):
            # Every task of that pool fails together; drop it so the next submit starts a fresh one.
            with self._lock:
                if self._executor is executor:
                    self._executor = None
            log.warning("offline engine worker died: %s", exc)
        else:
            log.warning("offline synthesis failed: %s: %s", type(exc).__name__, exc)


def _status(task_id: str, task: _Task | None) -> TaskStatus:
    if task is None:
        return TaskStatus(task_id, TaskState.FAILED,
                          RetryableEngineError(f"offline task {task_id} is unknown; submit it again"))
    future = task.future
    if future.cancelled():
        return TaskStatus(task_id, TaskState.FAILED, EngineError(f"offline task {task_id} was cancelled"))
    if future.done():
        exc = future.exception()
        if exc is None:
            return TaskStatus(task_id, TaskState.DONE)
        return TaskStatus(task_id, TaskState.FAILED, _engine_error(exc))
    # The pool marks a task running once it is handed to its call queue (workers + 1 tasks at most).
    return TaskStatus(task_id, TaskState.RUNNING if future.running() else TaskState.QUEUED)


def _engine_error(exc: BaseException) -> EngineError:
    """Say what the scheduler should do about a failure: retry (a dead or hung worker) or give up."""
    if isinstance(exc, EngineError):
        return exc
    if isinstance(exc, BrokenProcessPool):
        return RetryableEngineError("offline engine worker process died; retry on a fresh worker")
    if isinstance(exc, (_TaskCrashed, _TaskTimedOut)):
        return RetryableEngineError(f"offline engine: {exc}")
    if isinstance(exc, EspeakError):
        return EngineError(f"espeak-ng failed: {exc}", vendor_code=exc.code)
    if isinstance(exc, OSError):
        return EngineError(f"offline engine could not write audio: {exc}")
    return EngineError(f"offline engine failed: {type(exc).__name__}: {exc}")


def _install(source: Path, dest: Path) -> None:
    """Move ``source`` to ``dest`` atomically: a rename on one file system, else copy + replace."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(source, dest)
        return
    except OSError:
        if not source.exists():
            raise
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
            shutil.copyfileobj(src, out, 1 << 20)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    source.unlink(missing_ok=True)
