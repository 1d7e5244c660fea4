"""Listen while it renders (issue 16): a book render starts the opening chapter first, in reading order, and
the rest largest-first; so chapter 1 is in the cache (status "done", playable) early in the render."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from studio.core.book import Book, Chapter, Paragraph, VoiceSettings
from studio.core.project import Project
from studio.render.listen_order import listen_first_head
from studio.render.plan import plan_book
from studio.render.session.run import render_book
from tests.emulator import VendorEmulator

SENTENCE = "天色渐渐暗了下来，他还在园子里找那只会唱歌的虫子。"


def _book() -> Book:
    """Chapter 1: three paragraphs, ~3,000 characters (past the ~10 minutes listened first); chapters 2 and 3:
    longer paragraphs, which largest-first would start first."""
    def para(n: int, repeat: int) -> Paragraph:
        return Paragraph(f"{n}号。" + SENTENCE * repeat)

    return Book("听", voice=VoiceSettings(engine="aliyun", voice="xiaoyun"), chapters=[
        Chapter("第一章", [para(n, 40) for n in range(3)]),
        Chapter("第二章", [para(10 + n, 50 + 5 * n) for n in range(3)]),
        Chapter("第三章", [para(20 + n, 70 + 5 * n) for n in range(3)]),
    ])


def test_the_first_chapter_is_submitted_first_in_reading_order(start_emulator: Callable[..., VendorEmulator],  # type: ignore[no-untyped-def]
                                                                 tmp_path: Path) -> None:
    emu = start_emulator(seed=4, time_scale=0.02)
    book = _book()
    with Project.create(tmp_path / "p", book) as project:
        render_book(project, project.load_book(), max_in_flight={"aliyun": 1})
        statuses = [project.rendered_unit(u.cache_key) is not None for u in plan_book(book).units]
    assert all(statuses)
    order = [text.split("号")[0] for text in emu.submitted_texts("aliyun")]
    # one task at a time: the submission order is the start order
    assert order[:3] == ["0", "1", "2"], order  # chapter 1 in reading order
    assert order[3:] == ["22", "21", "20", "12", "11", "10"], order  # then the longest first


def test_the_head_ends_with_the_chapter_that_reaches_the_listening_target() -> None:
    units = plan_book(_book()).units
    head = listen_first_head(units, chars=units[0].characters + 1)  # reached inside chapter 1
    assert head == {u.cache_key for u in units if u.chapter_index == 0}
    # a target past chapter 1 takes chapter 2 whole as well, never half a chapter
    first_two = {u.cache_key for u in units if u.chapter_index < 2}
    chapter1 = sum(u.characters for u in units if u.chapter_index == 0)
    assert listen_first_head(units, chars=chapter1 + 1) == first_two
