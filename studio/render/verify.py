"""Check a downloaded unit before it counts, and map its timing back onto the unit's paragraphs.

Why check again after the engines did: the engines compare the bytes received with Content-Length, but a
unit's audio goes into a book where every later chapter mark is computed from sample counts. A file that is
short, empty, not a readable WAV or not as long as its own timestamps would shift or break everything after it,
and would be kept in the cache forever. So the scheduler downloads into a staging file, verifies it here, and
only then moves it into the cache and commits it: a bad download is fetched again, never marked done.

Why remap paragraphs here: an engine that fetches a task submitted by an earlier run of the app no longer knows
the request (Alibaba's answer has no paragraph numbers), so for a grouped unit its sentences all say paragraph
0. The unit knows its paragraphs, so sentences are assigned to them again by matching their text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from studio.audio.errors import AudioError
from studio.audio.wavinfo import WavInfo, read_wav_info
from studio.core.errors import RetryableEngineError
from studio.engines.base import SynthesisResult, Timestamp
from studio.render.plan import RenderUnit

#: The WAV's own length and the engine's duration may differ by rounding only.
DURATION_TOLERANCE_MS = 50
#: Timestamps may end a little after the last sample (vendors round); more than this means a short file.
TIMESTAMP_SLACK_MS = 250
TIMESTAMP_SLACK_SHARE = 0.02


def verify_audio(path: Path, result: SynthesisResult, unit: RenderUnit) -> WavInfo:
    """Raise ``RetryableEngineError`` (download again) unless ``path`` is a whole, plausible WAV for ``unit``."""
    where = unit.location
    try:
        info = read_wav_info(path)
    except AudioError as exc:
        raise RetryableEngineError(f"{where}: the downloaded audio is not a readable WAV ({exc.message})") from None
    if info.frames <= 0:
        raise RetryableEngineError(f"{where}: the downloaded audio is empty")
    if abs(info.duration_ms - result.duration_ms) > DURATION_TOLERANCE_MS:
        raise RetryableEngineError(f"{where}: the audio lasts {info.duration_ms:.0f} ms but the engine reported "
                                   f"{result.duration_ms} ms")
    last = max((t.end_ms for t in (*result.sentences, *result.words)), default=0)
    if last and info.duration_ms + max(TIMESTAMP_SLACK_MS, TIMESTAMP_SLACK_SHARE * last) < last:
        raise RetryableEngineError(f"{where}: the audio lasts {info.duration_ms:.0f} ms but its timestamps run to "
                                   f"{last} ms (a short download)")
    return info


def unit_timestamps(unit: RenderUnit, result: SynthesisResult, duration_ms: int) -> dict[str, Any]:
    """What ``rendered_unit.timestamps`` stores: sentences, words and paragraph offsets, paragraphs mapped."""
    count = len(unit.request.paragraphs)
    sentences, words, offsets = list(result.sentences), list(result.words), list(result.paragraph_offsets_ms)
    if count > 1 and len(offsets) != count:
        sentences = _assign(sentences, unit.request.paragraphs)
        words = _assign(words, unit.request.paragraphs) if words else words
        offsets = _offsets(sentences, count, duration_ms, unit.request.paragraphs)
    elif count == 1:
        offsets = [0]
    return {"sentences": [asdict(t) for t in sentences], "words": [asdict(t) for t in words],
            "paragraph_offsets_ms": offsets}


def _assign(stamps: Sequence[Timestamp], paragraphs: Sequence[str]) -> list[Timestamp]:
    from studio.engines.aliyun import assign_paragraphs

    owners = assign_paragraphs([t.text for t in stamps], paragraphs)
    return [replace(t, paragraph=owner) for t, owner in zip(stamps, owners, strict=True)]


def _offsets(sentences: Sequence[Timestamp], count: int, duration_ms: int, paragraphs: Sequence[str]) -> list[int]:
    if sentences:
        from studio.engines.baidu import paragraph_offsets

        return paragraph_offsets(sentences, count, duration_ms)
    total = sum(len(p) for p in paragraphs) or 1  # no timestamps at all: estimate from the characters
    offsets, position = [], 0
    for text in paragraphs:
        offsets.append(position * duration_ms // total)
        position += len(text)
    return offsets
