"""The ctypes binding against the wheel's real espeak-ng: ABI, event positions, voices.

These load espeak into the test process (one global engine per process), which is harmless here.
"""

from __future__ import annotations

import pytest

from studio.engines.espeak_binding import EspeakError, EventType, Parameter, get_espeak
from studio.engines.local_voices import LOCAL_VOICES


@pytest.fixture(scope="module")
def espeak():
    engine = get_espeak()
    engine.set_parameter(Parameter.RATE, 175)
    return engine


def speak(espeak, voice: str, text: str) -> tuple[int, list]:
    espeak.set_voice(voice)
    chunks: list[bytes] = []
    events = espeak.synthesize(text, chunks.append)
    return sum(len(c) for c in chunks) // 2, events


def test_library_is_the_wheels_1_52_at_22050_hz(espeak):
    assert espeak.version.startswith("1.52")
    assert espeak.sample_rate == 22050


def test_word_positions_are_1_based_code_points(espeak):
    text = "😀你好，café 世界 e\u0301tude。"
    _, events = speak(espeak, "cmn", text)
    words = [(e.text_position, e.length) for e in events if e.kind is EventType.WORD]
    # The emoji (4 UTF-8 bytes) and the combining accent each count one: byte offsets would drift.
    assert [text[pos - 1] for pos, _ in words] == ["你", "c", "世", "界", "e"]
    assert words[1] == (5, 4) and words[-1] == (13, 6)  # "café", "e\u0301tude" in code points


def test_samples_are_monotonic_and_end_on_the_last_sample(espeak):
    samples, events = speak(espeak, "en-us", "One, two. Three four five? Six.")
    positions = [e.sample for e in events]
    assert positions == sorted(positions)
    assert events[-1].kind is EventType.END and events[-1].sample == samples
    assert sum(e.kind is EventType.WORD for e in events) == 6


def test_every_voice_in_the_table_loads(espeak):
    for voice in LOCAL_VOICES:
        samples, _ = speak(espeak, voice.espeak_name, "你好 hello")
        assert samples > 1000, voice.id


def test_an_unknown_voice_is_refused_instead_of_keeping_the_last_one(espeak):
    with pytest.raises(EspeakError, match="no voice"):
        espeak.set_voice("xx-nonexistent")


def test_an_error_in_the_audio_sink_stops_synthesis_and_surfaces(espeak):
    def broken_sink(chunk: bytes) -> None:
        raise OSError("disk full")

    espeak.set_voice("cmn")
    with pytest.raises(OSError, match="disk full"):
        espeak.synthesize("你好，世界。" * 50, broken_sink)
    samples, _ = speak(espeak, "cmn", "还能说话。")  # and the engine is still usable
    assert samples > 1000
