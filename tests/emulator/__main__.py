"""Run the vendor emulator standalone: ``python -m tests.emulator --port 0 [--seed N] [--time-scale X]
[--fault name=value ...] [--record FILE]``.

Why: manual runs of the app (or the packaged app's smoke test) against the emulator. The first line printed is
the port number alone (flushed, so a parent process can read it before anything else); then one
``NAME=value`` line per environment variable that points the studio here. Serves until SIGINT/SIGTERM.
Tokens are never printed (request logging is off unless ``--verbose``, and redacted then).

``--record FILE`` writes what the emulator saw as JSON when it stops (SIGTERM/SIGINT): the accepted
submissions (vendor, task id, text, fate) and every request's vendor, endpoint and status, so a test that runs
the emulator as a separate process (to kill clients around it) can count submissions afterwards. Task times
(``submitted_at``, ``finish_at``: the emulator's monotonic clock, which on Linux is the system-wide one) let a
benchmark compare its schedule with the tasks' real latencies.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import signal
import sys
import threading
from dataclasses import fields
from pathlib import Path

from tests.emulator.faults import Faults
from tests.emulator.server import VendorEmulator


def _fault(text: str) -> tuple[str, float]:
    name, sep, value = text.partition("=")
    types = Faults.field_types()
    if not sep or name not in types:
        raise argparse.ArgumentTypeError(f"unknown fault {text!r}: expected name=value, name in {sorted(types)}")
    try:
        return name, types[name](value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad value for {name}: {value!r}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.emulator", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 = any free port (printed on the first line)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-scale", type=float, default=None, help="multiply all task latencies")
    parser.add_argument("--fault", type=_fault, action="append", default=[],
                        help=f"name=value, name one of: {', '.join(f.name for f in fields(Faults))}")
    parser.add_argument("--verbose", action="store_true", help="log requests (tokens redacted) to stderr")
    parser.add_argument("--record", type=Path, default=None,
                        help="write the submissions and the request log (no bodies) to this JSON file on exit")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, stream=sys.stderr)
    faults = Faults(**dict(args.fault))
    if args.time_scale is not None:
        faults.time_scale = args.time_scale
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with VendorEmulator(seed=args.seed, faults=faults, host=args.host, port=args.port) as emulator:
        print(emulator.port, flush=True)
        for name, value in emulator.env().items():
            print(f"{name}={value}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()
        if args.record is not None:
            write_record(emulator, args.record)
    return 0


def write_record(emulator: VendorEmulator, path: Path) -> None:
    """The emulator's submissions and request log as JSON (written whole, then renamed into place)."""
    timing = {t.task_id: (t.submitted_at, t.finish_at) for t in emulator.tasks.all()}
    record = {
        "submissions": [{**{k: v for k, v in s.items() if k != "request"},
                         "submitted_at": timing[s["task_id"]][0], "finish_at": timing[s["task_id"]][1],
                         "latency_s": timing[s["task_id"]][1] - timing[s["task_id"]][0]}
                        for s in emulator.submissions()],
        "requests": [{"vendor": r.vendor, "endpoint": r.endpoint, "method": r.method, "status": r.status,
                      "time": r.time} for r in emulator.requests],
    }
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


if __name__ == "__main__":
    raise SystemExit(main())
