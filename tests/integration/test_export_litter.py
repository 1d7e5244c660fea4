"""A killed export leaves staging and scratch folders behind; the next export removes them, and only them.

The kill is real: an export runs in a child process (its own session, so its ffmpeg goes down with it) and
gets SIGKILL while ffmpeg is encoding. The next export into the same folder finds the dead export's
``.book.m4b.export-*`` staging folder and its ``studio-export-*`` scratch folder, sees that no process
holds their owner lock any more, and removes them. A live export's folders (another process holding
the lock) and young folders without an owner file are left alone.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from studio.audio.export import ExportOptions, export_audiobook
from studio.audio.staging import OWNER_FILE
from studio.audio.stitch import ChapterAudio
from studio.audio.tags import BookInfo
from tests.integration.test_export_support import cli_export, seeded_project, tone_piece

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL and process groups are POSIX")

_CHILD = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    import studio.audio.decode_ahead as chapter_pcm
    import studio.audio.encode as encode_module
    from studio.audio.export import ExportOptions, export_audiobook
    from studio.audio.stitch import ChapterAudio
    from studio.audio.tags import BookInfo
    out, scratch, pieces = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    real_feed = encode_module.feed_spans
    def stalling_feed(fd, spans, fmt, **kwargs):
        # half the book goes to ffmpeg, then the export stalls mid-encode until it is killed
        spans = list(spans)
        real_feed(fd, spans[:len(spans) // 2], fmt, **kwargs)
        print("encoding", flush=True)
        time.sleep(600)
    encode_module.feed_spans = stalling_feed
    chapter_pcm.feed_spans = stalling_feed  # M4B books are encoded chapter by chapter (a pipe: WAV pieces)
    chapters = [ChapterAudio(f"第{n + 1}章", [Path(p)]) for n, p in enumerate(pieces)]
    export_audiobook(chapters, Path(out), BookInfo("书"), ExportOptions(format="m4b", loudness=None, jobs=1),
                     temp_dir=Path(scratch))
""")
_DEADLINE_S = 120.0  # generous: CI machines are busy; the child normally reaches the encode in ~1 s


@pytest.fixture(scope="module")
def pieces(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Four chapters of 10 s, at 16 kHz (converted to 22.05 kHz first, so there are scratch files) and
    22.05 kHz."""
    root = tmp_path_factory.mktemp("litter")
    return [tone_piece(root / f"{n}.wav", [10_000], rate=16000 if n % 2 else 22050, amplitude=9000).piece.path
            for n in range(4)]


def _kill_mid_encode(out: Path, scratch: Path, pieces: list[Path]) -> None:
    """Run the child until ffmpeg has half the book, then SIGKILL the child and its ffmpeg."""
    proc = subprocess.Popen([sys.executable, "-c", _CHILD, str(out), str(scratch),
                             json.dumps([str(p) for p in pieces])],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            cwd=Path(__file__).resolve().parents[2])
    assert proc.stdout is not None and proc.stderr is not None
    try:
        ready, _, _ = select.select([proc.stdout], [], [], _DEADLINE_S)
        line = proc.stdout.readline() if ready else b""
        assert line == b"encoding\n", f"the export did not reach the encode: {line!r}"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdout.close()
        if proc.returncode != -signal.SIGKILL:
            print(proc.stderr.read().decode(errors="replace")[-3000:])
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL


def test_next_export_removes_what_a_killed_export_left(pieces: list[Path], tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    out_dir, scratch = tmp_path / "out", tmp_path / "scratch"
    out_dir.mkdir()
    scratch.mkdir()
    out = out_dir / "book.m4b"
    _kill_mid_encode(out, scratch, pieces)
    staged = [p for p in out_dir.iterdir() if p.name.startswith(".book.m4b.export-")]
    left_scratch = [p for p in scratch.iterdir() if p.name.startswith("studio-export-")]
    assert len(staged) == 1 and (staged[0] / OWNER_FILE).is_file(), list(out_dir.iterdir())
    assert len(left_scratch) == 1 and (left_scratch[0] / "converted").is_dir()
    assert not out.exists()

    # the next export: `studio export` of a project to the same place, its scratch in the same temp folder
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    project = seeded_project(tmp_path / "book.studio", [("第一章", ("aliyun", "xiaoyun", 16000, [1500.0]))])
    code, _out, err = cli_export(project, "-o", str(out), "--no-loudness")
    assert code == 0, err
    assert [p.name for p in out_dir.iterdir()] == ["book.m4b"]
    assert list(scratch.iterdir()) == []


def test_a_live_exports_folders_are_left_alone(pieces: list[Path], tmp_path: Path) -> None:
    """Another process owns a staging folder beside the output: it survives our export, then goes away."""
    owner = subprocess.Popen(
        [sys.executable, "-c", "import sys; from pathlib import Path; from studio.audio.staging import staging_folder;"
         " f = staging_folder(Path(sys.argv[1]), 'book.m4b'); print(f.path, flush=True); sys.stdin.read();"
         " f.remove()", str(tmp_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=Path(__file__).resolve().parents[2])
    assert owner.stdout is not None and owner.stdin is not None
    try:
        ready, _, _ = select.select([owner.stdout], [], [], _DEADLINE_S)
        assert ready, "the owner process did not start"
        live = Path(owner.stdout.readline().decode().strip())
        legacy = tmp_path / ".book.m4b.export-0badc0de"  # an older version's folder, no owner file, young
        legacy.mkdir()
        old = tmp_path / ".book.m4b.export-00c0ffee"  # the same, but days old
        old.mkdir()
        os.utime(old, (time.time() - 5 * 24 * 3600,) * 2)
        other = tmp_path / ".notes.export-keep"  # not a name we make: never ours to remove
        other.mkdir()
        chapters = [ChapterAudio("第1章", [pieces[0]])]
        export_audiobook(chapters, tmp_path / "book.m4b", BookInfo("书"), ExportOptions(loudness=None))
        assert live.is_dir() and (live / OWNER_FILE).is_file()
        assert legacy.is_dir() and other.is_dir() and not old.exists()
    finally:
        owner.stdin.close()
        owner.wait(timeout=30)
        owner.stdout.close()
    assert not live.exists()
