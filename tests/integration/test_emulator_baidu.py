"""The emulator's Baidu long-text synthesis: OAuth token, create, batched query, timestamps, BOS download."""

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
    baidu_create,
    baidu_query,
    baidu_token,
    baidu_wait,
    decode_to_pcm,
    parse_wav,
    running_emulator,
    voiced_regions,
)

DOC_SENTENCE = "今年上半年我国工业经济面临的内外部环境还是比较严峻复杂的"


@pytest.fixture
def emu() -> Iterator[VendorEmulator]:
    with running_emulator() as emulator:
        yield emulator


@pytest.fixture
def token(emu: VendorEmulator) -> str:
    return baidu_token(emu)


def _token_request(emu: VendorEmulator, **params: str) -> requests.Response:
    base = {"grant_type": "client_credentials", "client_id": emu.BAIDU_API_KEY, "client_secret": emu.BAIDU_SECRET_KEY}
    base.update(params)
    return requests.post(emu.baidu_token_url, params=base, timeout=TIMEOUT)


def test_token_shape(emu: VendorEmulator) -> None:
    resp = _token_request(emu)
    assert resp.status_code == 200
    body = resp.json()
    assert {"access_token", "expires_in", "refresh_token", "scope", "session_key", "session_secret"} <= set(body)
    assert body["access_token"].startswith("24.") and body["expires_in"] == 2592000


def test_token_errors(emu: VendorEmulator) -> None:
    bad_id = _token_request(emu, client_id="nobody")
    assert bad_id.status_code == 401
    assert bad_id.json() == {"error": "invalid_client", "error_description": "unknown client id"}
    bad_secret = _token_request(emu, client_secret="wrong")
    assert bad_secret.status_code == 401
    assert bad_secret.json() == {"error": "invalid_client", "error_description": "Client authentication failed"}
    assert _token_request(emu, grant_type="password").json()["error"] == "unsupported_grant_type"


def test_create_query_download_with_word_timestamps(emu: VendorEmulator, token: str) -> None:
    resp = baidu_create(emu, token, [DOC_SENTENCE], enable_subtitle=2)
    created = resp.json()
    assert set(created) == {"log_id", "task_id", "task_status"}
    assert isinstance(created["log_id"], int) and created["task_status"] == "Running"
    assert len(created["task_id"]) == 24
    info = baidu_wait(emu, token, created["task_id"])
    assert info["task_status"] == "Success" and info["task_id"] == created["task_id"]
    result = info["task_result"]
    sentences = result["speech_timestamp"]["sentences"]
    assert len(sentences) == 1
    s = sentences[0]
    assert s["paragraph_index"] == 0 and s["sentence_texts"] == DOC_SENTENCE
    assert all(isinstance(s[k], int) for k in ("begin_time", "end_time"))
    chars = s["characters"]
    assert "".join(c["character_text"] for c in chars) == DOC_SENTENCE
    assert chars[0]["begin_time"] == s["begin_time"] and chars[-1]["end_time"] == s["end_time"]
    for a, b in itertools.pairwise(chars):
        assert a["begin_time"] < a["end_time"] <= b["begin_time"]
    assert "/speech/0.wav?authorization=" in result["speech_url"]
    wav = parse_wav(requests.get(result["speech_url"], timeout=TIMEOUT).content)
    assert (wav.sample_rate, wav.channels, wav.bits) == (16000, 1, 16)
    [(begin, end)] = voiced_regions(wav.pcm, wav.sample_rate)
    assert abs(begin - s["begin_time"]) <= 10 and abs(end - s["end_time"]) <= 10
    assert emu.submitted_texts("baidu") == [DOC_SENTENCE]


def test_paragraph_gap_is_one_second_or_break(emu: VendorEmulator, token: str) -> None:
    def gaps(**params: Any) -> tuple[list[int], list[dict[str, Any]]]:
        paragraphs = ["第一段的文字。", "第二段！", "第三段"]
        task_id = baidu_create(emu, token, paragraphs, enable_subtitle=1, **params).json()["task_id"]
        info = baidu_wait(emu, token, task_id)
        wav = parse_wav(requests.get(info["task_result"]["speech_url"], timeout=TIMEOUT).content)
        regions = voiced_regions(wav.pcm, wav.sample_rate)
        return [b[0] - a[1] for a, b in itertools.pairwise(regions)], \
            info["task_result"]["speech_timestamp"]["sentences"]

    default_gaps, sentences = gaps()
    assert [s["paragraph_index"] for s in sentences] == [0, 1, 2]
    assert "characters" not in sentences[0]  # enable_subtitle 1 = sentence level only
    assert all(abs(g - 1000) <= 10 for g in default_gaps), default_gaps
    assert [s["begin_time"] - p["end_time"] for p, s in itertools.pairwise(sentences)] == [1000, 1000]
    short_gaps, _ = gaps(**{"break": 300})
    assert all(abs(g - 300) <= 10 for g in short_gaps), short_gaps


@pytest.mark.parametrize(("fmt", "rate", "kind"), [("mp3-16k", 16000, "mp3"), ("mp3-48k", 48000, "mp3"),
                                                   ("pcm-8k", 8000, "pcm"), ("pcm-16k", 16000, "pcm")])
def test_formats(emu: VendorEmulator, token: str, fmt: str, rate: int, kind: str) -> None:
    task_id = baidu_create(emu, token, ["你好世界。"], format=fmt).json()["task_id"]
    info = baidu_wait(emu, token, task_id)
    assert "speech_timestamp" not in info["task_result"]  # enable_subtitle 0
    url = info["task_result"]["speech_url"]
    assert f"/speech/0.{kind}?" in url
    data = requests.get(url, timeout=TIMEOUT).content
    expected_ms = 100 + 4 * 200 + 150
    if kind == "pcm":
        assert len(data) == expected_ms * rate // 1000 * 2
    else:
        pcm, decoded_rate = decode_to_pcm(data)
        assert decoded_rate == rate
        assert abs(len(pcm) / 2 / rate * 1000 - expected_ms) < 60


def test_speed_changes_duration(emu: VendorEmulator, token: str) -> None:
    def voiced(speed: int) -> int:
        info = baidu_wait(emu, token, baidu_create(emu, token, ["字" * 10], speed=speed, enable_subtitle=1)
                          .json()["task_id"])
        s = info["task_result"]["speech_timestamp"]["sentences"][0]
        return int(s["end_time"] - s["begin_time"])

    assert voiced(15) < voiced(5) < voiced(0)
    assert voiced(5) == 2000


CREATE_ERRORS: list[tuple[str, dict[str, Any], int]] = [
    ("text missing", {"text": None}, 100000),
    ("lang missing", {"lang": None}, 100000),
    ("text a string", {"text": "不是列表"}, 336202),
    ("text list of numbers", {"text": [1, 2]}, 336202),
    ("text empty", {"text": []}, 336202),
    ("lang en", {"lang": "en"}, 336202),
    ("format", {"format": "mp3"}, 336202),
    ("voice unknown", {"voice": 9999}, 336202),
    ("voice as string", {"voice": "0"}, 336202),
    ("speed", {"speed": 16}, 336202),
    ("pitch", {"pitch": -1}, 336202),
    ("volume basic voice", {"voice": 0, "volume": 10}, 336202),
    ("volume premium voice", {"voice": 5003, "volume": 16}, 336202),
    ("enable_subtitle", {"enable_subtitle": 3}, 336202),
    ("break", {"break": 5001}, 336202),
    ("too long", {"text": ["字" * 50_000, "字" * 50_001]}, 336202),
]


@pytest.mark.parametrize(("case", "change", "code"), CREATE_ERRORS, ids=[c[0] for c in CREATE_ERRORS])
def test_create_validation(emu: VendorEmulator, token: str, case: str, change: dict[str, Any], code: int) -> None:
    params = {"text": ["你好。"], **change}
    text = params.pop("text")
    if text is None:
        resp = requests.post(emu.baidu_tts_url + "/create", params={"access_token": token},
                             json={"format": "wav", "voice": 0, "lang": "zh"}, timeout=TIMEOUT)
    else:
        resp = baidu_create(emu, token, text, **params)
    assert resp.status_code == 200
    body = resp.json()
    assert body["error_code"] == code and body["error_msg"] and isinstance(body["log_id"], int)
    if code == 100000:
        assert body["error_msg"].startswith("missing param: ")
    assert emu.submitted_texts() == []


def test_create_accepts_limits(emu: VendorEmulator, token: str) -> None:
    ok = baidu_create(emu, token, ["字" * 50_000, "字" * 50_000], voice=5003, volume=15, speed=15, pitch=0,
                      enable_subtitle=0, **{"break": 5000})
    assert "task_id" in ok.json(), ok.json()
    for voice in (1, 3, 4, 5118, 106, 110, 111, 103, 5, 4189, 20100):
        assert "task_id" in baidu_create(emu, token, ["好"], voice=voice).json()


def test_token_errors_on_api(emu: VendorEmulator, token: str) -> None:
    invalid = baidu_create(emu, "24.bogus", ["你好"]).json()
    assert invalid["error_code"] == 110 and invalid["error_msg"] == "Access token invalid or no longer valid"
    assert baidu_query(emu, "", ["x"]).json()["error_code"] == 110
    emu.expire_tokens()
    assert baidu_create(emu, token, ["你好"]).json()["error_code"] == 111
    assert baidu_query(emu, token, ["x"]).json()["error_code"] == 111
    fresh = baidu_token(emu)
    assert "task_id" in baidu_create(emu, fresh, ["你好"]).json()


def test_token_ttl() -> None:
    with running_emulator(baidu_token_ttl_s=3600) as emu:
        body = requests.post(emu.baidu_token_url, params={"grant_type": "client_credentials",
                                                          "client_id": emu.BAIDU_API_KEY,
                                                          "client_secret": emu.BAIDU_SECRET_KEY},
                             timeout=TIMEOUT).json()
        assert body["expires_in"] == 3600
        emu.advance_time(3601)
        assert baidu_create(emu, body["access_token"], ["你好"]).json()["error_code"] == 111


def test_query_limits_and_unknown_ids(emu: VendorEmulator, token: str) -> None:
    task_id = baidu_create(emu, token, ["你好"]).json()["task_id"]
    too_many = baidu_query(emu, token, [task_id] * 201).json()
    assert too_many["error_code"] == 336202
    assert "tasks_info" in baidu_query(emu, token, [task_id] * 200).json()
    assert baidu_query(emu, token, []).json()["error_code"] == 336203
    missing = requests.post(emu.baidu_tts_url + "/query", params={"access_token": token}, json={},
                            timeout=TIMEOUT).json()
    assert missing["error_code"] == 336203
    mixed = baidu_query(emu, token, [task_id, "0" * 24]).json()
    assert [t["task_id"] for t in mixed["tasks_info"]] == [task_id]
    assert mixed["error_info"] == ["0" * 24]
    emu.baidu_error_info_style = "objects"
    mixed = baidu_query(emu, token, ["0" * 24]).json()
    assert mixed["tasks_info"] == []
    assert mixed["error_info"] == [{"task_id": "0" * 24, "error_code": 336201, "error_msg": "task_id not exist"}]
    sizes = [len(r.json()["task_ids"]) for r in emu.requests_for("baidu", "query") if r.json()]
    assert sizes[:2] == [201, 200]


def test_query_many_tasks_at_once(emu: VendorEmulator, token: str) -> None:
    ids = [baidu_create(emu, token, [f"第{i}句。"]).json()["task_id"] for i in range(5)]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        infos = baidu_query(emu, token, ids).json()["tasks_info"]
        if all(i["task_status"] == "Success" for i in infos):
            break
        time.sleep(0.02)
    assert [i["task_id"] for i in infos] == ids
    assert all(i["task_status"] == "Success" for i in infos)


def test_failure_and_expiry(emu: VendorEmulator, token: str) -> None:
    emu.faults.task_failure_rate = 1.0
    failing = baidu_create(emu, token, ["失败"]).json()["task_id"]
    emu.faults.task_failure_rate = 0.0
    info = baidu_wait(emu, token, failing)
    assert info["task_status"] == "Failure"
    assert info["task_result"]["err_no"] == 3301 and info["task_result"]["err_msg"] == "speech quality error"
    assert isinstance(info["task_result"]["sn"], str)
    ok = baidu_create(emu, token, ["成功"]).json()["task_id"]
    url = baidu_wait(emu, token, ok)["task_result"]["speech_url"]
    emu.advance_time(71 * 3600)
    assert requests.get(url, timeout=TIMEOUT).status_code == 200
    emu.advance_time(3601)
    assert requests.get(url, timeout=TIMEOUT).status_code == 403
    fresh = baidu_token(emu)
    assert baidu_query(emu, fresh, [ok]).json()["error_info"] == [ok]
