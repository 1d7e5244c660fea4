"""BaiduEngine against a scripted session: calls, token refresh, poll batching and states, fetch and its failures."""

from __future__ import annotations

import array
import json
import math
import threading
import wave
from pathlib import Path
from typing import Any

import pytest
import requests

from studio.core.book import EmotionSpan
from studio.core.errors import (
    AuthError,
    BadInputError,
    EngineError,
    QuotaError,
    RetryableEngineError,
    ThrottledError,
)
from studio.engines.baidu import ENV_TOKEN_URL, ENV_TTS_URL, BaiduEngine
from studio.engines.base import Engine, SynthesisRequest, TaskState
from tests.unit.test_baidu_token import CREDS, FakeSession, make_response

TTS = "https://tts.example.test/rpc/2.0/tts/v1"
TOKEN = "https://tts.example.test/oauth/2.0/token"
AUDIO = "https://bos.example.test/speech/0.wav?authorization=bce-auth-v1%2Fsigned"


def tone(rate: int, ms: int) -> bytes:
    samples = array.array("h", (int(8000 * math.sin(2 * math.pi * 440 * i / rate)) for i in range(rate * ms // 1000)))
    return samples.tobytes()


def wav_bytes(rate: int, ms: int) -> bytes:
    import io

    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(tone(rate, ms))
    return buf.getvalue()


SENTENCES = {"sentences": [
    {"paragraph_index": 0, "sentence_texts": "第一段。", "begin_time": 80, "end_time": 900,
     "characters": [{"character_text": "第", "begin_time": 80, "end_time": 300}]},
    {"paragraph_index": 1, "sentence_texts": "第二段。", "begin_time": 1500, "end_time": 1950},
]}


class Vendor:
    """A scripted Baidu: tokens, create, query and download, with switchable answers."""

    def __init__(self) -> None:
        self.tokens_issued = 0
        self.valid_tokens: set[str] = set()
        self.create_answers: list[dict[str, Any]] = []
        self.task_info: dict[str, dict[str, Any]] = {}
        self.unknown_ids: set[str] = set()
        self.query_override: dict[str, Any] | None = None
        self.audio: bytes = wav_bytes(16000, 2000)
        self.audio_headers: dict[str, str] | None = None
        self.audio_status = 200
        self.reject_next_tokens = 0
        self.session = FakeSession(self.handle)

    def handle(self, method: str, url: str, kwargs: dict[str, Any]) -> requests.Response:
        if url == TOKEN:
            self.tokens_issued += 1
            token = f"24.tok{self.tokens_issued}"
            self.valid_tokens.add(token)
            return make_response(200, {"access_token": token, "expires_in": 2592000})
        if url.startswith(TTS):
            token = kwargs["params"]["access_token"]
            if self.reject_next_tokens:
                self.reject_next_tokens -= 1
                return make_response(200, {"error_code": 110, "error_msg": "Access token invalid or no longer valid"})
            assert token in self.valid_tokens
            body = kwargs["json"]
            if url.endswith("/create"):
                if self.create_answers:
                    return make_response(200, self.create_answers.pop(0))
                return make_response(200, {"log_id": 1, "task_id": "task-1", "task_status": "Running"})
            if url.endswith("/query"):
                if self.query_override is not None:
                    return make_response(200, self.query_override)
                infos = [self.task_info[i] for i in body["task_ids"] if i in self.task_info]
                unknown = [i for i in body["task_ids"] if i in self.unknown_ids]
                answer: dict[str, Any] = {"log_id": 2, "tasks_info": infos}
                if unknown:
                    answer["error_info"] = unknown
                return make_response(200, answer)
        if url == AUDIO:
            headers = self.audio_headers if self.audio_headers is not None else {
                "Content-Length": str(len(self.audio))}
            return make_response(self.audio_status, content=self.audio, headers=headers)
        raise AssertionError(f"unexpected call {method} {url}")

    def succeed(self, task_id: str, timestamps: object = SENTENCES) -> None:
        self.task_info[task_id] = {"task_id": task_id, "task_status": "Success",
                                   "task_result": {"speech_url": AUDIO, "speech_timestamp": timestamps}}


@pytest.fixture
def vendor() -> Vendor:
    return Vendor()


@pytest.fixture
def engine(vendor: Vendor) -> BaiduEngine:
    return BaiduEngine(CREDS, tts_url=TTS, token_url=TOKEN, session=vendor.session)  # type: ignore[arg-type]


REQUEST = SynthesisRequest(voice="5003", paragraphs=("第一段。", "第二段。"), paragraph_gap_ms=500)


def test_is_an_engine(engine: BaiduEngine) -> None:
    assert isinstance(engine, Engine)
    assert engine.name == "baidu"
    assert CREDS.secret_key not in repr(engine)


def test_submit_sends_list_of_paragraphs(engine: BaiduEngine, vendor: Vendor) -> None:
    assert engine.submit(REQUEST) == "task-1"
    (_, url, kwargs), = vendor.session.calls_to("/create")
    assert url == f"{TTS}/create"
    assert kwargs["params"] == {"access_token": "24.tok1"}
    assert kwargs["json"]["text"] == ["第一段。", "第二段。"]
    assert kwargs["json"]["break"] == 500 and kwargs["json"]["lang"] == "zh" and kwargs["json"]["voice"] == 5003
    assert kwargs["timeout"] == (5.0, 30.0)


def test_emotions_are_refused_before_sending(engine: BaiduEngine, vendor: Vendor) -> None:
    request = SynthesisRequest(voice="5003", paragraphs=("开心",), emotions=((EmotionSpan(0, 2, "happy"),),))
    with pytest.raises(BadInputError, match="do not support emotions"):
        engine.submit(request)
    assert vendor.session.calls == []


def test_token_is_renewed_once_on_110(engine: BaiduEngine, vendor: Vendor) -> None:
    engine.submit(REQUEST)
    vendor.reject_next_tokens = 1
    assert engine.submit(REQUEST) == "task-1"
    assert vendor.tokens_issued == 2
    vendor.reject_next_tokens = 2
    with pytest.raises(AuthError) as info:
        engine.submit(REQUEST)
    assert info.value.vendor_code == 110
    assert vendor.tokens_issued == 3
    assert "24.tok" not in str(info.value) + repr(info.value)


@pytest.mark.parametrize(("answer", "kind"), [
    ({"error_code": 336204, "error_msg": "request limit reached"}, QuotaError),
    ({"error_code": 18, "error_msg": "Open api qps request limit reached"}, ThrottledError),
    ({"error_code": 336200, "error_msg": "internal error"}, RetryableEngineError),
    ({"error_code": 336203, "error_msg": "missing param: lang"}, BadInputError),
    ({"error_code": 100000, "error_msg": "missing param: xxx", "log_id": 5}, BadInputError),
    ({"log_id": 3}, RetryableEngineError),  # no task id
])
def test_create_errors(engine: BaiduEngine, vendor: Vendor, answer: dict[str, Any], kind: type[EngineError]) -> None:
    vendor.create_answers.append(answer)
    with pytest.raises(kind) as info:
        engine.submit(REQUEST)
    if "error_code" in answer:
        assert info.value.vendor_code == answer["error_code"]
        assert info.value.vendor_message == answer["error_msg"]


def test_http_errors_without_vendor_code(engine: BaiduEngine, vendor: Vendor) -> None:
    vendor.create_answers.append({})
    original = vendor.handle

    def failing(method: str, url: str, kwargs: dict[str, Any]) -> requests.Response:
        if url.endswith("/create"):
            return make_response(502, content=b"<html>bad gateway</html>")
        return original(method, url, kwargs)

    vendor.session.handler = failing
    with pytest.raises(RetryableEngineError, match="HTTP 502"):
        engine.submit(REQUEST)


def test_transport_errors_are_retryable_and_hide_the_token(engine: BaiduEngine, vendor: Vendor) -> None:
    original = vendor.handle

    def dropping(method: str, url: str, kwargs: dict[str, Any]) -> requests.Response:
        if url.endswith("/query"):
            raise requests.ConnectionError(f"Max retries exceeded with url: /rpc/2.0/tts/v1/query?access_token="
                                           f"{kwargs['params']['access_token']} (Caused by RemoteDisconnected)")
        return original(method, url, kwargs)

    vendor.session.handler = dropping
    with pytest.raises(RetryableEngineError) as info:
        engine.poll(["a"])
    assert "24.tok" not in str(info.value) + repr(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_poll_batches_of_200(engine: BaiduEngine, vendor: Vendor) -> None:
    ids = [f"t{i:03d}" for i in range(450)]
    for task_id in ids:
        vendor.task_info[task_id] = {"task_id": task_id, "task_status": "Running"}
    statuses = engine.poll(ids)
    assert [len(kw["json"]["task_ids"]) for _, _, kw in vendor.session.calls_to("/query")] == [200, 200, 50]
    assert list(statuses) == ids
    assert {s.state for s in statuses.values()} == {TaskState.RUNNING}


def test_poll_states(engine: BaiduEngine, vendor: Vendor) -> None:
    vendor.task_info["run"] = {"task_id": "run", "task_status": "Running"}
    vendor.succeed("ok")
    vendor.task_info["bad"] = {"task_id": "bad", "task_status": "Failure",
                               "task_result": {"err_no": 3301, "err_msg": "speech quality error", "sn": "x"}}
    vendor.unknown_ids.add("gone")
    statuses = engine.poll(["run", "ok", "bad", "gone", "silent"])
    assert statuses["run"].state is TaskState.RUNNING
    assert statuses["ok"].state is TaskState.DONE
    assert statuses["bad"].state is TaskState.FAILED
    assert isinstance(statuses["bad"].error, RetryableEngineError)
    assert statuses["bad"].error.vendor_code == 3301 and "speech quality error" in str(statuses["bad"].error)
    assert statuses["gone"].state is TaskState.FAILED
    assert isinstance(statuses["gone"].error, RetryableEngineError)
    assert "resubmit" in str(statuses["gone"].error) and statuses["gone"].error.vendor_code == 336201
    assert statuses["silent"].state is TaskState.QUEUED


def test_error_info_objects_and_batch_level_unknown(engine: BaiduEngine, vendor: Vendor) -> None:
    vendor.query_override = {"tasks_info": [], "error_info": [{"task_id": "a", "error_code": 336201,
                                                               "error_msg": "task not exist"}]}
    assert engine.poll(["a"])["a"].error.vendor_message == "task not exist"  # type: ignore[union-attr]
    vendor.query_override = {"error_code": 336201, "error_msg": "task id not exist"}
    statuses = engine.poll(["a", "b"])
    assert all(s.state is TaskState.FAILED and isinstance(s.error, RetryableEngineError) for s in statuses.values())
    vendor.query_override = {"error_code": 18, "error_msg": "qps"}
    with pytest.raises(ThrottledError):
        engine.poll(["a"])


def test_fetch_wav(engine: BaiduEngine, vendor: Vendor, tmp_path: Path) -> None:
    task_id = engine.submit(REQUEST)
    vendor.succeed(task_id)
    assert engine.poll([task_id])[task_id].state is TaskState.DONE
    dest = tmp_path / "out" / "unit.wav"
    result = engine.fetch(task_id, dest)
    assert result.audio_path == dest and dest.exists()
    assert (result.sample_rate, result.channels, result.duration_ms) == (16000, 1, 2000)
    assert [s.paragraph for s in result.sentences] == [0, 1]
    assert result.words[0].text == "第"
    assert result.paragraph_offsets_ms == [0, 1500]
    assert [p.name for p in dest.parent.iterdir()] == ["unit.wav"]
    download_calls = vendor.session.calls_to("bos.example.test")
    assert download_calls[0][2]["stream"] is True and "params" not in download_calls[0][2]


def test_fetch_after_restart_asks_for_the_link(vendor: Vendor, tmp_path: Path) -> None:
    vendor.succeed("old-task")
    vendor.audio = tone(8000, 1500)  # raw pcm-8k, nothing remembers the format
    vendor.task_info["old-task"]["task_result"]["speech_timestamp"] = {"sentences": [
        {"paragraph_index": 0, "sentence_texts": "x", "begin_time": 0, "end_time": 1450}]}
    engine = BaiduEngine(CREDS, tts_url=TTS, token_url=TOKEN, session=vendor.session)  # type: ignore[arg-type]
    result = engine.fetch("old-task", tmp_path / "a.wav")
    assert (result.sample_rate, result.duration_ms) == (8000, 1500)
    assert len(vendor.session.calls_to("/query")) == 1


def test_fetch_pcm_uses_the_requested_rate(engine: BaiduEngine, vendor: Vendor, tmp_path: Path) -> None:
    task_id = engine.submit(SynthesisRequest(voice="0", paragraphs=("a",), audio_format="pcm", sample_rate=8000))
    assert vendor.session.calls_to("/create")[0][2]["json"]["format"] == "pcm-8k"
    vendor.succeed(task_id, timestamps=None)
    vendor.audio = tone(8000, 700)
    result = engine.fetch(task_id, tmp_path / "p.wav")
    assert (result.sample_rate, result.duration_ms, result.paragraph_offsets_ms) == (8000, 700, [0])


def test_a_cut_short_compressed_download_is_fetched_again(engine: BaiduEngine, vendor: Vendor,
                                                          tmp_path: Path) -> None:
    """Raw PCM has no header to betray a short body: the length check must hold for encoded bodies too (the
    shared download helper counts bytes off the wire), or a short download becomes short audio in the book."""
    task_id = engine.submit(SynthesisRequest(voice="0", paragraphs=("a",), audio_format="pcm", sample_rate=8000))
    vendor.succeed(task_id, timestamps=None)
    full = tone(8000, 700)
    vendor.audio = full[: len(full) // 2]
    vendor.audio_headers = {"Content-Length": str(len(full)), "Content-Encoding": "gzip"}
    with pytest.raises(RetryableEngineError, match="truncated download"):
        engine.fetch(task_id, tmp_path / "p.wav")
    assert list(tmp_path.iterdir()) == []


def test_fetch_of_unfinished_or_failed_task(engine: BaiduEngine, vendor: Vendor, tmp_path: Path) -> None:
    vendor.task_info["run"] = {"task_id": "run", "task_status": "Running"}
    with pytest.raises(RetryableEngineError, match="not finished"):
        engine.fetch("run", tmp_path / "x.wav")
    vendor.task_info["bad"] = {"task_id": "bad", "task_status": "Failure", "task_result": {"err_no": 3301}}
    with pytest.raises(RetryableEngineError) as info:
        engine.fetch("bad", tmp_path / "x.wav")
    assert info.value.vendor_code == 3301
    assert list(tmp_path.iterdir()) == []


def test_truncated_download_leaves_nothing(engine: BaiduEngine, vendor: Vendor, tmp_path: Path) -> None:
    vendor.succeed("t")
    full = vendor.audio
    vendor.audio = full[: len(full) // 2]
    vendor.audio_headers = {"Content-Length": str(len(full))}
    with pytest.raises(RetryableEngineError, match="truncated"):
        engine.fetch("t", tmp_path / "t.wav")
    assert list(tmp_path.iterdir()) == []
    # a truncated WAV without Content-Length is caught by its own header
    vendor.audio_headers = {}
    with pytest.raises(RetryableEngineError, match="not usable"):
        engine.fetch("t", tmp_path / "t.wav")
    assert list(tmp_path.iterdir()) == []


def test_expired_link_is_forgotten(engine: BaiduEngine, vendor: Vendor, tmp_path: Path) -> None:
    vendor.succeed("t")
    engine.poll(["t"])
    vendor.audio_status = 403
    vendor.audio = b"<Error>AccessDenied</Error>"
    with pytest.raises(RetryableEngineError) as info:
        engine.fetch("t", tmp_path / "t.wav")
    assert "authorization" not in str(info.value) and "bce-auth" not in str(info.value)
    vendor.audio_status = 200
    vendor.audio = wav_bytes(16000, 100)
    queries = len(vendor.session.calls_to("/query"))
    engine.fetch("t", tmp_path / "t.wav")
    assert len(vendor.session.calls_to("/query")) == queries + 1  # asked for a fresh link


def test_fetch_mp3_is_decoded(engine: BaiduEngine, vendor: Vendor, tmp_path: Path) -> None:
    from studio.audio import run_ffmpeg

    src = tmp_path / "src.mp3"
    run_ffmpeg(["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000:duration=1", "-ac", "1",
                "-c:a", "libmp3lame", "-b:a", "32k", str(src)])
    task_id = engine.submit(SynthesisRequest(voice="5003", paragraphs=("a",), audio_format="mp3"))
    vendor.succeed(task_id)
    vendor.audio = src.read_bytes()
    result = engine.fetch(task_id, tmp_path / "m.wav")
    assert result.sample_rate == 16000
    assert abs(result.duration_ms - 1000) < 80


def test_threads_share_one_token(engine: BaiduEngine, vendor: Vendor) -> None:
    barrier = threading.Barrier(12)

    def worker() -> None:
        barrier.wait()
        engine.submit(REQUEST)

    threads = [threading.Thread(target=worker) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert vendor.tokens_issued == 1
    assert len(vendor.session.calls_to("/create")) == 12


def test_urls_from_environment(monkeypatch: pytest.MonkeyPatch, vendor: Vendor) -> None:
    monkeypatch.setenv(ENV_TTS_URL, TTS + "/")
    monkeypatch.setenv(ENV_TOKEN_URL, TOKEN)
    engine = BaiduEngine(CREDS, session=vendor.session)  # type: ignore[arg-type]
    engine.submit(REQUEST)
    assert [c[1] for c in vendor.session.calls] == [TOKEN, f"{TTS}/create"]


def test_close(vendor: Vendor) -> None:
    engine = BaiduEngine(CREDS, tts_url=TTS, token_url=TOKEN, session=vendor.session)  # type: ignore[arg-type]
    engine.close()
    engine.close()
    assert not vendor.session.closed  # the caller's session stays the caller's
    with pytest.raises(EngineError, match="closed"):
        engine.poll(["a"])
    own = BaiduEngine(CREDS, tts_url=TTS, token_url=TOKEN)
    with own:
        pass
    with pytest.raises(EngineError):
        own.submit(REQUEST)


def test_constructor_checks() -> None:
    with pytest.raises(ValueError):
        BaiduEngine(CREDS, enable_subtitle=3)
    with pytest.raises(ValueError):
        BaiduEngine(CREDS, audio_format="ogg")


def test_check_credentials_gets_a_fresh_token(engine: BaiduEngine, vendor: Vendor) -> None:
    engine.check_credentials()
    engine.check_credentials()
    assert vendor.tokens_issued == 2
    assert json.dumps([c[1] for c in vendor.session.calls]).count("oauth") == 2
