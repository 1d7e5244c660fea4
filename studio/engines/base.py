"""The one contract every synthesis engine implements.

Cloud vendors are asynchronous (submit a task, poll it, download the result) and the offline engine runs in
worker processes, so the contract is shaped like the vendors: ``submit`` returns a task id at once, ``poll``
takes many ids (Baidu answers 200 per request), ``fetch`` stores the finished audio. The scheduler in
``studio.render`` drives any engine the same way and persists task ids between the steps.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from studio.core.book import EmotionSpan
from studio.core.errors import EngineError
from studio.engines.timing import Timestamp, UnitTiming

__all__ = ["Engine", "SynthesisRequest", "SynthesisResult", "TaskState", "TaskStatus", "Timestamp"]


@dataclass(frozen=True)
class SynthesisRequest:
    """One render unit as an engine sees it: consecutive paragraphs spoken in one voice.

    Paragraph texts are plain (no markup); emotions are spans into each paragraph's text, and each engine
    builds its own markup from them (and escapes the text) so user text can never break a request.
    ``audio_format`` is what the vendor is asked to deliver (wav, pcm or mp3; None = the engine's default);
    whatever it is, ``Engine.fetch`` always writes a 16-bit PCM WAV file.
    """

    voice: str
    paragraphs: tuple[str, ...]
    emotions: tuple[tuple[EmotionSpan, ...], ...] = ()
    speed: float = 1.0
    pitch: float = 1.0
    volume: float = 1.0
    sample_rate: int | None = None
    audio_format: str | None = None
    paragraph_gap_ms: int = 0

    @property
    def characters(self) -> int:
        return sum(len(p) for p in self.paragraphs)


class TaskState(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class TaskStatus:
    task_id: str
    state: TaskState
    error: EngineError | None = None


@dataclass(frozen=True)
class SynthesisResult:
    """Finished audio on disk plus what we know about its timing.

    ``paragraph_offsets_ms`` gives where each request paragraph starts in the audio, so the exporter and
    the player can place paragraph and chapter marks without guessing (``studio.engines.timing`` has the
    rules, and ``timing`` gives the same facts as one ``UnitTiming``).
    """

    audio_path: Path
    sample_rate: int
    channels: int
    duration_ms: int
    sentences: list[Timestamp] = field(default_factory=list)
    words: list[Timestamp] = field(default_factory=list)
    paragraph_offsets_ms: list[int] = field(default_factory=list)

    @property
    def timing(self) -> UnitTiming:
        return UnitTiming(tuple(self.sentences), tuple(self.words), tuple(self.paragraph_offsets_ms))


@runtime_checkable
class Engine(Protocol):
    """What ``studio.render`` needs from an engine. Implementations must be safe to call from threads."""

    name: str

    def submit(self, request: SynthesisRequest) -> str:
        """Start synthesis and return a task id. Raises a subclass of EngineError."""
        ...

    def poll(self, task_ids: Sequence[str]) -> dict[str, TaskStatus]:
        """Report the state of many tasks at once."""
        ...

    def fetch(self, task_id: str, dest: Path) -> SynthesisResult:
        """Write the finished audio of ``task_id`` to ``dest`` (atomically) and return its description."""
        ...

    def close(self) -> None:
        """Release workers, sessions and files."""
        ...
