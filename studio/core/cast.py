"""The cast: characters of a book with the voice each speaks in, and a paragraph cut into one run per voice.

A paragraph whose quotes carry voice spans is synthesised as several requests, one voice per vendor task, and
stitched back in order. :func:`voice_runs` makes those runs: narration between spans keeps the paragraph's
voice, each span takes its character's voice for the book's engine, and neighbouring runs that end up in the
same voice are merged so no paid task is spent on a split that changes nothing. Spans name characters, not
voices, so changing a character's voice changes every quote of theirs at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from studio.core.book import VoiceSettings
from studio.core.voice_span import VoiceSpan

GENDERS = ("female", "male", "unknown")
AGE_BANDS = ("child", "young", "adult", "old", "unknown")


@dataclass
class CastMember:
    """One character: the name used in voice spans, other names the text uses, and a voice per engine."""

    name: str
    aliases: list[str] = field(default_factory=list)
    gender: str = "unknown"
    age_band: str = "unknown"
    notes: str = ""
    #: engine id → voice id ("aliyun" → "zhimiao_emo"); an engine missing here speaks the narrator's voice.
    voices: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "aliases": list(self.aliases), "gender": self.gender, "age_band": self.age_band,
                "notes": self.notes, "voices": dict(self.voices)}


@dataclass
class Cast:
    """The project's characters, found by name or alias."""

    members: list[CastMember] = field(default_factory=list)

    def find(self, name: str | None) -> CastMember | None:
        if not name:
            return None
        for m in self.members:
            if m.name == name or name in m.aliases:
                return m
        return None


@dataclass(frozen=True)
class VoiceRun:
    """``text[start:end]`` spoken in ``voice``; ``character`` None for narration."""

    start: int
    end: int
    voice: VoiceSettings
    character: str | None = None
    emotion: str | None = None


def span_voice(span: VoiceSpan, narrator: VoiceSettings, cast: Cast) -> VoiceSettings:
    """The voice a span is spoken in: its own voice id, else its character's voice for the narrator's engine,
    else the narrator's (a character with no voice for this engine is read by the narrator, not skipped)."""
    if span.voice:
        return replace(narrator, voice=span.voice)
    member = cast.find(span.character)
    if member is not None and narrator.engine in member.voices:
        return replace(narrator, voice=member.voices[narrator.engine])
    return narrator


def voice_runs(text: str, spans: list[VoiceSpan], narrator: VoiceSettings, cast: Cast) -> list[VoiceRun]:
    """Cut a paragraph into runs, one voice each, in reading order, covering the whole text.

    Spans are clipped to the text; a span overlapping an earlier one starts where that one ends. Runs that are
    only whitespace or punctuation join the run before them (a lone "，" is no request of its own), and
    neighbouring runs with the same voice and emotion merge.
    """
    runs: list[VoiceRun] = []
    pos = 0
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        start, end = max(span.start, pos, 0), min(span.end, len(text))
        if end <= start:
            continue
        if start > pos:
            runs.append(VoiceRun(pos, start, narrator))
        runs.append(VoiceRun(start, end, span_voice(span, narrator, cast), span.character, span.emotion))
        pos = end
    if pos < len(text) or not runs:
        runs.append(VoiceRun(pos, len(text), narrator))
    return _merge(text, runs)


def _speakable(chunk: str) -> bool:
    return any(ch.isalnum() for ch in chunk)


def _merge(text: str, runs: list[VoiceRun]) -> list[VoiceRun]:
    out: list[VoiceRun] = []
    for run in runs:
        if out and (not _speakable(text[run.start:run.end])
                    or (out[-1].voice == run.voice and out[-1].emotion == run.emotion)):
            prev = out[-1]
            character = prev.character if prev.character == run.character else prev.character or run.character
            out[-1] = VoiceRun(prev.start, run.end, prev.voice, character, prev.emotion)
        else:
            out.append(run)
    if len(out) > 1 and not _speakable(text[out[0].start:out[0].end]):
        first, second = out[0], out[1]
        out[:2] = [VoiceRun(first.start, second.end, second.voice, second.character, second.emotion)]
    return out
