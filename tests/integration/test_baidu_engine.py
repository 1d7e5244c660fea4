"""BaiduEngine against the vendor emulator over real HTTP: tokens, create/query/download, faults, secrets."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from studio.audio import decode_to_pcm, read_wav_info
from studio.core.book import EmotionSpan
from studio.core.credentials import BaiduCredentials
from studio.core.errors import (
    AuthError,
    BadInputError,
    CancelledError,
    EngineError,
    RetryableEngineError,
    ThrottledError,
)
from studio.engines.baidu import ENV_TOKEN_URL, ENV_TTS_URL, BaiduEngine
from studio.engines.base import SynthesisRequest, SynthesisResult, TaskState
from tests.emulator import Faults, VendorEmulator

CREDS = BaiduCredentials(VendorEmulator.BAIDU_API_KEY, VendorEmulator.BAIDU_SECRET_KEY)
VOICE = "5003"


@pytest.fixture
def emu() -> Iterator[VendorEmulator]:
    with VendorEmulator(seed=1, faults=Faults(time_scale=0.05)) as emulator:
        yield emulator


def make_engine(emu: VendorEmulator, creds: BaiduCredentials = CREDS, **kw: object) -> BaiduEngine:
    return BaiduEngine(creds, tts_url=emu.baidu_tts_url, token_url=emu.baidu_token_url, **kw)  # type: ignore[arg-type]


@pytest.fixture
def engine(emu: VendorEmulator) -> Iterator[BaiduEngine]:
    with make_engine(emu) as eng:
        yield eng


def wait_done(engine: BaiduEngine, task_ids: list[str], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        statuses = engine.poll(task_ids)
        failed = {i: s.error for i, s in statuses.items() if s.state is TaskState.FAILED}
        assert not failed, failed
        if all(s.state is TaskState.DONE for s in statuses.values()):
            return
        assert time.monotonic() < deadline, "tasks did not finish"
        time.sleep(0.05)


def synthesize(engine: BaiduEngine, request: SynthesisRequest, dest: Path) -> SynthesisResult:
    task_id = engine.submit(request)
    wait_done(engine, [task_id])
    return engine.fetch(task_id, dest)


def secrets_of(emu: VendorEmulator) -> list[str]:
    """Every token the emulator was asked with, plus the keys: none may appear in any error."""
    tokens = {r.query.get("access_token") for r in emu.requests_for("baidu", "create")}
    tokens |= {r.query.get("access_token") for r in emu.requests_for("baidu", "query")}
    return [s for s in (*tokens, CREDS.api_key, CREDS.secret_key) if s]


def assert_clean(error: BaseException, secrets: list[str]) -> None:
    text = f"{error}\n{error!r}\n{error.__cause__!r}"
    for secret in secrets:
        assert secret not in text, f"secret leaked into {type(error).__name__}: {text}"


def longest_silence_ms(samples: list[int] | object, rate: int, start_ms: int, end_ms: int) -> int:
    """Longest run of (near) silent samples inside [start_ms, end_ms)."""
    data = samples[start_ms * rate // 1000: end_ms * rate // 1000]  # type: ignore[index]
    best = run = 0
    for value in data:
        if abs(value) <= 64:
            run += 1
            best = max(best, run)
        else:
            run = 0
    return best * 1000 // rate


# -- tokens -------------------------------------------------------------------------------------------


def test_twenty_threads_share_one_token(emu: VendorEmulator, engine: BaiduEngine) -> None:
    barrier = threading.Barrier(20)
    ids: list[str] = []
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        barrier.wait()
        try:
            ids.append(engine.submit(SynthesisRequest(voice=VOICE, paragraphs=(f"第{n}句。",))))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(ids)) == 20
    assert len(emu.requests_for("baidu", "token")) == 1
    assert len(emu.requests_for("baidu", "create")) == 20


def test_token_expiring_midway_is_renewed_once(emu: VendorEmulator, engine: BaiduEngine) -> None:
    first = engine.submit(SynthesisRequest(voice=VOICE, paragraphs=("一。",)))
    emu.expire_tokens()
    second = engine.submit(SynthesisRequest(voice=VOICE, paragraphs=("二。",)))
    assert len(emu.requests_for("baidu", "token")) == 2
    creates = emu.requests_for("baidu", "create")
    assert len(creates) == 3  # the rejected one, then the retry with a fresh token
    tokens = [c.query["access_token"] for c in creates]
    assert tokens[0] == tokens[1] != tokens[2]
    emu.expire_tokens()
    wait_done(engine, [first, second])
    assert len(emu.requests_for("baidu", "token")) == 3


@pytest.mark.parametrize(("creds", "said"), [
    (BaiduCredentials("not-the-api-key", VendorEmulator.BAIDU_SECRET_KEY), "unknown client id"),
    (BaiduCredentials(VendorEmulator.BAIDU_API_KEY, "not-the-secret-key"), "Client authentication failed"),
])
def test_bad_keys_are_auth_errors(emu: VendorEmulator, creds: BaiduCredentials, said: str) -> None:
    with make_engine(emu, creds) as engine, pytest.raises(AuthError) as info:
        engine.submit(SynthesisRequest(voice=VOICE, paragraphs=("你好。",)))
    assert info.value.vendor_code == "invalid_client"
    assert info.value.vendor_message == said
    assert said in str(info.value)
    assert_clean(info.value, [creds.api_key, creds.secret_key, CREDS.secret_key])
    assert emu.requests_for("baidu", "create") == []


def test_check_credentials(emu: VendorEmulator, engine: BaiduEngine) -> None:
    engine.check_credentials()
    with make_engine(emu, BaiduCredentials("x" * 24, "y" * 32)) as bad, pytest.raises(AuthError):
        bad.check_credentials()
    with pytest.raises(AuthError, match="API key and a secret key"):
        make_engine(emu, BaiduCredentials("", ""))


def test_synthesize_convenience(emu: VendorEmulator, engine: BaiduEngine, tmp_path: Path) -> None:
    result = engine.synthesize(SynthesisRequest(voice="0", paragraphs=("预览一段。",)), tmp_path / "p.wav",
                               poll_interval_s=0.05, timeout_s=30)
    assert result.duration_ms > 0 and result.sentences
    emu.faults.task_failure_rate = 1.0
    with pytest.raises(RetryableEngineError) as info:
        engine.synthesize(SynthesisRequest(voice="0", paragraphs=("失败。",)), tmp_path / "f.wav",
                          poll_interval_s=0.05, timeout_s=30)
    assert info.value.vendor_code == 3301


def test_synthesize_gives_up_on_a_stuck_task_and_stops_when_cancelled(emu: VendorEmulator, engine: BaiduEngine,
                                                                        tmp_path: Path) -> None:
    """The one submit/poll/fetch loop (engines/one_shot.py) behind previews: a deadline and a cancel end it."""
    emu.faults.stuck_rate = 1.0  # the vendor never finishes the task
    request = SynthesisRequest(voice="0", paragraphs=("卡住了。",))
    with pytest.raises(RetryableEngineError, match=r"Baidu task \S+ did not finish within 0 s"):
        engine.synthesize(request, tmp_path / "s.wav", poll_interval_s=0.01, timeout_s=0.2)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(CancelledError, match="synthesis cancelled"):
        engine.synthesize(request, tmp_path / "s.wav", poll_interval_s=0.01, timeout_s=60, cancel=cancel)
    assert not (tmp_path / "s.wav").exists()


# -- the lifecycle -------------------------------------------------------------------------------------


def test_lifecycle_wav_with_timestamps_and_gaps(emu: VendorEmulator, tmp_path: Path) -> None:
    paragraphs = ("今年上半年我国工业经济面临的内外部环境还是比较严峻复杂的。", "第二段有两句。这是第二句。",
                  "第三段。")
    results = {}
    with make_engine(emu, enable_subtitle=2) as engine:
        for gap in (1000, 300):
            request = SynthesisRequest(voice=VOICE, paragraphs=paragraphs, paragraph_gap_ms=gap)
            results[gap] = synthesize(engine, request, tmp_path / f"gap{gap}.wav")
    body = emu.requests_for("baidu", "create")[0].json()
    assert body["text"] == list(paragraphs) and body["break"] == 1000 and body["format"] == "wav"

    for gap, result in results.items():
        info = read_wav_info(result.audio_path)
        assert info.format.sample_width == 2 and info.format.channels == 1
        assert result.sample_rate == info.format.sample_rate == 16000
        assert result.duration_ms == info.frames * 1000 // info.format.sample_rate
        assert [s.paragraph for s in result.sentences] == [0, 1, 1, 2]
        assert result.sentences[0].text.startswith("今年上半年")
        assert all(0 <= s.begin_ms < s.end_ms <= result.duration_ms for s in result.sentences)
        # per-character timestamps, in order, inside their sentences
        assert len([w for w in result.words if w.paragraph == 0]) >= 20
        assert all(a.begin_ms <= b.begin_ms for a, b in zip(result.words, result.words[1:], strict=False))
        assert result.paragraph_offsets_ms[0] == 0
        assert result.paragraph_offsets_ms[1:] == [
            next(s.begin_ms for s in result.sentences if s.paragraph == p) for p in (1, 2)]
        # the gap between paragraphs is really there, as silence in the signal
        samples = decode_to_pcm(result.audio_path)
        end_of_first = max(s.end_ms for s in result.sentences if s.paragraph == 0)
        silence = longest_silence_ms(samples, result.sample_rate, end_of_first, result.paragraph_offsets_ms[1])
        assert gap - 20 <= silence <= gap + 200, (gap, silence)
    longer = results[1000].duration_ms - results[300].duration_ms
    assert abs(longer - 2 * 700) <= 60  # two paragraph gaps, each 700 ms longer


@pytest.mark.parametrize(("fmt", "rate", "vendor_format", "expected_rate"), [
    ("mp3", None, "mp3-16k", 16000),
    ("mp3", 48000, "mp3-48k", 48000),
    ("pcm", 8000, "pcm-8k", 8000),
    ("pcm", None, "pcm-16k", 16000),
])
def test_other_formats_arrive_as_wav(emu: VendorEmulator, engine: BaiduEngine, tmp_path: Path, fmt: str,
                                     rate: int | None, vendor_format: str, expected_rate: int) -> None:
    request = SynthesisRequest(voice=VOICE, paragraphs=("格式测试。", "第二段。"), audio_format=fmt,
                               sample_rate=rate, paragraph_gap_ms=500)
    result = synthesize(engine, request, tmp_path / "out.wav")
    assert emu.requests_for("baidu", "create")[0].json()["format"] == vendor_format
    info = read_wav_info(result.audio_path)
    assert info.format.sample_rate == expected_rate == result.sample_rate
    assert info.format.sample_width == 2
    last_end = max(s.end_ms for s in result.sentences)
    assert last_end <= result.duration_ms <= last_end + 600


def test_fetch_after_restart(emu: VendorEmulator, tmp_path: Path) -> None:
    with make_engine(emu) as first:
        task_id = first.submit(SynthesisRequest(voice=VOICE, paragraphs=("重启以后。", "还能取回。"),
                                                audio_format="pcm", sample_rate=8000, paragraph_gap_ms=400))
        wait_done(first, [task_id])
    with make_engine(emu) as second:  # knows nothing about the task: asks Baidu for the link again
        result = second.fetch(task_id, tmp_path / "again.wav")
    assert result.sample_rate == 8000
    assert result.paragraph_offsets_ms[0] == 0 and len(result.paragraph_offsets_ms) == 2


def test_environment_urls(emu: VendorEmulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env = emu.env()
    assert env[ENV_TOKEN_URL] == emu.baidu_token_url
    assert env[ENV_TTS_URL] == emu.baidu_tts_url
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with BaiduEngine(CREDS) as engine:
        result = synthesize(engine, SynthesisRequest(voice=VOICE, paragraphs=("环境变量。",)), tmp_path / "e.wav")
    assert result.duration_ms > 0


# -- polling -------------------------------------------------------------------------------------------


def test_450_pending_tasks_take_three_queries(emu: VendorEmulator, engine: BaiduEngine) -> None:
    emu.faults.latency_base_s = 600.0  # keep them all pending
    with ThreadPoolExecutor(16) as pool:
        ids = list(pool.map(lambda n: engine.submit(SynthesisRequest(voice=VOICE, paragraphs=(f"第{n}个。",))),
                            range(450)))
    assert len(set(ids)) == 450
    statuses = engine.poll(ids)
    queries = emu.requests_for("baidu", "query")
    assert [len(q.json()["task_ids"]) for q in queries] == [200, 200, 50]
    assert sorted(i for q in queries for i in q.json()["task_ids"]) == sorted(ids)
    assert len(statuses) == 450
    assert {s.state for s in statuses.values()} <= {TaskState.RUNNING, TaskState.QUEUED}


@pytest.mark.parametrize("style", ["ids", "objects"])
def test_unknown_task_fails_with_resubmit_hint(emu: VendorEmulator, engine: BaiduEngine, style: str) -> None:
    emu.baidu_error_info_style = style
    known = engine.submit(SynthesisRequest(voice=VOICE, paragraphs=("已知。",)))
    statuses = engine.poll([known, "0123456789abcdef01234567"])
    assert statuses[known].state in (TaskState.RUNNING, TaskState.DONE, TaskState.QUEUED)
    unknown = statuses["0123456789abcdef01234567"]
    assert unknown.state is TaskState.FAILED
    assert isinstance(unknown.error, RetryableEngineError)
    assert "resubmit" in str(unknown.error)
    assert unknown.error.vendor_code == 336201


def test_results_expire_after_72_hours(emu: VendorEmulator, engine: BaiduEngine, tmp_path: Path) -> None:
    task_id = engine.submit(SynthesisRequest(voice=VOICE, paragraphs=("过期。",)))
    wait_done(engine, [task_id])  # the engine now holds the audio link
    emu.advance_time(73 * 3600)
    with pytest.raises(RetryableEngineError) as refused:  # the link answers 403
        engine.fetch(task_id, tmp_path / "late.wav")
    assert "bce-auth" not in str(refused.value)
    with pytest.raises(RetryableEngineError, match="resubmit") as unknown:  # the task itself is gone too
        engine.fetch(task_id, tmp_path / "late.wav")
    assert unknown.value.vendor_code == 336201
    assert list(tmp_path.iterdir()) == []


def test_task_failure_is_reported(emu: VendorEmulator, engine: BaiduEngine) -> None:
    emu.faults.task_failure_rate = 1.0
    task_id = engine.submit(SynthesisRequest(voice=VOICE, paragraphs=("失败。",)))
    deadline = time.monotonic() + 30
    while (status := engine.poll([task_id])[task_id]).state is not TaskState.FAILED:
        assert status.state is not TaskState.DONE
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert isinstance(status.error, EngineError) and status.error.vendor_code is not None
    assert str(status.error.vendor_code) in str(status.error)


# -- faults and secrets --------------------------------------------------------------------------------


def test_emotions_rejected_before_sending(emu: VendorEmulator, engine: BaiduEngine) -> None:
    request = SynthesisRequest(voice=VOICE, paragraphs=("高兴。",), emotions=((EmotionSpan(0, 2, "happy"),),))
    with pytest.raises(BadInputError, match="do not support emotions"):
        engine.submit(request)
    assert emu.requests_for("baidu", "create") == []
    assert emu.requests_for("baidu", "token") == []


def test_too_long_text_rejected_before_sending(emu: VendorEmulator, engine: BaiduEngine) -> None:
    with pytest.raises(BadInputError, match="100,000"):
        engine.submit(SynthesisRequest(voice=VOICE, paragraphs=("字" * 60_000, "字" * 40_001)))
    assert emu.requests_for("baidu", "create") == []


def test_server_errors_are_retryable(emu: VendorEmulator, engine: BaiduEngine) -> None:
    engine.check_credentials()
    emu.faults.server_error_rate = 1.0
    for n in range(4):
        with pytest.raises(RetryableEngineError) as info:
            engine.submit(SynthesisRequest(voice=VOICE, paragraphs=(f"错误{n}。",)))
        assert not isinstance(info.value, ThrottledError)
        assert_clean(info.value, secrets_of(emu))


def test_throttling(emu: VendorEmulator, engine: BaiduEngine) -> None:
    task_id = engine.submit(SynthesisRequest(voice=VOICE, paragraphs=("限流。",)))
    emu.faults.throttle_rate = 1.0
    with pytest.raises(ThrottledError) as info:
        engine.submit(SynthesisRequest(voice=VOICE, paragraphs=("再来。",)))
    assert info.value.vendor_code == 18
    with pytest.raises(ThrottledError) as polled:
        engine.poll([task_id])
    assert_clean(info.value, secrets_of(emu))
    assert_clean(polled.value, secrets_of(emu))


def test_dropped_connections_and_timeouts(emu: VendorEmulator) -> None:
    with make_engine(emu, timeout=(2.0, 0.5)) as engine:
        engine.check_credentials()
        emu.faults.drop_rate = 1.0
        with pytest.raises(RetryableEngineError) as dropped:
            engine.submit(SynthesisRequest(voice=VOICE, paragraphs=("断开。",)))
        emu.faults.drop_rate = 0.0
        emu.faults.slow_rate = 1.0
        emu.faults.slow_seconds = 3.0
        with pytest.raises(RetryableEngineError) as slow:
            engine.poll(["0123456789abcdef01234567"])
    for error in (dropped.value, slow.value):
        assert_clean(error, secrets_of(emu))


def test_truncated_download_leaves_no_file(emu: VendorEmulator, engine: BaiduEngine, tmp_path: Path) -> None:
    task_id = engine.submit(SynthesisRequest(voice=VOICE, paragraphs=("截断的下载。" * 20,)))
    wait_done(engine, [task_id])
    emu.faults.truncate_rate = 1.0
    dest = tmp_path / "cut.wav"
    with pytest.raises(RetryableEngineError) as info:
        engine.fetch(task_id, dest)
    assert list(tmp_path.iterdir()) == []
    assert_clean(info.value, secrets_of(emu))
    assert "authorization" not in str(info.value)
    emu.faults.truncate_rate = 0.0
    result = engine.fetch(task_id, dest)
    assert read_wav_info(dest).frames > 0 and result.duration_ms > 0
