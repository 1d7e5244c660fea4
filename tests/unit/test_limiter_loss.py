"""The limiter-loss prediction's arithmetic: BS.1770 gating of the predicted blocks and the gain search."""

from __future__ import annotations

import math

import pytest

from studio.audio.limiter_loss import MAX_BOOST_DB, LimitedLoudness
from studio.audio.loudness import gated_loudness

INF = math.inf
# a chapter of 40 blocks: 30 of speech at -20 LUFS whose loudest frame peaks at -1 dBTP, 10 of silence
BLOCKS = [-20.0] * 30 + [-INF] * 10
PEAKS = [p for _ in range(30) for p in (-1.0, -8.0, -9.0, -10.0)] + [-INF] * 40


def test_under_the_ceiling_the_prediction_is_a_pure_gain() -> None:
    model = LimitedLoudness(BLOCKS, PEAKS)
    assert model.loudness(0.5, -0.4) == pytest.approx(gated_loudness(BLOCKS) + 0.5)  # type: ignore[operator]


def test_each_db_over_the_ceiling_costs_its_frame_energy() -> None:
    model = LimitedLoudness(BLOCKS, PEAKS)
    # +1 dB puts the loudest frame 3 dB over -3 dBTP: it keeps 10^(-1.2 * 3 / 10) of its energy, a quarter of each block
    expected = -20.0 + 1.0 + 10 * math.log10((3 + 10 ** (-0.36)) / 4)
    assert model.loudness(1.0, -3.0) == pytest.approx(expected)


def test_the_gain_search_lands_on_the_target_and_stays_in_reach() -> None:
    model = LimitedLoudness(BLOCKS, PEAKS)
    gain = model.gain_for(-17.0, -3.0, 3.0)
    assert gain > 3.0 and model.loudness(gain, -3.0) == pytest.approx(-17.0, abs=0.01)
    assert model.gain_for(-26.0, -3.0, -5.0) == -5.0  # already louder than the target: the pure gain
    assert model.gain_for(-2.0, -3.0, 3.0) == 3.0 + MAX_BOOST_DB  # out of the limiter's reach: the most it allows
    assert LimitedLoudness([-INF] * 4, [-INF] * 16).loudness(0.0, -3.0) is None  # silence
