"""One contract, three engines: the offline engine and both cloud engines (through the emulator) behave alike.

Everything ``studio.render`` relies on is asserted here once per engine, so a new engine (or a vendor change
mirrored in the emulator) that breaks the contract fails in one obvious place.
"""

from __future__ import annotations

import time
import wave
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from studio.core.credentials import AliyunCredentials, BaiduCredentials
from studio.core.errors import BadInputError, EngineError
from studio.engines.base import Engine, SynthesisRequest, SynthesisResult, TaskState
from tests.emulator import Faults, VendorEmulator

TEXT = ("我家的后面有一个很大的园，相传叫作百草园。", "不必说碧绿的菜畦，光滑的石井栏。那时却是我的乐园。")
VOICES = {"local": "local-cmn", "aliyun": "zhimi_emo", "baidu": "5003"}


@pytest.fixture(scope="module")
def emu() -> Iterator[VendorEmulator]:
    with VendorEmulator(seed=3, faults=Faults(time_scale=0.02)) as emulator:
        yield emulator


@pytest.fixture(params=["local", "aliyun", "baidu"])
def engine(request: pytest.FixtureRequest, emu: VendorEmulator) -> Iterator[Engine]:
    name = request.param
    if name == "local":
        from studio.engines.local import LocalEngine

        made: Engine = LocalEngine(workers=2)
    elif name == "aliyun":
        from studio.engines.aliyun import AliyunEngine

        made = AliyunEngine(AliyunCredentials(emu.ALIYUN_ACCESS_KEY_ID, emu.ALIYUN_ACCESS_KEY_SECRET,
                                              emu.ALIYUN_APPKEY),
                            tts_url=emu.aliyun_tts_url, token_url=emu.aliyun_token_url)
    else:
        from studio.engines.baidu import BaiduEngine

        made = BaiduEngine(BaiduCredentials(emu.BAIDU_API_KEY, emu.BAIDU_SECRET_KEY),
                           tts_url=emu.baidu_tts_url, token_url=emu.baidu_token_url)
    yield made
    made.close()


def wait_done(engine: Engine, task_ids: list[str], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    pending = set(task_ids)
    while pending:
        assert time.monotonic() < deadline, f"tasks still pending: {pending}"
        for task_id, status in engine.poll(sorted(pending)).items():
            assert status.task_id == task_id
            assert status.state is not TaskState.FAILED, status.error
            if status.state is TaskState.DONE:
                pending.discard(task_id)
        time.sleep(0.05)


def request_for(engine: Engine, paragraphs: tuple[str, ...] = TEXT, gap_ms: int = 400) -> SynthesisRequest:
    return SynthesisRequest(voice=VOICES[engine.name], paragraphs=paragraphs, paragraph_gap_ms=gap_ms)


def test_engine_satisfies_the_protocol(engine: Engine) -> None:
    assert isinstance(engine, Engine)
    assert engine.name in VOICES


def test_submit_poll_fetch_gives_a_wav_with_consistent_timing(engine: Engine, tmp_path: Path) -> None:
    task_id = engine.submit(request_for(engine))
    assert isinstance(task_id, str) and task_id
    wait_done(engine, [task_id])
    dest = tmp_path / "unit.wav"
    result = engine.fetch(task_id, dest)
    assert isinstance(result, SynthesisResult) and result.audio_path == dest
    with wave.open(str(dest), "rb") as wav:
        assert wav.getsampwidth() == 2 and wav.getnchannels() == result.channels == 1
        assert wav.getframerate() == result.sample_rate
        duration_ms = wav.getnframes() * 1000 / wav.getframerate()
    assert abs(duration_ms - result.duration_ms) <= 2
    assert result.duration_ms > 2000  # two sentences of Chinese
    # Timestamps: monotonic, inside the audio, and both paragraphs accounted for.
    assert result.sentences, "no sentence timestamps"
    begins = [s.begin_ms for s in result.sentences]
    assert begins == sorted(begins)
    assert all(0 <= s.begin_ms <= s.end_ms <= result.duration_ms + 5 for s in result.sentences)
    assert {s.paragraph for s in result.sentences} == {0, 1}
    assert len(result.paragraph_offsets_ms) == 2 and result.paragraph_offsets_ms[0] < result.paragraph_offsets_ms[1]
    assert not list(tmp_path.glob("*.tmp*")) and not list(tmp_path.glob(".*"))


def test_parallel_submissions_from_threads(engine: Engine, tmp_path: Path) -> None:
    texts = [(f"第{i}段，天色渐渐暗了。",) for i in range(6)]
    with ThreadPoolExecutor(6) as pool:
        ids = list(pool.map(lambda t: engine.submit(request_for(engine, t)), texts))
    assert len(set(ids)) == 6
    wait_done(engine, ids)
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda p: engine.fetch(p[1], tmp_path / f"{p[0]}.wav"), enumerate(ids)))
    assert all(r.duration_ms > 500 for r in results)


def test_unknown_voice_is_bad_input_before_any_task(engine: Engine) -> None:
    bad = SynthesisRequest(voice="no-such-voice" if engine.name != "baidu" else "999999", paragraphs=("你好。",))
    with pytest.raises(BadInputError, match=r"no-such-voice|999999"):
        task_id = engine.submit(bad)
        wait_done(engine, [task_id])


def test_unknown_task_id_is_reported_not_crashed(engine: Engine) -> None:
    try:
        statuses = engine.poll(["0123456789abcdef0123456789abcdef"])
    except EngineError as exc:  # an engine may refuse the whole call; it must say why
        assert str(exc)
        return
    [(_task_id, status)] = statuses.items()
    assert status.state in (TaskState.FAILED, TaskState.QUEUED)
