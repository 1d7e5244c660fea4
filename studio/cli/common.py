"""What every subcommand shares: exit codes, progress on stderr, and how an error becomes one line and a code.

Why one place: ``studio render`` and ``studio export`` printed progress with two copies of the same class, and
the dispatcher and ``studio export`` mapped errors to exit codes in two copies of the same ``except`` chain.

Exit codes: 0 success, 1 a failure that is not the user's (engine, ffmpeg, bug: the message names the log),
2 bad input (one line naming the file and, where it applies, line/chapter/paragraph), 130 cancelled (Ctrl+C),
141 the reader of our output went away (``studio voices --json | head``).
"""

from __future__ import annotations

import argparse
import logging
import time
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:  # `studio` with no subcommand opens the window: the CLI imports no pipeline up front
    from studio.render.events import RenderProgress

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT, EXIT_CANCELLED, EXIT_BROKEN_PIPE = 0, 1, 2, 130, 141


def add_manuscript_options(parser: argparse.ArgumentParser) -> None:
    """``--structure`` and ``--reimport``, the same for ``studio import`` and ``studio render MANUSCRIPT``."""
    parser.add_argument("--structure", default="auto", metavar="auto|toc|none|pattern:REGEX",
                        help="how chapters are found when importing a manuscript (default auto; "
                             "pattern:REGEX = lines matching REGEX)")
    parser.add_argument("--reimport", action="store_true",
                        help="the manuscript changed: snapshot the project's book, then re-import it (voices, "
                             "emotions and chapter names carry over to unchanged paragraphs)")


def hms(seconds: float) -> str:
    s = round(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def bad_input(exc: BaseException, err: TextIO, log: logging.Logger, *, first_only: bool = False) -> int:
    """The user's mistake: the message on stderr (the log keeps it too), exit 2."""
    log.warning("bad input: %s", exc)
    print(f"studio: error: {first_line(exc) if first_only else exc}", file=err)
    return EXIT_BAD_INPUT


def cancelled(err: TextIO) -> int:
    print("studio: cancelled", file=err)
    return EXIT_CANCELLED


def failed(exc: BaseException, err: TextIO, log: logging.Logger, where: str, *, first_only: bool = False) -> int:
    """Not the user's fault: the traceback goes to the log (call this in the ``except`` block), the message and
    where the details are (``where``) here."""
    log.exception("failed")
    print(f"studio: error: {first_line(exc) if first_only else exc} ({where})", file=err)
    return EXIT_FAILURE


class ProgressPrinter:
    """Progress on stderr: a rewritten line on a terminal, a line every few seconds otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self._last = 0.0
        self._dirty = False
        from studio.render.steady_progress import SteadyProgress  # imported when a render prints, not at start

        self._steady = SteadyProgress()

    def _emit(self, text: str, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < (0.2 if self.tty else 5.0):
            return
        self._last = now
        if self.tty:
            self.stream.write("\r" + text.ljust(70))
            self._dirty = True
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def render(self, p: RenderProgress) -> None:
        """Characters, as the window's job drawer counts them; the units follow in brackets."""
        s = self._steady.update(p)
        priced = f", est. cost {p.cost_estimate:.2f}" if p.cost_estimate else ""
        eta = f", ETA {_duration(s.eta_s)}" if s.eta_s is not None and s.fraction < 1.0 else ""
        self._emit(f"synthesizing: {s.characters_done:,}/{s.characters_total:,} characters ({s.fraction:.0%}; "
                   f"{p.units_done}/{p.units_total} units, {p.cached} cached{eta}{priced})",
                   force=p.state in ("planned", "finished"))

    def export(self, fraction: float) -> None:
        self._emit(f"exporting: {fraction:.0%}", force=fraction >= 1.0)

    def finish(self) -> None:
        if self._dirty:
            self.stream.write("\n")
            self.stream.flush()
            self._dirty = False


def _duration(seconds: float) -> str:
    """1:05:09 or 5:09, as the window's drawer shows an ETA."""
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"
