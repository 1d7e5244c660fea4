"""AliyunEngine against the vendor emulator over real HTTP: tokens, submit/poll/fetch, formats, faults, secrets.

Every test that provokes an error hands it to ``errors`` (a fixture) and the fixture checks at teardown that
no token the emulator saw, no AccessKey secret and no signature appears in any error text, repr, vendor
message or chained exception.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from studio.audio.wavinfo import read_wav_info
from studio.core.book import EmotionSpan
from studio.core.credentials import AliyunCredentials
from studio.core.errors import (
    AuthError,
    BadInputError,
    EngineError,
    RetryableEngineError,
    TaskExpiredError,
    ThrottledError,
)
from studio.engines.aliyun import AliyunEngine
from studio.engines.base import SynthesisRequest, SynthesisResult, TaskState
from tests.emulator import Faults, VendorEmulator

NASTY = 'Tom & Jerry: "5 < 6 > 4" isn\'t </emotion> <speak> a tag.'


@pytest.fixture
def emu() -> Iterator[VendorEmulator]:
    with VendorEmulator(seed=1, faults=Faults(time_scale=0.05)) as emulator:
        yield emulator


def creds(emu: VendorEmulator, **override: str) -> AliyunCredentials:
    values = {"access_key_id": emu.ALIYUN_ACCESS_KEY_ID, "access_key_secret": emu.ALIYUN_ACCESS_KEY_SECRET,
              "appkey": emu.ALIYUN_APPKEY, **override}
    return AliyunCredentials(**values)


@pytest.fixture
def make_engine(emu: VendorEmulator) -> Iterator[Any]:
    engines: list[AliyunEngine] = []

    def make(**kwargs: Any) -> AliyunEngine:
        credentials = kwargs.pop("credentials", None) or creds(emu)
        engine = AliyunEngine(credentials, tts_url=emu.aliyun_tts_url, token_url=emu.aliyun_token_url, **kwargs)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.close()


class Errors(list[BaseException]):
    """Errors raised during a test; checked for secrets at teardown."""

    def expect(self, kind: type[BaseException], fn: Any, *args: Any, **kwargs: Any) -> Any:
        with pytest.raises(kind) as info:
            fn(*args, **kwargs)
        self.append(info.value)
        return info.value


def recorded(emu: VendorEmulator, endpoint: str, count: int | None = None, timeout: float = 3.0) -> list[Any]:
    """The emulator's records for an Aliyun endpoint, once ``count`` of them are in.

    The emulator records an exchange after it has sent the response, so the client can be done before the
    record exists; waiting for the expected count keeps the assertions free of that race.
    """
    deadline = time.monotonic() + timeout
    while True:
        found = emu.requests_for("aliyun", endpoint)
        if count is None or len(found) >= count or time.monotonic() > deadline:
            if count is not None:
                time.sleep(0.05)  # and nothing more arrives
                found = emu.requests_for("aliyun", endpoint)
            return found
        time.sleep(0.01)


def _seen_secrets(emu: VendorEmulator) -> set[str]:
    """Every token the emulator was shown (polls and submits), plus the AccessKey secret and signatures."""
    found = {emu.ALIYUN_ACCESS_KEY_SECRET}
    for rec in emu.requests_for("aliyun", "poll"):
        if rec.query.get("token"):
            found.add(rec.query["token"])
    for rec in emu.requests_for("aliyun", "submit"):
        body = rec.json() or {}
        token = (body.get("header") or {}).get("token")
        if token:
            found.add(token)
    for rec in emu.requests_for("aliyun", "token"):
        params = dict(parse_qsl(urlsplit(rec.path).query)) | rec.query
        if params.get("Signature"):
            found.add(params["Signature"])
    return found


def _texts(exc: BaseException) -> list[str]:
    out: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        out += [str(current), repr(current), str(getattr(current, "vendor_message", "") or "")]
        current = current.__cause__ or current.__context__
    return out


@pytest.fixture
def errors(emu: VendorEmulator) -> Iterator[Errors]:
    collected = Errors()
    yield collected
    secrets = _seen_secrets(emu)
    for exc in collected:
        for text in _texts(exc):
            for secret in secrets:
                assert secret not in text, f"secret leaked in {type(exc).__name__}: {text}"


def wait(engine: AliyunEngine, task_id: str, timeout: float = 30.0) -> TaskState:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = engine.poll([task_id])[task_id]
        if status.state in (TaskState.DONE, TaskState.FAILED):
            return status.state
        time.sleep(0.02)
    raise AssertionError(f"task {task_id} did not finish")


def render(engine: AliyunEngine, request: SynthesisRequest, dest: Path) -> SynthesisResult:
    task_id = engine.submit(request)
    assert wait(engine, task_id) is TaskState.DONE
    return engine.fetch(task_id, dest)


PARAGRAPHS = ("长文本语音合成接口。一次返回所有文本对应的音频！", "客户可利用该信息，实现播放控制功能。",
              "The last paragraph is English. It has two sentences.")


# -- lifecycle ------------------------------------------------------------------------------------------------


def test_submit_poll_fetch_lifecycle(emu: VendorEmulator, make_engine: Any, tmp_path: Path) -> None:
    engine = make_engine()
    request = SynthesisRequest("aixia", PARAGRAPHS, speed=1.25, volume=1.2, pitch=0.8)
    dest = tmp_path / "out" / "unit.wav"
    result = render(engine, request, dest)

    info = read_wav_info(dest)
    submitted = emu.submissions("aliyun")[0]
    assert (info.format.sample_rate, info.format.channels, info.format.sample_width) == (16000, 1, 2)
    assert result.sample_rate == 16000 and result.channels == 1
    assert abs(result.duration_ms - submitted["duration_ms"]) <= 1
    assert abs(result.duration_ms - info.duration_ms) <= 1

    tts = submitted["request"]["payload"]["tts_request"]
    assert tts == {"voice": "aixia", "sample_rate": 16000, "format": "wav", "text": "\n".join(PARAGRAPHS),
                   "enable_subtitle": True, "volume": 60, "speech_rate": 200, "pitch_rate": -125}
    assert submitted["request"]["payload"]["enable_notify"] is False
    assert submitted["request"]["header"]["appkey"] == emu.ALIYUN_APPKEY
    assert "device_id" in submitted["request"]["context"]

    # Sentences: times from the vendor, mapped onto the three paragraphs in order.
    assert [s.paragraph for s in result.sentences] == [0, 0, 1, 2, 2]
    assert result.sentences[0].begin_ms == 0
    assert result.sentences[-1].end_ms == result.duration_ms
    assert all(a.end_ms <= b.begin_ms for a, b in zip(result.sentences, result.sentences[1:], strict=False))
    firsts = {}
    for s in result.sentences:
        firsts.setdefault(s.paragraph, s.begin_ms)
    assert result.paragraph_offsets_ms == [0, firsts[1], firsts[2]]
    assert result.words == []

    polls = recorded(emu, "poll", 1)
    assert polls and all(set(p.query) == {"appkey", "task_id", "token"} for p in polls)
    assert len(recorded(emu, "token", 1)) == 1
    assert sorted(p.name for p in dest.parent.iterdir()) == ["unit.wav"]  # no temporary files left


def test_queued_running_done_states(emu: VendorEmulator, make_engine: Any, tmp_path: Path) -> None:
    emu.faults.time_scale = 1.0
    emu.faults.latency_base_s = 100.0
    engine = make_engine()
    task_id = engine.submit(SynthesisRequest("xiaoyun", ("你好。",)))
    assert engine.poll([task_id])[task_id].state is TaskState.QUEUED
    emu.advance_time(40)
    assert engine.poll([task_id])[task_id].state is TaskState.RUNNING
    with pytest.raises(RetryableEngineError, match="not finished"):
        engine.fetch(task_id, tmp_path / "early.wav")
    assert not (tmp_path / "early.wav").exists()
    emu.advance_time(100)
    assert engine.poll([task_id])[task_id].state is TaskState.DONE
    assert engine.fetch(task_id, tmp_path / "a.wav").duration_ms > 0


@pytest.mark.parametrize(("fmt", "voice", "rate"), [("mp3", "zhiqi", 24000), ("pcm", "aixia", 8000),
                                                   ("wav", "zhiqi", 48000), ("mp3", "xiaoyun", None)])
def test_formats_are_converted_to_wav(emu: VendorEmulator, make_engine: Any, tmp_path: Path, fmt: str, voice: str,
                                      rate: int | None) -> None:
    engine = make_engine(audio_format=fmt)
    result = render(engine, SynthesisRequest(voice, PARAGRAPHS[:2], sample_rate=rate), tmp_path / "a.wav")
    rate = rate or 16000
    info = read_wav_info(tmp_path / "a.wav")
    assert (info.format.sample_rate, info.format.sample_width, info.format.channels) == (rate, 2, 1)
    expected = emu.submissions("aliyun")[0]["duration_ms"]
    assert abs(result.duration_ms - expected) <= (60 if fmt == "mp3" else 1)
    assert emu.submissions("aliyun")[0]["request"]["payload"]["tts_request"]["format"] == fmt
    assert recorded(emu, "download", 1)[0].path.endswith(f".{fmt}")


def test_fetch_after_restart_polls_for_the_address(emu: VendorEmulator, make_engine: Any, tmp_path: Path) -> None:
    first = make_engine()
    task_id = first.submit(SynthesisRequest("aixia", PARAGRAPHS))
    assert wait(first, task_id) is TaskState.DONE
    first.close()
    second = make_engine()  # the app was reopened: only the task id survived, in the project database
    result = second.fetch(task_id, tmp_path / "a.wav")
    assert result.sample_rate == 16000 and result.duration_ms > 0
    assert result.sentences and {s.paragraph for s in result.sentences} == {0}


def test_synthesize_convenience(make_engine: Any, tmp_path: Path) -> None:
    result = make_engine().synthesize(SynthesisRequest("xiaoyun", ("一句话。",)), tmp_path / "a.wav",
                                      poll_interval_s=0.02)
    assert result.duration_ms > 0


def test_voice_without_timestamps_gets_estimated_offsets(make_engine: Any, tmp_path: Path) -> None:
    result = render(make_engine(), SynthesisRequest("xiaoyun", PARAGRAPHS), tmp_path / "a.wav")
    assert result.sentences == []
    offsets = result.paragraph_offsets_ms
    assert len(offsets) == 3 and offsets[0] == 0 and offsets == sorted(offsets) and offsets[-1] < result.duration_ms


# -- tokens ---------------------------------------------------------------------------------------------------


def test_one_token_request_for_twenty_threads(emu: VendorEmulator, make_engine: Any) -> None:
    engine = make_engine()
    barrier = threading.Barrier(20)
    ids: list[str] = []
    failures: list[BaseException] = []

    def worker(n: int) -> None:
        barrier.wait()
        try:
            ids.append(engine.submit(SynthesisRequest("xiaoyun", (f"第{n}段。",))))
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    assert len(set(ids)) == 20
    assert len(recorded(emu, "token", 1)) == 1
    statuses = engine.poll(ids)
    assert set(statuses) == set(ids)


def test_expired_token_is_refreshed_once(emu: VendorEmulator, make_engine: Any, tmp_path: Path) -> None:
    engine = make_engine()
    engine.submit(SynthesisRequest("xiaoyun", ("你好。",)))
    emu.expire_tokens()
    second = engine.submit(SynthesisRequest("xiaoyun", ("再见。",)))  # rejected once, then accepted
    assert len(recorded(emu, "token", 2)) == 2
    submits = recorded(emu, "submit", 3)
    assert [r.status for r in submits] == [200, 400, 200]
    assert submits[1].json()["header"]["token"] != submits[2].json()["header"]["token"]

    emu.expire_tokens()
    emu.clear_requests()
    states = engine.poll([second])
    assert states[second].state in (TaskState.DONE, TaskState.RUNNING, TaskState.QUEUED)
    assert len(recorded(emu, "token", 1)) == 1
    assert [r.status for r in recorded(emu, "poll", 2)] == [400, 200]
    assert wait(engine, second) is TaskState.DONE
    emu.expire_tokens()  # the download needs no token
    assert engine.fetch(second, tmp_path / "b.wav").duration_ms > 0


def test_forbidden_403_is_refreshed(emu: VendorEmulator, make_engine: Any) -> None:
    engine = make_engine()
    engine.submit(SynthesisRequest("xiaoyun", ("你好。",)))
    emu.faults.aliyun_forbidden_rate = 1.0
    emu.expire_tokens()
    engine.submit(SynthesisRequest("xiaoyun", ("再见。",)))
    assert [r.status for r in recorded(emu, "submit", 3)] == [200, 403, 200]


def test_token_rejected_twice_is_auth_error(emu: VendorEmulator, make_engine: Any, errors: Errors) -> None:
    emu.faults.aliyun_token_ttl_s = 0.0  # every token is born expired
    engine = make_engine()
    exc = errors.expect(AuthError, engine.submit, SynthesisRequest("xiaoyun", ("你好。",)))
    assert exc.vendor_code == 40000001
    assert "expired" in str(exc) and "40000001" in str(exc)
    assert len(recorded(emu, "token", 2)) == 2
    assert len(recorded(emu, "submit", 2)) == 2


@pytest.mark.parametrize(("override", "code", "message"), [
    ({"access_key_id": "no-such-key"}, "InvalidAccessKeyId.NotFound", "Specified access key is not found."),
    ({"access_key_secret": "wrong-secret-value"}, "SignatureDoesNotMatch", "Specified signature is not matched"),
])
def test_bad_credentials(emu: VendorEmulator, make_engine: Any, errors: Errors, override: dict[str, str],
                         code: str, message: str) -> None:
    engine = make_engine(credentials=creds(emu, **override))
    exc = errors.expect(AuthError, engine.submit, SynthesisRequest("xiaoyun", ("你好。",)))
    assert exc.vendor_code == code
    assert message in (exc.vendor_message or "")
    assert code in str(exc) and message in str(exc)
    assert "wrong-secret-value" not in str(exc)
    assert emu.requests_for("aliyun", "submit") == []
    # The next call asks again (the user may have fixed the key); it does not hammer the server meanwhile.
    errors.expect(AuthError, engine.poll, ["0" * 32])
    assert len(recorded(emu, "token", 2)) == 2


def test_wrong_appkey_is_auth_error_without_refresh(emu: VendorEmulator, make_engine: Any, errors: Errors) -> None:
    engine = make_engine(credentials=creds(emu, appkey="not-our-appkey"))
    exc = errors.expect(AuthError, engine.submit, SynthesisRequest("xiaoyun", ("你好。",)))
    assert exc.vendor_code == 40020105 and "APPKEY_NOT_EXIST" in str(exc)
    assert len(recorded(emu, "submit", 1)) == 1
    assert len(recorded(emu, "token", 1)) == 1


# -- text and emotions ----------------------------------------------------------------------------------------


def test_emotion_on_plain_voice_rejected_before_any_request(emu: VendorEmulator, make_engine: Any,
                                                             errors: Errors) -> None:
    engine = make_engine()
    request = SynthesisRequest("xiaoyun", ("她笑了。",), emotions=((EmotionSpan(0, 3, "happy"),),))
    exc = errors.expect(BadInputError, engine.submit, request)
    assert "xiaoyun" in str(exc) and "happy" in str(exc)
    assert emu.requests_for("aliyun", "submit") == []
    assert emu.requests_for("aliyun", "token") == []


def test_unsupported_category_rejected_before_any_request(emu: VendorEmulator, make_engine: Any,
                                                           errors: Errors) -> None:
    engine = make_engine()
    request = SynthesisRequest("zhimi_emo", ("她笑了。",), emotions=((EmotionSpan(0, 3, "jealousy"),),))
    exc = errors.expect(BadInputError, engine.submit, request)
    assert "zhimi_emo" in str(exc) and "jealousy" in str(exc)
    assert emu.requests_for("aliyun", "submit") == []


def test_emotions_and_special_characters_go_through(emu: VendorEmulator, make_engine: Any, tmp_path: Path) -> None:
    engine = make_engine()
    paragraphs = ("她笑了，说：太好了！", NASTY)
    request = SynthesisRequest("zhimi_emo", paragraphs, emotions=((EmotionSpan(0, 3, "happy", 1.5),),
                                                                  (EmotionSpan(0, 11, "angry"),)))
    result = render(engine, request, tmp_path / "a.wav")
    text = emu.submitted_texts("aliyun")[0]
    assert '<emotion category="happy" intensity="1.5">她笑了</emotion>' in text
    assert "Tom &amp; Jerry" in text and "&lt;/emotion&gt;" in text and "&lt;speak&gt;" in text
    assert "&quot;5 &lt; 6 &gt; 4&quot; isn&apos;t" in text
    spoken = " ".join(s.text for s in result.sentences if s.paragraph == 1)
    assert "</emotion>" in spoken and "&" in spoken and "<speak>" in spoken
    assert {s.paragraph for s in result.sentences} == {0, 1}


def test_special_characters_without_emotions(emu: VendorEmulator, make_engine: Any, tmp_path: Path) -> None:
    engine = make_engine()
    render(engine, SynthesisRequest("xiaoyun", ("A & B < C", "普通段落。")), tmp_path / "a.wav")
    assert emu.submitted_texts("aliyun")[0] == "<speak>A &amp; B &lt; C</speak>\n普通段落。"


def test_paragraph_gap_is_a_break(emu: VendorEmulator, make_engine: Any, tmp_path: Path) -> None:
    engine = make_engine()
    plain = render(engine, SynthesisRequest("xiaoyun", ("第一段。", "第二段。")), tmp_path / "a.wav")
    gapped = render(engine, SynthesisRequest("xiaoyun", ("第一段。", "第二段。"), paragraph_gap_ms=1000),
                    tmp_path / "b.wav")
    assert gapped.duration_ms >= plain.duration_ms + 900
    assert 'break time="1000ms"' in emu.submitted_texts("aliyun")[1]


# -- faults ---------------------------------------------------------------------------------------------------


def test_concurrency_cap_is_throttled(emu: VendorEmulator, make_engine: Any, errors: Errors) -> None:
    emu.faults.time_scale = 1.0
    emu.faults.latency_base_s = 60.0
    emu.faults.aliyun_concurrency = 2
    engine = make_engine()
    for n in range(2):
        engine.submit(SynthesisRequest("xiaoyun", (f"第{n}段。",)))
    exc = errors.expect(ThrottledError, engine.submit, SynthesisRequest("xiaoyun", ("第三段。",)))
    assert exc.vendor_code == 40000005 and exc.retryable
    assert "40000005" in str(exc) and "TOO_MANY_REQUESTS" in str(exc)


def test_server_errors_are_retryable(emu: VendorEmulator, make_engine: Any, errors: Errors) -> None:
    engine = make_engine()
    ok_id = engine.submit(SynthesisRequest("xiaoyun", ("你好。",)))
    emu.faults.server_error_rate = 1.0
    exc = errors.expect(RetryableEngineError, engine.submit, SynthesisRequest("xiaoyun", ("再见。",)))
    assert exc.vendor_code in (50000000, 51020001)
    assert type(exc) is RetryableEngineError
    # A poll that only meets server errors raises (nothing was learned) ...
    poll_exc = errors.expect(RetryableEngineError, engine.poll, [ok_id])
    assert poll_exc.vendor_code == 50000000
    # ... and never turns the task into a failure.
    emu.faults.server_error_rate = 0.0
    assert wait(engine, ok_id) is TaskState.DONE


def test_partial_poll_failures_keep_states(emu: VendorEmulator, make_engine: Any) -> None:
    engine = make_engine()
    ids = [engine.submit(SynthesisRequest("xiaoyun", (f"第{n}段。",))) for n in range(8)]
    time.sleep(0.2)
    emu.faults.server_error_rate = 0.5
    statuses = engine.poll(ids)
    codes = [r.status for r in recorded(emu, "poll", 8)]
    assert 500 in codes and 200 in codes  # the seed gives a mix
    assert set(statuses) == set(ids)
    assert all(s.state is not TaskState.FAILED for s in statuses.values())
    emu.faults.server_error_rate = 0.0
    assert all(s.state is TaskState.DONE for s in engine.poll(ids).values())


def test_throttled_polls_raise_throttled(emu: VendorEmulator, make_engine: Any, errors: Errors) -> None:
    engine = make_engine()
    task_id = engine.submit(SynthesisRequest("xiaoyun", ("你好。",)))
    emu.faults.throttle_rate = 1.0
    exc = errors.expect(ThrottledError, engine.poll, [task_id])
    assert exc.vendor_code == 40000005


def test_failed_task_is_failed_and_retryable(emu: VendorEmulator, make_engine: Any, errors: Errors) -> None:
    emu.faults.task_failure_rate = 1.0
    engine = make_engine()
    task_id = engine.submit(SynthesisRequest("xiaoyun", ("你好。",)))
    assert wait(engine, task_id) is TaskState.FAILED
    error = engine.poll([task_id])[task_id].error
    assert type(error) is RetryableEngineError and error.vendor_code == 51020001
    assert "resubmit" in str(error)
    errors.append(error)


def test_truncated_download_leaves_no_file(emu: VendorEmulator, make_engine: Any, tmp_path: Path,
                                           errors: Errors) -> None:
    engine = make_engine()
    task_id = engine.submit(SynthesisRequest("xiaoyun", PARAGRAPHS))
    assert wait(engine, task_id) is TaskState.DONE
    emu.faults.truncate_rate = 1.0
    out = tmp_path / "out"
    out.mkdir()
    exc = errors.expect(RetryableEngineError, engine.fetch, task_id, out / "a.wav")
    assert "download" in str(exc) and not isinstance(exc, TaskExpiredError)  # download again, no resubmit
    assert list(out.iterdir()) == []
    emu.faults.truncate_rate = 0.0
    assert engine.fetch(task_id, out / "a.wav").duration_ms > 0  # the scheduler's retry succeeds


def test_expired_audio_asks_for_resubmission(emu: VendorEmulator, make_engine: Any, tmp_path: Path,
                                             errors: Errors) -> None:
    engine = make_engine()
    task_id = engine.submit(SynthesisRequest("xiaoyun", ("你好。",)))
    assert wait(engine, task_id) is TaskState.DONE
    emu.advance_time(8 * 24 * 3600)
    exc = errors.expect(TaskExpiredError, engine.fetch, task_id, tmp_path / "a.wav")
    assert "expired" in str(exc) and "resubmit" in str(exc)
    assert exc.vendor_code == "AccessDenied" and exc.vendor_message == "Request has expired."
    assert not (tmp_path / "a.wav").exists()
    # A fresh engine (app restarted) learns it from the poll: the task is gone.
    status = make_engine().poll([task_id])[task_id]
    assert status.state is TaskState.FAILED
    assert isinstance(status.error, TaskExpiredError) and "resubmit" in str(status.error)
    assert status.error.vendor_code == 40000003
    errors.append(status.error)


def test_dropped_and_slow_connections_are_retryable(emu: VendorEmulator, make_engine: Any,
                                                    errors: Errors) -> None:
    engine = make_engine(timeout=(2.0, 0.5))
    engine.token()
    emu.faults.drop_rate = 1.0
    exc = errors.expect(RetryableEngineError, engine.submit, SynthesisRequest("xiaoyun", ("你好。",)))
    assert "connection" in str(exc)
    emu.faults.drop_rate = 0.0
    emu.faults.slow_rate = 1.0
    emu.faults.slow_seconds = 1.5
    exc = errors.expect(RetryableEngineError, engine.poll, ["0" * 32])
    assert "timed out" in str(exc)


def test_unreachable_server_is_retryable(errors: Errors, emu: VendorEmulator) -> None:
    engine = AliyunEngine(creds(emu), tts_url="http://127.0.0.1:9/rest/v1/tts/async",
                          token_url="http://127.0.0.1:9/", timeout=(1.0, 1.0))
    try:
        exc = errors.expect(RetryableEngineError, engine.submit, SynthesisRequest("xiaoyun", ("你好。",)))
        assert "CreateToken" in str(exc)
    finally:
        engine.close()


def test_unreachable_gateway_hides_token_in_poll_url(emu: VendorEmulator, errors: Errors) -> None:
    # The token travels in the poll's query string; requests puts that URL into its exception text.
    engine = AliyunEngine(creds(emu), tts_url="http://127.0.0.1:9/rest/v1/tts/async", token_url=emu.aliyun_token_url,
                          timeout=(1.0, 1.0))
    try:
        token = engine.token()
        exc = errors.expect(RetryableEngineError, engine.poll, ["a" * 32])
        assert "connection failed" in str(exc)
        assert exc.__context__ is None and exc.__cause__ is None
        for text in _texts(exc):
            assert token not in text and "token=" not in text
    finally:
        engine.close()


def test_no_secret_in_any_error(emu: VendorEmulator, make_engine: Any, tmp_path: Path) -> None:
    """Many faults in one session; every error's text is checked against every token the emulator saw."""
    collected: list[BaseException] = []
    engine = make_engine()
    ids = [engine.submit(SynthesisRequest("xiaoyun", (f"第{n}段。",))) for n in range(3)]
    for rate in ("server_error_rate", "throttle_rate", "drop_rate", "aliyun_forbidden_rate"):
        setattr(emu.faults, rate, 1.0)
        emu.expire_tokens()
        for call in (lambda: engine.submit(SynthesisRequest("xiaoyun", ("x",))), lambda: engine.poll(ids),
                     lambda: engine.fetch(ids[0], tmp_path / "a.wav")):
            try:
                call()
            except EngineError as exc:
                collected.append(exc)
        setattr(emu.faults, rate, 0.0)
    emu.faults.aliyun_token_ttl_s = 0.0
    emu.expire_tokens()
    for call in (lambda: engine.submit(SynthesisRequest("xiaoyun", ("x",))), lambda: engine.poll(["f" * 32])):
        try:
            call()
        except EngineError as exc:
            collected.append(exc)
    assert len(collected) >= 8
    assert sum(isinstance(e, AuthError) and "has expired" in str(e) for e in collected) == 2
    secrets = _seen_secrets(emu)
    assert len(secrets) >= 4
    for exc in collected:
        for text in _texts(exc):
            for secret in secrets:
                assert secret not in text, f"secret leaked: {text}"
