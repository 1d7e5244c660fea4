"""Rendered units as the cache keeps them: FLAC since decision 0015, WAV in caches from before it.

Why FLAC: the studio works on exact 16-bit PCM (sample counts make chapter marks), and FLAC is that PCM,
losslessly, at about half the size for speech (the bundled sample: 101 MB of WAV -> 50 MB). Its STREAMINFO
states the exact sample count, so a piece is still described from its header alone (``read_audio_info``).
Vendor MP3 is decoded once, on download, as before: keeping the MP3 would make every export decode it again
and trust a decoder's delay handling for the sample count.

Everything here takes either format, so a project rendered before FLAC keeps working without re-rendering
(and so without paying again): the cache key names the content, the file's suffix only how it is stored.
"""

from __future__ import annotations

import array
import os
import sys
import tempfile
import wave
from collections.abc import Iterator
from pathlib import Path

from studio.audio import flac_decode
from studio.audio.errors import AudioError
from studio.audio.ffmpeg import run_ffmpeg, stream_ffmpeg_stdout
from studio.audio.wavinfo import PcmFormat, WavInfo, data_offset, is_flac, read_audio_info, read_flac_info

__all__ = ["decode_to_wav", "pcm_blocks", "read_frames", "samples_of", "store_flac"]


#: ffmpeg's default FLAC level: measured on espeak speech, level 8 saved 1.5 % more for 1.7x the CPU, level 0
#: cost 18 % more space.
COMPRESSION_LEVEL = 5
#: Samples per FLAC frame: the largest the FLAC subset allows up to 48 kHz (ffmpeg picks ~100 ms by default, 2,048 at
#: 22,050 Hz). Every frame is one packet through ffmpeg's demuxer, decoder and output threads, and an export decodes
#: every unit: measured on 600 s of speech at 22,050 Hz, decoding took 0.45 s of CPU (half of it system time) with
#: 2,048-sample frames and 0.29 s with 4,608, for 2.9 % more bytes. Older cache files decode as they are.
FRAME_SAMPLES = 4608


def store_flac(wav: Path, dest: Path) -> WavInfo:
    """Encode the 16-bit WAV ``wav`` losslessly to ``dest`` (written under a temporary name, then renamed) and
    return what ``dest`` holds. The result is checked against the WAV: same format, same number of samples.

    Raises ``DiskFullError`` when the disk is full and ``AudioError`` when ffmpeg fails; ``dest`` then does
    not exist and ``wav`` is untouched, so the caller can keep the WAV instead.
    """
    source = read_audio_info(wav)
    fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        run_ffmpeg(["-i", str(wav), "-map", "0:a:0", "-map_metadata", "-1", "-fflags", "+bitexact",
                    "-c:a", "flac", "-compression_level", str(COMPRESSION_LEVEL), "-frame_size", str(FRAME_SAMPLES),
                    "-f", "flac", str(tmp)],
                   output=tmp)
        stored = read_flac_info(tmp)
        if (stored.format, stored.frames) != (source.format, source.frames):
            raise AudioError(f"FLAC holds {stored.frames} samples of {stored.format}, the WAV "
                             f"{source.frames} of {source.format}", path=tmp)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return WavInfo(dest, stored.format, stored.frames)


def read_frames(path: Path, fmt: PcmFormat, start: int, stop: int) -> bytes:
    """Frames [start, stop) as interleaved little-endian PCM: a few hundred ms, to look for a quiet cut.

    FLAC is decoded in this process from a seek to ``start`` (``flac_decode``), or where that cannot load by
    one short ffmpeg run from the file's start up to ``stop`` (``atrim`` counts samples, so the range is exact).
    """
    if stop <= start:
        return b""
    if not is_flac(path):
        with wave.open(str(path), "rb") as w:
            w.setpos(start)
            return w.readframes(stop - start)
    if flac_decode.available():  # seeks straight to ``start``
        return b"".join(flac_decode.pcm(path, fmt, start=start, frames=stop - start))
    args = ["-i", str(path), "-map", "0:a:0", "-af", f"atrim=start_sample={start}:end_sample={stop}",
            "-f", "s16le", "-"]
    return b"".join(stream_ffmpeg_stdout(args, chunk_size=1 << 16))


def pcm_blocks(path: Path, block_frames: int) -> tuple[PcmFormat, Iterator[bytes | bytearray]]:
    """A cached unit's format and its PCM in blocks of ``block_frames`` (the last may be shorter), streamed:
    the QA scan reads whole units, which may be hours long."""
    info = read_audio_info(path)
    size = block_frames * info.format.frame_size
    if is_flac(path):
        if info.format.sample_width != 2:
            raise AudioError(f"{8 * info.format.sample_width}-bit FLAC (16-bit expected)", path=path)
        if flac_decode.available():
            return info.format, flac_decode.pcm(path, info.format, block_frames=block_frames)
        return info.format, stream_ffmpeg_stdout(["-i", str(path), "-map", "0:a:0", "-f", "s16le", "-"],
                                                 chunk_size=size)

    def wav_blocks() -> Iterator[bytes]:
        offset = data_offset(path)
        if offset is None:
            raise AudioError("not a WAV file with a data chunk", path=path)
        left = info.frames * info.format.frame_size
        with open(path, "rb") as fh:
            fh.seek(offset)
            while left > 0 and (block := fh.read(min(size, left))):
                left -= len(block)
                yield block

    return info.format, wav_blocks()


def samples_of(block: bytes | bytearray) -> array.array[int]:
    """16-bit little-endian PCM bytes as signed samples in native order."""
    samples = array.array("h")
    samples.frombytes(block[: len(block) - len(block) % 2])
    if sys.byteorder == "big":
        samples.byteswap()
    return samples


def decode_to_wav(path: Path, dest: Path) -> Path:
    """A WAV copy of a cached unit at ``dest`` (made once, under a temporary name, then renamed), for players
    that may not read FLAC; a WAV unit is returned as it is."""
    if not is_flac(path):
        return path
    if dest.is_file() and dest.stat().st_mtime_ns >= path.stat().st_mtime_ns:
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.part")
    run_ffmpeg(["-i", str(path), "-map", "0:a:0", "-c:a", "pcm_s16le", "-f", "wav", str(tmp)], output=tmp)
    os.replace(tmp, dest)
    return dest
