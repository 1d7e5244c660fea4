"""One chapter chunk's gain stage: decided from its units' stored loudness, checked on what the encode measured.

What the stored figures (``unit_loudness``) already answer is not measured again (issue 20: every filter in the
encode's chain is CPU spent on every chapter of every export):
- a **pure gain** (``volume``) changes nothing but the level, so the chunk's loudness, blocks and true peaks are
  its units' plus the gain (every block and peak moves by the gain; pooling the units' blocks is the same
  approximation the plan rests on, within 0.2 LU of a meter on the chapter): its encode runs no meter at all,
  and ``complete_meter`` writes the meter's log from the stored figures (the report and ``JoinedMeter`` read it
  as they read a measured one);
- **limited**: the gain that reaches the target behind the limiter is predicted from the stored blocks and
  frame peaks (``limiter_loss``), with no calibration pass; the encode meters the loudness it produced
  (``ebur128`` without its own true-peak oversampling) and ``loudness_retry`` has the chunk encoded again when
  that misses the target by more than ``limiter_loss.TOLERANCE_LU``. The limiter runs 2x oversampled with its
  samples held a margin under the true-peak ceiling (``loudness.limiter_chain_2x``, measured), so a frame's true
  peak is the lower of its unit's plus the gain and the ceiling, and no peak meter runs on the encode.
"""

from __future__ import annotations

import math
import threading
from dataclasses import replace

from studio.audio.encode import METER, STATS
from studio.audio.limiter_loss import MAX_BOOST_DB, TOLERANCE_LU, LimitedLoudness
from studio.audio.loudness import (
    FRAME_S,
    LIMIT_2X_MARGIN_DB,
    Ebur128Log,
    GainPlan,
    LoudnessTarget,
    calibrated_gain,
    gated_loudness,
    limiter_chain_2x,
    plan_gain,
)
from studio.audio.timeline import Span
from studio.audio.unit_loudness import SpanLoudness, UnitStore, combine
from studio.audio.wavinfo import PcmFormat

#: The encode's loudness meter behind the limiter: the true peaks are known otherwise (see the module doc).
LIGHT_METER = "ebur128@meter=peak=none:framelog=info"


def plan_chunk_gain(spans: tuple[Span, ...], fmt: PcmFormat, target: LoudnessTarget | None, allow_dynamic: bool,
                    store: UnitStore, stop: threading.Event) -> tuple[GainPlan, SpanLoudness | None]:
    """The chapter's own gain stage, from its units' stored measurements, with that combined measurement."""
    if target is None:
        return GainPlan("none", None), None
    units = store.get([s.path for s in spans if s.path is not None], stop)
    measured = combine(spans, units, fmt.sample_rate)
    plan = plan_gain(measured.summary, target, lossy=True, allow_dynamic=allow_dynamic)
    if plan.mode == "limited" and plan.limit_db is not None:
        model = LimitedLoudness(measured.blocks, measured.block_peaks)
        plan = plan.with_gain(model.gain_for(target.integrated_lufs, plan.limit_db - LIMIT_2X_MARGIN_DB, plan.gain_db))
    return plan, measured


def gain_chain(plan: GainPlan, measured: SpanLoudness | None, rate: int, stats: bool) -> list[str | None]:
    """The encode's filters: the gain stage and what must be measured after it."""
    astats = STATS if stats else None
    if measured is None or plan.mode == "dynamic":  # nothing known beforehand: the full meter, as one pass has
        return [plan.filter(rate), METER, astats]
    if plan.mode == "limited":
        limit = plan.limit_db if plan.limit_db is not None else -3.0
        return [limiter_chain_2x(plan.gain_db, limit, rate), LIGHT_METER, astats]
    gain = f"volume={plan.gain_db:.3f}dB" if plan.mode == "linear" else None
    return [gain, astats]


def complete_meter(meter: Ebur128Log, plan: GainPlan, measured: SpanLoudness, samples: int, rate: int) -> None:
    """Fill in what the encode did not measure: every true peak; and for a pure gain (or none) the loudness.

    A pure gain moves every block and every true peak by the gain. Behind the 4x limiter a frame's true peak is
    its unit's plus the gain, or the ceiling where that is higher (the limiter holds it there).
    """
    gain = plan.gain_db if plan.mode in ("linear", "limited") else 0.0
    if plan.mode != "limited":
        meter.set_loudness(_grid_blocks(measured, gain, samples, rate), measured.summary.integrated_lufs + gain,
                           measured.summary.threshold_lufs + gain)
    ceiling = plan.limit_db if plan.mode == "limited" and plan.limit_db is not None else math.inf
    frames = [min(p + gain, ceiling) for p in measured.frame_peaks]
    meter.set_true_peaks(frames, max(frames, default=-math.inf))


def _grid_blocks(measured: SpanLoudness, gain: float, samples: int, rate: int) -> list[float]:
    """The stored blocks on the grid a meter of the chunk logs them on (one every 100 ms, the block ending there):
    each at the nearest slot, a tie to the earlier one (a unit is measured half a frame off the grid: ``LEAD_S``);
    two blocks landing on one slot (the edges of two units in one short gap) add their energies."""
    slots = [0.0] * int(samples / rate / FRAME_S + 1e-6)
    for block, end in zip(measured.blocks, measured.block_ends, strict=True):
        slot = int(end / FRAME_S + 0.5 - 1e-6) - 1
        if 0 <= slot < len(slots) and math.isfinite(block):
            slots[slot] += 10 ** ((block + gain) / 10)
    return [round(10 * math.log10(e), 2) if e > 0 else -math.inf for e in slots]  # as a cached meter keeps them


def loudness_retry(plan: GainPlan, measured: SpanLoudness | None, meter: Ebur128Log, chapter: int,
                   tried: list[tuple[float, float]]) -> GainPlan | None:
    """The plan to encode a limited chunk again with, when what its encode measured misses the target by more
    than ``TOLERANCE_LU``; None when it is on target (or not limited). ``tried`` collects (gain, measured
    loudness) of this chunk's encodes. After one encode the prediction is moved by the miss (the limiter's loss
    changes little a few tenths of a dB of gain away) and solved again; after two, the two measured points are
    interpolated (``calibrated_gain``), as the calibration pass did."""
    summary = meter.summary()
    if plan.mode != "limited" or plan.target is None or plan.limit_db is None or measured is None \
            or summary is None or summary.silent:
        return None
    target = plan.target.integrated_lufs
    lufs = gated_loudness(meter.momentary)  # the summary's figure is rounded to 0.1
    if lufs is None:
        return None
    tried.append((plan.gain_db, lufs))
    if abs(lufs - target) <= TOLERANCE_LU:
        return None
    model = LimitedLoudness(measured.blocks, measured.block_peaks)
    limit = plan.limit_db - LIMIT_2X_MARGIN_DB
    predicted = model.loudness(plan.gain_db, limit)
    if predicted is None:
        return None
    if len(tried) >= 2:
        (gain_a, lufs_a), (gain_b, lufs_b) = tried[-2:]
        gain = calibrated_gain(gain_a, lufs_a, gain_b, lufs_b, target)
    else:
        pure = target - measured.summary.integrated_lufs
        miss = lufs - predicted
        gain = model.gain_for(target - miss, limit, pure - abs(miss), pure + MAX_BOOST_DB)
    note = (f"chapter {chapter + 1}: the limiter left it at {lufs:.2f} LUFS (predicted "
            f"{predicted:.2f}); encoded again with a gain of {gain:+.2f} dB instead of {plan.gain_db:+.2f} dB")
    return replace(plan, gain_db=gain, notes=(*plan.notes, note))
