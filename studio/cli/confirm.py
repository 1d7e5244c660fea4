"""``studio render``'s money check: print what a cloud render will send, and ask before a big one.

The numbers and the threshold are ``studio.render.confirm``'s (the window uses the same). Above the threshold a
terminal is asked; scripts pass ``--yes``; without a terminal and without ``--yes`` the render is refused with
exit status 2 and a hint, before anything is sent.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TextIO

from studio.core.errors import CancelledError, InputError
from studio.render.confirm import DEFAULT_CONFIRM_CHARS, describe, estimate, needs_confirmation

if TYPE_CHECKING:
    from studio.core.project import Project
    from studio.render.plan import RenderPlan


def add_confirm_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-y", "--yes", action="store_true",
                        help="do not ask before sending a big render to a paid vendor (for scripts)")
    parser.add_argument("--confirm-above", type=int, default=DEFAULT_CONFIRM_CHARS, metavar="CHARS",
                        help=f"ask first when a cloud render sends more characters than this "
                             f"(default {DEFAULT_CONFIRM_CHARS:,})")


def confirm_render(args: argparse.Namespace, project: Project, plan: RenderPlan, prices: dict[str, float],
                   concurrency: dict[str, int], err: TextIO, stdin: TextIO | None = None) -> None:
    """Print the estimate of a cloud render and, above the threshold, get a yes; raise if there is none."""
    stdin = sys.stdin if stdin is None else stdin
    render = estimate(plan.units, prices, concurrency, lambda key: project.rendered_unit(key) is not None)
    if not render.cloud:
        return
    print("before sending anything:", file=err)
    for line in describe(render):
        print(f"  {line}", file=err)
    threshold = getattr(args, "confirm_above", DEFAULT_CONFIRM_CHARS)
    if not needs_confirmation(render, threshold) or getattr(args, "yes", False):
        return
    if not stdin.isatty():
        raise InputError(f"this render sends {render.cloud_characters:,} characters to paid vendors (more than "
                         f"{threshold:,}); run it again with --yes to confirm, or --confirm-above to raise the "
                         "limit")
    print(f"Send {render.cloud_characters:,} characters? [y/N] ", end="", file=err, flush=True)
    answer = stdin.readline().strip().lower()
    if answer not in ("y", "yes"):
        raise CancelledError("nothing was sent (not confirmed)")
