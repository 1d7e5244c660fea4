"""``studio``: with no arguments the main window; with a subcommand the same pipeline, headless.

Exit codes: 0 success, 1 a failure that is not the user's (engine, ffmpeg, bug: see the log), 2 bad input
(with one line naming the file and, where it applies, line/chapter/paragraph), 130 cancelled (Ctrl+C).
Tracebacks go to the log file, never to the user's terminal.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from studio import __version__
from studio.cli import numbers as cli_numbers
from studio.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_BROKEN_PIPE,
    EXIT_FAILURE,
    EXIT_OK,
    add_manuscript_options,
    bad_input,
    cancelled,
    failed,
)
from studio.core.errors import BadInputError, CancelledError, InputError, ProjectError, StudioError

log = logging.getLogger("studio.cli")

SUBCOMMANDS = ("import", "render", "status", "export", "voices", "accounts", "snapshots", "restore", "lexicon",
               "check", "takes", "cast", "compact")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse exits 2 on usage errors too: keep it, one line
        # "argument --unit-chars: must be ..." (our number checks) reads better as "--unit-chars must be ..."
        checked = re.fullmatch(r"argument (-[\w-]+)(?:/-[\w-]+)*: ((?:wants|must) .*)", message, re.S)
        if checked:
            message = f"{checked.group(1)} {checked.group(2)}"
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"studio: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="studio", description="Audiobook Studio: manuscript in, chaptered audiobook out.",
                     epilog="studio with no command opens the window; studio PATH opens a project folder (or "
                            "imports a manuscript) in the window.")
    parser.add_argument("--version", action="version", version=f"studio {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="check this installation (Qt, ffmpeg, offline engine, ...); see `studio --self-test -h`")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    p_import = sub.add_parser("import", help="import a manuscript into a project and print the report")
    p_import.add_argument("file", type=Path, help="TXT, Markdown, EPUB or DOCX manuscript")
    p_import.add_argument("--project", type=Path, required=True, help="project folder (created if missing)")
    p_import.add_argument("--json", action="store_true", help="print the report as JSON")
    add_manuscript_options(p_import)

    from studio.cli.accounts import add_accounts_parser
    from studio.cli.check import add_check_parser
    from studio.cli.export import add_export_parser
    from studio.cli.lexicon import add_lexicon_parser
    from studio.cli.project import add_snapshot_parsers
    from studio.cli.render import add_render_parser
    from studio.cli.status import add_status_parser
    from studio.cli.takes import add_takes_parser

    add_render_parser(sub)
    add_status_parser(sub)
    add_export_parser(sub)
    add_accounts_parser(sub)
    add_snapshot_parsers(sub)
    add_lexicon_parser(sub)
    add_check_parser(sub)
    add_takes_parser(sub)
    from studio.cli.cast import add_cast_parser

    add_cast_parser(sub)
    from studio.cli.compact import add_compact_parser

    add_compact_parser(sub)

    from studio.engines.registry import ENGINE_NAMES

    p_voices = sub.add_parser("voices", help="list and filter the voice catalogue")
    p_voices.add_argument("--engine", default=None, choices=ENGINE_NAMES)
    p_voices.add_argument("--lang", default=None, help="language code prefix: zh, en, yue…")
    p_voices.add_argument("--emotion", default=None, help="an emotion category (happy…) or 'any'")
    p_voices.add_argument("--sample-rate", type=cli_numbers.sample_rate, default=None, metavar="HZ",
                          help="supported sample rate in Hz")
    p_voices.add_argument("--timestamps", action="store_true", help="only voices with timestamps")
    p_voices.add_argument("--gender", default=None)
    p_voices.add_argument("--tier", default=None)
    p_voices.add_argument("--search", default=None, help="text search over names, ids, types")
    p_voices.add_argument("--json", action="store_true")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    import multiprocessing

    multiprocessing.freeze_support()  # the offline engine's worker processes in a frozen (PyInstaller) app
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["--self-test"]:  # installation check, also in the frozen app (studio/selftest.py)
        from studio.selftest import main as self_test

        return self_test(args_list[1:])
    if not args_list or (args_list[0] not in SUBCOMMANDS and not args_list[0].startswith("-")):
        refusal = _not_a_window_argument(args_list[0]) if args_list else None
        if refusal is not None:
            print(f"studio: error: {refusal}", file=sys.stderr)
            return EXIT_BAD_INPUT
        from studio.gui.app import main as gui_main

        return gui_main(args_list)
    from studio.logsetup import setup_logging

    log_path = setup_logging()
    try:
        code = _run(args_list, log_path)
        sys.stdout.flush()  # a pipe's reader that went away shows here, not at interpreter exit
        return code
    except BrokenPipeError:
        return _quiet_broken_pipe()


#: subcommand -> (module, function(args, out, err) -> exit code)
_SUBCOMMAND_RUNNERS: dict[str, tuple[str, str]] = {
    "render": ("studio.cli.render", "run_render"),
    "status": ("studio.cli.status", "run_status"),
    "export": ("studio.cli.export", "run_export"),
    "accounts": ("studio.cli.accounts", "run_accounts"),
    "lexicon": ("studio.cli.lexicon", "run_lexicon"),
    "takes": ("studio.cli.takes", "run_takes"),
    "cast": ("studio.cli.cast", "run_cast"),
    "check": ("studio.cli.check", "run_check_command"),
    "compact": ("studio.cli.compact", "run_compact"),
}


def _run(args_list: list[str], log_path: Path) -> int:
    """Parse and run one subcommand; map every error a user can cause to one line and exit code 2."""
    import sqlite3

    from studio.core.errors import ProjectDamagedError
    from studio.core.project import damaged_message, is_damage

    args = build_parser().parse_args(args_list)
    try:
        if args.command == "import":
            return _cmd_import(args, sys.stdout)
        runner = _SUBCOMMAND_RUNNERS.get(args.command)
        if runner is not None:  # imported when used: `studio voices` does not load the render pipeline
            module, name = runner
            run = getattr(importlib.import_module(module), name)
            return int(run(args, sys.stdout, sys.stderr))
        if args.command == "voices":
            return _cmd_voices(args, sys.stdout)
        if args.command in ("snapshots", "restore"):
            from studio.cli.project import run_restore, run_snapshots

            return (run_snapshots if args.command == "snapshots" else run_restore)(args, sys.stdout)
    except (InputError, ProjectError, BadInputError) as exc:
        return bad_input(exc, sys.stderr, log)
    except (CancelledError, KeyboardInterrupt):
        return cancelled(sys.stderr)
    except StudioError as exc:
        return failed(exc, sys.stderr, log, f"log: {log_path}")
    except BrokenPipeError:
        raise
    except sqlite3.DatabaseError as exc:  # damage found after opening (a page read later in the command)
        log.exception("project database error")
        if is_damage(exc):
            folder = _project_argument(args)
            where = folder / "project.sqlite" if folder is not None else Path("project.sqlite")
            print(f"studio: error: {ProjectDamagedError(damaged_message(where, str(exc)))}", file=sys.stderr)
            return EXIT_BAD_INPUT
        print(f"studio: error: project database error ({exc}) (log: {log_path})", file=sys.stderr)
        return EXIT_FAILURE
    except MemoryError:
        log.exception("out of memory")
        print(f"studio: error: out of memory (log: {log_path})", file=sys.stderr)
        return EXIT_FAILURE
    except Exception:
        log.exception("internal error")
        print(f"studio: internal error; details are in {log_path}", file=sys.stderr)
        return EXIT_FAILURE
    build_parser().print_help()
    return EXIT_BAD_INPUT


def _project_argument(args: argparse.Namespace) -> Path | None:
    """The project folder a command worked on, for messages about its database."""
    for name in ("project", "input"):
        value = getattr(args, name, None)
        if isinstance(value, Path) and value.is_dir():
            return value
    return None


def _not_a_window_argument(first: str) -> str | None:
    """Why ``studio FIRST`` must not open the window, or ``None`` if it may.

    ``studio PATH`` opens the window on an existing file or folder. Anything else is a typo: a mistyped
    subcommand (``studio rendr``) would otherwise start the GUI (and abort on a machine without a display),
    so it gets exit 2 and the closest subcommand; a path that does not exist gets "no such file".
    """
    import difflib
    import os

    if Path(first).exists():
        return None
    close = difflib.get_close_matches(first.lower(), SUBCOMMANDS, n=1, cutoff=0.6)
    if close:
        return f"unknown command {first!r} (did you mean {close[0]}?); see `studio --help`"
    looks_like_path = any(sep in first for sep in {os.sep, "/", os.altsep or "/"}) or Path(first).suffix != ""
    if looks_like_path:
        return f"{first}: no such file or folder (`studio PATH` opens an existing manuscript or project)"
    return f"unknown command {first!r} (commands: {', '.join(SUBCOMMANDS)}; or give an existing file or folder)"


def _quiet_broken_pipe() -> int:
    """The reader went away (``studio voices --json | head``): stop quietly, like other command-line tools.

    stdout is pointed at the null device so the interpreter's final flush does not complain either.
    """
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return EXIT_BROKEN_PIPE  # 128 + SIGPIPE, what a shell reports for a tool stopped by a closed pipe


def _cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    from studio.cli.project import check_project_location, print_reimport, sync_project

    check_project_location(args.project)
    outcome = sync_project(args.file, args.project, reimport=args.reimport, doing="imported",
                           structure=args.structure)
    outcome.project.close()
    stored = outcome.source.report if outcome.source is not None else {}
    report = outcome.report.to_dict() if outcome.report is not None else stored
    if args.json:
        extra: dict[str, Any] = {"project": str(args.project), "action": outcome.action}
        if outcome.carry is not None and outcome.snapshot is not None:
            extra.update(snapshot=outcome.snapshot.id, carried=outcome.carry.lines())
        print(json.dumps({**report, **extra}, ensure_ascii=False), file=out)
        return EXIT_OK
    if outcome.action == "unchanged":
        print(f"{args.file}: unchanged since it was imported; the project is used as it is (nothing re-imported)",
              file=out)
    else:
        print(outcome.report.summary(), file=out)
        print_reimport(outcome, args.project, out)
    print(f"project: {args.project}", file=out)
    return EXIT_OK


def _cmd_voices(args: argparse.Namespace, out: TextIO) -> int:
    from studio.core.voices import default_catalogue

    emotion: str | bool | None = args.emotion
    if emotion == "any":
        emotion = True
    rows = default_catalogue().query(engine=args.engine, language=args.lang, emotion=emotion,
                                     sample_rate=args.sample_rate, timestamps=True if args.timestamps else None,
                                     gender=args.gender, tier=args.tier, text=args.search)
    if args.json:
        print(json.dumps([v.to_dict() for v in rows], ensure_ascii=False), file=out)
        return EXIT_OK
    for v in rows:
        rates = "/".join(f"{r // 1000}k" if r % 1000 == 0 else f"{r / 1000:g}k" for r in v.sample_rates)
        emotions = ",".join(v.emotions)
        print(f"{v.engine:<7} {v.id:<16} {v.name:<14} {v.gender or '-':<7} {','.join(v.languages):<12} "
              f"{rates:<16} {'ts' if v.timestamps else '--'} {v.tier:<9} {emotions}", file=out)
    print(f"{len(rows)} voices", file=out)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
