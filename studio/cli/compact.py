"""``studio compact PROJECT [--json]``: store a project's cached units as FLAC (decision 0015).

Projects rendered before the cache held FLAC keep their WAVs, and work as they are; this halves their cache on
request. Nothing is rendered or sent to a vendor; the next export encodes its chapters once more (their cache
names pieces by file), so it is not done behind the user's back.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TextIO

from studio.cli.common import EXIT_OK

__all__ = ["add_compact_parser", "run_compact"]


def add_compact_parser(subparsers: argparse._SubParsersAction) -> None:
    """Add ``compact`` to the ``studio`` command's subparsers."""
    p = subparsers.add_parser(
        "compact", help="store the project's rendered audio as FLAC (about half the disk; nothing is rendered)",
        description="Compress every WAV the project's rendered paragraphs and takes use to FLAC (lossless, same "
                    "samples). Projects rendered before this version hold WAV. Nothing is sent to a vendor; the "
                    "next export encodes its chapters once more.")
    p.add_argument("project", type=Path, help="project folder")
    p.add_argument("--json", action="store_true", help="print the result as JSON")


def run_compact(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from studio.core.project import Project
    from studio.render.cache_compact import compact_cache

    with Project.open(args.project) as project:
        result = compact_cache(project)
    if args.json:
        print(json.dumps({"files": result.files, "bytes_before": result.bytes_before,
                          "bytes_after": result.bytes_after, "skipped": list(result.skipped)}), file=out)
        return EXIT_OK
    for name in result.skipped:
        print(f"kept {name} as it is: ffmpeg cannot read it", file=err)
    if result.files:
        print(f"compressed {result.files} files: {result.bytes_before / 1e6:.1f} MB -> "
              f"{result.bytes_after / 1e6:.1f} MB", file=out)
    else:
        print("nothing to compress: the cache already holds FLAC", file=out)
    return EXIT_OK
