"""What a proof-listening check says and how checks plug in: ``Finding``, the evidence of one unit, ``Checker``.

Why a small typed interface: the built-in checks (text coverage from the vendors' sentence echoes, pace,
the signal itself) and any later one (speech recognition, which needs a model we do not ship) all look at the
same evidence of one rendered unit and answer with findings that name where the author must look. A checker
is anything with a ``name`` and a ``check`` method; ``register_checker`` adds one to the default set, so a
plug-in (or a test) extends ``studio check`` without touching it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from studio.engines.timing import UnitTiming
from studio.qa.signal_scan import SignalScan

#: ``paragraph_index`` of the credit units (``studio.render.credits_plan``; not imported: qa loads no planner).
CREDITS = {-2: "opening", -3: "closing"}

__all__ = ["BookEvidence", "Checker", "Finding", "UnitEvidence", "checker_factories", "register_checker"]


@dataclass(frozen=True)
class Finding:
    """One problem in one unit: what, where (chapter/paragraph, 0-based; cache key) and what to do about it."""

    kind: str  # a stable code: missing_sentence, extra_sentence, pace_fast, pace_slow, long_silence, ...
    message: str  # what was found, for people
    advice: str  # what to do
    cache_key: str
    chapter_index: int
    paragraph_index: int  # the chapter position of the paragraph concerned (the unit's first if unknown)
    chapter_title: str = ""
    engine: str = ""
    voice: str = ""
    at_ms: int | None = None  # where in the unit's audio, when known
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def credits(self) -> str:
        """"opening" or "closing" for a finding in the credits (``studio.render.credits_plan``), else ""."""
        return CREDITS.get(self.paragraph_index, "")

    @property
    def location(self) -> str:
        """"chapter 2 “Title”, paragraph 5" (1-based, as the window shows them), or "opening credits"."""
        if self.credits:
            return f"{self.credits} credits"
        title = f" “{self.chapter_title}”" if self.chapter_title else ""
        return f"chapter {self.chapter_index + 1}{title}, paragraph {self.paragraph_index + 1}"

    @property
    def order(self) -> tuple[int, int, int]:
        """Book order: the opening credits first, the closing credits last, then where in the audio."""
        chapter = {"opening": -1, "closing": 1 << 30}.get(self.credits, self.chapter_index)
        return chapter, self.paragraph_index, self.at_ms or 0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "location": self.location}


@dataclass(frozen=True)
class UnitEvidence:
    """Everything a checker may look at for one rendered unit."""

    cache_key: str
    engine: str
    voice: str
    chapter_index: int
    chapter_title: str
    paragraph_indices: tuple[int, ...]  # chapter positions of the request's paragraphs, in speaking order
    texts: tuple[str, ...]  # the paragraphs as sent (plain text)
    audio_path: Path
    recorded_duration_ms: int  # what the render committed
    timing: UnitTiming
    paragraph_gap_ms: int = 0
    scan: SignalScan | None = None  # None: the audio could not be read (``scan_error`` says why)
    scan_error: str = ""
    speed: float = 1.0  # the speed multiplier asked for (a paragraph's delivery): pace is judged at speed 1

    @property
    def letters(self) -> int:
        """Letters and digits sent (what is spoken; punctuation and spaces are pauses)."""
        return sum(1 for text in self.texts for ch in text if ch.isalnum())

    def finding(self, kind: str, message: str, advice: str, *, paragraph: int | None = None,
                at_ms: int | None = None, **detail: Any) -> Finding:
        """A finding in this unit; ``paragraph`` is an index into the request's paragraphs (None: the first)."""
        index = self.paragraph_indices[paragraph if paragraph is not None and
                                       0 <= paragraph < len(self.paragraph_indices) else 0]
        return Finding(kind, message, advice, self.cache_key, self.chapter_index, index, self.chapter_title,
                       self.engine, self.voice, at_ms, dict(detail))


@dataclass(frozen=True)
class BookEvidence:
    """What is learned from the whole project before units are judged (e.g. each voice's pace)."""

    #: (engine, voice) -> (low, typical, high) characters per second of that voice in this project.
    pace: dict[tuple[str, str], tuple[float, float, float]] = field(default_factory=dict)


@runtime_checkable
class Checker(Protocol):
    """A proof-listening check: looks at one unit (and what the book taught) and reports findings."""

    name: str

    def check(self, unit: UnitEvidence, book: BookEvidence) -> Iterable[Finding]: ...


_FACTORIES: dict[str, Callable[[], Checker]] = {}


def register_checker(name: str, factory: Callable[[], Checker]) -> None:
    """Add (or replace) a checker of the default set, e.g. a speech-recognition check with its own model."""
    _FACTORIES[name] = factory


def checker_factories() -> dict[str, Callable[[], Checker]]:
    """The registered checkers by name, built-ins first."""
    from studio.qa import builtin  # noqa: F401  (registers the built-in checkers)

    return dict(_FACTORIES)
