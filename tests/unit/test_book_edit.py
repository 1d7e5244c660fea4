"""studio.core.book_edit: every edit and its exact inverse, emotion spans following the text, validation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studio.core import book_edit as edit
from studio.core.book import Book, Chapter, EmotionSpan, Paragraph, VoiceSettings
from studio.core.book_edit import EditError, VoiceTarget


def _book() -> Book:
    return Book("书", chapters=[
        Chapter("一", [Paragraph("甲甲"), Paragraph("乙乙乙"), Paragraph("丙")]),
        Chapter("二", [Paragraph("丁丁丁丁")], voice=VoiceSettings(engine="local", voice="local-cmn-f")),
        Chapter("三", [Paragraph("戊")]),
    ])


def _state(book: Book) -> list[tuple[str, VoiceSettings, list[tuple[str, VoiceSettings, list[EmotionSpan]]]]]:
    return [(c.title, c.voice, [(p.text, p.voice, list(p.emotions)) for p in c.paragraphs]) for c in book.chapters]


def test_snapshot_is_independent() -> None:
    book = _book()
    copy = edit.snapshot(book)
    assert _state(copy) == _state(book)
    book.chapters[0].paragraphs[0].text = "changed"
    book.chapters[0].paragraphs.append(Paragraph("new"))
    assert copy.chapters[0].paragraphs[0].text == "甲甲"
    assert len(copy.chapters[0].paragraphs) == 3


def test_rename_and_book_info() -> None:
    book = _book()
    assert edit.rename_chapter(book, 1, "  第二章   新名 ") == "二"
    assert book.chapters[1].title == "第二章 新名"
    with pytest.raises(EditError):
        edit.rename_chapter(book, 1, "   ")
    with pytest.raises(EditError):
        edit.rename_chapter(book, 9, "x")
    assert edit.set_book_info(book, title="新书", author="作者") == ("书", "")
    assert (book.title, book.author) == ("新书", "作者")
    with pytest.raises(EditError):
        edit.set_book_info(book, title=" ")


def test_split_and_merge_round_trip() -> None:
    book = _book()
    before = _state(book)
    new = edit.split_chapter(book, 0, 1)
    assert [c.title for c in book.chapters] == ["一", "乙乙乙", "二", "三"]
    assert [p.text for p in new.paragraphs] == ["乙乙乙", "丙"]
    assert [p.text for p in book.chapters[0].paragraphs] == ["甲甲"]
    record = edit.merge_with_next(book, 0)
    assert _state(book) == before
    edit.unmerge(book, record)
    assert [c.title for c in book.chapters] == ["一", "乙乙乙", "二", "三"]
    with pytest.raises(EditError):
        edit.split_chapter(book, 0, 0)
    with pytest.raises(EditError):
        edit.split_chapter(book, 0, 1)  # chapter one now has a single paragraph
    with pytest.raises(EditError):
        edit.merge_with_next(book, 3)


def test_split_with_title_and_default_title() -> None:
    book = _book()
    edit.split_chapter(book, 0, 2, title=" 第二节 ")
    assert book.chapters[1].title == "第二节"
    book.chapters[0].paragraphs[1].text = "第三节 一个很长很长很长很长很长很长很长很长的标题"
    edit.split_chapter(book, 0, 1)
    assert book.chapters[1].title.startswith("第三节 ") and book.chapters[1].title.endswith("…")


def test_merge_keeps_each_paragraph_voice() -> None:
    book = _book()
    book.voice = VoiceSettings(engine="local", voice="local-en-us")
    second = book.chapters[1]
    second.paragraphs[0].voice = VoiceSettings(speed=1.5)
    effective_before = book.effective_voice(second, second.paragraphs[0])
    before = _state(book)
    record = edit.merge_with_next(book, 0)
    merged = book.chapters[0]
    assert book.effective_voice(merged, merged.paragraphs[3]) == effective_before
    assert merged.paragraphs[3].voice == VoiceSettings(voice="local-cmn-f", speed=1.5)
    edit.unmerge(book, record)
    assert _state(book) == before


def test_merge_pins_only_the_fields_that_would_change() -> None:
    book = _book()
    edit.merge_with_next(book, 1)  # "三" inherited the book's voice; "二" has its own
    assert book.chapters[1].paragraphs[1].voice == VoiceSettings(voice="local-cmn")
    plain = Book("b", chapters=[Chapter("a", [Paragraph("x")]), Chapter("b", [Paragraph("y")])])
    edit.merge_with_next(plain, 0)
    assert plain.chapters[0].paragraphs[1].voice.is_empty()


@pytest.mark.parametrize(("first", "count", "dest", "titles"), [
    (0, 1, 3, ["二", "三", "一"]),
    (2, 1, 0, ["三", "一", "二"]),
    (1, 2, 0, ["二", "三", "一"]),
    (0, 1, 2, ["二", "一", "三"]),
])
def test_move_and_inverse(first: int, count: int, dest: int, titles: list[str]) -> None:
    book = _book()
    new_first = edit.move_chapters(book, first, count, dest)
    assert [c.title for c in book.chapters] == titles
    assert book.chapters[new_first].title == ["一", "二", "三"][first]
    edit.move_chapters(book, *edit.inverse_move(first, count, dest))
    assert [c.title for c in book.chapters] == ["一", "二", "三"]


@pytest.mark.parametrize(("first", "count", "dest"), [(0, 1, 0), (0, 1, 1), (0, 2, 1), (0, 0, 2), (2, 2, 0),
                                                      (0, 1, 4)])
def test_move_rejects_no_ops_and_bad_ranges(first: int, count: int, dest: int) -> None:
    with pytest.raises(EditError):
        edit.move_chapters(_book(), first, count, dest)


@given(st.integers(1, 6), st.data())
def test_move_inverse_property(total: int, data: st.DataObject) -> None:
    book = Book("b", chapters=[Chapter(str(i)) for i in range(total)])
    first = data.draw(st.integers(0, total - 1))
    count = data.draw(st.integers(1, total - first))
    dest = data.draw(st.integers(0, total).filter(lambda d: not first <= d <= first + count))
    edit.move_chapters(book, first, count, dest)
    edit.move_chapters(book, *edit.inverse_move(first, count, dest))
    assert [c.title for c in book.chapters] == [str(i) for i in range(total)]


def test_add_and_remove_chapter() -> None:
    book = _book()
    chapter = edit.add_chapter(book, 1, "新章")
    assert book.chapters[1] is chapter and chapter.paragraphs == []
    assert edit.remove_chapter(book, 1) is chapter
    edit.insert_chapter(book, 3, chapter)
    assert book.chapters[-1] is chapter
    with pytest.raises(EditError):
        edit.add_chapter(book, 0, " ")
    with pytest.raises(EditError):
        edit.insert_chapter(book, 9, chapter)


def test_diff_text() -> None:
    assert edit.diff_text("abcdef", "abXYef") == (2, 4, "XY")
    assert edit.diff_text("abc", "abc") == (3, 3, "")
    assert edit.diff_text("aaa", "aaaa") == (3, 3, "a")
    assert edit.diff_text("", "new") == (0, 0, "new")


def _para(text: str, *spans: tuple[int, int]) -> Paragraph:
    return Paragraph(text, [EmotionSpan(s, e, "happy") for s, e in spans])


@pytest.mark.parametrize(("start", "end", "new", "expected"), [
    (0, 0, "XX", [(4, 7)]),       # typing before a span moves it
    (2, 2, "XX", [(4, 7)]),       # typing at its start stays outside
    (5, 5, "XX", [(2, 5)]),       # typing at its end stays outside
    (3, 3, "XX", [(2, 7)]),       # typing inside grows it
    (3, 4, "", [(2, 4)]),         # deleting inside shrinks it
    (1, 3, "", [(1, 3)]),         # deleting its head
    (4, 6, "Z", [(2, 4)]),        # deleting its tail
    (1, 6, "", []),               # deleting all of it removes it
    (6, 8, "", [(2, 5)]),         # after it: untouched
])
def test_replace_text_moves_spans(start: int, end: int, new: str, expected: list[tuple[int, int]]) -> None:
    paragraph = _para("01234567", (2, 5))
    change = edit.replace_text(paragraph, start, end, new)
    assert [(s.start, s.end) for s in paragraph.emotions] == expected
    assert paragraph.text == "01234567"[:start] + new + "01234567"[end:]
    edit.revert_text(paragraph, change)
    assert paragraph.text == "01234567"
    assert [(s.start, s.end) for s in paragraph.emotions] == [(2, 5)]


@given(st.text(max_size=12), st.data())
def test_replace_then_revert_is_identity(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    spans = []
    if len(text) >= 2:
        s = data.draw(st.integers(0, len(text) - 1))
        spans = [EmotionSpan(s, data.draw(st.integers(s + 1, len(text))), "sad", 0.5)]
    paragraph = Paragraph(text, list(spans))
    change = edit.replace_text(paragraph, start, end, data.draw(st.text(max_size=4)))
    for span in paragraph.emotions:
        assert 0 <= span.start < span.end <= len(paragraph.text)
    edit.revert_text(paragraph, change)
    assert (paragraph.text, paragraph.emotions) == (text, spans)


def test_replace_text_rejects_bad_range() -> None:
    with pytest.raises(EditError):
        edit.replace_text(Paragraph("abc"), 2, 5, "x")


def test_insert_emotion_validates_and_trims_overlaps() -> None:
    paragraph = _para("0123456789", (0, 4), (6, 9))
    old = edit.insert_emotion(paragraph, 3, 7, " Angry ", 1.5, supported=("happy", "angry"))
    assert old == (EmotionSpan(0, 4, "happy"), EmotionSpan(6, 9, "happy"))
    assert paragraph.emotions == [EmotionSpan(0, 3, "happy"), EmotionSpan(3, 7, "angry", 1.5),
                                  EmotionSpan(7, 9, "happy")]
    edit.set_emotions(paragraph, old)
    assert paragraph.emotions == list(old)
    with pytest.raises(EditError, match="does not support"):
        edit.insert_emotion(paragraph, 0, 2, "sad", supported=("happy",))
    with pytest.raises(EditError, match="no emotions"):
        edit.insert_emotion(paragraph, 0, 2, "sad", supported=())
    with pytest.raises(EditError, match="intensity"):
        edit.insert_emotion(paragraph, 0, 2, "sad", 2.5)
    with pytest.raises(EditError):
        edit.insert_emotion(paragraph, 4, 4, "sad")
    with pytest.raises(EditError):
        edit.insert_emotion(Paragraph("a   b"), 1, 4, "sad")
    assert paragraph.emotions == list(old)


def test_insert_emotion_inside_a_span_splits_it() -> None:
    paragraph = _para("0123456789", (0, 10))
    edit.insert_emotion(paragraph, 4, 6, "sad", 0.01)
    assert [(s.start, s.end, s.category) for s in paragraph.emotions] == [(0, 4, "happy"), (4, 6, "sad"),
                                                                           (6, 10, "happy")]


def test_remove_emotions() -> None:
    paragraph = _para("0123456789", (0, 3), (5, 8))
    assert edit.remove_emotions(paragraph, 3, 3) == (EmotionSpan(0, 3, "happy"), EmotionSpan(5, 8, "happy"))
    assert paragraph.emotions == [EmotionSpan(5, 8, "happy")]
    paragraph = _para("0123456789", (0, 3), (5, 8))
    edit.remove_emotions(paragraph, 2, 6)
    assert paragraph.emotions == []


def test_set_voice_at_every_level() -> None:
    book = _book()
    voice = VoiceSettings(engine="aliyun", voice="zhifeng_emo")
    assert edit.set_voice(book, VoiceTarget(), voice) == VoiceSettings()
    assert book.voice == voice
    assert edit.set_voice(book, VoiceTarget(1), VoiceSettings()).voice == "local-cmn-f"
    assert book.chapters[1].voice.is_empty()
    edit.set_voice(book, VoiceTarget(0, 2), VoiceSettings(speed=0.8))
    assert book.effective_voice(book.chapters[0], book.chapters[0].paragraphs[2]).speed == 0.8
    assert VoiceTarget(0, 2).level == "paragraph" and VoiceTarget(0).level == "chapter"
    with pytest.raises(EditError):
        edit.set_voice(book, VoiceTarget(0, 7), voice)
    with pytest.raises(EditError):
        edit.set_voice(book, VoiceTarget(None, 1), voice)


def test_emotion_problems_follow_the_effective_voice() -> None:
    book = _book()
    paragraph = book.chapters[0].paragraphs[1]
    paragraph.emotions = [EmotionSpan(0, 2, "happy"), EmotionSpan(1, 3, "sad"), EmotionSpan(0, 9, "happy", 3.0)]

    def supported(voice: VoiceSettings) -> tuple[str, ...] | None:
        return {"zhifeng_emo": ("happy", "sad"), "local-cmn": ()}.get(str(voice.voice))

    kinds = sorted(p.kind for p in edit.emotion_problems(book, supported))
    assert kinds == ["no-emotions", "no-emotions", "no-emotions", "overlap", "range"]
    edit.set_voice(book, VoiceTarget(0), VoiceSettings(engine="aliyun", voice="zhifeng_emo"))
    problems = edit.emotion_problems(book, supported, chapters=[0])
    assert sorted(p.kind for p in problems) == ["intensity", "overlap", "range"]
    assert all((p.chapter, p.paragraph, p.voice) == (0, 1, "zhifeng_emo") for p in problems)
    paragraph.emotions = [EmotionSpan(0, 2, "happy")]
    assert edit.emotion_problems(book, supported) == []
    paragraph.emotions = [EmotionSpan(0, 2, "angry")]
    assert [p.kind for p in edit.emotion_problems(book, supported)] == ["unsupported"]
    assert [p.kind for p in edit.emotion_problems(book, lambda _v: None)] == []


def test_set_content_restores_a_whole_state() -> None:
    paragraph = _para("0123", (0, 2))
    old = edit.set_content(paragraph, "new text", [EmotionSpan(4, 8, "sad"), EmotionSpan(0, 3, "happy")])
    assert old == ("0123", (EmotionSpan(0, 2, "happy"),))
    assert paragraph.emotions == [EmotionSpan(0, 3, "happy"), EmotionSpan(4, 8, "sad")]
    assert edit.check_emotion(paragraph, 0, 3, " Sad ", 1.0, None) == "sad"
