"""A scriptable in-memory engine and small books for the scheduler's unit tests.

Why a fake next to the emulator: the emulator proves the protocols; these tests prove the scheduler's own
rules (what is committed before what, attempts, limits, cancel, pause) deterministically and in milliseconds,
with the engine checking the project database from its own connection at every call.
"""

from __future__ import annotations

import itertools
import threading
import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from studio.core.book import Book, Chapter, Paragraph, VoiceSettings
from studio.core.errors import EngineError
from studio.core.project import Project
from studio.engines.base import SynthesisRequest, SynthesisResult, TaskState, TaskStatus, Timestamp

RATE = 8000

#: Task ids are unique across every fake engine of a test session, as a vendor's are across processes: a fresh
#: engine that takes over another's tasks (a resumed render) must never hand out an id that is still live.
#: (A per-instance counter restarted at t1 and made the scheduler's live map drop a task: issue 14's hang.)
_TASK_IDS = itertools.count(1)


def make_book(chapters: int = 2, paragraphs: int = 3, *, engine: str = "aliyun", voice: str = "xiaoyun",
              text: Callable[[int, int], str] | None = None) -> Book:
    text = text or (lambda c, p: f"第{c + 1}章第{p + 1}段。天色渐渐暗了下来，他还在园子里。")
    return Book("测试", voice=VoiceSettings(engine=engine, voice=voice),
                chapters=[Chapter(f"第{c + 1}章", [Paragraph(text(c, p)) for p in range(paragraphs)])
                          for c in range(chapters)])


def write_wav(path: Path, ms: int) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(b"\x01\x00" * (RATE * ms // 1000))


@dataclass
class FakeTask:
    request: SynthesisRequest
    polls: int = 0
    fail: EngineError | None = None


@dataclass
class FakeEngine:
    """Tasks finish after ``polls_to_finish`` polls; errors are scripted per call kind (popped in order).

    ``folder``: if given, every poll and fetch checks from its own database connection that the task id it is
    asked about is already committed (the durability rule the scheduler promises).
    """

    name: str = "aliyun"
    polls_to_finish: int = 1
    submit_errors: list[EngineError] = field(default_factory=list)
    poll_errors: list[EngineError] = field(default_factory=list)
    task_failures: list[EngineError] = field(default_factory=list)
    fetch_errors: list[BaseException] = field(default_factory=list)  # EngineErrors, or OSError for our disk
    bad_audio: int = 0  # this many fetches write audio shorter than their timestamps
    folder: Path | None = None
    known: set[str] | None = None  # ids this engine instance answers for (None: all it created)
    tasks: dict[str, FakeTask] = field(default_factory=dict)
    submitted: list[SynthesisRequest] = field(default_factory=list)
    poll_calls: list[list[str]] = field(default_factory=list)
    fetched: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    max_running: int = 0
    on_submit: Callable[[SynthesisRequest], None] | None = None
    #: Give out these ids first (in order), even if taken: how a test makes a vendor repeat a task id.
    reuse_ids: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def submit(self, request: SynthesisRequest) -> str:
        if self.on_submit is not None:
            self.on_submit(request)
        with self._lock:
            if self.submit_errors:
                raise self.submit_errors.pop(0)
            task_id = self.reuse_ids.pop(0) if self.reuse_ids else f"t{next(_TASK_IDS)}"
            fail = self.task_failures.pop(0) if self.task_failures else None
            self.tasks[task_id] = FakeTask(request, fail=fail)
            self.submitted.append(request)
            running = sum(1 for t in self.tasks.values() if t.polls < self.polls_to_finish)
            self.max_running = max(self.max_running, running)
            return task_id

    def poll(self, task_ids: Sequence[str]) -> dict[str, TaskStatus]:
        self._check_committed(task_ids, "poll")
        with self._lock:
            self.poll_calls.append(list(task_ids))
            if self.poll_errors:
                raise self.poll_errors.pop(0)
            result = {}
            for task_id in task_ids:
                task = self.tasks.get(task_id)
                if task is None:
                    from studio.core.errors import TaskExpiredError

                    result[task_id] = TaskStatus(task_id, TaskState.FAILED, TaskExpiredError("unknown task"))
                    continue
                task.polls += 1
                if task.polls < self.polls_to_finish:
                    result[task_id] = TaskStatus(task_id, TaskState.RUNNING)
                elif task.fail is not None:
                    result[task_id] = TaskStatus(task_id, TaskState.FAILED, task.fail)
                else:
                    result[task_id] = TaskStatus(task_id, TaskState.DONE)
            return result

    def fetch(self, task_id: str, dest: Path) -> SynthesisResult:
        self._check_committed([task_id], "fetch", state="downloading")
        with self._lock:
            self.fetched.append(task_id)
            if self.fetch_errors:
                raise self.fetch_errors.pop(0)
            task = self.tasks[task_id]
            bad = self.bad_audio > 0
            self.bad_audio -= 1 if bad else 0
        ms = 1000 * len(task.request.paragraphs)
        write_wav(dest, ms // 2 if bad else ms)
        sentences = [Timestamp(text, 1000 * i, 1000 * i + 900, i) for i, text in enumerate(task.request.paragraphs)]
        return SynthesisResult(dest, RATE, 1, ms // 2 if bad else ms, sentences,
                               paragraph_offsets_ms=[1000 * i for i in range(len(task.request.paragraphs))])

    def close(self) -> None:
        pass

    def _check_committed(self, task_ids: Sequence[str], call: str, state: str | None = None) -> None:
        if self.folder is None:
            return
        with Project.open(self.folder) as project:
            jobs = {job["task_id"]: job for job in project.render_jobs() if job["task_id"]}
        for task_id in task_ids:
            job = jobs.get(task_id)
            if job is None:
                self.violations.append(f"{call} of {task_id} before its id was committed")
            elif state is not None and job["state"] != state:
                self.violations.append(f"{call} of {task_id} while the job is {job['state']}")


def engines_of(engine: FakeEngine) -> Callable[[str], FakeEngine]:
    return lambda _name: engine
