"""``studio cast PROJECT propose|list|assign``: dialogue casting from the command line.

Why a module of its own: one command per module of the CLI package; ``studio.cli.main`` only hooks it in.
``propose`` reads the book and prints who probably says each quote and a voice per character, lowest
confidence first; it changes nothing unless ``--accept`` is given (proposals are never applied silently).
``assign NAME=VOICE`` gives a character a voice for the narrator's engine (or ``--engine``): every quote the
character speaks follows.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from studio.cli.common import EXIT_OK
from studio.core.errors import BadInputError

__all__ = ["add_cast_parser", "run_cast"]


def add_cast_parser(sub: Any) -> None:
    """Add ``cast`` and its actions to the ``studio`` subparsers."""
    p_cast = sub.add_parser("cast", help="dialogue casting: propose speakers and voices, list, assign")
    p_cast.add_argument("project", type=Path, help="project folder")
    actions = p_cast.add_subparsers(dest="cast_action", required=True, parser_class=type(p_cast),
                                    metavar="propose|list|assign")
    p_propose = actions.add_parser("propose", help="find quotes, propose who says them and a voice per character")
    p_propose.add_argument("--json", action="store_true")
    p_propose.add_argument("--min-confidence", type=float, default=0.5,
                           help="attributions below this stay with the narrator (default 0.5)")
    p_propose.add_argument("--accept", action="store_true",
                           help="write the proposal: characters into the cast, voice spans on their quotes")
    p_list = actions.add_parser("list", help="the cast: characters, their voices and how many quotes each")
    p_list.add_argument("--json", action="store_true")
    p_assign = actions.add_parser("assign", help="give a character a voice (every quote of theirs follows)")
    p_assign.add_argument("assignment", metavar="NAME=VOICE")
    p_assign.add_argument("--engine", help="engine the voice belongs to (default: the narrator's)")


def run_cast(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from studio.core.cast_store import load_cast, save_cast, save_voice_spans, set_character_voice
    from studio.core.project import Project
    from studio.core.voices import default_catalogue

    with Project.open(args.project) as project:
        book = project.load_book()
        narrator = book.effective_voice(book.chapters[0]) if book.chapters else book.default_voice
        if args.cast_action == "propose":
            from studio.core.cast_proposal import apply_proposal, propose_cast

            if not 0.0 <= args.min_confidence <= 1.0:
                raise BadInputError(f"--min-confidence {args.min_confidence}: must be between 0 and 1")
            proposal = propose_cast(book, default_catalogue(), min_confidence=args.min_confidence)
            if args.json:
                json.dump({"engine": proposal.engine, "narrator_voice": proposal.narrator_voice,
                           "characters": [vars(c) for c in proposal.characters],
                           "quotes": [vars(q) for q in proposal.low_confidence_first()]},
                          out, ensure_ascii=False, indent=1)
                print(file=out)
            else:
                _print_proposal(proposal, args.min_confidence, out)
            if args.accept:
                cast = load_cast(project)
                written = apply_proposal(book, proposal, cast, min_confidence=args.min_confidence)
                save_cast(project, cast)
                save_voice_spans(project, book)
                print(f"accepted: {len(cast.members)} characters in the cast, {written} quotes given a voice",
                      file=err if args.json else out)
            return EXIT_OK
        if args.cast_action == "list":
            return _list(load_cast(project), book, args.json, out)
        name, sep, voice = args.assignment.partition("=")
        if not sep or not name.strip() or not voice.strip():
            raise BadInputError(f"assign {args.assignment!r}: write NAME=VOICE, e.g. 阿Q=zhishuo")
        engine = args.engine or narrator.engine or "local"
        if default_catalogue().get(engine, voice.strip()) is None:
            raise BadInputError(f"assign: {engine} has no voice {voice.strip()!r} (see `studio voices --engine "
                                f"{engine}`)")
        member = set_character_voice(project, name.strip(), engine, voice.strip())
        print(f"{member.name}: {engine} voice {voice.strip()}; every quote of theirs follows", file=out)
        return EXIT_OK


def _print_proposal(proposal: Any, threshold: float, out: TextIO) -> None:
    print(f"narrator: {proposal.engine} voice {proposal.narrator_voice}", file=out)
    print("characters (most quotes first):", file=out)
    for c in proposal.characters:
        aliases = f" (also {', '.join(c.aliases)})" if c.aliases else ""
        print(f"  {c.name}{aliases}: {c.quotes} quotes, {c.gender}, {c.age_band}, voice "
              f"{c.voice or 'the narrator'} - {c.why}", file=out)
    print("quotes (lowest confidence first):", file=out)
    for q in proposal.low_confidence_first():
        who = q.speaker if q.speaker and q.confidence >= threshold else "narrator"
        print(f"  chapter {q.chapter + 1}, paragraph {q.paragraph + 1}: {q.text[:30]!r} -> {who} "
              f"({q.confidence:.2f}: {q.reason})", file=out)
    print("nothing was changed; add --accept to write this proposal", file=out)


def _list(cast: Any, book: Any, as_json: bool, out: TextIO) -> int:
    counts: dict[str, int] = {}
    for c in book.chapters:
        for p in c.paragraphs:
            for v in p.voices:
                member = cast.find(v.character)
                key = member.name if member else (v.character or v.voice or "?")
                counts[key] = counts.get(key, 0) + 1
    if as_json:
        json.dump([{**m.to_dict(), "quotes": counts.get(m.name, 0)} for m in cast.members], out,
                  ensure_ascii=False, indent=1)
        print(file=out)
        return EXIT_OK
    if not cast.members:
        print("the cast is empty; `studio cast PROJECT propose` suggests one", file=out)
    for m in cast.members:
        voices = ", ".join(f"{e}: {v}" for e, v in sorted(m.voices.items())) or "the narrator's voice"
        print(f"{m.name}: {counts.get(m.name, 0)} quotes, {m.gender}, {m.age_band}, {voices}", file=out)
    return EXIT_OK
