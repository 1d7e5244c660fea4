"""Running the ffmpeg binary: where it is, how to call it, how to stop it, what its failures mean.

The packaged app carries ffmpeg through imageio-ffmpeg (no ffprobe ships with it, so nothing here may
assume ffprobe). Every ffmpeg call in the studio goes through this module so that progress, cancellation,
Windows console suppression and error messages behave the same everywhere.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import logging
import os
import shutil
import stat
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from studio.audio.errors import DISK_FULL_ERRNOS, AudioError, DiskFullError
from studio.core.errors import CancelledError

log = logging.getLogger("studio.audio.ffmpeg")

ProgressCallback = Callable[[float], None]
#: Writes ffmpeg's input into the given file descriptor (its stdin); see ``run_ffmpeg(feed=...)``.
FeedFunction = Callable[[int], None]
#: Receives every line ffmpeg writes to stderr, for filters whose results are log lines (ebur128, astats).
StderrCallback = Callable[[str], None]

#: Environment variable that overrides the bundled ffmpeg (a path, or a command name on PATH).
ENV_VAR = "STUDIO_FFMPEG"
#: Lines of stderr kept for error messages and for callers that parse filter output (volumedetect).
STDERR_KEEP_LINES = 200
#: How often ffmpeg writes a progress block; short so that short exports still report a few steps.
STATS_PERIOD_S = 0.2
#: A GUI app must not flash a console window per ffmpeg call on Windows.
_CREATIONFLAGS = getattr(subprocess, "CREATE_NO_WINDOW", 0) if os.name == "nt" else 0


@functools.cache
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary, looked up once.

    ``STUDIO_FFMPEG`` wins so a user (or a test) can swap in another build without repackaging; otherwise
    the binary bundled by imageio-ffmpeg is used, because a packaged app cannot rely on a system ffmpeg.
    Call ``ffmpeg_exe.cache_clear()`` after changing the variable at run time.
    """
    override = os.environ.get(ENV_VAR)
    if override:
        found = shutil.which(override)
        if found is None:
            raise AudioError(f"{ENV_VAR} is set to {override!r}, which is not an executable ffmpeg")
        return found
    try:
        import imageio_ffmpeg
    except ImportError as exc:  # pragma: no cover - a broken install
        raise AudioError("imageio-ffmpeg is not installed, so no ffmpeg is available") from exc
    try:
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except RuntimeError as exc:  # pragma: no cover - a wheel without a binary for this platform
        raise AudioError(f"imageio-ffmpeg found no ffmpeg binary: {exc}") from exc


def _guess_output(args: Sequence[str]) -> Path | None:
    """ffmpeg's last positional argument is always an output; stdout and the null muxer are not files."""
    if not args:
        return None
    last = args[-1]
    if last == "-" or last.startswith(("-", "pipe:")) or last in (os.devnull, "NUL"):
        return None
    if "null" in (args[i + 1] for i, a in enumerate(args[:-1]) if a == "-f"):
        return None
    return Path(last)


def _remove_quietly(path: Path | None) -> None:
    """Remove a partial output file; never anything else (an output named /dev/full is a device)."""
    if path is None:
        return
    try:
        if not stat.S_ISREG(path.lstat().st_mode):
            return
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:  # pragma: no cover - e.g. a file held open on Windows
        log.warning("could not remove partial output %s: %s", path, exc)


def _drain(stream: IO[bytes], tail: collections.deque[str], on_line: StderrCallback | None = None) -> None:
    """Keep reading stderr so ffmpeg never blocks on a full pipe; remember only the last lines.

    ``on_line`` sees every line; if it raises, the error is logged and draining goes on, because a
    stalled stderr pipe would hang ffmpeg.
    """
    broken = False
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        tail.append(line)
        if on_line is not None and not broken:
            try:
                on_line(line)
            except Exception:
                log.exception("stderr callback failed; ignoring ffmpeg's further output")
                broken = True
    stream.close()


def _run_feed(proc: subprocess.Popen[bytes], feed: FeedFunction, errors: list[BaseException]) -> None:
    """Run the caller's writer on ffmpeg's stdin; close it for EOF. A dead ffmpeg is not the feed's fault."""
    assert proc.stdin is not None
    try:
        feed(proc.stdin.fileno())
    except (BrokenPipeError, ConnectionResetError):
        pass  # ffmpeg stopped reading: it failed or was cancelled, and its exit status says which
    except BaseException as exc:
        errors.append(exc)
        proc.kill()
    finally:
        with contextlib.suppress(OSError):
            proc.stdin.close()


def _watch_cancel(proc: subprocess.Popen[bytes], cancel_event: threading.Event, done: threading.Event,
                  cancelled: threading.Event) -> None:
    """Kill ffmpeg as soon as the caller cancels: progress lines may be seconds apart on slow disks.

    It looks at ``cancel_event`` every 50 ms and is not waited for when ffmpeg ends (``run_ffmpeg_ex``): a join
    would wait out the poll, 25 ms per run on average, idle time between one chapter's encode and the next.
    """
    while not done.is_set():
        if cancel_event.wait(0.05):
            if done.is_set():  # ffmpeg ended first: the run is not cancelled
                return
            cancelled.set()
            if proc.poll() is None:
                proc.kill()
            return


def _disk_full(returncode: int, stderr_tail: str) -> bool:
    """ffmpeg exits with its negated error code, so a full disk (AVERROR(ENOSPC)) is exit code 228 on POSIX
    (-28 & 0xFF) and 4294967268 on Windows; its log says "No space left on device" either way."""
    codes = {(-code) & 0xFF for code in DISK_FULL_ERRNOS}
    return returncode & 0xFF in codes or "No space left on device" in stderr_tail \
        or "Disk quota exceeded" in stderr_tail


@dataclass(frozen=True)
class FfmpegRun:
    """What a finished ffmpeg run tells us besides its output file."""

    stderr_tail: str
    #: The output's end time as ffmpeg's ``-progress`` reports it last (microseconds, after every filter
    #: and the encoder): the length of the audio that was really written, for checking chapter marks.
    out_time_us: int | None


# The keyword list repeats run_ffmpeg_ex's on purpose (duplicates tool: boilerplate): both stay typed and
# documented where they are called, which a **kwargs pass-through would lose.
def run_ffmpeg(
    args: Sequence[str | os.PathLike[str]],
    *,
    progress_cb: ProgressCallback | None = None,
    cancel_event: threading.Event | None = None,
    duration_hint_s: float | None = None,
    output: Path | None = None,
    loglevel: str = "warning",
    feed: FeedFunction | None = None,
    stderr_cb: StderrCallback | None = None,
) -> str:
    """Run ffmpeg to completion, reporting progress and honouring cancellation; return its stderr tail.

    ``progress_cb`` gets strictly increasing fractions computed from ffmpeg's ``-progress`` stream
    (``out_time_us``) against ``duration_hint_s`` (ffmpeg cannot know the total of a concat list itself),
    and exactly one final ``1.0`` once ffmpeg has exited successfully. On cancellation or failure the
    partial ``output`` (default: ffmpeg's last argument, when it is a file) is deleted, so callers never
    find half-written files; cancellation raises ``CancelledError``, failure ``AudioError`` carrying the
    last lines ffmpeg wrote to stderr. ``loglevel`` is ffmpeg's: filters that print results (volumedetect)
    need ``"info"``. ``feed`` and ``stderr_cb``: see ``run_ffmpeg_ex``.
    """
    return run_ffmpeg_ex(args, progress_cb=progress_cb, cancel_event=cancel_event, duration_hint_s=duration_hint_s,
                         output=output, loglevel=loglevel, feed=feed, stderr_cb=stderr_cb).stderr_tail


def run_ffmpeg_ex(
    args: Sequence[str | os.PathLike[str]],
    *,
    progress_cb: ProgressCallback | None = None,
    cancel_event: threading.Event | None = None,
    duration_hint_s: float | None = None,
    output: Path | None = None,
    loglevel: str = "warning",
    feed: FeedFunction | None = None,
    stderr_cb: StderrCallback | None = None,
    stderr_after: bool = False,
) -> FfmpegRun:
    """``run_ffmpeg`` that also returns the final ``out_time_us``, with two more hooks.

    ``feed`` runs on a helper thread with ffmpeg's stdin as a file descriptor (use ``pipe:0`` as an
    input): the exporter streams exact sample ranges of many WAV files that way. If it raises, ffmpeg is
    killed, the partial output removed and the feed's error re-raised (an ``AudioError`` as is, anything
    else wrapped). ``stderr_cb`` sees every stderr line as it arrives, so filters that log per frame
    (ebur128) can be parsed without keeping the whole log.

    ``stderr_after``: stderr goes to an unnamed temporary file and ``stderr_cb`` sees its lines once ffmpeg
    has ended. For a chapter encode whose meter logs ten lines per second of audio: through a pipe, every
    line is a write that wakes a Python thread and takes the GIL; with two encodes on two cores that cost
    about 1.5 % of the export's CPU (measured: 0.25 s of Python and system time per 600 s of audio). The file
    holds about 1 kB per second of audio, so use it for chapter- or unit-sized runs, not a whole book.
    """
    str_args = [os.fspath(a) for a in args]
    out_path = output if output is not None else _guess_output(str_args)
    if cancel_event is not None and cancel_event.is_set():
        raise CancelledError("cancelled before ffmpeg started")
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-nostats", "-loglevel", loglevel,
           "-progress", "pipe:1", "-stats_period", str(STATS_PERIOD_S), *str_args]
    log.debug("running %s", subprocess.list2cmdline(cmd))
    with contextlib.ExitStack() as stack:
        err_file = stack.enter_context(_stderr_file()) if stderr_after else None
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if feed is not None else subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=err_file or subprocess.PIPE,
                                    creationflags=_CREATIONFLAGS)
        except OSError as exc:
            raise AudioError(f"could not start ffmpeg ({cmd[0]}): {exc}") from exc
        tail: collections.deque[str] = collections.deque(maxlen=STDERR_KEEP_LINES)
        run = _supervise(proc, tail, out_path, progress_cb, cancel_event, duration_hint_s, feed,
                         None if err_file is not None else stderr_cb)
        if err_file is not None:
            err_file.seek(0)
            _drain(err_file, tail, stderr_cb)
        return _outcome(run, tail, out_path, progress_cb)


@contextlib.contextmanager
def _stderr_file() -> Iterator[IO[bytes] | None]:
    """An unnamed temporary file for ffmpeg's stderr, or None (a pipe, then) when the temp folder refuses one."""
    try:
        handle = tempfile.TemporaryFile(prefix="studio-ffmpeg-")  # noqa: SIM115  (closed by the with below)
    except OSError as exc:
        log.info("stderr through a pipe: no temporary file (%s)", exc)
        yield None
        return
    with handle:
        yield handle


@dataclass
class _Ended:
    returncode: int
    out_time_us: int | None
    cancelled: bool
    feed_errors: list[BaseException]


def _supervise(proc: subprocess.Popen[bytes], tail: collections.deque[str], out_path: Path | None,
               progress_cb: ProgressCallback | None, cancel_event: threading.Event | None,
               duration_hint_s: float | None, feed: FeedFunction | None,
               stderr_cb: StderrCallback | None) -> _Ended:
    """Wait for ``proc`` while reading its progress, draining its stderr pipe (if it has one), feeding its stdin
    and watching for a cancel."""
    assert proc.stdout is not None
    done, cancelled = threading.Event(), threading.Event()
    feed_errors: list[BaseException] = []
    helpers = []
    if proc.stderr is not None:
        helpers.append(threading.Thread(target=_drain, args=(proc.stderr, tail, stderr_cb), name="ffmpeg-stderr",
                                        daemon=True))
    if feed is not None:
        helpers.append(threading.Thread(target=_run_feed, args=(proc, feed, feed_errors), name="ffmpeg-feed",
                                        daemon=True))
    if cancel_event is not None:
        helpers.append(threading.Thread(target=_watch_cancel, args=(proc, cancel_event, done, cancelled),
                                        name="ffmpeg-cancel", daemon=True))
    for thread in helpers:
        thread.start()
    last_fraction = 0.0
    out_time_us: int | None = None
    try:
        for raw in proc.stdout:
            key, _, value = raw.decode("ascii", errors="replace").strip().partition("=")
            if key != "out_time_us":
                continue
            if value.isdigit():
                out_time_us = int(value)
            if progress_cb is None or not duration_hint_s or duration_hint_s <= 0:
                continue
            try:
                fraction = min(int(value) / 1e6 / duration_hint_s, 0.999)
            except ValueError:  # "N/A" before the first packet
                continue
            if fraction > last_fraction:
                last_fraction = fraction
                progress_cb(fraction)
        returncode = proc.wait()
    except BaseException:
        # A progress callback that raised, or KeyboardInterrupt: never leave ffmpeg running behind us.
        proc.kill()
        proc.wait()
        _remove_quietly(out_path)
        raise
    finally:
        done.set()
        proc.stdout.close()
        for thread in helpers:
            if thread.name != "ffmpeg-cancel":  # it ends within 50 ms by itself (``_watch_cancel``)
                thread.join(timeout=5 if thread.name != "ffmpeg-feed" else 30)
    return _Ended(returncode, out_time_us, cancelled.is_set(), feed_errors)


def _outcome(run: _Ended, tail: collections.deque[str], out_path: Path | None,
             progress_cb: ProgressCallback | None) -> FfmpegRun:
    """The run's result, or the error that says why it has none (the partial output removed)."""
    stderr_tail = "\n".join(tail)
    returncode, out_time_us = run.returncode, run.out_time_us
    if run.cancelled:
        _remove_quietly(out_path)
        raise CancelledError("cancelled while ffmpeg was running")
    if run.feed_errors:
        _remove_quietly(out_path)
        error = run.feed_errors[0]
        if isinstance(error, (AudioError, CancelledError)):
            raise error
        raise AudioError(f"could not feed audio to ffmpeg: {error}", path=out_path) from error
    if returncode != 0:
        _remove_quietly(out_path)
        if _disk_full(returncode, stderr_tail):
            raise DiskFullError(out_path, stderr_tail=stderr_tail)
        raise AudioError(f"ffmpeg failed (exit code {returncode})", path=out_path, stderr_tail=stderr_tail)
    if progress_cb is not None:
        progress_cb(1.0)
    return FfmpegRun(stderr_tail, out_time_us)


def stream_ffmpeg_stdout(args: Sequence[str | os.PathLike[str]], *, chunk_size: int = 1 << 16,
                         loglevel: str = "error") -> Iterator[bytes]:
    """Yield what ffmpeg writes to stdout (its output must be ``-``), chunk by chunk.

    For decoding and for text formats such as ``-f ffmetadata -``; chunks are exactly ``chunk_size``
    bytes except the last, so callers can split samples without carrying remainders when the size is a
    multiple of the frame size. Stopping the iteration early kills ffmpeg.
    """
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", "-loglevel", loglevel,
           *(os.fspath(a) for a in args)]
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                creationflags=_CREATIONFLAGS)
    except OSError as exc:
        raise AudioError(f"could not start ffmpeg ({cmd[0]}): {exc}") from exc
    assert proc.stdout is not None and proc.stderr is not None
    tail: collections.deque[str] = collections.deque(maxlen=STDERR_KEEP_LINES)
    drainer = threading.Thread(target=_drain, args=(proc.stderr, tail), name="ffmpeg-stderr", daemon=True)
    drainer.start()
    finished = False
    try:
        while chunk := proc.stdout.read(chunk_size):
            yield chunk
        finished = True
    finally:
        if not finished:
            proc.kill()
        returncode = proc.wait()
        proc.stdout.close()
        drainer.join(timeout=5)
    if returncode != 0:
        raise AudioError(f"ffmpeg failed (exit code {returncode})", stderr_tail="\n".join(tail))


def capture_ffmpeg_stdout(args: Sequence[str | os.PathLike[str]]) -> bytes:
    """All of ffmpeg's stdout at once: only for small outputs such as ffmetadata text."""
    return b"".join(stream_ffmpeg_stdout(args))
