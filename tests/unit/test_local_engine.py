"""The offline engine as a user meets it: real espeak audio, measured, through the Engine contract."""

from __future__ import annotations

import math
import os
import signal
import statistics
import time
import wave
from array import array
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from studio.core.errors import BadInputError, EngineError, RetryableEngineError
from studio.engines import local
from studio.engines.base import Engine, SynthesisRequest, SynthesisResult, TaskState
from studio.engines.local import LocalEngine
from studio.engines.local_voices import (
    LOCAL_VOICES,
    EspeakSettings,
    espeak_settings,
    find_local_voice,
    voice_by_id,
)

# 100 characters of plain Mandarin narration (Lu Xun, public domain), 6 sentences.
ZH_100 = (
    "我家的后面有一个很大的园，相传叫作百草园。现在是早已并屋子一起卖给朱文公的子孙了。"
    "其中似乎确凿只有一些野草；但那时却是我的乐园。油蛉在这里低唱，蟋蟀们在这里弹琴。"
    "翻开断砖来，有时会遇见蜈蚣。还有斑蝥。"
)
assert len(ZH_100) == 100
EN_TEXT = "The quick brown fox jumps over the lazy dog. Then it runs back home, tired but happy."
SHORT_ZH = "今天天气很好，我们一起去公园散步吧。"


# -- helpers ---------------------------------------------------------------------------------------


def read_wav(path: Path) -> tuple[array, int]:
    with wave.open(str(path), "rb") as wav:
        assert wav.getnchannels() == 1
        assert wav.getsampwidth() == 2
        return array("h", wav.readframes(wav.getnframes())), wav.getframerate()


def rms(samples: array) -> float:
    return math.sqrt(sum(x * x for x in samples) / len(samples)) if samples else 0.0


def estimate_f0(samples: array, rate: int) -> float:
    """Median F0 of the loud frames, by autocorrelation on a 4x decimated signal (fast enough in Python).

    The smallest lag within 90% of the best correlation is taken, which avoids octave-down errors.
    """
    dec = 4
    x = array("d", (sum(samples[i:i + dec]) / dec for i in range(0, len(samples) - dec, dec)))
    sr, frame = rate / dec, 512
    lo, hi = int(sr / 400), int(sr / 60)
    frames = [(sum(v * v for v in x[s:s + frame]), s) for s in range(0, len(x) - frame - hi, frame)]
    loudest = max(energy for energy, _ in frames)
    f0s = []
    for energy, s in frames:
        if energy < 0.2 * loudest:
            continue
        corr = [sum(x[s + i] * x[s + i + lag] for i in range(frame)) for lag in range(lo, hi + 1)]
        best = max(corr)
        if best > 0:
            f0s.append(sr / (lo + next(i for i, c in enumerate(corr) if c >= 0.9 * best)))
    return statistics.median(f0s)


@pytest.fixture(scope="module")
def engine():
    with LocalEngine(workers=2) as shared:
        yield shared


def speak(engine: LocalEngine, tmp_path: Path, *paragraphs: str, name: str = "out.wav",
          **options) -> tuple[SynthesisResult, array]:
    voice = options.pop("voice", "local-cmn")
    result = engine.synthesize(SynthesisRequest(voice, paragraphs, **options), tmp_path / name)
    samples, rate = read_wav(result.audio_path)
    assert rate == result.sample_rate
    assert abs(len(samples) * 1000 // rate - result.duration_ms) <= 1
    return result, samples


# -- voices and audio ------------------------------------------------------------------------------


@pytest.mark.parametrize(("voice", "text", "low_s", "high_s"), [
    ("local-cmn", ZH_100, 10, 60),
    ("local-yue", ZH_100, 10, 60),
    ("local-en-us", EN_TEXT, 3, 15),
    ("local-en-gb", EN_TEXT, 3, 15),
])
def test_each_language_speaks_audibly_for_a_plausible_time(engine, tmp_path, voice, text, low_s, high_s):
    result, samples = speak(engine, tmp_path, text, voice=voice)
    assert result.sample_rate == 22050
    assert result.channels == 1
    assert low_s * 1000 <= result.duration_ms <= high_s * 1000
    assert rms(samples) > 1000  # espeak speech sits around 3000; silence is 0


def test_female_voices_are_higher_than_male_ones(engine, tmp_path):
    _, male = speak(engine, tmp_path, SHORT_ZH, voice="local-cmn", name="m.wav")
    _, female = speak(engine, tmp_path, SHORT_ZH, voice="local-cmn-f", name="f.wav")
    assert estimate_f0(female, 22050) > 1.5 * estimate_f0(male, 22050)


def test_voice_table_is_consistent():
    ids = [voice.id for voice in LOCAL_VOICES]
    assert len(ids) == len(set(ids))
    assert {"local-cmn", "local-yue", "local-en-us", "local-en-gb"} <= set(ids)
    for voice in LOCAL_VOICES:
        assert voice.id.startswith("local-") and voice.name and voice.name_zh
        assert voice.gender in {"male", "female"}
        assert find_local_voice(voice.id) is voice is voice_by_id(voice.id)
    assert voice_by_id("local-klingon") is None


def test_unknown_voice_is_bad_input_naming_the_voice(engine):
    with pytest.raises(BadInputError, match="local-klingon"):
        engine.submit(SynthesisRequest("local-klingon", ("你好",)))


@pytest.mark.parametrize("options", [
    {"speed": 0}, {"pitch": -1}, {"volume": float("nan")}, {"audio_format": "mp3"},
    {"paragraph_gap_ms": -5},
])
def test_nonsense_settings_are_bad_input(engine, options):
    with pytest.raises(BadInputError):
        engine.submit(SynthesisRequest("local-cmn", ("你好",), **options))


# -- prosody ---------------------------------------------------------------------------------------


def test_double_speed_is_clearly_shorter(engine, tmp_path):
    normal, _ = speak(engine, tmp_path, ZH_100, name="n.wav")
    fast, _ = speak(engine, tmp_path, ZH_100, name="f.wav", speed=2.0)
    assert fast.duration_ms < 0.65 * normal.duration_ms


def test_half_volume_halves_the_level(engine, tmp_path):
    _, full = speak(engine, tmp_path, SHORT_ZH, name="a.wav")
    _, half = speak(engine, tmp_path, SHORT_ZH, name="b.wav", volume=0.5)
    assert 0.4 < rms(half) / rms(full) < 0.6


def test_pitch_moves_the_fundamental(engine, tmp_path):
    f0 = {p: estimate_f0(speak(engine, tmp_path, SHORT_ZH, name=f"{p}.wav", pitch=p)[1], 22050)
          for p in (0.7, 1.0, 1.5)}
    assert f0[1.5] > 1.15 * f0[1.0]
    assert f0[0.7] < 0.92 * f0[1.0]


def test_settings_mapping_onto_espeak_scales():
    assert espeak_settings() == EspeakSettings(rate=175, pitch=50, volume=100)
    assert espeak_settings(speed=2.0, pitch=2.0, volume=0.5) == EspeakSettings(350, 100, 50)
    assert espeak_settings(speed=10, pitch=0.5, volume=5) == EspeakSettings(450, 0, 200)
    assert espeak_settings(speed=0.1, pitch=0.01, volume=0).rate == 80


# -- timing ----------------------------------------------------------------------------------------


def test_sentence_timestamps_follow_the_text(engine, tmp_path):
    paragraph = "“你来了！”他笑着说。外面下雨了吗？没有……只是阴天。Tom said: ok!"
    result, _ = speak(engine, tmp_path, paragraph)
    texts = [s.text for s in result.sentences]
    assert texts == ["“你来了！”", "他笑着说。", "外面下雨了吗？", "没有……", "只是阴天。", "Tom said: ok!"]
    assert "".join(texts) == paragraph
    previous_end = 0
    for sentence in result.sentences:
        assert previous_end <= sentence.begin_ms < sentence.end_ms <= result.duration_ms
        previous_end = sentence.end_ms
    assert [w.text for w in result.words][-3:] == ["Tom", "said", "ok"]
    assert all(w.end_ms <= result.duration_ms for w in result.words)


def test_paragraph_offsets_leave_exactly_the_requested_silence(engine, tmp_path):
    paragraphs = ("第一段很短。", "第二段也不长，对吧？", "The third one is English.")
    gap_ms = 700
    result, samples = speak(engine, tmp_path, *paragraphs, paragraph_gap_ms=gap_ms, name="gap.wav")
    plain, _ = speak(engine, tmp_path, *paragraphs, name="nogap.wav")
    offsets = result.paragraph_offsets_ms
    assert offsets[0] == 0 and offsets == sorted(offsets) and len(offsets) == 3
    assert abs(result.duration_ms - plain.duration_ms - 2 * gap_ms) <= 2
    gap = gap_ms * 22050 // 1000
    for offset_ms in offsets[1:]:
        at = offset_ms * 22050 // 1000
        assert not any(samples[at - gap + 2:at - 2])  # the gap itself is digital silence
        assert rms(samples[at:at + 22050 // 2]) > 300  # and speech starts right after it
    for sentence in result.sentences:
        assert sentence.begin_ms >= offsets[sentence.paragraph]
    assert [s.paragraph for s in result.sentences] == [0, 1, 2]


def test_markup_characters_are_spoken_as_text(engine, tmp_path):
    marked = "Salt & pepper, <b>bold</b> words, and a < b is true."
    spaced = "Salt   pepper,  b bold  b  words, and a   b is true."
    with_marks, _ = speak(engine, tmp_path, marked, voice="local-en-us", name="m.wav")
    without, _ = speak(engine, tmp_path, spaced, voice="local-en-us", name="s.wav")
    words = [w.text for w in with_marks.words]
    assert "&" in words and "bold" in words and words[-1] == "true"
    assert with_marks.duration_ms >= 0.9 * without.duration_ms
    zh, _ = speak(engine, tmp_path, "汤姆&杰瑞说<你好>，而且a<b成立。", name="zh.wav")
    zh_spelled, _ = speak(engine, tmp_path, "汤姆和杰瑞说你好，而且a b成立。", name="zh2.wav")
    zh_words = [w.text for w in zh.words]
    assert {"&", "你好", "a", "b"} <= set(zh_words) and zh_words[-1] == "立"
    assert zh.duration_ms >= 0.9 * zh_spelled.duration_ms


def test_empty_and_punctuation_only_paragraphs_do_not_break_a_unit(engine, tmp_path):
    result, _ = speak(engine, tmp_path, "", "   ", "……！？", "你好。", "\x01\x00控制字符。")
    assert len(result.paragraph_offsets_ms) == 5
    assert result.paragraph_offsets_ms[0] == result.paragraph_offsets_ms[1] == result.paragraph_offsets_ms[2]
    assert [s.text for s in result.sentences] == ["   ", "……！？", "你好。", "\x01\x00控制字符。"]
    assert result.sentences[0].begin_ms == result.sentences[0].end_ms
    assert result.sentences[-1].end_ms > result.sentences[-1].begin_ms
    empty, samples = speak(engine, tmp_path, "", name="empty.wav")
    assert empty.duration_ms == 0 and len(samples) == 0 and empty.sentences == []


# -- the task contract -----------------------------------------------------------------------------


def test_engine_satisfies_the_protocol():
    assert isinstance(LocalEngine(), Engine)


def wait_done(engine: LocalEngine, ids: list[str], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        states = engine.poll(ids)
        assert all(s.state in (TaskState.QUEUED, TaskState.RUNNING, TaskState.DONE) for s in states.values())
        if all(s.state is TaskState.DONE for s in states.values()):
            return
        time.sleep(0.02)
    raise AssertionError("tasks did not finish")


def test_parallel_results_are_byte_identical_to_serial_ones(engine, tmp_path):
    requests = [SynthesisRequest(voice, (text, "第二段。"), paragraph_gap_ms=200) for voice, text in [
        ("local-cmn", ZH_100), ("local-yue", SHORT_ZH), ("local-en-us", EN_TEXT), ("local-cmn-f", SHORT_ZH)]]
    ids = [engine.submit(request) for request in requests]
    wait_done(engine, ids)
    parallel = [engine.fetch(task_id, tmp_path / f"p{i}.wav") for i, task_id in enumerate(ids)]
    with LocalEngine(workers=1) as serial_engine:
        serial = [serial_engine.synthesize(r, tmp_path / f"s{i}.wav") for i, r in enumerate(requests)]
    for p, s in zip(parallel, serial, strict=True):
        assert p.audio_path.read_bytes() == s.audio_path.read_bytes()
        assert p.sentences == s.sentences and p.words == s.words
        assert p.paragraph_offsets_ms == s.paragraph_offsets_ms


def test_many_threads_can_share_one_engine(engine, tmp_path):
    texts = [f"第{i}个线程在说话。" for i in range(8)]

    def job(i: int) -> SynthesisResult:
        return engine.synthesize(SynthesisRequest("local-cmn", (texts[i],)), tmp_path / f"t{i}.wav")

    with ThreadPoolExecutor(8) as threads:
        results = list(threads.map(job, range(8)))
    assert [r.sentences[0].text for r in results] == texts
    assert len({r.audio_path for r in results}) == 8 and all(r.duration_ms > 500 for r in results)


def test_tasks_without_fork_isolation_still_work(tmp_path):
    with LocalEngine(workers=1, isolate_tasks=False) as engine:
        ids = [engine.submit(SynthesisRequest("local-cmn", (SHORT_ZH,))) for _ in range(2)]
        results = [engine.fetch(task_id, tmp_path / f"{i}.wav") for i, task_id in enumerate(ids)]
    assert all(abs(r.duration_ms - results[0].duration_ms) < 50 for r in results)


def test_fetch_hands_over_once_and_poll_keeps_saying_done(engine, tmp_path):
    dest = tmp_path / "out" / "unit.wav"
    dest.parent.mkdir()
    dest.write_bytes(b"stale")
    task_id = engine.submit(SynthesisRequest("local-cmn", ("你好。",)))
    result = engine.fetch(task_id, dest)
    assert result.audio_path == dest and read_wav(dest)[0]
    assert os.listdir(dest.parent) == ["unit.wav"]  # replaced in place, no temp file left behind
    assert engine.poll([task_id])[task_id].state is TaskState.DONE
    with pytest.raises(EngineError, match="already fetched"):
        engine.fetch(task_id, tmp_path / "again.wav")


def test_unknown_task_ids_are_retryable_failures(engine, tmp_path):
    status = engine.poll(["nope"])["nope"]
    assert status.state is TaskState.FAILED and isinstance(status.error, RetryableEngineError)
    with pytest.raises(RetryableEngineError):
        engine.fetch("nope", tmp_path / "x.wav")


def test_cancel_stops_a_queued_task(tmp_path):
    long_text = ZH_100 * 40
    with LocalEngine(workers=1) as engine:
        ids = [engine.submit(SynthesisRequest("local-cmn", (long_text,))) for _ in range(3)]
        assert engine.cancel(ids[2])  # two are handed to the one worker at once; the third waits
        status = engine.poll([ids[2]])[ids[2]]
        assert status.state is TaskState.FAILED and "cancelled" in str(status.error)
        with pytest.raises(EngineError, match="cancelled"):
            engine.fetch(ids[2], tmp_path / "c.wav")
        assert engine.fetch(ids[0], tmp_path / "a.wav").duration_ms > 100_000


@pytest.mark.expect_log(r"offline engine worker died|offline engine pool was broken", logger="studio.engines.local")
def test_a_dead_worker_is_a_retryable_failure_and_the_pool_comes_back(tmp_path):
    with LocalEngine(workers=1) as engine:
        task_id = engine.submit(SynthesisRequest("local-cmn", (ZH_100 * 200,)))
        deadline = time.monotonic() + 30
        while engine.poll([task_id])[task_id].state is not TaskState.RUNNING:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        for pid in list(engine._executor._processes):  # the test reaches in: there is no public "crash"
            os.kill(pid, signal.SIGTERM)
        with pytest.raises(RetryableEngineError):
            engine.fetch(task_id, tmp_path / "dead.wav")
        assert isinstance(engine.poll([task_id])[task_id].error, RetryableEngineError)
        assert engine.synthesize(SynthesisRequest("local-cmn", ("好了。",)), tmp_path / "ok.wav").duration_ms


def test_close_removes_scratch_audio_and_refuses_new_work(tmp_path):
    engine = LocalEngine(workers=1, scratch_dir=tmp_path)
    engine.submit(SynthesisRequest("local-cmn", ("没有人来取这段音频。",)))
    assert list(tmp_path.iterdir())
    engine.close()
    assert not list(tmp_path.iterdir())
    with pytest.raises(EngineError):
        engine.submit(SynthesisRequest("local-cmn", ("你好",)))


# -- the per-task fork -----------------------------------------------------------------------------

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork on this platform")
JOB = local._Job("cmn", ("x",), EspeakSettings(175, 50, 100), 0, os.devnull, True)


def _die(job: local._Job) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _hang(job: local._Job) -> None:
    time.sleep(30)


def _fail(job: local._Job) -> None:
    raise ValueError("bad text")


@needs_fork
def test_a_crash_inside_espeak_fails_only_that_task_and_is_retryable():
    with pytest.raises(local._TaskCrashed) as caught:
        local._run_in_fork(_die, JOB, timeout=10)
    assert isinstance(local._engine_error(caught.value), RetryableEngineError)


@needs_fork
def test_a_hung_task_is_killed_after_its_budget():
    started = time.monotonic()
    with pytest.raises(local._TaskTimedOut):
        local._run_in_fork(_hang, JOB, timeout=0.3)
    assert time.monotonic() - started < 5


@needs_fork
def test_errors_in_the_fork_come_back_as_themselves():
    with pytest.raises(ValueError, match="bad text"):
        local._run_in_fork(_fail, JOB, timeout=10)
