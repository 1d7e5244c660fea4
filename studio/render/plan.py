"""Book -> render units.

For now a unit is one paragraph: that keeps cache keys stable under edits (editing one paragraph re-renders
exactly that paragraph) and gives exact paragraph boundaries in the audio. Grouping paragraphs into bigger
vendor tasks is a per-engine refinement that keeps the same key scheme per paragraph group.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from studio.core.book import Book, VoiceSettings
from studio.engines.base import SynthesisRequest

CACHE_KEY_VERSION = 1


@dataclass(frozen=True)
class RenderUnit:
    """One engine task and where its audio belongs in the book."""

    chapter_index: int
    paragraph_index: int
    engine: str
    request: SynthesisRequest
    cache_key: str

    @property
    def characters(self) -> int:
        return self.request.characters


@dataclass(frozen=True)
class RenderPlan:
    units: list[RenderUnit]

    @property
    def characters(self) -> int:
        return sum(u.characters for u in self.units)

    def units_of_chapter(self, chapter_index: int) -> list[RenderUnit]:
        return [u for u in self.units if u.chapter_index == chapter_index]


def cache_key(engine: str, request: SynthesisRequest) -> str:
    """Content address of a unit: everything that changes the audio, nothing that does not."""
    payload = {
        "v": CACHE_KEY_VERSION,
        "engine": engine,
        "voice": request.voice,
        "format": request.audio_format,
        "sample_rate": request.sample_rate,
        "speed": round(request.speed, 4),
        "pitch": round(request.pitch, 4),
        "volume": round(request.volume, 4),
        "gap": request.paragraph_gap_ms,
        "paragraphs": list(request.paragraphs),
        "emotions": [[[e.start, e.end, e.category, round(e.intensity, 4)] for e in spans]
                     for spans in request.emotions],
    }
    blob = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AudioRequestOptions:
    """What to ask the vendors for (CLI ``--format``/``--sample-rate``); None = each engine's default."""

    audio_format: str | None = None
    sample_rate: int | None = None


def plan_book(book: Book, *, override: VoiceSettings | None = None,
              audio: AudioRequestOptions | None = None) -> RenderPlan:
    """Plan every non-empty paragraph of ``book``; ``override`` (e.g. from ``--voice``) wins over the book."""
    audio = audio or AudioRequestOptions()
    units: list[RenderUnit] = []
    for ci, chapter in enumerate(book.chapters):
        for pi, paragraph in enumerate(chapter.paragraphs):
            if not paragraph.text.strip():
                continue
            voice = book.effective_voice(chapter, paragraph)
            if override is not None:
                voice = override.merged_over(voice)
            assert voice.engine is not None and voice.voice is not None
            request = SynthesisRequest(
                voice=voice.voice,
                paragraphs=(paragraph.text,),
                emotions=(tuple(paragraph.emotions),),
                speed=voice.speed or 1.0,
                pitch=voice.pitch or 1.0,
                volume=voice.volume if voice.volume is not None else 1.0,
                sample_rate=audio.sample_rate if voice.engine != "local" else None,
                audio_format=audio.audio_format if voice.engine != "local" else None,
            )
            units.append(RenderUnit(ci, pi, voice.engine, request, cache_key(voice.engine, request)))
    return RenderPlan(units)


def check_plan(plan: RenderPlan) -> list[str]:
    """Refuse what a vendor would refuse, before anything is sent (and billed); return warnings.

    Emotion spans are checked against the voice's categories in the catalogue (Alibaba answers "Illegal ssml
    text" otherwise). Voices without emotion support (Baidu, offline) would silently drop them: that is a
    warning for the user, not an error, since the text itself still renders. Errors name the chapter,
    paragraph and voice (1-based).
    """
    from studio.core.errors import BadInputError
    from studio.core.ssml import validate_emotions
    from studio.core.voices import default_catalogue

    catalogue = default_catalogue()
    warnings: list[str] = []
    for unit in plan.units:
        if not any(unit.request.emotions):
            continue
        where = f"chapter {unit.chapter_index + 1}, paragraph {unit.paragraph_index + 1}, voice {unit.request.voice}"
        if unit.engine != "aliyun":
            warnings.append(f"{where}: {unit.engine} voices have no emotions; the emotion markup is ignored")
            continue
        voice = catalogue.get(unit.engine, unit.request.voice)
        if voice is None:
            raise BadInputError(f"{where}: unknown Alibaba voice (see `studio voices --engine aliyun`)")
        for text, spans in zip(unit.request.paragraphs, unit.request.emotions, strict=False):
            try:
                validate_emotions(spans, len(text), voice.emotions, voice.id)
            except BadInputError as exc:
                raise BadInputError(f"{where}: {exc.args[0]}") from None
    return warnings
