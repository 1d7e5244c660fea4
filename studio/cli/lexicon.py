"""``studio lexicon list|add|remove|import|export``: the pronunciation lexicon from the command line.

Why a module of its own: one command per module of the CLI package; ``studio.cli.main`` only hooks it into
the parser and the dispatch (``add_lexicon_parser``, ``run_lexicon``). ``--global`` works on the user's lexicon
(every project uses it) and then needs no project folder. After a change to a project's lexicon the command
says which paragraphs the entry touches: those, and only those, render again (``studio render --dry-run``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from studio.core.errors import BadInputError

__all__ = ["add_lexicon_parser", "run_lexicon"]

_FORMATS = ("csv", "tsv", "pls")


def add_lexicon_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``lexicon`` and its actions to the ``studio`` subparsers."""
    p_lexicon = sub.add_parser("lexicon", help="the pronunciation lexicon: list, add, remove, import, export")
    actions = p_lexicon.add_subparsers(dest="lexicon_action", required=True, parser_class=type(p_lexicon),
                                       metavar="list|add|remove|import|export")

    def common(name: str, helptext: str) -> argparse.ArgumentParser:
        parser = actions.add_parser(name, help=helptext)
        parser.add_argument("--global", dest="global_scope", action="store_true",
                            help="the user's global lexicon (every project); then no PROJECT is given")
        return parser

    p_list = common("list", "list the entries in force (project entries and global ones)")
    p_list.add_argument("project", type=Path, nargs="?", help="project folder")
    p_list.add_argument("--json", action="store_true")
    p_add = common("add", "add or replace an entry")
    p_add.add_argument("words", nargs="+", metavar="[PROJECT] WRITTEN", help="project folder and the written form")
    p_add.add_argument("--pinyin", default="", help="tone-numbered pinyin, one syllable per character: 'hang2'")
    p_add.add_argument("--alias", default="", help="text spoken instead (any language)")
    p_add.add_argument("--espeak", default="", help="espeak-ng phonemes for the offline engine")
    p_add.add_argument("--say-as", default="", help="cardinal, digits, telephone, date, time, currency, ...")
    p_add.add_argument("--context", default="", help="only inside this longer word, or re:EXPRESSION")
    p_add.add_argument("--note", default="")
    p_remove = common("remove", "remove an entry")
    p_remove.add_argument("words", nargs="+", metavar="[PROJECT] WRITTEN")
    p_remove.add_argument("--context", default=None, help="only the entry with this context")
    for name in ("import", "export"):
        parser = common(name, f"{name} entries as CSV, TSV or PLS XML")
        parser.add_argument("words", nargs="+", metavar="[PROJECT] FILE", help="project folder and the file "
                            + ("('-' for standard output)" if name == "export" else ""))
        parser.add_argument("--format", choices=_FORMATS, default=None, help="default: from the file's extension")


def _split(args: argparse.Namespace, what: str) -> tuple[Path | None, str]:
    words = list(args.words)
    expected = 1 if args.global_scope else 2
    if len(words) != expected:
        usage = f"--global {what.upper()}" if args.global_scope else f"PROJECT {what.upper()}"
        hint = " (the reading goes in --pinyin, --alias or --say-as)" if args.lexicon_action == "add" else ""
        raise BadInputError(f"lexicon {args.lexicon_action}: give {usage}{hint}, not {' '.join(words)!r}")
    return (None if args.global_scope else Path(words[0])), words[-1]


def _format_of(args: argparse.Namespace, file: str) -> str:
    if args.format:
        return str(args.format)
    suffix = Path(file).suffix.lower().lstrip(".")
    if suffix in ("xml", "pls"):
        return "pls"
    if suffix in _FORMATS:
        return suffix
    raise BadInputError(f"{file}: cannot tell the format from the extension; use --format csv, tsv or pls")


def run_lexicon(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from studio.core import lexicon_store as store
    from studio.core.lexicon import LexiconEntry
    from studio.core.project import Project

    action = args.lexicon_action
    if action == "list":
        if args.global_scope:
            entries = store.global_entries()
        else:
            if args.project is None:
                raise BadInputError("lexicon list: give a PROJECT folder, or --global")
            with Project.open(args.project) as listed:
                entries = store.book_lexicon(listed)
        _print_entries(entries, out, as_json=args.json)
        return 0
    project_path, value = _split(args, "file" if action in ("import", "export") else "written")
    project = Project.open(project_path) if project_path is not None else None
    try:
        if action == "add":
            entry = LexiconEntry(value, args.pinyin, args.alias, args.espeak, args.say_as, args.context,
                                 scope="global" if project is None else "project", note=args.note)
            stored = store.add_entries([entry], project=project)
            print(f"added {stored[0].label} to the {_where(project_path)}", file=out)
            _report_touched(project, stored, out)
        elif action == "remove":
            before = store.project_entries(project) if project is not None else store.global_entries()
            gone = [e for e in before if e.written == value and args.context in (None, e.context)]
            removed = store.remove_entry(value, args.context, project=project)
            if not removed:
                raise BadInputError(f"lexicon remove: {_where(project_path)} has no entry {value!r}"
                                    + (f" with context {args.context!r}" if args.context is not None else ""))
            print(f"removed {removed} entr{'y' if removed == 1 else 'ies'} for {value!r} from the "
                  f"{_where(project_path)}", file=out)
            _report_touched(project, gone, out)
        elif action == "import":
            fmt = _format_of(args, value)
            try:
                text = Path(value).read_text(encoding="utf-8-sig")
            except OSError as exc:
                raise BadInputError(f"{value}: cannot read the lexicon file ({exc.strerror})") from None
            try:
                entries = store.parse_entries(text, fmt, scope="global" if project is None else "project")
            except BadInputError as exc:
                raise BadInputError(f"{value}: {exc}") from None
            store.add_entries(entries, project=project)
            print(f"imported {len(entries)} entries into the {_where(project_path)}", file=out)
        elif action == "export":
            fmt = "csv" if value == "-" and not args.format else _format_of(args, value)
            entries = store.project_entries(project) if project is not None else store.global_entries()
            text = store.render_entries(entries, fmt)
            if value == "-":
                out.write(text)
            else:
                Path(value).write_text(text, encoding="utf-8")
                print(f"exported {len(entries)} entries to {value}", file=err)
    finally:
        if project is not None:
            project.close()
    return 0


def _where(project_path: Path | None) -> str:
    return "global lexicon" if project_path is None else f"lexicon of {project_path}"


def _report_touched(project: Any, entries: list[Any], out: TextIO) -> None:
    """Which paragraphs the changed entries apply to (context included): the ones a render speaks again."""
    from studio.core.lexicon import find_readings

    if project is None or not project.has_book() or not entries:
        return
    book = project.load_book()
    places = [f"{ci + 1}.{pi + 1}" for ci, chapter in enumerate(book.chapters)
              for pi, paragraph in enumerate(chapter.paragraphs) if find_readings(paragraph.text, entries)]
    label = entries[0].label
    if places:
        shown = ", ".join(places[:20]) + (", ..." if len(places) > 20 else "")
        print(f"{len(places)} paragraph(s) read {label} and will render again (chapter.paragraph: {shown})",
              file=out)
    else:
        print(f"no paragraph contains {label}", file=out)


def _print_entries(entries: list[Any], out: TextIO, *, as_json: bool) -> None:
    from studio.core.lexicon_store import FIELDS

    if as_json:
        rows = [{**{k: getattr(e, k) for k in FIELDS}, "scope": e.scope} for e in entries]
        print(json.dumps(rows, ensure_ascii=False), file=out)
        return
    if not entries:
        print("the lexicon is empty", file=out)
        return
    for e in entries:
        reading = e.pinyin or (f"say-as {e.say_as}" if e.say_as else "") or e.alias or f"[[{e.espeak}]]"
        extra = (f" alias {e.alias!r}" if e.alias and e.pinyin else "") + (f" in {e.context!r}" if e.context else "")
        note = f"  # {e.note}" if e.note else ""
        print(f"{e.scope:<7} {e.written}\t{reading}{extra}{note}", file=out)
