"""From the first submission to the finished M4B: how much the export adds after the vendors are done.

Run: ``python tests/benchmarks/bench_end_to_end.py [--chars 250000] [--concurrency 20] [--time-scale 24]
[--chapters 40] [--no-pipeline] [--workdir DIR]``.

A book of ``--chars`` characters (one paragraph per unit, as ``studio render`` plans it) is rendered through
Alibaba against the vendor emulator in its own process (``bench_schedule.emulator``), exactly as ``studio
render BOOK -o BOOK.m4b`` does it (``export_project``: render, encode, join). Printed:

- render phase: first submission to last download (the vendors' time; nothing local can shorten it);
- total: start to the finished M4B, and total / render phase (target <= 1.15: the export hides behind the
  render, issue 20);
- time to the first playable chapter: when the first chapter was encoded (while the rest still renders);
- the chapters encoded ahead and the ones the last step had to encode itself;
- the same export run again: it must find the file up to date (its content hash) within 2 s, in this process
  and as a user runs it (``studio export BOOK.studio -o BOOK.m4b``, a new process: start-up included; its CPU
  time too, since on a loaded machine the wall time mostly measures the queue for a core).

``--no-pipeline`` renders first and encodes after (the old behaviour), for comparison. Both normalize
loudness (-18 LUFS per chapter) as ``studio render`` does.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from studio.audio.chunk_encode import ENCODES
from studio.audio.chunked_book import ENCODED_CHUNKS
from studio.audio.export import ExportOptions
from studio.core.project import Project
from studio.render.events import RenderProgress
from studio.render.export_book import export_project
from tests.benchmarks.bench_schedule import book_of, emulator


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=250_000)
    parser.add_argument("--chapters", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--time-scale", type=float, default=24.0,
                        help="task latency multiplier; 24 = the vendor's documented speed (bench_schedule)")
    parser.add_argument("--no-pipeline", action="store_true", help="render first, then encode (the old way)")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-e2e-", dir=args.workdir) as tmp:
        book = book_of(args.chars, "aliyun", chapters=args.chapters)
        marks: dict[str, float] = {}

        def on_event(event: RenderProgress) -> None:
            now = time.monotonic()
            if event.state == "submitted":
                marks.setdefault("first_submit", now)
            if event.state == "done":
                marks["last_download"] = now

        with emulator(Path(tmp) / "record.json", args.time_scale), \
                Project.create(Path(tmp) / "book.studio", book) as project:
            encodes, final = sum(ENCODES.values()), sum(ENCODED_CHUNKS.values())
            started = time.monotonic()
            done = export_project(project, Path(tmp) / "book.m4b", ExportOptions(),
                                  render_progress=on_event, max_in_flight={"aliyun": args.concurrency},
                                  pipelined=not args.no_pipeline)
            finished = time.monotonic()
            again_started = time.monotonic()
            again = export_project(project, Path(tmp) / "book.m4b", ExportOptions(),
                                   max_in_flight={"aliyun": args.concurrency})
            again_s = time.monotonic() - again_started
        cli_s, cli_cpu_s, cli_says = _cli_no_op(Path(tmp) / "book.studio", Path(tmp) / "book.m4b")
        characters = sum(len(p.text) for c in book.chapters for p in c.paragraphs)
        render = marks["last_download"] - marks["first_submit"]
        total = finished - started
        print(f"{characters:,} characters, {done.units_rendered} units, {done.chapters} chapters, "
              f"{done.duration_ms / 3600_000:.2f} h of audio; concurrency {args.concurrency}, time scale "
              f"{args.time_scale:g}, {'no pipeline' if args.no_pipeline else 'pipelined'}, {os.cpu_count()} CPUs")
        print(f"  render phase (first submit -> last download): {render:.1f} s")
        print(f"  total to the finished M4B: {total:.1f} s = {total / render:.3f}x the render phase (target <= 1.15)")
        print(f"  after the last download: {finished - marks['last_download']:.1f} s")
        first = done.first_chapter_s
        print(f"  first playable chapter after {first:.1f} s" if first is not None else
              "  first playable chapter: only with the finished file")
        print(f"  the same export again: {again_s:.2f} s, {'up to date' if again.up_to_date else 'NOT up to date'} "
              f"(target <= 2 s)")
        print(f"  studio export of the unchanged book: {cli_s:.2f} s ({cli_cpu_s:.2f} s of CPU), "
              f"{'up to date' if cli_says else 'NOT up to date'} (target <= 2 s)")
        print(f"  chapters encoded ahead: {done.encoded_ahead}; encoded by the last step: "
              f"{sum(ENCODED_CHUNKS.values()) - final} (all encodes: {sum(ENCODES.values()) - encodes})")
    return 0


def _cli_no_op(folder: Path, output: Path) -> tuple[float, float, bool]:
    """``studio export`` of an up-to-date book in a new process: (wall s, CPU s, whether it said up to date)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "studio", "export", str(folder), "-o", str(output)],
                          capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2])
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode == 0 and "is up to date" in done.stderr


if __name__ == "__main__":
    raise SystemExit(main())
