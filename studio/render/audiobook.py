"""Project -> finished audiobook: plan, render (cached), stitch and encode with chapter marks.

The same function serves ``studio render`` and the GUI's render action.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from studio.audio import ChapterAudio, StitchResult, write_m4b
from studio.core.book import VoiceSettings
from studio.core.errors import InputError
from studio.core.project import Project
from studio.engines.registry import EngineOptions, EngineSet
from studio.render.plan import AudioRequestOptions, check_plan, plan_book
from studio.render.retry import RetryPolicy
from studio.render.runner import ProgressCallback, render_plan


@dataclass(frozen=True)
class ExportSettings:
    paragraph_gap_ms: int = 600
    chapter_gap_ms: int = 1500
    bitrate: str = "64k"


@dataclass(frozen=True)
class AudiobookResult:
    output: Path
    chapters: int
    duration_ms: float
    units_rendered: int
    units_cached: int
    stitch: StitchResult
    warnings: list[str] = field(default_factory=list)


def produce_audiobook(
    project: Project,
    output: Path,
    *,
    voice: VoiceSettings | None = None,
    settings: ExportSettings | None = None,
    render_progress: ProgressCallback | None = None,
    export_progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
    local_workers: int | None = None,
    audio: AudioRequestOptions | None = None,
    engine_options: EngineOptions | None = None,
    retry: RetryPolicy | None = None,
) -> AudiobookResult:
    """Render what is missing from the cache, then write ``output`` (M4B) with one mark per chapter."""
    settings = settings or ExportSettings()
    book = project.load_book()
    plan = plan_book(book, override=voice, audio=audio)
    warnings = check_plan(plan)
    if not plan.units:
        raise InputError("the book has no text to render", path=project.folder)
    cached_before = sum(1 for u in plan.units if project.rendered_unit(u.cache_key) is not None)
    options = engine_options or EngineOptions(local_workers=local_workers)
    with EngineSet(options=options) as engines:
        pieces = render_plan(plan, project, engines, progress=render_progress, cancel=cancel, retry=retry)
    by_chapter: dict[int, list[Path]] = {}
    for piece in pieces:
        by_chapter.setdefault(piece.unit.chapter_index, []).append(piece.audio_path)
    chapters = [ChapterAudio(title=book.chapters[ci].title, pieces=paths)
                for ci, paths in sorted(by_chapter.items())]
    tags = {k: str(v) for k, v in book.metadata.items() if k in ("date", "year", "publisher", "description")}
    stitch = write_m4b(chapters, output, title=book.title, author=book.author,
                       paragraph_gap_ms=settings.paragraph_gap_ms, chapter_gap_ms=settings.chapter_gap_ms,
                       bitrate=settings.bitrate, progress_cb=export_progress, cancel_event=cancel,
                       extra_tags=tags)
    return AudiobookResult(output=stitch.output, chapters=len(stitch.chapters), duration_ms=stitch.duration_ms,
                           units_rendered=len(plan.units) - cached_before, units_cached=cached_before,
                           stitch=stitch, warnings=warnings)
