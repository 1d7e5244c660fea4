"""Our MP4 writer against the ffmpeg mux it replaced, on the same chunks: wall time and peak memory.

Run: ``python tests/benchmarks/bench_mp4_writer.py [--hours 1] [--chapters 20] [--rate 22050] [--repeat 5]
[--skip-ffmpeg]``.
The chunks are real 64 kb/s AAC frames (one minute of tone and noise, encoded once) repeated to the book's
length, laid out as the chunked export lays them out. Each way runs in its own interpreter:

- ``ffmpeg``: what ``chunked_book`` did before: ``join_adts`` into one ADTS file, ffmpeg's ipod muxer by stream
  copy (ffmetadata chapters and tags, ``-itsoffset`` for the edit list, +faststart), ``set_mp4_play_length``;
- ``ours``: ``mp4_writer.write_mp4`` straight from the chunks.

Prints wall time, the Python process's peak RSS (VmHWM) and ffmpeg's (ru_maxrss of its children), and checks
that both files list the same chapters.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))


def _peak_mb() -> float:
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024


def _frames(path: Path) -> list[bytes]:
    data, frames, at = path.read_bytes(), [], 0
    while at < len(data):
        length = int.from_bytes(data[at + 3:at + 6], "big") >> 5 & 0x1FFF
        frames.append(data[at:at + length])
        at += length
    return frames


def make_book(folder: Path, hours: float, chapters: int, rate: int) -> dict[str, object]:
    from studio.audio.aac_join import AAC_FRAME
    from studio.audio.ffmpeg import run_ffmpeg

    minute = folder / "minute.aac"
    run_ffmpeg(["-f", "lavfi", "-i", f"sine=f=220:d=60:r={rate}", "-f", "lavfi", "-i",
                f"anoisesrc=a=0.05:d=60:r={rate}", "-filter_complex", "amix=inputs=2", "-ac", "1", "-c:a", "aac",
                "-b:a", "64k", "-f", "adts", str(minute)])
    frames = _frames(minute)
    per_chunk = round(hours * 3600 * rate / AAC_FRAME / chapters) + 2
    chunks, k = [], 0
    for n in range(chapters):
        path = folder / f"chunk{n:04d}.aac"
        with open(path, "wb") as out:
            for _ in range(per_chunk):
                out.write(frames[k % len(frames)])
                k += 1
        chunks.append((str(path), (per_chunk - 1) * AAC_FRAME))
    kept = chapters * per_chunk - 2 * (chapters - 1)
    samples = (kept - 1) * AAC_FRAME - 500
    starts = [n * (samples // chapters) for n in range(chapters)]
    return {"chunks": chunks, "rate": rate, "samples": samples, "starts": starts, "folder": str(folder)}


def run_ours(job: dict[str, object], dest: Path) -> None:
    from studio.audio.mp4_movie import BookContent
    from studio.audio.mp4_writer import write_mp4

    starts, rate = job["starts"], int(job["rate"])  # type: ignore[call-overload]
    content = BookContent(b"M4B ", rate, int(job["samples"]),  # type: ignore[call-overload]
                          [(s, f"第{i + 1}章") for i, s in enumerate(starts)],  # type: ignore[call-overload, arg-type]
                          {"title": "书", "album": "书", "genre": "Audiobook", "media_type": "2"})
    write_mp4([(Path(p), n) for p, n in job["chunks"]], dest, content)  # type: ignore[attr-defined]


def run_ffmpeg_mux(job: dict[str, object], dest: Path) -> None:
    from studio.audio import metadata
    from studio.audio.aac_join import AAC_FRAME, join_adts, set_mp4_play_length
    from studio.audio.ffmpeg import run_ffmpeg_ex
    from studio.audio.formats import mp4_movflags

    rate, samples, starts = int(job["rate"]), int(job["samples"]), list(job["starts"])  # type: ignore[call-overload]
    joined, meta = dest.with_suffix(".aac"), dest.with_suffix(".ffmeta")
    join_adts([(Path(p), n) for p, n in job["chunks"]], joined)  # type: ignore[attr-defined]
    ends = [*starts[1:], samples]
    meta.write_text(metadata.render(metadata.FfMetadata(
        {"title": "书", "album": "书", "genre": "Audiobook", "media_type": "2"},
        [metadata.ChapterEntry(s, e, Fraction(1, rate), {"title": f"第{i + 1}章"})
         for i, (s, e) in enumerate(zip(starts, ends, strict=True))])), encoding="utf-8")
    run_ffmpeg_ex(["-itsoffset", f"-{AAC_FRAME / rate:.6f}", "-f", "aac", "-i", str(joined), "-f", "ffmetadata",
                   "-i", str(meta), "-map", "0:a", "-map_metadata", "1", "-map_chapters", "1", "-c:a", "copy",
                   "-movie_timescale", str(rate), *mp4_movflags(len(starts)), "-brand", "M4B ", "-f", "ipod",
                   str(dest)], output=dest)
    set_mp4_play_length(dest, samples, rate)
    joined.unlink()
    meta.unlink()


def child(way: str, job_file: Path, dest: Path) -> None:
    import resource

    def cpu() -> float:
        return sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
                   for f in ("ru_utime", "ru_stime"))

    job = json.loads(job_file.read_text(encoding="utf-8"))
    started, cpu_before = time.perf_counter(), cpu()
    (run_ours if way == "ours" else run_ffmpeg_mux)(job, dest)
    wall, used = time.perf_counter() - started, cpu() - cpu_before
    ffmpeg_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"wall_s": wall, "cpu_s": used, "python_mb": _peak_mb(), "ffmpeg_mb": ffmpeg_mb}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hours", type=float, default=1.0)
    parser.add_argument("--chapters", type=int, default=20)
    parser.add_argument("--rate", type=int, default=22050)
    parser.add_argument("--skip-ffmpeg", action="store_true", help="only our writer (ffmpeg needs ~85 B a frame)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each way (the minimum and median printed)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    from studio.audio import read_chapters

    with tempfile.TemporaryDirectory(prefix="bench-mp4-") as tmp:
        folder = Path(tmp)
        job = make_book(folder, args.hours, args.chapters, args.rate)
        (folder / "job.json").write_text(json.dumps(job), encoding="utf-8")
        print(f"{args.hours:g} h at {args.rate} Hz, {args.chapters} chapters, "
              f"{sum(Path(p).stat().st_size for p, _ in job['chunks']) / 1e6:.0f} MB of AAC")  # type: ignore[attr-defined]
        marks = {}
        for way in ("ours",) if args.skip_ffmpeg else ("ffmpeg", "ours"):
            dest = folder / f"{way}.m4b"
            runs = []
            for _ in range(args.repeat):  # the minimum is the least disturbed by other load
                done = subprocess.run([sys.executable, __file__, "--child", way, str(folder / "job.json"),
                                       str(dest)], capture_output=True, text=True, check=False)
                if done.returncode != 0:
                    raise SystemExit(done.stderr)
                runs.append(json.loads(done.stdout))
            walls, cpus = sorted(r["wall_s"] for r in runs), sorted(r["cpu_s"] for r in runs)
            ffmpeg = f", ffmpeg peak {max(r['ffmpeg_mb'] for r in runs):5.0f} MB" if way == "ffmpeg" else ""
            print(f"  {way:6s}: {walls[0]:6.2f} s wall (min of {len(runs)}; median {walls[len(walls) // 2]:.2f} s), "
                  f"{cpus[0]:.2f} s CPU (min; incl. ffmpeg), Python peak {max(r['python_mb'] for r in runs):5.0f} MB"
                  f"{ffmpeg}")
            marks[way] = [(m.title, round(m.start_ms, 3)) for m in read_chapters(dest)]
        if len(marks) == 2:
            print("  same chapters read back:", marks["ours"] == marks["ffmpeg"])


if __name__ == "__main__":
    main()
