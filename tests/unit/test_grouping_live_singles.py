"""A re-plan keeps one-paragraph units that are already at the vendor.

Content-defined cuts can leave single paragraphs as units of their own. A one-paragraph unit carries no
paragraph gap in its parameters, so it is filed under other parameters than the grouped run around it; a
re-plan after a crash once missed such units and merged two neighbours into a new unit, paying the vendor for
their text a second time while their first tasks were still running.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from studio.core.book import Book, Chapter, Paragraph, VoiceSettings
from studio.core.project import Project
from studio.render.job_store import JobStore, ProjectKnownUnits, plan_project
from studio.render.plan import AudioRequestOptions

TARGET = 120


def night_book() -> Book:
    chapters = [Chapter(f"第{c + 1}章 夜", [Paragraph(f"第{c + 1}章第{p + 1}段。天黑了，虫子还在唱。")
                                         for p in range(16)]) for c in range(3)]
    return Book("夜", voice=VoiceSettings(engine="aliyun", voice="zhimi_emo"), chapters=chapters)


def test_single_paragraph_units_at_the_vendor_stay_units_of_their_own(tmp_path: Path) -> None:
    audio = AudioRequestOptions(unit_chars=TARGET)
    with Project.create(tmp_path / "p", night_book()) as project:
        first = plan_project(project, audio=audio)
        singles = [u for u in first.units if len(u.request.paragraphs) == 1]
        assert any(b.paragraph_index == a.paragraph_index + 1 and b.chapter_index == a.chapter_index
                   for a, b in itertools.pairwise(singles)), "the book no longer has neighbouring singles"
        store = JobStore(project)
        store.ensure(first.units, cached=set(), target_chars=TARGET)
        for n, unit in enumerate(singles):
            store.submitted(unit.cache_key, f"task-{n}", attempts=1)
        # What a restarted render plans: every single at the vendor is still its own unit, nothing new to pay.
        again = plan_project(project, audio=audio)
        assert [u.cache_key for u in again.units] == [u.cache_key for u in first.units]
        # Only the live tasks known (no plan remembered with this target): still no regrouping of the singles.
        known = ProjectKnownUnits(project, target_chars=None)
        assert all(known.has(u.cache_key) for u in singles)


def test_a_failed_task_does_not_keep_its_unit_alive(tmp_path: Path) -> None:
    """A task that failed at the vendor has no audio to fetch (the scheduler clears its id): its grouping is not
    worth keeping when no size is asked for (paragraphs that have audio of their own stay one-paragraph units).
    A failed unit whose vendor task finished keeps its id, and its grouping: the next render downloads it."""
    audio = AudioRequestOptions(unit_chars=TARGET)
    with Project.create(tmp_path / "p", night_book()) as project:
        first = plan_project(project, audio=audio)
        grouped = next(u for u in first.units if len(u.request.paragraphs) > 1)
        store = JobStore(project)
        store.ensure(first.units, cached=set(), target_chars=TARGET)
        store.submitted(grouped.cache_key, "task-x", attempts=1)
        assert grouped.cache_key in {u.cache_key for u in plan_project(project).units}  # alive: kept
        store.update(grouped.cache_key, state="failed")  # the download ran out of attempts: the task is kept
        assert grouped.cache_key in {u.cache_key for u in plan_project(project).units}
        store.update(grouped.cache_key, state="failed", task_id=None, submitted_at=None)  # the vendor failed it
        assert grouped.cache_key not in {u.cache_key for u in plan_project(project).units}
