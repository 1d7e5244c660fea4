"""Spoken chapter titles are read through the pronunciation lexicon like the paragraphs (vendor emulator over
real HTTP, the real CLI in-process): a name in a title reaches Alibaba with the same ``<phoneme>`` as in the
text, a lexicon edit re-renders only the titles holding the word, and a title the lexicon does not touch keeps
its cached audio (nothing bought twice)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from studio.core.book import Book, Chapter, Paragraph, VoiceSettings
from studio.core.project import Project
from tests.emulator import VendorEmulator
from tests.integration.test_lexicon_render import Ran, emu, studio  # noqa: F401  (fixtures)

READ_YUE = '<phoneme alphabet="py" ph="yue4">乐</phoneme>'


def test_spoken_titles_follow_the_lexicon_and_an_edit_re_renders_only_the_title_with_the_word(
        emu: VendorEmulator, studio: Callable[..., Ran], tmp_path: Path) -> None:  # noqa: F811
    project = tmp_path / "p"
    book = Book("词典", author="某人", voice=VoiceSettings(engine="aliyun", voice="xiaoyun"),
                chapters=[Chapter("第一章 乐平归来", [Paragraph("乐平先生回来了。")]),
                          Chapter("第二章 NASA", [Paragraph("他去了美国。")]),
                          Chapter("第三章 结尾", [Paragraph("故事讲完了。")])])
    with Project.create(project, book):
        pass
    assert studio("render", str(project), "--chapters", "1-3").returncode == 0
    before = len(emu.submitted_texts("aliyun"))
    assert before == 3  # the paragraphs

    out = tmp_path / "b.m4b"
    done = studio("export", str(project), "-o", str(out), "--spoken-titles", "--render-missing")
    assert done.returncode == 0, done.stderr
    titles = emu.submitted_texts("aliyun")[before:]
    assert len(titles) == 3 and all("乐平" not in t or "ph=" not in t for t in titles), titles  # no lexicon yet

    assert studio("lexicon", "add", str(project), "乐", "--pinyin", "yue4", "--context", "乐平").returncode == 0
    assert studio("render", str(project), "--chapters", "1-3").returncode == 0  # the paragraph with 乐平 is sent again
    after_render = emu.submitted_texts("aliyun")
    paragraph = after_render[-1]
    assert READ_YUE in paragraph, after_render

    done = studio("export", str(project), "-o", str(out), "--spoken-titles", "--render-missing")
    assert done.returncode == 0, done.stderr
    sent = emu.submitted_texts("aliyun")[len(after_render):]
    assert len(sent) == 1, sent  # only the first chapter's title: the other two keep their audio
    assert READ_YUE in sent[0] and "归来" in sent[0], sent

    assert studio("lexicon", "add", str(project), "NASA", "--alias", "纳萨").returncode == 0
    done = studio("export", str(project), "-o", str(out), "--spoken-titles", "--render-missing")
    assert done.returncode == 0, done.stderr
    last = emu.submitted_texts("aliyun")[len(after_render) + 1:]
    assert len(last) == 1 and '<sub alias="纳萨">NASA</sub>' in last[0], last
