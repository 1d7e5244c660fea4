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

import dataclasses
import hashlib
import json
import logging
import os
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from studio.audio.chapter_ahead import aac_book
from studio.audio.export import (
    ExportOptions,
    ExportResult,
    check_destination,
    check_options,
    checked_cover,
    export_audiobook,
)
from studio.audio.export_stamp import STAMPED_FORMATS, read_stamp
from studio.audio.pieces import Piece, TimedText
from studio.audio.report import result_from_dict
from studio.audio.retail_sample import SampleLength, export_retail_sample
from studio.audio.staging import sweep_export_litter
from studio.audio.stitch import ChapterAudio
from studio.audio.tags import BookInfo
from studio.core.book import Book, VoiceSettings
from studio.core.credits import CreditTexts, credit_texts
from studio.core.errors import InputError
from studio.core.lexicon import ReadingSpan
from studio.core.project import Project
from studio.engines.base import Engine, SynthesisRequest
from studio.engines.registry import EngineOptions, EngineSet, traits
from studio.engines.timing import Timestamp
from studio.render.chapter_pipeline import ChapterPipeline
from studio.render.credits_plan import CREDIT_TITLES, book_voice, credit_units, plan_with_credits, split_credits
from studio.render.events import RenderProgress
from studio.render.job_store import plan_project
from studio.render.lanes import SchedulerConfig
from studio.render.plan import AudioRequestOptions, RenderPlan, RenderUnit, cache_key, check_plan
from studio.render.retry import RetryPolicy
from studio.render.runner import ProgressCallback, RenderedPiece, render_plan
from studio.render.takes_plan import TakeChoice, choose_takes, with_takes

log = logging.getLogger("studio.render.export_book")

#: ``paragraph_index`` of a spoken-title unit: before every paragraph of its chapter.
TITLE_PARAGRAPH = -1
#: Part of every export digest: bump when the exporter changes what it writes for the same inputs.
EXPORT_DIGEST_VERSION = 2
#: Folders in the project's cache: encoded chapters, and the reports of stamped exports.
ENCODED_DIR = "encoded"
EXPORTS_DIR = "exports"


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
    #: the output already held exactly this export (its stamp matched): nothing was rendered or encoded
    up_to_date: bool = False
    #: chapters encoded while the render was still running, and when the first one was ready (seconds
    #: after the render started): the pipeline's figures
    encoded_ahead: int = 0
    first_chapter_s: float | None = None
    #: a retail preset's compliance report (``studio.audio.compliance``), when the caller asked for one
    compliance: Any = None
    #: the retail sample written next to the chapters (``retail_sample``), and whether credits were exported
    retail_sample: Path | None = None
    credits: bool = False

    @property
    def output(self) -> Path:
        return self.export.files[0].path

    @property
    def duration_ms(self) -> float:
        return self.export.duration_ms


def plan_with_titles(book: Book, plan: RenderPlan, *, override: VoiceSettings | None = None,
                     audio: AudioRequestOptions | None = None) -> RenderPlan:
    """``plan`` with a title unit in front of each chapter that has text, spoken in the chapter's voice and read
    through the book's lexicon like its paragraphs (a name in a title sounds as it does in the text). A title
    the lexicon does not touch is sent as before, so its cached audio keeps its key: a lexicon edit re-renders
    only the titles that hold the word."""
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
            facts = traits(voice.engine)
            cloud = facts.audio_options  # as plan_book: the offline engine has one output format
            spoken = title
            readings: tuple[ReadingSpan, ...] = ()
            if book.lexicon:
                from studio.core.pronounce import compile_paragraph

                compiled = compile_paragraph(title, (), (), book.lexicon, ssml=facts.ssml)
                spoken, readings = compiled.text, compiled.readings
            request = SynthesisRequest(voice=voice.voice, paragraphs=(spoken,), speed=voice.speed or 1.0,
                                       pitch=voice.pitch or 1.0,
                                       volume=voice.volume if voice.volume is not None else 1.0,
                                       sample_rate=audio.sample_rate if cloud else None,
                                       audio_format=audio.audio_format if cloud else None,
                                       readings=(readings,) if readings else ())
            units.append(RenderUnit(ci, TITLE_PARAGRAPH, voice.engine, request, cache_key(voice.engine, request),
                                    written=(title,)))
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
    if unit.part and unit.part[0] < unit.part[1] - 1:
        from studio.render.voice_split import PART_PAUSE_MS

        if unit.pause_after_ms is not None:
            return unit.pause_after_ms  # the author's pause inside the paragraph (no SSML to send it with)
        return PART_PAUSE_MS  # another voice of the same paragraph follows: a breath, not a paragraph gap
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


def export_digest(project: Project, book: Book, plan: RenderPlan, tags: BookInfo, options: ExportOptions,
                  choice: TakeChoice | None = None) -> str:
    """Content hash of an export: every unit in order (its cache key and its audio file's size and time),
    the pinned takes used instead of some, the authors' pauses after paragraphs, the chapter titles, the tags
    (the cover by its bytes), the options and the exporter's version.

    Call only when every unit has audio. Equal digests mean the same file would be written again."""
    units = []
    for unit in plan.units:
        stored = project.rendered_unit(unit.cache_key)
        assert stored is not None
        st = os.stat(stored["audio_path"])
        units.append([unit.chapter_index, unit.paragraph_index, unit.cache_key, st.st_size, st.st_mtime_ns])
    cover = tags.cover
    fields = {
        "version": EXPORT_DIGEST_VERSION, "units": units,
        "takes": sorted([pos, take.id, str(take.audio_path)]
                        for pos, take in (choice.pinned if choice else {}).items()),
        "pauses": [[ci, pi, book.effective_voice(c, para).pause_after_ms]
                   for ci, c in enumerate(book.chapters) for pi, para in enumerate(c.paragraphs)
                   if book.effective_voice(c, para).pause_after_ms is not None],
        "titles": [c.title for c in book.chapters],
        "tags": {k: str(v) for k, v in dataclasses.asdict(tags).items() if k != "cover"},
        "cover": hashlib.sha256(cover.read_bytes()).hexdigest() if cover is not None and cover.is_file() else None,
        "options": repr(options),
    }
    return hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def _kept_export(project: Project, output: Path, options: ExportOptions, digest: str) -> ExportResult | None:
    """The report of the export already at ``output`` when it carries ``digest``, else None."""
    fmt = options.spec.name
    if options.format == "chapters" or options.split_hours is not None or fmt not in STAMPED_FORMATS:
        return None
    dest = check_destination(output, options)
    if read_stamp(dest, fmt) != digest:
        return None
    try:
        data = json.loads((project.cache_dir / EXPORTS_DIR / f"{digest}.json").read_text(encoding="utf-8"))
        result = result_from_dict(data, options.loudness)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.info("the export at %s is stamped but its report is gone (%s): exporting again", dest, exc)
        return None
    if [f.path for f in result.files] != [dest] or any(not p.is_file() for p in result.paths):
        return None
    return result


def _keep_report(project: Project, digest: str, result: ExportResult) -> None:
    folder = project.cache_dir / EXPORTS_DIR
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".{digest}.json"
        partial.write_text(json.dumps(result.to_dict(), ensure_ascii=False), encoding="utf-8")
        os.replace(partial, folder / f"{digest}.json")
    except OSError as exc:  # the export itself is done; the next run just exports again
        log.warning("could not keep the export's report in %s: %s", folder, exc)


@dataclass(frozen=True)
class ExportPlan:
    """What an export plays (``full``: text, spoken titles, credits) and what of it must be rendered
    (``choice.to_render``: pinned takes answer the rest). One function builds it, so the window's estimate
    before an export counts exactly what the export then renders."""

    full: RenderPlan
    choice: TakeChoice
    warnings: list[str]


def plan_export(project: Project, book: Book, tags: BookInfo, *, spoken_titles: bool = False, credits: bool = False,
                voice: VoiceSettings | None = None, audio: AudioRequestOptions | None = None) -> ExportPlan:
    """The export's plan as ``export_project`` renders it (refusals raise here, before anything is sent)."""
    plan = plan_project(project, book, override=voice, audio=audio)
    if not plan.units:
        raise InputError("the book has no text to render", path=project.folder)
    if spoken_titles:
        plan = plan_with_titles(book, plan, override=voice, audio=audio)
    if credits:
        said: list[str] = []  # where the lexicon cannot be said exactly in a credit (check_plan reports it)
        plan = plan_with_credits(plan, credit_units(book, book_credits(project, book, tags, voice), plan,
                                                    override=voice, audio=audio, warnings=said), said)
    warnings = check_plan(plan)
    choice = choose_takes(project, book, plan)  # pinned takes answer their paragraphs
    return ExportPlan(plan, choice, warnings + choice.warnings)


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
    pipelined: bool = True,
    credits: bool = False,
    retail_sample: SampleLength | None = None,
) -> BookExportResult:
    """Render what is missing (cached per unit), then export with ``options`` to ``output``.

    ``options`` default to the studio's defaults (normalized loudness) in the format ``output``'s extension
    names. ``info`` overrides the book's tags (title, author, narrator, year, description, cover). ``voice``
    overrides the book's voice; ``audio``, ``engine_options``, ``retry`` and ``max_in_flight`` shape the render;
    ``engines`` replaces the ``EngineSet`` altogether (tests, or a GUI that owns its engines). Export options
    are checked before anything is synthesized, so a typo costs no render. ``on_warnings`` hears the plan's
    warnings (emotions a voice cannot speak) before anything is sent; ``prices`` feed the render events' cost
    estimate.
    ``pipelined`` (M4B/M4A): chapters are encoded while the rest renders (``chapter_pipeline``).
    ``credits``: the opening and closing credits (``studio.core.credits``, rendered like any unit) become the
    first and last files or chapters. ``retail_sample``: a 1-5 minute sample cut from the start of the book is
    written next to the export (``studio.audio.retail_sample``).
    """
    options = options or ExportOptions(format=format_for(output))
    check_options(options)
    check_destination(output, options)
    sweep_export_litter(output, temp_dir)  # a killed export's folders go now, even if this render fails
    book = project.load_book()
    tags = book_info(book, **(info or {}))
    checked_cover(tags.cover)
    planned = plan_export(project, book, tags, spoken_titles=spoken_titles, credits=credits, voice=voice,
                          audio=audio)
    full_plan, choice, warnings = planned.full, planned.choice, planned.warnings
    plan = choice.to_render
    if on_warnings is not None and warnings:
        on_warnings(warnings)  # before anything is sent: the user may still stop and change the voice
    distinct = {u.cache_key for u in plan.units}
    cached = sum(1 for key in distinct if project.rendered_unit(key) is not None)
    digest = export_digest(project, book, plan, tags, options, choice) if cached == len(distinct) else None
    if digest is not None:
        kept = _kept_export(project, output, options, digest)
        if kept is not None:
            return BookExportResult(kept, len(kept.files[0].chapters), 0, cached, warnings, up_to_date=True)
    # pinned takes answer paragraphs outside the render plan: the chapter encoder would miss them
    # (credits, too: their units sit in the first and last chapters' places)
    pipeline = _pipeline(project, book, plan, options, temp_dir) if pipelined and not choice.pinned and not credits \
        else None
    progress = render_progress
    if pipeline is not None:
        pipeline.start()
        progress = _both(render_progress, pipeline.on_event)
    # pipelined, units start in book order so chapters complete (and get encoded) one after another from the
    # start, instead of all near the end as with largest-first; for a book of many similar units that costs
    # the render little, and it lets the encodes hide behind it
    config = SchedulerConfig(order="plan") if pipeline is not None else None
    try:
        if engines is not None:
            pieces = render_plan(plan, project, engines, progress=progress, cancel=cancel, retry=retry,
                                 prices=prices, max_in_flight=max_in_flight, config=config)
        else:
            with EngineSet(options=engine_options or EngineOptions()) as owned:
                pieces = render_plan(plan, project, owned, progress=progress, cancel=cancel, retry=retry,
                                     prices=prices, max_in_flight=max_in_flight, config=config)
    except BaseException:
        if pipeline is not None:
            pipeline.close(cancel=True)
        raise
    if pipeline is not None:
        pipeline.close()
    split = split_credits(with_takes(full_plan, choice, pieces))
    body = chapters_of(book, split.body)
    chapters = [*credit_chapters(split.opening), *body, *credit_chapters(split.closing)]
    digest = export_digest(project, book, plan, tags, options, choice)
    result = export_audiobook(chapters, output, tags, options, progress_cb=export_progress, cancel_event=cancel,
                              temp_dir=temp_dir, chapter_cache=project.cache_dir / ENCODED_DIR, stamp=digest)
    _keep_report(project, digest, result)
    sample = None
    if retail_sample is not None:
        folder = output if options.format == "chapters" else output.parent
        sample = export_retail_sample(body, folder, tags, options, length=retail_sample, temp_dir=temp_dir,
                                      cancel=cancel)
    return BookExportResult(result, len(chapters), len(distinct) - cached, cached, warnings,
                            encoded_ahead=pipeline.encoded_ahead if pipeline is not None else 0,
                            first_chapter_s=pipeline.first_encoded_s if pipeline is not None else None,
                            retail_sample=sample, credits=credits)


def book_credits(project: Project, book: Book, tags: BookInfo, voice: VoiceSettings | None = None) -> CreditTexts:
    """The credits an export speaks: the author's texts, else generated from the tags it writes."""
    return credit_texts(project, book, book_voice(book, voice), title=tags.title, author=tags.author,
                        narrator=tags.narrator or None)


def credit_chapters(pieces: Sequence[RenderedPiece]) -> list[ChapterAudio]:
    """Rendered credits as a chapter (file) of their own, or nothing when there are none."""
    if not pieces:
        return []
    return [ChapterAudio(CREDIT_TITLES[pieces[0].unit.paragraph_index], [piece_of(p) for p in pieces])]


def _pipeline(project: Project, book: Book, plan: RenderPlan, options: ExportOptions,
              temp_dir: Path | None) -> ChapterPipeline | None:
    """Encoding ahead for the chapters of an M4B/M4A book (``chapter_pipeline``), else None."""
    if not aac_book(options):
        return None
    text = sorted({u.chapter_index for u in plan.units if u.paragraph_index != TITLE_PARAGRAPH})
    def paused_piece(rendered: RenderedPiece) -> Piece:  # the author's pause after a paragraph is part of the gap
        return replace(piece_of(rendered), pause_after_ms=pause_after(book, rendered))

    return ChapterPipeline(project, plan, options, project.cache_dir / ENCODED_DIR, piece_of=paused_piece,
                           text_chapters=text, titles=[c.title for c in book.chapters], temp_dir=temp_dir)


def _both(first: ProgressCallback | None, second: ProgressCallback) -> ProgressCallback:
    def relay(event: RenderProgress) -> None:
        second(event)
        if first is not None:
            first(event)
    return relay
