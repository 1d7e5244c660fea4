"""A 55-hour, 3,000-chapter M4B is written in flat memory (issue 19): ffmpeg's muxer needed ~85 bytes per AAC
frame (359 MB for 55 hours), our writer 4 bytes (the sample-size table) and a few blocks.

No 50-hour encode: the chunks are made of a few real AAC frames repeated (mostly the 4-byte frames of digital
silence, so the files stay small), laid out as the chunked export lays them out. The writer runs in a fresh
interpreter so its peak RSS (imports included) is its own (``VmHWM``: on Linux ``ru_maxrss`` would report the
pytest process's RSS, which the child's memory starts as before exec); ffmpeg and mutagen then read the book back.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from mutagen.mp4 import MP4

from studio.audio import read_chapters
from studio.audio.aac_join import AAC_FRAME
from studio.audio.ffmpeg import ffmpeg_exe, run_ffmpeg

REPO = Path(__file__).resolve().parents[2]
RATE = 22050
#: the book of decision 0016's measurement; past 2**32 samples, so every duration needs its 64-bit header field
HOURS = 55
CHAPTERS = 3000
#: far below the 250 MB the whole export may use, and below ffmpeg's ~330 MB for the same mux
MAX_PEAK_MB = 80

_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from studio.audio.mp4_movie import BookContent
from studio.audio.mp4_writer import write_mp4

job = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
chunks = [(Path(p), n) for p, n in job["chunks"]]
content = BookContent(b"M4B ", job["rate"], job["samples"], [(s, f"第{i + 1}章") for i, s in enumerate(job["starts"])],
                      {"title": "长书", "album": "长书", "media_type": "2"})
started = time.monotonic()
write_mp4(chunks, Path(job["output"]), content)
elapsed = time.monotonic() - started
try:  # this process's own peak: Linux carries the parent's into ru_maxrss across fork and exec
    status = Path("/proc/self/status").read_text()
    peak = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024
except (OSError, StopIteration):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 * 1024)  # macOS: bytes
print(json.dumps({"peak_mb": peak, "elapsed_s": elapsed}))
"""


def _frames(path: Path) -> list[bytes]:
    data = path.read_bytes()
    frames, at = [], 0
    while at < len(data):
        length = int.from_bytes(data[at + 3:at + 6], "big") >> 5 & 0x1FFF
        frames.append(data[at:at + length])
        at += length
    return frames


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="the resource module is POSIX only")
def test_fifty_five_hours_of_frames_in_flat_memory(tmp_path: Path, record_property: object) -> None:
    sample = tmp_path / "sample.aac"
    run_ffmpeg(["-f", "lavfi", "-i", f"sine=f=441:d=1:r={RATE}", "-f", "lavfi", "-i", f"anullsrc=r={RATE}:cl=mono",
                "-filter_complex", "[1]atrim=duration=1[s];[0][s]concat=n=2:v=0:a=1", "-c:a", "aac", "-b:a", "64k",
                "-f", "adts", str(sample)])
    frames = _frames(sample)
    tone, silence = frames[3:8], frames[-2]
    per_chunk = -(-HOURS * 3600 * RATE // AAC_FRAME // CHAPTERS) + 2  # each join drops two frames
    body = b"".join(tone) + silence * (per_chunk - len(tone))
    chunks = []
    for n in range(CHAPTERS):
        path = tmp_path / f"chunk{n:04d}.aac"
        path.write_bytes(body)
        chunks.append((str(path), (per_chunk - 1) * AAC_FRAME))  # the encoder wrote per_chunk frames for these
    kept = CHAPTERS * per_chunk - 2 * (CHAPTERS - 1)
    samples = (kept - 1) * AAC_FRAME - 777  # the last frame's padding hidden too
    starts = [n * (samples // CHAPTERS) for n in range(CHAPTERS)]
    output = tmp_path / "long.m4b"
    job = {"chunks": chunks, "rate": RATE, "samples": samples, "starts": starts, "output": str(output)}

    (tmp_path / "job.json").write_text(json.dumps(job), encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", _CHILD, str(tmp_path / "job.json")], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=600)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    record_property("mp4_writer_peak_rss_mb", round(figures["peak_mb"], 1))  # type: ignore[operator]
    record_property("mp4_writer_elapsed_s", round(figures["elapsed_s"], 1))  # type: ignore[operator]
    print(f"\n{kept:,} AAC frames ({samples / RATE / 3600:.1f} h), {CHAPTERS} chapters: writer peak RSS "
          f"{figures['peak_mb']:.0f} MB, {figures['elapsed_s']:.1f} s, file {output.stat().st_size / 1e6:.0f} MB")
    assert figures["peak_mb"] < MAX_PEAK_MB, figures
    assert samples / RATE > HOURS * 3600 and samples > 2**32

    marks = read_chapters(output)  # ffmpeg, from the QuickTime chapter track
    assert len(marks) == CHAPTERS and marks[-1].title == f"第{CHAPTERS}章"
    assert abs(marks[-1].end_ms - samples * 1000 / RATE) < 0.05
    assert abs(marks[1234].start_ms - starts[1234] * 1000 / RATE) < 0.05
    said = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(output)], capture_output=True, text=True,
                          timeout=120).stderr
    found = re.search(r"Duration: (\d+):(\d\d):(\d\d\.\d\d)", said)
    assert found is not None, said[:2000]
    hours, minutes, seconds = found.groups()
    assert abs(int(hours) * 3600 + int(minutes) * 60 + float(seconds) - samples / RATE) < 0.02
    mp4 = MP4(output)
    assert mp4.chapters is None  # 3,000 chapters: no Nero list that would stop at 255
    assert abs(mp4.info.length - kept * AAC_FRAME / RATE) < 0.01  # mutagen: the media with priming and padding
