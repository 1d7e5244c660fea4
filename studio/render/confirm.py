"""Before a render sends anything: what it will send, per engine, and whether to ask the author first.

Why here (Qt-free): the window and ``studio render`` must agree on what "a big render" is and on the numbers
they show, so both call ``estimate`` and ``needs_confirmation``; only the asking differs (a dialog, a terminal
prompt, or ``--yes``). One click once sent a 1.2-million-character book to a paid vendor without a word.

Only units without audio in the project count (cached units cost nothing). Cost needs a price per 10,000
characters (``studio.render.cost``): unknown stays unknown, never "free". Time is a rough lower bound from the
engine's stated speed (``EngineTraits.chars_per_second``) and the tasks that run at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from studio.engines.registry import traits
from studio.render.cost import add_costs, billable_characters, price_of
from studio.render.plan import RenderUnit

if TYPE_CHECKING:
    from pathlib import Path

    from studio.core.book import Book

#: Ask before a cloud render sends more than this many characters (the default of the preference).
DEFAULT_CONFIRM_CHARS = 50_000


@dataclass(frozen=True)
class EngineEstimate:
    """What one engine would be sent: characters as its vendor bills them, tasks, cost and time (None: unknown)."""

    engine: str
    display_name: str
    characters: int
    tasks: int
    cost: float | None
    seconds: float | None
    free: bool


@dataclass(frozen=True)
class RenderEstimate:
    engines: tuple[EngineEstimate, ...]

    @property
    def cloud(self) -> tuple[EngineEstimate, ...]:
        return tuple(e for e in self.engines if not e.free)

    @property
    def cloud_characters(self) -> int:
        return sum(e.characters for e in self.cloud)

    @property
    def cost(self) -> float | None:
        """The whole render's cost; None when any cloud engine's price is unknown."""
        return add_costs(*(e.cost for e in self.cloud)) if self.cloud else 0.0

    @property
    def seconds(self) -> float | None:
        """Engines render side by side: the slowest decides; None when any engine's speed is unknown."""
        times = [e.seconds for e in self.engines if e.characters]
        return None if not times or any(t is None for t in times) else max(t for t in times if t is not None)


def estimate(units: Iterable[RenderUnit], prices: Mapping[str, float] | None,
             concurrency: Mapping[str, int] | None = None,
             has_audio: Callable[[str], bool] = lambda _key: False) -> RenderEstimate:
    """Per engine, what rendering ``units`` would send (units whose audio ``has_audio`` are left out)."""
    chars: dict[str, int] = {}
    tasks: dict[str, int] = {}
    for unit in units:
        if has_audio(unit.cache_key):
            continue
        chars[unit.engine] = chars.get(unit.engine, 0) + billable_characters(unit)
        tasks[unit.engine] = tasks.get(unit.engine, 0) + 1
    out = []
    for engine in sorted(chars):
        facts = traits(engine)
        at_once = max(1, min(tasks[engine], (concurrency or {}).get(engine) or facts.default_concurrency))
        speed = facts.chars_per_second
        seconds = None if speed is None else chars[engine] / (speed * at_once)
        out.append(EngineEstimate(engine, facts.display_name, chars[engine], tasks[engine],
                                  price_of(engine, chars[engine], prices), seconds, facts.free))
    return RenderEstimate(tuple(out))


def needs_confirmation(render: RenderEstimate, threshold_chars: int = DEFAULT_CONFIRM_CHARS) -> bool:
    """A cloud render above the threshold (characters sent to paid vendors) asks first."""
    return render.cloud_characters > max(0, threshold_chars)


def format_seconds(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes < 1:
        return "under a minute"
    hours, minutes = divmod(minutes, 60)
    return f"about {hours} h {minutes:02d} min" if hours else f"about {minutes} min"


def describe(render: RenderEstimate) -> list[str]:
    """One English line per engine, then the total (the CLI prints these; the window has its own tr() texts)."""
    lines = []
    for e in render.engines:
        cost = "free" if e.free else ("cost unknown (no price set)" if e.cost is None else f"cost ≈ {e.cost:.2f}")
        when = "time unknown" if e.seconds is None else f"{format_seconds(e.seconds)} at best"
        lines.append(f"{e.display_name}: {e.characters:,} characters in {e.tasks:,} tasks, {cost}, {when}")
    total = render.cost
    if render.cloud:
        lines.append(f"to cloud vendors: {render.cloud_characters:,} characters, "
                     + ("cost unknown" if total is None else f"cost ≈ {total:.2f}"))
    return lines


def estimate_project(folder: Path, book: Book, chapters: Sequence[int] | None, prices: Mapping[str, float] | None,
                     concurrency: Mapping[str, int] | None = None, credits: str | None = None) -> RenderEstimate:
    """The estimate of rendering ``book`` (or some ``chapters``; ``credits`` as ``session.run.render_book``
    takes it) in the project at ``folder``, planned as a render plans it (the window runs this on a worker
    thread before Render Book or Render Credits sends anything)."""
    from studio.core.project import Project
    from studio.render.session.run import planned

    with Project.open(folder) as project:
        units = planned(project, book, None, credits).units
        if chapters is not None:
            wanted = set(chapters)
            units = [u for u in units if u.chapter_index in wanted]
        return estimate(units, prices, concurrency, lambda key: project.rendered_unit(key) is not None)


def estimate_export(folder: Path, *, info: Mapping[str, Any] | None = None, spoken_titles: bool = False,
                    credits: bool = False, prices: Mapping[str, float] | None = None,
                    concurrency: Mapping[str, int] | None = None,
                    cancel: threading.Event | None = None) -> RenderEstimate:
    """What ``export_project`` with these arguments would render (its own plan: text, spoken titles and credits,
    less pinned takes and units with audio, each distinct unit once), from the project as saved at ``folder``.

    Why: an export renders whatever has no audio yet, and with a paid voice that is paid synthesis; the window
    asks about it as it asks before any render. Runs on a worker thread (it imports the exporter)."""
    from studio.core.errors import CancelledError
    from studio.core.project import Project
    from studio.render.export_book import book_info, plan_export

    with Project.open(folder) as project:
        book = project.load_book()
        planned = plan_export(project, book, book_info(book, **dict(info or {})), spoken_titles=spoken_titles,
                              credits=credits)
        if cancel is not None and cancel.is_set():
            raise CancelledError("the estimate was cancelled")
        distinct = {u.cache_key: u for u in planned.choice.to_render.units}  # a shared unit renders once
        return estimate(distinct.values(), prices, concurrency, lambda key: project.rendered_unit(key) is not None)


def uses_paid_engine(book: Book) -> bool:
    """Whether any voice of ``book`` (book, chapter or paragraph level) is a paid engine's: only then is there
    anything to estimate or confirm."""
    voices = [book.voice] + [c.voice for c in book.chapters] + [p.voice for c in book.chapters
                                                               for p in c.paragraphs if p.voice is not None]
    for voice in voices:
        engine = getattr(voice, "engine", None)
        if engine and not traits(engine).free:
            return True
    return False
