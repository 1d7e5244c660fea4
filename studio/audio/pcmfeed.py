"""Streaming a timeline's PCM into ffmpeg's stdin: exact sample ranges, silence made on the fly.

Why not ffmpeg's concat demuxer with ``inpoint``/``outpoint``: it cuts at packet boundaries, not samples.
Measured with ffmpeg 9 on a 22,050 Hz WAV, ``inpoint`` landed on the exact sample but ``outpoint`` let
through 1,032 extra samples (the rest of a 2,048-sample packet), which would put a sentence's tail into the
next gap and shift every later chapter mark by up to 93 ms. Here every range is a byte range of the WAV's
data chunk, so it is exact by construction, and gaps need no silence files.

Memory stays flat: on Linux the bytes go from the page cache to the pipe with ``os.sendfile`` (no copy
through Python); elsewhere through one reusable 1 MiB buffer.

FLAC pieces (the render cache since decision 0015) are decoded in this process by libFLAC (``flac_decode``:
no ffmpeg, no pipe), or where that cannot load by one ffmpeg per call, not one per piece: its concat demuxer
reads every FLAC run of the spans in order and writes their PCM to a pipe (measured: 3,000 five-second pieces
decoded in 13 s, where 3,000 separate ffmpeg runs take ~90 s). FLAC decodes to exactly the samples its
STREAMINFO states, so each run's length is known before it is read and the spans are cut from the stream as
byte ranges, as exact as the WAV ones.

The feed also writes into a file (``decode_ahead``: a chapter decoded before its encoder starts, so an export
worker runs one ffmpeg at a time); there silence is skipped with ``lseek`` and left as a hole.
"""

from __future__ import annotations

import os
import stat
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from studio.audio import flac_decode
from studio.audio.errors import AudioError
from studio.audio.ffmpeg import stream_ffmpeg_stdout
from studio.audio.timeline import Span
from studio.audio.wavinfo import PcmFormat, data_offset, is_flac, read_flac_info
from studio.core.errors import CancelledError

_BUFFER = 1 << 20
_ZEROS = bytes(1 << 16)
#: Frames per in-process FLAC read: small blocks (64 kB of 32-bit samples for mono) stay under malloc's mmap threshold
#: and in each thread's arena, so a decode holds no MiB-sized buffers (the same CPU as 512k-frame reads).
DECODE_FRAMES = 1 << 14
_HAS_SENDFILE = hasattr(os, "sendfile") and os.name == "posix" and os.uname().sysname == "Linux"


def _write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _write_silence(fd: int, nbytes: int) -> None:
    while nbytes > 0:
        n = min(nbytes, len(_ZEROS))
        _write_all(fd, _ZEROS[:n] if n < len(_ZEROS) else _ZEROS)
        nbytes -= n


def _copy_range(fd: int, path: Path, offset: int, nbytes: int, buffer: bytearray) -> None:
    try:
        with open(path, "rb") as fh:
            if _HAS_SENDFILE:
                while nbytes > 0:
                    sent = os.sendfile(fd, fh.fileno(), offset, min(nbytes, 1 << 30))
                    if sent == 0:
                        raise AudioError("audio piece ended early (was it changed during the export?)", path=path)
                    offset += sent
                    nbytes -= sent
                return
            fh.seek(offset)
            view = memoryview(buffer)
            while nbytes > 0:
                got = fh.readinto(view[:min(nbytes, len(buffer))])
                if not got:
                    raise AudioError("audio piece ended early (was it changed during the export?)", path=path)
                _write_all(fd, view[:got])
                nbytes -= got
    except FileNotFoundError as exc:
        raise AudioError("audio piece disappeared during the export", path=path) from exc


class _FlacRuns:
    """The PCM of the spans' FLAC runs in order: decoded in this process (``flac_decode``), or where that cannot
    load by one ffmpeg reading them through its concat demuxer.

    A run is a stretch of spans reading one FLAC file forwards; it decodes the whole file (its STREAMINFO
    length), and the spans take their ranges from it, skipping what no span reads.
    """

    def __init__(self, runs: Sequence[Path], fmt: PcmFormat, cancel_event: threading.Event | None) -> None:
        self._fmt = fmt
        self._cancel = cancel_event
        self._lengths = [self._frames(path) for path in runs]
        self._work: tempfile.TemporaryDirectory[str] | None = None
        self._chunks: Iterator[bytes | bytearray]
        if flac_decode.available():  # in-process, run by run: no ffmpeg (flac_decode)
            self._chunks = _decoded_in_process(runs, fmt)
        else:
            self._work = tempfile.TemporaryDirectory(prefix="studio-flac-")
            try:
                listing = Path(self._work.name) / "flac-runs.ffconcat"
                quoted = ("file '" + str(p.resolve()).replace("'", "'\\''") + "'" for p in runs)
                listing.write_text("ffconcat version 1.0\n" + "\n".join(quoted) + "\n", encoding="utf-8")
                self._chunks = stream_ffmpeg_stdout(
                    ["-f", "concat", "-safe", "0", "-i", str(listing), "-map", "0:a:0", "-f", "s16le", "-"],
                    chunk_size=_BUFFER)
            except BaseException:
                self._work.cleanup()
                raise
        self._pending = memoryview(b"")
        self._run = -1
        self._position = 0  # frames of the current run already taken from the stream

    def _frames(self, path: Path) -> int:
        info = read_flac_info(path)
        if info.format != self._fmt:
            raise AudioError(f"piece is {info.format}, not {self._fmt}: convert it first", path=path)
        return info.frames

    def next_run(self) -> None:
        if self._run >= 0:
            self._skip(self._lengths[self._run] - self._position)
        self._run += 1
        self._position = 0

    def copy(self, fd: int, span: Span) -> None:
        if span.start < self._position:
            raise AudioError("FLAC spans out of order (a new run was not started)", path=span.path)
        self._skip(span.start - self._position)
        self._take(span.frames, fd)

    def _skip(self, frames: int) -> None:
        self._take(frames, None)

    def _take(self, frames: int, fd: int | None) -> None:
        nbytes = frames * self._fmt.frame_size
        self._position += frames
        while nbytes > 0:
            if not self._pending:
                if self._cancel is not None and self._cancel.is_set():  # a long unit into a file: no reader stops it
                    raise CancelledError("cancelled while decoding audio")
                chunk = next(self._chunks, b"")
                if not chunk:
                    raise AudioError("a FLAC piece decoded to fewer samples than its header states")
                self._pending = memoryview(chunk)
            n = min(nbytes, len(self._pending))
            if fd is not None:
                _write_all(fd, self._pending[:n])
            self._pending = self._pending[n:]
            nbytes -= n

    def close(self) -> None:
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()  # stops (kills) ffmpeg if the stream was not read to its end
        if self._work is not None:
            self._work.cleanup()


def _decoded_in_process(runs: Sequence[Path], fmt: PcmFormat) -> Iterator[bytearray]:
    """The runs' PCM in order (a generator, so ``close`` closes the decoder it is in)."""
    for path in runs:
        yield from flac_decode.pcm(path, fmt, block_frames=DECODE_FRAMES)


def flac_runs(spans: Sequence[Span]) -> list[tuple[int, Path]]:
    """(index of the span that starts it, file) of every FLAC run: a new run starts wherever a FLAC span does
    not continue forwards in the file the previous FLAC span read."""
    runs: list[tuple[int, Path]] = []
    last: Span | None = None
    flac: dict[Path, bool] = {}
    for n, span in enumerate(spans):
        if span.path is None or span.frames <= 0:
            continue
        if span.path not in flac:
            flac[span.path] = is_flac(span.path)
        if not flac[span.path]:
            continue
        if last is None or last.path != span.path or span.start < last.start + last.frames:
            runs.append((n, span.path))
        last = span
    return runs


def feed_spans(fd: int, spans: Iterable[Span], fmt: PcmFormat, *, cancel_event: threading.Event | None = None) -> int:
    """Write every span's PCM to ``fd`` in order; returns the number of frames written.

    The pieces (WAV or FLAC) must already be in ``fmt`` (the timeline guarantees it). ``BrokenPipeError``
    propagates: it means the reader stopped (failed or was cancelled) and the reader's own status says which.
    """
    spans = list(spans)
    runs = flac_runs(spans)
    if not runs:
        return _feed(fd, spans, fmt, None, {}, cancel_event)
    decoder = _FlacRuns([path for _, path in runs], fmt, cancel_event)
    try:
        return _feed(fd, spans, fmt, decoder, dict(runs), cancel_event)
    finally:
        decoder.close()


def _feed(fd: int, spans: Sequence[Span], fmt: PcmFormat, decoder: _FlacRuns | None, run_starts: dict[int, Path],
          cancel_event: threading.Event | None) -> int:
    flac_paths = set(run_starts.values())
    offsets: dict[Path, int] = {}
    buffer = bytearray(_BUFFER) if not _HAS_SENDFILE else bytearray()
    sparse = stat.S_ISREG(os.fstat(fd).st_mode)  # a file (decode_ahead): silence is a hole, not written
    written = 0
    for n, span in enumerate(spans):
        if cancel_event is not None and n % 64 == 0 and cancel_event.is_set():
            raise CancelledError("cancelled while streaming audio")
        if span.frames <= 0:
            continue
        nbytes = span.frames * fmt.frame_size
        if span.path is None:
            if sparse:
                os.lseek(fd, nbytes, os.SEEK_CUR)
            else:
                _write_silence(fd, nbytes)
        elif decoder is not None and span.path in flac_paths:
            if n in run_starts:
                decoder.next_run()
            decoder.copy(fd, span)
        else:
            if span.path not in offsets:
                offset = data_offset(span.path)
                if offset is None:
                    raise AudioError("not a WAV file with a data chunk", path=span.path)
                offsets[span.path] = offset
            _copy_range(fd, span.path, offsets[span.path] + span.start * fmt.frame_size, nbytes, buffer)
        written += span.frames
    if sparse and os.fstat(fd).st_size < (end := os.lseek(fd, 0, os.SEEK_CUR)):
        os.ftruncate(fd, end)  # a hole at the end too
    return written
