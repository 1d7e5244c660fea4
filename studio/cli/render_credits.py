"""``studio render PROJECT --credits``: the opening and closing credits into the project, priced and confirmed.

Why a render of its own: ``studio export`` never synthesizes without ``--render-missing``, and an author with a
paid cloud voice wants to see the credits' cost (the same estimate and confirmation as any render) before they are
sent. With ``-o`` the credits are rendered with the rest of the book and exported as its first and last chapters.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from typing import TYPE_CHECKING, Any, TextIO

from studio.cli.common import EXIT_OK

if TYPE_CHECKING:
    from studio.core.book import Book
    from studio.core.project import Project
    from studio.render.plan import AudioRequestOptions, RenderPlan


def add_credits_option(p_render: argparse.ArgumentParser) -> None:
    p_render.add_argument("--credits", action="store_true",
                          help="the opening and closing credits (title, author, narrator; see `studio export "
                               "--opening-credits`): without -o render just them into the project, with -o also "
                               "export them as the first and last chapters")


def with_credits(project: Project, book: Book, plan: RenderPlan, audio: AudioRequestOptions, *,
                 alone: bool) -> RenderPlan:
    """``plan`` with the credit units (``alone``: the credit units only), planned as export plans them."""
    from studio.render.credits_plan import plan_with_credits, project_credit_units
    from studio.render.plan import RenderPlan

    said: list[str] = []
    units = project_credit_units(project, book, plan, audio=audio, warnings=said)
    return RenderPlan(units, warnings=tuple(said)) if alone else plan_with_credits(plan, units, said)


def render_credits(args: argparse.Namespace, project: Project, plan: RenderPlan, progress: Any,
                   cancel: threading.Event, engine_options: Any, out: TextIO) -> int:
    """Render the credit units of ``plan`` (already confirmed) and print what was done."""
    from studio.cli.render import render_concurrency, render_prices
    from studio.engines.registry import EngineSet
    from studio.render.runner import render_plan

    started = time.monotonic()
    cached = sum(1 for u in plan.units if project.rendered_unit(u.cache_key) is not None)
    with EngineSet(options=engine_options) as engines:
        render_plan(plan, project, engines, progress=progress.render, cancel=cancel, prices=render_prices(args),
                    max_in_flight=render_concurrency(args) or None)
    elapsed = time.monotonic() - started
    if args.json:
        print(json.dumps({"project": str(project.folder), "credits": len(plan.units),
                          "units_rendered": len(plan.units) - cached, "units_cached": cached,
                          "elapsed_s": round(elapsed, 2)}, ensure_ascii=False), file=out)
    else:
        print(f"credits: {len(plan.units)} units ({len(plan.units) - cached} rendered, {cached} from the cache) in "
              f"{project.folder}", file=out)
    return EXIT_OK
