"""Audio to listen to: the book's rendered units in order, a preview of some paragraphs, one lone request.

Why Qt-free: what "the book's audio so far" is (the project's plan, with grouped units rendered from the
command line playing too) and what a preview renders (a one-chapter book with the same voices, so the same
cache keys as the full render: a previewed paragraph is already rendered when the book is) are pipeline
questions; the window only plays the files and highlights sentences.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.core.book import Book, Chapter, Paragraph
from studio.core.project import Project
from studio.engines import one_shot
from studio.engines.base import Engine, SynthesisRequest, SynthesisResult

if TYPE_CHECKING:  # the scheduler is imported when a preview runs, not when the window asks for a preview book
    from studio.render.events import ProgressCallback
    from studio.render.runner import RenderedPiece


@dataclass(frozen=True)
class RenderedItem:
    """One rendered unit of the book: its audio and where it belongs."""

    chapter_index: int
    paragraphs: tuple[int, ...]
    audio_path: Path
    duration_ms: int
    timestamps: dict[str, Any]


def rendered_items(project: Project, book: Book) -> tuple[list[RenderedItem], int]:
    """The book's units that have audio, in book order, and how many paragraphs have none yet."""
    from studio.render.job_store import plan_project

    items, missing = [], 0
    for unit in plan_project(project, book).units:
        stored = project.rendered_unit(unit.cache_key)
        if stored is None:
            missing += len(unit.paragraphs)
            continue
        items.append(RenderedItem(unit.chapter_index, unit.paragraphs, Path(stored["audio_path"]),
                                  int(stored["duration_ms"]), stored["timestamps"]))
    return items, missing


def book_of_paragraphs(book: Book, chapter: Chapter, paragraphs: Sequence[int]) -> Book:
    """The book reduced to some paragraphs of one chapter, with the same voices (so the same cache keys)."""
    kept = [Paragraph(chapter.paragraphs[i].text, list(chapter.paragraphs[i].emotions), chapter.paragraphs[i].voice,
                      readings=list(chapter.paragraphs[i].readings)) for i in paragraphs]
    return Book(book.title, voice=book.voice, chapters=[Chapter(chapter.title, kept, voice=chapter.voice)],
                lexicon=list(book.lexicon))  # a preview speaks the words as the render will


def render_preview(project: Project, preview: Book, engines: Callable[[str], Engine], *,
                   cancel: threading.Event | None = None,
                   progress: ProgressCallback | None = None) -> list[RenderedPiece]:
    """Render (or take from the cache) a ``book_of_paragraphs``; one piece per paragraph, in order.

    Not remembered as "the last render" (``studio status`` keeps showing the book's render).
    """
    from studio.render.lanes import SchedulerConfig
    from studio.render.plan import plan_book
    from studio.render.runner import render_plan

    return render_plan(plan_book(preview), project, engines, cancel=cancel, progress=progress,
                       config=SchedulerConfig(remember_plan=False))


def synthesize_once(engine: Engine, request: SynthesisRequest, dest: Path,
                    cancel: threading.Event) -> SynthesisResult:
    """Submit, poll and fetch one request with any engine (for auditions, which have no project).

    Polls soon and then less often (20 ms growing to 1 s): an audition is short and the user is waiting."""
    return one_shot.synthesize_once(engine, request, dest, label=engine.name, cancel=cancel, first_wait_s=0.02,
                                    max_wait_s=1.0, cancelled_message="audition cancelled")
