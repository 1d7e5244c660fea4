"""Opening and closing credits as render units, and their audio as the first and last "chapters" of an export.

Credits are spoken like spoken chapter titles (``export_book.plan_with_titles``): ordinary render units in the
book's voice, so they go through the same engines, the same content-addressed cache, the same job store (a
render that stops resumes them) and the same cost estimate as the text. Editing a credit changes only its own
unit's cache key, so only the credit is rendered again. A credit unit sits in the first (opening) or last
(closing) chapter's place in the plan, marked by its ``paragraph_index``, and is taken out again before the
chapters are assembled (``split_credits``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from studio.core.book import Book, VoiceSettings
from studio.core.credits import CreditTexts
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
                 audio: AudioRequestOptions | None = None) -> list[RenderUnit]:
    """The opening and closing credit units for ``plan`` (placed at its first and last chapter)."""
    if not plan.units:
        return []
    audio = audio or AudioRequestOptions()
    voice = book_voice(book, override)
    assert voice.engine is not None and voice.voice is not None
    cloud = traits(voice.engine).audio_options  # as plan_book: the offline engine has one output format
    units = []
    for paragraph, text, chapter in ((OPENING_CREDITS, texts.opening, plan.units[0].chapter_index),
                                     (CLOSING_CREDITS, texts.closing, plan.units[-1].chapter_index)):
        request = SynthesisRequest(voice=voice.voice, paragraphs=(text,), speed=voice.speed or 1.0,
                                   pitch=voice.pitch or 1.0, volume=voice.volume if voice.volume is not None else 1.0,
                                   sample_rate=audio.sample_rate if cloud else None,
                                   audio_format=audio.audio_format if cloud else None)
        units.append(RenderUnit(chapter, paragraph, voice.engine, request, cache_key(voice.engine, request),
                                written=(text,)))
    return units


def plan_with_credits(plan: RenderPlan, units: Sequence[RenderUnit]) -> RenderPlan:
    """``plan`` with the opening credits first and the closing credits last."""
    opening = [u for u in units if u.paragraph_index == OPENING_CREDITS]
    closing = [u for u in units if u.paragraph_index == CLOSING_CREDITS]
    return RenderPlan([*opening, *plan.units, *closing], plan.sizing, plan.warnings)


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
           "is_credit", "plan_with_credits", "split_credits"]
