"""Takes in the render and the export: which audio a paragraph uses, "render again", clean-up.

Why here and not in core: all three need the plan (the request the book asks for now, its cache key, whether
the engine bills). ``studio.core.takes`` keeps the rows; this module decides with them.

* ``choose_takes``: the export uses a paragraph's pinned take while the take's text is still the paragraph's
  text; a pin on an edited paragraph is ignored with a warning (the current render is used), so an edit is never
  silently exported with old audio. Pinned units are not rendered at all (the author chose that audio).
* ``render_again``: a new take of one paragraph. If the request is unchanged and the engine bills, this pays for
  the same thing twice: ``PaidDuplicateError`` unless ``force`` (the CLI's ``--force``, the window's confirm).
* ``clean_takes``: frees disk: deletes every take that is neither pinned nor the current render of its paragraph.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from studio.core.book import Book
from studio.core.errors import BadInputError
from studio.core.project import Project
from studio.core.takes import Take, all_takes, delete_takes, pins, set_aside
from studio.engines.base import Engine
from studio.engines.registry import traits
from studio.render.plan import RenderPlan, RenderUnit
from studio.render.runner import RenderedPiece

__all__ = ["PaidDuplicateError", "TakeChoice", "choose_takes", "clean_takes", "is_paid_duplicate",
           "paragraph_unit", "render_again", "with_takes"]


class PaidDuplicateError(BadInputError):
    """Rendering again would send the very same request to a billing engine."""


@dataclass
class TakeChoice:
    """The plan split into what must be rendered and what pinned takes answer."""

    to_render: RenderPlan
    pinned: dict[int, Take] = field(default_factory=dict)  # position in the full plan -> take
    warnings: list[str] = field(default_factory=list)


def choose_takes(project: Project, book: Book, plan: RenderPlan) -> TakeChoice:
    """Which units pinned takes answer (one-paragraph units whose pin still matches the text)."""
    chosen = pins(project)
    if not chosen:
        return TakeChoice(plan)
    pinned: dict[int, Take] = {}
    warnings: list[str] = []
    rest: list[RenderUnit] = []
    for position, unit in enumerate(plan.units):
        where = [(unit.chapter_index, p) for p in unit.paragraphs if (unit.chapter_index, p) in chosen]
        if not where or unit.paragraph_index < 0:
            rest.append(unit)
            continue
        ci, pi = where[0]
        pin = chosen[(ci, pi)]
        label = f"chapter {ci + 1}, paragraph {pi + 1}"
        if len(unit.paragraphs) > 1:
            warnings.append(f"{label}: the pinned take #{pin.id} is ignored: the paragraph is rendered together "
                            "with others (render without a unit size to use takes)")
        elif book.chapters[ci].paragraphs[pi].text != pin.text:
            warnings.append(f"{label}: the pinned take #{pin.id} was rendered for a different text; the "
                            "current render is used (pin a take of the new text)")
        elif not pin.exists:
            warnings.append(f"{label}: the pinned take #{pin.id} has no audio any more ({pin.audio_path}); the "
                            "current render is used")
        else:
            pinned[position] = pin
            continue
        rest.append(unit)
    return TakeChoice(RenderPlan(rest, plan.sizing, plan.warnings), pinned, warnings)


def with_takes(plan: RenderPlan, choice: TakeChoice, rendered: Iterable[RenderedPiece]) -> list[RenderedPiece]:
    """The pieces of ``plan`` in order: pinned takes where chosen, the rendered pieces elsewhere."""
    others = iter(rendered)
    pieces = []
    for position, unit in enumerate(plan.units):
        take = choice.pinned.get(position)
        if take is None:
            pieces.append(next(others))
        else:
            pieces.append(RenderedPiece(unit, take.audio_path, take.sample_rate, take.duration_ms, take.timestamps))
    return pieces


def paragraph_unit(plan: RenderPlan, chapter_index: int, paragraph_index: int) -> RenderUnit:
    """The unit of ``plan`` that speaks this paragraph (0-based); a silent or missing paragraph is the user's
    mistake."""
    for unit in plan.units:
        if unit.chapter_index == chapter_index and paragraph_index in unit.paragraphs:
            return unit
    raise BadInputError(f"chapter {chapter_index + 1}, paragraph {paragraph_index + 1}: no such paragraph with "
                        "text to render")


def is_paid_duplicate(project: Project, unit: RenderUnit) -> bool:
    """Whether rendering ``unit`` again would pay for a request whose audio the project already has."""
    return not traits(unit.engine).free and project.rendered_unit(unit.cache_key) is not None


def render_again(project: Project, unit: RenderUnit, engines: Callable[[str], Engine], *, force: bool = False,
                 **render_options: object) -> RenderedPiece:
    """A new take of ``unit``: the current audio (if any) is kept as a take, the request is synthesized again.

    Refuses an unchanged request to a billing engine unless ``force``: nothing is sent then."""
    from studio.render.runner import render_plan

    if is_paid_duplicate(project, unit) and not force:
        raise PaidDuplicateError(f"{unit.location}: nothing in the request changed since the last render, so "
                                 f"rendering it again on {traits(unit.engine).display_name} is paid for twice; "
                                 "pass --force to do it anyway")
    set_aside(project, unit.cache_key)
    [piece] = render_plan(RenderPlan([unit]), project, engines, **render_options)  # type: ignore[arg-type]
    return piece


def clean_takes(project: Project, plan: RenderPlan, *, chapter_index: int | None = None) -> tuple[int, int]:
    """Delete the takes that are neither pinned nor the current render of a paragraph (in one chapter, or all);
    returns (takes deleted, bytes freed)."""
    keep_keys = {u.cache_key for u in plan.units}
    pinned_ids = {t.id for t in pins(project).values()}
    current = {key: stored["audio_path"] for key in keep_keys
               if (stored := project.rendered_unit(key)) is not None}
    doomed = [t for t in all_takes(project, chapter_index)
              if t.id not in pinned_ids and current.get(t.cache_key) != t.audio_path]
    protected = {t.audio_path for t in all_takes(project) if t.id in pinned_ids} | set(current.values())
    doomed = [t for t in doomed if t.audio_path not in protected]
    return len(doomed), delete_takes(project, doomed)
