"""Reading finished audio back: durations, chapters, samples. There is no ffprobe in the bundle.

Durations must be the *presented* length: an AAC file in MP4 holds 1024 priming samples that an edit list
hides, and mutagen's ``info.length`` (from ``mdhd``) counts them. The movie header (``mvhd``) holds the
edited length, so MP4 durations are read from there.
"""

from __future__ import annotations

import array
import os
import struct
import sys
from pathlib import Path
from typing import BinaryIO

from studio.audio import metadata
from studio.audio.errors import AudioError
from studio.audio.ffmpeg import capture_ffmpeg_stdout, stream_ffmpeg_stdout
from studio.audio.stitch import ChapterMark
from studio.audio.wavinfo import read_flac_info, read_wav_info

_MP4_SUFFIXES = {".m4b", ".m4a", ".mp4", ".aac", ".mov"}


def read_chapters(path: str | os.PathLike[str]) -> list[ChapterMark]:
    """Chapters as ffmpeg sees them (MP4 chapter track or ``chpl``, MP3 ``CHAP``, Matroska, ...)."""
    text = capture_ffmpeg_stdout(["-i", os.fspath(path), "-f", "ffmetadata", "-"]).decode("utf-8", "replace")
    return [ChapterMark(ch.title, ch.start_ms, ch.end_ms) for ch in metadata.parse(text).chapters]


def read_tags(path: str | os.PathLike[str]) -> dict[str, str]:
    """Global tags as ffmpeg names them (``title``, ``artist``, ...), whatever the container."""
    text = capture_ffmpeg_stdout(["-i", os.fspath(path), "-f", "ffmetadata", "-"]).decode("utf-8", "replace")
    return metadata.parse(text).tags


def _boxes(fh: BinaryIO, end: int) -> dict[bytes, tuple[int, int]]:
    """Top-level boxes between the current position and ``end``: name -> (payload offset, payload size)."""
    found: dict[bytes, tuple[int, int]] = {}
    pos = fh.tell()
    while pos + 8 <= end:
        fh.seek(pos)
        header = fh.read(8)
        if len(header) < 8:
            break
        size, name = struct.unpack(">I4s", header)
        head = 8
        if size == 1:
            size = struct.unpack(">Q", fh.read(8))[0]
            head = 16
        elif size == 0:
            size = end - pos
        if size < head:
            break
        found.setdefault(name, (pos + head, size - head))
        pos += size
    return found


def mp4_duration_ms(path: str | os.PathLike[str]) -> float | None:
    """Presented duration from the ``mvhd`` box (edit lists applied), or None if there is none."""
    with open(path, "rb") as fh:
        top = _boxes(fh, os.fstat(fh.fileno()).st_size)
        if b"moov" not in top:
            return None
        moov_at, moov_size = top[b"moov"]
        fh.seek(moov_at)
        inner = _boxes(fh, moov_at + moov_size)
        if b"mvhd" not in inner:
            return None
        fh.seek(inner[b"mvhd"][0])
        version = fh.read(4)[0]
        if version == 1:
            _created, _modified, timescale, duration = struct.unpack(">QQIQ", fh.read(28))
        else:
            _created, _modified, timescale, duration = struct.unpack(">IIII", fh.read(16))
    return duration * 1000.0 / timescale if timescale else None


def _decoded_duration_ms(path: Path) -> float:
    """Decode everything at a fixed rate and count samples: slow but exact for any format, and streaming."""
    rate = 48000
    frames = 0
    for chunk in stream_ffmpeg_stdout(["-i", str(path), "-map", "0:a:0", "-ac", "1", "-ar", str(rate),
                                       "-f", "s16le", "-"], chunk_size=1 << 20):
        frames += len(chunk) // 2
    return frames * 1000.0 / rate


def probe_duration_ms(path: str | os.PathLike[str], *, exact: bool = False) -> float:
    """Duration of an audio file in ms, from headers where they can be trusted.

    WAV, FLAC and MP4-family files are exact from their headers. MP3 comes from mutagen, which ignores the
    gapless info in ffmpeg-written (``Lavc``) Info tags and so overstates such files by the encoder delay
    plus padding (about 50-70 ms); ``exact=True`` decodes instead (about 1.5 s per hour of MP3), as it
    does for every other format.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".wav":
        return read_wav_info(p).duration_ms
    if suffix == ".flac":
        try:
            return read_flac_info(p).duration_ms  # STREAMINFO's exact sample count (the render cache's units)
        except AudioError:
            pass  # no length in the header: decode
    if suffix in _MP4_SUFFIXES:
        ms = mp4_duration_ms(p)
        if ms is not None:
            return ms
    if suffix == ".mp3" and not exact:
        from mutagen.mp3 import MP3, HeaderNotFoundError

        try:
            info = MP3(p).info
        except HeaderNotFoundError as exc:
            raise AudioError("not a readable MP3 file", path=p) from exc
        if info is None:
            raise AudioError("not a readable MP3 file (no audio stream)", path=p)
        return float(info.length) * 1000.0
    return _decoded_duration_ms(p)


def decode_to_pcm(path: str | os.PathLike[str], *, sample_rate: int | None = None,
                  channels: int = 1) -> array.array[int]:
    """The whole file as signed 16-bit samples (interleaved if ``channels`` > 1), decoded by ffmpeg.

    For tests and level checks on short material; it holds everything in memory. Edit lists are
    honoured, so sample 0 is the first sample a listener hears.
    """
    args = ["-i", os.fspath(path), "-map", "0:a:0", "-ac", str(channels)]
    if sample_rate:
        args += ["-ar", str(sample_rate)]
    samples = array.array("h")
    for chunk in stream_ffmpeg_stdout([*args, "-f", "s16le", "-"], chunk_size=1 << 16):
        samples.frombytes(chunk[: len(chunk) - len(chunk) % 2])
    if sys.byteorder == "big":
        samples.byteswap()
    return samples
