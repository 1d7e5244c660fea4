"""``studio``: with no arguments the main window; with a subcommand the same pipeline, headless.

Exit codes: 0 success, 1 a failure that is not the user's (engine, ffmpeg, bug: see the log), 2 bad input
(with one line naming the file and, where it applies, line/chapter/paragraph), 130 cancelled (Ctrl+C).
Tracebacks go to the log file, never to the user's terminal.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from studio import __version__, cli_numbers
from studio.core.errors import BadInputError, CancelledError, InputError, ProjectError, StudioError

log = logging.getLogger("studio.cli")

SUBCOMMANDS = ("import", "render", "status", "export", "voices", "accounts", "snapshots", "restore")
EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT, EXIT_CANCELLED = 0, 1, 2, 130


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 on usage errors too: keep it, one line
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
    p_import.add_argument("--structure", default="auto", metavar="auto|toc|none|pattern:REGEX",
                          help="how chapters are found (default auto; pattern:REGEX = lines matching REGEX)")
    p_import.add_argument("--reimport", action="store_true",
                          help="the manuscript changed: snapshot the project's book, then re-import it (voices, "
                               "emotions and chapter names carry over to unchanged paragraphs)")

    p_render = sub.add_parser("render", help="render a manuscript or project to an M4B audiobook")
    p_render.add_argument("input", type=Path, help="manuscript file or project folder")
    p_render.add_argument("-o", "--output", type=Path, required=True, help="output file: .m4b, .mp3, .wav or .flac")
    p_render.add_argument("--engine", default=None, help="synthesis engine (default: local)")
    p_render.add_argument("--voice", default=None, help="voice id, e.g. local-cmn (see `studio voices`)")
    p_render.add_argument("--project", type=Path, default=None,
                          help="project folder for a manuscript input (default: OUTPUT's name + .studio)")
    p_render.add_argument("--format", dest="audio_format", choices=("wav", "mp3", "pcm"), default=None,
                          help="audio format asked from a cloud vendor (the book is encoded from it)")
    p_render.add_argument("--sample-rate", type=cli_numbers.sample_rate, default=None, metavar="HZ",
                          help="sample rate asked from a cloud vendor")
    p_render.add_argument("--endpoint", choices=("public", "internal"), default="public",
                          help="Alibaba gateway: public HTTPS, or the ECS-internal HTTP one")
    p_render.add_argument("--workers", type=cli_numbers.workers, default=None, metavar="N",
                          help="offline engine worker processes")
    p_render.add_argument("--json", action="store_true", help="print the summary as JSON")
    p_render.add_argument("--structure", default="auto", metavar="auto|toc|none|pattern:REGEX",
                          help="how chapters are found when importing a manuscript (default auto)")
    p_render.add_argument("--reimport", action="store_true",
                          help="the manuscript changed since its project was made: snapshot the project's book, "
                               "then re-import it (voices, emotions and chapter names carry over)")
    for name in ("speed", "pitch", "volume"):
        p_render.add_argument(f"--{name}", type=float, default=None, metavar="X",
                              help=f"{name} multiplier, 0.5-2 (volume 0-2; 1 = the voice's default); stored in "
                                   "the project as the book's setting")

    from studio.cli_export import add_export_parser
    from studio.cli_render_status import add_render_options, add_status_parser

    add_render_options(p_render)
    from studio.cli_confirm import add_confirm_options

    add_confirm_options(p_render)
    add_status_parser(sub)
    add_export_parser(sub)

    from studio.cli_accounts import add_accounts_parser

    add_accounts_parser(sub)

    from studio.cli_project import add_snapshot_parsers

    add_snapshot_parsers(sub)

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


def _run(args_list: list[str], log_path: Path) -> int:
    """Parse and run one subcommand; map every error a user can cause to one line and exit code 2."""
    import sqlite3

    from studio.core.errors import ProjectDamagedError
    from studio.core.project import damaged_message, is_damage

    args = build_parser().parse_args(args_list)
    try:
        if args.command == "import":
            return _cmd_import(args, sys.stdout)
        if args.command == "render":
            return _cmd_render(args, sys.stdout, sys.stderr)
        if args.command == "voices":
            return _cmd_voices(args, sys.stdout)
        if args.command == "status":
            from studio.cli_render_status import run_status

            return run_status(args, sys.stdout, sys.stderr)
        if args.command == "export":
            from studio.cli_export import run_export

            return run_export(args, sys.stdout, sys.stderr)
        if args.command == "accounts":
            from studio.cli_accounts import run_accounts

            return run_accounts(args, sys.stdout, sys.stderr)
        if args.command in ("snapshots", "restore"):
            from studio.cli_project import run_restore, run_snapshots

            return (run_snapshots if args.command == "snapshots" else run_restore)(args, sys.stdout)
    except (InputError, ProjectError, BadInputError) as exc:
        log.warning("bad input: %s", exc)
        print(f"studio: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (CancelledError, KeyboardInterrupt):
        print("studio: cancelled", file=sys.stderr)
        return EXIT_CANCELLED
    except StudioError as exc:
        log.exception("failed")
        print(f"studio: error: {exc} (log: {log_path})", file=sys.stderr)
        return EXIT_FAILURE
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
    return 141  # 128 + SIGPIPE, what a shell reports for a tool stopped by a closed pipe


def _cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    from studio.cli_project import check_project_location, print_reimport, sync_project

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


def _cmd_render(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Everything a user can get wrong is checked before a project folder is created or a vendor is asked."""
    from studio.audio.formats import FORMAT_BY_EXTENSION
    from studio.cli_project import (
        check_audio_values,
        check_output,
        check_project_location,
        discard_if_unused,
        dry_run,
        print_reimport,
        sync_project,
    )
    from studio.core.project import Project, is_project_dir

    output: Path = args.output
    if output.suffix.lower() not in FORMAT_BY_EXTENSION:
        raise InputError(f"output must end in {', '.join(FORMAT_BY_EXTENSION)} (or use `studio export`)",
                         path=output)
    check_audio_values(speed=args.speed, pitch=args.pitch, volume=args.volume)
    voice = _voice_override(args.engine, args.voice, speed=args.speed, pitch=args.pitch, volume=args.volume)
    from studio.core.accounts import ENV_VARS, require_credentials

    if voice is not None and voice.engine in ENV_VARS and not args.dry_run:  # an engine with an account
        require_credentials(voice.engine)  # before a project is created: a dry run needs no credentials
    check_output(output)
    manuscript = not is_project_dir(args.input)
    if manuscript and args.input.is_dir():
        raise InputError("not a manuscript file or project folder", path=args.input)
    if not manuscript and args.reimport:
        raise InputError("--reimport re-imports a manuscript: give the manuscript file, not the project folder",
                         path=args.input)
    folder: Path = (args.project or output.with_name(output.stem + ".studio")) if manuscript else args.input
    check_project_location(folder)
    if args.dry_run:
        return dry_run(args, folder, voice, manuscript, out, err)
    existed = folder.exists()
    created = False  # this run created the project folder (only then may a failed start remove it)
    try:
        if manuscript:
            outcome = sync_project(args.input, folder, reimport=args.reimport, doing="imported or rendered",
                                   structure=args.structure)
            created = outcome.action == "created" and not existed
            project = outcome.project
            if outcome.action == "unchanged":
                print(f"using the project {folder} (the manuscript is unchanged since its import)", file=err)
            else:
                report = outcome.report
                print(f"imported {args.input}: {report.chapters} chapters, {report.paragraphs} paragraphs, "
                      f"{report.characters} characters ({report.encoding or report.format})", file=err)
                for warning in report.warnings:
                    print(f"  warning: {warning}", file=err)
                print_reimport(outcome, folder, err)
        else:
            project = Project.open(folder)
        try:
            return _render_project(args, project, voice, out, err)
        finally:
            project.close()
    except BaseException:
        if created:
            discard_if_unused(folder)  # a failed start leaves no new project folder behind
        raise


def _render_project(args: argparse.Namespace, project: Any, voice: Any, out: TextIO, err: TextIO) -> int:
    from studio.cli_project import check_free_space, complete_voice, note_own_voices, project_lock
    from studio.core.book_settings import read_audio_settings, store_book_settings
    from studio.engines.registry import EngineOptions
    from studio.render.audiobook import format_for, produce_audiobook
    from studio.render.job_store import plan_project
    from studio.render.plan import AudioRequestOptions, check_plan

    output: Path = args.output
    with project_lock(project.folder, "rendered"):
        book = project.load_book()
        voice = complete_voice(voice, book)
        stored = read_audio_settings(project)
        audio = AudioRequestOptions(args.audio_format or stored.audio_format, args.sample_rate or stored.sample_rate,
                                    unit_chars=args.unit_chars)
        if voice is not None:
            book.voice = voice.merged_over(book.voice)
        plan = plan_project(project, book, audio=audio)
        check_plan(plan)  # refusals (emotions a voice cannot speak, oversized paragraphs) before anything is stored
        check_free_space(project, output, format_for(output), plan)
        changes = store_book_settings(project, voice, args.audio_format, args.sample_rate)
        if changes:
            print(f"stored in the project as the book's settings: {'; '.join(changes)}", file=err)
            note_own_voices(book, err)
        progress = _ProgressPrinter(err)
        cancel = threading.Event()
        started = time.monotonic()

        def warn(warnings: list[str]) -> None:  # before anything is sent to a vendor
            for warning in warnings:
                print(f"warning: {warning}", file=err)
            err.flush()

        from studio.cli_confirm import confirm_render
        from studio.cli_render_status import render_concurrency, render_prices

        confirm_render(args, project, plan, render_prices(args), render_concurrency(args), err)
        try:
            result = produce_audiobook(
                project, output, render_progress=progress.render, export_progress=progress.export,
                cancel=cancel, audio=audio, prices=render_prices(args), on_warnings=warn,
                max_in_flight=render_concurrency(args) or None,
                engine_options=EngineOptions(local_workers=args.workers, aliyun_endpoint=args.endpoint))
        except KeyboardInterrupt:
            cancel.set()
            raise
        finally:
            progress.finish()
    summary = {
        "output": str(result.output),
        "chapters": result.chapters,
        "duration_s": round(result.duration_ms / 1000, 3),
        "units_rendered": result.units_rendered,
        "units_cached": result.units_cached,
        "up_to_date": result.up_to_date,
        "project": str(project.folder),
        "elapsed_s": round(time.monotonic() - started, 2),
    }
    if args.json:
        print(json.dumps(summary, ensure_ascii=False), file=out)
    else:
        if result.up_to_date:
            print(f"{result.output} is up to date (nothing changed since it was exported)", file=err)
        print(f"{result.chapters} chapters, {_hms(result.duration_ms / 1000)} -> {result.output}", file=out)
    return EXIT_OK


def _voice_override(engine: str | None, voice: str | None, *, speed: float | None = None,
                    pitch: float | None = None, volume: float | None = None) -> Any:
    """``--engine``/``--voice``/``--speed``/``--pitch``/``--volume`` as VoiceSettings, checked against the
    catalogue; None when none was given. ``--engine`` alone leaves the voice to ``_complete_voice``."""
    from studio.core.book import VoiceSettings
    from studio.core.voices import default_catalogue
    from studio.engines.registry import ENGINE_NAMES

    if engine is not None and engine not in ENGINE_NAMES:
        raise InputError(f"unknown engine {engine!r} (available: {', '.join(ENGINE_NAMES)})")
    shaping = {"speed": speed, "pitch": pitch, "volume": volume}
    if voice is None:
        settings = VoiceSettings(engine=engine, **shaping)
        return None if settings.is_empty() else settings
    matches = [v for v in default_catalogue().find(voice) if engine is None or v.engine == engine]
    if not matches:
        where = f"{engine} " if engine else ""
        raise InputError(f"unknown {where}voice {voice!r} (see `studio voices`)")
    if len(matches) > 1:
        engines = ", ".join(sorted({v.engine for v in matches}))
        raise InputError(f"voice {voice!r} exists for several engines ({engines}); pass --engine")
    return VoiceSettings(engine=matches[0].engine, voice=matches[0].id, **shaping)


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


def _hms(seconds: float) -> str:
    s = round(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


class _ProgressPrinter:
    """Progress on stderr: a rewritten line on a terminal, a line every few seconds otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self._last = 0.0
        self._dirty = False

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

    def render(self, p: Any) -> None:
        cost = getattr(p, "cost_estimate", None)
        priced = f", est. cost {cost:.2f}" if cost else ""
        self._emit(f"synthesizing: {p.units_done}/{p.units_total} paragraphs "
                   f"({p.fraction:.0%}, {p.cached} cached{priced})", force=p.state in ("planned", "finished"))

    def export(self, fraction: float) -> None:
        self._emit(f"encoding: {fraction:.0%}", force=fraction >= 1.0)

    def finish(self) -> None:
        if self._dirty:
            self.stream.write("\n")
            self.stream.flush()


if __name__ == "__main__":
    sys.exit(main())
