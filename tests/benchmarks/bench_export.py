"""Export speed and memory: a generated book of 200 chapters (5 h) to M4B or MP3, against a bare ffmpeg encode.

Run: ``python tests/benchmarks/bench_export.py [--hours 1,5] [--workers 1,2,4] [--format m4b|mp3]
[--no-loudness-too] [--one-pass-too] [--repeat N] [--workdir DIR] [--chapters N] [--cache flac|wav|wav,flac]``;
``--long-book`` is the issue-19 case: 50 h in 3,000 chapters, 2 workers (the book overshoots to ~55 h; 8.7 GB
of raw PCM for the bare encode in --workdir, and well over an hour on 2 cores: not for CI; ``--cache wav`` spares
converting its 3,000 hard-linked pieces to FLAC). ``--same-chapters --long-book`` measures the same size in a
minute: every chapter the same audio, encoded three times and reused, so the plan, join, mux and report run at
full size (memory), without the encode or a bare encode.

The book is a few distinct paragraphs of speech from the offline engine (22,050 Hz mono, with its sentence
timestamps), reused many times: AAC's speed depends on the content, and synthetic noise encodes two to
three times slower than speech, which would flatter the ratio. For each length it measures, each in a fresh interpreter:

- bare: the same audio (pieces and gaps) written to one raw PCM file beforehand, then ``ffmpeg -f s16le`` -> AAC
  64k M4B (``+faststart``), or with ``--format mp3`` libmp3lame 64k MP3 (Xing/LAME header): one plain encode
  with nothing else going on;
- export: ``export_audiobook`` (loudness measured and normalized to -18 LUFS per chapter, tags, chapter
  marks, every chapter encode metering itself), once per ``--workers`` count (chapters encoded in parallel
  and joined, issue 20), with ``--no-loudness-too`` also without the loudness pass, and with
  ``--one-pass-too`` also the book encoded in one ffmpeg pass with one book-wide gain (``chunked=False``,
  what MP3 exports were before).

Both are timed (wall and CPU) from when the child's interpreter has loaded its modules: an app has them loaded
before its user exports, and the bare encode's child loads next to nothing.

Memory: ``ru_maxrss`` of the interpreter and of its largest ffmpeg child, and the peak of their *sum* sampled
from /proc every 100 ms (Linux; with several encodes at once the sum is what counts). Targets (issue 20): on
2 cores the export takes <= 0.6x the bare encode; peak RSS <= 250 MB in total and flat between 1 h and 5 h.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

CHAPTERS_PER_5H = 200
PARAGRAPH_GAP_MS, CHAPTER_GAP_MS = 600, 1500

_CHILD = r"""
import json, os, resource, sys, threading, time
from pathlib import Path
sys.path.insert(0, sys.argv[2])
job = json.loads(Path(sys.argv[1]).read_text())

def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0

def children(pid):
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    if int(fh.read().rsplit(")", 1)[1].split()[1]) == pid:
                        kids.append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    return kids

# CPU per ffmpeg child, by what it did (the export's breakdown): Popen's wait made to use wait4
import subprocess
from collections import defaultdict
breakdown = defaultdict(float)
counts = defaultdict(int)

def _kind(args):
    text = " ".join(map(str, args))
    if "ebur128@u0" in text:
        return "measure units"
    if "ebur128@pre" in text:
        return "measure chapters"
    if "asplit=3" in text:
        return "calibrate limiter"
    if "-c:a aac" in text or "libmp3lame" in text:
        return "encode"
    if "concat" in text:
        return "decode FLAC"
    if "copy" in text:
        return "join/mux"
    return "other ffmpeg"

class _Popen(subprocess.Popen):
    def _try_wait(self, wait_flags):
        try:
            pid, sts, usage = os.wait4(self.pid, wait_flags)
        except ChildProcessError:
            return (self.pid, 0)
        if pid == self.pid:
            kind = _kind(self.args)
            breakdown[kind] += usage.ru_utime + usage.ru_stime
            counts[kind] += 1
        return (pid, sts)

subprocess.Popen = _Popen

peak = {"sum_kb": 0, "child_kb": 0, "sampler_cpu_s": 0.0}
trace = []  # (seconds, python RSS MB) every 5 s: does the interpreter grow as chapters go by?
done = threading.Event()
def sample():  # its own CPU (scanning /proc on a busy machine) is left out of the figures
    me, n, t0 = os.getpid(), 0, time.perf_counter()
    while not done.wait(0.1):
        mine = rss_kb(me)
        kids = [rss_kb(k) for k in children(me)]
        peak["sum_kb"] = max(peak["sum_kb"], mine + sum(kids))
        peak["child_kb"] = max(peak["child_kb"], *kids, 0)
        if n % 50 == 0:
            trace.append((round(time.perf_counter() - t0, 1), round(mine / 1024, 1)))
        n += 1
        peak["sampler_cpu_s"] = time.thread_time()
    peak["sampler_cpu_s"] = time.thread_time()
if os.path.isdir("/proc"):
    threading.Thread(target=sample, daemon=True).start()

if job["kind"] == "export":  # loaded before the clock starts, as an app has them loaded before its user exports
    from studio.audio.export import ExportOptions, export_audiobook
    from studio.audio.loudness import DEFAULT_TARGET
    from studio.audio.pieces import Piece, TimedText
    from studio.audio.stitch import ChapterAudio
    from studio.audio.tags import BookInfo
    from studio.audio.timeline import Gaps
    from studio.audio.unit_loudness import MEASURED
startup_cpu = sum(getattr(resource.getrusage(resource.RUSAGE_SELF), f) for f in ("ru_utime", "ru_stime"))
started = time.perf_counter()
if job["kind"] == "bare":
    import subprocess
    from studio.audio.ffmpeg import ffmpeg_exe
    codec = (["-c:a", "libmp3lame", "-b:a", "64k", "-id3v2_version", "0", "-write_xing", "1", "-f", "mp3"]
             if job["format"] == "mp3" else ["-c:a", "aac", "-b:a", "64k", "-movflags", "+faststart", "-f", "ipod"])
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
                    "-f", "s16le", "-ar", "22050", "-ac", "1", "-i", job["wav"],
                    "-map", "0:a", *codec, job["output"]], check=True)
    extra = {}
elif job["kind"] == "measure":  # units measured into the store, as a render does when they arrive; no encode
    from types import SimpleNamespace
    from studio.audio.chunk_encode import piece_identity
    from studio.audio.chunked_book import UNITS_DIR
    from studio.audio.unit_loudness import MEASURED, UnitStore
    from studio.audio.wavinfo import PcmFormat
    store = UnitStore(Path(job["cache"]) / UNITS_DIR, piece_identity(SimpleNamespace(converted={})),
                      PcmFormat(22050, 1, 2))
    store.get([Path(p["path"]) for p in job["pieces"]], threading.Event())
    extra = {"units_measured": sum(MEASURED.values())}
else:
    pieces = {p["path"]: Piece(Path(p["path"]), tuple(TimedText(*s) for s in p["sentences"]))
              for p in job["pieces"]}
    chapters = [ChapterAudio(c["title"], [pieces[p] for p in c["pieces"]]) for c in job["chapters"]]
    options = ExportOptions(format=job["format"], gaps=Gaps(paragraph_ms=job["para"], chapter_ms=job["chap"]),
                            loudness=DEFAULT_TARGET if job["loudness"] else None, jobs=job["jobs"])
    cache = Path(job["cache"]) if job.get("cache") else None
    measured_before = sum(MEASURED.values())
    result = export_audiobook(chapters, Path(job["output"]), BookInfo("基准", "测试"), options,
                              chunked=job.get("chunked", True), chapter_cache=cache)
    extra = {"units_measured": sum(MEASURED.values()) - measured_before,
             "mode": result.gain.mode, "lufs": result.files[0].integrated_lufs,
             "peak": result.files[0].true_peak_dbtp, "duration_s": result.duration_ms / 1000}
elapsed = time.perf_counter() - started
done.set()
time.sleep(0.25)  # the sampler's last round: its CPU is counted before it is subtracted
cpu = sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
          for f in ("ru_utime", "ru_stime"))
self_cpu = sum(getattr(resource.getrusage(resource.RUSAGE_SELF), f) for f in ("ru_utime", "ru_stime"))
self_cpu -= peak["sampler_cpu_s"] + startup_cpu  # the interpreter's start and imports are not the work
cpu -= peak["sampler_cpu_s"] + startup_cpu
print(json.dumps({"elapsed_s": elapsed, "cpu_s": cpu, "breakdown": {"python": self_cpu, **breakdown},
                  "runs": dict(counts),
                  "python_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  # sampled where /proc is: a child's ru_maxrss starts at the interpreter's own peak (the kernel
                  # carries the forking process's high-water mark across exec), so it showed Python's, not ffmpeg's
                  "ffmpeg_peak_mb": (peak["child_kb"] or resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024,
                  "sum_peak_mb": peak["sum_kb"] / 1024, "rss_trace": trace, **extra}))
"""


# Lu Xun, 《从百草园到三味书屋》 (public domain): eight paragraphs of different lengths.
PASSAGE = (
    "我家的后面有一个很大的园，相传叫作百草园。现在是早已并屋子一起卖给朱文公的子孙了，连那最末次的相见"
    "也已经隔了七八年，其中似乎确凿只有一些野草；但那时却是我的乐园。不必说碧绿的菜畦，光滑的石井栏，高大"
    "的皂荚树，紫红的桑椹；也不必说鸣蝉在树叶里长吟，肥胖的黄蜂伏在菜花上，轻捷的叫天子忽然从草间直窜向云"
    "霄里去了。单是周围的短短的泥墙根一带，就有无限趣味。油蛉在这里低唱，蟋蟀们在这里弹琴。"
)


def make_pieces(folder: Path) -> list[dict[str, object]]:
    """A few distinct paragraphs of real synthesized speech (the offline engine), with its timestamps."""
    from studio.engines.base import SynthesisRequest
    from studio.engines.local import LocalEngine

    pieces = []
    with LocalEngine(workers=2) as engine:
        for n in range(8):
            start = n * 17 % len(PASSAGE)
            text = (PASSAGE * 2)[start:start + 40 + 6 * n]
            result = engine.synthesize(SynthesisRequest("local-cmn", (text,)), folder / f"piece{n}.wav")
            sentences = [(t.text, t.begin_ms, t.end_ms, t.paragraph) for t in result.sentences]
            pieces.append({"path": str(result.audio_path), "sentences": sentences, "ms": result.duration_ms})
    return pieces


def book(pieces: list[dict[str, object]], hours: float, folder: Path, count: int | None = None
         ) -> list[dict[str, object]]:
    """Chapters of the reused pieces; each chapter opens with its own hard link of a piece, so no two chapters
    are the same audio (the exporter would encode an identical chapter once and reuse it)."""
    chapters, n = [], 0
    count = count or round(CHAPTERS_PER_5H * hours / 5)
    chapter_ms = hours * 3600_000 / count
    pieces_by_path = {str(p["path"]): p for p in pieces}
    for c in range(count):
        paths, ms = [], 0.0
        while ms < chapter_ms - CHAPTER_GAP_MS:
            piece = pieces[n % len(pieces)]
            path = str(piece["path"])
            if not paths:
                own = folder / f"chapter{c}-{Path(path).name}"
                if not own.exists():
                    os.link(path, own)
                pieces_by_path[str(own)] = {**piece, "path": str(own)}
                path = str(own)
            paths.append(path)
            ms += float(piece["ms"]) + PARAGRAPH_GAP_MS  # type: ignore[arg-type]
            n += 1
        chapters.append({"title": f"第{c + 1}章", "pieces": paths})
    pieces[:] = list(pieces_by_path.values())
    return chapters


def book_wav(folder: Path, chapters: list[dict[str, object]]) -> Path:
    """The whole book (pieces, paragraph and chapter gaps) as one raw 16-bit PCM file, written before anything
    is timed: the bare encode reads one file, so it measures the encoder alone (ffmpeg's concat demuxer spends
    much of its time opening thousands of pieces, which would flatter the ratio). Raw, not WAV: 50 hours are
    7.9 GB, past the 4 GB a RIFF header can count. A chapter's own hard link reads as the piece it links to."""
    import wave

    from studio.audio.wavinfo import read_wav_info

    para, chap = bytes(round(PARAGRAPH_GAP_MS * 22.05) * 2), bytes(round(CHAPTER_GAP_MS * 22.05) * 2)
    data: dict[int, bytes] = {}  # by inode: the distinct pieces only
    path = folder / f"book-{len(chapters)}.s16"
    with open(path, "wb") as out:
        for c, chapter in enumerate(chapters):
            if c:
                out.write(chap)
            for p, piece in enumerate(chapter["pieces"]):  # type: ignore[arg-type]
                if p:
                    out.write(para)
                inode = os.stat(piece).st_ino
                if inode not in data:
                    info = read_wav_info(Path(piece))
                    with wave.open(piece, "rb") as w:
                        data[inode] = w.readframes(info.frames)
                out.write(data[inode])
    return path


def flac_job(job: dict[str, object]) -> dict[str, object]:
    """The same book read from FLAC pieces, as the render cache stores them since decision 0015."""
    from studio.audio.cached_audio import store_flac

    flac: dict[str, str] = {}
    for piece in job["pieces"]:  # type: ignore[attr-defined]
        wav = Path(piece["path"])
        dest = wav.with_suffix(".flac")
        if not dest.exists():
            store_flac(wav, dest)
        flac[str(wav)] = str(dest)
    return {**job, "pieces": [{**p, "path": flac[p["path"]]} for p in job["pieces"]],  # type: ignore[attr-defined]
            "chapters": [{**c, "pieces": [flac[p] for p in c["pieces"]]} for c in job["chapters"]]}  # type: ignore[attr-defined]


def run_child(job: dict[str, object], folder: Path) -> dict[str, float]:
    job_file = folder / "job.json"
    job_file.write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", _CHILD, str(job_file), str(REPO)], capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{done.stderr}")
    return json.loads(done.stdout)


def clear_chunks(cache: Path) -> None:
    """Forget the encoded chapters, keep the units' stored loudness: a book rendered (and measured as its units
    arrived) but never exported with these settings."""
    for path in cache.glob("*"):
        if path.is_file():
            path.unlink()


def breakdown_line(ours: dict[str, object], bare_cpu: float) -> str:
    parts = dict(ours.get("breakdown", {}))  # type: ignore[call-overload]
    rest = float(ours["cpu_s"]) - sum(parts.values())  # type: ignore[arg-type]
    if rest > 0.05:  # ffmpeg children reaped without Popen.wait (the FLAC decoder's pipe)
        parts["other (ffmpeg reaped without Popen.wait)"] = rest
    runs = dict(ours.get("runs", {}))  # type: ignore[call-overload]
    return ", ".join(f"{k} {v:.1f} s ({v / bare_cpu:.3f}x bare){f' in {runs[k]} runs' if k in runs else ''}"
                     for k, v in sorted(parts.items(), key=lambda kv: -kv[1]))


def _bare_key(args: argparse.Namespace, whole: Path, chapters: int, hours: float) -> str:
    return f"{args.format}|{hours:g}|{chapters}|{whole.stat().st_size}"


def saved_bare(args: argparse.Namespace, whole: Path, chapters: int, hours: float) -> dict[str, float] | None:
    """A bare encode measured earlier for this very book (``--bare-json``), or None."""
    if args.bare_json is None or not args.bare_json.is_file():
        return None
    saved = json.loads(args.bare_json.read_text(encoding="utf-8")).get(_bare_key(args, whole, chapters, hours))
    if saved is not None:
        print(f"bare encode reused from {args.bare_json} (measured at load {saved.get('load', '?')})")
    return saved


def save_bare(args: argparse.Namespace, whole: Path, chapters: int, hours: float, bare: dict[str, float]) -> None:
    if args.bare_json is None:
        return
    saved = json.loads(args.bare_json.read_text(encoding="utf-8")) if args.bare_json.is_file() else {}
    key = _bare_key(args, whole, chapters, hours)
    if key not in saved:
        saved[key] = {**bare, "load": round(os.getloadavg()[0], 1)}
        args.bare_json.write_text(json.dumps(saved, indent=1), encoding="utf-8")


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    """Per-figure median over repeated runs (memory figures: the maximum)."""
    out: dict[str, float] = dict(runs[len(runs) // 2])
    for key, value in runs[0].items():
        if isinstance(value, (int, float)):
            values = sorted(r[key] for r in runs)
            out[key] = values[-1] if key.endswith("_mb") else values[len(values) // 2]
    by_time = sorted(runs, key=lambda r: r["elapsed_s"])
    out["breakdown"] = by_time[len(by_time) // 2].get("breakdown", {})  # type: ignore[assignment]
    out["runs"] = by_time[len(by_time) // 2].get("runs", {})  # type: ignore[assignment]
    return out


def same_chapters(args: argparse.Namespace, folder: Path, pieces: list[dict[str, object]]) -> None:
    """``--same-chapters``: the export of a book of ``--chapters`` copies of one chapter, per ``--hours``."""
    for hours in (float(h) for h in args.hours.split(",")):
        count = args.chapters or round(CHAPTERS_PER_5H * hours / 5)
        chapter_ms = hours * 3600_000 / count - CHAPTER_GAP_MS
        paths: list[str] = []
        ms = -PARAGRAPH_GAP_MS
        while True:  # pieces while the chapter gets closer to its share of the book
            piece = pieces[len(paths) % len(pieces)]
            more = float(piece["ms"]) + PARAGRAPH_GAP_MS  # type: ignore[arg-type]
            if paths and abs(ms + more - chapter_ms) >= abs(ms - chapter_ms):
                break
            paths.append(str(piece["path"]))
            ms += more
        chapters = [{"title": f"第{c + 1}章", "pieces": paths} for c in range(count)]
        job = {"pieces": pieces, "chapters": chapters, "para": PARAGRAPH_GAP_MS, "chap": CHAPTER_GAP_MS,
               "format": args.format, "kind": "export", "loudness": True, "chunked": True,
               "cache": str(folder / "chapter-cache"), "output": str(folder / f"o.{args.format}")}
        for w in (int(w) for w in args.workers.split(",")):
            ours = run_child({**job, "jobs": w}, folder)
            print(f"{args.format}, {ours['duration_s'] / 3600:.1f} h, {count} chapters (all the same), {w} workers: "
                  f"{ours['elapsed_s']:.1f} s; peak RSS python {ours['python_peak_mb']:.0f} MB, largest ffmpeg "
                  f"{ours['ffmpeg_peak_mb']:.0f} MB, sum {ours['sum_peak_mb']:.0f} MB; {ours.get('lufs')} LUFS")
            trace = ours.get("rss_trace") or []
            picks = [trace[round(i * (len(trace) - 1) / 10)] for i in range(11)] if len(trace) > 2 else trace
            print("  python RSS over the export (s: MB): " + ", ".join(f"{t:.0f}: {mb:.0f}" for t, mb in picks))
            (folder / f"o.{args.format}").unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", default="1,5", help="book lengths to run, comma separated")
    parser.add_argument("--workers", default="1,2,4", help="parallel chapter encodes to compare, comma separated")
    parser.add_argument("--format", choices=("m4b", "mp3"), default="m4b", help="the book's format")
    parser.add_argument("--no-loudness-too", action="store_true", help="also export without the loudness pass")
    parser.add_argument("--one-pass-too", action="store_true",
                        help="also export in one ffmpeg pass (book-wide gain, no chapter chunks)")
    parser.add_argument("--workdir", type=Path, default=None, help="where to write (default: a temp folder)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run bare and export alternately N times and report medians (a shared machine is noisy)")
    parser.add_argument("--chapters", type=int, default=None,
                        help=f"chapters per book (default: {CHAPTERS_PER_5H} per 5 h)")
    parser.add_argument("--cold", action="store_true",
                        help="no stored unit loudness: every export measures its units (the first export of a book "
                             "exported without a project cache)")
    parser.add_argument("--cache", default="flac",
                        help="what the pieces are stored as: flac (the render cache since 0015), wav, or wav,flac")
    parser.add_argument("--bare-json", type=Path, default=None,
                        help="reuse the bare encode measured for the same book (same hours, chapters, format and "
                             "PCM size) from this file, or measure it and save it there: the 50 h bare encode takes "
                             "most of an hour, and it does not depend on the code under test")
    parser.add_argument("--bare-only", action="store_true", help="measure the bare encode (see --bare-json) and stop")
    parser.add_argument("--long-book", action="store_true",
                        help="the long-book case: --hours 50 --chapters 3000 --workers 2")
    parser.add_argument("--same-chapters", action="store_true",
                        help="every chapter the same minute of speech: the chapter cache encodes it (three times: "
                             "first, middle, last) and reuses it, so this measures the plan, the join, the mux and "
                             "the report of a book that size (memory above all), not its encode; no bare encode")
    args = parser.parse_args()
    if args.long_book:
        args.hours, args.chapters, args.workers = "50", 3000, "2"
    with tempfile.TemporaryDirectory(prefix="bench-export-", dir=args.workdir) as tmp:
        folder = Path(tmp)
        pieces = make_pieces(folder)
        print(f"{len(pieces)} distinct pieces, {sum(float(p['ms']) for p in pieces) / 1000:.0f} s; "
              f"{os.cpu_count()} CPUs; RLIMIT_AS {resource.getrlimit(resource.RLIMIT_AS)[0]}; "
              f"load {os.getloadavg()[0]:.1f}")
        if args.same_chapters:
            same_chapters(args, folder, pieces)
            return
        rows = []
        for hours in (float(h) for h in args.hours.split(",")):
            book_pieces = list(pieces)
            chapters = book(book_pieces, hours, folder, args.chapters)
            whole = book_wav(folder, chapters)
            job = {"pieces": book_pieces, "chapters": chapters, "para": PARAGRAPH_GAP_MS, "chap": CHAPTER_GAP_MS,
                   "format": args.format}
            counts = [int(w) for w in args.workers.split(",")]
            jobs = {cache: job if cache == "wav" else flac_job(job) for cache in args.cache.split(",")}
            for kind, one in jobs.items():
                store = None if args.cold else folder / f"cache-{hours:g}-{kind}"
                one["cache"] = str(store) if store else None
                if store is not None and not args.bare_only:  # units measured once, as a render does on arrival
                    primed = run_child({**one, "kind": "measure"}, folder)
                    print(f"{hours:g} h, {kind} cache: units measured once and stored ({primed['units_measured']} "
                          f"units, {primed['cpu_s']:.1f} CPU s); every chunked "
                          f"export below finds them and encodes every chapter")
            runs = [(f"export {cache}, {w} worker{'s' if w > 1 else ''}", True, w, True, cache) for w in counts
                    for cache in jobs]
            runs += [(f"export {cache}, no loudness, {w} workers", False, w, True, cache) for w in counts[-1:]
                     for cache in jobs if args.no_loudness_too]
            runs += [(f"export {cache}, one pass", True, 1, False, cache) for cache in jobs] \
                if args.one_pass_too else []
            out_name, bare_name = f"o.{args.format}", f"bare.{args.format}"
            for label, loudness, workers, chunked, cache in runs:
                bares, ourses = [], []
                for _ in range(max(1, args.repeat)):
                    bares.append(saved_bare(args, whole, len(chapters), hours) or run_child(
                        {"kind": "bare", "wav": str(whole), "output": str(folder / bare_name), "format": args.format},
                        folder))
                    save_bare(args, whole, len(chapters), hours, bares[-1])
                    if args.bare_only:
                        print(f"bare encode of {hours:g} h, {len(chapters)} chapters: {bares[-1]['elapsed_s']:.1f} s "
                              f"wall, {bares[-1]['cpu_s']:.1f} s CPU, ffmpeg {bares[-1]['ffmpeg_peak_mb']:.0f} MB "
                              f"(load {os.getloadavg()[0]:.1f})")
                        return
                    if jobs[cache].get("cache"):
                        clear_chunks(Path(str(jobs[cache]["cache"])))
                    ourses.append(run_child({**jobs[cache], "kind": "export", "loudness": loudness, "jobs": workers,
                                             "chunked": chunked, "output": str(folder / out_name)}, folder))
                bare, ours = _median(bares), _median(ourses)
                if len(ourses) > 1:  # each export against the bare encode run just before it: a shared machine's
                    # speed drifts by 10 % and more within minutes, which a ratio of medians taken apart keeps
                    pairs = sorted((o["elapsed_s"] / b["elapsed_s"], o["cpu_s"] / b["cpu_s"])
                                   for o, b in zip(ourses, bares, strict=True))
                    ours["pair_wall"], ours["pair_cpu"] = pairs[len(pairs) // 2][0], sorted(
                        c for _, c in pairs)[len(pairs) // 2]
                    print(f"    run by run (export / the bare encode before it): "
                          f"{', '.join(f'{w:.3f}x' for w, _ in pairs)} wall; median {ours['pair_wall']:.3f}x wall, "
                          f"{ours['pair_cpu']:.3f}x CPU")
                rows.append((hours, label, bare, ours))
                print(f"{args.format}, {hours:g} h, {len(chapters)} chapters, {label}: {ours['elapsed_s']:.1f} s vs "
                      f"bare ffmpeg "
                      f"{bare['elapsed_s']:.1f} s = {ours['elapsed_s'] / bare['elapsed_s']:.3f}x wall, "
                      f"{ours['cpu_s'] / bare['cpu_s']:.3f}x CPU ({ours['cpu_s']:.0f} vs {bare['cpu_s']:.0f} s); "
                      f"peak RSS python {ours['python_peak_mb']:.0f} MB, largest ffmpeg {ours['ffmpeg_peak_mb']:.0f} "
                      f"MB, sum {ours['sum_peak_mb']:.0f} MB (bare ffmpeg {bare['ffmpeg_peak_mb']:.0f} MB); "
                      f"{ours.get('mode')} -> {ours.get('lufs')} LUFS, {ours.get('peak')} dBTP; "
                      f"units measured {ours.get('units_measured')}\n    CPU breakdown: "
                      f"{breakdown_line(ours, bare['cpu_s'])}")
                trace = ours.get("rss_trace") or []
                if len(trace) > 2:
                    picks = [trace[round(i * (len(trace) - 1) / 10)] for i in range(11)]
                    print("  python RSS over the export (s: MB): " + ", ".join(f"{t:.0f}: {mb:.0f}" for t, mb in picks))
                (folder / out_name).unlink(missing_ok=True)
            (folder / bare_name).unlink(missing_ok=True)
            whole.unlink()
        print(f"\nsummary, {args.format} (target on 2 cores: <= 0.6x the bare encode, <= 250 MB in total, flat; "
              f"with --repeat, the median of the run-by-run ratios):")
        for hours, label, bare, ours in rows:
            wall, cpu = (ours["pair_wall"], ours["pair_cpu"]) if "pair_wall" in ours else (
                ours["elapsed_s"] / bare["elapsed_s"], ours["cpu_s"] / bare["cpu_s"])
            print(f"  {hours:>4g} h  {label:<32} {wall:.3f}x wall  {cpu:.3f}x CPU  "
                  f"sum peak {ours['sum_peak_mb']:.0f} MB  python {ours['python_peak_mb']:.0f} MB  "
                  f"ffmpeg {ours['ffmpeg_peak_mb']:.0f} MB")


if __name__ == "__main__":
    main()
