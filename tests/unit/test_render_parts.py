"""The scheduler's small parts on their own: token bucket, duration model and poll times, progress and cost,
download verification, the render lock's cleanup."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from studio.core.errors import RetryableEngineError
from studio.engines.base import SynthesisResult, Timestamp
from studio.render.cost import prices_from_env
from studio.render.events import ProgressTracker
from studio.render.plan import plan_book
from studio.render.polling import DurationModel, PollClock, PollRange, first_poll, next_poll, observe_finish
from studio.render.rate_limit import TokenBucket
from studio.render.render_lock import RenderLock
from studio.render.verify import unit_timestamps, verify_audio
from tests.unit.render_fakes import make_book, write_wav


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_token_bucket_lets_a_burst_through_then_holds_the_rate() -> None:
    clock = Clock()
    bucket = TokenBucket(4.0, clock=clock)
    assert all(bucket.take() for _ in range(4)) and not bucket.take()
    assert bucket.wait_s() == pytest.approx(0.25)
    clock.now += 0.5
    assert bucket.available() == 2 and bucket.take(2) and not bucket.take()
    assert TokenBucket(0).take(1000) and TokenBucket(float("inf")).wait_s(50) == 0.0


def test_polls_start_fast_then_follow_the_learned_duration() -> None:
    model, poll = DurationModel(), PollRange(0.2, 10.0)
    clock = PollClock(submitted_at=0.0, characters=1000)
    assert first_poll(clock, model, poll) == pytest.approx(0.2)  # nothing known yet
    times = []
    now = 0.2
    for _ in range(12):
        clock.sent_at = now
        now = next_poll(clock, model, poll, now)
        times.append(now)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert all(b >= a for a, b in itertools.pairwise(gaps)) and max(gaps) <= 10.0 + 1e-9
    assert all(gap <= 0.5 * t + 1e-9 for gap, t in zip(gaps, times, strict=False))  # never more than half its age
    # Teach the model: tasks take 1 s + 1 ms per character.
    for chars in (1000, 2000, 4000, 8000):
        model.observe(chars, 1 + chars / 1000 - 0.05, 1 + chars / 1000 + 0.05)
    assert model.estimate(3000) == pytest.approx(4.0, rel=0.02)
    clock = PollClock(submitted_at=50.0, characters=3000)
    assert first_poll(clock, model, poll) == pytest.approx(50 + 0.93 * 4.0, rel=0.02)  # just before the finish
    clock.sent_at = clock.next_at
    assert next_poll(clock, model, poll, clock.next_at) == pytest.approx(54.0, rel=0.01)  # then at it
    observe_finish(clock, model, 54.05)
    assert model.samples == 5


def test_a_wide_bracket_teaches_less_than_a_tight_one() -> None:
    model = DurationModel()
    model.observe(1000, 0.0, 100.0)  # only known to be under 100 s
    assert model.estimate(1000) == pytest.approx(50.0)
    model.observe(1000, 9.9, 10.1)
    model.observe(2000, 19.9, 20.1)
    assert model.estimate(1500) == pytest.approx(15.0, rel=0.01)  # the loose sample no longer counts


def test_progress_counts_positions_and_prices_engines() -> None:
    plan = plan_book(make_book(1, 4))
    units = [*plan.units, plan.units[0]]  # the same content twice in the book
    clock = Clock()
    tracker = ProgressTracker(units, {u.cache_key: 10 for u in units}, {"aliyun": 2.0}, clock=clock)
    for unit in plan.units:
        tracker.mark_to_render(unit.cache_key)
    first = tracker.event(None, "planned")
    assert (first.units_total, first.units_done, first.eta_s) == (5, 0, None)
    assert first.engines["aliyun"].characters_to_render == 50 and first.cost_estimate == pytest.approx(0.01)
    tracker.mark_billed(plan.units[0].cache_key)
    clock.now += 1
    tracker.mark_done(plan.units[0].cache_key)
    clock.now += 2
    tracker.mark_done(plan.units[1].cache_key)
    event = tracker.event(plan.units[1], "done")
    assert event.units_done == 3 and event.characters_done == 3 * units[0].characters
    assert event.eta_s == pytest.approx(2 * units[0].characters / (units[0].characters / 2))
    assert event.cost_billed == pytest.approx(10 * 2.0 / 10_000)
    assert ProgressTracker(units, {}, None).event(None, "planned").cost_estimate is None  # no price: unknown


def test_prices_come_from_the_environment() -> None:
    assert prices_from_env({"STUDIO_PRICE_ALIYUN": "3.5", "STUDIO_PRICE_BAIDU": "x"}) == {"aliyun": 3.5}


def test_downloads_are_verified_and_paragraphs_mapped(tmp_path: Path) -> None:
    unit = plan_book(make_book(1, 1)).units[0]
    wav = tmp_path / "a.wav"
    write_wav(wav, 1000)
    good = SynthesisResult(wav, 8000, 1, 1000, [Timestamp("x", 0, 990)])
    assert verify_audio(wav, good, unit).frames == 8000
    with pytest.raises(RetryableEngineError, match="short download"):
        verify_audio(wav, SynthesisResult(wav, 8000, 1, 1000, [Timestamp("x", 0, 3000)]), unit)
    with pytest.raises(RetryableEngineError, match="engine reported"):
        verify_audio(wav, SynthesisResult(wav, 8000, 1, 5000), unit)
    wav.write_bytes(wav.read_bytes()[:2000])  # cut short on disk: the header promises more
    with pytest.raises(RetryableEngineError, match="not a readable WAV"):
        verify_audio(wav, good, unit)
    from dataclasses import replace

    grouped = replace(unit, request=replace(unit.request, paragraphs=("甲乙丙。", "丁戊己。")),
                      paragraph_indices=(0, 1))
    result = SynthesisResult(wav, 8000, 1, 2000, [Timestamp("甲乙丙", 0, 900), Timestamp("丁戊己", 1000, 1900)],
                             paragraph_offsets_ms=[0])  # as after a restart: the engine lost the paragraphs
    stamps = unit_timestamps(grouped, result, 2000)
    assert stamps["paragraph_offsets_ms"] == [0, 1000]
    assert [s["paragraph"] for s in stamps["sentences"]] == [0, 1]


def test_the_render_lock_clears_what_a_killed_render_left(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    for name in (".staging-abc-1.wav", ".x.wav.abc.download", "kept.wav"):
        (cache / name).write_bytes(b"x")
    with RenderLock(tmp_path) as outer, RenderLock(tmp_path) as inner:
        assert outer.first and not inner.first
    assert sorted(p.name for p in cache.iterdir()) == ["kept.wav"]
