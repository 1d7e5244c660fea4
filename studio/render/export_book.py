"""Project -> finished export: plan the book (plus spoken chapter titles), render what the cache lacks, export.

The one export pipeline: ``studio export``, ``studio render -o``, the window's Export dialog and the self-test
all call ``export_project`` with an ``ExportOptions`` (how to export: ``studio.audio.export``) they built
themselves, so all of them produce the same files. (There used to be a second settings type and a wrapper,
``studio.render.audiobook``; see docs/decisions/0008-render-session.md.) Spoken
titles are ordinary render units (one per chapter, the title as its only paragraph, in the chapter's voice)
that go through the same engines and the same content-addressed cache as the text, so turning them on
costs one short synthesis per chapter once, and nothing on later exports.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from studio.audio.export import (
    ExportOptions,
    ExportResult,
    check_destination,
    check_options,
    checked_cover,
    export_audiobook,
)
from studio.audio.pieces import Piece, TimedText
from studio.audio.staging import sweep_export_litter
from studio.audio.stitch import ChapterAudio
from studio.audio.tags import BookInfo
from studio.core.book import Book, VoiceSettings
from studio.core.errors import InputError
from studio.core.project import Project
from studio.engines.base import Engine, SynthesisRequest
from studio.engines.registry import EngineOptions, EngineSet, traits
from studio.engines.timing import Timestamp
from studio.render.job_store import plan_project
from studio.render.plan import AudioRequestOptions, RenderPlan, RenderUnit, cache_key, check_plan
from studio.render.retry import RetryPolicy
from studio.render.runner import ProgressCallback, RenderedPiece, render_plan
from studio.render.takes_plan import choose_takes, with_takes

#: ``paragraph_index`` of a spoken-title unit: before every paragraph of its chapter.
TITLE_PARAGRAPH = -1


def format_for(output: Path) -> str:
    """The export format an output file name asks for (.m4b/.m4a, .mp3, .wav, .flac); anything else is the
    user's to fix."""
    from studio.audio.formats import FORMAT_BY_EXTENSION

    fmt = FORMAT_BY_EXTENSION.get(Path(output).suffix.lower())
    if fmt is None:
        raise InputError(f"output must end in {', '.join(FORMAT_BY_EXTENSION)}", path=output)
    return fmt


@dataclass(frozen=True)
class BookExportResult:
    export: ExportResult
    chapters: int
    units_rendered: int
    units_cached: int
    warnings: list[str] = field(default_factory=list)  # from the render plan (e.g. emotions a voice ignores)

    @property
    def output(self) -> Path:
        return self.export.files[0].path

    @property
    def duration_ms(self) -> float:
        return self.export.duration_ms


def plan_with_titles(book: Book, plan: RenderPlan, *, override: VoiceSettings | None = None,
                     audio: AudioRequestOptions | None = None) -> RenderPlan:
    """``plan`` with a title unit in front of each chapter that has text, spoken in the chapter's voice."""
    audio = audio or AudioRequestOptions()
    by_chapter: dict[int, list[RenderUnit]] = {}
    for unit in plan.units:
        by_chapter.setdefault(unit.chapter_index, []).append(unit)
    units: list[RenderUnit] = []
    for ci, chapter_units in sorted(by_chapter.items()):
        chapter = book.chapters[ci]
        title = chapter.title.strip()
        if title:
            voice = book.effective_voice(chapter)
            if override is not None:
                voice = override.merged_over(voice)
            assert voice.engine is not None and voice.voice is not None
            cloud = traits(voice.engine).audio_options  # as plan_book: the offline engine has one output format
            request = SynthesisRequest(voice=voice.voice, paragraphs=(title,), speed=voice.speed or 1.0,
                                       pitch=voice.pitch or 1.0,
                                       volume=voice.volume if voice.volume is not None else 1.0,
                                       sample_rate=audio.sample_rate if cloud else None,
                                       audio_format=audio.audio_format if cloud else None)
            units.append(RenderUnit(ci, TITLE_PARAGRAPH, voice.engine, request, cache_key(voice.engine, request)))
        units.extend(chapter_units)
    return RenderPlan(units)


def piece_of(rendered: RenderedPiece) -> Piece:
    """A rendered unit as the audio layer wants it: file, timestamps, fallback text, kind."""
    timing = rendered.timing

    def timed(stamps: Sequence[Timestamp]) -> tuple[TimedText, ...]:
        return tuple(TimedText(t.text, float(t.begin_ms), float(t.end_ms), t.paragraph) for t in stamps)

    kind = "title" if rendered.unit.paragraph_index == TITLE_PARAGRAPH else "paragraph"
    offsets = tuple(float(o) for o in timing.paragraph_offsets_ms)
    request = rendered.unit.request
    return Piece(Path(rendered.audio_path), timed(timing.sentences), timed(timing.words), "\n".join(request.paragraphs),
                 kind, paragraph_offsets_ms=offsets, paragraph_gap_in_audio_ms=request.paragraph_gap_ms)


def pause_after(book: Book, rendered: RenderedPiece) -> int | None:
    """The author's pause after the unit's last paragraph (paragraph, chapter or book setting), None: none set."""
    unit = rendered.unit
    if unit.paragraph_index < 0:
        return None
    chapter = book.chapters[unit.chapter_index]
    return book.effective_voice(chapter, chapter.paragraphs[unit.paragraphs[-1]]).pause_after_ms


def chapters_of(book: Book, pieces: Sequence[RenderedPiece]) -> list[ChapterAudio]:
    """Group rendered pieces by chapter, in book order; a chapter with no text (only a title) is left out."""
    by_chapter: dict[int, list[Piece]] = {}
    for rendered in pieces:
        piece = replace(piece_of(rendered), pause_after_ms=pause_after(book, rendered))
        by_chapter.setdefault(rendered.unit.chapter_index, []).append(piece)
    return [ChapterAudio(book.chapters[ci].title, items) for ci, items in sorted(by_chapter.items())
            if any(p.kind == "paragraph" for p in items)]


def book_info(book: Book, **overrides: Any) -> BookInfo:
    """Tags from the book's own metadata (title, author, year from ``date``, description), then overrides.

    ``overrides`` may set title, author, narrator, year, description, cover; None or "" keeps the book's.
    """
    meta = book.metadata or {}
    year = str(meta.get("year") or "")
    if not year:
        found = re.search(r"\b(\d{4})\b", str(meta.get("date") or ""))
        year = found.group(1) if found else ""
    info = BookInfo(title=book.title, author=book.author or "", narrator=str(meta.get("narrator") or ""),
                    year=year, description=str(meta.get("description") or ""))
    given = {k: v for k, v in overrides.items() if v not in (None, "")}
    unknown = set(given) - {"title", "author", "narrator", "year", "description", "cover"}
    if unknown:
        raise TypeError(f"unknown book info: {', '.join(sorted(unknown))}")
    if "cover" in given:
        given["cover"] = Path(given["cover"])
    return replace(info, **given)


def export_project(
    project: Project,
    output: Path,
    options: ExportOptions | None = None,
    *,
    info: dict[str, Any] | None = None,
    spoken_titles: bool = False,
    voice: VoiceSettings | None = None,
    audio: AudioRequestOptions | None = None,
    render_progress: ProgressCallback | None = None,
    export_progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
    engine_options: EngineOptions | None = None,
    retry: RetryPolicy | None = None,
    engines: Callable[[str], Engine] | None = None,
    temp_dir: Path | None = None,
    prices: Mapping[str, float] | None = None,
    on_warnings: Callable[[list[str]], None] | None = None,
    max_in_flight: Mapping[str, int] | None = None,
) -> BookExportResult:
    """Render what is missing (cached per unit), then export with ``options`` to ``output``.

    ``options`` default to the studio's defaults (normalized loudness) in the format ``output``'s extension
    names. ``info`` overrides the book's tags (title, author, narrator, year, description, cover). ``voice``
    overrides the book's voice; ``audio``, ``engine_options``, ``retry`` and ``max_in_flight`` shape the render;
    ``engines`` replaces the ``EngineSet`` altogether (tests, or a GUI that owns its engines). Export options
    are checked before anything is synthesized, so a typo costs no render. ``on_warnings`` hears the plan's
    warnings (emotions a voice cannot speak) before anything is sent; ``prices`` feed the render events' cost
    estimate.
    """
    options = options or ExportOptions(format=format_for(output))
    check_options(options)
    check_destination(output, options)
    sweep_export_litter(output, temp_dir)  # a killed export's folders go now, even if this render fails
    book = project.load_book()
    tags = book_info(book, **(info or {}))
    checked_cover(tags.cover)
    plan = plan_project(project, book, override=voice, audio=audio)
    if not plan.units:
        raise InputError("the book has no text to render", path=project.folder)
    if spoken_titles:
        plan = plan_with_titles(book, plan, override=voice, audio=audio)
    warnings = check_plan(plan)
    full_plan, choice = plan, choose_takes(project, book, plan)  # pinned takes answer their paragraphs
    plan, warnings = choice.to_render, warnings + choice.warnings
    if on_warnings is not None and warnings:
        on_warnings(warnings)  # before anything is sent: the user may still stop and change the voice
    distinct = {u.cache_key for u in plan.units}
    cached = sum(1 for key in distinct if project.rendered_unit(key) is not None)
    if engines is not None:
        pieces = render_plan(plan, project, engines, progress=render_progress, cancel=cancel, retry=retry,
                             prices=prices, max_in_flight=max_in_flight)
    else:
        with EngineSet(options=engine_options or EngineOptions()) as owned:
            pieces = render_plan(plan, project, owned, progress=render_progress, cancel=cancel, retry=retry,
                                 prices=prices, max_in_flight=max_in_flight)
    chapters = chapters_of(book, with_takes(full_plan, choice, pieces))
    result = export_audiobook(chapters, output, tags, options, progress_cb=export_progress, cancel_event=cancel,
                              temp_dir=temp_dir)
    return BookExportResult(result, len(chapters), len(distinct) - cached, cached, warnings)
