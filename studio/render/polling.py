"""Adaptive polling: when to ask a vendor about a task again.

Why not a fixed interval: vendor tasks take from a second to many minutes, the vendors' own samples poll every
10 s, and every poll is a request (Alibaba has no batch query, so one GET per task per round). Polling fast
wastes requests and rate limit; polling slowly leaves finished tasks idle, and an idle finished task holds one
of the account's concurrent-task slots, which is what limits a book's wall time.

So each engine learns how long its tasks take (``DurationModel``: seconds = a + b * characters, fitted on
finishes observed between two polls) and each task is asked just before and at its expected finish, then
with a backoff that grows from a small share of the expected duration to the engine's longest interval (10 s
for the cloud vendors). Until the first tasks finish there is no model, and polling starts fast and backs off
geometrically, except for two "scout" tasks per engine that are asked closely until the first finish is seen.
Tasks nobody can estimate never wait longer than the longest interval between polls.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from studio.engines.traits import PollRange

#: Engines without traits (never in practice) poll like the cloud vendors, whose samples poll every 10 s.
FALLBACK_RANGE = PollRange(0.2, 10.0)

#: Ask this share of the expected duration early, to bracket the finish tightly (and keep the model honest).
PROBE_SHARE = 0.96
#: After the expected finish has passed, the next interval starts at this share of the expected duration.
LATE_SHARE = 0.02
#: The on-time poll goes this much after the expected finish (the model's scatter, clocks and the network).
ON_TIME_MARGIN_SHARE = 0.01
ON_TIME_MARGIN_S = 0.02
GROWTH = 1.5
#: Without a model, the interval stays below this share of the task's age (the worst-case wait for a finish).
UNKNOWN_SHARE = 0.5
#: A few "scout" tasks per engine are asked this closely until one finishes and teaches the model: then every
#: other task's polls move to its expected finish, so a whole first wave is not found late together.
SCOUT_SHARE = 0.05
SCOUTS = 2
#: A finish bracketed wider than this share of its upper bound says too little to learn from.
MAX_BRACKET_SHARE = 0.3
_SAMPLES = 64


class DurationModel:
    """How long one engine's tasks take as a function of their characters (least squares over recent tasks)."""

    def __init__(self) -> None:
        self._tight: deque[tuple[float, float]] = deque(maxlen=_SAMPLES)
        self._loose: deque[tuple[float, float]] = deque(maxlen=_SAMPLES)
        self._fit: tuple[float, float] | None = None

    def observe(self, characters: int, low_s: float, high_s: float) -> None:
        """A task of ``characters`` finished after more than ``low_s`` and at most ``high_s`` seconds."""
        if high_s <= 0:
            return
        low_s = max(0.0, min(low_s, high_s))
        sample = (float(max(1, characters)), (low_s + high_s) / 2)
        if high_s - low_s <= MAX_BRACKET_SHARE * high_s:
            self._tight.append(sample)
        else:
            self._loose.append(sample)
        self._fit = None

    @property
    def samples(self) -> int:
        return len(self._tight) + len(self._loose)

    def estimate(self, characters: int) -> float | None:
        """Expected seconds from submit to finish, or None before anything finished."""
        fit = self._fit or self._refit()
        if fit is None:
            return None
        a, b = fit
        return max(0.0, a + b * max(1, characters))

    def _refit(self) -> tuple[float, float] | None:
        samples = list(self._tight) if len(self._tight) >= 2 else list(self._tight) + list(self._loose)
        if not samples:
            return None
        n = len(samples)
        mean_x = sum(x for x, _ in samples) / n
        mean_y = sum(y for _, y in samples) / n
        var_x = sum((x - mean_x) ** 2 for x, _ in samples)
        if n >= 2 and var_x > 1e-9 * max(1.0, mean_x * mean_x):
            b = sum((x - mean_x) * (y - mean_y) for x, y in samples) / var_x
            a = mean_y - b * mean_x
            if b >= 0 and a >= 0:
                self._fit = (a, b)
                return self._fit
        self._fit = (0.0, mean_y / mean_x)  # one size seen (or a nonsense line): proportional to characters
        return self._fit


@dataclass
class PollClock:
    """One task's polling state (monotonic seconds).

    ``sent_at`` is when the poll in flight was sent: an answer "still running" proves the task was running
    then (not when the answer was read), which keeps the learned durations honest.
    """

    submitted_at: float
    characters: int
    polls: int = 0
    last_running_at: float | None = None
    interval: float = 0.0
    next_at: float = 0.0
    sent_at: float = 0.0
    scout: bool = False  # polled closely while the engine's speed is unknown, so the first finish is seen soon


def first_poll(clock: PollClock, model: DurationModel, poll: PollRange) -> float:
    """When to ask about a task for the first time (absolute monotonic seconds)."""
    expected = model.estimate(clock.characters)
    delay = poll.first_s if expected is None else max(poll.first_s, min(poll.max_s, PROBE_SHARE * expected))
    clock.interval = poll.first_s
    clock.next_at = clock.submitted_at + delay
    return clock.next_at


def next_poll(clock: PollClock, model: DurationModel, poll: PollRange, now: float) -> float:
    """When to ask again after the vendor said "still running" (to the poll sent at ``clock.sent_at``)."""
    clock.last_running_at = clock.sent_at or now
    expected = model.estimate(clock.characters)
    elapsed = now - clock.submitted_at
    if expected is not None and elapsed < expected:
        # Before the expected finish: ask again just after it (but never wait longer than the longest interval).
        # Asked exactly on time, a task that finishes on time races the poll and then waits a whole backoff.
        delay = max(poll.first_s, min(poll.max_s, expected - elapsed + ON_TIME_MARGIN_SHARE * expected
                                      + ON_TIME_MARGIN_S))
        clock.interval = max(poll.first_s, LATE_SHARE * expected)
    elif expected is not None:
        clock.interval = min(poll.max_s, max(poll.first_s, clock.interval * GROWTH, LATE_SHARE * expected))
        delay = clock.interval
    else:
        # Nothing finished yet to learn from: back off, but never let a finished task wait longer than a share
        # of the time it has run (a whole first wave of similar tasks finishes together).
        share = SCOUT_SHARE if clock.scout else UNKNOWN_SHARE
        clock.interval = min(poll.max_s, max(poll.first_s, min(clock.interval * GROWTH, share * elapsed)))
        delay = clock.interval
    clock.next_at = now + delay
    return clock.next_at


def expected_poll(clock: PollClock, model: DurationModel, poll: PollRange, now: float) -> float:
    """The model changed: the earliest sensible next poll of a running task (never later than planned)."""
    expected = model.estimate(clock.characters)
    if expected is None:
        return clock.next_at
    probe = clock.submitted_at + (PROBE_SHARE * expected if clock.last_running_at is None
                                  or clock.last_running_at - clock.submitted_at < PROBE_SHARE * expected
                                  else expected)
    if clock.last_running_at is not None and clock.last_running_at >= clock.submitted_at + expected:
        return clock.next_at  # already past its expected finish: the backoff stands
    clock.next_at = min(clock.next_at, max(now, probe, (clock.last_running_at or clock.submitted_at)
                                           + poll.first_s))
    return clock.next_at


def observe_finish(clock: PollClock, model: DurationModel, now: float) -> None:
    """The vendor said "done" at ``now``: teach the model when the task finished (between two polls)."""
    low = (clock.last_running_at if clock.last_running_at is not None else clock.submitted_at) - clock.submitted_at
    model.observe(clock.characters, low, now - clock.submitted_at)
