"""`studio` headless, as a user runs it: real import, real espeak-ng, real ffmpeg, real SQLite."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "resources" / "samples" / "zhaohua-xishi.md"


def studio(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "studio", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or REPO, env=env, timeout=900)


SMALL_BOOK = """第一章 百草园
我家的后面有一个很大的园，相传叫作百草园。
不必说碧绿的菜畦，光滑的石井栏，高大的皂荚树。

第二章 三味书屋
出门向东，不上半里，走过一道石桥，便是我的先生的家了。

第三章 仙台
东京也无非是这样。上野的樱花烂熳的时节，望去确也像绯红的轻云。
"""


@pytest.fixture
def small_book(tmp_path: Path) -> Path:
    path = tmp_path / "small.txt"
    path.write_text(SMALL_BOOK, encoding="gb18030")
    return path


def test_import_prints_the_report(small_book: Path, tmp_path: Path) -> None:
    done = studio("import", small_book, "--project", tmp_path / "proj", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["chapters"] == 3 and report["paragraphs"] == 4
    assert report["encoding"] in ("gb18030", "gbk", "gb2312")
    assert (tmp_path / "proj" / "project.sqlite").is_file()


def test_render_small_book_then_reuse_cache(small_book: Path, tmp_path: Path) -> None:
    from studio.audio import read_chapters

    out = tmp_path / "small.m4b"
    first = studio("render", small_book, "-o", out, "--json")
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert summary["chapters"] == 3 and summary["units_rendered"] == 4 and summary["units_cached"] == 0
    assert "synthesizing" in first.stderr
    marks = read_chapters(out)
    assert [m.title for m in marks] == ["第一章 百草园", "第二章 三味书屋", "第三章 仙台"]
    # Rendering the project again re-synthesizes nothing.
    again = studio("render", tmp_path / "small.studio", "-o", tmp_path / "again.m4b", "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["units_cached"] == 4
    assert json.loads(again.stdout)["units_rendered"] == 0
    # ...and the same command once more finds its output up to date: nothing encoded, the file untouched
    written = (tmp_path / "again.m4b").stat().st_mtime_ns
    third = studio("render", tmp_path / "small.studio", "-o", tmp_path / "again.m4b")
    assert third.returncode == 0, third.stderr
    assert "again.m4b is up to date" in third.stderr and "3 chapters" in third.stdout
    assert (tmp_path / "again.m4b").stat().st_mtime_ns == written


def test_plain_summary_line(small_book: Path, tmp_path: Path) -> None:
    done = studio("render", small_book, "-o", tmp_path / "s.m4b", "--voice", "local-cmn")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("3 chapters, 0:0") and lines[0].endswith("s.m4b")


def _bad_epub(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/epub+zip")
        z.writestr("META-INF/container.xml", """<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>""")
        z.writestr("OEBPS/content.opf", """<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="id">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Broken</dc:title>
<dc:identifier id="id">x</dc:identifier><dc:language>zh</dc:language></metadata>
<manifest><item id="c1" href="missing.xhtml" media-type="application/xhtml+xml"/></manifest>
<spine><itemref idref="c1"/></spine></package>""")
    return path


BAD_INPUTS = {
    "binary": lambda p: (p / "image.txt").write_bytes(bytes(range(256)) * 64) and p / "image.txt",
    "empty": lambda p: (p / "empty.txt").write_bytes(b"") == 0 and p / "empty.txt",
    "zip_not_epub": lambda p: _zip(p / "notes.epub", {"readme.txt": "hello"}),
    "epub_missing_spine_file": lambda p: _bad_epub(p / "broken.epub"),
    "corrupt_docx": lambda p: (p / "broken.docx").write_bytes(b"PK\x03\x04garbage" * 50) and p / "broken.docx",
    "missing_path": lambda p: p / "no-such-book.txt",
}


def _zip(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return path


@pytest.mark.parametrize("kind", sorted(BAD_INPUTS))
@pytest.mark.parametrize("command", ["import", "render"])
def test_bad_input_is_one_clear_line_and_exit_2(kind: str, command: str, tmp_path: Path) -> None:
    bad = BAD_INPUTS[kind](tmp_path)
    args = ["--project", tmp_path / "p"] if command == "import" else ["-o", tmp_path / "x.m4b"]
    done = studio(command, bad, *args)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("studio: error: ")
    assert bad.name in lines[0]
    assert not (tmp_path / "x.m4b").exists()


def test_unknown_voice_and_engine_are_bad_input(small_book: Path, tmp_path: Path) -> None:
    for args in (["--voice", "local-klingon"], ["--engine", "nope"]):
        done = studio("render", small_book, "-o", tmp_path / "v.m4b", *args)
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert ("local-klingon" in done.stderr) or ("nope" in done.stderr)


def test_voices_lists_offline_voices() -> None:
    done = studio("voices", "--json")
    assert done.returncode == 0
    ids = {v["id"] for v in json.loads(done.stdout)}
    assert {"local-cmn", "local-yue", "local-en-us"} <= ids


@pytest.mark.slow
def test_render_the_bundled_sample(tmp_path: Path) -> None:
    """README's main job: the sample renders to an M4B whose chapter marks sit where each chapter starts."""
    from studio.audio import decode_to_pcm, read_chapters

    out = tmp_path / "sample.m4b"
    done = studio("render", SAMPLE, "-o", out, "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["chapters"] == 4
    marks = read_chapters(out)
    assert [m.title for m in marks] == ["小引", "阿长与《山海经》", "从百草园到三味书屋", "藤野先生"]
    starts = [m.start_ms for m in marks]
    assert starts == sorted(set(starts)) and starts[0] == 0
    rate = 8000
    pcm = decode_to_pcm(out, sample_rate=rate)
    assert abs(len(pcm) / rate * 1000 - summary["duration_s"] * 1000) < 100
    for i, mark in enumerate(marks):
        onset = _first_sound_ms(pcm, rate, max(0.0, mark.start_ms - 1000), mark.start_ms + 1000)
        assert abs(onset - mark.start_ms) <= 50, f"chapter {i + 1} starts at {onset} ms, mark at {mark.start_ms}"
        level = _rms_dbfs(pcm[int(mark.start_ms * rate / 1000):int(mark.end_ms * rate / 1000)])
        assert level > -35, f"chapter {i + 1} is too quiet to be speech: {level:.1f} dBFS"
        assert mark.end_ms - mark.start_ms > 60_000  # each essay is minutes long


def _first_sound_ms(pcm: object, rate: int, from_ms: float, to_ms: float, threshold: int = 300) -> float:
    start, stop = int(from_ms * rate / 1000), int(to_ms * rate / 1000)
    for i in range(start, min(stop, len(pcm))):  # type: ignore[arg-type]
        if abs(pcm[i]) > threshold:  # type: ignore[index]
            return i * 1000 / rate
    return to_ms


def _rms_dbfs(samples: object) -> float:
    import math

    n = len(samples)  # type: ignore[arg-type]
    if n == 0:
        return -120.0
    total = sum(s * s for s in samples)  # type: ignore[attr-defined]
    rms = math.sqrt(total / n)
    return 20 * math.log10(rms / 32768) if rms > 0 else -120.0


def test_voices_filters_match_the_catalogue() -> None:
    from studio.core.voices import default_catalogue

    done = studio("voices", "--emotion", "happy", "--sample-rate", "24000", "--json")
    assert done.returncode == 0, done.stderr
    ids = [v["id"] for v in json.loads(done.stdout)]
    expected = [v.id for v in default_catalogue().query(emotion="happy", sample_rate=24000)]
    assert ids == expected and ids  # the multi-emotion voices that offer 24 kHz
    assert all("happy" in v["emotions"] for v in json.loads(done.stdout))


def test_dry_run_status_and_export_through_the_studio_command(small_book: Path, tmp_path: Path) -> None:
    """The subcommands a user types: a dry run sends nothing, status follows the render, export writes MP3."""
    from studio.audio import read_chapters

    project = tmp_path / "p.studio"
    assert studio("import", small_book, "--project", project).returncode == 0
    dry = studio("render", project, "-o", tmp_path / "x.m4b", "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    assert not (tmp_path / "x.m4b").exists()
    plan = json.loads(dry.stdout)
    assert len(plan["units"]) == 4 and plan["engines"]["local"]["to_render_units"] == 4
    before = studio("status", project, "--json")
    assert before.returncode == 0, before.stderr
    assert studio("render", project, "-o", tmp_path / "x.mp3").returncode == 0
    after = studio("status", project, "--json")
    units = json.loads(after.stdout)["units"]
    assert len(units) == 4 and {u["state"] for u in units} == {"done"}
    out = tmp_path / "book.mp3"
    done = studio("export", project, "-o", out, "--subtitles", "srt")
    assert done.returncode == 0, done.stderr
    assert [m.title for m in read_chapters(out)] == ["第一章 百草园", "第二章 三味书屋", "第三章 仙台"]
    assert out.with_suffix(".srt").read_text(encoding="utf-8").startswith("1\n")
