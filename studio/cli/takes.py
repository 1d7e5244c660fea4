"""``studio takes PROJECT list|pin|unpin|again|clean``: the takes of paragraphs from the command line.

Why a module of its own: one command per module of the CLI package; ``studio.cli.main`` only hooks it in
(``add_takes_parser``, ``run_takes``). Chapters and paragraphs are 1-based here, as everywhere a person reads
them. ``again`` renders one paragraph again and keeps the previous audio as a take; an unchanged request to a
billing engine is refused unless ``--force`` (nothing is sent). ``clean`` deletes every take that is neither
pinned nor the current render, and says how much disk it freed.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from studio.cli.common import EXIT_OK
from studio.core.errors import BadInputError

__all__ = ["add_takes_parser", "run_takes"]


def add_takes_parser(sub: Any) -> None:
    """Add ``takes`` and its actions to the ``studio`` subparsers."""
    p_takes = sub.add_parser("takes", help="takes of paragraphs: list, pin, unpin, render again, clean up")
    p_takes.add_argument("project", type=Path, help="project folder")
    actions = p_takes.add_subparsers(dest="takes_action", required=True, parser_class=type(p_takes),
                                     metavar="list|pin|unpin|again|clean")

    def action(name: str, helptext: str, *, paragraph: bool) -> argparse.ArgumentParser:
        parser = actions.add_parser(name, help=helptext)
        parser.add_argument("--chapter", type=int, required=paragraph, help="chapter number (1-based)")
        parser.add_argument("--paragraph", type=int, required=paragraph and name != "pin",
                            help="paragraph number in the chapter (1-based)")
        return parser

    p_list = action("list", "list the takes of every paragraph (or of one chapter / paragraph)", paragraph=False)
    p_list.add_argument("--json", action="store_true")
    p_pin = action("pin", "pin a take: the export uses it for its paragraph", paragraph=False)
    p_pin.add_argument("take", type=int, help="take number (from `list`)")
    action("unpin", "export the current render of the paragraph again", paragraph=True)
    p_again = action("again", "render the paragraph again; the previous audio stays a take", paragraph=True)
    p_again.add_argument("--force", action="store_true",
                         help="also when nothing in the request changed (a billing engine charges again)")
    action("clean", "delete takes that are neither pinned nor current, freeing disk", paragraph=False)


def _position(args: argparse.Namespace, book: Any) -> tuple[int, int]:
    """0-based (chapter, paragraph) from the 1-based options, checked against the book."""
    ci, pi = args.chapter - 1, args.paragraph - 1
    if not 0 <= ci < len(book.chapters):
        raise BadInputError(f"--chapter {args.chapter}: the book has {len(book.chapters)} chapters")
    if not 0 <= pi < len(book.chapters[ci].paragraphs):
        raise BadInputError(f"--paragraph {args.paragraph}: chapter {args.chapter} has "
                            f"{len(book.chapters[ci].paragraphs)} paragraphs")
    return ci, pi


def run_takes(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from studio.core.project import Project
    from studio.render.job_store import plan_project

    with Project.open(args.project) as project:
        book = project.load_book()
        plan = plan_project(project, book)
        if args.takes_action == "list":
            return _list(project, book, plan, args, out)
        if args.takes_action == "pin":
            return _pin(project, book, args, out)
        if args.takes_action == "unpin":
            from studio.core.takes import unpin

            ci, pi = _position(args, book)
            unpin(project, ci, pi)
            print(f"chapter {ci + 1}, paragraph {pi + 1}: no take pinned; the export uses the current render",
                  file=out)
            return EXIT_OK
        if args.takes_action == "again":
            return _again(project, book, plan, args, out, err)
        from studio.render.takes_plan import clean_takes

        if args.chapter is not None and not 1 <= args.chapter <= len(book.chapters):
            raise BadInputError(f"--chapter {args.chapter}: the book has {len(book.chapters)} chapters")
        count, freed = clean_takes(project, plan, chapter_index=None if args.chapter is None else args.chapter - 1)
        print(f"deleted {count} takes, freed {freed / 1_000_000:.1f} MB", file=out)
        return EXIT_OK


def _list(project: Any, book: Any, plan: Any, args: argparse.Namespace, out: TextIO) -> int:
    from studio.core.takes import pins, takes_of

    pinned = pins(project)
    current = {u.cache_key: stored["audio_path"] for u in plan.units
               if (stored := project.rendered_unit(u.cache_key)) is not None}
    rows = []
    for ci, chapter in enumerate(book.chapters):
        if args.chapter is not None and ci != args.chapter - 1:
            continue
        for pi, paragraph in enumerate(chapter.paragraphs):
            if args.paragraph is not None and pi != args.paragraph - 1:
                continue
            found = takes_of(project, paragraph.text) if paragraph.text.strip() else []
            pin = pinned.get((ci, pi))
            for take in found:
                rows.append({"chapter": ci + 1, "paragraph": pi + 1, "take": take.id, "engine": take.engine,
                             "voice": take.voice, "duration_ms": take.duration_ms, "created_at": take.created_at,
                             "pinned": pin is not None and pin.id == take.id,
                             "current": current.get(take.cache_key) == take.audio_path,
                             "label": take.label()})
    if args.json:
        json.dump(rows, out, ensure_ascii=False, indent=1)
        out.write("\n")
        return EXIT_OK
    for row in rows:
        marks = "".join(f" [{m}]" for m in ("pinned", "current") if row[m])
        print(f"chapter {row['chapter']}, paragraph {row['paragraph']}: {row['label']}{marks}", file=out)
    if not rows:
        print("no takes yet (render first)", file=out)
    return EXIT_OK


def _pin(project: Any, book: Any, args: argparse.Namespace, out: TextIO) -> int:
    from studio.core.takes import pin_take, take

    found = take(project, args.take)
    if found is None:
        raise BadInputError(f"no take #{args.take} in {project.folder} (see `studio takes {project.folder} list`)")
    if args.chapter is None:
        args.chapter, args.paragraph = found.chapter_index + 1, found.paragraph_index + 1
    elif args.paragraph is None:
        raise BadInputError("--chapter needs --paragraph")
    ci, pi = _position(args, book)
    if book.chapters[ci].paragraphs[pi].text != found.text:
        raise BadInputError(f"take #{found.id} was rendered for a different text than chapter {ci + 1}, "
                            f"paragraph {pi + 1} has now")
    pin_take(project, ci, pi, found.id)
    print(f"chapter {ci + 1}, paragraph {pi + 1}: pinned {found.label()}", file=out)
    return EXIT_OK


def _again(project: Any, book: Any, plan: Any, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from studio.engines.registry import EngineSet
    from studio.render.takes_plan import paragraph_unit, render_again

    ci, pi = _position(args, book)
    unit = paragraph_unit(plan, ci, pi)
    if len(unit.paragraphs) > 1:
        raise BadInputError(f"{unit.location}: the paragraph is rendered together with others; takes are per "
                            "one-paragraph unit")
    with EngineSet() as engines:
        piece = render_again(project, unit, engines, force=args.force)
    print(f"chapter {ci + 1}, paragraph {pi + 1}: new take rendered ({piece.duration_ms / 1000:.1f} s); "
          "the previous audio is kept as a take", file=out)
    return EXIT_OK
