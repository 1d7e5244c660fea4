"""What the look-ahead limiter takes from a chapter's loudness, predicted from its units' stored 100 ms figures.

Why predict: a chapter whose peaks must be limited loses some loudness to the limiter, so its gain must be set
higher than the pure gain to land on the target. The exporter used to *measure* that loss before each chapter's
encode (two limiter chains over a tenth of the chapter, about 3.5 % of an export's CPU). Everything the loss
depends on is already stored per unit (``unit_loudness``): the loudness of every 400 ms gating block and the true
peak of each of its four 100 ms frames. After a gain ``g``, a frame whose true peak ``p`` lands over the
limiter's ceiling ``L`` is pulled down by ``p + g - L`` at its peak; speech holds its peaks for whole voiced
stretches (a peak every pitch period, closer together than the 50 ms release), so the frame's energy falls by
about that much too, and a little more for the release that carries the reduction past the frame's peak:
``LOSS_PER_DB`` dB of energy per dB of excess, fitted on the offline engine's eight voices (Mandarin, Cantonese,
English; 28 chapters at -23, -20, -18 and -16 LUFS against what ffmpeg's 4x limiter really did: RMS error
0.04 LU where the limiter takes up to 1 LU, the worst 0.10; RMS 0.13, worst 0.27 where it takes up to 1.8 LU).
The chunk encode's 2x limiter holds its samples 0.3 dB under the true-peak ceiling, so the prediction is made
for that ceiling. Exported at -18 LUFS through it, the same 28 chapters measured -17.88 to -18.22 LUFS (the
calibration pass this replaces: -17.60 to -18.15 on the Mandarin voice); the error grows with the depth of
limiting (pushing one Mandarin voice to -16 LUFS, about 5 dB of limiting, left it 0.6 LU short).
A block's loudness falls by the mean of its frames' energy factors; BS.1770's gates over the new blocks give
the chapter's loudness after the limiter.

The encode meters what it produced (``ebur128``), so a chapter the prediction misses by more than
``TOLERANCE_LU`` is encoded again with the miss taken into account (``chunk_encode.encode_chunk``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from studio.audio.loudness import ABSOLUTE_GATE_LUFS, BLOCK_FRAMES, RELATIVE_GATE_LU

#: dB of a frame's energy the limiter takes per dB its true peak is over the ceiling (see the module doc).
LOSS_PER_DB = 1.2
#: How far above the pure gain the limited gain is searched: past that the target is out of the limiter's reach.
MAX_BOOST_DB = 12.0
#: How far a limited chapter's measured loudness may miss the target before it is encoded again.
TOLERANCE_LU = 0.3


class LimitedLoudness:
    """A chapter's 400 ms blocks (LUFS) with the true peaks of each block's four 100 ms frames (``BLOCK_FRAMES`` per
    block, -inf for digital silence or a frame before the audio began), ready to predict its loudness behind the
    limiter at any gain: ``gain_for`` asks 3 to 10 times per chapter, so the block energies are
    computed once and only blocks with a frame over the ceiling are worked on at each gain."""

    def __init__(self, blocks: Sequence[float], block_peaks: Sequence[float]) -> None:
        self._energies = [10 ** ((b + 0.691) / 10) if math.isfinite(b) else 0.0 for b in blocks]
        self._peaks = [tuple(block_peaks[k * BLOCK_FRAMES:(k + 1) * BLOCK_FRAMES]) for k in range(len(blocks))]
        self._loudest = [max(p, default=-math.inf) for p in self._peaks]

    def block_energies(self, gain_db: float, limit_db: float) -> list[float]:
        """Each block's energy (BS.1770's mean square, K-weighted) after the gain and the limiter."""
        scale = 10 ** (gain_db / 10)
        energies = [e * scale for e in self._energies]
        threshold = limit_db - gain_db
        for k, loudest in enumerate(self._loudest):
            if loudest > threshold:
                factor = sum(10 ** (-LOSS_PER_DB * (p - threshold) / 10) if p > threshold else 1.0
                             for p in self._peaks[k])
                energies[k] *= factor / BLOCK_FRAMES
        return energies

    def loudness(self, gain_db: float, limit_db: float) -> float | None:
        """Integrated loudness (LUFS) after the gain and the limiter, BS.1770's two gates; None for silence."""
        energies = self.block_energies(gain_db, limit_db)
        floor = 10 ** ((ABSOLUTE_GATE_LUFS + 0.691) / 10)
        gated = [e for e in energies if e > floor]
        if not gated:
            return None
        relative = sum(gated) / len(gated) * 10 ** (RELATIVE_GATE_LU / 10)
        kept = [e for e in gated if e > relative]
        return -0.691 + 10 * math.log10(sum(kept) / len(kept)) if kept else None

    def gain_for(self, target_lufs: float, limit_db: float, low_db: float, high_db: float | None = None) -> float:
        """The gain in [``low_db``, ``high_db``] that the prediction puts at ``target_lufs`` behind the limiter (the
        predicted loudness rises with the gain), or the nearer end when the target lies outside. From the pure gain
        (a limiter only takes loudness away) to ``MAX_BOOST_DB`` above it by default: beyond that the target is out
        of the limiter's reach, and the chapter gets the loudest it allows.

        Found by regula falsi with the Illinois step (each evaluation walks every block; bisection over 12 dB to
        2 mdB took 15, this takes 3 where the limiter takes ~1 dB and up to ~10 where it takes several: it was the
        largest share of the export's own Python CPU), within
        ``_GAIN_TOLERANCE_DB`` of the crossing or ``_LOUDNESS_TOLERANCE_LU`` of the target."""
        def miss(gain: float) -> float | None:
            value = self.loudness(gain, limit_db)
            return None if value is None else value - target_lufs

        low, high = low_db, low_db + MAX_BOOST_DB if high_db is None else high_db
        at_low = miss(low)
        if at_low is not None and at_low >= 0:
            return low
        if at_low is None:  # silent at the low end: no slope to follow
            at_low = -MAX_BOOST_DB
        # the upper end: where a gain of 1.5x the shortfall lands (the loudness rises by 0.5-1 LU per dB where the
        # limiter works), else the end of the range
        at_high: float | None = None
        guess = low - 1.5 * at_low
        if guess < high:
            at_guess = miss(guess)
            if at_guess is not None and at_guess >= 0:
                high, at_high = guess, at_guess
            elif at_guess is not None:
                low, at_low = guess, at_guess
        if at_high is None:
            at_high = miss(high)
            if at_high is None or at_high < 0:
                return high
        kept = 0  # which end the last step kept: the Illinois step halves that end's weight when it repeats
        for _ in range(64):
            if high - low <= _GAIN_TOLERANCE_DB:
                break
            slope = at_high - at_low
            gain = high - at_high * (high - low) / slope if slope > 0 else (low + high) / 2
            gain = min(max(gain, low + _GAIN_TOLERANCE_DB / 4), high - _GAIN_TOLERANCE_DB / 4)
            value = miss(gain)
            if value is not None and abs(value) <= _LOUDNESS_TOLERANCE_LU:
                return gain
            if value is not None and value > 0:
                high, at_high = gain, value
                if kept == 1:
                    at_low /= 2
                kept = 1
            else:
                low, at_low = gain, value if value is not None else at_low
                if kept == -1:
                    at_high /= 2
                kept = -1
        return (low + high) / 2


#: How close ``gain_for`` gets: to the gain where the prediction crosses the target, or to the target itself.
_GAIN_TOLERANCE_DB = 0.002
_LOUDNESS_TOLERANCE_LU = 0.005
