"""The book model: Book > Chapter > Paragraph, with emotion spans and voice settings at every level.

Plain dataclasses, no behaviour that needs Qt or a database: importers build them, the project store
persists them, the renderer reads them. Paragraph text is stored *without* markup; emotions are spans of
character offsets into that text, so an ``&`` or ``<`` in the novel is just a character and SSML is built
(and escaped) only at render time.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from studio.core.lexicon import LexiconEntry, ReadingSpan
from studio.core.voice_span import VoiceSpan


@dataclass(frozen=True)
class VoiceSettings:
    """Who speaks and how. ``None`` means "inherit from the level above" (paragraph < chapter < book).

    Speed, pitch and volume are engine-neutral multipliers (1.0 = the voice's default); each engine maps
    them onto its own scale (espeak words/minute, Alibaba -500..500, Baidu 0..15). ``pause_after_ms`` is the
    silence the export puts after the paragraph instead of the export's paragraph gap: it is not sent to any
    engine (so it is in no cache key, and changing it re-renders nothing).
    """

    engine: str | None = None
    voice: str | None = None
    speed: float | None = None
    pitch: float | None = None
    volume: float | None = None
    pause_after_ms: int | None = None

    def merged_over(self, base: VoiceSettings) -> VoiceSettings:
        """Return these settings with unset fields taken from ``base``."""
        return VoiceSettings(
            engine=self.engine if self.engine is not None else base.engine,
            voice=self.voice if self.voice is not None else base.voice,
            speed=self.speed if self.speed is not None else base.speed,
            pitch=self.pitch if self.pitch is not None else base.pitch,
            volume=self.volume if self.volume is not None else base.volume,
            pause_after_ms=self.pause_after_ms if self.pause_after_ms is not None else base.pause_after_ms,
        )

    def is_empty(self) -> bool:
        return all(v is None for v in (self.engine, self.voice, self.speed, self.pitch, self.volume,
                                       self.pause_after_ms))

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> VoiceSettings:
        if not data:
            return cls()
        known = {k: data[k] for k in ("engine", "voice", "speed", "pitch", "volume", "pause_after_ms") if k in data}
        return cls(**known)


DEFAULT_VOICE = VoiceSettings(engine="local", voice="local-cmn", speed=1.0, pitch=1.0, volume=1.0)


def default_voice_for(language: str | None, tag: str | None = None) -> VoiceSettings:
    """The offline voice a book is spoken in when nobody chose one: it follows the book's language.

    Why: an English manuscript spoken by the Mandarin voice is gibberish. ``language`` is ``Book.language``
    ("en"), ``tag`` the importer's fuller tag when there was one ("en-GB", "zh-HK"). Unknown languages get
    Mandarin, the studio's home language.
    """
    code = (tag or language or "").strip().lower().replace("_", "-")
    if code.startswith(("yue", "zh-hk", "zh-mo")):
        voice = "local-yue"
    elif code.startswith("en-gb"):
        voice = "local-en-gb"
    elif code.startswith("en"):
        voice = "local-en-us"
    else:
        return DEFAULT_VOICE
    return replace(DEFAULT_VOICE, voice=voice)

MIN_INTENSITY = 0.01
MAX_INTENSITY = 2.0


@dataclass(frozen=True)
class EmotionSpan:
    """An emotion over ``text[start:end]`` of one paragraph (Alibaba's ``<emotion>`` SSML)."""

    start: int
    end: int
    category: str
    intensity: float = 1.0


@dataclass
class Paragraph:
    text: str
    emotions: list[EmotionSpan] = field(default_factory=list)
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    id: int | None = None
    #: Readings set on one occurrence ("read this 行 as hang2 here"); they win over the lexicon.
    readings: list[ReadingSpan] = field(default_factory=list)
    #: Who speaks which range (dialogue casting, studio/core/cast.py); the rest is the paragraph's voice.
    voices: list[VoiceSpan] = field(default_factory=list)


@dataclass
class Chapter:
    title: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    id: int | None = None

    @property
    def characters(self) -> int:
        return sum(len(p.text) for p in self.paragraphs)


@dataclass
class Book:
    title: str
    author: str = ""
    language: str = "zh"
    chapters: list[Chapter] = field(default_factory=list)
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    metadata: dict[str, Any] = field(default_factory=dict)
    #: The pronunciation lexicon in force (project entries, then the user's global ones), see core/lexicon.py.
    lexicon: list[LexiconEntry] = field(default_factory=list)
    #: The project's cast as the planner needs it: name → {"aliases": [...], "voices": {engine: voice}}
    #: (studio/core/cast_store.py keeps the full records).
    cast_voices: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def characters(self) -> int:
        return sum(c.characters for c in self.chapters)

    @property
    def paragraph_count(self) -> int:
        return sum(len(c.paragraphs) for c in self.chapters)

    @property
    def default_voice(self) -> VoiceSettings:
        """What the book speaks in where no level chose a voice (follows the book's language)."""
        return default_voice_for(self.language, str(self.metadata.get("language_tag") or "") or None)

    def effective_voice(self, chapter: Chapter, paragraph: Paragraph | None = None) -> VoiceSettings:
        """The voice a paragraph (or chapter) is actually spoken in, after inheritance and defaults."""
        v = self.voice.merged_over(self.default_voice)
        v = chapter.voice.merged_over(v)
        if paragraph is not None:
            v = paragraph.voice.merged_over(v)
        return v

    def with_voice(self, voice: VoiceSettings) -> Book:
        return replace(self, voice=voice)
