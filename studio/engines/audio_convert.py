"""Vendor audio (WAV, raw PCM, MP3) -> 16-bit PCM WAV, written atomically. Shared by the cloud engines.

Why: the rest of the studio (stitching, chapter marks, loudness) works on 16-bit PCM WAV pieces whose
frame counts are exact. Vendors hand out WAVs with streaming headers (data size 0 or 0xFFFFFFFF), raw PCM
without any header, or MP3. Everything is streamed through files in blocks, never held in memory, because
one long-text task can be hours of audio. WAV and PCM are handled in Python (no decode, bit-exact);
anything else goes through the bundled ffmpeg.

The destination appears complete or not at all: output goes to a temporary file next to ``dest`` and is
renamed into place.
"""

from __future__ import annotations

import os
import struct
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from studio.audio.errors import AudioError
from studio.audio.ffmpeg import run_ffmpeg
from studio.audio.wavinfo import WavInfo, read_wav_info

__all__ = ["SOURCE_FORMATS", "sniff_format", "to_wav", "wav_header"]

#: Formats ``to_wav`` understands by name; anything ffmpeg can decode also works as "auto".
SOURCE_FORMATS = ("wav", "pcm", "mp3", "auto")

_BLOCK = 1 << 20
_WAVE_FORMAT_PCM = 1
_WAVE_FORMAT_EXTENSIBLE = 0xFFFE
# Streaming encoders write a placeholder data size because they do not know the length yet.
_PLACEHOLDER_SIZES = (0, 0xFFFFFFFF, 0x7FFFFFFF, 0x7FFFF000)

#: A writer gets the temporary output path and fills it with a complete WAV file.
_Writer = Callable[[Path], None]


def sniff_format(path: str | os.PathLike[str]) -> str | None:
    """"wav" or "mp3" by magic bytes, None for anything else (raw PCM has no signature)."""
    with open(path, "rb") as fh:
        head = fh.read(12)
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:3] == b"ID3" or (len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    return None


def _has_id3(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(3) == b"ID3"


def wav_header(data_bytes: int, sample_rate: int, channels: int = 1, sample_width: int = 2) -> bytes:
    """The canonical 44-byte header of a PCM WAV holding ``data_bytes`` of samples."""
    block_align = channels * sample_width
    return struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF", 36 + data_bytes, b"WAVE",
        b"fmt ", 16, _WAVE_FORMAT_PCM, channels, sample_rate, sample_rate * block_align, block_align,
        8 * sample_width,
        b"data", data_bytes,
    )


def to_wav(src: str | os.PathLike[str], dest: str | os.PathLike[str], *, source_format: str = "auto",
           sample_rate: int | None = None, channels: int = 1) -> WavInfo:
    """Write ``src`` to ``dest`` as 16-bit PCM WAV and return the result's exact format and frame count.

    ``source_format`` is what the vendor was asked for; the bytes win when they disagree (a "wav" that is
    really MP3 is decoded). "pcm" means headerless signed 16-bit little-endian samples and needs
    ``sample_rate`` (and ``channels``), which only the request knows. Raises ``AudioError`` for audio that
    cannot be read, including a WAV whose header announces more samples than the file holds.
    """
    src_path, dest_path = Path(src), Path(dest)
    fmt = source_format.lower()
    if fmt not in SOURCE_FORMATS:
        raise AudioError(f"unknown source audio format {source_format!r}", path=src_path)
    sniffed = sniff_format(src_path)
    if fmt == "pcm" and sniffed == "mp3" and not _has_id3(src_path):
        sniffed = None  # an MPEG frame sync is also a plausible pair of PCM bytes: trust the request
    if fmt == "pcm" and sniffed is None:
        if not sample_rate:
            raise AudioError("raw PCM needs a sample rate", path=src_path)
        return _atomic(dest_path, lambda out: _wrap_pcm(src_path, out, sample_rate, channels))
    if sniffed == "wav" and _copy_plain_wav_possible(src_path):
        return _atomic(dest_path, lambda out: _normalize_wav(src_path, out))
    return _atomic(dest_path, lambda out: _decode(src_path, out))


def _atomic(dest: Path, write: _Writer) -> WavInfo:
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        info = read_wav_info(tmp)
        if info.format.sample_width != 2:
            raise AudioError(f"conversion produced {8 * info.format.sample_width}-bit audio, not 16-bit",
                             path=tmp)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return WavInfo(dest, info.format, info.frames)


def _wrap_pcm(src: Path, out: Path, sample_rate: int, channels: int) -> None:
    size = src.stat().st_size
    usable = size - size % (2 * channels)
    with open(src, "rb") as fin, open(out, "wb") as fout:
        fout.write(wav_header(usable, sample_rate, channels))
        _copy_bytes(fin, fout, usable)


def _parse_wav(path: Path) -> tuple[tuple[int, int, int, int, int] | None, int, int]:
    """(format tag, channels, rate, bits, subformat-tag) of the fmt chunk, data offset, declared data size.

    Walks the chunks by hand because vendor headers are often "streaming" ones the ``wave`` module
    rejects or misreads (a data size of 0 or 0xFFFFFFFF).
    """
    fmt: tuple[int, int, int, int, int] | None = None
    file_size = path.stat().st_size
    with open(path, "rb") as fh:
        header = fh.read(12)
        if len(header) < 12 or header[:4] != b"RIFF" or header[8:12] != b"WAVE":
            raise AudioError("not a RIFF/WAVE file", path=path)
        while True:
            chunk = fh.read(8)
            if len(chunk) < 8:
                raise AudioError("WAV file has no data chunk", path=path)
            name, size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
            if name == b"fmt ":
                body = fh.read(min(size, 64))
                if len(body) < 16:
                    raise AudioError("WAV fmt chunk is too short", path=path)
                tag, ch, rate, _, _, bits = struct.unpack("<HHIIHH", body[:16])
                sub = struct.unpack("<H", body[24:26])[0] if tag == _WAVE_FORMAT_EXTENSIBLE and len(body) >= 26 \
                    else tag
                fmt = (tag, ch, rate, bits, sub)
                fh.seek(size + (size & 1) - len(body), os.SEEK_CUR)
            elif name == b"data":
                return fmt, fh.tell(), size
            else:
                if fh.tell() + size > file_size:
                    raise AudioError("WAV file is truncated inside its header", path=path)
                fh.seek(size + (size & 1), os.SEEK_CUR)


def _copy_plain_wav_possible(path: Path) -> bool:
    """True for 16-bit integer PCM: those are copied sample for sample; others go through ffmpeg."""
    try:
        fmt, _, _ = _parse_wav(path)
    except AudioError:
        return False  # let ffmpeg try, and say what is wrong if it cannot
    return fmt is not None and fmt[4] == _WAVE_FORMAT_PCM and fmt[3] == 16 and fmt[1] > 0 and fmt[2] > 0


def _normalize_wav(src: Path, out: Path) -> None:
    fmt, offset, declared = _parse_wav(src)
    assert fmt is not None
    _, channels, rate, _, _ = fmt
    available = src.stat().st_size - offset
    if declared in _PLACEHOLDER_SIZES:
        size = available
    elif declared > available:
        raise AudioError(f"WAV file is truncated: header announces {declared} bytes of samples, "
                         f"only {available} are present", path=src)
    else:
        size = declared
    size -= size % (2 * channels)
    with open(src, "rb") as fin, open(out, "wb") as fout:
        fout.write(wav_header(size, rate, channels))
        fin.seek(offset)
        _copy_bytes(fin, fout, size)


def _decode(src: Path, out: Path) -> None:
    run_ffmpeg(["-i", str(src), "-vn", "-map", "0:a:0", "-map_metadata", "-1", "-fflags", "+bitexact",
                "-c:a", "pcm_s16le", "-f", "wav", str(out)], output=out)


def _copy_bytes(fin: BinaryIO, fout: BinaryIO, count: int) -> None:
    left = count
    while left > 0:
        block = fin.read(min(_BLOCK, left))
        if not block:
            raise AudioError("audio file ended early while copying")
        fout.write(block)
        left -= len(block)
