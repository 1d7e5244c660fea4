"""The scheduler's bookkeeping: its settings, one lane per engine, and one in-memory job per distinct unit.

Why lanes: each engine has its own limits (Alibaba's account-wide cap of 100 running tasks, request rates,
Baidu's 200-id queries, the offline engine's process pool), and a slow or throttled vendor must not hold up
another. A lane owns its engine's queue, the tasks it has at the vendor, its request bucket, its duration
model and its statistics; the scheduler walks the lanes and does whatever each allows.
"""

from __future__ import annotations

import enum
import heapq
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from studio.engines.base import Engine
from studio.render.plan import RenderUnit
from studio.render.polling import DEFAULT_POLL_RANGES, FALLBACK_RANGE, DurationModel, PollClock, PollRange
from studio.render.rate_limit import TokenBucket

#: Tasks at the vendor at once, per engine. Alibaba allows 100 per account (shared with anything else the
#: account runs), so the default stays well below; the offline engine is bounded by its worker processes.
DEFAULT_MAX_RUNNING = {"local": 16, "aliyun": 20, "baidu": 20}
ACCOUNT_CAPS = {"aliyun": 100}
#: Requests per second per engine (submits, status queries); downloads go to object storage and are not counted.
DEFAULT_REQUESTS_PER_S = {"aliyun": 40.0, "baidu": 10.0}
DEFAULT_DOWNLOADS = {"local": 16, "aliyun": 4, "baidu": 4}
#: Alibaba answers one task per GET: a round over many tasks is split into chunks polled in parallel.
POLL_CHUNK = {"aliyun": 3}
POLL_PARALLEL = {"aliyun": 8}
#: Baidu's query takes 200 ids: whenever any Baidu task is due, every running one is asked in the same query.
BATCH_QUERY_IDS = {"baidu": 200, "local": 1 << 30}
#: Engines whose submits cost nothing (not serialized by ``submit_width``).
FREE_ENGINES = frozenset({"local"})
#: How long a task may stay queued/running at the vendor before it is reported and submitted again (once).
#: Alibaba documents that long-text tasks finish within 3 hours; the others document nothing, so they get a
#: bound that no real task reaches, which still keeps a task that never finishes from being polled forever.
TASK_DEADLINE_S = {"aliyun": 3 * 3600.0}
FALLBACK_TASK_DEADLINE_S = 6 * 3600.0


@dataclass(frozen=True)
class SchedulerConfig:
    """Knobs of one render. Mappings are per engine; engines not named get the defaults.

    ``submit_width`` bounds paid submissions in flight at once, across engines. A submission whose answer is
    lost (the app is killed after the vendor accepted it, before the task id is committed) is paid for again
    on resume; with the default of 1 a crash re-bills at most one task. Submitting is fast next to synthesis,
    so this costs little wall time; raise it for huge books on a reliable machine.
    ``order`` is "largest_first" (long tasks start first: the shortest wall time) or "plan" (book order).
    """

    max_running: Mapping[str, int] = field(default_factory=dict)
    requests_per_s: Mapping[str, float] = field(default_factory=dict)
    downloads: Mapping[str, int] = field(default_factory=dict)
    poll_ranges: Mapping[str, PollRange] = field(default_factory=dict)
    submit_width: int = 1
    order: str = "largest_first"
    drain_timeout_s: float = 30.0
    task_deadlines: Mapping[str, float] = field(default_factory=dict)
    # Whether this render becomes "the last render" that ``studio status`` lists and chapter statuses compare
    # with; a preview of a few paragraphs says no, so it does not hide the book's real render.
    remember_plan: bool = True

    def cap(self, engine: str) -> int:
        cap = self.max_running.get(engine, DEFAULT_MAX_RUNNING.get(engine, 8))
        return max(1, min(cap, ACCOUNT_CAPS.get(engine, cap)))

    def rate(self, engine: str) -> float:
        return self.requests_per_s.get(engine, DEFAULT_REQUESTS_PER_S.get(engine, math.inf))

    def download_slots(self, engine: str) -> int:
        return max(1, self.downloads.get(engine, DEFAULT_DOWNLOADS.get(engine, 4)))

    def poll_range(self, engine: str) -> PollRange:
        return self.poll_ranges.get(engine, DEFAULT_POLL_RANGES.get(engine, FALLBACK_RANGE))

    def task_deadline(self, engine: str) -> float:
        return self.task_deadlines.get(engine, TASK_DEADLINE_S.get(engine, FALLBACK_TASK_DEADLINE_S))


class Phase(enum.Enum):
    WAITING = "waiting"  # queued, maybe not before some time (backoff)
    SUBMITTING = "submitting"  # a submit call is in flight
    LIVE = "live"  # the vendor has the task; polled
    READY = "ready"  # the vendor finished; waiting for a download slot (or a retry time)
    FETCHING = "fetching"  # a download is in flight
    FINAL = "final"  # done, failed or cancelled


@dataclass(eq=False)
class UnitJob:
    """The scheduler's working state for one distinct unit (the durable state is its ``JobRecord``)."""

    unit: RenderUnit
    order: tuple[int, int]
    phase: Phase = Phase.WAITING
    not_before: float = 0.0
    task_id: str | None = None
    poll: PollClock | None = None
    in_poll: bool = False
    resumed: bool = False  # the task was submitted by an earlier session: its timing teaches nothing
    fetch_failures: int = 0
    backoffs: int = 0  # throttles / lost connections in a row (they spend no attempt, see RetryPolicy)
    answered: bool = False  # the vendor said something about the task in this session
    overdue: bool = False  # already submitted again once because the vendor ran past its deadline
    cancel_requested: bool = False
    staging: Path | None = None

    @property
    def key(self) -> str:
        return self.unit.cache_key


@dataclass
class LaneStats:
    submits: int = 0
    poll_calls: int = 0
    poll_requests: int = 0
    ids_polled: int = 0
    fetches: int = 0
    tasks_done: int = 0
    queries: list[int] = field(default_factory=list)  # ids per vendor query (Baidu batches)


class Lane:
    """One engine: its waiting queue (ordered, with backoff times), live tasks, buckets and counters."""

    def __init__(self, name: str, engine: Engine, config: SchedulerConfig) -> None:
        self.name = name
        self.engine = engine
        self.cap = config.cap(name)
        self.bucket = TokenBucket(config.rate(name))
        self.poll_range = config.poll_range(name)
        self.model = DurationModel()
        self.download_slots = config.download_slots(name)
        self.poll_chunk = POLL_CHUNK.get(name, 0)
        self.poll_parallel = POLL_PARALLEL.get(name, 1)
        self.batch_ids = BATCH_QUERY_IDS.get(name, 0)
        self.billable = name not in FREE_ENGINES
        self.live: dict[str, UnitJob] = {}
        self.submitting = 0
        self.polls_in_flight = 0
        self.poll_failures = 0
        self.poll_backoffs = 0
        self.task_deadline_s = config.task_deadline(name)
        self.fetching = 0
        self.poll_blocked_until = 0.0
        self.submit_blocked_until = 0.0
        self.stats = LaneStats()
        self._ready: list[tuple[tuple[int, int], int, UnitJob]] = []  # due now, by order
        self._later: list[tuple[float, int, UnitJob]] = []  # waiting for their backoff
        self._downloads: list[tuple[float, int, UnitJob]] = []  # READY jobs, by not_before
        self._seq = 0

    # -- the waiting queue ---------------------------------------------------------------------------
    def enqueue(self, job: UnitJob, now: float) -> None:
        job.phase = Phase.WAITING
        self._seq += 1
        if job.not_before > now:
            heapq.heappush(self._later, (job.not_before, self._seq, job))
        else:
            heapq.heappush(self._ready, (job.order, self._seq, job))

    def next_waiting(self, now: float) -> UnitJob | None:
        """The first job (in order) whose backoff is over, without taking it."""
        while self._later and self._later[0][0] <= now:
            _, seq, job = heapq.heappop(self._later)
            heapq.heappush(self._ready, (job.order, seq, job))
        while self._ready and self._ready[0][2].phase is not Phase.WAITING:
            heapq.heappop(self._ready)  # cancelled or otherwise moved on meanwhile
        return self._ready[0][2] if self._ready else None

    def pop_waiting(self) -> UnitJob:
        return heapq.heappop(self._ready)[2]

    def next_backoff(self) -> float:
        while self._later and self._later[0][2].phase is not Phase.WAITING:
            heapq.heappop(self._later)
        return self._later[0][0] if self._later else math.inf

    def has_waiting(self) -> bool:
        return any(j.phase is Phase.WAITING for _, _, j in self._ready) or \
            any(j.phase is Phase.WAITING for _, _, j in self._later)

    # -- downloads -----------------------------------------------------------------------------------
    def ready_for_download(self, job: UnitJob) -> None:
        job.phase = Phase.READY
        self._seq += 1
        heapq.heappush(self._downloads, (job.not_before, self._seq, job))

    def next_download(self, now: float) -> UnitJob | None:
        while self._downloads and self._downloads[0][2].phase is not Phase.READY:
            heapq.heappop(self._downloads)
        if self._downloads and self._downloads[0][0] <= now:
            return heapq.heappop(self._downloads)[2]
        return None

    def next_download_at(self) -> float:
        while self._downloads and self._downloads[0][2].phase is not Phase.READY:
            heapq.heappop(self._downloads)
        return self._downloads[0][0] if self._downloads else math.inf

    @property
    def running(self) -> int:
        """Tasks that hold a vendor slot (or are about to): live ones and submissions in flight."""
        return len(self.live) + self.submitting

    @property
    def in_flight(self) -> int:
        return self.submitting + self.polls_in_flight + self.fetching
