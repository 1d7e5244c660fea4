"""How many samples a finished export file really plays, read from the file itself.

Why this exists: the encode pass first compares ffmpeg's own progress report (``out_time_us``) with the
timeline, which costs nothing. For MP3 that report is not the truth: with libmp3lame at 22,050 Hz it was
measured 15 to 41 samples *short* for some lengths (20,299,423 samples reported as 20,299,408, while the
file decodes to 20,299,439), which made a perfectly good export of a mixed 16/22.05 kHz book fail with
"-0.68 ms off the planned length". So when the report and the plan disagree, this module settles it from
the file: the WAV header, FLAC's STREAMINFO, the MP3's Xing/LAME tag (frames x samples per frame minus the
encoder delay and padding it records: exactly what ffmpeg and gapless players decode), or, for anything
else, by decoding and counting. A real mismatch (a filter that dropped samples) shows up in the file too.
"""

from __future__ import annotations

import struct
from pathlib import Path

from studio.audio.errors import AudioError
from studio.audio.ffmpeg import stream_ffmpeg_stdout
from studio.audio.wavinfo import read_wav_info

#: (MPEG version bits) -> samples per layer III frame; 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
_MP3_FRAME_SAMPLES = {3: 1152, 2: 576, 0: 576}
#: the LAME extension's delay/padding field sits this many bytes after its 9-byte version string starts
_LAME_DELAY_OFFSET = 21


def mp3_gapless_frames(path: Path) -> int | None:
    """Samples a gapless decoder plays from an MP3 with a Xing/Info + LAME tag (ffmpeg writes one with
    ``-write_xing 1``), or None when the file has no such tag. The file must start with the MPEG audio
    (no ID3v2 in front), as the encoder's own output does."""
    with open(path, "rb") as fh:
        head = fh.read(4 + 32 + 120 + 36 + 4)
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return None
    version = (head[1] >> 3) & 0x03
    layer = (head[1] >> 1) & 0x03
    if layer != 1 or version not in _MP3_FRAME_SAMPLES:  # layer bits 01 = layer III
        return None
    mono = (head[3] >> 6) == 3
    side_info = (17 if mono else 32) if version == 3 else (9 if mono else 17)
    pos = 4 + side_info
    if head[pos:pos + 4] not in (b"Xing", b"Info"):
        return None
    (flags,) = struct.unpack(">I", head[pos + 4:pos + 8])
    pos += 8
    if not flags & 0x1:
        return None
    (frames,) = struct.unpack(">I", head[pos:pos + 4])
    pos += 4 + (4 if flags & 0x2 else 0) + (100 if flags & 0x4 else 0) + (4 if flags & 0x8 else 0)
    field = head[pos + _LAME_DELAY_OFFSET:pos + _LAME_DELAY_OFFSET + 3]
    if len(field) < 3 or not head[pos:pos + 4].isalpha():
        return None
    delay = (field[0] << 4) | (field[1] >> 4)
    padding = ((field[1] & 0x0F) << 8) | field[2]
    return int(frames) * _MP3_FRAME_SAMPLES[version] - delay - padding


def _flac_frames(path: Path) -> int | None:
    from mutagen.flac import FLAC, FLACNoHeaderError

    try:
        total = FLAC(path).info.total_samples
    except (FLACNoHeaderError, OSError):
        return None
    return int(total) or None


def _decoded_frames(path: Path, rate: int) -> int:
    """Decode at the export's own rate (so nothing is resampled) and count the samples."""
    frames = 0
    for chunk in stream_ffmpeg_stdout(["-i", str(path), "-map", "0:a:0", "-ac", "1", "-ar", str(rate),
                                       "-f", "s16le", "-"], chunk_size=1 << 20):
        frames += len(chunk) // 2
    return frames


def written_frames(path: Path, format_name: str, rate: int) -> int:
    """The number of samples (per channel) ``path`` plays, by the cheapest exact means for its format."""
    found: int | None = None
    try:
        if format_name == "wav":
            found = read_wav_info(path).frames
        elif format_name == "flac":
            found = _flac_frames(path)
        elif format_name == "mp3":
            found = mp3_gapless_frames(path)
    except (AudioError, OSError, struct.error):
        found = None
    return found if found is not None else _decoded_frames(path, rate)
