"""The offline engine's voices and how engine-neutral voice settings map onto espeak-ng.

Kept apart from the engine so the voice catalogue can list offline voices without starting workers or
loading the library.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from studio.core.errors import BadInputError

ESPEAK_SAMPLE_RATE = 22050  # espeak-ng's fixed output rate; the engine reports the rate it really got.

# espeak-ng parameter scales (speak_lib.h).
ESPEAK_RATE_NORMAL = 175  # words per minute at speed 1.0
ESPEAK_RATE_MIN = 80
ESPEAK_RATE_MAX = 450
ESPEAK_PITCH_NORMAL = 50
ESPEAK_VOLUME_NORMAL = 100
ESPEAK_VOLUME_MAX = 200


@dataclass(frozen=True)
class LocalVoice:
    """One offline voice. ``language`` is a BCP 47 tag; ``espeak_name`` is what espeak-ng loads."""

    id: str
    name: str
    name_zh: str
    language: str
    gender: str
    espeak_name: str
    sample_rate: int = ESPEAK_SAMPLE_RATE


# Female voices use espeak's "+f3" variant, checked to raise the median F0 from ~90 Hz to ~180-220 Hz.
LOCAL_VOICES: list[LocalVoice] = [
    LocalVoice("local-cmn", "Mandarin, male (offline)", "普通话 男声（离线）", "zh-CN", "male", "cmn"),
    LocalVoice("local-cmn-f", "Mandarin, female (offline)", "普通话 女声（离线）", "zh-CN", "female",
               "cmn+f3"),
    LocalVoice("local-yue", "Cantonese, male (offline)", "粤语 男声（离线）", "zh-HK", "male", "yue"),
    LocalVoice("local-yue-f", "Cantonese, female (offline)", "粤语 女声（离线）", "zh-HK", "female",
               "yue+f3"),
    LocalVoice("local-en-us", "English (US), male (offline)", "美式英语 男声（离线）", "en-US", "male",
               "en-us"),
    LocalVoice("local-en-us-f", "English (US), female (offline)", "美式英语 女声（离线）", "en-US", "female",
               "en-us+f3"),
    LocalVoice("local-en-gb", "English (UK), male (offline)", "英式英语 男声（离线）", "en-GB", "male", "en"),
    LocalVoice("local-en-gb-f", "English (UK), female (offline)", "英式英语 女声（离线）", "en-GB", "female",
               "en+f3"),
]

_BY_ID = {voice.id: voice for voice in LOCAL_VOICES}


def voice_by_id(voice_id: str) -> LocalVoice | None:
    """The voice with this id, or None: for callers that report unknown voices their own way."""
    return _BY_ID.get(voice_id)


def find_local_voice(voice_id: str) -> LocalVoice:
    """Look a voice up by id; an unknown id is the caller's input error, not a transient failure."""
    try:
        return _BY_ID[voice_id]
    except KeyError:
        known = ", ".join(_BY_ID)
        raise BadInputError(f"unknown offline voice {voice_id!r} (known: {known})") from None


@dataclass(frozen=True)
class EspeakSettings:
    rate: int
    pitch: int
    volume: int


def espeak_settings(speed: float = 1.0, pitch: float = 1.0, volume: float = 1.0) -> EspeakSettings:
    """Map the engine-neutral multipliers (1.0 = the voice's default) onto espeak-ng's scales.

    * speed: words per minute, ``175 * speed``, clamped to espeak's 80..450 (so 0.46x..2.57x).
    * pitch: espeak scales a voice's base pitch by ``2 ** ((p - 50) / 50)`` for parameter ``p`` in 0..100,
      so ``p = 50 + 50 * log2(pitch)`` makes the multiplier mean what it says for the base pitch
      (0.5x..2x; 1.0 -> 50). Intonation range is not scaled, so the measured median F0 moves a bit less.
    * volume: espeak's amplitude is linear in its 0..200 parameter, so ``100 * volume`` (1.0 -> 100);
      above 1.0 loud passages can clip.

    Raises BadInputError for values that have no meaning (non-positive speed or pitch, negative volume).
    """
    for label, value, minimum_exclusive in (("speed", speed, True), ("pitch", pitch, True),
                                            ("volume", volume, False)):
        if not math.isfinite(value) or value < 0 or (minimum_exclusive and value == 0):
            raise BadInputError(f"offline engine: {label} {value!r} is out of range")
    rate = _clamp(round(ESPEAK_RATE_NORMAL * speed), ESPEAK_RATE_MIN, ESPEAK_RATE_MAX)
    espeak_pitch = _clamp(round(ESPEAK_PITCH_NORMAL + 50 * math.log2(pitch)), 0, 100)
    espeak_volume = _clamp(round(ESPEAK_VOLUME_NORMAL * volume), 0, ESPEAK_VOLUME_MAX)
    return EspeakSettings(rate=rate, pitch=espeak_pitch, volume=espeak_volume)


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))
