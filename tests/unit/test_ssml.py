"""SSML building (escaping, emotion spans, breaks) and emotion validation."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studio.core.book import EmotionSpan
from studio.core.errors import BadInputError
from studio.core.ssml import (
    SsmlError,
    build_long_text,
    escape_text,
    format_intensity,
    paragraph_markup,
    validate_emotions,
    vendor_char_count,
)

NASTY = 'Tom & Jerry said "5 < 6 > 4" \'yes\' </emotion> <speak> &amp; end'


def _parse_blocks(text: str) -> ET.Element:
    return ET.fromstring(f"<root>{text}</root>")


def test_escape_all_five() -> None:
    assert escape_text("&<>\"'") == "&amp;&lt;&gt;&quot;&apos;"


def test_nasty_text_round_trips_through_xml() -> None:
    markup = paragraph_markup(NASTY)
    assert markup.startswith("<speak>") and markup.endswith("</speak>")
    assert "</emotion>" not in markup and "&lt;/emotion&gt;" in markup
    root = ET.fromstring(markup)
    assert "".join(root.itertext()) == NASTY


def test_emotion_span_round_trips_and_is_the_only_markup() -> None:
    text = "He said: a < b & c </emotion> then left."
    spans = [EmotionSpan(9, 29, "happy", 1.5)]
    markup = paragraph_markup(text, spans)
    root = ET.fromstring(markup)
    assert root.tag == "speak"
    assert "".join(root.itertext()) == text
    emotions = root.findall("emotion")
    assert len(emotions) == 1
    assert emotions[0].attrib == {"category": "happy", "intensity": "1.5"}
    assert "".join(emotions[0].itertext()) == text[9:29]


def test_plain_paragraph_stays_plain() -> None:
    assert paragraph_markup("今天天气好晴朗。") == "今天天气好晴朗。"


def test_long_text_mixes_plain_and_speak_blocks() -> None:
    paragraphs = ["第一段。", "R&D <b>", "她笑了，说：好。"]
    emotions = [(), (), (EmotionSpan(0, 3, "happy"),)]
    text = build_long_text(paragraphs, emotions)
    lines = text.split("\n")
    assert lines[0] == "第一段。"
    assert lines[1] == "<speak>R&amp;D &lt;b&gt;</speak>"
    assert lines[2] == '<speak><emotion category="happy" intensity="1.0">她笑了</emotion>，说：好。</speak>'
    assert "".join(_parse_blocks(text).itertext()) == "\n".join(paragraphs)
    assert vendor_char_count(text) == sum(len(p) for p in paragraphs)


def test_gap_becomes_breaks_before_later_paragraphs() -> None:
    text = build_long_text(["一。", "二。", "三。"], gap_ms=800)
    assert text.split("\n") == ["一。", '<speak><break time="800ms"/>二。</speak>',
                                '<speak><break time="800ms"/>三。</speak>']
    long_gap = paragraph_markup("x", break_before_ms=10_030)
    assert long_gap == '<speak><break time="9950ms"/><break time="80ms"/>x</speak>'
    assert vendor_char_count(long_gap) == 1


def test_control_characters_do_not_break_xml() -> None:
    text = "a\x00b\x01c\td"
    markup = paragraph_markup(text, [EmotionSpan(0, 3, "sad")])
    root = ET.fromstring(markup)
    assert len("".join(root.itertext())) == len(text)


@pytest.mark.parametrize(("value", "expected"), [(1.0, "1.0"), (0.5, "0.5"), (0.01, "0.01"), (2, "2.0"),
                                                 (1.234, "1.23")])
def test_format_intensity(value: float, expected: str) -> None:
    assert format_intensity(value) == expected


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\x01\x02\x03\x04\x05"
                                      "\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a"
                                      "\x1b\x1c\x1d\x1e\x1f\ufffe\uffff\r"), max_size=60),
       st.data())
def test_any_text_with_any_valid_span_round_trips(text: str, data: st.DataObject) -> None:
    spans: list[EmotionSpan] = []
    if text:
        start = data.draw(st.integers(0, len(text) - 1))
        end = data.draw(st.integers(start + 1, len(text)))
        spans = [EmotionSpan(start, end, "happy", 0.7)]
    markup = paragraph_markup(text, spans)
    root = _parse_blocks(markup)
    assert "".join(root.itertext()) == text
    assert vendor_char_count(markup) == len(text) - text.count("\n")


# -- validation ------------------------------------------------------------------------------------------------

EMO = ("happy", "sad", "angry", "neutral")


def test_valid_spans_pass() -> None:
    validate_emotions([EmotionSpan(5, 8, "sad", 2.0), EmotionSpan(0, 5, "Happy", 0.01)], 10, EMO, "zhimi_emo")
    validate_emotions([], 0, (), "xiaoyun")  # nothing to check on any voice


def test_emotion_on_voice_without_emotions() -> None:
    with pytest.raises(SsmlError) as info:
        validate_emotions([EmotionSpan(0, 2, "happy")], 5, (), "xiaoyun")
    assert isinstance(info.value, BadInputError)
    assert "xiaoyun" in str(info.value) and "happy" in str(info.value)
    assert info.value.voice == "xiaoyun" and info.value.category == "happy"


def test_unknown_category_names_voice_and_category() -> None:
    with pytest.raises(SsmlError, match=r"zhimi_emo.*'jealousy'.*happy"):
        validate_emotions([EmotionSpan(0, 2, "jealousy")], 5, EMO, "zhimi_emo")


@pytest.mark.parametrize("intensity", [0.0, 0.009, 2.01, -1.0, float("nan"), float("inf")])
def test_intensity_out_of_range(intensity: float) -> None:
    with pytest.raises(SsmlError, match="intensity"):
        validate_emotions([EmotionSpan(0, 2, "happy", intensity)], 5, EMO, "zhimi_emo")


@pytest.mark.parametrize(("start", "end"), [(-1, 2), (3, 3), (4, 2), (0, 6)])
def test_span_out_of_range_or_empty(start: int, end: int) -> None:
    with pytest.raises(SsmlError, match=r"outside|empty"):
        validate_emotions([EmotionSpan(start, end, "happy")], 5, EMO, "zhimi_emo")


def test_overlapping_spans() -> None:
    with pytest.raises(SsmlError, match="overlap"):
        validate_emotions([EmotionSpan(0, 3, "happy"), EmotionSpan(2, 4, "sad")], 5, EMO, "zhimi_emo")
    with pytest.raises(SsmlError, match="overlap"):
        validate_emotions([EmotionSpan(0, 5, "happy"), EmotionSpan(1, 2, "sad")], 5, EMO, "zhimi_emo")
    validate_emotions([EmotionSpan(0, 3, "happy"), EmotionSpan(3, 5, "sad")], 5, EMO, "zhimi_emo")  # adjacent


def test_unknown_voice_skips_category_checks_only() -> None:
    validate_emotions([EmotionSpan(0, 2, "whatever")], 5, None, "new_voice")
    with pytest.raises(SsmlError):
        validate_emotions([EmotionSpan(0, 9, "whatever")], 5, None, "new_voice")


def test_error_can_be_recreated_with_location() -> None:
    # The render layer re-creates engine errors with a located message: type(exc)(message).
    err = SsmlError("x", voice="v")
    located = type(err)("chapter 1, paragraph 2: x")
    assert isinstance(located, BadInputError)


def test_a_pause_on_an_emotion_boundary_is_sent_once_and_a_pause_in_a_reading_waits_for_its_end() -> None:
    from studio.core.lexicon import BREAK, LexiconEntry, ReadingSpan, find_readings

    text = "他去银行取钱。"
    pauses = [ReadingSpan(2, 2, BREAK, "300"), ReadingSpan(4, 4, BREAK, "300"), ReadingSpan(7, 7, BREAK, "60")]
    readings = find_readings(text, [LexiconEntry("银行", pinyin="yin2 hang2")], pauses)
    markup = paragraph_markup(text, [EmotionSpan(2, 7, "happy")], readings=readings)
    assert markup == ('<speak>他去<emotion category="happy" intensity="1.0"><break time="300ms"/>'
                      '<phoneme alphabet="py" ph="yin2 hang2">银行</phoneme><break time="300ms"/>取钱。'
                      '</emotion><break time="60ms"/></speak>')
    inside = find_readings(text, [LexiconEntry("银行", pinyin="yin2 hang2")], [ReadingSpan(3, 3, BREAK, "300")])
    assert [(r.start, r.kind) for r in inside] == [(2, "phoneme"), (4, BREAK)]
