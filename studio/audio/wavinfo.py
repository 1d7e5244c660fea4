"""Exact facts about WAV and FLAC pieces, and silence written as WAV.

Chapter marks are computed from sample counts, never from estimates, so the header is read with the
``wave`` module and cross-checked against the file size: a truncated download would otherwise shift every
later chapter mark without any error. The render cache stores FLAC (decision 0015): its STREAMINFO block
holds the exact sample count, so a FLAC piece is described without decoding it.
"""

from __future__ import annotations

import os
import struct
import wave
from dataclasses import dataclass
from pathlib import Path

from studio.audio.errors import AudioError


@dataclass(frozen=True, order=True)
class PcmFormat:
    """The three numbers pieces must share before they can be concatenated without re-decoding."""

    sample_rate: int
    channels: int
    sample_width: int  # bytes per sample

    @property
    def frame_size(self) -> int:
        return self.channels * self.sample_width

    @property
    def pcm_codec(self) -> str:
        """The ffmpeg encoder that writes WAV in this format (8-bit WAV is unsigned, the rest signed)."""
        return {1: "pcm_u8", 2: "pcm_s16le", 3: "pcm_s24le", 4: "pcm_s32le"}[self.sample_width]

    def __str__(self) -> str:
        layout = {1: "mono", 2: "stereo"}.get(self.channels, f"{self.channels} ch")
        return f"{self.sample_rate} Hz {layout} {8 * self.sample_width}-bit"


@dataclass(frozen=True)
class WavInfo:
    path: Path
    format: PcmFormat
    frames: int

    @property
    def duration_ms(self) -> float:
        return self.frames * 1000.0 / self.format.sample_rate


def data_offset(path: str | os.PathLike[str]) -> int | None:
    """Byte offset of the ``data`` payload, by walking the RIFF chunks (``wave`` does not expose it)."""
    with open(path, "rb") as fh:
        header = fh.read(12)
        if len(header) < 12 or header[:4] != b"RIFF" or header[8:12] != b"WAVE":
            return None
        while True:
            chunk = fh.read(8)
            if len(chunk) < 8:
                return None
            name, size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
            if name == b"data":
                return fh.tell()
            fh.seek(size + (size & 1), os.SEEK_CUR)  # chunks are word aligned


def read_wav_info(path: str | os.PathLike[str]) -> WavInfo:
    """Format and exact frame count of a PCM WAV file.

    Raises ``AudioError`` for files ``wave`` cannot read (not RIFF, compressed, WAVE_FORMAT_EXTENSIBLE on
    Python < 3.12) so callers can hand them to ffmpeg instead, and for truncated files, which no
    conversion can repair.
    """
    p = Path(path)
    try:
        with wave.open(str(p), "rb") as w:
            fmt = PcmFormat(w.getframerate(), w.getnchannels(), w.getsampwidth())
            declared = w.getnframes()
    except (wave.Error, EOFError, struct.error) as exc:
        raise AudioError(f"not a PCM WAV file the wave module can read ({exc})", path=p) from exc
    except OSError as exc:
        raise AudioError(f"cannot open audio piece: {exc.strerror or exc}", path=p) from exc
    if fmt.sample_rate <= 0 or fmt.channels <= 0:
        raise AudioError(f"WAV header is invalid ({fmt.sample_rate} Hz, {fmt.channels} channels)", path=p)
    offset = data_offset(p)
    if offset is not None:
        present = (p.stat().st_size - offset) // fmt.frame_size
        if present < declared:
            raise AudioError(f"WAV file is truncated: header announces {declared} frames, "
                             f"only {present} are present", path=p)
    return WavInfo(p, fmt, declared)


FLAC_MAGIC = b"fLaC"


def read_flac_info(path: str | os.PathLike[str]) -> WavInfo:
    """Format and exact frame count of a FLAC file, from its STREAMINFO block (which the format requires to
    come first). Raises ``AudioError`` for anything else, and for a stream that does not state its length
    (a live stream's encoder may leave it 0): chapter marks need the exact count."""
    p = Path(path)
    try:
        with open(p, "rb") as fh:
            head = fh.read(8 + 34)
    except OSError as exc:
        raise AudioError(f"cannot open audio piece: {exc.strerror or exc}", path=p) from exc
    if len(head) < 42 or head[:4] != FLAC_MAGIC or head[4] & 0x7F != 0:
        raise AudioError("not a FLAC file with a STREAMINFO block", path=p)
    bits = int.from_bytes(head[18:26], "big")  # rate 20 | channels-1 3 | bits-1 5 | total samples 36
    rate, channels = bits >> 44, ((bits >> 41) & 0x07) + 1
    width, frames = ((bits >> 36) & 0x1F) + 1, bits & 0xF_FFFF_FFFF
    if rate <= 0 or width % 8 or frames <= 0:
        raise AudioError(f"FLAC stream has no usable length or format ({rate} Hz, {width}-bit, {frames} samples)",
                         path=p)
    return WavInfo(p, PcmFormat(rate, channels, width // 8), frames)


def is_flac(path: str | os.PathLike[str]) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == FLAC_MAGIC
    except OSError:
        return False


def read_audio_info(path: str | os.PathLike[str]) -> WavInfo:
    """``read_flac_info`` for FLAC (the cache since decision 0015), ``read_wav_info`` for everything else
    (caches from before it, converted pieces, silence)."""
    return read_flac_info(path) if is_flac(path) else read_wav_info(path)


def write_silence(path: str | os.PathLike[str], frames: int, fmt: PcmFormat) -> Path:
    """Write ``frames`` of digital silence; in blocks, so a long gap never needs a large buffer."""
    p = Path(path)
    silent_byte = b"\x80" if fmt.sample_width == 1 else b"\x00"  # 8-bit WAV is unsigned: 128 is zero
    block_frames = 8192
    block = silent_byte * (block_frames * fmt.frame_size)
    with wave.open(str(p), "wb") as w:
        w.setnchannels(fmt.channels)
        w.setsampwidth(fmt.sample_width)
        w.setframerate(fmt.sample_rate)
        w.setnframes(frames)  # header right the first time: no seek-back rewrite
        remaining = frames
        while remaining > 0:
            n = min(remaining, block_frames)
            w.writeframesraw(block[: n * fmt.frame_size])
            remaining -= n
    return p
