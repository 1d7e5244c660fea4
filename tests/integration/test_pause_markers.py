"""A pause the author puts inside a paragraph reaches Alibaba as ``<break>`` at that very place.

Against the emulator over real HTTP, through the real CLI: the pause is stored with the paragraph (saved,
reopened, moved by an edit before it) and the exact SSML submitted carries it; a pause longer than the
vendor's 10 s limit is sent as several legal breaks; an engine without SSML says it is not sent.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

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
    first = Paragraph("他停了一下，然后说：A&B。", readings=[ReadingSpan(6, 6, BREAK, "800")])
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
    assert '<speak>突然她停了一下，<break time="800ms"/>然后说：A&amp;B。</speak>' in joined
    assert '<speak>天色<break time="10000ms"/><break time="2000ms"/>渐渐暗了。</speak>' in joined
    assert "没有停顿。" in joined
    assert (tmp_path / "b.m4b").stat().st_size > 0


def test_an_engine_without_ssml_says_the_pause_is_not_sent(emu: VendorEmulator, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project(tmp_path / "p", "baidu", "5003")
    capsys.readouterr()
    assert main(["render", str(project), "-o", str(tmp_path / "b.m4b"), "--dry-run", "--json"]) == 0
    warnings = json.loads(capsys.readouterr().out)["warnings"]
    assert any("pauses inside the paragraph are not sent" in w for w in warnings), warnings
