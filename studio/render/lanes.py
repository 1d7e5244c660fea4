"""The scheduler's bookkeeping: its settings, one lane per engine, and one in-memory job per distinct unit.

Why lanes: each engine has its own limits (Alibaba's account-wide cap of 100 running tasks, request rates,
Baidu's 200-id queries, the offline engine's process pool; all read from the engine's ``EngineTraits``), and a
slow or throttled vendor must not hold up another. A lane owns its engine's queue, the tasks it has at the
vendor, its request bucket, its duration model and its statistics; the scheduler walks the lanes and does
whatever each allows.
"""

from __future__ import annotations

import enum
import heapq
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from studio.engines.base import Engine
from studio.engines.registry import traits
from studio.engines.traits import PollRange
from studio.render.listen_order import LISTEN_FIRST_CHARS
from studio.render.plan import RenderUnit
from studio.render.polling import DurationModel, PollClock
from studio.render.rate_limit import TokenBucket

#: How long a task may stay queued/running at the vendor before it is reported and submitted again (once), for
#: engines whose traits document no deadline: a bound no real task reaches, so a task that never finishes is not
#: polled forever.
FALLBACK_TASK_DEADLINE_S = 6 * 3600.0

@dataclass(frozen=True)
class SchedulerConfig:
    """Knobs of one render. Mappings are per engine; engines not named get the defaults.

    ``submit_width`` bounds paid submissions in flight at once, across engines. A submission whose answer is
    lost (the app is killed after the vendor accepted it, before the task id is committed) is paid for again
    on resume; with the default of 1 a crash re-bills at most one task. Submitting is fast next to synthesis,
    so this costs little wall time; raise it for huge books on a reliable machine.
    ``order`` is "largest_first" (long tasks start first: the shortest wall time), "plan" (book order) or
    "listen_first" (the first ``listen_first_chars`` in book order, to the end of that chapter, then largest
    first: the opening is playable early; see :mod:`studio.render.listen_order`).
    """

    max_running: Mapping[str, int] = field(default_factory=dict)
    requests_per_s: Mapping[str, float] = field(default_factory=dict)
    downloads: Mapping[str, int] = field(default_factory=dict)
    poll_ranges: Mapping[str, PollRange] = field(default_factory=dict)
    submit_width: int = 1
    order: str = "largest_first"
    listen_first_chars: int = LISTEN_FIRST_CHARS  # about ten minutes of Mandarin
    drain_timeout_s: float = 30.0
    task_deadlines: Mapping[str, float] = field(default_factory=dict)
    # Whether this render becomes "the last render" that ``studio status`` lists and chapter statuses compare
    # with; a preview of a few paragraphs says no, so it does not hide the book's real render.
    remember_plan: bool = True

    def cap(self, engine: str) -> int:
        facts = traits(engine)
        cap = self.max_running.get(engine, facts.default_concurrency)
        return max(1, min(cap, facts.max_concurrency) if facts.max_concurrency is not None else cap)

    def rate(self, engine: str) -> float:
        default = traits(engine).requests_per_s
        return self.requests_per_s.get(engine, math.inf if default is None else default)

    def download_slots(self, engine: str) -> int:
        return max(1, self.downloads.get(engine, traits(engine).downloads))

    def poll_range(self, engine: str) -> PollRange:
        return self.poll_ranges.get(engine, traits(engine).poll_range)

    def task_deadline(self, engine: str) -> float:
        documented = traits(engine).task_deadline_s
        return self.task_deadlines.get(engine, FALLBACK_TASK_DEADLINE_S if documented is None else documented)


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
        facts = traits(name)
        self.poll_chunk = facts.poll_chunk
        self.poll_parallel = facts.poll_parallel
        self.batch_ids = facts.batch_query_ids
        self.billable = not facts.free
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
