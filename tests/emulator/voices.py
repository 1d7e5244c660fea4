"""The vendors' voice tables as the emulator knows them (data files next to this module).

Why separate from the app's catalogue: the emulator is the stand-in for the vendor, so it judges requests by
the vendor's own tables (parsed from the vendor pages), never by what the app believes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent

#: Base pitch (Hz) of the emulator's synthetic "voice" per register.
BASE_PITCH_HZ = {"female": 220, "male": 120, "child": 300}


@dataclass(frozen=True)
class AliyunVoice:
    """One row of Alibaba's long-text voice table (plus its emotion categories, if multi-emotion)."""

    voice: str
    name: str
    sample_rates: tuple[int, ...]
    timestamps: bool
    quality: str
    gender: str
    emotions: tuple[str, ...]

    @property
    def multi_emotion(self) -> bool:
        return bool(self.emotions)


@dataclass(frozen=True)
class BaiduVoice:
    """One Baidu voice id: the doc's basic/premium ids and the NOTES' 臻品 / large-model ids."""

    voice_id: int
    name: str | None
    tier: str
    gender: str
    max_volume: int


@cache
def aliyun_voices() -> dict[str, AliyunVoice]:
    raw = json.loads((_HERE / "aliyun_voices.json").read_text(encoding="utf-8"))["voices"]
    return {
        key: AliyunVoice(voice=key, name=v["name"], sample_rates=tuple(v["sample_rates"]), timestamps=v["timestamps"],
                         quality=v["quality"], gender=v["gender"], emotions=tuple(v["emotions"]))
        for key, v in raw.items()
    }


@cache
def baidu_voices() -> dict[int, BaiduVoice]:
    raw = json.loads((_HERE / "baidu_voices.json").read_text(encoding="utf-8"))["voices"]
    return {
        int(key): BaiduVoice(voice_id=int(key), name=v["name"], tier=v["tier"], gender=v["gender"],
                             max_volume=v["max_volume"])
        for key, v in raw.items()
    }
