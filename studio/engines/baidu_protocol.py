"""Baidu long-text synthesis on the wire: the create call's body (with every check that can be made before
paying) and the parsing of the timestamps a finished task answers. Pure functions, unit-tested on their own.

Why apart from ``baidu.py``: the engine there is about sessions, tokens, task bookkeeping and downloads; what
Baidu accepts and answers (../shared/vendor-docs/baidu-long-text-tts.txt) changes with the vendor's doc, not
with how the engine runs.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from studio.core.errors import BadInputError
from studio.engines.base import SynthesisRequest
from studio.engines.timing import Timestamp, parse_ms

#: The doc: at most 100,000 characters in all (every character, letter, digit or symbol counts as one).
MAX_CHARACTERS = 100_000
#: The doc: one query answers at most 200 task ids.
MAX_QUERY_IDS = 200
#: The doc: ``break`` is 0..5000 ms.
MAX_BREAK_MS = 5000

#: Vendor format -> (container, sample rate).
VENDOR_FORMATS: dict[str, tuple[str, int]] = {
    "wav": ("wav", 16000),
    "pcm-16k": ("pcm", 16000),
    "pcm-8k": ("pcm", 8000),
    "mp3-16k": ("mp3", 16000),
    "mp3-48k": ("mp3", 48000),
}
#: Basic voices (度小美 0, 度小宇 1, 度逍遥 3, 度丫丫 4): volume 0..9 instead of 0..15.
BASIC_VOICES = frozenset({0, 1, 3, 4})
_LEVEL_DEFAULT = 5
_LEVEL_MAX = 15
_BASIC_VOLUME_MAX = 9

_BY_CONTAINER: dict[str, dict[int, str]] = {
    "wav": {16000: "wav", 8000: "pcm-8k", 48000: "mp3-48k"},
    "pcm": {16000: "pcm-16k", 8000: "pcm-8k"},
    "mp3": {16000: "mp3-16k", 48000: "mp3-48k"},
}
_CONTAINER_DEFAULT = {"wav": None, "pcm": "pcm-16k", "mp3": "mp3-16k"}


# --------------------------------------------------------------------------------------------------
# Request building (pure functions, unit-tested on their own).


def vendor_format(audio_format: str | None, sample_rate: int | None, *, default: str = "wav") -> str:
    """The Baidu ``format`` for what the request asks; ``default`` serves plain "wav" without a rate.

    Raises ``BadInputError`` for a container or rate Baidu does not offer.
    """
    fmt = (audio_format or "wav").strip().lower()
    if fmt in VENDOR_FORMATS and fmt != "wav":
        rate = VENDOR_FORMATS[fmt][1]
        if sample_rate not in (None, rate):
            raise BadInputError(f"Baidu format {fmt} is {rate} Hz, not {sample_rate} Hz")
        return fmt
    rates = _BY_CONTAINER.get(fmt)
    if rates is None:
        raise BadInputError(f"Baidu cannot produce {audio_format!r} audio (wav, pcm or mp3; or one of "
                            f"{', '.join(VENDOR_FORMATS)})")
    if sample_rate is None:
        return _CONTAINER_DEFAULT[fmt] or default
    chosen = rates.get(sample_rate)
    if chosen is None:
        raise BadInputError(f"Baidu offers {fmt} audio at {', '.join(str(r) for r in sorted(rates))} Hz only, "
                            f"not {sample_rate} Hz")
    return chosen


def vendor_level(multiplier: float, *, label: str = "speed", maximum: int = _LEVEL_MAX) -> int:
    """Map an engine-neutral multiplier onto Baidu's 0..15 scale (5 = default); see the module doc.

    Ten steps per 1.0 on both sides of 1.0, so 0.5x is the slowest/lowest/quietest and 2.0x the highest
    Baidu offers; clamped to ``0..maximum``. Speed and pitch must be positive, volume non-negative.
    """
    value = float(multiplier)
    positive = label != "volume"
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        raise BadInputError(f"Baidu: {label} {multiplier!r} is out of range")
    level = math.floor(_LEVEL_DEFAULT + 10 * (value - 1.0) + 0.5)
    return max(0, min(maximum, level))


def voice_id(voice: str) -> int:
    """Baidu voices are integers ("5003"); anything else is a mistake in the voice setting."""
    text = str(voice).strip()
    if not text.isdigit():
        raise BadInputError(f"Baidu voice ids are whole numbers (e.g. 0, 5003), not {voice!r}")
    return int(text)


def build_create_body(request: SynthesisRequest, *, enable_subtitle: int = 1,
                      default_format: str = "wav") -> dict[str, Any]:
    """The JSON body of a create call, after every check that can be made without asking Baidu.

    Raises ``BadInputError`` for emotion spans, empty paragraphs, over-long text, unknown voices, formats or
    out-of-range speed/pitch/volume, so nothing that would fail (or be billed for the wrong audio) is sent.
    """
    for index, spans in enumerate(request.emotions):
        if spans:
            raise BadInputError(f"Baidu voices do not support emotions (paragraph {index + 1} has "
                                f"{len(spans)} emotion mark{'s' if len(spans) != 1 else ''}); remove them or "
                                "choose an Alibaba multi-emotion voice")
    if not request.paragraphs:
        raise BadInputError("Baidu: nothing to synthesize (no paragraphs)")
    for index, text in enumerate(request.paragraphs):
        if not text.strip():
            raise BadInputError(f"Baidu: paragraph {index + 1} is empty")
    if request.characters > MAX_CHARACTERS:
        raise BadInputError(f"Baidu long-text synthesis takes at most {MAX_CHARACTERS:,} characters per task; "
                            f"this one has {request.characters:,}")
    voice = voice_id(request.voice)
    volume_max = _BASIC_VOLUME_MAX if voice in BASIC_VOICES else _LEVEL_MAX
    return {
        "text": list(request.paragraphs),
        "format": vendor_format(request.audio_format, request.sample_rate, default=default_format),
        "voice": voice,
        "lang": "zh",
        "speed": vendor_level(request.speed, label="speed"),
        "pitch": vendor_level(request.pitch, label="pitch"),
        "volume": vendor_level(request.volume, label="volume", maximum=volume_max),
        "enable_subtitle": enable_subtitle,
        "break": max(0, min(MAX_BREAK_MS, int(request.paragraph_gap_ms))),
    }


def query_batches(task_ids: Sequence[str], size: int = MAX_QUERY_IDS) -> list[list[str]]:
    """Unique ids (first occurrence order) in batches of at most ``size``: 450 ids -> 200, 200, 50."""
    unique = list(dict.fromkeys(task_ids))
    return [unique[i:i + size] for i in range(0, len(unique), size)]


# --------------------------------------------------------------------------------------------------
# Answer parsing.


def parse_timestamps(speech_timestamp: object) -> tuple[list[Timestamp], list[Timestamp]]:
    """``speech_timestamp`` -> (sentences, per-character/word timestamps), times in ms of the audio.

    Tolerant on purpose: times may be ints or strings, ``sentence_texts`` a string or a list, and the whole
    object may arrive as a JSON string; malformed entries are skipped rather than failing a paid-for task.
    """
    data: object = speech_timestamp
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            return [], []
    raw = data.get("sentences") if isinstance(data, Mapping) else data
    sentences: list[Timestamp] = []
    words: list[Timestamp] = []
    if not isinstance(raw, list):
        return sentences, words
    for item in raw:
        if not isinstance(item, Mapping):
            continue
        begin, end = parse_ms(item.get("begin_time")), parse_ms(item.get("end_time"))
        paragraph = parse_ms(item.get("paragraph_index"))
        paragraph = paragraph if paragraph is not None and paragraph >= 0 else 0
        if begin is not None and end is not None:
            text = item.get("sentence_texts", item.get("sentence_text", item.get("text", "")))
            if isinstance(text, list):
                text = "".join(str(t) for t in text)
            sentences.append(Timestamp(str(text), begin, max(begin, end), paragraph))
        characters = item.get("characters")
        for char in characters if isinstance(characters, list) else ():
            if not isinstance(char, Mapping):
                continue
            c_begin, c_end = parse_ms(char.get("begin_time")), parse_ms(char.get("end_time"))
            if c_begin is None or c_end is None:
                continue
            c_text = char.get("character_text", char.get("text", ""))
            words.append(Timestamp(str(c_text), c_begin, max(c_begin, c_end), paragraph))
    return sentences, words
