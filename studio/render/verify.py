"""Check a downloaded unit before it counts, and map its timing back onto the unit's paragraphs.

Why check again after the engines did: the engines compare the bytes received with Content-Length, but a
unit's audio goes into a book where every later chapter mark is computed from sample counts. A file that is
short, empty, not a readable WAV or not as long as its own timestamps would shift or break everything after it,
and would be kept in the cache forever. So the scheduler downloads into a staging file, verifies it here, and
only then moves it into the cache and commits it: a bad download is fetched again, never marked done. What
goes into the cache is the verified WAV compressed losslessly to FLAC (decision 0015: half the disk).

Why remap paragraphs here: an engine that fetches a task submitted by an earlier run of the app no longer knows
the request (Alibaba's answer has no paragraph numbers), so for a grouped unit its sentences all say paragraph
0. The unit knows its paragraphs, so sentences are assigned to them again by matching their text.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from studio.audio.cached_audio import store_flac
from studio.audio.errors import AudioError, DiskFullError
from studio.audio.wavinfo import WavInfo, read_wav_info
from studio.core.errors import LocalStorageError, RetryableEngineError
from studio.engines.base import SynthesisResult
from studio.engines.timing import unit_timing
from studio.render.plan import RenderUnit

log = logging.getLogger("studio.render")

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


def store_as_flac(wav: Path, flac: Path) -> AudioError | None:
    """``wav`` stored losslessly as ``flac`` (``store_flac``, checked sample for sample); why it could not be
    (``wav`` untouched, no ``flac``: the caller keeps the WAV), or None. A full disk is the user's to fix,
    whoever asked: ``LocalStorageError`` naming the file (a render and ``studio compact`` stop alike)."""
    try:
        store_flac(wav, flac)
    except DiskFullError:
        raise LocalStorageError(f"No space left on device: {flac}", path=flac) from None
    except AudioError as exc:
        return exc
    return None


def compress_download(staging: Path) -> Path:
    """The verified download stored as FLAC beside it (decision 0015), the WAV removed; if ffmpeg cannot encode
    it, the WAV itself (a bigger cache, never a lost download). A full disk stops the render as any other."""
    flac = staging.with_suffix(".flac")
    problem = store_as_flac(staging, flac)
    if problem is not None:
        log.warning("keeping %s as WAV: it could not be stored as FLAC (%s)", staging.name, problem)
        return staging
    staging.unlink(missing_ok=True)
    return flac


def unit_timestamps(unit: RenderUnit, result: SynthesisResult, duration_ms: int) -> dict[str, Any]:
    """What ``rendered_unit.timestamps`` stores: sentences, words and paragraph offsets, paragraphs mapped.

    The engine's offsets stand when they cover the unit's paragraphs; otherwise (a grouped unit fetched after
    a restart) ``studio.engines.timing`` maps the sentences back by their text, with its one offsets rule.
    """
    offsets = list(result.paragraph_offsets_ms)
    timing = unit_timing(unit.request.paragraphs, duration_ms, result.sentences, result.words, offsets)
    return timing.to_json()
