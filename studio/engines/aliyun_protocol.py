"""Alibaba long-text synthesis on the wire: the task body (with every check that can be made before paying),
the mapping of speed/pitch/volume onto Alibaba's scales, and reading the status and storage errors it answers.
Pure functions, unit-tested through the engine and on their own.

Why apart from ``aliyun.py``: the engine there is about sessions, tokens, task bookkeeping and downloads; what
Alibaba accepts and answers (../shared/vendor-docs/aliyun-nls-long-text-tts.txt) changes with the vendor's doc,
not with how the engine runs. The module doc of ``aliyun.py`` explains the choices (parameter curves, text).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

import requests

from studio.core import ssml
from studio.core.book import EmotionSpan
from studio.core.errors import BadInputError
from studio.engines.base import SynthesisRequest

AUDIO_FORMATS = ("wav", "pcm", "mp3")
#: Sample rates Alibaba voices offer (the catalogue narrows this per voice).
SAMPLE_RATES = (8000, 16000, 24000, 48000)
DEFAULT_SAMPLE_RATE = 16000
MAX_PARAGRAPH_GAP_MS = 60_000
DEVICE_ID = "audiobook-studio"

VoiceEmotions = Callable[[str], Collection[str] | None]
VoiceSampleRates = Callable[[str], Collection[int] | None]


@dataclass(frozen=True)
class TaskBody:
    """A checked task: the JSON to POST and what the engine remembers about it."""

    body: dict[str, Any]
    paragraphs: tuple[str, ...]
    sample_rate: int
    audio_format: str


def _rate_from_multiplier(value: float, what: str) -> int:
    if not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise BadInputError(f"{what} must be a positive number, not {value!r}")
    raw = (1.0 - 1.0 / value) / (0.001 if value >= 1.0 else 0.002)
    return max(-500, min(500, round(raw)))


def speech_rate(speed: float) -> int:
    """Speed multiplier -> Alibaba ``speech_rate`` (-500..500): 0.5 -> -500, 1 -> 0, 2 -> 500."""
    return _rate_from_multiplier(speed, "speed")


def pitch_rate(pitch: float) -> int:
    """Pitch multiplier -> Alibaba ``pitch_rate`` (-500..500), on the same curve as the speed."""
    return _rate_from_multiplier(pitch, "pitch")


def volume_level(volume: float) -> int:
    """Volume multiplier -> Alibaba ``volume`` (0..100, default 50)."""
    if not isinstance(volume, (int, float)) or not math.isfinite(volume) or volume < 0:
        raise BadInputError(f"volume must be a number >= 0, not {volume!r}")
    return max(0, min(100, round(50 * volume)))


def build_task_body(request: SynthesisRequest, *, appkey: str, default_format: str, subtitles: bool,
                    voice_emotions: VoiceEmotions, voice_rates: VoiceSampleRates,
                    count_chars: Callable[[Sequence[str], Sequence[Sequence[EmotionSpan]]], int]) -> TaskBody:
    """The JSON body of a long-text task, after every check that can be made without asking Alibaba.

    Raises ``BadInputError`` (or ``ssml.SsmlError`` naming the paragraph) for a missing voice, a format, gap or
    sample rate Alibaba does not offer, emotions the voice cannot speak, or text over the limit as
    ``count_chars`` counts it, so nothing that would fail (or be billed for the wrong audio) is sent.
    """
    voice = (request.voice or "").strip()
    if not voice:
        raise BadInputError("no Alibaba voice given")
    audio_format = (request.audio_format or default_format).lower()
    if audio_format not in AUDIO_FORMATS:
        raise BadInputError(f"Alibaba cannot deliver {request.audio_format!r} audio "
                            f"(use one of: {', '.join(sorted(AUDIO_FORMATS))})")
    if not 0 <= request.paragraph_gap_ms <= MAX_PARAGRAPH_GAP_MS:
        raise BadInputError(f"paragraph gap {request.paragraph_gap_ms} ms is out of range "
                            f"(0..{MAX_PARAGRAPH_GAP_MS})")
    paragraphs = tuple(request.paragraphs)
    if not any(p.strip() for p in paragraphs):
        raise BadInputError("there is no text to synthesize")
    if len(request.emotions) > len(paragraphs):
        raise BadInputError(f"{len(request.emotions)} emotion lists for {len(paragraphs)} paragraphs")
    emotions = tuple(request.emotions) + ((),) * (len(paragraphs) - len(request.emotions))
    if any(emotions):
        supported = voice_emotions(voice)
        for index, (text, spans) in enumerate(zip(paragraphs, emotions, strict=True)):
            try:
                ssml.validate_emotions(spans, len(text), supported, voice)
            except ssml.SsmlError as exc:
                exc.paragraph = index
                raise
    sample_rate = choose_sample_rate(voice, request.sample_rate, voice_rates(voice))
    text = ssml.build_long_text(paragraphs, emotions, gap_ms=request.paragraph_gap_ms, readings=request.readings)
    count = count_chars(paragraphs, emotions)  # the newlines between paragraphs count too
    if count > ssml.MAX_TEXT_CHARS:
        raise BadInputError(f"the text has {count:,} characters (tags not counted, the line breaks between "
                            f"its {len(paragraphs)} paragraphs counted); Alibaba accepts at most "
                            f"{ssml.MAX_TEXT_CHARS:,} per task (split the unit)")
    tts_request = {
        "voice": voice,
        "sample_rate": sample_rate,
        "format": audio_format,
        "text": text,
        "enable_subtitle": subtitles,
        "volume": volume_level(request.volume),
        "speech_rate": speech_rate(request.speed),
        "pitch_rate": pitch_rate(request.pitch),
    }
    body = {
        "payload": {"tts_request": tts_request, "enable_notify": False},
        "context": {"device_id": DEVICE_ID},
        "header": {"appkey": appkey, "token": ""},
    }
    return TaskBody(body, paragraphs, sample_rate, audio_format)


def choose_sample_rate(voice: str, wanted: int | None, offers: Collection[int] | None) -> int:
    """The rate to ask for: ``wanted`` if the voice ``offers`` it (or, unknown voice, Alibaba does at all);
    without a wish 16 kHz, or the voice's highest when it has no 16 kHz."""
    offered = tuple(sorted(int(r) for r in offers)) if offers else None
    if wanted is None:
        if not offered or DEFAULT_SAMPLE_RATE in offered:
            return DEFAULT_SAMPLE_RATE
        return offered[-1]
    if offered and wanted not in offered:
        raise BadInputError(f"voice {voice} offers {'/'.join(map(str, offered))} Hz, not {wanted} Hz")
    if not offered and wanted not in SAMPLE_RATES:
        raise BadInputError(f"Alibaba synthesizes at {'/'.join(map(str, SAMPLE_RATES))} Hz, not {wanted} Hz")
    return int(wanted)


def answer_status(data: dict[str, Any] | None) -> tuple[int | None, str]:
    """(``error_code``, ``error_message``) of an answer; the callback shape puts the code in ``status``."""
    if data is None:
        return None, ""
    raw = data.get("error_code")
    if raw is None and isinstance(data.get("status"), int) and data["status"] >= 10_000_000:
        raw = data["status"]
    try:
        code = int(raw) if raw is not None else None
    except (TypeError, ValueError):
        code = None
    return code, str(data.get("error_message") or "")


def means_unknown_task(message: str, http_status: int) -> bool:
    """A query answer saying the task id is unknown or gone (undocumented; judged from the wording)."""
    lowered = message.lower()
    return http_status in (404, 410) or any(word in lowered for word in ("not found", "not exist", "expired",
                                                                         "unknown task", "no such task"))


def storage_error(response: requests.Response) -> tuple[str | None, str]:
    """Code and message of an object-storage (OSS) XML error body, e.g. AccessDenied / "Request has expired."."""
    try:
        body = response.content[:4096].decode("utf-8", errors="replace")
    except requests.RequestException:
        return None, ""
    code = re.search(r"<Code>([^<]{1,100})</Code>", body)
    message = re.search(r"<Message>([^<]{1,300})</Message>", body)
    return (code.group(1) if code else None), (message.group(1) if message else "")
