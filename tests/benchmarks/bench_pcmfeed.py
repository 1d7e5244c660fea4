"""What reading the render cache costs the exporter: every unit of a rendered project streamed through
``feed_spans`` (as one encode pass reads them, with a 600 ms gap after each) into /dev/null, three times.

Run: ``python tests/benchmarks/bench_pcmfeed.py PROJECT [PROJECT...]``, e.g. the same book with a WAV cache (as
rendered before decision 0015) and a FLAC one (``studio compact`` turns the first into the second). Prints
wall and CPU time (this process and its ffmpeg children) per hour of audio and pass.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))


def _cpu() -> float:
    return sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
               for f in ("ru_utime", "ru_stime"))


def main() -> None:
    from studio.audio.pcmfeed import feed_spans
    from studio.audio.timeline import Span
    from studio.audio.wavinfo import read_audio_info

    for folder in (Path(a) for a in sys.argv[1:]):
        files = sorted(p for p in (folder / "cache").iterdir() if p.suffix in (".wav", ".flac"))
        if not files:
            raise SystemExit(f"{folder}: no cached units")
        fmt = read_audio_info(files[0]).format
        spans: list[Span] = []
        for path in files:
            spans += [Span(path, 0, read_audio_info(path).frames), Span(None, 0, fmt.sample_rate * 6 // 10)]
        fd = os.open(os.devnull, os.O_WRONLY)
        cpu, started, frames = _cpu(), time.perf_counter(), 0
        for _ in range(3):
            frames += feed_spans(fd, spans, fmt)
        wall, used = time.perf_counter() - started, _cpu() - cpu
        os.close(fd)
        hours = frames / fmt.sample_rate / 3600
        kinds = "/".join(sorted({p.suffix for p in files}))
        print(f"{folder.name}: {len(files)} {kinds} units, {hours / 3 * 60:.1f} min x3: {wall:.2f} s wall, "
              f"{used:.2f} s CPU = {used / hours:.2f} s CPU per hour of audio and pass")


if __name__ == "__main__":
    main()
