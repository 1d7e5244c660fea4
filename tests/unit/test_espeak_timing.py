"""Sentence splitting and event-to-timestamp mapping: pure functions, checked without espeak."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from studio.engines.espeak_binding import EspeakEvent, EventType
from studio.engines.local_timing import paragraph_timestamps, split_sentences


def pieces(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def test_sentences_end_at_chinese_and_western_marks():
    assert pieces("你好。世界！真的吗？是的；好……走吧") == [
        "你好。", "世界！", "真的吗？", "是的；", "好……", "走吧"]
    assert pieces("Hi there. How are you?! Fine") == ["Hi there. ", "How are you?! ", "Fine"]


def test_closing_quotes_stay_with_their_sentence():
    assert pieces("“走！”他说。「好。」") == ["“走！”", "他说。", "「好。」"]


def test_a_period_inside_a_number_does_not_end_a_sentence():
    assert pieces("Pi is 3.14 today. Yes.") == ["Pi is 3.14 today. ", "Yes."]


def test_wordless_pieces_join_a_neighbour():
    assert pieces("。你好。……") == ["。你好。……"]
    assert pieces("……") == ["……"]
    assert pieces("   ") == ["   "]
    assert pieces("") == []


def test_line_breaks_end_sentences():
    assert pieces("床前明月光\n疑是地上霜") == ["床前明月光\n", "疑是地上霜"]


@given(st.text(alphabet=st.sampled_from(list("你好ab 。！？!?.…”\n,3")), max_size=40))
def test_sentences_tile_any_text(text):
    spans = split_sentences(text)
    assert "".join(text[a:b] for a, b in spans) == text
    assert all(a < b for a, b in spans)


def word(pos: int, sample: int, length: int = 1) -> EspeakEvent:
    return EspeakEvent(EventType.WORD, pos, length, sample)


def end(pos: int, sample: int) -> EspeakEvent:
    return EspeakEvent(EventType.END, pos, 0, sample)


def test_words_run_to_the_next_word_and_clauses_close_them():
    text = "你好，世界。"
    # espeak: one event for the dictionary word 你好 (length 1), clause end after the comma.
    events = [word(1, 0), end(3, 1000), word(4, 1000), word(5, 1500), end(6, 2205)]
    sentences, words = paragraph_timestamps(text, events, start=0, length=2205, sample_rate=1000,
                                            paragraph=0)
    assert [(w.text, w.begin_ms, w.end_ms) for w in words] == [
        ("你好", 0, 1000), ("世", 1000, 1500), ("界", 1500, 2205)]
    assert [(s.text, s.begin_ms, s.end_ms) for s in sentences] == [("你好，世界。", 0, 2205)]


def test_number_pieces_merge_into_one_word():
    text = "在1998年"
    events = [word(1, 0), word(2, 100, 4), word(3, 200, 4), word(3, 300, 4), word(6, 400), end(7, 500)]
    _, words = paragraph_timestamps(text, events, start=0, length=500, sample_rate=1000, paragraph=0)
    assert [(w.text, w.begin_ms, w.end_ms) for w in words] == [
        ("在", 0, 100), ("1998", 100, 400), ("年", 400, 500)]


def test_times_land_on_the_units_timeline_and_stay_inside_the_paragraph():
    text = "一。二。"
    events = [word(1, 0), end(2, 50), word(3, 50), word(99, 70), end(4, 999)]
    sentences, words = paragraph_timestamps(text, events, start=1000, length=100, sample_rate=1000,
                                            paragraph=3)
    assert [(s.text, s.begin_ms, s.end_ms, s.paragraph) for s in sentences] == [
        ("一。", 1000, 1050, 3), ("二。", 1050, 1100, 3)]
    assert [w.text for w in words] == ["一", "二"]


def test_a_sentence_espeak_said_nothing_for_is_a_zero_length_mark():
    text = "好。……？再见。"
    events = [word(1, 0), end(2, 40), word(6, 60), end(8, 100)]
    sentences, _ = paragraph_timestamps(text, events, start=0, length=100, sample_rate=1000, paragraph=0)
    assert [(s.text, s.begin_ms, s.end_ms) for s in sentences] == [("好。……？", 0, 40), ("再见。", 60, 100)]


@given(st.text(alphabet=st.sampled_from(list("你好ab 。！,")), min_size=1, max_size=30),
       st.lists(st.tuples(st.integers(-3, 40), st.integers(0, 5), st.integers(-10, 400),
                          st.booleans()), max_size=20))
def test_any_events_give_monotonic_stamps_within_the_audio(text, raw):
    raw.sort(key=lambda item: item[2])
    events = [EspeakEvent(EventType.END if is_end else EventType.WORD, pos, length, sample)
              for pos, length, sample, is_end in raw]
    sentences, words = paragraph_timestamps(text, events, start=500, length=300, sample_rate=1000,
                                            paragraph=0)
    assert "".join(s.text for s in sentences) == text
    for stamps in (sentences, words):
        last = 500
        for stamp in stamps:
            assert last <= stamp.begin_ms <= stamp.end_ms <= 800
            last = stamp.begin_ms
