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

import sys
from collections.abc import Iterator
from pathlib import Path

from studio.audio.errors import AudioError
from studio.audio.wavinfo import PcmFormat

#: Set by tests to exercise the ffmpeg path callers fall back to.
DISABLED = False


def available() -> bool:
    """Whether ``pcm`` can decode here (else decode with ffmpeg)."""
    if DISABLED or sys.byteorder != "little":
        return False
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

    try:
        with plibflac.Decoder(path) as decoder:
            got = PcmFormat(decoder.sample_rate, decoder.channels, decoder.bits_per_sample // 8)
            if got != fmt or decoder.bits_per_sample != 16:
                raise AudioError(f"piece is {got}, not {fmt}: convert it first", path=path)
            # a stream that does not state its length (0) is read to its end
            to_end = frames is None and decoder.total_samples == 0
            left = sys.maxsize if to_end else (decoder.total_samples - start if frames is None else frames)
            if start:
                decoder.seek(start)
            while left > 0:
                channels = decoder.read(min(left, block_frames))
                if channels is None:
                    break
                count = len(channels[0])
                if count == 0:
                    break
                left -= count
                yield _interleave16(channels)
    except plibflac.Error as exc:
        raise AudioError(f"cannot decode this FLAC piece: {exc}", path=path) from exc
    except OSError as exc:
        raise AudioError(f"cannot read this FLAC piece: {exc.strerror or exc}", path=path) from exc
    if left > 0 and not to_end:
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
