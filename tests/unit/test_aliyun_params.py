"""Alibaba engine without a network: parameter mapping, request body, validation, URLs, timestamps."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
import requests

from studio.core.book import EmotionSpan
from studio.core.credentials import AliyunCredentials
from studio.core.errors import AuthError, BadInputError, EngineError
from studio.core.ssml import SsmlError
from studio.engines.aliyun import (
    DEFAULT_TTS_URLS,
    ENV_TOKEN_URL,
    ENV_TTS_URL,
    AliyunEngine,
    _Task,
    _timestamps,
    assign_paragraphs,
    pitch_rate,
    speech_rate,
    volume_level,
)
from studio.engines.aliyun_token import DEFAULT_TOKEN_URL
from studio.engines.base import Engine, SynthesisRequest

CREDS = AliyunCredentials("LTAI-id", "the-secret", "the-appkey")
EMOTIONS = {"zhimi_emo": ("angry", "fear", "happy", "hate", "neutral", "sad", "surprise"), "xiaoyun": ()}


@pytest.mark.parametrize(("speed", "rate"), [
    (1.0, 0), (2.0, 500), (0.5, -500), (1.25, 200), (1.5, 333), (0.8, -125), (0.75, -167), (4.0, 500),
    (0.25, -500), (1.001, 1),
])
def test_speech_rate(speed: float, rate: int) -> None:
    assert speech_rate(speed) == rate


@pytest.mark.parametrize("bad", [0, -1.0, math.nan, math.inf])
def test_speech_rate_rejects_nonsense(bad: float) -> None:
    with pytest.raises(BadInputError, match="speed"):
        speech_rate(bad)
    with pytest.raises(BadInputError, match="pitch"):
        pitch_rate(bad)


def test_pitch_rate_same_curve() -> None:
    assert [pitch_rate(p) for p in (0.5, 1.0, 1.25, 2.0)] == [-500, 0, 200, 500]


@pytest.mark.parametrize(("volume", "level"), [(1.0, 50), (0.0, 0), (2.0, 100), (3.0, 100), (0.5, 25),
                                               (1.3, 65)])
def test_volume_level(volume: float, level: int) -> None:
    assert volume_level(volume) == level


def test_volume_rejects_negative() -> None:
    with pytest.raises(BadInputError):
        volume_level(-0.1)


# -- a session that must not be used / records requests ---------------------------------------------------------


class NoNetwork:
    def __init__(self) -> None:
        self.closed = False

    def get(self, *a: Any, **k: Any) -> Any:
        raise AssertionError("no request expected")

    post = get

    def close(self) -> None:
        self.closed = True


def _engine(session: Any = None, **kwargs: Any) -> AliyunEngine:
    kwargs.setdefault("voice_emotions", EMOTIONS.get)
    kwargs.setdefault("voice_sample_rates", lambda v: None)
    return AliyunEngine(CREDS, tts_url="http://tts.example/rest/v1/tts/async", token_url="http://meta.example/",
                        session=session or NoNetwork(), **kwargs)


def test_engine_satisfies_protocol() -> None:
    assert isinstance(_engine(), Engine)
    assert _engine().name == "aliyun"


def test_body_has_every_documented_field() -> None:
    engine = _engine(audio_format="mp3")
    request = SynthesisRequest(voice="zhimi_emo", paragraphs=("你好，世界。", "A & B"), speed=1.25, pitch=0.8,
                               volume=1.2, emotions=((EmotionSpan(0, 2, "happy", 1.2),), ()))
    body, task = engine._build(request)
    assert body["header"] == {"appkey": "the-appkey", "token": ""}
    assert body["context"] == {"device_id": "audiobook-studio"}
    assert body["payload"]["enable_notify"] is False
    tts = body["payload"]["tts_request"]
    assert tts == {
        "voice": "zhimi_emo", "sample_rate": 16000, "format": "mp3",
        "text": '<speak><emotion category="happy" intensity="1.2">你好</emotion>，世界。</speak>\n'
                "<speak>A &amp; B</speak>",
        "enable_subtitle": True, "volume": 60, "speech_rate": 200, "pitch_rate": -125,
    }
    json.dumps(body)  # serializable
    assert task.paragraphs == request.paragraphs and task.sample_rate == 16000 and task.audio_format == "mp3"


def test_sample_rate_from_request_or_voice() -> None:
    engine = _engine(voice_sample_rates=lambda v: {"hi": (24000, 48000), "lo": (8000, 16000)}.get(v))
    assert engine._build(SynthesisRequest("hi", ("x",)))[1].sample_rate == 48000
    assert engine._build(SynthesisRequest("lo", ("x",)))[1].sample_rate == 16000
    assert engine._build(SynthesisRequest("unknown", ("x",)))[1].sample_rate == 16000
    assert engine._build(SynthesisRequest("lo", ("x",), sample_rate=8000))[1].sample_rate == 8000
    with pytest.raises(BadInputError, match="8000/16000"):
        engine._build(SynthesisRequest("lo", ("x",), sample_rate=24000))
    with pytest.raises(BadInputError):
        engine._build(SynthesisRequest("unknown", ("x",), sample_rate=22050))


@pytest.mark.parametrize(("request_", "match"), [
    (SynthesisRequest("xiaoyun", ("abc",), emotions=((EmotionSpan(0, 1, "happy"),),)), "xiaoyun.*happy"),
    (SynthesisRequest("zhimi_emo", ("abc",), emotions=((EmotionSpan(0, 1, "gentle"),),)), "zhimi_emo.*gentle"),
    (SynthesisRequest("zhimi_emo", ("abc",), emotions=((EmotionSpan(0, 1, "sad", 3.0),),)), "intensity"),
    (SynthesisRequest("zhimi_emo", ("abc",), emotions=((EmotionSpan(0, 9, "sad"),),)), "outside"),
    (SynthesisRequest("xiaoyun", ("",)), "no text"),
    (SynthesisRequest("xiaoyun", ("   ", "\n")), "no text"),
    (SynthesisRequest("", ("abc",)), "voice"),
    (SynthesisRequest("xiaoyun", ("abc",), audio_format="ogg"), "cannot deliver .ogg."),
    (SynthesisRequest("xiaoyun", ("abc",), paragraph_gap_ms=-5), "gap"),
    (SynthesisRequest("xiaoyun", ("abc",), speed=0), "speed"),
    (SynthesisRequest("xiaoyun", ("abc",), emotions=((), ())), "emotion lists"),
])
def test_rejected_before_any_request(request_: SynthesisRequest, match: str) -> None:
    engine = _engine()
    with pytest.raises(BadInputError, match=match):
        engine.submit(request_)


def test_emotion_error_names_paragraph_index() -> None:
    request = SynthesisRequest("xiaoyun", ("abc", "def"), emotions=((), (EmotionSpan(0, 1, "happy"),)))
    with pytest.raises(SsmlError) as info:
        _engine().submit(request)
    assert info.value.paragraph == 1


def test_length_limit_counts_like_the_vendor() -> None:
    engine = _engine()
    # 99,001 characters and 999 newlines in 1,000 paragraphs: tags are free, newlines count -> 100,000, accepted.
    paragraphs = (*("&" * 99 for _ in range(999)), "&" * 100)
    body, _ = engine._build(SynthesisRequest("xiaoyun", paragraphs))
    assert body["payload"]["tts_request"]["text"].count("<speak>") == 1000
    with pytest.raises(BadInputError, match="100,002"):  # one more character and one more newline
        engine._build(SynthesisRequest("xiaoyun", (*paragraphs, "x")))


def test_no_catalogue_check_when_voice_unknown() -> None:
    engine = _engine(voice_emotions=lambda v: None)
    body, _ = engine._build(SynthesisRequest("future_voice", ("abc",), emotions=((EmotionSpan(0, 1, "joy"),),)))
    assert "joy" in body["payload"]["tts_request"]["text"]


def test_default_catalogue_knows_emotion_voices() -> None:
    engine = AliyunEngine(CREDS, session=NoNetwork())  # type: ignore[arg-type]
    with pytest.raises(BadInputError, match="xiaoyun"):
        engine.submit(SynthesisRequest("xiaoyun", ("abc",), emotions=((EmotionSpan(0, 1, "happy"),),)))
    body, _ = engine._build(SynthesisRequest("zhimi_emo", ("abc",), emotions=((EmotionSpan(0, 1, "happy"),),)))
    assert "emotion" in body["payload"]["tts_request"]["text"]


def test_urls_argument_env_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_TTS_URL, raising=False)
    monkeypatch.delenv(ENV_TOKEN_URL, raising=False)
    engine = AliyunEngine(CREDS, session=NoNetwork())  # type: ignore[arg-type]
    assert engine.tts_url == DEFAULT_TTS_URLS["public"] == "https://nls-gateway-cn-shanghai.aliyuncs.com/rest/v1/tts/async"
    assert engine.token_url == DEFAULT_TOKEN_URL == "https://nls-meta.cn-shanghai.aliyuncs.com/"
    internal = AliyunEngine(CREDS, endpoint="internal", session=NoNetwork())  # type: ignore[arg-type]
    assert internal.tts_url == "http://nls-gateway-cn-shanghai-internal.aliyuncs.com/rest/v1/tts/async"
    monkeypatch.setenv(ENV_TTS_URL, "http://env.example/rest/v1/tts/async")
    monkeypatch.setenv(ENV_TOKEN_URL, "http://env.example/meta/")
    engine = AliyunEngine(CREDS, session=NoNetwork())  # type: ignore[arg-type]
    assert (engine.tts_url, engine.token_url) == ("http://env.example/rest/v1/tts/async", "http://env.example/meta/")
    engine = AliyunEngine(CREDS, tts_url="http://arg/tts", token_url="http://arg/meta", session=NoNetwork())  # type: ignore[arg-type]
    assert (engine.tts_url, engine.token_url) == ("http://arg/tts", "http://arg/meta")
    with pytest.raises(ValueError):
        AliyunEngine(CREDS, endpoint="beijing")
    with pytest.raises(ValueError):
        AliyunEngine(CREDS, audio_format="ogg")


def test_incomplete_credentials() -> None:
    with pytest.raises(AuthError):
        AliyunEngine(AliyunCredentials("id", "", "appkey"))


def test_close_closes_session_and_refuses_work() -> None:
    session = NoNetwork()
    engine = _engine(session)
    engine.close()
    engine.close()
    assert session.closed
    with pytest.raises(EngineError, match="closed"):
        engine.submit(SynthesisRequest("xiaoyun", ("abc",)))


def test_default_session_verifies_tls() -> None:
    engine = AliyunEngine(CREDS)
    assert isinstance(engine._session, requests.Session) and engine._session.verify is True
    engine.close()


def test_repr_hides_secrets() -> None:
    assert "the-secret" not in repr(_engine())


# -- sentences -> paragraphs ------------------------------------------------------------------------------------


def test_assign_paragraphs_in_order() -> None:
    paragraphs = ["第一句。第二句！", "", "Third one. Fourth, here?", "最后。"]
    sentences = ["第一句", "第二句", "third one", "Fourth here", "最后"]
    assert assign_paragraphs(sentences, paragraphs) == [0, 0, 2, 2, 3]


def test_assign_paragraphs_tolerates_unmatched_and_empty() -> None:
    paragraphs = ["一二三四五", "六七八九十"]
    assert assign_paragraphs(["一二三", "XYZ", "…", "八九十"], paragraphs) == [0, 0, 0, 1]
    assert assign_paragraphs(["a"], []) == [0]


def test_repeated_sentences_follow_the_cursor() -> None:
    assert assign_paragraphs(["好", "好", "好"], ["好", "好", "好"]) == [0, 1, 2]


def test_timestamps_and_offsets() -> None:
    task = _Task(paragraphs=("长文本语音合成接口。", "一次返回所有文本对应的音频", "客户可利用该信息"))
    task.sentences = [
        {"text": "长文本语音合成接口", "begin_time": "0", "end_time": "2239"},
        {"text": "一次返回所有文本对应的音频", "begin_time": "2239", "end_time": "8499"},
        {"text": "客户可利用该信息", "begin_time": "8499", "end_time": "12058"},
    ]
    sentences, offsets = _timestamps(task, 12000)
    assert [(s.begin_ms, s.end_ms, s.paragraph) for s in sentences] == [(0, 2239, 0), (2239, 8499, 1),
                                                                         (8499, 12000, 2)]
    assert offsets == [0, 2239, 8499]


def test_offsets_estimated_without_sentences() -> None:
    task = _Task(paragraphs=("aaaa", "bbbbbb", "cccccccccc"))
    sentences, offsets = _timestamps(task, 2000)
    assert sentences == [] and offsets == [0, 400, 1000]
    assert _timestamps(_Task(paragraphs=("x",)), 500)[1] == [0]
