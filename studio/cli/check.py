"""``studio check PROJECT [--json] [--report DIR]``: proof-listen a rendered project without listening.

Exit codes: 0 no findings; 1 findings (listed on stdout, one line each: where, what, what to do); 2 bad input
(not a project). Reports are written only with ``--report DIR`` (``check.json`` and ``check.html``). With
``--json`` the report is printed as one JSON document instead of the lines.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TextIO

EXIT_CLEAN, EXIT_FINDINGS = 0, 1


def add_check_parser(subparsers: argparse._SubParsersAction) -> None:
    """Add ``check`` to the ``studio`` command's subparsers."""
    p = subparsers.add_parser(
        "check", help="proof-listen a rendered project: skipped sentences, truncated or odd audio",
        description="Compare each rendered unit's audio with its text (the vendors' sentence echoes, the offline "
                    "engine's events) and check its pace and signal. Exit status: 0 no findings, 1 findings, "
                    "2 bad input.")
    p.add_argument("project", type=Path, help="project folder")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--report", type=Path, default=None, metavar="DIR",
                   help="also write check.json and check.html into DIR")


def run_check_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run the check; errors a user can cause (not a project) propagate as ``ProjectError`` (exit 2)."""
    from studio.core.errors import InputError
    from studio.core.project import Project
    from studio.qa import run_check, write_reports

    with Project.open(args.project) as project:
        report = run_check(project)
    if args.report is not None:
        try:
            json_path, html_path = write_reports(report, args.report)
        except OSError as exc:
            raise InputError(f"cannot write the report into {args.report} ({exc.strerror or exc})",
                             path=str(args.report)) from None
        print(f"report: {html_path} ({json_path.name} beside it)", file=err)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False), file=out)
    else:
        for f in report.findings:
            at = f" at {f.at_ms / 1000:.1f} s" if f.at_ms is not None else ""
            print(f"{f.location}: {f.message}{at} [{f.kind}, unit {f.cache_key[:12]}]. {f.advice}", file=out)
        state = "no findings" if report.clean else f"{len(report.findings)} findings"
        skipped = f", {report.units_without_audio} without audio" if report.units_without_audio else ""
        print(f"checked {report.units_checked} units{skipped}: {state}", file=err)
    return EXIT_CLEAN if report.clean else EXIT_FINDINGS
