"""The emulator's Alibaba long-text TTS: submit, QUEUEING/RUNNING/SUCCESS, sentences, audio, every validation."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.emulator import VendorEmulator
from tests.emulator.testkit import (
    TIMEOUT,
    aliyun_body,
    aliyun_poll,
    aliyun_submit,
    aliyun_token,
    aliyun_wait,
    decode_to_pcm,
    parse_wav,
    running_emulator,
    voiced_regions,
)

TEXT = "长文本语音合成接口。一次返回所有文本对应的音频！客户可利用该信息，实现播放控制功能。"


@pytest.fixture
def emu() -> Iterator[VendorEmulator]:
    with running_emulator() as emulator:
        yield emulator


@pytest.fixture
def token(emu: VendorEmulator) -> str:
    return aliyun_token(emu)


def _done(emu: VendorEmulator, token: str, text: str = TEXT, **tts: Any) -> dict[str, Any]:
    resp = aliyun_submit(emu, token, text, **tts)
    assert resp.status_code == 200, resp.text
    return aliyun_wait(emu, token, resp.json()["data"]["task_id"])


def test_submit_success_shape(emu: VendorEmulator, token: str) -> None:
    resp = aliyun_submit(emu, token, TEXT)
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) == {"status", "error_code", "error_message", "request_id", "data"}
    assert (body["status"], body["error_code"], body["error_message"]) == (200, 20000000, "SUCCESS")
    task_id = body["data"]["task_id"]
    assert len(task_id) == 32 and len(body["request_id"]) == 32
    assert resp.headers["X-NLS-RequestId"] == task_id
    assert resp.headers["Content-Type"].startswith("application/json")
    assert emu.submitted_texts("aliyun") == [TEXT]


def test_lifecycle_queueing_running_success() -> None:
    with running_emulator(latency_base_s=0.6, time_scale=1.0) as emu:
        token = aliyun_token(emu)
        task_id = aliyun_submit(emu, token, TEXT).json()["data"]["task_id"]
        seen = []
        while True:
            answer = aliyun_poll(emu, token, task_id).json()
            assert answer["status"] == 200 and answer["error_code"] == 20000000
            if not seen or seen[-1] != answer["error_message"]:
                seen.append(answer["error_message"])
            if answer["error_message"] == "SUCCESS":
                break
            assert answer["data"] == {"task_id": task_id, "audio_address": None, "notify_custom": None}
            time.sleep(0.03)
        assert seen == ["QUEUEING", "RUNNING", "SUCCESS"]
        assert answer["data"]["audio_address"].startswith(emu.base_url + "/aliyun-oss/")
        assert "sentences" not in answer["data"]  # enable_subtitle false


def test_latency_follows_the_model() -> None:
    with running_emulator(latency_base_s=0.1, latency_per_char_s=0.01, time_scale=1.0) as emu:
        token = aliyun_token(emu)
        start = time.monotonic()
        task_id = aliyun_submit(emu, token, "字" * 30).json()["data"]["task_id"]  # 0.1 + 30 * 0.01 = 0.4 s
        aliyun_wait(emu, token, task_id)
        assert 0.35 <= time.monotonic() - start < 2.0


def test_sentences_are_strings_that_tile_the_audio(emu: VendorEmulator, token: str) -> None:
    answer = _done(emu, token, voice="zhimi_emo", enable_subtitle=True)
    sentences = answer["data"]["sentences"]
    assert [s["text"] for s in sentences] == ["长文本语音合成接口", "一次返回所有文本对应的音频",
                                             "客户可利用该信息，实现播放控制功能"]
    for s in sentences:
        assert isinstance(s["begin_time"], str) and isinstance(s["end_time"], str)
    assert sentences[0]["begin_time"] == "0"
    for a, b in itertools.pairwise(sentences):
        assert a["end_time"] == b["begin_time"]
    audio = requests.get(answer["data"]["audio_address"], timeout=TIMEOUT)
    wav = parse_wav(audio.content)
    assert (wav.channels, wav.sample_rate, wav.bits) == (1, 16000, 16)
    assert abs(wav.duration_ms - int(sentences[-1]["end_time"])) < 1
    regions = voiced_regions(wav.pcm, wav.sample_rate)
    assert len(regions) == len(sentences)
    for (begin, end), s in zip(regions, sentences, strict=True):
        assert int(s["begin_time"]) <= begin and end <= int(s["end_time"])
        assert int(s["end_time"]) - end >= 140  # the sentence gap closes each slot


def test_no_sentences_for_a_voice_without_timestamps(emu: VendorEmulator, token: str) -> None:
    answer = _done(emu, token, voice="xiaoyun", enable_subtitle=True)
    assert answer["error_message"] == "SUCCESS" and "sentences" not in answer["data"]


@pytest.mark.parametrize(("fmt", "rate"), [("wav", 8000), ("wav", 24000), ("pcm", 16000), ("mp3", 16000),
                                           ("mp3", 48000)])
def test_audio_format_and_rate(emu: VendorEmulator, token: str, fmt: str, rate: int) -> None:
    answer = _done(emu, token, voice="zhifeng_emo" if rate != 48000 else "zhixiaobai", format=fmt, sample_rate=rate,
                   enable_subtitle=True)
    url = answer["data"]["audio_address"]
    assert f".{fmt}?" in url
    data = requests.get(url, timeout=TIMEOUT).content
    expected_ms = 8210  # same text at speed 1.0 lasts the same at every rate
    if fmt == "wav":
        wav = parse_wav(data)
        assert wav.sample_rate == rate and wav.duration_ms == expected_ms
    elif fmt == "pcm":
        assert len(data) == expected_ms * rate // 1000 * 2
    else:
        assert data[:3] == b"ID3" or data[0] == 0xFF
        pcm, decoded_rate = decode_to_pcm(data)
        assert decoded_rate == rate
        assert abs(len(pcm) / 2 / rate * 1000 - expected_ms) < 60
        if "sentences" in answer["data"]:
            regions = voiced_regions(pcm, rate, threshold=1000)
            assert len(regions) == 3


def test_speech_rate_changes_duration(emu: VendorEmulator, token: str) -> None:
    def duration(rate: int) -> float:
        answer = _done(emu, token, "字" * 20 + "。", speech_rate=rate)
        return parse_wav(requests.get(answer["data"]["audio_address"], timeout=TIMEOUT).content).duration_ms

    normal, fast, slow = duration(0), duration(500), duration(-500)
    assert fast < normal < slow
    assert abs((normal - 250) / (fast - 250) - 2) < 0.1  # 2x speed (lead + gap stay)


def test_range_download(emu: VendorEmulator, token: str) -> None:
    url = _done(emu, token)["data"]["audio_address"]
    full = requests.get(url, timeout=TIMEOUT).content
    part = requests.get(url, headers={"Range": "bytes=100-"}, timeout=TIMEOUT)
    assert part.status_code == 206 and part.content == full[100:]
    assert part.headers["Content-Range"] == f"bytes 100-{len(full) - 1}/{len(full)}"
    assert requests.get(url, headers={"Range": f"bytes={len(full)}-"}, timeout=TIMEOUT).status_code == 416
    head = requests.head(url, timeout=TIMEOUT)
    assert int(head.headers["Content-Length"]) == len(full)


def test_entities_in_speak_are_spoken_as_characters(emu: VendorEmulator, token: str) -> None:
    text = "<speak>A&amp;B公司说&lt;你好&gt;。&quot;引号&apos;</speak>"
    answer = _done(emu, token, text, voice="zhimi_emo", enable_subtitle=True)
    assert answer["data"]["sentences"][0]["text"] == "A&B公司说<你好>"


def test_plain_text_with_lone_ampersand_is_fine(emu: VendorEmulator, token: str) -> None:
    answer = _done(emu, token, "R&D 部门说 a<b 是对的。", voice="zhimi_emo", enable_subtitle=True)
    assert answer["data"]["sentences"][0]["text"] == "R&D 部门说 a<b 是对的"


def test_emotion_accepted_for_multi_emotion_voice(emu: VendorEmulator, token: str) -> None:
    text = ('开场白。<speak><emotion category="happy" intensity="1.5">今天天气真不错！</emotion>'
            '<break time="500ms"/><emotion category="sad">可是我要上班。</emotion></speak>')
    answer = _done(emu, token, text, voice="zhimi_emo", enable_subtitle=True)
    assert [s["text"] for s in answer["data"]["sentences"]] == ["开场白", "今天天气真不错", "可是我要上班"]


def test_tags_do_not_count_towards_the_limit(emu: VendorEmulator, token: str) -> None:
    inner = "字" * 99_999 + "。"
    ok = aliyun_submit(emu, token, f'<speak><emotion category="happy" intensity="1.0">{inner}</emotion></speak>',
                       voice="zhimi_emo")
    assert ok.status_code == 200, ok.text[:300]
    too_long = aliyun_submit(emu, token, "字" * 100_001)
    assert too_long.status_code == 400 and too_long.json()["error_code"] == 40000003


def _error(emu: VendorEmulator, body: dict[str, Any] | bytes) -> tuple[int, int, str]:
    if isinstance(body, bytes):
        resp = requests.post(emu.aliyun_tts_url, data=body, headers={"Content-Type": "application/json"},
                             timeout=TIMEOUT)
    else:
        resp = requests.post(emu.aliyun_tts_url, json=body, timeout=TIMEOUT)
    payload = resp.json()
    assert payload["status"] == resp.status_code
    assert payload["url"] == "/rest/v1/tts/async" and payload["request_id"]
    assert resp.headers.get("X-NLS-RequestId")
    return resp.status_code, payload["error_code"], payload["error_message"]


TTS_ERRORS: list[tuple[str, dict[str, Any], int, str]] = [
    ("unknown voice", {"voice": "nobody"}, 41020001, "Engine return error code: 418"),
    ("bad format", {"format": "ogg"}, 40000003, "format"),
    ("upper-case format", {"format": "WAV"}, 40000003, "format"),
    ("rate not of this voice", {"voice": "xiaoyun", "sample_rate": 24000}, 40000003, "sample_rate"),
    ("rate as string", {"sample_rate": "16000"}, 40000003, "sample_rate"),
    ("volume high", {"volume": 101}, 40000003, "volume"),
    ("volume low", {"volume": -1}, 40000003, "volume"),
    ("speech_rate", {"speech_rate": 501}, 40000003, "speech_rate"),
    ("pitch_rate", {"pitch_rate": -501}, 40000003, "pitch_rate"),
    ("pitch_rate float", {"pitch_rate": 1.5}, 40000003, "pitch_rate"),
    ("enable_subtitle not bool", {"enable_subtitle": "true"}, 40000003, "enable_subtitle"),
    ("empty text", {"text": "   "}, 40010003, "Gateway:DIRECTIVE_INVALID:No text specified!"),
    ("emotion on plain voice", {"text": '<speak><emotion category="happy">好</emotion></speak>'}, 40000003,
     "Illegal ssml text"),
    ("emotion not of this voice", {"voice": "zhifeng_emo",
                                   "text": '<speak><emotion category="hate">好</emotion></speak>'}, 40000003,
     "Illegal ssml text"),
    ("intensity too high", {"voice": "zhimi_emo",
                            "text": '<speak><emotion category="happy" intensity="2.5">好</emotion></speak>'},
     40000003, "Illegal ssml text"),
    ("intensity too low", {"voice": "zhimi_emo",
                           "text": '<speak><emotion category="happy" intensity="0.001">好</emotion></speak>'},
     40000003, "Illegal ssml text"),
    ("raw ampersand in speak", {"voice": "zhimi_emo", "text": "<speak>R&D</speak>"}, 40000003, "Illegal ssml text"),
    ("unclosed tag", {"voice": "zhimi_emo", "text": '<speak><emotion category="happy">好</speak>'}, 40000003,
     "Illegal ssml text"),
    ("emotion outside speak", {"voice": "zhimi_emo", "text": '<emotion category="happy">好</emotion>'}, 40000003,
     "Illegal ssml text"),
    ("unknown tag", {"voice": "zhimi_emo", "text": "<speak><blink>好</blink></speak>"}, 40000003,
     "Illegal ssml text"),
    ("break too long", {"text": '<speak>好<break time="20s"/>的</speak>'}, 40000003, "Illegal ssml text"),
    ("phoneme mismatch", {"text": '<speak><phoneme alphabet="py" ph="dian3">典当</phoneme></speak>'}, 40000003,
     "Illegal ssml text"),
]


@pytest.mark.parametrize(("case", "change", "code", "message"), TTS_ERRORS, ids=[c[0] for c in TTS_ERRORS])
def test_validation_errors(emu: VendorEmulator, token: str, case: str, change: dict[str, Any], code: int,
                           message: str) -> None:
    body = aliyun_body(emu, token)
    body["payload"]["tts_request"].update(change)
    status, error_code, error_message = _error(emu, body)
    assert (status, error_code) == (400, code), error_message
    assert message in error_message
    assert emu.submitted_texts() == []


def test_ssml_tags_that_are_allowed(emu: VendorEmulator, token: str) -> None:
    text = ('<speak><s>第一句</s><s>典<phoneme alphabet="py" ph="dian3 dang4">典当</phoneme>'
            '<break time="1s"/><sub alias="世界卫生组织">WHO</sub><say-as interpret-as="digits">110</say-as>'
            '<w>好</w></s></speak>')
    assert aliyun_submit(emu, token, text).status_code == 200


def test_structural_errors(emu: VendorEmulator, token: str) -> None:
    assert _error(emu, b"{not json")[:2] == (400, 41020001)
    body = aliyun_body(emu, token)
    body["header"]["appkey"] = "someone-else"
    status, code, message = _error(emu, body)
    assert (status, code, message) == (400, 40020105, "Meta:APPKEY_NOT_EXIST:Appkey not exist!")
    body = aliyun_body(emu, token)
    del body["payload"]["enable_notify"]
    assert _error(emu, body)[:2] == (400, 40000003)
    body = aliyun_body(emu, token)
    body["payload"].update(enable_notify=True, notify_url="http://10.0.0.1/cb")
    assert _error(emu, body)[:2] == (400, 40000003)
    body["payload"]["notify_url"] = "http://example.com/cb"
    assert requests.post(emu.aliyun_tts_url, json=body, timeout=TIMEOUT).status_code == 200
    resp = requests.post(emu.base_url + "/rest/v1/tts/nope", json={}, timeout=TIMEOUT)
    assert resp.json()["error_code"] == 40010001


def test_poll_errors(emu: VendorEmulator, token: str) -> None:
    unknown = aliyun_poll(emu, token, "0" * 32)
    assert unknown.status_code == 400 and unknown.json()["error_code"] == 40000003
    task_id = aliyun_submit(emu, token).json()["data"]["task_id"]
    bad_token = aliyun_poll(emu, "nope", task_id)
    assert bad_token.status_code == 400 and bad_token.json()["error_code"] == 40000001
    wrong_appkey = requests.get(emu.aliyun_tts_url, params={"appkey": "x", "task_id": task_id, "token": token},
                                timeout=TIMEOUT)
    assert wrong_appkey.json()["error_code"] == 40020105


def test_concurrency_cap() -> None:
    with running_emulator(aliyun_concurrency=3, latency_base_s=30, time_scale=1.0) as emu:
        token = aliyun_token(emu)
        for i in range(3):
            assert aliyun_submit(emu, token, f"第{i}段。").status_code == 200
        over = aliyun_submit(emu, token, "第三段。")
        assert over.status_code == 400
        assert over.json()["error_code"] == 40000005
        assert over.json()["error_message"] == "Gateway:TOO_MANY_REQUESTS:Too many requests!"
        emu.advance_time(31)  # the three finish
        assert aliyun_submit(emu, token, "第三段。").status_code == 200
        assert emu.submitted_texts("aliyun") == ["第0段。", "第1段。", "第2段。", "第三段。"]


def test_audio_and_task_expire_after_seven_days(emu: VendorEmulator, token: str) -> None:
    answer = _done(emu, token)
    url, task_id = answer["data"]["audio_address"], answer["data"]["task_id"]
    emu.advance_time(6 * 24 * 3600)
    token = aliyun_token(emu)  # tokens expire sooner than audio
    assert requests.get(url, timeout=TIMEOUT).status_code == 200
    emu.advance_time(24 * 3600 + 1)
    expired = requests.get(url, timeout=TIMEOUT)
    assert expired.status_code == 403 and b"AccessDenied" in expired.content
    token = aliyun_token(emu)
    assert aliyun_poll(emu, token, task_id).json()["error_code"] == 40000003


def test_failed_task(emu: VendorEmulator, token: str) -> None:
    emu.faults.task_failure_rate = 1.0
    task_id = aliyun_submit(emu, token).json()["data"]["task_id"]
    emu.faults.task_failure_rate = 0.0
    answer = aliyun_wait(emu, token, task_id)
    assert answer["error_code"] == 51020001 and answer["status"] == 500
    assert answer["data"]["task_id"] == task_id and answer["data"]["audio_address"] is None
    assert aliyun_poll(emu, token, task_id).json()["error_code"] == 51020001  # stays failed
