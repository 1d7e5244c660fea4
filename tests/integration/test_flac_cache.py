"""The render cache holds FLAC (decision 0015): a render stores FLAC, not WAV, in about half the space; the book
exported from it has exactly the samples of the same book exported from a WAV cache; a project whose cache is
WAV (rendered before) exports and renders again without paying the vendor for anything.

Real offline engine (espeak), real vendor emulator over HTTP, real ffmpeg, real SQLite.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from studio.audio import decode_to_pcm
from studio.audio.export import ExportOptions
from studio.audio.ffmpeg import ffmpeg_exe
from studio.audio.timeline import Gaps
from studio.audio.wavinfo import read_audio_info, read_flac_info, read_wav_info
from studio.core.book import Book, Chapter, Paragraph, VoiceSettings
from studio.core.project import Project
from studio.engines.registry import EngineSet
from studio.render.cache_compact import compact_cache
from studio.render.export_book import export_project
from studio.render.plan import plan_book
from studio.render.runner import render_plan
from tests.cached_units import as_wav_cache
from tests.emulator import VendorEmulator

TEXTS = [["我家的后面有一个很大的园。相传叫作百草园。", "不必说碧绿的菜畦，光滑的石井栏。",
          "单是周围的短短的泥墙根一带，就有无限趣味。"],
         ["出门向东，不上半里。走过一道石桥，便是我的先生的家了。", "从一扇黑油的竹门进去，第三间是书房。"]]
#: Sentence gaps make the exporter cut pieces at their quietest point: that reads the FLAC in place too.
GAPS = Gaps(sentence_ms=250, paragraph_ms=600, heading_ms=800, chapter_ms=1500)


def _book(voice: VoiceSettings) -> Book:
    return Book("朝花", author="鲁迅", voice=voice,
                chapters=[Chapter(f"第{c + 1}章", [Paragraph(t) for t in texts]) for c, texts in enumerate(TEXTS)])


def _units(folder: Path) -> list[Path]:
    return sorted(p for p in (folder / "cache").iterdir() if p.is_file())


def test_a_render_stores_flac_and_exports_the_samples_a_wav_cache_exports(tmp_path: Path) -> None:
    flac_folder = tmp_path / "flac.studio"
    with Project.create(flac_folder, _book(VoiceSettings(engine="local", voice="local-cmn"))) as project, \
            EngineSet() as engines:
        render_plan(plan_book(project.load_book()), project, engines)
    units = _units(flac_folder)
    assert len(units) == 5 and {p.suffix for p in units} == {".flac"}
    infos = [read_flac_info(p) for p in units]
    pcm_bytes = sum(i.frames * i.format.frame_size for i in infos)
    assert sum(p.stat().st_size for p in units) < 0.75 * pcm_bytes  # speech: about half

    wav_folder = tmp_path / "wav.studio"
    shutil.copytree(flac_folder, wav_folder)
    assert as_wav_cache(wav_folder) == 5
    for flac, wav in zip(units, _units(wav_folder), strict=True):
        assert wav.suffix == ".wav" and read_wav_info(wav).frames == read_flac_info(flac).frames
        assert decode_to_pcm(wav) == decode_to_pcm(flac)

    outputs: dict[str, dict[str, Path]] = {}
    for name, folder in (("flac", flac_folder), ("wav", wav_folder)):
        with Project.open(folder) as project:
            for fmt in ("wav", "m4b"):
                out = tmp_path / f"{name}.{fmt}"
                done = export_project(project, out, ExportOptions(format=fmt, gaps=GAPS, jobs=2))
                assert done.units_rendered == 0 and done.units_cached == 5
                outputs.setdefault(name, {})[fmt] = out
    flac_wav, wav_wav = read_wav_info(outputs["flac"]["wav"]), read_wav_info(outputs["wav"]["wav"])
    assert flac_wav.frames == wav_wav.frames > sum(i.frames for i in infos)  # the gaps were added
    assert outputs["flac"]["wav"].read_bytes() == outputs["wav"]["wav"].read_bytes()
    assert decode_to_pcm(outputs["flac"]["m4b"]) == decode_to_pcm(outputs["wav"]["m4b"])


def test_an_old_wav_cache_exports_and_renders_again_without_paying(
        start_emulator: Callable[..., VendorEmulator], tmp_path: Path) -> None:
    emu = start_emulator(seed=20, time_scale=0.02)
    folder = tmp_path / "old.studio"
    with Project.create(folder, _book(VoiceSettings(engine="aliyun", voice="zhimi_emo"))) as project, \
            EngineSet() as engines:
        render_plan(plan_book(project.load_book()), project, engines)
    as_wav_cache(folder)  # a project rendered before the cache held FLAC
    old = {p: p.stat().st_mtime_ns for p in _units(folder)}
    assert len(old) == 5 and {p.suffix for p in old} == {".wav"}
    paid = len(emu.submitted_texts())

    with Project.open(folder) as project:
        done = export_project(project, tmp_path / "book.m4b", ExportOptions(jobs=2))
        assert done.units_rendered == 0 and done.units_cached == 5
        with EngineSet() as engines:
            pieces = render_plan(plan_book(project.load_book()), project, engines)
        assert {p.audio_path for p in pieces} == set(old)  # the WAVs are the cache: nothing fetched again
    assert len(emu.submitted_texts()) == paid
    assert {p: p.stat().st_mtime_ns for p in _units(folder)} == old
    chapters = done.export.files[0].chapters
    assert [c.title for c in chapters] == ["第1章", "第2章"]

    # An edited paragraph is the one unit paid for again, stored as FLAC beside the WAVs; the book mixes both.
    with Project.open(folder) as project:
        book = project.load_book()
        book.chapters[1].paragraphs[1].text = "从一扇黑油的竹门进去，第三间是书房，中间挂着一块匾。"
        project.save_book(book)
        again = export_project(project, tmp_path / "edited.m4b", ExportOptions(jobs=2))
    assert again.units_rendered == 1 and len(emu.submitted_texts()) == paid + 1
    kinds = sorted(p.suffix for p in _units(folder))
    assert kinds.count(".flac") == 1 and kinds.count(".wav") == 5
    new = next(p for p in _units(folder) if p.suffix == ".flac")
    assert read_audio_info(new).frames > 0
    edited = again.export.files[0]
    assert [c.title for c in edited.chapters] == ["第1章", "第2章"]
    assert edited.chapters[1].start_ms == chapters[1].start_ms  # chapter 1 is the same audio: same mark

    # `studio compact`: the old WAVs become FLAC on request; nothing is sent, the book stays the same samples.
    with Project.open(folder) as project:
        compacted = compact_cache(project)
        assert compacted.files == 5 and compacted.bytes_after < 0.75 * compacted.bytes_before
        assert {p.suffix for p in _units(folder)} == {".flac"}
        same = export_project(project, tmp_path / "compacted.m4b", ExportOptions(jobs=2))
        stray = _units(folder)[0].with_suffix(".wav")  # a run killed between its commit and deleting the WAV
        stray.write_bytes(b"RIFF")
        assert compact_cache(project).files == 0 and not stray.exists()
    assert same.units_rendered == 0 and len(emu.submitted_texts()) == paid + 1
    assert decode_to_pcm(tmp_path / "compacted.m4b") == decode_to_pcm(tmp_path / "edited.m4b")


@pytest.mark.expect_log(r"^keeping \.staging-\S+\.wav as WAV: it could not be stored as FLAC", logger="studio.render")
def test_a_unit_ffmpeg_cannot_compress_is_kept_as_wav(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "ffmpeg"
    broken.write_text("#!/bin/sh\necho 'broken build' >&2\nexit 1\n", encoding="utf-8")
    broken.chmod(0o755)
    monkeypatch.setenv("STUDIO_FFMPEG", str(broken))
    ffmpeg_exe.cache_clear()
    try:
        book = Book("朝花", voice=VoiceSettings(engine="local", voice="local-cmn"),
                    chapters=[Chapter("第1章", [Paragraph(TEXTS[0][0])])])
        with Project.create(tmp_path / "p", book) as project, EngineSet() as engines:
            pieces = render_plan(plan_book(project.load_book()), project, engines)
    finally:
        monkeypatch.delenv("STUDIO_FFMPEG")
        ffmpeg_exe.cache_clear()
    assert [p.audio_path.suffix for p in pieces] == [".wav"]  # a bigger cache, never a lost unit
    assert read_wav_info(pieces[0].audio_path).frames > 0
    assert [p.name for p in _units(tmp_path / "p")] == [pieces[0].audio_path.name]  # no staging litter
