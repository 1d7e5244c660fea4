"""``run_check``: gather the evidence of every rendered unit of a project and run the checkers over it.

Planned exactly as render and export plan (``plan_project``), so the units judged are the ones the book is
exported from; units without audio are counted, not judged (``studio export`` already names them). The opening
and closing credits (``studio.render.credits_plan``) are judged too once either has audio: they are the first
and last thing a listener (and ACX's reviewer) hears.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from studio.core.project import Project
from studio.engines.timing import UnitTiming
from studio.qa.builtin import LONG_SILENCE_MS, learn_pace
from studio.qa.findings import BookEvidence, Checker, Finding, UnitEvidence, checker_factories
from studio.qa.signal_scan import ScanError, scan_wav

if TYPE_CHECKING:
    from studio.core.book import Book
    from studio.render.plan import RenderPlan, RenderUnit


#: progress(done, total): called from the thread that runs the check.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class CheckReport:
    """The outcome of one check of a project."""

    project: str
    title: str
    units_checked: int
    units_without_audio: int
    checkers: tuple[str, ...]
    findings: tuple[Finding, ...]
    pace: dict[str, float] = field(default_factory=dict)  # "engine/voice" -> typical characters per second
    units_without_echo: int = 0  # units whose voice gave no sentence timing (coverage not checked)

    @property
    def clean(self) -> bool:
        return not self.findings

    def to_dict(self) -> dict[str, Any]:
        return {"project": self.project, "title": self.title, "units_checked": self.units_checked,
                "units_without_audio": self.units_without_audio, "units_without_echo": self.units_without_echo,
                "checkers": list(self.checkers), "pace_chars_per_s": self.pace,
                "findings": [f.to_dict() for f in self.findings]}


def collect_evidence(project: Project, *, progress: Progress | None = None,
                     cancel: threading.Event | None = None) -> tuple[list[UnitEvidence], int]:
    """Evidence of each rendered unit of the project's current plan (with the credits, when the project uses
    them), and how many units have no audio."""
    from studio.render.credits_plan import is_credit
    from studio.render.job_store import plan_project

    book = project.load_book()
    plan = with_rendered_credits(project, book, plan_project(project, book))
    units, missing = [], 0
    first: dict[str, RenderUnit] = {}
    for unit in plan.units:
        first.setdefault(unit.cache_key, unit)  # units sharing a cache key share their audio: check it once
    todo = list(first.values())
    for done, unit in enumerate(todo):
        if cancel is not None and cancel.is_set():
            break
        stored = project.rendered_unit(unit.cache_key)
        if stored is None:
            missing += 1
            continue
        gap = unit.request.paragraph_gap_ms
        try:
            scan, error = scan_wav(stored["audio_path"], min_silence_ms=min(LONG_SILENCE_MS, gap + 2000)), ""
        except ScanError as exc:
            scan, error = None, str(exc)
        units.append(UnitEvidence(
            unit.cache_key, str(stored["engine"]), str(stored["voice"]), unit.chapter_index,
            "" if is_credit(unit) else book.chapters[unit.chapter_index].title, unit.paragraphs,
            tuple(unit.request.paragraphs),
            stored["audio_path"], int(stored["duration_ms"]), UnitTiming.from_json(stored["timestamps"]), gap,
            scan, error, unit.request.speed))
        if progress is not None:
            progress(done + 1, len(todo))
    return units, missing


def with_rendered_credits(project: Project, book: Book, plan: RenderPlan) -> RenderPlan:
    """``plan`` with the opening and closing credits when the project has audio for either (the author uses
    credits: both are judged, and one without audio is counted as such); unchanged otherwise."""
    from studio.render.credits_plan import plan_with_credits, project_credit_units

    credits = project_credit_units(project, book, plan)
    if not any(project.rendered_unit(u.cache_key) is not None for u in credits):
        return plan
    return plan_with_credits(plan, credits)


def run_check(project: Project, *, checkers: Sequence[Checker] | None = None, progress: Progress | None = None,
              cancel: threading.Event | None = None) -> CheckReport:
    """Check every rendered unit; findings come in book order."""
    if checkers is None:
        checkers = [factory() for factory in checker_factories().values()]
    units, missing = collect_evidence(project, progress=progress, cancel=cancel)
    pace = learn_pace(units)
    book = BookEvidence(pace)
    findings: list[Finding] = []
    for unit in units:
        for checker in checkers:
            findings.extend(checker.check(unit, book))
    findings.sort(key=lambda f: f.order)
    title = project.load_book().title
    return CheckReport(str(project.folder), title, len(units), missing, tuple(c.name for c in checkers),
                       tuple(findings), {f"{e}/{v}": round(p[1], 2) for (e, v), p in pace.items()},
                       sum(1 for u in units if not (u.timing.sentences or u.timing.words)))
