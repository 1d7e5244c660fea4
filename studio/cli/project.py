"""The CLI's care for the project: the lock for every write, checks before anything is created or sent, snapshots.

Why here and not in ``main``/``render``: these are the rules that keep ``studio import``/``render``/``export``
from losing work or failing late, and the ``snapshots``/``restore`` subcommands that undo a replacement.
``main`` and ``render`` wire them in; the core logic lives in ``studio.core.reimport``, ``studio.core.snapshots`` and
``studio.core.book_settings`` so the window uses the same rules.

Checks before anything is created or sent (issue 13, items 5 and 9): the output folder exists and is writable,
the project folder (or where it will be created) is writable, and there is room for the audio the render will
write (an estimate from the characters still to synthesize; generous margins, a clear message with numbers).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from studio.cli.common import EXIT_OK
from studio.core.errors import InputError, ProjectError

if TYPE_CHECKING:
    from studio.core.book import Book, VoiceSettings
    from studio.core.project import Project
    from studio.core.reimport import SyncOutcome
    from studio.render.plan import RenderPlan

#: Speech rate used to estimate audio length: seconds per character (Chinese is read ~4-5 characters a second,
#: English ~15 letters a second); deliberately on the long side so the estimate errs towards "more room".
_SECONDS_PER_CHAR = {"zh": 0.25, "yue": 0.25, "ja": 0.25, "ko": 0.25}
_SECONDS_PER_CHAR_OTHER = 0.08
#: Bytes per second of audio: the finished file by format, and a paragraph in the cache (22.05 kHz 16-bit WAV).
_OUTPUT_BYTES_PER_S = {"m4b": 8_000, "mp3": 8_000, "wav": 96_000, "flac": 60_000}
_CACHE_BYTES_PER_S = 44_100
_MARGIN_BYTES = 1 << 20
#: Speed, pitch and volume are multipliers every engine can honour in this range (see the engines' mappings).
AUDIO_RANGES = {"speed": (0.5, 2.0), "pitch": (0.5, 2.0), "volume": (0.0, 2.0)}


# -- the lock ----------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def project_lock(folder: Path, doing: str) -> Iterator[None]:
    """The project's render lock around a write: a second process gets a clear refusal, nothing half-done."""
    from studio.render.render_lock import RenderLock

    try:
        lock = RenderLock(folder)
        lock.__enter__()
    except ProjectError:
        raise ProjectError(f"{folder}: another Audiobook Studio process is using this project (a render, an "
                           f"import or a restore); nothing was {doing}. Wait for it to finish or stop it") from None
    try:
        yield
    finally:
        lock.__exit__(None, None, None)


# -- checks before anything is created or sent -------------------------------------------------------------------


def check_audio_values(**values: float | None) -> None:
    """``--speed``/``--pitch``/``--volume`` within what every engine honours, as one-line errors."""
    for name, value in values.items():
        if value is None:
            continue
        low, high = AUDIO_RANGES[name]
        if not math.isfinite(value) or not low <= value <= high or (name != "volume" and value <= 0):
            raise InputError(f"--{name} wants a multiplier from {low:g} to {high:g} (1 = the voice's default), "
                             f"not {value:g}")


def check_writable(folder: Path, what: str) -> None:
    """Create and remove a file in ``folder``: the only test that also holds for root and read-only mounts."""
    try:
        handle, name = tempfile.mkstemp(prefix=".studio-write-check-", dir=folder)
    except OSError as exc:
        raise InputError(f"{what} is not writable ({exc.strerror or exc}); nothing was created or sent",
                         path=folder) from None
    os.close(handle)
    with contextlib.suppress(OSError):
        os.unlink(name)


def check_output(output: Path) -> None:
    if output.is_dir():
        raise InputError("the output is a folder; give a file name such as BOOK.m4b", path=output)
    if not output.parent.is_dir():
        raise InputError("output folder does not exist" if not output.parent.exists() else
                         "the output's folder is a file, not a folder", path=output.parent)
    check_writable(output.parent, "the output folder")


def check_project_location(folder: Path) -> None:
    """An existing project must be writable; a new one needs a writable place to be created in."""
    from studio.core.project import DB_NAME, is_project_dir

    if is_project_dir(folder):
        check_writable(folder, "the project folder")
        try:
            with open(folder / DB_NAME, "r+b"):
                pass
        except OSError as exc:
            raise InputError(f"the project database is not writable ({exc.strerror or exc})",
                             path=folder / DB_NAME) from None
        return
    if folder.exists() and not folder.is_dir():
        raise InputError("exists and is not a folder (give --project another name)", path=folder)
    existing = folder
    while not existing.exists():
        existing = existing.parent
    check_writable(existing, "the place for the project folder")


def estimated_bytes(characters: int, language: str, fmt: str) -> tuple[int, int]:
    """(bytes of the finished file, bytes of new cache audio) for ``characters`` of text still to speak."""
    seconds = characters * _SECONDS_PER_CHAR.get(language, _SECONDS_PER_CHAR_OTHER)
    return round(seconds * _OUTPUT_BYTES_PER_S.get(fmt, 8_000)), round(seconds * _CACHE_BYTES_PER_S)


def check_free_space(project: Project, output: Path, fmt: str, plan: RenderPlan) -> None:
    """Room for the finished file and the paragraphs still to synthesize, before anything is sent."""
    book = project.load_book()
    total = sum(u.characters for u in plan.units)
    missing = sum(u.characters for u in {u.cache_key: u for u in plan.units}.values()
                  if project.rendered_unit(u.cache_key) is None)
    out_bytes, _ = estimated_bytes(total, book.language, fmt)
    _, cache_bytes = estimated_bytes(missing, book.language, fmt)
    needs: dict[int, list[tuple[Path, int, str]]] = {}
    for folder, size, what in ((output.parent, out_bytes, f"the {fmt.upper()} file"),
                               (project.cache_dir, cache_bytes, "the project's audio cache")):
        needs.setdefault(os.stat(folder).st_dev, []).append((folder, size, what))
    for entries in needs.values():
        folder = entries[0][0]
        needed = sum(size for _f, size, _w in entries) + _MARGIN_BYTES
        free = shutil.disk_usage(folder).free
        if free < needed:
            what = " and ".join(w for _f, _s, w in entries)
            verb = "need" if len(entries) > 1 else "needs"
            raise InputError(f"not enough free space: {what} {verb} about {_mb(needed)}, only {_mb(free)} free; "
                             "free some space or choose another folder (nothing was sent)", path=folder)


def _mb(size: int) -> str:
    return f"{size / 1e6:,.1f} MB"


def discard_if_unused(folder: Path) -> None:
    """Remove a project folder this run created if nothing was rendered or sent for it (a failed start)."""
    from studio.core.project import Project, is_project_dir

    if not is_project_dir(folder):
        return
    try:
        with project_lock(folder, "removed"), Project.open(folder) as project:
            # audio, or a task sent to a vendor (queued jobs cost nothing)
            used = bool(project.rendered_keys()) or any(job["task_id"] or job["attempts"]
                                                         for job in project.render_jobs())
    except ProjectError:
        return  # another process uses it now: it is not ours to remove
    if not used:  # removed once closed and unlocked (Windows deletes no open files)
        shutil.rmtree(folder, ignore_errors=True)


# -- studio snapshots / studio restore -----------------------------------------------------------------------------


def add_snapshot_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("snapshots", help="list a project's snapshots (taken before a re-import or a restore)")
    p.add_argument("project", type=Path, help="project folder")
    p.add_argument("--json", action="store_true", help="print the snapshots as JSON")
    r = sub.add_parser("restore", help="make a snapshot the project's book again (the current one is snapshotted "
                                       "first, so a restore can be undone)")
    r.add_argument("project", type=Path, help="project folder")
    r.add_argument("snapshot", help="snapshot id (see `studio snapshots PROJECT`)")


def run_snapshots(args: argparse.Namespace, out: TextIO) -> int:
    from studio.core.project import Project
    from studio.core.snapshots import list_snapshots

    with Project.open(args.project) as project:
        snaps = list_snapshots(project)
    if args.json:
        print(json.dumps({"project": str(args.project), "snapshots": [s.to_dict() for s in snaps]},
                         ensure_ascii=False), file=out)
        return EXIT_OK
    if not snaps:
        print(f"{args.project}: no snapshots yet (one is taken before every re-import and restore)", file=out)
        return EXIT_OK
    for s in snaps:
        print(f"{s.id:<20} {s.when}  {s.chapters:>4} chapters {s.paragraphs:>6} paragraphs  {s.title}  "
              f"({s.reason})", file=out)
    print(f"restore one with `studio restore {args.project} ID`", file=out)
    return EXIT_OK


def run_restore(args: argparse.Namespace, out: TextIO) -> int:
    from studio.core.project import Project
    from studio.core.snapshots import restore_snapshot

    with Project.open(args.project) as project, project_lock(args.project, "restored"):
        restored, before = restore_snapshot(project, args.snapshot)
    print(f"restored snapshot {restored.id} ({restored.when}, {restored.chapters} chapters); the book it replaced "
          f"is snapshot {before.id} (`studio restore {args.project} {before.id}` undoes this)", file=out)
    return EXIT_OK


# -- the project behind `studio import` / `studio render` ---------------------------------------------------


def sync_project(file: Path, folder: Path, *, reimport: bool, doing: str, structure: str = "auto") -> SyncOutcome:
    """The project for ``file`` at ``folder``: created, used as it is, or re-imported on request (never replaced
    silently); every write under the project lock. ``structure`` is ``--structure`` (how chapters are found)."""
    from studio.core.reimport import sync_manuscript

    return sync_manuscript(file, folder, reimport=reimport, guard=lambda f: project_lock(f, doing),
                           structure=structure)


def print_reimport(outcome: SyncOutcome, folder: Path, err: TextIO) -> None:
    if outcome.carry is None or outcome.snapshot is None:
        return
    for line in outcome.carry.lines():
        print(f"  {line}", file=err)
    print(f"  the book before the re-import is snapshot {outcome.snapshot.id} "
          f"(`studio restore {folder} {outcome.snapshot.id}` brings it back)", file=err)


def note_own_voices(book: Book, err: TextIO) -> None:
    """The book's voice changed: say which chapters and paragraphs keep the voice chosen for them."""
    chapters = [i + 1 for i, c in enumerate(book.chapters) if c.voice.voice or c.voice.engine]
    paragraphs = sum(1 for c in book.chapters for p in c.paragraphs if p.voice.voice or p.voice.engine)
    if chapters or paragraphs:
        listed = ", ".join(map(str, chapters[:10])) + (" …" if len(chapters) > 10 else "")
        ch = f"{len(chapters)} chapter{'' if len(chapters) == 1 else 's'}" + (f" ({listed})" if chapters else "")
        pa = f"{paragraphs} paragraph{'' if paragraphs == 1 else 's'}"
        print(f"note: {ch} and {pa} keep the voice chosen for them", file=err)


def dry_run(args: argparse.Namespace, folder: Path, voice: VoiceSettings | None, manuscript: bool, out: TextIO,
             err: TextIO) -> int:
    """Plan and price; change nothing: a manuscript without a project is planned in a throwaway one."""
    import io
    import tempfile

    from studio.cli.render import render_prices
    from studio.cli.status import run_dry_run
    from studio.core.book_settings import read_audio_settings
    from studio.core.errors import ProjectError
    from studio.core.project import Project, is_project_dir
    from studio.render.plan import AudioRequestOptions

    with contextlib.ExitStack() as stack:
        if manuscript and not is_project_dir(folder):
            temp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="studio-dry-run-")))
            outcome = sync_project(args.input, temp / "project", reimport=False, doing="planned",
                                   structure=getattr(args, "structure", "auto"))
        elif manuscript:
            if args.reimport:
                raise ProjectError(f"{folder}: a dry run changes nothing, so it cannot re-import; dry-run the "
                                   "project as it is, or re-import without --dry-run")
            outcome = sync_project(args.input, folder, reimport=False, doing="planned",
                                   structure=getattr(args, "structure", "auto"))
        else:
            outcome = None
        project = outcome.project if outcome is not None else Project.open(folder)
        stack.callback(project.close)
        book = project.load_book()
        voice = complete_voice(voice, book)
        stored = read_audio_settings(project)
        audio = AudioRequestOptions(args.audio_format or stored.audio_format, args.sample_rate or stored.sample_rate,
                                    unit_chars=args.unit_chars)
        if voice is not None:  # as the render will store it: the book's voice (chapters keep their own)
            book.voice = voice.merged_over(book.voice)
        sink = io.StringIO()
        extend: Callable[[RenderPlan], RenderPlan] | None = None
        if getattr(args, "credits", False):  # priced as the render will send them (alone without -o)
            from studio.cli.render_credits import with_credits

            def credits(plan: RenderPlan) -> RenderPlan:
                return with_credits(project, book, plan, audio, alone=args.output is None)

            extend = credits
        code = run_dry_run(project, sink, audio=audio, prices=render_prices(args), as_json=args.json, err=err,
                           book=book, extend=extend)
    text = sink.getvalue()
    if args.json:
        data = json.loads(text)
        data.update(project=str(folder), project_exists=is_project_dir(folder))
        text = json.dumps(data, ensure_ascii=False) + "\n"
    out.write(text)
    if not is_project_dir(folder):
        print(f"dry run: no project was created (a render would create {folder})", file=err)
    return code


def complete_voice(voice: VoiceSettings | None, book: Book) -> VoiceSettings | None:
    """``--engine E`` without ``--voice``: the book's voice if it is of that engine, else E's default voice for
    the book's language (an English book gets an English voice)."""
    from dataclasses import replace

    from studio.core.voices import default_catalogue

    if voice is None or voice.engine is None or voice.voice is not None:
        return voice
    if book.voice.engine == voice.engine and book.voice.voice:
        return replace(voice, voice=book.voice.voice)
    default = default_catalogue().default_voice(voice.engine, book.language)
    return replace(voice, voice=default.id if default else None)
