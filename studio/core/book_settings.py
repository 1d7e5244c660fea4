"""The book's audio settings chosen on the command line, stored in the project so every later step uses them.

Why: ``studio render X.txt -o x.m4b --engine aliyun --voice siyue --sample-rate 16000`` used to forget its
choices, so ``studio export`` re-synthesized the book with the offline voice while the paid cloud audio sat
unused in the cache. The voice part (engine, voice, speed, pitch, volume) is the book's own voice
(``Book.voice``, which the window shows as what chapters inherit); what to ask the vendors for (format, sample
rate) has no place in the book model and lives here, under the project's ``book_settings`` key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from studio.core.book import VoiceSettings
from studio.core.project import Project

KEY = "book_settings"


@dataclass(frozen=True)
class AudioSettings:
    """What the cloud vendors are asked for (None: each engine's default)."""

    audio_format: str | None = None
    sample_rate: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"audio_format": self.audio_format, "sample_rate": self.sample_rate}


def read_audio_settings(project: Project) -> AudioSettings:
    data = project.get_meta(KEY) or {}
    if not isinstance(data, dict):
        return AudioSettings()
    rate = data.get("sample_rate")
    return AudioSettings(data.get("audio_format") or None, int(rate) if rate else None)


def store_book_settings(project: Project, voice: VoiceSettings | None, audio_format: str | None,
                        sample_rate: int | None) -> list[str]:
    """Store the given choices (None keeps what the project has); return what changed, for the user."""
    changes: list[str] = []
    if voice is not None and not voice.is_empty():
        book = project.load_book()
        merged = voice.merged_over(book.voice)
        if merged != book.voice:
            project.set_book_voice(merged)
            changes.append("voice " + ", ".join(f"{k}={v}" for k, v in merged.to_dict().items()))
    stored = read_audio_settings(project)
    wanted = AudioSettings(audio_format if audio_format is not None else stored.audio_format,
                           sample_rate if sample_rate is not None else stored.sample_rate)
    if wanted != stored:
        project.set_meta(KEY, wanted.to_dict())
        changes += [f"{name}={value}" for name, value in (("format", wanted.audio_format),
                                                          ("sample rate", wanted.sample_rate)) if value]
    return changes
