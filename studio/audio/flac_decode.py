"""FLAC pieces of the render cache decoded inside our own process (libFLAC through ``plibflac``), not by ffmpeg.

Why: every export decodes the whole book from the cache (decision 0015). ffmpeg does that well per sample, but
each run is a process with five threads handing every FLAC frame from demuxer to decoder to PCM encoder to
muxer, plus a pipe to us: decoding 100 five-second pieces (363 s of 22,050 Hz speech) cost 0.40-0.55 s of CPU,
half of it system time (53,000 context switches), where libFLAC in-process took 0.11 s; on the 1-hour benchmark
book at 2 workers the decoders were 2.4 s of CPU beside 57 s of encoding, on two busy cores (issue 20).

``plibflac`` (no dependencies, libFLAC built in, an abi3 wheel per platform) returns each channel as 32-bit
integers; 16-bit samples are their two low bytes on a little-endian machine, so one slice copy per byte turns
them into interleaved 16-bit PCM. FLAC is lossless, so the bytes are those ffmpeg gave (tested). Where the module
cannot load (a big-endian machine, a build without it) ``available()`` is False and callers use ffmpeg.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterator
from pathlib import Path

from studio.audio.errors import AudioError
from studio.audio.wavinfo import PcmFormat

#: Set by tests to exercise the ffmpeg path callers fall back to.
DISABLED = False


def available() -> bool:
    """Whether ``pcm`` can decode here (else decode with ffmpeg)."""
    return not DISABLED and sys.byteorder == "little" and _loads()


@functools.cache
def _loads() -> bool:
    try:
        import plibflac  # noqa: F401  (loaded on first use: ~1 MB, only an export or a scan needs it)
    except ImportError:
        return False
    return True


def pcm(path: Path, fmt: PcmFormat, *, start: int = 0, frames: int | None = None,
        block_frames: int = 1 << 18) -> Iterator[bytearray]:
    """Frames [start, start + frames) of a 16-bit FLAC file (default: to its end) as interleaved little-endian
    PCM, in blocks of at most ``block_frames``. Raises ``AudioError`` naming the file when it cannot be read,
    is not ``fmt``, or ends before the range does (a truncated or damaged piece)."""
    import plibflac

    if start < 0 or (frames is not None and frames < 0):
        raise AudioError(f"no such range in a FLAC piece: {frames} frames from {start}", path=path)
    try:
        decoder = plibflac.Decoder(path)
    except OSError as exc:
        raise AudioError(f"cannot read this FLAC piece: {exc.strerror or exc}", path=path) from exc
    try:  # closed however it ends: a header that fails to parse must not leave the file open
        decoder.read_metadata()
        got = PcmFormat(decoder.sample_rate, decoder.channels, decoder.bits_per_sample // 8)
        if got != fmt or decoder.bits_per_sample != 16:
            raise AudioError(f"piece is {got}, not {fmt}: convert it first", path=path)
        total = decoder.total_samples  # 0: the stream does not state its length, read it to its end
        end = (total if total else None) if frames is None else start + frames
        if total and end is not None and end > total:
            raise AudioError(f"frames {start}-{end} asked of a FLAC piece of {total}", path=path)
        if start:
            decoder.seek(start)
        left = sys.maxsize if end is None else end - start
        while left > 0:
            channels = decoder.read(min(left, block_frames))
            if channels is None or len(channels[0]) == 0:
                break
            left -= len(channels[0])
            yield _interleave16(channels)
    except (plibflac.Error, ValueError, RuntimeError) as exc:
        raise AudioError(f"cannot decode this FLAC piece: {exc}", path=path) from exc
    except OSError as exc:
        raise AudioError(f"cannot read this FLAC piece: {exc.strerror or exc}", path=path) from exc
    finally:
        decoder.close()
    if left > 0 and end is not None:
        raise AudioError(f"the FLAC piece decoded to {left} fewer samples than its header states (truncated or "
                         "damaged?)", path=path)


def _interleave16(channels: tuple[memoryview, ...]) -> bytearray:
    """Channels of 32-bit samples (each within 16 bits) as interleaved 16-bit little-endian PCM. Copied to bytes
    first: a strided slice of ``bytes`` is a C loop, of a memoryview a generic one (measured: 3.5x slower)."""
    step = 2 * len(channels)
    out = bytearray(step * len(channels[0]))
    for c, samples in enumerate(channels):
        raw = samples.tobytes()
        out[2 * c::step] = raw[0::4]
        out[2 * c + 1::step] = raw[1::4]
    return out
