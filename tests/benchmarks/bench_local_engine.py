"""Real-time factor of the offline engine: seconds of audio per second of CPU (one core) or wall (pool).

Run: ``python tests/benchmarks/bench_local_engine.py [--chars 2000] [--units 8] [--text FILE]``.
The one-core figure calls the worker's render function in this process, with and without the
per-task fork; the pool figure pushes several units through ``LocalEngine`` and divides by wall time.
Target: >= 30x on one core for Mandarin.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from studio.engines import local
from studio.engines.base import SynthesisRequest
from studio.engines.local_voices import espeak_settings, find_local_voice

# Lu Xun, 《从百草园到三味书屋》 (public domain), repeated to the wanted length.
PASSAGE = (
    "我家的后面有一个很大的园，相传叫作百草园。现在是早已并屋子一起卖给朱文公的子孙了，连那最末次的相见"
    "也已经隔了七八年，其中似乎确凿只有一些野草；但那时却是我的乐园。不必说碧绿的菜畦，光滑的石井栏，高大"
    "的皂荚树，紫红的桑椹；也不必说鸣蝉在树叶里长吟，肥胖的黄蜂伏在菜花上，轻捷的叫天子忽然从草间直窜向云"
    "霄里去了。单是周围的短短的泥墙根一带，就有无限趣味。油蛉在这里低唱，蟋蟀们在这里弹琴。"
)


def chinese_text(chars: int, source: Path | None) -> str:
    base = source.read_text(encoding="utf-8").replace("\n", "") if source else PASSAGE
    return (base * (chars // len(base) + 1))[:chars]


def children_cpu() -> float:
    """CPU of waited-for children: the per-task fork runs espeak there."""
    times = os.times()
    return times.children_user + times.children_system


def one_core(text: str, isolate: bool, scratch: Path) -> None:
    local._init_worker()
    job = local._Job(find_local_voice("local-cmn").espeak_name, (text,), espeak_settings(), 0,
                     str(scratch / f"one-{isolate}.wav"), isolate)
    cpu0, kids0, wall0 = time.process_time(), children_cpu(), time.perf_counter()
    output = local._worker_main(job)
    cpu = time.process_time() - cpu0 + children_cpu() - kids0
    wall = time.perf_counter() - wall0
    audio = output.samples / output.sample_rate
    size = Path(job.out_path).stat().st_size / 1e6
    label = "fork per task" if isolate else "in process   "
    print(f"one core, {label}: {len(text)} chars -> {audio:7.1f} s audio ({size:.0f} MB) in "
          f"{cpu:.2f} CPU s / {wall:.2f} wall s: RTF {audio / cpu:6.0f}x CPU")


def pool(text: str, units: int, workers: int, scratch: Path) -> None:
    request = SynthesisRequest("local-cmn", (text,))
    with local.LocalEngine(workers, scratch_dir=scratch) as engine:
        engine.synthesize(SynthesisRequest("local-cmn", ("预热。",)), scratch / "warm.wav")
        wall0 = time.perf_counter()
        ids = [engine.submit(request) for _ in range(units)]
        audio = 0.0
        for i, task_id in enumerate(ids):
            result = engine.fetch(task_id, scratch / f"unit{i}.wav")
            audio += result.duration_ms / 1000
        wall = time.perf_counter() - wall0
    print(f"pool of {workers} workers ({os.cpu_count()} CPUs): {units} units x {len(text)} chars -> "
          f"{audio:.0f} s audio in {wall:.2f} wall s: RTF {audio / wall:.0f}x wall")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=2000)
    parser.add_argument("--units", type=int, default=8)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--text", type=Path, default=None, help="UTF-8 Chinese text to read from")
    args = parser.parse_args()
    text = chinese_text(args.chars, args.text)
    with tempfile.TemporaryDirectory(prefix="bench-espeak-") as tmp:
        scratch = Path(tmp)
        one_core(text, False, scratch)
        if hasattr(os, "fork"):
            one_core(text, True, scratch)
        pool(text, args.units, args.workers or os.cpu_count() or 1, scratch)


if __name__ == "__main__":
    main()
