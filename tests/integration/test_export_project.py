"""A project exported end to end with the real offline engine (espeak-ng), as `studio export` runs it.

Spoken chapter titles go through the same render path and cache as the text; sentence gaps cut espeak's
audio at its own sentence timestamps; subtitles land on the speech in the finished file.
"""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest
from mutagen.id3 import ID3

from studio.audio import decode_to_pcm, read_chapters
from studio.audio.cuesheet import read_cue
from studio.audio.export import ExportOptions
from studio.audio.subtitles import parse_srt
from studio.audio.timeline import Gaps
from studio.cli.export import add_export_parser, run_export
from studio.core.book import Book, Chapter, Paragraph
from studio.core.project import Project
from studio.engines.registry import EngineOptions
from studio.render.export_book import export_project
from tests.integration.test_export_support import first_sound_ms

RATE = 22050
CHAPTERS = {
    "第一章 百草园": ["我家的后面有一个很大的园。相传叫作百草园。", "不必说碧绿的菜畦！也不必说高大的皂荚树。"],
    "第二章 三味书屋": ["出门向东，不上半里，走过一道石桥。便是我的先生的家了。"],
}


@pytest.fixture(scope="module")
def project_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("proj") / "book.studio"
    book = Book(title="朝花夕拾", author="鲁迅", metadata={"date": "1928-09-01", "description": "散文"},
                chapters=[Chapter(title, [Paragraph(t) for t in texts]) for title, texts in CHAPTERS.items()])
    Project.create(folder, book).close()
    return folder


def test_spoken_titles_sentence_gaps_and_subtitles(project_dir: Path, tmp_path: Path,
                                                   record_property: object) -> None:
    options = ExportOptions(format="mp3", gaps=Gaps(sentence_ms=300, paragraph_ms=700, heading_ms=900,
                                                    chapter_ms=1500), subtitles=("srt",))
    with Project.open(project_dir) as project:
        done = export_project(project, tmp_path / "book.mp3", options, spoken_titles=True,
                              engine_options=EngineOptions(local_workers=2),
                              info={"narrator": "espeak-ng"})
    assert done.units_rendered == 5 and done.chapters == 2  # 3 paragraphs + 2 titles
    file = done.export.files[0]
    tag = ID3(file.path)
    assert tag["TIT2"].text == ["朝花夕拾"] and tag["TCOM"].text == ["espeak-ng"]
    assert str(tag.getall("TDRC")[0].text[0]) == "1928"  # from the book's date
    assert [m.title for m in read_chapters(file.path)] == list(CHAPTERS)
    srt = parse_srt(next(p for p in file.extras if p.suffix == ".srt").read_text(encoding="utf-8"))
    texts = [t for _, _, t in srt]
    assert texts[0] == "第一章 百草园" and "第二章 三味书屋" in texts
    assert texts[1:3] == ["我家的后面有一个很大的园。", "相传叫作百草园。"]
    # each chapter's mark is its spoken title's first sound; each cue starts on its sentence's speech
    pcm = decode_to_pcm(file.path, sample_rate=RATE)
    for mark in file.chapters:
        onset = first_sound_ms(pcm, RATE, mark.start_ms - 500, mark.start_ms + 1000, 300)
        assert -1 <= onset - mark.start_ms <= 60, (mark, onset)
    errors = []
    for start, _end, _text in srt:
        onset = first_sound_ms(pcm, RATE, start - 40, start + 400, 300)
        errors.append(round(onset - start, 1))
    record_property("espeak_cue_onset_errors_ms", errors)  # type: ignore[operator]
    print(f"cue start -> speech onset (ms): {errors}")
    assert all(-40 <= e <= 50 for e in errors), errors
    # sentence gaps really are there: the silence before each cut sentence is at least the gap
    assert file.integrated_lufs is not None and abs(file.integrated_lufs - -18) <= 1


def test_cli_export_json_reuses_the_cache(project_dir: Path, tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    add_export_parser(parser.add_subparsers(dest="command"))
    out, err = io.StringIO(), io.StringIO()
    args = parser.parse_args(["export", str(project_dir), "-o", str(tmp_path / "book.flac"), "--json",
                              "--loudness", "acx", "--gaps", "paragraph=1s,chapter=2s", "--subtitles", "lrc",
                              "--title", "朝花夕拾（节选）"])
    assert run_export(args, out, err) == 0, err.getvalue()
    payload = json.loads(out.getvalue())
    assert payload["units_rendered"] == 0 and payload["units_cached"] == 3
    assert payload["mastering"]["preset"] == "acx" and payload["mastering"]["target_lufs"] == -20.0
    (file,) = payload["files"]
    assert [Path(p).suffix for p in file["extras"]] == [".cue", ".lrc"]
    assert [c["title"] for c in payload["chapters"]] == list(CHAPTERS)
    assert all(c["integrated_lufs"] is not None and c["true_peak_dbtp"] <= -3.0 for c in payload["chapters"])
    cue = read_cue(Path(file["extras"][0]))
    assert cue.title == "朝花夕拾（节选）" and [t.title for t in cue.tracks] == list(CHAPTERS)


def test_cli_export_plain_output_prints_the_loudness_table(project_dir: Path, tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    add_export_parser(parser.add_subparsers(dest="command"))
    out, err = io.StringIO(), io.StringIO()
    args = parser.parse_args(["export", str(project_dir), "-o", str(tmp_path / "files"), "--format", "chapters",
                              "--chapter-format", "m4a", "--no-loudness"])
    assert run_export(args, out, err) == 0, err.getvalue()
    first = out.getvalue().splitlines()[0]
    assert first.startswith(str(tmp_path / "files" / "01 - 第一章 百草园.m4a")) and "(1 chapter, 0:00:" in first
    table = err.getvalue()
    assert "LUFS" in table and "第二章 三味书屋" in table and "unchanged" in table


@pytest.mark.parametrize("suffix", [".mp3", ".flac"])
def test_render_picks_the_format_from_the_extension(project_dir: Path, tmp_path: Path, suffix: str) -> None:
    with Project.open(project_dir) as project:
        result = export_project(project, tmp_path / f"book{suffix}")
    assert result.output.suffix == suffix and result.chapters == 2
    assert result.export.gain.mode in ("linear", "limited")  # normalized by default, as `studio render`
    assert [c.title for c in result.export.chapters] == list(CHAPTERS)
    with Project.open(project_dir) as project:
        plain = export_project(project, tmp_path / f"plain{suffix}", ExportOptions(format=suffix[1:], loudness=None))
    assert plain.export.gain.mode == "none"  # the dialog's unticked box
