"""A pause the author puts inside a paragraph reaches Alibaba as ``<break>`` at that very place.

Against the emulator over real HTTP, through the real CLI: the pause is stored with the paragraph (saved,
reopened, moved by an edit before it) and the exact SSML submitted carries it; a pause longer than the
vendor's 10 s limit is sent as several legal breaks; an engine without SSML gets the paragraph in parts and the
export has the silence (measured with ffmpeg's silencedetect).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from studio.audio.ffmpeg import ffmpeg_exe
from studio.cli import main
from studio.core.book import Book, Chapter, Paragraph, VoiceSettings
from studio.core.book_edit import replace_text
from studio.core.lexicon import BREAK, ReadingSpan
from studio.core.project import Project
from tests.emulator import Faults, VendorEmulator


@pytest.fixture
def emu(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[VendorEmulator]:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "userdata"))
    monkeypatch.setenv("STUDIO_LOG_DIR", str(tmp_path / "logs"))
    with VendorEmulator(seed=3, faults=Faults(time_scale=0.02)) as emulator:
        for key, value in emulator.env().items():
            monkeypatch.setenv(key, value)
        yield emulator


def make_project(folder: Path, engine: str, voice: str) -> Path:
    first = Paragraph("他停了一下，然后说：A&B。", readings=[ReadingSpan(6, 6, BREAK, "2500")])
    second = Paragraph("天色渐渐暗了。", readings=[ReadingSpan(2, 2, BREAK, "12000")])
    book = Book("停顿", voice=VoiceSettings(engine=engine, voice=voice),
                chapters=[Chapter("第一章", [first, second, Paragraph("没有停顿。")])])
    with Project.create(folder, book):
        pass
    return folder


def test_alibaba_receives_the_break_where_the_author_put_it(emu: VendorEmulator, tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", "aliyun", "xiaoyun")
    with Project.open(project) as opened:  # an edit before the pause moves it with the text
        book = opened.load_book()
        replace_text(book.chapters[0].paragraphs[0], 0, 1, "她")
        replace_text(book.chapters[0].paragraphs[0], 0, 0, "突然")
        opened.save_book(book)
    assert main(["render", str(project), "-o", str(tmp_path / "b.m4b")]) == 0
    texts = emu.submitted_texts("aliyun")
    joined = "\n".join(texts)
    assert '<speak>突然她停了一下，<break time="2500ms"/>然后说：A&amp;B。</speak>' in joined
    assert '<speak>天色<break time="10000ms"/><break time="2000ms"/>渐渐暗了。</speak>' in joined
    assert "没有停顿。" in joined
    assert (tmp_path / "b.m4b").stat().st_size > 0


def silences(path: Path) -> list[float]:
    """Lengths (s) of the stretches ffmpeg's silencedetect finds in ``path`` (below -50 dB, 0.3 s or more)."""
    done = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostats", "-i", str(path), "-af",
                           "silencedetect=noise=-50dB:d=0.3", "-f", "null", "-"],
                          capture_output=True, text=True, timeout=120, check=True)
    return [float(m) for m in re.findall(r"silence_duration: ([0-9.]+)", done.stderr)]


def test_baidu_gets_the_paragraph_in_parts_and_the_export_has_the_pause(emu: VendorEmulator,
                                                                       tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", "baidu", "5003")
    out = tmp_path / "b.m4b"
    assert main(["render", str(project), "-o", str(out)]) == 0
    assert sorted(emu.submitted_texts("baidu")) == sorted(["他停了一下，", "然后说：A&B。", "天色", "渐渐暗了。",
                                                           "没有停顿。"])
    lengths = silences(out)
    assert any(11.8 <= s <= 12.6 for s in lengths), lengths  # the 12 s pause, cut at export
    assert any(2.4 <= s <= 3.1 for s in lengths), lengths  # the 2.5 s one (paragraph gaps are under 1.2 s)


def test_a_pause_survives_a_snapshot_and_its_restore(tmp_path: Path) -> None:
    from studio.core.snapshots import restore_snapshot, take_snapshot

    folder = make_project(tmp_path / "p", "aliyun", "xiaoyun")
    with Project.open(folder) as project:
        snap = take_snapshot(project, "before an edit")
        book = project.load_book()
        book.chapters[0].paragraphs[0].readings = []
        project.save_book(book)
        restore_snapshot(project, snap.id)
        assert project.load_book().chapters[0].paragraphs[0].readings == [ReadingSpan(6, 6, BREAK, "2500")]
