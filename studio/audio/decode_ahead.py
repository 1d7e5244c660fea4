"""A chapter's PCM decoded to a WAV file before its encoder starts: one ffmpeg per export worker at a time.

Why: a chapter read from the FLAC cache (decision 0015) needs a decoder. Streamed, the decoder runs beside the
encoder for the whole encode (and beside the limiter calibration), so each export worker has two ffmpeg
processes alive; their RSS (a static ffmpeg that only decodes is ~32 MB, an encoder ~40 MB) put four workers
at 325 MB. Decoding runs ~20x faster than AAC encoding, so a chapter decoded first costs its worker a short
wait, and the encoder then reads the file itself (``-i FILE``: no pipe, no relay through Python) and the
calibration reads its opening by ``sendfile``. The limiter calibration no longer starts a decoder of its own.

The file is the chunk's whole timeline (pre-roll, paragraph gaps, FLAC and WAV ranges) as a plain 16-bit WAV,
written by ``feed_spans``: the same exact byte ranges the encoder's pipe got before, so the samples encoded
are bit-identical. Gaps are holes in a sparse file (no write at all on Linux, zeros elsewhere).
The FLAC is decoded in this process (``flac_decode``, libFLAC: a fourth of the CPU of an ffmpeg decoder), so
preparing a chapter starts no process at all.

Disk: a chapter's PCM is 635 MB per hour at 44.1 kHz stereo (159 MB at 22.05 kHz mono). Decoding ahead is
used only when the chapter holds FLAC, its PCM is at most ``MAX_BYTES`` and the folder has room for it four
times over; otherwise the chapter is streamed as before (two processes for that chapter). The file lives in
the export's scratch folder (swept if the process is killed) and is removed when the chapter is encoded,
fails or is cancelled.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import struct
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from studio.audio.encode import pcm_input
from studio.audio.errors import AudioError, DiskFullError, disk_full_cause
from studio.audio.ffmpeg import FeedFunction
from studio.audio.pcmfeed import feed_spans, flac_runs
from studio.audio.timeline import Span, Timeline
from studio.audio.wavinfo import PcmFormat

#: The largest chapter decoded ahead (bytes of PCM): 50 minutes at 44.1 kHz mono, 3 h at 24 kHz mono.
MAX_BYTES = 256 << 20
#: Free space the folder must have, as a multiple of the chapter's PCM (other workers decode too).
SPACE_FACTOR = 4
_HEADER = 44
#: Bytes per packet the encoder's WAV demuxer reads (its default is 4,096: 2,048 samples of 16-bit mono). Each
#: packet crosses ffmpeg's demuxer, decoder and filter threads; with two encodes on two cores those hand-offs
#: are context switches (measured per 600 s of speech: 44,000 -> 29,000, system time 0.43 -> 0.25 s per encode).
#: 64 kB saved a little more but the packets queued between its threads took ffmpeg from 36 to 45 MB; 16 kB: 37.
#: The encoded bytes are the same: the AAC encoder takes 1,024-sample frames however the input is cut.
WAV_PACKET_BYTES = 1 << 14


@dataclass(frozen=True)
class ChapterPcm:
    """Where a chunk's PCM comes from: its own spans (streamed), or ``file``, a WAV holding all of it."""

    spans: tuple[Span, ...]
    file: Path | None = None

    def timeline(self, fmt: PcmFormat, frames: int | None = None) -> Timeline:
        """The first ``frames`` (default all) as a timeline, for a pass that reads PCM through ``feed_spans``."""
        spans = list(self.spans) if frames is None else _head(self.spans, frames)
        total = sum(s.frames for s in spans)
        return Timeline(fmt, spans, [], [], total)

    def encoder_input(self, fmt: PcmFormat, cancel_event: threading.Event | None,
                      ) -> tuple[list[str], FeedFunction | None]:
        """ffmpeg's input arguments and, when it reads a pipe, the function that feeds it."""
        if self.file is not None:
            return ["-f", "wav", "-max_size", str(WAV_PACKET_BYTES), "-i", str(self.file)], None
        spans = self.spans

        def feed(fd: int) -> None:
            feed_spans(fd, spans, fmt, cancel_event=cancel_event)

        return pcm_input(self.timeline(fmt)), feed


def _head(spans: Sequence[Span], frames: int) -> list[Span]:
    out: list[Span] = []
    for span in spans:
        if frames <= 0:
            break
        take = min(span.frames, frames)
        out.append(Span(span.path, span.start, take))
        frames -= take
    return out


def wav_header(fmt: PcmFormat, data_bytes: int) -> bytes:
    """The canonical 44-byte header of a PCM WAV holding ``data_bytes``."""
    align = fmt.frame_size
    return struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + data_bytes, b"WAVE", b"fmt ", 16, 1, fmt.channels,
                       fmt.sample_rate, fmt.sample_rate * align, align, 8 * fmt.sample_width, b"data", data_bytes)


def worth_decoding(spans: Sequence[Span], fmt: PcmFormat, folder: Path) -> bool:
    """Whether ``decoded`` writes a file for these spans (see the module doc for the rule)."""
    size = sum(s.frames for s in spans) * fmt.frame_size
    if size > MAX_BYTES or fmt.sample_width != 2 or not flac_runs(spans):
        return False
    try:
        return shutil.disk_usage(folder).free >= SPACE_FACTOR * size
    except OSError:
        return False


@contextlib.contextmanager
def decoded(spans: Sequence[Span], fmt: PcmFormat, folder: Path, name: str,
            stop: threading.Event) -> Iterator[ChapterPcm]:
    """The chunk's PCM, decoded to ``folder/name`` first when that is worth it (``worth_decoding``); the file is
    removed when the block ends, however it ends."""
    spans = tuple(spans)
    if not worth_decoding(spans, fmt, folder):
        yield ChapterPcm(spans)
        return
    path = folder / name
    try:
        _write(path, spans, fmt, stop)
        yield ChapterPcm((Span(path, 0, sum(s.frames for s in spans)),), path)
    finally:
        path.unlink(missing_ok=True)


def _write(path: Path, spans: Sequence[Span], fmt: PcmFormat, stop: threading.Event) -> None:
    frames = sum(s.frames for s in spans)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
        try:
            os.write(fd, wav_header(fmt, frames * fmt.frame_size))
            written = feed_spans(fd, spans, fmt, cancel_event=stop)
        finally:
            os.close(fd)
    except (OSError, AudioError) as exc:
        if disk_full_cause(exc) is not None:
            raise DiskFullError(path) from exc
        if isinstance(exc, AudioError):
            raise
        raise AudioError(f"cannot write a decoded chapter: {exc.strerror or exc}", path=path) from exc
    if written != frames or os.path.getsize(path) != _HEADER + frames * fmt.frame_size:
        raise AudioError(f"decoded chapter holds {written} of {frames} frames", path=path)
