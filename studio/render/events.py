"""The render's event stream: one ``RenderProgress`` per state change, Qt-free.

Why one event type for everything: the GUI's job model already reads ``unit``/``state``/``message`` from
``RenderProgress``, and the CLI prints it; a second channel would let the two drift. So every event carries
both what changed (a unit: engine, voice, characters, state, vendor task id, vendor code and message,
attempts) and where the whole render stands (units and characters done, per engine, ETA from the observed
throughput, cost from configurable prices). Events are emitted on the scheduler's thread *after* the change
is committed to the project, so whatever a listener reads from the database agrees with the event it holds.

States of a unit: queued, submitted, running, downloading, done, failed, cancelled, plus "retrying" (an
attempt failed and the unit is queued again; the event's message says why). Events without a unit: "planned"
(before anything runs), "paused", "resumed", "finished".
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from studio.render.cost import add_costs, price_of
from studio.render.plan import RenderUnit


@dataclass(frozen=True)
class EngineProgress:
    """One engine's share of the render (characters counted the vendor's way)."""

    units_total: int = 0
    units_done: int = 0
    characters_total: int = 0
    characters_done: int = 0
    characters_to_render: int = 0  # not in the cache when the render started: what it costs
    characters_billed: int = 0  # accepted submissions so far, retries included
    cost_estimate: float | None = 0.0
    cost_billed: float | None = 0.0


@dataclass(frozen=True)
class RenderProgress:
    """One event: how far the render is, and which unit just changed (if any)."""

    units_done: int
    units_total: int
    characters_done: int
    characters_total: int
    cached: int
    unit: RenderUnit | None = None
    state: str = ""
    message: str = ""
    # -- additions (issue 4); all optional so older readers and constructors keep working --
    task_id: str = ""
    vendor_code: str = ""
    error_type: str = ""
    attempts: int = 0
    units_failed: int = 0
    units_running: int = 0
    elapsed_s: float = 0.0
    eta_s: float | None = None
    cost_estimate: float | None = None
    cost_billed: float | None = None
    engines: Mapping[str, EngineProgress] = field(default_factory=dict)

    @property
    def fraction(self) -> float:
        return self.characters_done / self.characters_total if self.characters_total else 1.0

    @property
    def engine(self) -> str:
        return self.unit.engine if self.unit is not None else ""

    @property
    def voice(self) -> str:
        return self.unit.request.voice if self.unit is not None else ""

    @property
    def characters(self) -> int:
        return self.unit.characters if self.unit is not None else 0


ProgressCallback = Callable[[RenderProgress], None]


@dataclass
class _Tally:
    units_total: int = 0
    units_done: int = 0
    characters_total: int = 0
    characters_done: int = 0
    characters_to_render: int = 0
    characters_billed: int = 0


class ProgressTracker:
    """Counts what is done per plan position and engine, and estimates time left and cost.

    Counts are kept incrementally (an event costs the same for a book of ten units or ten thousand). The ETA
    divides the characters still to render by the throughput observed since the first unit of this session
    finished (characters rendered per second of wall time), so queueing at the vendor, retries and rate limits
    are all in it; before two units have finished there is no ETA.
    """

    def __init__(self, units: list[RenderUnit], billable: Mapping[str, int], prices: Mapping[str, float] | None,
                 *, clock: Callable[[], float] = time.monotonic) -> None:
        self._prices = prices
        self._clock = clock
        self._started = clock()
        self._first_done: float | None = None
        self._rendered_chars = 0
        self.done: set[str] = set()
        self.cached = 0
        self.failed: set[str] = set()
        self.running: set[str] = set()
        self._to_render: set[str] = set()
        self._units_total = len(units)
        self._units_done = 0
        self._chars_total = 0
        self._chars_done = 0
        # Per distinct cache key: (engine, plan positions, characters, billable characters).
        self._keys: dict[str, tuple[str, int, int, int]] = {}
        self._tallies: dict[str, _Tally] = {}
        for unit in units:
            engine, count, chars, bill = self._keys.get(
                unit.cache_key, (unit.engine, 0, unit.characters, billable.get(unit.cache_key, unit.characters)))
            self._keys[unit.cache_key] = (engine, count + 1, chars, bill)
            tally = self._tallies.setdefault(unit.engine, _Tally())
            tally.units_total += 1
            tally.characters_total += bill
            self._chars_total += unit.characters

    def _complete(self, cache_key: str) -> int:
        if cache_key in self.done or cache_key not in self._keys:
            return 0
        engine, count, chars, bill = self._keys[cache_key]
        self.done.add(cache_key)
        self.failed.discard(cache_key)
        self.running.discard(cache_key)
        tally = self._tallies[engine]
        tally.units_done += count
        tally.characters_done += bill * count
        self._units_done += count
        self._chars_done += chars * count
        return chars * count

    def mark_cached(self, cache_key: str) -> None:
        if self._complete(cache_key):
            self.cached += 1

    def mark_to_render(self, cache_key: str) -> None:
        if cache_key in self._to_render or cache_key not in self._keys:
            return
        self._to_render.add(cache_key)
        engine, count, _chars, bill = self._keys[cache_key]
        self._tallies[engine].characters_to_render += bill * count

    def mark_done(self, cache_key: str) -> None:
        now = self._clock()
        chars = self._complete(cache_key)
        if not chars:
            return
        if self._first_done is None:
            self._first_done = now  # the clock starts here: the first unit's time is mostly queueing
        else:
            self._rendered_chars += chars

    def mark_billed(self, cache_key: str) -> None:
        if cache_key in self._keys:
            engine, _count, _chars, bill = self._keys[cache_key]
            self._tallies[engine].characters_billed += bill

    def event(self, unit: RenderUnit | None, state: str, message: str = "", **details: object) -> RenderProgress:
        engines = {name: EngineProgress(t.units_total, t.units_done, t.characters_total, t.characters_done,
                                        t.characters_to_render, t.characters_billed,
                                        price_of(name, t.characters_to_render, self._prices),
                                        price_of(name, t.characters_billed, self._prices))
                   for name, t in self._tallies.items()}
        now = self._clock()
        remaining = self._chars_total - self._chars_done
        eta: float | None = None
        if remaining <= 0:
            eta = 0.0
        elif self._first_done is not None and self._rendered_chars > 0 and now > self._first_done:
            eta = remaining / (self._rendered_chars / (now - self._first_done))
        return RenderProgress(
            self._units_done, self._units_total, self._chars_done, self._chars_total, self.cached, unit, state,
            message, units_failed=len(self.failed), units_running=len(self.running), elapsed_s=now - self._started,
            eta_s=eta, cost_estimate=add_costs(*(e.cost_estimate for e in engines.values())),
            cost_billed=add_costs(*(e.cost_billed for e in engines.values())), engines=engines,
            **details)  # type: ignore[arg-type]
