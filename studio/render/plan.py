"""Book -> render units: what each vendor task speaks, and where its audio belongs in the book.

A unit is a run of consecutive paragraphs of one chapter that share an effective engine, voice and parameters.
By default (``sizing=None``) a unit is one paragraph: exact paragraph boundaries, and the shape every caller
that plans a single paragraph (previews, chapter status) relies on. With a ``UnitSizing`` the cloud engines
get bigger units, up to a target size in characters counted the vendor's way, which trades parallelism
against per-task overhead (requests, polls, queueing at the vendor); see ``studio.render.grouping`` for how
unit boundaries are chosen so that cache keys survive edits and re-plans (docs/decisions/0004).

A unit's cache key is its content address: engine, voice, format, sample rate, speed, pitch, volume, paragraph
gap and the exact paragraphs and emotion spans, and the pronunciation readings that touch them (the lexicon is
compiled per engine here, ``studio.core.pronounce``: SSML readings are in the key, substituted text is in the
paragraphs), so a lexicon edit re-renders exactly the paragraphs containing the entry. A one-paragraph unit has
the same key whatever the sizing, so audio rendered before grouping existed is found again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from studio.core.book import Book, EmotionSpan, Paragraph, VoiceSettings
from studio.core.cast import Cast
from studio.core.errors import BadInputError
from studio.core.lexicon import ReadingSpan
from studio.engines.base import SynthesisRequest
from studio.engines.registry import traits
from studio.render.grouping import Item, KnownUnits, UnitSizing, group_run, vendor_characters
from studio.render.pause_split import pause_parts
from studio.render.voice_split import SpokenPart, book_cast, spoken_parts

__all__ = [
    "AudioRequestOptions",
    "KnownUnits",
    "RenderPlan",
    "RenderUnit",
    "UnitSizing",
    "cache_key",
    "check_plan",
    "paragraph_key",
    "paragraph_keys",
    "params_key",
    "plan_book",
]

CACHE_KEY_VERSION = 1


@dataclass(frozen=True)
class RenderUnit:
    """One engine task and where its audio belongs in the book.

    ``paragraph_index`` is the unit's first paragraph (its position in the chapter, 0-based);
    ``paragraph_indices`` lists every paragraph the unit speaks, in order (empty means just the first), so a
    timestamp's ``paragraph`` (an index into ``request.paragraphs``) maps back to the chapter.
    """

    chapter_index: int
    paragraph_index: int
    engine: str
    request: SynthesisRequest
    cache_key: str
    paragraph_indices: tuple[int, ...] = ()
    #: Paragraphs (chapter positions) whose emotion marks were dropped because the engine has no emotions.
    muted_emotions: tuple[int, ...] = ()
    #: The paragraphs as the author wrote them (before the lexicon): what a take of the unit is matched on.
    written: tuple[str, ...] = ()
    #: (index, count) when the unit is one voice of a paragraph cast to several (studio.render.voice_split).
    part: tuple[int, int] | tuple[()] = ()
    #: The author's pause after this part (a paragraph cut at its pauses, ``studio.render.pause_split``).
    pause_after_ms: int | None = None

    @property
    def characters(self) -> int:
        return self.request.characters

    @property
    def paragraphs(self) -> tuple[int, ...]:
        """Chapter positions of the unit's paragraphs (0-based), in speaking order."""
        return self.paragraph_indices or (self.paragraph_index,)

    @property
    def location(self) -> str:
        """Where the unit is, for people (1-based): "chapter 3, paragraph 7, voice xiaoyun" (or 7-12)."""
        first, last = self.paragraphs[0] + 1, self.paragraphs[-1] + 1
        paragraphs = f"paragraph {first}" if first == last else f"paragraphs {first}-{last}"
        if self.paragraph_index < 0:  # export_book's spoken titles, credits_plan's credits
            paragraphs = {-2: "opening credits", -3: "closing credits"}.get(self.paragraph_index, "spoken title")
        if self.part:
            paragraphs += f" (voice part {self.part[0] + 1} of {self.part[1]})"
        return f"chapter {self.chapter_index + 1}, {paragraphs}, voice {self.request.voice}"


@dataclass(frozen=True)
class RenderPlan:
    units: list[RenderUnit]
    sizing: UnitSizing | None = None
    #: Where the lexicon could not be expressed exactly for an engine (``check_plan`` reports them).
    warnings: tuple[str, ...] = ()

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
    if any(request.readings):  # only then: keys of units without readings stay what they always were
        payload["readings"] = [[r.key() for r in marks] for marks in request.readings]
    return _digest(payload)


def params_key(engine: str, request: SynthesisRequest) -> str:
    """Everything in a cache key except the paragraphs: units with equal params keys may be grouped."""
    return _digest({"v": CACHE_KEY_VERSION, "engine": engine, "voice": request.voice,
                    "format": request.audio_format, "sample_rate": request.sample_rate,
                    "speed": round(request.speed, 4), "pitch": round(request.pitch, 4),
                    "volume": round(request.volume, 4), "gap": request.paragraph_gap_ms})


def paragraph_key(text: str, emotions: Sequence[EmotionSpan] = (), readings: Sequence[ReadingSpan] = ()) -> str:
    """Content address of one paragraph (text, emotion spans, SSML readings): what grouping and known units
    match on."""
    payload: dict[str, object] = {"text": text, "emotions": [[e.start, e.end, e.category, round(e.intensity, 4)]
                                                             for e in emotions]}
    if readings:
        payload["readings"] = [r.key() for r in readings]
    return _digest(payload)


def paragraph_keys(request: SynthesisRequest) -> tuple[str, ...]:
    count = len(request.paragraphs)
    emotions = tuple(request.emotions) + ((),) * (count - len(request.emotions))
    readings = tuple(request.readings) + ((),) * (count - len(request.readings))
    return tuple(paragraph_key(text, spans, marks)
                 for text, spans, marks in zip(request.paragraphs, emotions, readings, strict=False))


def _digest(payload: object) -> str:
    blob = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AudioRequestOptions:
    """What to ask the vendors for (CLI ``--format``/``--sample-rate``); None = each engine's default.

    ``unit_chars`` asks for grouped units of about that many characters (cloud engines; None = one paragraph
    per unit), the CLI's ``--unit-chars``; a ``sizing`` passed to ``plan_book`` wins over it.
    """

    audio_format: str | None = None
    sample_rate: int | None = None
    unit_chars: int | None = None


#: Sizing that forms no new groups (every paragraph not in a known unit is a unit of its own) but keeps
#: known grouped units: a plan without a unit size over a project that has grouped audio.
KEEP_KNOWN = UnitSizing(new_groups=False)


@dataclass
class _Run:
    chapter_index: int
    engine: str
    template: SynthesisRequest
    items: list[Item] = field(default_factory=list)


def plan_book(book: Book, *, override: VoiceSettings | None = None, audio: AudioRequestOptions | None = None,
              sizing: UnitSizing | None = None, known: KnownUnits | None = None) -> RenderPlan:
    """Plan every non-empty paragraph of ``book``; ``override`` (e.g. from ``--voice``) wins over the book.

    ``sizing`` groups paragraphs into bigger units (see the module docstring); ``known`` lets the planner
    reuse units the project already rendered or submitted (``studio.render.job_store.project_known_units``),
    so an edit re-renders one unit and a changed target size re-renders nothing that is still valid.
    """
    from studio.core.pronounce import validate_lexicon

    audio = audio or AudioRequestOptions()
    if sizing is None and audio.unit_chars:
        sizing = UnitSizing(target_chars=audio.unit_chars)
    validate_lexicon(book.lexicon)  # a bad entry is named before anything is planned, let alone sent
    units: list[RenderUnit] = []
    warnings: list[str] = []
    cast = book_cast(book) if book.cast_voices else None
    for ci, chapter in enumerate(book.chapters):
        run: _Run | None = None
        for pi, paragraph in enumerate(chapter.paragraphs):
            if not paragraph.text.strip():
                continue  # silent: no audio, and no reason to split a run of spoken paragraphs
            voice = book.effective_voice(chapter, paragraph)
            if override is not None:
                voice = override.merged_over(voice)
            assert voice.engine is not None and voice.voice is not None
            engine = voice.engine
            parts = spoken_parts(paragraph, voice, cast or Cast()) if paragraph.voices else []
            if len(parts) > 1 and sizing is not None and sizing.groups(engine):
                # Grouping asked for: the paragraph's first part may end the run before it and its last part
                # may start the next run (same voice), so narration around dialogue is not one task per part.
                run = _join_parts(run, parts, ci, pi, engine, book, audio, sizing, known, units, warnings)
                continue
            if len(parts) > 1:  # several voices, no grouping: one unit per voice, in reading order
                if run is not None:
                    units.extend(_units_of(run, sizing, known))
                    run = None
                for k, part in enumerate(parts):
                    piece = Paragraph(part.text, list(part.emotions), readings=list(part.readings))
                    one = _Run(ci, part.voice.engine or engine, _template(part.voice, audio))
                    one.items.append(_item(book, piece, pi, part.voice, warnings, ci))
                    units.append(replace(_unit(one, one.items, gap_ms=0), part=(k, len(parts)), written=()))
                continue
            if parts:
                voice = parts[0].voice  # the whole paragraph is one character's: spoken in that voice
                engine = voice.engine or engine
            pieces = pause_parts(paragraph) if not traits(engine).ssml and paragraph.readings else []
            if len(pieces) > 1:  # no SSML to pause with: one unit per stretch, the silence added at export
                if run is not None:
                    units.extend(_units_of(run, sizing, known))
                    run = None
                for k, (piece, pause) in enumerate(pieces):
                    one = _Run(ci, engine, _template(voice, audio))
                    one.items.append(_item(book, piece, pi, voice, warnings, ci))
                    units.append(replace(_unit(one, one.items, gap_ms=0), part=(k, len(pieces)), written=(),
                                         pause_after_ms=pause))
                continue
            template = _template(voice, audio)
            if run is None or run.engine != engine or run.template != template:
                if run is not None:
                    units.extend(_units_of(run, sizing, known))
                run = _Run(ci, engine, template)
            run.items.append(_item(book, paragraph, pi, voice, warnings, ci))
        if run is not None:
            units.extend(_units_of(run, sizing, known))
    return RenderPlan(units, sizing, tuple(warnings))


def _join_parts(run: _Run | None, parts: Sequence[SpokenPart], ci: int, pi: int, engine: str, book: Book,
                audio: AudioRequestOptions, sizing: UnitSizing, known: KnownUnits | None,
                units: list[RenderUnit], warnings: list[str]) -> _Run | None:
    """Add a several-voice paragraph to a grouped plan; return the run that goes on after it.

    Each part is an item marked with its (index, count), so a unit ending inside the paragraph still gets the
    short pause between voices (``export_book.pause_after``) and parts never pose as takes. Parts in the middle
    (between two other voices) are units of their own, exactly as without grouping."""
    for k, part in enumerate(parts):
        template = _template(part.voice, audio)
        engine = part.voice.engine or engine  # a character may speak another engine (mixed engines)
        piece = Paragraph(part.text, list(part.emotions), readings=list(part.readings))
        item = replace(_item(book, piece, pi, part.voice, warnings, ci), part=(k, len(parts)))
        if run is None or run.engine != engine or run.template != template:
            if run is not None:
                units.extend(_units_of(run, sizing, known))
            run = _Run(ci, engine, template)
        run.items.append(item)
        if k < len(parts) - 1:  # another voice follows in this paragraph: this run ends with this part
            units.extend(_units_of(run, sizing, known))
            run = None
    return run


def _template(voice: VoiceSettings, audio: AudioRequestOptions) -> SynthesisRequest:
    assert voice.engine is not None and voice.voice is not None
    facts = traits(voice.engine)
    return SynthesisRequest(
        voice=voice.voice, paragraphs=(),
        speed=voice.speed or 1.0,
        pitch=voice.pitch or 1.0,
        volume=voice.volume if voice.volume is not None else 1.0,
        sample_rate=audio.sample_rate if facts.audio_options else None,
        audio_format=audio.audio_format if facts.audio_options else None,
    )


def _item(book: Book, paragraph: Paragraph, pi: int, voice: VoiceSettings, warnings: list[str], ci: int) -> Item:
    """One paragraph (or one voice part of it) as the planner sees it: lexicon compiled for the engine."""
    from studio.core.pronounce import compile_paragraph

    assert voice.engine is not None
    facts = traits(voice.engine)
    spans = tuple(paragraph.emotions)
    muted = facts.strips_emotions and bool(spans)
    if facts.strips_emotions:
        spans = ()  # the vendor refuses emotion marks: the text is spoken plainly (check_plan warns)
    text = paragraph.text
    readings: tuple[ReadingSpan, ...] = ()
    if book.lexicon or paragraph.readings:
        spoken = compile_paragraph(text, spans, paragraph.readings, book.lexicon, ssml=facts.ssml)
        text, spans, readings = spoken.text, spoken.emotions, spoken.readings
        warnings.extend(f"chapter {ci + 1}, paragraph {pi + 1}, voice {voice.voice}: {w}" for w in spoken.warnings)
    return Item(pi, text, spans, paragraph_key(text, spans, readings), vendor_characters(voice.engine, text, spans),
                muted, readings, paragraph.text)


def _units_of(run: _Run, sizing: UnitSizing | None, known: KnownUnits | None) -> list[RenderUnit]:
    if sizing is None and known is not None and traits(run.engine).groups_by_default:
        # No grouping asked for, but grouped units the project already has (audio, or a live vendor task)
        # stay as they are: planning them one paragraph at a time would pay for their text again.
        sizing = KEEP_KNOWN
    if sizing is None or not sizing.groups(run.engine):
        return [_unit(run, [item], gap_ms=0) for item in run.items]
    gap = sizing.paragraph_gap_ms
    template = replace(run.template, paragraph_gap_ms=gap)
    groups = group_run(run.items, engine=run.engine, params=params_key(run.engine, template), sizing=sizing,
                       known=known, key_of=lambda items: _unit(run, items, gap_ms=gap).cache_key)
    return [_unit(run, items, gap_ms=gap) for items in groups]


def _unit(run: _Run, items: Sequence[Item], *, gap_ms: int) -> RenderUnit:
    # One paragraph never carries a gap: its key is the same as without grouping (and before grouping existed).
    readings = tuple(i.readings for i in items) if any(i.readings for i in items) else ()
    request = replace(run.template, paragraphs=tuple(i.text for i in items), emotions=tuple(i.emotions for i in items),
                      paragraph_gap_ms=gap_ms if len(items) > 1 else 0, readings=readings)
    indices = tuple(i.index for i in items)
    # A unit ending in a part of a cast paragraph carries that part's place (its pause is a breath); one that
    # only starts with a part carries the part's place too, so it is never matched with a whole-paragraph take.
    part = items[-1].part or items[0].part
    written = () if part else tuple(i.written or i.text for i in items)
    return RenderUnit(run.chapter_index, indices[0], run.engine, request, cache_key(run.engine, request),
                      indices if len(indices) > 1 else (), tuple(i.index for i in items if i.muted),
                      written, part=part)


def check_plan(plan: RenderPlan) -> list[str]:
    """Refuse what a vendor would refuse, before anything is sent (and billed); return warnings.

    Emotion spans are checked against the voice's categories in the catalogue (Alibaba answers "Illegal ssml
    text" otherwise). Voices without emotion support (Baidu, offline) would silently drop them: that is a
    warning for the user, not an error, since the text itself still renders. A paragraph longer than the
    vendor's per-task limit cannot be sent at all. Errors name the chapter, paragraph and voice (1-based).
    """
    from studio.core.ssml import validate_emotions
    from studio.core.voices import default_catalogue

    catalogue = default_catalogue()
    warnings: list[str] = list(plan.warnings)
    for unit in plan.units:
        facts = traits(unit.engine)
        if facts.max_chars is not None:
            count = facts.request_chars(unit.request.paragraphs, unit.request.emotions)
            if count > facts.max_chars:
                what = "split the paragraph" if len(unit.request.paragraphs) == 1 else "choose a smaller unit size"
                raise BadInputError(f"{unit.location}: {count:,} characters (counted as {facts.display_name} "
                                    f"counts them), more than the {facts.max_chars:,} {unit.engine} accepts in one "
                                    f"task; {what}")
        for muted in unit.muted_emotions:
            warnings.append(f"chapter {unit.chapter_index + 1}, paragraph {muted + 1}, voice {unit.request.voice}: "
                            f"{unit.engine} voices have no emotions; the emotion markup is ignored")
        if not any(unit.request.emotions):
            continue
        for offset, (text, spans) in enumerate(zip(unit.request.paragraphs, unit.request.emotions, strict=False)):
            if not spans:
                continue
            where = (f"chapter {unit.chapter_index + 1}, paragraph {unit.paragraphs[offset] + 1}, "
                     f"voice {unit.request.voice}")
            if not facts.emotions:
                warnings.append(f"{where}: {unit.engine} voices have no emotions; the emotion markup is ignored")
                continue
            voice = catalogue.get(unit.engine, unit.request.voice)
            if voice is None:
                raise BadInputError(f"{where}: unknown {facts.display_name} voice (see `studio voices --engine "
                                    f"{unit.engine}`)")
            try:
                validate_emotions(spans, len(text), voice.emotions, voice.id)
            except BadInputError as exc:
                raise BadInputError(f"{where}: {exc.args[0]}") from None
    return warnings
