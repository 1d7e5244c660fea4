"""``studio export PROJECT -o OUT``: the exporter from the command line.

Wired into ``studio.cli`` by ``add_export_parser``; ``run_export`` does the work and returns the exit code
itself (0 done, 1 a failure that is not the user's, 2 bad input with one line naming it, 130 cancelled), so
it behaves the same however the main program wraps it. Values that argparse would reject with a two-line
usage message (a format, a number, the gap syntax) are validated here instead, as one-line errors.

Output: one line per written file on stdout; progress and the per-chapter loudness table on stderr; with
``--json`` everything (files, chapters, mastering) as one JSON document on stdout.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import threading
import time
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from studio.audio.compliance import PRESETS, check_files, preset_options
from studio.audio.export import ExportOptions, ExportResult, check_options
from studio.audio.formats import BOOK_FORMATS, CHAPTER_FORMATS
from studio.audio.loudness import ACX_TARGET, DEFAULT_TARGET, LoudnessTarget
from studio.audio.retail_sample import SampleLength
from studio.audio.subtitles import SUBTITLE_FORMATS
from studio.audio.timeline import MAX_GAP_MS, Gaps
from studio.cli import numbers as cli_numbers
from studio.cli.common import EXIT_OK, ProgressPrinter, bad_input, cancelled, failed, hms
from studio.core.errors import CancelledError, InputError, ProjectError, StudioError

if TYPE_CHECKING:
    from studio.core.project import Project

log = logging.getLogger("studio.cli.export")

_GAP_KEYS = ("sentence", "paragraph", "heading", "chapter")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*$", re.IGNORECASE)


def add_export_parser(subparsers: argparse._SubParsersAction) -> None:
    """Add ``export`` to the ``studio`` command's subparsers."""
    p = subparsers.add_parser(
        "export", help="export a project: M4B, MP3, WAV/FLAC + cue, or one file per chapter",
        description="Render whatever audio the project still lacks, then export it with exact chapter marks, "
                    "normalized loudness, tags, cover and optional subtitles.")
    p.add_argument("project", type=Path, help="project folder (see `studio import`)")
    p.add_argument("-o", "--output", type=Path, required=True,
                   help="output file (a folder for --format chapters)")
    p.add_argument("--format", default=None, metavar="FMT",
                   help=f"{' | '.join(BOOK_FORMATS)} (default: from OUTPUT's extension, else m4b)")
    p.add_argument("--preset", default=None, metavar="acx|apple|mp3",
                   help="retail preset: acx (one 192k MP3 per chapter, ACX loudness, room tone), apple (M4B for "
                        "Apple Books/Audiobookshelf), mp3 (one MP3 with chapters); prints a compliance report")
    p.add_argument("--chapter-format", default="mp3", metavar="FMT",
                   help=f"file type for --format chapters: {' | '.join(CHAPTER_FORMATS)} (default mp3)")
    level = p.add_mutually_exclusive_group()
    level.add_argument("--loudness", default=None, metavar="LUFS|acx",
                       help="target integrated loudness, e.g. -18 (the default), or the ACX preset")
    level.add_argument("--no-loudness", action="store_true", help="keep the rendered levels")
    p.add_argument("--true-peak", default=None, metavar="DBTP", help="true-peak ceiling (default -3)")
    p.add_argument("--split-hours", default=None, metavar="N",
                   help="split into parts of at most N hours (between chapters; each part stands alone)")
    p.add_argument("--subtitles", default="", metavar=",".join(SUBTITLE_FORMATS),
                   help="also write subtitles next to each file")
    p.add_argument("--cover", type=Path, default=None, metavar="IMG", help="cover image (JPEG or PNG)")
    p.add_argument("--gaps", default="", metavar="SPEC",
                   help="extra pauses, e.g. sentence=300ms,paragraph=0.8s,heading=1s,chapter=2s")
    p.add_argument("--spoken-titles", action="store_true",
                   help="speak each chapter title (in the chapter's voice) before the chapter")
    for name in ("title", "author", "narrator", "year", "description"):
        p.add_argument(f"--{name}", default=None, help=f"book {name} tag (default: from the project)")
    p.add_argument("--sample-rate", default=None, metavar="HZ",
                   help="output sample rate (default: the highest of the pieces, at most 48000)")
    p.add_argument("--bitrate", default=None, help="AAC/MP3 bit rate, e.g. 96k (default 64k)")
    p.add_argument("--workers", type=cli_numbers.workers, default=None, metavar="N",
                   help="offline engine worker processes")
    p.add_argument("--render-missing", action="store_true",
                   help="synthesize paragraphs that have no audio yet, with the project's own voices (without it, "
                        "export stops and says which chapters lack audio)")
    p.add_argument("--json", action="store_true", help="print files, chapters and loudness as JSON")
    add_acx_options(p)


def add_acx_options(p: argparse.ArgumentParser) -> None:
    """Credits and the retail sample (on by default with ``--preset acx``)."""
    credits = p.add_mutually_exclusive_group()
    credits.add_argument("--credits", action="store_true",
                         help="opening and closing credits as the first and last files/chapters (default with "
                              "--preset acx); spoken in the book's voice, rendered like any paragraph")
    credits.add_argument("--no-credits", action="store_true", help="leave the credits out (also with --preset acx)")
    p.add_argument("--opening-credits", default=None, metavar="TEXT",
                   help="the opening credits' text, stored in the project (\"\": back to the text generated from "
                        "title, author and narrator)")
    p.add_argument("--closing-credits", default=None, metavar="TEXT", help="the closing credits' text (as above)")
    sample = p.add_mutually_exclusive_group()
    sample.add_argument("--retail-sample", action="store_true",
                        help="also write a 1-5 min retail sample cut from the start (default with --preset acx)")
    sample.add_argument("--no-retail-sample", action="store_true", help="no retail sample")
    p.add_argument("--sample-seconds", default=None, metavar="S",
                   help="the retail sample's length in seconds, 60-295 (default 180; cut at a paragraph or sentence)")


def parse_gaps(text: str, base: Gaps | None = None) -> Gaps:
    """``sentence=300,paragraph=0.8s,...``; a bare number is milliseconds. Unnamed gaps keep ``base``."""
    values = {f"{k}_ms": getattr(base or Gaps(), f"{k}_ms") for k in _GAP_KEYS}
    for item in filter(None, (part.strip() for part in text.split(","))):
        key, sep, value = item.partition("=")
        key = key.strip().lower()
        if not sep or key not in _GAP_KEYS:
            raise InputError(f"bad --gaps item {item!r}: use {'|'.join(_GAP_KEYS)}=DURATION, e.g. sentence=300ms")
        match = _DURATION.match(value)
        if not match:
            raise InputError(f"bad duration {value.strip()!r} for the {key} gap: use e.g. 300ms, 0.5s or 300")
        ms = float(match.group(1)) * (1000 if (match.group(2) or "ms").lower() == "s" else 1)
        if ms > MAX_GAP_MS:
            raise InputError(f"the {key} gap of {ms / 1000:g} s is longer than {MAX_GAP_MS // 1000} s")
        values[f"{key}_ms"] = round(ms)
    return Gaps(**values)


def parse_loudness(text: str | None, *, disabled: bool, true_peak: str | None) -> LoudnessTarget | None:
    if disabled:
        return None
    ceiling = _number(true_peak, "--true-peak") if true_peak is not None else None
    try:
        if text is None:
            base = DEFAULT_TARGET
        elif text.strip().lower() == "acx":
            base = ACX_TARGET
        else:
            base = LoudnessTarget(_number(text, "--loudness"), DEFAULT_TARGET.true_peak_dbtp, "custom")
        return LoudnessTarget(base.integrated_lufs, ceiling if ceiling is not None else base.true_peak_dbtp,
                              base.name, base.rms_range_db, base.noise_floor_max_db)
    except ValueError as exc:  # the message says which of the two numbers is out of range
        option = "--true-peak" if "true peak" in str(exc) else "--loudness"
        raise InputError(f"{option}: {exc}") from exc


def _number(text: str, option: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise InputError(f"{option} wants a number, not {text!r}") from None


def options_from_args(args: argparse.Namespace) -> ExportOptions:
    """Every option checked here, before any rendering starts: a typo must not cost a render."""
    preset = getattr(args, "preset", None)
    if preset is not None and preset.strip().lower() not in PRESETS:
        raise InputError(f"--preset: unknown preset {preset!r} (choose from {', '.join(PRESETS)})")
    fmt = args.format.lower() if args.format else _format_from_name(args.output)
    subtitles = tuple(s.strip().lower() for s in args.subtitles.split(",") if s.strip())
    split = _number(args.split_hours, "--split-hours") if args.split_hours is not None else None
    rate = None
    if args.sample_rate is not None:
        number = _number(args.sample_rate, "--sample-rate")
        if number != int(number):
            raise InputError(f"--sample-rate wants a whole number of Hz, not {args.sample_rate!r}")
        rate = int(number)
    if args.bitrate is not None and not re.fullmatch(r"\d{2,3}k", args.bitrate.strip().lower()):
        raise InputError(f"--bitrate wants a value like 64k or 128k, not {args.bitrate!r}")
    options = ExportOptions(
        format=fmt, chapter_format=args.chapter_format.lower(), gaps=parse_gaps(args.gaps),
        loudness=parse_loudness(args.loudness, disabled=args.no_loudness, true_peak=args.true_peak),
        split_hours=split, subtitles=subtitles, sample_rate=rate,
        bitrate=args.bitrate.strip().lower() if args.bitrate else None)
    if preset is not None:  # the preset fixes format, rate, bit rate and loudness; gaps and subtitles stay
        options = preset_options(preset.strip().lower(), options)
    try:
        check_options(options)
    except InputError as exc:  # name the option the user typed, not just the number
        option = next((o for text, o in _OPTION_OF_MESSAGE if exc.message.startswith(text)), None)
        if option is None:
            raise
        raise InputError(f"{option}: {exc.message}", path=exc.path) from exc
    if args.cover is not None:
        from studio.audio.export import checked_cover

        checked_cover(args.cover)
    return options


_OPTION_OF_MESSAGE = (("split length", "--split-hours"), ("sample rate", "--sample-rate"))


def _format_from_name(output: Path) -> str:
    suffix = output.suffix.lower().lstrip(".")
    return suffix if suffix in BOOK_FORMATS else "m4b"


def run_export(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``studio export`` with parsed ``args``; returns the exit code (see the module docstring)."""
    cancel = threading.Event()
    progress = ProgressPrinter(err)
    started = time.monotonic()
    try:
        options = options_from_args(args)
        from studio.core.project import Project
        from studio.engines.registry import EngineOptions
        from studio.render.cost import prices_from_env
        from studio.render.export_book import export_project

        info = {k: getattr(args, k) for k in ("title", "author", "narrator", "year", "description")}
        info["cover"] = args.cover
        credits, sample = acx_choices(args)
        with Project.open(args.project) as project:
            store_credit_texts(project, args, err)
            if not getattr(args, "render_missing", False):
                from studio.audio.export import check_destination

                check_destination(args.output, options)  # a mistyped name is reported before missing audio
                refuse_missing_audio(project, spoken_titles=args.spoken_titles, credits_info=info if credits else None)
            try:
                done = export_project(project, args.output, options, info=info, spoken_titles=args.spoken_titles,
                                      credits=credits, retail_sample=sample,
                                      render_progress=progress.render, export_progress=progress.export,
                                      cancel=cancel, engine_options=EngineOptions(local_workers=args.workers),
                                      prices=prices_from_env(),
                                      on_warnings=lambda found: print(*(f"warning: {w}" for w in found), sep="\n",
                                                                      file=err) if found else None)
            except KeyboardInterrupt:
                cancel.set()
                raise
            finally:
                progress.finish()
    except (InputError, ProjectError) as exc:
        return bad_input(exc, err, log, first_only=True)
    except (CancelledError, KeyboardInterrupt):
        return cancelled(err)
    except StudioError as exc:
        return failed(exc, err, log, "details in the log", first_only=True)
    result = done.export
    report = None
    if getattr(args, "preset", None):
        try:
            report = check_files(args.preset.strip().lower(), [f.path for f in result.files],
                                 sample=done.retail_sample, credits=done.credits)
        except StudioError as exc:
            return failed(exc, err, log, "details in the log", first_only=True)
    if args.json:
        checked = {"compliance": report.to_dict()} if report is not None else {}
        sample_path = {"retail_sample": str(done.retail_sample)} if done.retail_sample is not None else {}
        payload = {**result.to_dict(), **checked, **sample_path, "project": str(args.project),
                   "credits": done.credits, "units_rendered": done.units_rendered,
                   "units_cached": done.units_cached, "up_to_date": done.up_to_date,
                   "elapsed_s": round(time.monotonic() - started, 2)}
        print(json.dumps(payload, ensure_ascii=False), file=out)
    else:
        if done.up_to_date:
            print(f"{result.files[0].path} is up to date (nothing changed since it was exported)", file=err)
        for f in result.files:
            count = len(f.chapters)
            print(f"{f.path}  ({count} chapter{'' if count == 1 else 's'}, {hms(f.duration_ms / 1000)})", file=out)
            for extra in f.extras:
                print(f"{extra}", file=out)
        if done.retail_sample is not None:
            print(f"{done.retail_sample}  (retail sample)", file=out)
        print(loudness_report(result), file=err)
        if report is not None:
            print(report.text(), file=err)
    return EXIT_OK


def acx_choices(args: argparse.Namespace) -> tuple[bool, SampleLength | None]:
    """(credits, retail sample) from the options: both on with ``--preset acx`` unless turned off."""
    acx = (getattr(args, "preset", None) or "").strip().lower() == "acx"
    credits = (acx or getattr(args, "credits", False)) and not getattr(args, "no_credits", False)
    seconds = getattr(args, "sample_seconds", None)
    wanted = (acx or getattr(args, "retail_sample", False) or seconds is not None) and \
        not getattr(args, "no_retail_sample", False)
    if not wanted:
        return credits, None
    try:
        return credits, SampleLength(_number(seconds, "--sample-seconds")) if seconds is not None else SampleLength()
    except ValueError as exc:
        raise InputError(f"--sample-seconds: {exc}") from None


def store_credit_texts(project: Project, args: argparse.Namespace, err: TextIO) -> None:
    """``--opening-credits``/``--closing-credits`` into the project (the author's wording is kept from then on)."""
    from studio.core.credits import store_credits

    opening, closing = getattr(args, "opening_credits", None), getattr(args, "closing_credits", None)
    if opening is None and closing is None:
        return
    try:
        changes = store_credits(project, opening=opening, closing=closing)
    except ValueError as exc:  # names the credit that is too long
        raise InputError(str(exc)) from None
    if changes:
        print(f"stored in the project: {'; '.join(changes)}", file=err)


def refuse_missing_audio(project: Project, *, spoken_titles: bool = False,
                         credits_info: dict[str, object] | None = None) -> None:
    """Export writes the audio the project has; units without audio stop it (exit 2) unless
    ``--render-missing`` asks for them, so an export never starts paying for or synthesizing a book silently.

    Planned exactly as export plans (the project's own voices and stored audio settings), so what is reported
    missing is what export would have synthesized.
    """
    from studio.core.book_settings import read_audio_settings
    from studio.render.credits_plan import CREDIT_TITLES, credit_units, is_credit
    from studio.render.export_book import plan_with_titles
    from studio.render.job_store import plan_project
    from studio.render.plan import AudioRequestOptions

    book = project.load_book()
    plan = plan_project(project, book)
    stored = read_audio_settings(project)
    audio = AudioRequestOptions(stored.audio_format, stored.sample_rate)
    if spoken_titles:
        plan = plan_with_titles(book, plan, audio=audio)
    extra = []
    if credits_info is not None:
        from studio.render.export_book import book_credits, book_info

        tags = book_info(book, **{k: v for k, v in credits_info.items() if k != "cover"})
        extra = credit_units(book, book_credits(project, book, tags), plan, audio=audio)
    units = {u.cache_key: u for u in [*plan.units, *extra]}
    missing = [u for key, u in units.items() if project.rendered_unit(key) is None]
    if not missing or not units:
        return
    credits = [CREDIT_TITLES[u.paragraph_index].lower() for u in missing if is_credit(u)]
    missing = [u for u in missing if not is_credit(u)]
    if not missing:
        raise InputError(f"the {' and the '.join(credits)} have no audio yet; nothing was exported. Render them "
                         f"first (`studio render {project.folder} --credits`, which shows what they cost) or add "
                         "--render-missing to synthesize them now in the book's voice "
                         f"({sum(u.characters for u in extra)} characters), or --no-credits", path=project.folder)
    also = f" (and the {' and the '.join(credits)})" if credits else ""
    credits_too = f" and `studio render {project.folder} --credits`" if credits else ""
    chapters = sorted({u.chapter_index for u in missing})
    named = ", ".join(f"{i + 1} “{book.chapters[i].title}”" for i in chapters[:8])
    more = f" and {len(chapters) - 8} more" if len(chapters) > 8 else ""
    which = "chapters" if len(chapters) > 1 else "chapter"
    listed = ",".join(str(i + 1) for i in chapters)
    raise InputError(f"{len(missing)} of {len(units)} units have no audio yet ({which} {named}{more}){also}; nothing "
                     f"was exported. Render them first (`studio render {project.folder} --chapters {listed}`"
                     f"{credits_too}) or add --render-missing to synthesize them now with the project's own voices",
                     path=project.folder)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(text: str, width: int) -> str:
    """Pad (or cut) to a display width, counting CJK characters as two columns."""
    out, used = [], 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > width:
            break
        out.append(ch)
        used += w
    return "".join(out) + " " * (width - used)


def loudness_report(result: ExportResult) -> str:
    """The per-chapter table (start, length, integrated loudness, true peak) and the mastering summary."""
    def num(value: float | None) -> str:
        return "  --" if value is None else f"{value:6.1f}"

    width = min(32, max([_width(c.title) for c in result.chapters] + [7]))
    lines = [f"{'#':>4}  {_cell('chapter', width)}  {'file':<12} {'start':>9} {'length':>9}  {'LUFS':>6}  "
             f"{'dBTP':>6}"]
    for c in result.chapters:
        lines.append(f"{c.index + 1:>4}  {_cell(c.title, width)}  {_cell(c.file.name, 12)} "
                     f"{hms(c.start_ms / 1000):>9} {hms(c.duration_ms / 1000):>9}  {num(c.integrated_lufs)}  "
                     f"{num(c.true_peak_dbtp)}")
    gain = result.gain
    if gain.target is None:
        lines.append("loudness: unchanged (--no-loudness)")
    elif gain.measured is not None:
        lines.append(f"loudness: {gain.mode}, gain {gain.gain_db:+.1f} dB "
                     f"(measured {gain.measured.integrated_lufs:.1f} LUFS), "
                     f"target {gain.target.integrated_lufs:g} LUFS, ceiling {gain.target.true_peak_dbtp:g} dBTP"
                     + (f" [{gain.target.name}]" if gain.target.name not in ("custom", "default") else ""))
    for f in result.files:
        rms = f", RMS {f.rms_db:.1f} dB" if f.rms_db is not None else ""
        lines.append(f"{f.path.name}: {num(f.integrated_lufs).strip()} LUFS, true peak "
                     f"{num(f.true_peak_dbtp).strip()} dBTP{rms} ({f.normalization})")
    lossy = sorted({LOSSY_CODECS[f.path.suffix.lower()] for f in result.files if f.path.suffix.lower() in LOSSY_CODECS})
    if gain.target is not None and lossy:
        lines.append(f"note: the true peaks above are measured before the {'/'.join(lossy)} encoder: decoded, a lossy "
                     f"file can peak higher (64 kb/s AAC: 1.4 dB higher on the bundled sample). --preset checks the "
                     f"decoded files.")
    lines += [f"note: {n}" for n in result.notes]
    return "\n".join(lines)


#: Outputs whose decoded samples differ from what the meters saw (``loudness_report``'s true-peak note), by codec.
LOSSY_CODECS = {".m4b": "AAC", ".m4a": "AAC", ".aac": "AAC", ".mp3": "MP3"}


__all__ = ["add_export_parser", "loudness_report", "options_from_args", "parse_gaps", "run_export"]
