"""``studio render``: manuscript or project in, audiobook out; or chosen chapters / failed units into the project.

Everything a user can get wrong is checked before a project folder is created or a vendor is asked (the output,
the project location, the voice, the numbers, free space, emotions a voice cannot speak). The whole book goes
through the one export pipeline (``studio.render.export_book.export_project``); ``--chapters`` and
``--retry-failed`` go through the render session (``studio.render.session.run.render_book``) that the window's
Render and Retry use, and write no audiobook (see docs/decisions/0008-render-session.md).
"""

from __future__ import annotations

import argparse
import json
import logging
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from studio.cli import numbers as cli_numbers
from studio.cli.common import EXIT_OK, ProgressPrinter, add_manuscript_options, hms
from studio.core.errors import InputError, StudioError
from studio.engines.registry import engine_names, traits
from studio.render.cost import prices_from_env

if TYPE_CHECKING:
    from studio.core.book import VoiceSettings

log = logging.getLogger("studio.cli")


def add_render_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """``studio render`` and its options."""
    p_render = sub.add_parser("render", help="render a manuscript or project to an M4B audiobook")
    p_render.add_argument("input", type=Path, help="manuscript file or project folder")
    p_render.add_argument("-o", "--output", type=Path, default=None,
                          help="output file: .m4b, .mp3, .wav or .flac (not with --chapters/--retry-failed)")
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
    add_manuscript_options(p_render)
    p_render.add_argument("--chapters", default=None, metavar="LIST",
                          help="render only these chapters, e.g. 3,5-7, into the project (no -o: export the whole "
                               "book with `studio export` once every chapter has audio)")
    p_render.add_argument("--retry-failed", action="store_true",
                          help="render again only the units an earlier render gave up on (no -o)")
    for name in ("speed", "pitch", "volume"):
        p_render.add_argument(f"--{name}", type=float, default=None, metavar="X",
                              help=f"{name} multiplier, 0.5-2 (volume 0-2; 1 = the voice's default); stored in "
                                   "the project as the book's setting")
    add_render_options(p_render)
    from studio.cli.confirm import add_confirm_options
    from studio.cli.render_credits import add_credits_option

    add_credits_option(p_render)

    add_confirm_options(p_render)
    return p_render


def add_render_options(p_render: argparse.ArgumentParser) -> None:
    """``studio render`` options of the scheduler: a dry run, unit size, prices."""
    p_render.add_argument("--dry-run", action="store_true",
                          help="print the plan and the character/cost estimate; send nothing")
    p_render.add_argument("--unit-chars", type=cli_numbers.unit_chars, default=None, metavar="N",
                          help="group paragraphs into cloud tasks of about N characters (default: one per paragraph)")
    p_render.add_argument("--price", action="append", default=[], metavar="ENGINE=PRICE", type=_checked_price,
                          help="price per 10,000 characters for the cost estimate (also STUDIO_PRICE_ALIYUN, ...)")
    p_render.add_argument("--concurrency", action="append", default=[], metavar="ENGINE=N", type=_checked_concurrency,
                          help="tasks at the vendor at once per engine (defaults: aliyun 20, never above the "
                               "account cap of 100; baidu 20)")


def _checked_concurrency(text: str) -> str:
    """argparse ``type`` of ``--concurrency``: refused while parsing, before anything is imported or planned."""
    from studio.core.errors import InputError

    try:
        render_concurrency(argparse.Namespace(concurrency=[text]))
    except InputError as exc:
        raise argparse.ArgumentTypeError(exc.message.removeprefix("--concurrency ")) from None  # cli.py puts it back
    return text


def _checked_price(text: str) -> str:
    """argparse ``type`` of ``--price`` (see ``_checked_concurrency``)."""
    from studio.core.errors import InputError

    try:
        render_prices(argparse.Namespace(price=[text]))
    except InputError as exc:
        raise argparse.ArgumentTypeError(exc.message.removeprefix("--price ")) from None
    return text


def render_concurrency(args: argparse.Namespace) -> dict[str, int]:
    """``--concurrency ENGINE=N`` options, each capped at its engine's account limit (Alibaba: 100 running tasks)."""
    from studio.core.errors import InputError

    names = engine_names()

    limits: dict[str, int] = {}
    for item in getattr(args, "concurrency", None) or []:
        engine, sep, value = str(item).partition("=")
        engine = engine.strip()
        if not sep or engine not in names or not value.strip().isdigit() or int(value) < 1:
            raise InputError(f"--concurrency wants ENGINE=N with ENGINE one of {', '.join(names)} and "
                             f"N >= 1, not {item!r}")
        cap = traits(engine).max_concurrency
        limits[engine] = int(value) if cap is None else min(int(value), cap)
    return limits


def render_prices(args: argparse.Namespace) -> dict[str, float]:
    """Prices from ``--price`` options over the ``STUDIO_PRICE_*`` environment."""
    prices = prices_from_env()
    for item in getattr(args, "price", None) or []:
        engine, sep, value = str(item).partition("=")
        try:
            number = float(value)
        except ValueError:
            number = -1.0
        if not sep or number < 0:
            from studio.core.errors import InputError

            raise InputError(f"--price wants ENGINE=PRICE with a number >= 0, not {item!r}")
        prices[engine.strip()] = number
    return prices


def run_render(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Everything a user can get wrong is checked before a project folder is created or a vendor is asked."""
    from studio.audio.formats import FORMAT_BY_EXTENSION
    from studio.cli.project import (
        check_audio_values,
        check_output,
        check_project_location,
        discard_if_unused,
        dry_run,
        print_reimport,
        sync_project,
    )
    from studio.core.project import Project, is_project_dir

    output: Path | None = args.output
    render_only = args.chapters is not None or args.retry_failed
    credits_only = bool(getattr(args, "credits", False)) and output is None and not render_only
    if getattr(args, "credits", False) and render_only:
        raise InputError("--credits renders the credits on their own (no -o) or with the whole book (-o): leave "
                         "out --chapters/--retry-failed")
    if render_only and output is not None:
        raise InputError(f"{'--chapters' if args.chapters is not None else '--retry-failed'} renders into the "
                         "project and writes no audiobook: leave out -o, and export the whole book with `studio "
                         "export PROJECT -o BOOK.m4b` once every chapter has audio")
    if render_only and args.dry_run:
        raise InputError("--dry-run plans the whole book: leave out --chapters/--retry-failed")
    if output is None and not render_only and not credits_only:
        raise InputError("-o/--output is required: the audiobook to write, e.g. -o BOOK.m4b (or render into the "
                         "project only with --chapters LIST or --retry-failed)")
    if output is not None and output.suffix.lower() not in FORMAT_BY_EXTENSION:
        raise InputError(f"output must end in {', '.join(FORMAT_BY_EXTENSION)} (or use `studio export`)",
                         path=output)
    check_audio_values(speed=args.speed, pitch=args.pitch, volume=args.volume)
    voice = _voice_override(args.engine, args.voice, speed=args.speed, pitch=args.pitch, volume=args.volume)
    from studio.core.accounts import ENV_VARS, require_credentials

    if voice is not None and voice.engine in ENV_VARS and not args.dry_run:  # an engine with an account
        require_credentials(voice.engine)  # before a project is created: a dry run needs no credentials
    if output is not None:
        check_output(output)
    manuscript = not is_project_dir(args.input)
    if manuscript and args.input.is_dir():
        raise InputError("not a manuscript file or project folder", path=args.input)
    if not manuscript and args.reimport:
        raise InputError("--reimport re-imports a manuscript: give the manuscript file, not the project folder",
                         path=args.input)
    if manuscript and args.project is None and output is None:
        raise InputError("a manuscript rendered into its project only needs --project FOLDER (or give the project "
                         "folder instead of the manuscript)", path=args.input)
    folder: Path = (args.project or _default_project(output)) if manuscript else args.input
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


def _default_project(output: Path | None) -> Path:
    """``OUT.studio`` next to the output file (``_cmd_render`` asks for --project when there is no output)."""
    assert output is not None
    return output.with_name(output.stem + ".studio")


def _render_project(args: argparse.Namespace, project: Any, voice: Any, out: TextIO, err: TextIO) -> int:
    from studio.audio.export import ExportOptions
    from studio.cli.project import check_free_space, complete_voice, note_own_voices, project_lock
    from studio.core.book_settings import read_audio_settings, store_book_settings
    from studio.engines.registry import EngineOptions
    from studio.render.export_book import export_project, format_for
    from studio.render.job_store import plan_project
    from studio.render.plan import AudioRequestOptions, check_plan
    from studio.render.session.units import select_units

    output: Path | None = args.output
    with project_lock(project.folder, "rendered"):
        book = project.load_book()
        voice = complete_voice(voice, book)
        stored = read_audio_settings(project)
        audio = AudioRequestOptions(args.audio_format or stored.audio_format, args.sample_rate or stored.sample_rate,
                                    unit_chars=args.unit_chars)
        if voice is not None:
            book.voice = voice.merged_over(book.voice)
        plan = plan_project(project, book, audio=audio)
        chosen = _chosen_units(args, project, book, plan, err)
        if chosen is not None:
            plan = select_units(plan, chapters=chosen[0], units=chosen[1])
        credits = bool(getattr(args, "credits", False))
        if credits:  # priced and confirmed below with the rest
            from studio.cli.render_credits import with_credits

            plan = with_credits(project, book, plan, audio, alone=output is None)
        warnings = check_plan(plan)  # refusals (emotions a voice cannot speak, oversized...) before anything is stored
        if output is not None:
            check_free_space(project, output, format_for(output), plan)
        changes = store_book_settings(project, voice, args.audio_format, args.sample_rate)
        if changes:
            print(f"stored in the project as the book's settings: {'; '.join(changes)}", file=err)
            note_own_voices(book, err)
        progress = ProgressPrinter(err)
        cancel = threading.Event()
        started = time.monotonic()

        def warn(warnings: list[str]) -> None:  # before anything is sent to a vendor
            for warning in warnings:
                print(f"warning: {warning}", file=err)
            err.flush()

        engine_options = EngineOptions(local_workers=args.workers, aliyun_endpoint=args.endpoint)
        if chosen is not None and not plan.units:
            print(f"{project.folder}: " + ("no unit has failed; nothing to render again" if args.retry_failed
                                           else "those chapters have no text to render"), file=out)
            return EXIT_OK
        from studio.cli.confirm import confirm_render

        confirm_render(args, project, plan, render_prices(args), render_concurrency(args), err)
        try:
            if credits and output is None:
                from studio.cli.render_credits import render_credits

                warn(warnings)
                return render_credits(args, project, plan, progress, cancel, engine_options, out)
            if chosen is not None:
                warn(warnings)
                from studio.render.session.memory import clear_failures
                from studio.render.session.run import render_book

                if chosen[1] is not None:
                    print(f"retrying {len(chosen[1])} failed unit(s)", file=err)
                    clear_failures(project, chosen[1])  # a failure that happens again is remembered again

                rendered = render_book(project, book, chapters=chosen[0], units=chosen[1], audio=audio,
                                       engine_options=engine_options, progress=progress.render, cancel=cancel,
                                       prices=render_prices(args), max_in_flight=render_concurrency(args) or None)
            else:
                assert output is not None
                result = export_project(
                    project, output, ExportOptions(format=format_for(output)), render_progress=progress.render,
                    export_progress=progress.export, cancel=cancel, audio=audio, prices=render_prices(args),
                    on_warnings=warn, max_in_flight=render_concurrency(args) or None, engine_options=engine_options,
                    credits=credits)
        except KeyboardInterrupt:
            cancel.set()
            raise
        except StudioError:
            _hint_retry(project, plan, err)
            raise
        finally:
            progress.finish()
    if chosen is not None:
        return _print_session(args, project.folder, rendered, time.monotonic() - started, out)
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
        print(f"{result.chapters} chapters, {hms(result.duration_ms / 1000)} -> {result.output}", file=out)
    return EXIT_OK


def _chosen_units(args: argparse.Namespace, project: Any, book: Any, plan: Any,
                  err: TextIO) -> tuple[list[int] | None, set[str] | None] | None:
    """``--chapters`` and ``--retry-failed`` as (chapters, units) for the render session; None: the whole book.

    Failed units whose text or voice changed since are not retried: their new versions are ordinary units
    without audio (a render of the book or of their chapters renders them).
    """
    if args.chapters is None and not args.retry_failed:
        return None
    from studio.render.session.memory import failed_units
    from studio.render.session.units import parse_chapters

    chapters = parse_chapters(args.chapters, len(book.chapters)) if args.chapters is not None else None
    if not args.retry_failed:
        return chapters, None
    failed = failed_units(project)
    planned = {u.cache_key for u in plan.units if chapters is None or u.chapter_index in chapters}
    retry = {key for key in failed & planned if project.rendered_unit(key) is None}
    gone = len(failed - {u.cache_key for u in plan.units})
    if gone:
        print(f"note: {gone} failed unit(s) belong to text or voices changed since; they are not retried",
              file=err)
    return chapters, retry


def _hint_retry(project: Any, plan: Any, err: TextIO) -> None:
    """After a render that gave up on units: say how to render just those again."""
    from studio.render.session.memory import failed_units

    try:
        failed = failed_units(project) & {u.cache_key for u in plan.units}
    except Exception:  # the hint must never hide the render's own error
        log.exception("could not count failed units")
        return
    if failed:
        print(f"studio: {len(failed)} unit(s) failed; `studio render {project.folder} --retry-failed` renders "
              "just those again", file=err)


def _print_session(args: argparse.Namespace, folder: Path, rendered: Any, elapsed: float, out: TextIO) -> int:
    """The summary of a render into the project only (``--chapters``/``--retry-failed``)."""
    numbers = [c + 1 for c in rendered.chapters]
    if args.json:
        print(json.dumps({"project": str(folder), "chapters": numbers, "units": rendered.units,
                          "units_rendered": rendered.rendered, "units_cached": rendered.cached,
                          "elapsed_s": round(elapsed, 2)}, ensure_ascii=False), file=out)
        return EXIT_OK
    which = "chapter" if len(numbers) == 1 else "chapters"
    print(f"{which} {_ranges(numbers)}: {rendered.units} units ({rendered.rendered} rendered, {rendered.cached} "
          f"from the cache) in {folder}", file=out)
    return EXIT_OK


def _ranges(numbers: Sequence[int]) -> str:
    """[3, 5, 6, 7] -> "3, 5-7"."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def _voice_override(engine: str | None, voice: str | None, *, speed: float | None = None,
                    pitch: float | None = None, volume: float | None = None) -> VoiceSettings | None:
    """``--engine``/``--voice``/``--speed``/``--pitch``/``--volume`` as VoiceSettings, checked against the
    catalogue; None when none was given. ``--engine`` alone leaves the voice to ``_complete_voice``."""
    from studio.core.book import VoiceSettings
    from studio.core.voices import default_catalogue
    from studio.engines.registry import ENGINE_NAMES

    if engine is not None and engine not in ENGINE_NAMES:
        raise InputError(f"unknown engine {engine!r} (available: {', '.join(ENGINE_NAMES)})")
    if voice is None:
        settings = VoiceSettings(engine=engine, speed=speed, pitch=pitch, volume=volume)
        return None if settings.is_empty() else settings
    matches = [v for v in default_catalogue().find(voice) if engine is None or v.engine == engine]
    if not matches:
        where = f"{engine} " if engine else ""
        raise InputError(f"unknown {where}voice {voice!r} (see `studio voices`)")
    if len(matches) > 1:
        engines = ", ".join(sorted({v.engine for v in matches}))
        raise InputError(f"voice {voice!r} exists for several engines ({engines}); pass --engine")
    return VoiceSettings(engine=matches[0].engine, voice=matches[0].id, speed=speed, pitch=pitch, volume=volume)
