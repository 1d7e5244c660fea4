"""``studio status PROJECT [--json]`` and ``studio render --dry-run``: what a render did, and what it would do.

Why read the database and nothing else: ``status`` must be safe while a render runs in another process (or
after one was killed), cost nothing and tell the truth. It prints the units of the project's most recent render
exactly as the jobs table holds them (state, engine, characters, vendor task id, attempts, last error), read in
one statement, so it never mixes two moments. ``--dry-run`` plans the book the way ``render`` will
(``studio.render.job_store.plan_project``), classifies each unit as the render session does
(``studio.render.session.units.unit_states``), prices it, and sends nothing anywhere (no credentials needed).

``python -m studio.cli.status status PROJECT`` works without the rest of the command line.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from studio.cli.common import EXIT_OK
from studio.core.book import Book, VoiceSettings
from studio.core.project import Project
from studio.engines.registry import traits
from studio.render.cost import add_costs, billable_characters, price_of
from studio.render.plan import AudioRequestOptions, RenderPlan, check_plan

STATE_ORDER = ("done", "downloading", "running", "submitted", "queued", "failed", "cancelled")


# -- argument parsing --------------------------------------------------------------------------------------


def add_status_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(
        "status", help="show the render units of a project: state, engine, characters, vendor task, last error")
    p.add_argument("project", type=Path, help="project folder")
    p.add_argument("--json", action="store_true", help="print the units and totals as JSON")
    p.add_argument("--all", action="store_true", help="list done units too (the text view hides them)")
    return p


# -- studio status -----------------------------------------------------------------------------------------


def status_rows(project: Project) -> list[dict[str, Any]]:
    """The last render's units as ``status`` reports them (one consistent read)."""
    rows = []
    for row in project.render_status_rows():
        count = int(row["paragraph_count"] or 1)
        first = int(row["paragraph_index"]) + 1
        rows.append({
            "position": row["position"] + 1,
            "chapter": row["chapter_index"] + 1,
            "paragraphs": [first, first + count - 1],
            "engine": row["engine"],
            "voice": row["voice"],
            "characters": row["characters"],
            "state": row["state"] or "queued",
            "task_id": row["task_id"],
            "submitted_at": _iso(row["submitted_at"]),
            "attempts": row["attempts"] or 0,
            "error": None if not row["error_type"] else {"type": row["error_type"], "code": row["error_code"],
                                                         "message": row["error_message"]},
            "cached": bool(row["rendered"]),
            "updated_at": _iso(row["updated_at"]),
            "cache_key": row["cache_key"],
        })
    return rows


def status_totals(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    states = Counter(row["state"] for row in rows)
    engines: dict[str, dict[str, int]] = {}
    for row in rows:
        entry = engines.setdefault(row["engine"] or "?", {"units": 0, "characters": 0, "characters_done": 0})
        entry["units"] += 1
        entry["characters"] += row["characters"] or 0
        if row["state"] == "done":
            entry["characters_done"] += row["characters"] or 0
    return {"units": len(rows), "characters": sum(r["characters"] or 0 for r in rows),
            "states": {state: states[state] for state in STATE_ORDER if states[state]}, "engines": engines}


def run_status(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    folder: Path = args.project
    with Project.open(folder) as project:
        rows = status_rows(project)
    totals = status_totals(rows)
    if args.json:
        print(json.dumps({"project": str(folder), "units": rows, "totals": totals}, ensure_ascii=False), file=out)
        return EXIT_OK
    if not rows:
        print(f"{folder}: nothing rendered yet (run `studio render {folder} -o BOOK.m4b`)", file=out)
        return EXIT_OK
    states = ", ".join(f"{state} {count}" for state, count in totals["states"].items())
    print(f"{folder}: {totals['units']} units, {totals['characters']:,} characters ({states})", file=out)
    shown = rows if getattr(args, "all", False) else [r for r in rows if r["state"] != "done"]
    if not shown:
        print("every unit is done", file=out)
        return EXIT_OK
    print(f"{'#':>4} {'ch':>3} {'para':>9} {'engine':<7} {'voice':<12} {'chars':>7} {'state':<11} {'try':>3} "
          f"{'vendor task':<32} last error", file=out)
    for row in shown:
        first, last = row["paragraphs"]
        span = f"{first}" if first == last else f"{first}-{last}"
        error = row["error"]
        message = "" if error is None else f"{error['type']}" + (f" {error['code']}" if error["code"] else "") + \
            f": {error['message']}"
        print(f"{row['position']:>4} {row['chapter']:>3} {span:>9} {row['engine'] or '?':<7} "
              f"{(row['voice'] or '?')[:12]:<12} {row['characters'] or 0:>7} {row['state']:<11} "
              f"{row['attempts']:>3} {(row['task_id'] or '-')[:32]:<32} {message[:160]}", file=out)
    return EXIT_OK


def _iso(stamp: float | None) -> str | None:
    if stamp is None:
        return None
    return _dt.datetime.fromtimestamp(float(stamp), _dt.UTC).isoformat(timespec="seconds")


# -- studio render --dry-run -------------------------------------------------------------------------------


def run_dry_run(project: Project, out: TextIO, *, voice: VoiceSettings | None = None,
                audio: AudioRequestOptions | None = None, prices: dict[str, float] | None = None,
                as_json: bool = False, err: TextIO | None = None, book: Book | None = None,
                extend: Callable[[RenderPlan], RenderPlan] | None = None) -> int:
    """Plan the book as ``studio render`` would and print units, characters and cost; nothing is sent.

    ``book``: plan this version of the project's book (``studio render`` passes it with the command line's voice
    as the book's voice, as the render will store it) instead of the stored one. ``extend`` adds to the plan
    what the render will add (the credits of ``studio render --credits``).
    """
    from studio.render.job_store import plan_project
    from studio.render.session.units import unit_states

    plan = plan_project(project, book, override=voice, audio=audio)
    if extend is not None:
        plan = extend(plan)
    warnings = check_plan(plan)
    known = unit_states(project, plan.units)
    units: list[dict[str, Any]] = []
    engines: dict[str, dict[str, Any]] = {}
    seen: set[str] = set()
    for position, (unit, stored) in enumerate(zip(plan.units, known, strict=True), start=1):
        billable = billable_characters(unit)
        if unit.cache_key in seen:
            status = "duplicate"
        elif stored.state == "done":
            status = "cached"
        elif stored.at_vendor:
            status = "vendor task running"
        else:
            status = "to render"
        seen.add(unit.cache_key)
        entry = engines.setdefault(unit.engine, {"units": 0, "characters": 0, "to_render_units": 0,
                                                 "to_render_characters": 0})
        entry["units"] += 1
        entry["characters"] += billable
        if status == "to render":
            entry["to_render_units"] += 1
            entry["to_render_characters"] += billable
        units.append({"position": position, "chapter": unit.chapter_index + 1,
                      "paragraphs": [unit.paragraphs[0] + 1, unit.paragraphs[-1] + 1], "engine": unit.engine,
                      "voice": unit.request.voice, "characters": billable, "status": status,
                      "cache_key": unit.cache_key,
                      **({"credits": "opening" if unit.paragraph_index == -2 else "closing"}
                         if unit.paragraph_index in (-2, -3) else {})})  # studio.render.credits_plan
    for name, entry in engines.items():
        entry["cost"] = price_of(name, entry["to_render_characters"], prices)
    total_cost = add_costs(*(e["cost"] for e in engines.values()))
    summary = {"project": str(project.folder), "units": units, "engines": engines, "cost": total_cost,
               "warnings": warnings, "sizing": None if plan.sizing is None else plan.sizing.target_chars}
    if as_json:
        print(json.dumps(summary, ensure_ascii=False), file=out)
        return EXIT_OK
    for unit_row in units:
        first, last = unit_row["paragraphs"]
        span = unit_row.get("credits") or (f"{first}" if first == last else f"{first}-{last}")
        print(f"{unit_row['position']:>5} ch {unit_row['chapter']:>3} ¶{span:<9} {unit_row['engine']:<7} "
              f"{unit_row['voice'][:12]:<12} {unit_row['characters']:>7} {unit_row['status']}", file=out)
    for name, entry in sorted(engines.items()):
        cost = entry["cost"]
        priced = "no price set" if cost is None else f"about {cost:,.2f} ({prices.get(name, 0) if prices else 0:g} "\
            "per 10,000 characters)" if not traits(name).free else "free"
        print(f"{name}: {entry['units']} units, {entry['characters']:,} characters; to render "
              f"{entry['to_render_units']} units, {entry['to_render_characters']:,} characters: {priced}", file=out)
    print("total: " + ("unknown cost (set --price ENGINE=PRICE)" if total_cost is None
                       else f"about {total_cost:,.2f}") + "; nothing was sent", file=out)
    for warning in warnings:
        print(f"warning: {warning}", file=err or sys.stderr)
    return EXIT_OK


# -- standalone ----------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m studio.cli.status status PROJECT [--json]``: status without the rest of the command line."""
    parser = argparse.ArgumentParser(prog="studio")
    sub = parser.add_subparsers(dest="command", required=True)
    add_status_parser(sub)
    args = parser.parse_args(argv)
    return run_status(args, sys.stdout, sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
