"""``studio --self-test``: is this installation complete? One OK/FAIL line per check, exit 1 on any FAIL.

Why it exists: the packaged app (PyInstaller) runs on machines without Python, so a missing Qt plugin, a
lost ffmpeg binary or espeak data left out of the bundle would only show up as a user's crash. The
installers' CI runs this in the built bundle on every OS, and a user or supporter can run it too
(``studio --self-test`` on Windows is the console ``studio.exe`` next to ``AudiobookStudio.exe``).

Every check does the real thing rather than looking for files: Qt creates its application on the platform
plugin; QtMultimedia opens a WAV through its backend; ffmpeg runs and lists its AAC encoder; the offline
engine speaks in a worker process (the frozen app's multiprocessing); the keyring resolves a backend; the
catalogue and translations load; and a one-paragraph sample of the bundled book is rendered to an M4B with
chapters and read back. In a frozen app, ffmpeg, espeak-ng, Qt's plugins and the resources must also come
from inside the bundle: a system ffmpeg found by accident would hide a packaging bug.

This module is the driver (the list of checks, running them with time limits, the output); the checks live in
``studio.selftest_checks`` and, for Qt (only ``studio.gui`` imports Qt), ``studio.gui.selftest_qt``.

To see a check fail for real: ``STUDIO_FFMPEG=/nonexistent/ffmpeg studio --self-test`` (ffmpeg and the
render fail), ``QT_QPA_PLATFORM=nosuch`` (Qt), ``--only ffmpeg,render`` runs a subset, ``--keep`` keeps
the temporary folder with the rendered M4B. Tracebacks of failures go to the log file, named at the end.
"""


from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from studio.gui.selftest_qt import check_multimedia, check_qt, check_translations
from studio.selftest_checks import (
    ENGINE_TIMEOUT_S,
    RENDER_TIMEOUT_S,
    CheckFailed,
    Context,
    check_catalogue,
    check_engine,
    check_ffmpeg,
    check_flac,
    check_keyring,
    check_render,
    check_resources,
    is_frozen,
)

__all__ = ["CHECKS", "CHECK_NAMES", "Check", "CheckFailed", "CheckResult", "Context", "check_ffmpeg", "main",
           "run_check", "run_checks"]

log = logging.getLogger("studio.selftest")


@dataclass(frozen=True)
class Check:
    name: str
    run: Callable[[Context], str]
    #: None: runs on the calling (main) thread, as Qt needs; else on a helper thread with this time limit.
    timeout_s: float | None = None


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    seconds: float

    def line(self) -> str:
        """``OK   name          detail (0.4 s)``: the one line per check that users and CI read."""
        return f"{'OK' if self.ok else 'FAIL':<4} {self.name:<13} {self.detail} ({self.seconds:.1f} s)"

CHECKS: tuple[Check, ...] = (
    Check("qt-platform", check_qt),
    Check("qt-multimedia", check_multimedia),
    Check("ffmpeg", check_ffmpeg, 120.0),
    Check("flac-decoder", check_flac, 60.0),
    Check("offline-engine", check_engine, ENGINE_TIMEOUT_S + 30),
    Check("keyring", check_keyring, 60.0),
    Check("catalogue", check_catalogue, 60.0),
    Check("translations", check_translations, 60.0),
    Check("resources", check_resources, 60.0),
    Check("render-m4b", check_render, RENDER_TIMEOUT_S),
)
CHECK_NAMES = tuple(check.name for check in CHECKS)

# -- running ----------------------------------------------------------------------------------------------------------


def _describe(exc: BaseException) -> str:
    if isinstance(exc, CheckFailed):
        return str(exc)
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def run_check(check: Check, ctx: Context) -> CheckResult:
    """Run one check, never raising: a failure or a time-out becomes a FAIL result with a clear message."""
    started = time.monotonic()
    ctx.cancel = threading.Event()  # a time-out of an earlier check must not cancel this one
    outcome: list[tuple[bool, str]] = []

    def attempt() -> None:
        try:
            outcome.append((True, check.run(ctx)))
        except BaseException as exc:  # a check must never take the whole self-test down
            log.error("self-test check %s failed", check.name, exc_info=True)
            outcome.append((False, _describe(exc)))

    if check.timeout_s is None:
        attempt()
    else:
        worker = threading.Thread(target=attempt, name=f"selftest-{check.name}", daemon=True)
        worker.start()
        worker.join(check.timeout_s)
        if worker.is_alive():
            ctx.cancel.set()
            worker.join(10)
            outcome = [(False, f"did not finish within {check.timeout_s:.0f} s")]
    ok, detail = outcome[0]
    return CheckResult(check.name, ok, detail, time.monotonic() - started)


def run_checks(names: Sequence[str] | None = None, *, keep: bool = False,
               out: TextIO | None = None) -> list[CheckResult]:
    """Run the named checks (default: all) in order, printing each line as it finishes; return the results."""
    import shutil

    selected = [check for check in CHECKS if names is None or check.name in names]
    scratch = Path(tempfile.mkdtemp(prefix="studio-selftest-"))
    ctx = Context(scratch)
    results = []
    try:
        for check in selected:
            result = run_check(check, ctx)
            results.append(result)
            log.info("self-test: %s", result.line())
            if out is not None:
                print(result.line(), file=out, flush=True)
    finally:
        if keep:
            if out is not None:
                print(f"kept: {scratch}", file=out, flush=True)
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return results


def _output() -> TextIO:
    """stdout, made safe for any console encoding; a log-folder file when there is none (Windows GUI exe)."""
    stream = sys.stdout
    if stream is None:
        from studio.paths import log_dir

        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        return open(folder / "self-test.txt", "w", encoding="utf-8")  # lives until the process exits
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="backslashreplace")
    return stream


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``studio --self-test [--only a,b] [--keep]``: 0 if every check passed, 1 otherwise."""
    parser = argparse.ArgumentParser(prog="studio --self-test",
                                     description="Check that this installation of Audiobook Studio is complete.")
    parser.add_argument("--only", default=None,
                        help=f"comma-separated checks to run (default: all): {', '.join(CHECK_NAMES)}")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder with the rendered M4B")
    args = parser.parse_args(list(sys.argv[2:] if argv is None else argv))
    names = None
    if args.only:
        names = [name.strip() for name in args.only.split(",") if name.strip()]
        unknown = [name for name in names if name not in CHECK_NAMES]
        if unknown:
            parser.error(f"unknown check(s): {', '.join(unknown)} (known: {', '.join(CHECK_NAMES)})")
    from studio import __version__
    from studio.logsetup import setup_logging

    log_path = setup_logging()
    out = _output()
    mode = "frozen bundle" if is_frozen() else f"Python {sys.version.split()[0]}"
    print(f"Audiobook Studio {__version__} self-test ({mode}, {sys.platform})", file=out, flush=True)
    started = time.monotonic()
    results = run_checks(names, keep=args.keep, out=out)
    failed = [r.name for r in results if not r.ok]
    elapsed = time.monotonic() - started
    if failed:
        print(f"self-test FAILED: {len(failed)} of {len(results)} checks ({', '.join(failed)}) in {elapsed:.1f} s; "
              f"details in {log_path}", file=out, flush=True)
    else:
        print(f"self-test passed: {len(results)} checks in {elapsed:.1f} s", file=out, flush=True)
    if any(t.name.startswith("selftest-") and t.is_alive() for t in threading.enumerate()):
        # A check that timed out may still hold worker processes that interpreter shutdown would wait for.
        logging.shutdown()
        os._exit(1)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
