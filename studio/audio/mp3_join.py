"""Joining separately encoded MP3 chunks into one gapless file with one exact Xing/LAME header.

Why this is exact: libmp3lame (as ffmpeg drives it) delays its output by 1,105 samples (576 of encoder
delay, 529 of decoder filterbank delay) and writes ``ceil((N + 1152) / F)`` frames of F samples for N input
samples (F = 1,152 at 32 kHz and up, 576 below; measured at 8 to 48 kHz, mono and stereo): the last frame
carries at least 47 samples of padding. A chunk fed ``L - 1,152`` samples, L a whole number of frames,
therefore comes out as exactly L / F frames whose decode is the 1,105 delay samples, its audio, and 47
samples of padding. Chunks encoded that way and laid end to end decode, as one stream, to each chunk's audio
starting exactly L samples after the previous chunk's, behind 1,152 samples of codec padding and delay. So
the exporter puts every chapter start on the frame grid (the chapter gap shortened by less than one frame,
as for AAC) and feeds each chunk but the last its chapter and gap *minus the gap's last 1,152 samples*
(``JOIN_TRIM``): the codec's own padding and delay stand in for that stretch of silence, and every chapter
lands on its planned sample. Every chunk but the first also starts two frames early, in the gap's silence
(``PREROLL_FRAMES``, taken off the end of the chunk before), so the encoder is under way when the chapter's
first sound arrives, as it is in a one-pass encode.

Nothing is dropped, so MP3's bit reservoir is no trouble: the first frame of every encode starts its own
main data (``main_data_begin`` = 0) and never reaches back into the chunk before. The decoder's overlap
state carries across a join, but the previous chunk ends in at least ``SILENT_FRAMES`` frames of digital
silence, which LAME encodes as silence, so what carries over is zero.

The chunks are written without an Info frame; the joined stream gets one by an ffmpeg stream copy (frame
count, byte count, seek table, music CRC), and then its LAME tag's encoder delay and padding are set to what
the joined stream really holds (``set_lame_lengths``): ffmpeg, mutagen and gapless players then play
exactly the planned number of samples.
"""

from __future__ import annotations

import struct
import threading
from collections.abc import Sequence
from pathlib import Path

from studio.audio.chunk_encode import Chunk, SpanIndex
from studio.audio.errors import AudioError
from studio.audio.ffmpeg import run_ffmpeg_ex
from studio.audio.timeline import Timeline

#: libmp3lame's encoder delay (what the LAME tag records) and the decoder's filterbank delay
ENCODER_DELAY = 576
DECODER_DELAY = 529
LAME_DELAY = ENCODER_DELAY + DECODER_DELAY
#: the least end padding libmp3lame's flush writes (measured); a chunk of N samples is ceil((N + 1152) / F) frames
MIN_PADDING = 47
#: samples a chunk leaves off the end of its chapter gap: the codec's delay plus its least padding
JOIN_TRIM = LAME_DELAY + MIN_PADDING
#: whole frames of digital silence a chunk must still encode before the trimmed stretch
SILENT_FRAMES = 2
#: whole frames of the gap's silence every chunk but the first is encoded with in front: a fresh encoder
#: that meets a chapter's first sound in its first granules cannot switch to short blocks and has no bit
#: reservoir yet, and smeared that sound up to 20 ms ahead as pre-echo (-25 dB at 44.1 kHz, measured)
PREROLL_FRAMES = 2
#: the LAME tag's version string: ffmpeg's stream copy writes "Lavf", which mutagen does not read delay and
#: padding from (it then reports every frame, 1,600+ samples too many); the frames are libmp3lame's own
LAME_VERSION = b"LAME3.100"
#: the LAME tag's delay/padding field and its CRC, counted from the tag's start (after the Xing fields)
_DELAY_FIELD = 21
_TAG_CRC_FIELD = 34
#: ffmpeg's tag CRC covers the first 190 bytes of the Info frame, taken with the CRC field still zero
_TAG_CRC_SPAN = 190

_BITRATES = {3: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
             2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)}
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def frame_samples(rate: int) -> int:
    """Samples per layer III frame at ``rate``: MPEG-1 (32 kHz and up) 1,152, MPEG-2/2.5 576."""
    return 1152 if rate >= 32000 else 576


def min_chapter_gap(rate: int) -> int:
    """The shortest chapter gap (frames) a join can be made in: the trimmed stretch, the next chunk's
    pre-roll, the silence the previous chunk must end in, and one frame the gap may lose to the frame grid."""
    return JOIN_TRIM + (PREROLL_FRAMES + SILENT_FRAMES + 1) * frame_samples(rate)


def expected_frames(samples: int, rate: int) -> int:
    """MP3 frames libmp3lame writes for ``samples`` input samples (measured: 47 to F + 46 samples of padding)."""
    return -(-(samples + JOIN_TRIM) // frame_samples(rate))


def plan_mp3_chunks(timeline: Timeline) -> list[Chunk] | None:
    """One chunk per chapter: every one but the first with ``PREROLL_FRAMES`` of the gap before it in front,
    every one but the last without the end of its gap (``JOIN_TRIM`` and the next chunk's pre-roll); or None
    when the timeline cannot be joined exactly: a chapter off the frame grid, or a gap without the silence."""
    per_frame = frame_samples(timeline.format.sample_rate)
    preroll = PREROLL_FRAMES * per_frame
    starts = [c.start for c in timeline.chapters]
    if not starts or starts[0] != 0 or any(s % per_frame for s in starts):
        return None
    ends = [*starts[1:], timeline.total_frames]
    chunks: list[Chunk] = []
    index = SpanIndex(timeline.spans)
    for n, (start, end) in enumerate(zip(starts, ends, strict=True)):
        trim = JOIN_TRIM + preroll if n + 1 < len(starts) else 0
        silent_from = end - trim - SILENT_FRAMES * per_frame
        if trim and (silent_from <= start or any(s.path is not None
                                                 for s in index.slice(silent_from, end))):
            return None
        ahead = preroll if n > 0 else 0
        chunks.append(Chunk(n, start, end, ahead, tuple(index.slice(start - ahead, end - trim)), trim))
    return chunks


def count_frames(data: bytes | memoryview, path: Path) -> int:
    """Number of MPEG layer III frames in ``data`` (no tags, no Info frame); anything else is an error."""
    i, size, count = 0, len(data), 0
    while i < size:
        if size - i < 4 or data[i] != 0xFF or data[i + 1] & 0xE0 != 0xE0 or (data[i + 1] >> 1) & 0x03 != 1:
            raise AudioError(f"not an MP3 frame at byte {i}", path=path)
        version = (data[i + 1] >> 3) & 0x03
        rate_index, bitrate_index = (data[i + 2] >> 2) & 0x03, data[i + 2] >> 4
        if version == 1 or rate_index == 3 or bitrate_index in (0, 15):
            raise AudioError(f"unsupported MP3 frame header at byte {i}", path=path)
        bitrate = _BITRATES[3 if version == 3 else 2][bitrate_index] * 1000
        per_frame = 1152 if version == 3 else 576
        length = per_frame // 8 * bitrate // _RATES[version][rate_index] + ((data[i + 2] >> 1) & 0x01)
        if i + length > size:
            raise AudioError(f"truncated MP3 frame at byte {i}", path=path)
        i += length
        count += 1
    return count


def join_frames(chunks: Sequence[tuple[Path, int]], rate: int, dest: Path) -> int:
    """Write the chunks' frames one after another into ``dest``; returns the number of frames.

    ``chunks`` are (file, input samples) in book order. Each file's frame count is checked against what the
    encoder must have written for that many samples, and every chunk but the last must fill whole frames
    with its trimmed gap, so a chunk cut short or planned wrong fails here instead of
    shifting every later chapter.
    """
    per_frame = frame_samples(rate)
    written = 0
    try:
        with open(dest, "wb") as out:
            for n, (path, samples) in enumerate(chunks):
                data = path.read_bytes()
                frames = count_frames(data, path)
                if frames != expected_frames(samples, rate):
                    raise AudioError(f"encoded chunk has {frames} MP3 frames, expected "
                                     f"{expected_frames(samples, rate)} for {samples} samples", path=path)
                if n < len(chunks) - 1 and frames * per_frame != samples + JOIN_TRIM:
                    raise AudioError(f"chunk of {samples} samples does not end on the frame grid", path=path)
                out.write(data)
                written += frames
    except OSError as exc:
        raise AudioError(f"cannot write the joined audio: {exc.strerror or exc}", path=dest) from exc
    return written


def tag_crc(frame: bytes | bytearray) -> int:
    """CRC-16 (ARC: polynomial 0xA001 reflected, start 0) as ffmpeg computes the LAME tag's CRC."""
    crc = 0
    for byte in frame[:_TAG_CRC_SPAN]:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def _lame_tag_offset(head: bytes | bytearray, path: Path) -> tuple[int, int]:
    """(offset of the LAME tag, Xing frame count) in an MP3 that starts with an Info/Xing frame."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        raise AudioError("the MP3 does not start with an MPEG audio frame", path=path)
    version, mono = (head[1] >> 3) & 0x03, (head[3] >> 6) == 3
    pos = 4 + ((17 if mono else 32) if version == 3 else (9 if mono else 17))
    if head[pos:pos + 4] not in (b"Xing", b"Info"):
        raise AudioError("the MP3 has no Xing/Info frame", path=path)
    (flags,) = struct.unpack(">I", head[pos + 4:pos + 8])
    if flags & 0x0F != 0x0F:
        raise AudioError(f"unexpected Xing flags {flags:#x}", path=path)
    (frames,) = struct.unpack(">I", head[pos + 8:pos + 12])
    return pos + 8 + 4 + 4 + 100 + 4, int(frames)


def set_lame_lengths(path: Path, *, frames: int, samples: int, rate: int) -> None:
    """Make the Info frame's LAME tag say what ``path``'s ``frames`` audio frames hold: ``samples`` after
    the encoder delay, the rest padding (in place; the tag CRC is recomputed). The tag is named LAME's, so
    mutagen reads the delay and padding too (ffmpeg reads them either way)."""
    padding = frames * frame_samples(rate) - ENCODER_DELAY - samples
    with open(path, "r+b") as fh:
        head = bytearray(fh.read(_TAG_CRC_SPAN + 64))
        lame, counted = _lame_tag_offset(head, path)
        if counted != frames:
            raise AudioError(f"the Info frame counts {counted} frames, the joined audio has {frames}", path=path)
        if not DECODER_DELAY <= padding < 1 << 12:
            raise AudioError(f"end padding of {padding} samples does not fit the LAME tag", path=path)
        if not head[lame:lame + 4].isalpha():
            raise AudioError("the Info frame has no LAME tag", path=path)
        head[lame:lame + len(LAME_VERSION)] = LAME_VERSION
        head[lame + _DELAY_FIELD:lame + _DELAY_FIELD + 3] = ((ENCODER_DELAY << 12) | padding).to_bytes(3, "big")
        head[lame + _TAG_CRC_FIELD:lame + _TAG_CRC_FIELD + 2] = b"\0\0"
        head[lame + _TAG_CRC_FIELD:lame + _TAG_CRC_FIELD + 2] = tag_crc(head).to_bytes(2, "big")
        fh.seek(0)
        fh.write(head)


def join_mp3(chunks: Sequence[tuple[Path, int]], rate: int, samples: int, joined: Path, dest: Path,
             stop: threading.Event | None = None) -> None:
    """``dest`` = the chunks' frames behind one Info frame that plays exactly ``samples`` samples."""
    try:
        frames = join_frames(chunks, rate, joined)
        run_ffmpeg_ex(["-f", "mp3", "-i", str(joined), "-map", "0:a", "-c:a", "copy", "-write_xing", "1",
                       "-id3v2_version", "0", "-f", "mp3", str(dest)], cancel_event=stop, output=dest)
    finally:
        joined.unlink(missing_ok=True)
    set_lame_lengths(dest, frames=frames, samples=samples, rate=rate)
