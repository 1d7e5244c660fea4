"""The render pipeline (issue 20): chapters are encoded while the rest of the book renders, so the export's
last step only joins; the result equals an export that encoded after the render; a killed pipelined render
run again does not encode the chapters it had finished.

Real project, real offline engine (espeak) for the paragraphs that are not in the cache yet, real ffmpeg.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from studio.audio import decode_to_pcm
from studio.audio.chunk_encode import ENCODES
from studio.audio.chunked_book import ENCODED_CHUNKS
from studio.audio.export import ExportOptions
from studio.core.project import Project
from studio.render.export_book import ENCODED_DIR, export_project
from tests.integration.test_export_support import seeded_project

CHAPTERS = [("第一章", ("local", None, 22050, [1800.0, 1200.0])), ("第二章", ("local", None, 22050, [2500.0])),
            ("第三章", ("local", None, 22050, [900.0, 1500.0])), ("第四章", ("local", None, 22050, [1300.0]))]


def _project(folder: Path, edited: tuple[int, ...]) -> Path:
    """A rendered project whose listed chapters have one paragraph edited since: those need the engine."""
    seeded_project(folder, CHAPTERS)  # type: ignore[arg-type]
    with Project.open(folder) as project:
        book = project.load_book()
        for ci in edited:
            book.chapters[ci].paragraphs[0].text = f"{book.chapters[ci].title}，改过的一段。"
        project.save_book(book)
    return folder


@pytest.mark.parametrize("fmt", ["m4b", "mp3"])
def test_pipelined_export_only_joins_at_the_end_and_equals_a_sequential_one(tmp_path: Path, fmt: str) -> None:
    piped = _project(tmp_path / "piped.studio", (1, 3))
    plain = _project(tmp_path / "plain.studio", (1, 3))
    all_encodes, final_encodes = sum(ENCODES.values()), sum(ENCODED_CHUNKS.values())
    with Project.open(piped) as project:
        done = export_project(project, tmp_path / f"piped.{fmt}", ExportOptions(format=fmt, jobs=2))
    assert done.units_rendered == 2 and done.encoded_ahead == len(CHAPTERS)
    assert sum(ENCODED_CHUNKS.values()) == final_encodes  # the last step encoded nothing: it joined
    assert sum(ENCODES.values()) - all_encodes == len(CHAPTERS)
    assert done.first_chapter_s is not None
    with Project.open(plain) as project:
        after = export_project(project, tmp_path / f"plain.{fmt}", ExportOptions(format=fmt, jobs=2), pipelined=False)
    ours, theirs = done.export.files[0], after.export.files[0]
    assert [(m.title, round(m.start_ms, 3)) for m in ours.chapters] == \
        [(m.title, round(m.start_ms, 3)) for m in theirs.chapters]
    assert [c.integrated_lufs for c in done.export.chapters] == [c.integrated_lufs for c in after.export.chapters]
    # espeak is deterministic: the same units, the same chunks, the same samples
    assert decode_to_pcm(ours.path) == decode_to_pcm(theirs.path)


_CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from studio.audio.export import ExportOptions
    from studio.core.project import Project
    from studio.render.export_book import export_project
    folder, out = Path(sys.argv[1]), Path(sys.argv[2])
    encoded = folder / "cache" / "encoded"

    def stall(event):
        # the chapters already rendered are being encoded ahead; once one is in the cache the render stalls
        # (as if waiting for the vendor) until the test kills the process
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not list(encoded.glob("[0-9a-f]*.aac")):
            time.sleep(0.05)
        print("encoded", flush=True)
        time.sleep(600)

    with Project.open(folder) as project:
        export_project(project, out, ExportOptions(jobs=2), render_progress=stall)
""")


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL and process groups are POSIX")
def test_a_killed_pipelined_render_does_not_encode_finished_chapters_again(tmp_path: Path) -> None:
    folder = _project(tmp_path / "book.studio", (2,))
    out = tmp_path / "book.m4b"
    proc = subprocess.Popen([sys.executable, "-c", _CHILD, str(folder), str(out)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True, cwd=Path(__file__).resolve().parents[2])
    assert proc.stdout is not None and proc.stderr is not None
    try:
        ready, _, _ = select.select([proc.stdout], [], [], 180)
        line = proc.stdout.readline() if ready else b""
        assert line == b"encoded\n", proc.stderr.read().decode(errors="replace")[-2000:] if not ready else line
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdout.close()
        proc.stderr.close()
    finished = len(list((folder / "cache" / ENCODED_DIR).glob("[0-9a-f]*.aac")))
    assert finished >= 1 and not out.exists()

    before = sum(ENCODES.values())
    with Project.open(folder) as project:
        done = export_project(project, out, ExportOptions(jobs=2))
    assert sum(ENCODES.values()) - before == len(CHAPTERS) - finished
    assert [m.title for m in done.export.files[0].chapters] == [t for t, _ in CHAPTERS]
    assert [p.name for p in (folder / "cache" / ENCODED_DIR).iterdir() if p.name.startswith(".")] == []
