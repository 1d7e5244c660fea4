"""The proof-listening checks on audio and echoes made to order: each problem is found, clean audio is not."""

from __future__ import annotations

import math
import wave
from array import array
from pathlib import Path

import pytest

from studio.audio.cached_audio import store_flac
from studio.audio.wavinfo import read_wav_info
from studio.engines.timing import Timestamp, UnitTiming
from studio.qa import BookEvidence, Checker, UnitEvidence, checker_factories, register_checker
from studio.qa.builtin import PaceChecker, SignalChecker, learn_pace
from studio.qa.coverage import TextCoverageChecker, measure_coverage
from studio.qa.signal_scan import scan_wav
from studio.qa.speech import RecognitionChecker

RATE = 16000


def tone(ms: int, *, amp: float = 0.3, dc: float = 0.0) -> list[int]:
    n = RATE * ms // 1000
    out = []
    for i in range(n):
        value = amp * math.sin(2 * math.pi * 220 * i / RATE) + dc
        out.append(max(-32768, min(32767, round(value * 32767))))  # amp > 1 clips, both ways
    return out


def silence(ms: int) -> list[int]:
    return [0] * (RATE * ms // 1000)


def write(path: Path, samples: list[int]) -> Path:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(array("h", samples).tobytes())
    return path


def unit(path: Path, texts: tuple[str, ...] = ("一二三四五六七八九十。",), *, duration_ms: int | None = None,
         sentences: tuple[Timestamp, ...] = (), key: str = "k" * 40) -> UnitEvidence:
    scan = scan_wav(path)
    return UnitEvidence(key, "local", "v", 1, "第二章", tuple(range(3, 3 + len(texts))), texts, path,
                        scan.duration_ms if duration_ms is None else duration_ms, UnitTiming(sentences), 0, scan)


def kinds(found: object) -> list[str]:
    return [f.kind for f in found]  # type: ignore[attr-defined]


def test_clean_speech_like_audio_has_no_signal_findings(tmp_path: Path) -> None:
    path = write(tmp_path / "a.wav", silence(100) + tone(1500) + silence(800) + tone(1500) + silence(150))
    assert kinds(SignalChecker().check(unit(path), BookEvidence())) == []


@pytest.mark.parametrize(("samples", "kind"), [
    (silence(3000), "silent"),
    (tone(800) + silence(4000) + tone(800), "long_silence"),
    (tone(2000, amp=1.5), "clipping"),
    (tone(2000, amp=0.2, dc=0.05), "dc_offset"),
])
def test_each_signal_problem_is_found(tmp_path: Path, samples: list[int], kind: str) -> None:
    found = list(SignalChecker().check(unit(write(tmp_path / "a.wav", samples)), BookEvidence()))
    assert kinds(found) == [kind]
    assert found[0].location == "chapter 2 “第二章”, paragraph 4" and found[0].advice


def test_long_silence_names_the_paragraph_playing_there(tmp_path: Path) -> None:
    path = write(tmp_path / "a.wav", tone(1000) + silence(500) + tone(1000) + silence(4000) + tone(500))
    evidence = unit(path, ("甲。", "乙。"))
    evidence = UnitEvidence(**{**evidence.__dict__, "timing": UnitTiming(paragraph_offsets_ms=(0, 1500))})
    [finding] = SignalChecker().check(evidence, BookEvidence())
    assert (finding.kind, finding.paragraph_index, finding.at_ms) == ("long_silence", 4, 2500)


def test_a_file_shorter_than_rendered_is_found(tmp_path: Path) -> None:
    path = write(tmp_path / "a.wav", tone(1000))
    found = SignalChecker().check(unit(path, duration_ms=2000, sentences=(Timestamp("一二三", 0, 1900),)),
                                  BookEvidence())
    assert kinds(found) == ["audio_shorter", "timestamps_past_end"]


def test_pace_is_learned_per_voice_and_outliers_flagged(tmp_path: Path) -> None:
    units = [unit(write(tmp_path / f"{i}.wav", tone(2500)), key=str(i)) for i in range(4)]
    units.append(unit(write(tmp_path / "fast.wav", tone(1000)), key="fast"))
    units.append(unit(write(tmp_path / "slow.wav", tone(6000)), key="slow"))
    book = BookEvidence(learn_pace(units))
    assert book.pace[("local", "v")][1] == pytest.approx(4.0, rel=0.05)
    found = {u.cache_key: kinds(PaceChecker().check(u, book)) for u in units}
    assert found == {"0": [], "1": [], "2": [], "3": [], "fast": ["pace_fast"], "slow": ["pace_slow"]}


def test_pace_is_not_judged_from_too_few_units(tmp_path: Path) -> None:
    units = [unit(write(tmp_path / f"{i}.wav", tone(500 + 2000 * i)), key=str(i)) for i in range(2)]
    assert learn_pace(units) == {}


def test_coverage_finds_the_skipped_sentence_and_an_extra_one() -> None:
    texts = ("天色暗了。他还在园子里！", "先生来了。")
    echoes = [Timestamp("天色暗了", 0, 900), Timestamp("先生来了", 2000, 2900), Timestamp("谢谢收听", 3000, 3500)]
    result = measure_coverage(texts, echoes)
    assert result.missing == ((0, "他还在园子里！", 900),)
    assert [(p, t) for p, t, _ in result.extra] == [(1, "谢谢收听")]


def test_coverage_tolerates_what_vendors_change() -> None:
    texts = ("Hello, world. It's 3.14 today!",)
    echoes = [Timestamp("hello world", 0, 900), Timestamp("Its 3.14 today", 1000, 1900)]
    assert measure_coverage(texts, echoes).missing == () and measure_coverage(texts, echoes).extra == ()


def test_no_echoes_means_no_coverage_findings(tmp_path: Path) -> None:
    path = write(tmp_path / "a.wav", tone(1000))
    assert kinds(TextCoverageChecker().check(unit(path), BookEvidence())) == []


class Heard:
    """A transcriber that heard a fixed text (what a plug-in's recognizer returns)."""

    def __init__(self, *sentences: str) -> None:
        self.sentences = sentences
        self.lengths: list[int] = []

    def transcribe(self, wav: Path, language: str) -> list[Timestamp]:
        self.lengths.append(read_wav_info(wav).frames)  # the protocol promises a WAV, whatever the cache holds
        return [Timestamp(text, i * 1000, i * 1000 + 900) for i, text in enumerate(self.sentences)]


def test_a_recognition_checker_plugs_in(tmp_path: Path) -> None:
    checker = RecognitionChecker(Heard("甲乙丙"))
    assert isinstance(checker, Checker)
    path = write(tmp_path / "a.wav", tone(1000))
    found = list(checker.check(unit(path, ("甲乙丙。丁戊己。",)), BookEvidence()))
    assert [(f.kind, f.detail["sentence"]) for f in found] == [("not_heard", "丁戊己。")]
    flac = store_flac(path, tmp_path / "a.flac").path  # the render cache's units are FLAC (decision 0015)
    assert list(checker.check(unit(flac, ("甲乙丙。丁戊己。",)), BookEvidence())) == found
    assert checker.transcriber.lengths == [RATE, RATE]  # type: ignore[attr-defined]
    register_checker("test-asr", lambda: checker)
    try:
        assert "test-asr" in checker_factories() and {"coverage", "pace", "signal"} <= set(checker_factories())
    finally:
        from studio.qa import findings

        findings._FACTORIES.pop("test-asr")


def test_pace_is_judged_at_the_speed_asked_for(tmp_path: Path) -> None:
    """A paragraph delivered at 2× is not "truncated": pace is compared at the voice's own speed."""
    units = [unit(write(tmp_path / f"{i}.wav", tone(2500)), key=str(i)) for i in range(4)]
    fast = unit(write(tmp_path / "fast.wav", tone(1250)), key="fast")
    units.append(UnitEvidence(**{**fast.__dict__, "speed": 2.0}))
    book = BookEvidence(learn_pace(units))
    assert [kinds(PaceChecker().check(u, book)) for u in units] == [[]] * 5


def test_a_zero_length_offline_sentence_counts_as_not_spoken() -> None:
    """espeak gave no word events for the second sentence: the engine marks it with begin == end."""
    texts = ("天色暗了。他还在园子里。先生来了。",)
    echoes = [Timestamp("天色暗了。", 0, 900), Timestamp("他还在园子里。", 900, 900),
              Timestamp("先生来了。", 900, 1800)]
    assert [t for _, t, _ in measure_coverage(texts, echoes).missing] == ["他还在园子里。"]
