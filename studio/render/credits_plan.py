"""Opening and closing credits as render units, and their audio as the first and last "chapters" of an export.

Credits are spoken like spoken chapter titles (``export_book.plan_with_titles``): ordinary render units in the
book's voice, so they go through the same engines, the same content-addressed cache, the same job store (a
render that stops resumes them) and the same cost estimate as the text. Editing a credit changes only its own
unit's cache key, so only the credit is rendered again. A credit unit sits in the first (opening) or last
(closing) chapter's place in the plan, marked by its ``paragraph_index``, and is taken out again before the
chapters are assembled (``split_credits``).

Credits are read through the book's pronunciation lexicon like every paragraph (``studio.core.pronounce``,
compiled per engine: SSML readings in the request and its cache key, substituted text elsewhere), so the
author's name or the title sounds the same in the credits as in the book, and a lexicon edit re-renders the
credit that contains the word. A credit that no entry touches keeps the request (and cache key) it always had.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from studio.core.book import Book, VoiceSettings
from studio.core.credits import CreditTexts, credit_texts
from studio.core.lexicon import ReadingSpan
from studio.core.project import Project
from studio.engines.base import SynthesisRequest
from studio.engines.registry import traits
from studio.render.plan import AudioRequestOptions, RenderPlan, RenderUnit, cache_key
from studio.render.runner import RenderedPiece

#: ``paragraph_index`` of the credit units (spoken titles use -1).
OPENING_CREDITS = -2
CLOSING_CREDITS = -3
CREDIT_PARAGRAPHS = (OPENING_CREDITS, CLOSING_CREDITS)
#: Names of the credit files and chapters (English: ACX's reviewers read them).
CREDIT_TITLES = {OPENING_CREDITS: "Opening credits", CLOSING_CREDITS: "Closing credits"}


def book_voice(book: Book, override: VoiceSettings | None = None) -> VoiceSettings:
    """The voice the credits are spoken in: the book's own (not a chapter's), after ``override``."""
    voice = book.voice.merged_over(book.default_voice)
    return override.merged_over(voice) if override is not None else voice


def credit_units(book: Book, texts: CreditTexts, plan: RenderPlan, *, override: VoiceSettings | None = None,
                 audio: AudioRequestOptions | None = None, warnings: list[str] | None = None) -> list[RenderUnit]:
    """The opening and closing credit units for ``plan`` (placed at its first and last chapter), read through
    the book's lexicon; where the lexicon cannot be said exactly by the engine, ``warnings`` hears why."""
    if not plan.units:
        return []
    audio = audio or AudioRequestOptions()
    voice = book_voice(book, override)
    assert voice.engine is not None and voice.voice is not None
    facts = traits(voice.engine)
    cloud = facts.audio_options  # as plan_book: the offline engine has one output format
    units = []
    for paragraph, text, chapter in ((OPENING_CREDITS, texts.opening, plan.units[0].chapter_index),
                                     (CLOSING_CREDITS, texts.closing, plan.units[-1].chapter_index)):
        spoken = text
        readings: tuple[ReadingSpan, ...] = ()
        if book.lexicon:
            from studio.core.pronounce import compile_paragraph

            compiled = compile_paragraph(text, (), (), book.lexicon, ssml=facts.ssml)
            spoken, readings = compiled.text, compiled.readings
            if warnings is not None:
                warnings.extend(f"{CREDIT_TITLES[paragraph].lower()}, voice {voice.voice}: {w}"
                                for w in compiled.warnings)
        request = SynthesisRequest(voice=voice.voice, paragraphs=(spoken,), speed=voice.speed or 1.0,
                                   pitch=voice.pitch or 1.0, volume=voice.volume if voice.volume is not None else 1.0,
                                   sample_rate=audio.sample_rate if cloud else None,
                                   audio_format=audio.audio_format if cloud else None,
                                   readings=(readings,) if readings else ())
        units.append(RenderUnit(chapter, paragraph, voice.engine, request, cache_key(voice.engine, request),
                                written=(text,)))
    return units


def project_credit_units(project: Project, book: Book, plan: RenderPlan, *,
                         audio: AudioRequestOptions | None = None, warnings: list[str] | None = None
                         ) -> list[RenderUnit]:
    """The credits as ``studio render --credits`` and the window render them: the author's texts stored in the
    project (else generated from the book's own metadata), in the book's voice; ``audio`` None: the project's
    stored audio settings, as ``plan_project`` plans the book."""
    if audio is None:
        from studio.core.book_settings import read_audio_settings

        stored = read_audio_settings(project)
        audio = AudioRequestOptions(stored.audio_format, stored.sample_rate)
    return credit_units(book, credit_texts(project, book, book_voice(book)), plan, audio=audio, warnings=warnings)


def plan_with_credits(plan: RenderPlan, units: Sequence[RenderUnit], warnings: Sequence[str] = ()) -> RenderPlan:
    """``plan`` with the opening credits first and the closing credits last (and the credits' ``warnings``)."""
    opening = [u for u in units if u.paragraph_index == OPENING_CREDITS]
    closing = [u for u in units if u.paragraph_index == CLOSING_CREDITS]
    return RenderPlan([*opening, *plan.units, *closing], plan.sizing, (*plan.warnings, *warnings))


@dataclass(frozen=True)
class SplitPieces:
    opening: list[RenderedPiece]
    body: list[RenderedPiece]
    closing: list[RenderedPiece]


def split_credits(pieces: Sequence[RenderedPiece]) -> SplitPieces:
    """The rendered credits apart from the book's own pieces (kept in order)."""
    def of(paragraph: int) -> list[RenderedPiece]:
        return [p for p in pieces if p.unit.paragraph_index == paragraph]

    body = [p for p in pieces if p.unit.paragraph_index not in CREDIT_PARAGRAPHS]
    return SplitPieces(of(OPENING_CREDITS), body, of(CLOSING_CREDITS))


def is_credit(unit: RenderUnit) -> bool:
    return unit.paragraph_index in CREDIT_PARAGRAPHS


__all__ = ["CLOSING_CREDITS", "CREDIT_TITLES", "OPENING_CREDITS", "SplitPieces", "book_voice", "credit_units",
           "is_credit", "plan_with_credits", "project_credit_units", "split_credits"]
