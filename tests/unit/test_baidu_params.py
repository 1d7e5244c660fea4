"""Request building for Baidu: formats, speed/pitch/volume levels, the create body, query batches, timestamps."""

from __future__ import annotations

import pytest

from studio.core.book import EmotionSpan
from studio.core.errors import BadInputError
from studio.engines.baidu import (
    MAX_CHARACTERS,
    build_create_body,
    paragraph_offsets,
    parse_timestamps,
    query_batches,
    vendor_format,
    vendor_level,
)
from studio.engines.base import SynthesisRequest, Timestamp


@pytest.mark.parametrize(("fmt", "rate", "expected"), [
    ("wav", None, "wav"),
    ("wav", 16000, "wav"),
    ("WAV", 8000, "pcm-8k"),
    ("wav", 48000, "mp3-48k"),
    ("pcm", None, "pcm-16k"),
    ("pcm", 16000, "pcm-16k"),
    ("pcm", 8000, "pcm-8k"),
    ("mp3", None, "mp3-16k"),
    ("mp3", 16000, "mp3-16k"),
    ("mp3", 48000, "mp3-48k"),
    ("mp3-48k", None, "mp3-48k"),
    ("mp3-48k", 48000, "mp3-48k"),
    ("pcm-8k", None, "pcm-8k"),
])
def test_vendor_format(fmt: str, rate: int | None, expected: str) -> None:
    assert vendor_format(fmt, rate) == expected


def test_engine_default_format_serves_plain_wav() -> None:
    assert vendor_format("wav", None, default="mp3-16k") == "mp3-16k"
    assert vendor_format("wav", 16000, default="mp3-16k") == "wav"  # an explicit rate is a wish for WAV


@pytest.mark.parametrize(("fmt", "rate"), [("wav", 22050), ("pcm", 48000), ("mp3", 8000), ("ogg", None),
                                           ("mp3-16k", 48000)])
def test_vendor_format_rejects_what_baidu_lacks(fmt: str, rate: int | None) -> None:
    with pytest.raises(BadInputError):
        vendor_format(fmt, rate)


@pytest.mark.parametrize(("multiplier", "level"), [
    (1.0, 5), (0.5, 0), (0.25, 0), (0.75, 3), (0.9, 4), (1.1, 6), (1.5, 10), (2.0, 15), (3.0, 15), (1.04, 5),
    (1.05, 6),
])
def test_vendor_level(multiplier: float, level: int) -> None:
    assert vendor_level(multiplier) == level


def test_volume_scale_and_limits() -> None:
    assert vendor_level(0.0, label="volume") == 0
    assert vendor_level(2.0, label="volume", maximum=9) == 9
    for bad in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(BadInputError):
            vendor_level(bad, label="speed")
    with pytest.raises(BadInputError):
        vendor_level(-0.1, label="volume")


def _request(**kw: object) -> SynthesisRequest:
    base: dict[str, object] = {"voice": "5003", "paragraphs": ("第一段。", "第二段 & <b>。")}
    base.update(kw)
    return SynthesisRequest(**base)  # type: ignore[arg-type]


def test_create_body() -> None:
    body = build_create_body(_request(speed=1.5, pitch=0.5, volume=1.0, paragraph_gap_ms=800))
    assert body == {"text": ["第一段。", "第二段 & <b>。"], "format": "wav", "voice": 5003, "lang": "zh",
                    "speed": 10, "pitch": 0, "volume": 5, "enable_subtitle": 1, "break": 800}
    assert isinstance(body["text"], list)


def test_create_body_options() -> None:
    body = build_create_body(_request(voice=" 0 ", volume=2.0, audio_format="mp3", sample_rate=48000),
                             enable_subtitle=2)
    assert body["voice"] == 0
    assert body["volume"] == 9  # basic voice: 0..9
    assert body["format"] == "mp3-48k"
    assert body["enable_subtitle"] == 2
    assert body["break"] == 0  # sent explicitly, so Baidu's 1 s default never applies silently
    assert build_create_body(_request(paragraph_gap_ms=9000))["break"] == 5000
    assert build_create_body(_request(paragraph_gap_ms=-5))["break"] == 0


def test_emotions_are_refused() -> None:
    request = _request(emotions=((), (EmotionSpan(0, 2, "happy"),)))
    with pytest.raises(BadInputError, match="Baidu voices do not support emotions"):
        build_create_body(request)
    build_create_body(_request(emotions=((), ())))  # empty span lists are fine


@pytest.mark.parametrize("kw", [
    {"voice": "xiaoyun"}, {"voice": "-1"}, {"paragraphs": ()}, {"paragraphs": ("a", "  ")},
    {"paragraphs": ("字" * (MAX_CHARACTERS - 1), "ab")}, {"speed": 0.0}, {"audio_format": "flac"},
])
def test_bad_requests_fail_before_sending(kw: dict[str, object]) -> None:
    with pytest.raises(BadInputError):
        build_create_body(_request(**kw))


def test_text_limit_is_inclusive() -> None:
    build_create_body(_request(paragraphs=("字" * (MAX_CHARACTERS - 2), "ab")))


def test_query_batches() -> None:
    ids = [f"t{i}" for i in range(450)]
    batches = query_batches(ids)
    assert [len(b) for b in batches] == [200, 200, 50]
    assert [i for b in batches for i in b] == ids
    assert query_batches([]) == []
    assert query_batches(["a", "b", "a"]) == [["a", "b"]]
    assert [len(b) for b in query_batches(ids[:200])] == [200]
    assert [len(b) for b in query_batches(ids[:201])] == [200, 1]


DOC_EXAMPLE = {
    "sentences": [
        {"paragraph_index": 0, "sentence_texts": "今年", "begin_time": 104, "end_time": 600,
         "characters": [{"character_text": "今", "begin_time": 106, "end_time": 313},
                        {"character_text": "年", "begin_time": 316, "end_time": 522}]},
        {"paragraph_index": "1", "sentence_texts": "段落2", "begin_time": "1700", "end_time": "2500",
         "characters": [{"character_text": "段", "begin_time": "1710", "end_time": "1900"},
                        {"character_text": "落", "begin_time": 1900.4, "end_time": 2100}]},
        {"paragraph_index": 1, "sentence_texts": ["第二", "句"], "begin_time": 2600, "end_time": 3000},
        {"paragraph_index": 2, "begin_time": None, "end_time": 3}, "junk",
    ],
}


def test_parse_timestamps() -> None:
    sentences, words = parse_timestamps(DOC_EXAMPLE)
    assert sentences == [Timestamp("今年", 104, 600, 0), Timestamp("段落2", 1700, 2500, 1),
                         Timestamp("第二句", 2600, 3000, 1)]
    assert words == [Timestamp("今", 106, 313, 0), Timestamp("年", 316, 522, 0), Timestamp("段", 1710, 1900, 1),
                     Timestamp("落", 1900, 2100, 1)]


def test_parse_timestamps_tolerates_odd_shapes() -> None:
    import json

    assert parse_timestamps(json.dumps(DOC_EXAMPLE))[0][0].text == "今年"
    assert parse_timestamps(None) == ([], [])
    assert parse_timestamps("not json") == ([], [])
    assert parse_timestamps({"sentences": "x"}) == ([], [])


def test_paragraph_offsets() -> None:
    sentences, _ = parse_timestamps(DOC_EXAMPLE)
    assert paragraph_offsets(sentences, 2, 3500) == [0, 1700]
    # a paragraph without timestamps starts where the next one does (or at the end)
    assert paragraph_offsets(sentences, 3, 3500) == [0, 1700, 3500]
    assert paragraph_offsets([Timestamp("a", 50, 60, 0), Timestamp("c", 900, 950, 2)], 3, 1000) == [0, 900, 900]
    assert paragraph_offsets([], 1, 1000) == [0]
    assert paragraph_offsets([], 0, 1000) == []
