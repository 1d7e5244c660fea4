"""Credits are read through the pronunciation lexicon like the book (vendor emulator over real HTTP, the real
CLI entry point in-process): the author's name reaches Alibaba with the same ``<phoneme>`` as in a paragraph,
and a lexicon edit re-renders only the credit containing the word."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from studio.core.book import Book, Chapter, Paragraph, VoiceSettings
from studio.core.credits import store_credits
from studio.core.project import Project
from tests.emulator import VendorEmulator
from tests.integration.test_lexicon_render import Ran, emu, studio  # noqa: F401  (fixtures)

READ_YUE = '<phoneme alphabet="py" ph="yue4">乐</phoneme>'


def test_credits_say_the_author_as_the_book_does_and_a_lexicon_edit_re_renders_one_credit(
        emu: VendorEmulator, studio: Callable[..., Ran], tmp_path: Path) -> None:  # noqa: F811
    project = tmp_path / "p"
    book = Book("词典", author="乐平", voice=VoiceSettings(engine="aliyun", voice="xiaoyun"),
                chapters=[Chapter("第一章", [Paragraph("乐平先生写了这本书。")])])
    with Project.create(project, book) as p:
        store_credits(p, opening="NASA出品：《词典》，乐平著。")  # as `studio export --opening-credits` stores it
    assert studio("lexicon", "add", str(project), "乐", "--pinyin", "yue4", "--context", "乐平").returncode == 0

    done = studio("render", str(project), "-o", str(tmp_path / "b.m4b"), "--credits")
    assert done.returncode == 0, done.stderr
    texts = emu.submitted_texts("aliyun")
    assert len(texts) == 3, texts
    paragraph = next(t for t in texts if "先生" in t)
    opening = next(t for t in texts if "NASA" in t)
    closing = next(t for t in texts if "全书完" in t)
    assert READ_YUE in paragraph and READ_YUE in opening and READ_YUE in closing, texts

    assert studio("lexicon", "add", str(project), "NASA", "--alias", "纳萨").returncode == 0
    done = studio("render", str(project), "--credits")
    assert done.returncode == 0, done.stderr
    texts = emu.submitted_texts("aliyun")
    assert len(texts) == 4, texts  # the opening credits only: the closing credits and the book are cached
    assert '<sub alias="纳萨">NASA</sub>' in texts[-1] and READ_YUE in texts[-1], texts[-1]
