"""One progress measure for every view (issue 16): characters, never moving backwards within a render.

The job drawer, the status bar and ``studio render`` all count characters (a unit of 5,000 characters is not
worth one 60-character paragraph). Within one render the characters done shown never decrease: a unit whose
audio is set aside and rendered again, or an event that arrives late from another thread, would otherwise make
the bar jump back. A reopened project starts from the characters already in its cache (the scheduler counts
cached units as done), so the measure also survives closing and reopening the book.
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.render.events import RenderProgress


@dataclass(frozen=True)
class Steady:
    characters_done: int
    characters_total: int
    eta_s: float | None

    @property
    def fraction(self) -> float:
        return min(1.0, self.characters_done / self.characters_total) if self.characters_total else 1.0


class SteadyProgress:
    """Feed it every ``RenderProgress`` of one render; it returns what to show."""

    def __init__(self) -> None:
        self._done = 0
        self._total = 0

    def update(self, p: RenderProgress) -> Steady:
        if p.characters_total != self._total:  # another plan (a new render, or a retry of some units)
            self._total, self._done = p.characters_total, p.characters_done
        else:
            self._done = max(self._done, p.characters_done)
        return Steady(self._done, self._total, p.eta_s)
