"""A book that mixes voices exports to every format: offline (22.05 kHz) and Alibaba (16 kHz) chapters.

The project is real (SQLite, planned units, content-addressed cache); its cache is pre-seeded with tone
audio at each engine's own rate and odd lengths, as a render would leave it, so ``studio export`` has
nothing to synthesize and goes straight to the exporter. The lengths are chosen so that ffmpeg's MP3
progress report comes out short of the planned length (the bug: "-0.68 ms off the planned length"),
while the file itself plays every planned sample. Marks are compared with the decoded onsets, and each
file's decoded length with the plan: a sub-millisecond rounding in a report must pass, a real mismatch
must still fail (``test_a_real_length_mismatch_is_still_refused``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.audio import decode_to_pcm
from studio.audio.encode import EncodeJob, encode
from studio.audio.errors import AudioError
from studio.audio.formats import FORMATS
from studio.audio.loudness import GainPlan
from studio.audio.tags import BookInfo
from studio.audio.timeline import Span, Timeline
from studio.audio.wavinfo import PcmFormat
from studio.audio.written_length import mp3_gapless_frames
from studio.core.project import Project
from studio.render.job_store import plan_project
from tests.integration.test_export_support import cli_export, first_sound_ms, seeded_project, tone_piece

RATE = 22050  # the highest source rate: what the export is stitched in
TITLES = ["第一章 离线", "第二章 阿里云", "第三章 又是离线"]
#: per chapter: (engine, voice, source rate, tone length in ms of each paragraph's unit). With ffmpeg 9 these
#: lengths make libmp3lame's progress report come out short for the whole book (-2.04 ms), for chapter 1 alone
#: and for part 1 (-1.41 ms), so every MP3 variant below failed before the length check trusted the file.
CHAPTERS = [
    ("local", None, 22050, [1468.6, 1146.2]),
    ("aliyun", "xiaoyun", 16000, [1409.8, 500.8]),
    ("local", None, 22050, [1412.1]),
]


@pytest.fixture(scope="module")
def project_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = seeded_project(tmp_path_factory.mktemp("mixed") / "book.studio", list(zip(TITLES, CHAPTERS, strict=True)))
    with Project.open(folder) as project:
        assert {u.engine for u in plan_project(project).units} == {"local", "aliyun"}
    return folder


def _check_file(path: Path, starts_ms: list[float], duration_s: float, fmt: str) -> None:
    """Decoded length as planned (the JSON rounds it to 1 ms; MP3 may add up to one frame of end padding)
    and every chapter's sound where its mark says."""
    pcm = decode_to_pcm(path, sample_rate=RATE)
    extra = len(pcm) - duration_s * RATE
    rounding = 0.0005 * RATE + 1
    end_padding = FORMATS[fmt].frame_samples if fmt == "mp3" else 0
    assert -rounding <= extra <= end_padding + rounding, (path.name, len(pcm), duration_s)
    threshold = 2000 if fmt in ("mp3", "m4a", "m4b") else 1000  # above a lossy codec's pre-echo
    for start in starts_ms:
        onset = first_sound_ms(pcm, RATE, start - 500, start + 500, threshold)
        # resampled (16 kHz) chapters may ring a few samples before the tone; a decoder never starts late
        assert abs(onset - start) < 1.0, (path.name, start, onset)


@pytest.mark.parametrize(("fmt", "args"), [
    ("mp3", ["--format", "mp3"]),
    ("m4b", ["--format", "m4b"]),
    ("wav", ["--format", "wav"]),
    ("flac", ["--format", "flac"]),
])
def test_every_book_format_exports_a_mixed_book(project_dir: Path, tmp_path: Path, fmt: str,
                                               args: list[str]) -> None:
    import json

    code, out, err = cli_export(project_dir, "-o", str(tmp_path / f"book.{fmt}"), "--json", *args)
    assert code == 0, err
    assert err.rstrip().endswith("exporting: 100%"), err  # not stuck at 99 %
    (file,) = json.loads(out)["files"]
    assert file["sample_rate"] == RATE
    assert [c["title"] for c in file["chapters"]] == TITLES
    _check_file(Path(file["path"]), [c["start_ms"] for c in file["chapters"]], file["duration_s"], fmt)


@pytest.mark.parametrize("chapter_format", ["mp3", "m4a", "flac", "wav"])
def test_one_file_per_chapter_of_a_mixed_book(project_dir: Path, tmp_path: Path, chapter_format: str) -> None:
    import json

    code, out, err = cli_export(project_dir, "-o", str(tmp_path / "files"), "--json", "--format", "chapters",
                             "--chapter-format", chapter_format)
    assert code == 0, err
    files = json.loads(out)["files"]
    assert len(files) == 3
    for file in files:
        _check_file(Path(file["path"]), [0.0], file["duration_s"], chapter_format)


def test_split_parts_of_a_mixed_book(project_dir: Path, tmp_path: Path) -> None:
    import json

    code, out, err = cli_export(project_dir, "-o", str(tmp_path / "book.mp3"), "--json", "--split-hours",
                             str(4.5 / 3600))
    assert code == 0, err
    files = json.loads(out)["files"]
    assert len(files) >= 2 and [f["part"] for f in files] == list(range(1, len(files) + 1))
    for file in files:
        _check_file(Path(file["path"]), [c["start_ms"] for c in file["chapters"]], file["duration_s"], "mp3")


def test_mp3_length_check_trusts_the_file_over_ffmpegs_report(tmp_path: Path) -> None:
    """96,812 samples at 22.05 kHz: ffmpeg reports 41 samples short, the file plays 3 extra (end padding)."""
    src = tone_piece(tmp_path / "tone.wav", [96_812 * 1000 / RATE], amplitude=9000)
    fmt = PcmFormat(RATE, 1, 2)
    timeline = Timeline(fmt, [Span(src.piece.path, 0, 96_812)], [], [], 96_812)
    job = EncodeJob(timeline, FORMATS["mp3"], tmp_path / "out.mp3", BookInfo("t"), chapter_marks=False)
    outcome = encode(job, GainPlan("none", None), tmp_path)
    assert outcome.out_time_us is not None
    reported = outcome.out_time_us * RATE / 1e6
    print(f"ffmpeg reported {reported:.1f} samples for 96812 planned")
    assert len(decode_to_pcm(job.dest)) - 96_812 in range(0, 1153)


@pytest.mark.parametrize("fmt", ["mp3", "wav", "m4b"])
def test_a_real_length_mismatch_is_still_refused(tmp_path: Path, fmt: str) -> None:
    """A timeline that promises 0.1 s more than its spans hold: the file is short, and that is an error."""
    src = tone_piece(tmp_path / "tone.wav", [2000], amplitude=9000)
    frames = round(2000 * RATE / 1000)
    timeline = Timeline(PcmFormat(RATE, 1, 2), [Span(src.piece.path, 0, frames)], [], [], frames + 2205)
    job = EncodeJob(timeline, FORMATS[fmt], tmp_path / f"out.{fmt}", BookInfo("t"), chapter_marks=False)
    with pytest.raises(AudioError, match=r"-100\.\d\d ms off the planned length"):
        encode(job, GainPlan("none", None), tmp_path)


def test_mp3_gapless_length_matches_the_decoder(tmp_path: Path) -> None:
    src = tone_piece(tmp_path / "tone.wav", [3123.4], rate=44100, channels=2, amplitude=9000)
    timeline = Timeline(PcmFormat(44100, 2, 2), [Span(src.piece.path, 0, 137_742)], [], [], 137_742)
    job = EncodeJob(timeline, FORMATS["mp3"], tmp_path / "s.mp3", BookInfo("t"), chapter_marks=False)
    encode(job, GainPlan("none", None), tmp_path)
    raw = tmp_path / "raw.mp3"
    raw.write_bytes(job.dest.read_bytes()[job.dest.read_bytes().index(b"\xff\xfb"):])
    assert mp3_gapless_frames(raw) == len(decode_to_pcm(job.dest, channels=1))
