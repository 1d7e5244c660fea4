"""ACX completeness: opening/closing credits, the retail sample and the head room tone, measured on real files.

A tone book (seeded cache) plus credits spoken by the offline engine: `studio export --preset acx` refuses while
the credits have no audio, renders them with --render-missing, writes them as the first and last files, cuts a
retail sample, and every file passes every ACX rule the compliance report measures (real ffmpeg, mutagen).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mutagen.mp3 import MP3

from studio.audio import decode_to_pcm
from studio.audio.compliance import check_acx, preset_options
from studio.audio.export import export_audiobook
from studio.audio.retail_sample import SampleLength, choose_sample
from studio.audio.stitch import ChapterAudio
from studio.audio.tags import BookInfo
from studio.audio.timeline import Gaps
from studio.core.project import Project
from studio.render.credits_plan import CLOSING_CREDITS, OPENING_CREDITS
from tests.integration.test_export_support import cli_export, seeded_project, tone_piece

PARAGRAPH_MS = 25_000.0


@pytest.fixture(scope="module")
def acx_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("acxbook")
    return seeded_project(root / "p", [("One", ("local", None, 22050, [PARAGRAPH_MS] * 4)),
                                       ("Two", ("local", None, 22050, [PARAGRAPH_MS] * 4))])


def _credit_texts(project: Path) -> dict[int, str]:
    """The credit texts of the units the project has audio for (what was spoken)."""
    from studio.render.credits_plan import credit_units
    from studio.render.export_book import book_credits, book_info
    from studio.render.job_store import plan_project

    with Project.open(project) as p:
        book = p.load_book()
        units = credit_units(book, book_credits(p, book, book_info(book)), plan_project(p, book))
        return {u.paragraph_index: u.request.paragraphs[0] for u in units if p.rendered_unit(u.cache_key)}


@pytest.mark.expect_log(r"have no audio yet", logger="studio.cli.export")
def test_acx_export_credits_sample_and_every_rule(acx_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "acx"
    code, _, err = cli_export(acx_project, "-o", str(out), "--preset", "acx")
    assert code == 2 and "opening credits" in err and "closing credits" in err and "--render-missing" in err, err
    assert not out.exists()

    code, stdout, err = cli_export(acx_project, "-o", str(out), "--preset", "acx", "--render-missing", "--json")
    assert code == 0, err
    payload = json.loads(stdout)
    assert payload["units_rendered"] == 2 and payload["credits"] is True  # only the two credits were synthesized
    names = [Path(f["path"]).name for f in payload["files"]]
    assert names == ["01 - Opening credits.mp3", "02 - One.mp3", "03 - Two.mp3", "04 - Closing credits.mp3"]
    sample = Path(payload["retail_sample"])
    assert sample == out / "Retail sample.mp3" and sample.is_file()
    report = payload["compliance"]
    failed = [r for r in report["rules"] if r["status"] == "fail"]
    assert report["passed"], failed
    assert not [r for r in report["rules"] if r["status"] == "manual"]
    by_file: dict[str, set[str]] = {}
    for r in report["rules"]:
        by_file.setdefault(r["file"], set()).add(r["rule"])
    for name in [*names, sample.name]:  # every file measured against every per-file rule
        assert {"MP3, 192 kbps CBR", "sample rate 44.1 kHz", "RMS between -23 and -18 dB", "peak at most -3 dB",
                "noise floor at most -60 dB", "room tone at the head 0.5-1 s", "room tone at the tail 1-5 s",
                "room tone is noise, not digital silence", "at most 120 min"} <= by_file[name], name
    assert "retail sample of 1-5 min" in by_file[sample.name]
    # the sample: from the start of the story (no credits), cut at the first paragraph past 3 minutes
    seconds = MP3(sample).info.length
    assert 180 <= seconds <= 215, seconds
    info = MP3(out / names[0]).info
    assert (info.sample_rate, info.channels) == (44100, 1)

    texts = _credit_texts(acx_project)
    assert set(texts) == {OPENING_CREDITS, CLOSING_CREDITS}
    for text in texts.values():  # title, author and an honest narrator (the offline voice, named as synthetic)
        assert "混合" in text and "作者" in text and "合成语音" in text, text
    assert texts[CLOSING_CREDITS].startswith("全书完")


def test_edited_credits_render_only_the_credits(acx_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "edited"
    code, stdout, err = cli_export(acx_project, "-o", str(out), "--preset", "acx", "--no-retail-sample",
                                   "--opening-credits", "《混合》。作者：作者。演播：合成语音，由作者编辑。",
                                   "--render-missing", "--json")
    assert code == 0, err
    assert "stored in the project: opening credits set" in err
    payload = json.loads(stdout)
    assert payload["units_rendered"] == 1 and "retail_sample" not in payload
    assert _credit_texts(acx_project)[OPENING_CREDITS].endswith("由作者编辑。")
    # stored: the next export speaks the same text (nothing to render), and --no-credits leaves them out
    code, stdout, err = cli_export(acx_project, "-o", str(tmp_path / "again"), "--preset", "acx",
                                   "--no-retail-sample", "--json")
    assert code == 0 and json.loads(stdout)["units_rendered"] == 0, err
    code, stdout, err = cli_export(acx_project, "-o", str(tmp_path / "bare"), "--preset", "acx", "--no-credits",
                                   "--no-retail-sample", "--json")
    assert code == 0, err
    assert [Path(f["path"]).name for f in json.loads(stdout)["files"]] == ["01 - One.mp3", "02 - Two.mp3"]


@pytest.mark.parametrize("suffix", [".m4b", ".mp3"])
def test_a_book_with_credits_has_them_as_first_and_last_chapters(acx_project: Path, tmp_path: Path,
                                                                 suffix: str) -> None:
    from studio.audio.probe import read_chapters

    out = tmp_path / f"book{suffix}"
    code, _, err = cli_export(acx_project, "-o", str(out), "--credits", "--render-missing")
    assert code == 0, err
    titles = [m.title for m in read_chapters(out)]
    assert titles == ["Opening credits", "One", "Two", "Closing credits"], titles


def test_head_room_tone_holds_whatever_silence_the_voice_leads_with(tmp_path: Path) -> None:
    chapters = [ChapterAudio("Slow start", [tone_piece(tmp_path / "a.wav", [3000.0, 2000.0], lead_ms=900).piece]),
                ChapterAudio("Quick", [tone_piece(tmp_path / "b.wav", [2500.0], lead_ms=0).piece])]
    result = export_audiobook(chapters, tmp_path / "out", BookInfo("Lead"), preset_options("acx"))
    files = [f.path for f in result.files]
    report = check_acx(files)
    assert report.passed, [r for r in report.rules if r.status == "fail"]
    for path in files:
        pcm = decode_to_pcm(path, sample_rate=44100)
        loud = [n for n, s in enumerate(pcm) if abs(s) > 1000]
        assert 0.5 <= loud[0] / 44100 <= 1.0, (path.name, loud[0] / 44100)


def test_sample_cuts_an_overlong_paragraph_at_a_sentence(tmp_path: Path) -> None:
    long = tone_piece(tmp_path / "long.wav", [10_000.0] * 40, pause_ms=300).piece  # 40 sentences, ~412 s
    chosen = choose_sample([ChapterAudio("One", [long])], SampleLength(180), Gaps())
    assert len(chosen) == 1
    piece, keep = chosen[0]
    ends = [s.end_ms / 1000 for s in piece.sentences]
    assert keep in ends and abs(keep - 180) <= 11, keep
    with pytest.raises(ValueError, match="1-5 minutes"):
        SampleLength(30)


def test_trim_edges_moves_marks_and_cues_with_the_audio(tmp_path: Path) -> None:
    from studio.audio.room_tone import trim_edges
    from studio.audio.timeline import ChapterSpan, Span, TimedCue, Timeline
    from studio.audio.wavinfo import read_wav_info

    tone = tone_piece(tmp_path / "t.wav", [1000.0, 1000.0], pause_ms=300, lead_ms=500)
    info = read_wav_info(tone.piece.path)
    rate = info.format.sample_rate
    lead = round(0.5 * rate)
    cues = [TimedCue("a", lead, lead + rate), TimedCue("b", lead + round(1.3 * rate), info.frames)]
    timeline = Timeline(info.format, [Span(tone.piece.path, 0, info.frames)], [ChapterSpan(0, "c", 0, info.frames)],
                        cues, info.frames)
    keep = round(0.08 * rate)
    trimmed = trim_edges(timeline, keep)
    cut = trimmed.spans[0].start  # 80 ms of the voice's own quiet stays (the tone's first sample is a zero)
    assert lead - keep <= cut <= lead - keep + 2
    assert trimmed.total_frames == info.frames - cut == trimmed.chapters[0].end
    assert [c.start for c in trimmed.cues] == [lead - cut, lead - cut + round(1.3 * rate)]
    assert trim_edges(trimmed, keep).total_frames == trimmed.total_frames  # nothing more to trim
