"""Loudness: BS.1770 gating, reading ffmpeg's ebur128/astats/loudnorm output, choosing the gain stage."""

from __future__ import annotations

import math

import pytest

from studio.audio.loudness import (
    ACX_TARGET,
    DEFAULT_TARGET,
    Ebur128Log,
    LoudnessSummary,
    LoudnessTarget,
    calibrated_gain,
    gated_loudness,
    limiter_chain,
    plan_gain,
)


# Lines as ffmpeg 9 prints them (framelog=info with peak=true, then the summary; astats; loudnorm JSON).
def _frame(instance: str, t: str, m: str, ftpk: str) -> str:
    return (f"[ebur128@{instance} @ 0x7f] t: {t:<10} TARGET:-23 LUFS    M:{m:>6} S:-120.7     I: -70.0 LUFS"
            f"       LRA:   0.0 LU  FTPK: {ftpk} dBFS  TPK: {ftpk} dBFS")


LOG = "\n".join([
    "[aist#0:0/pcm_s16le @ 0x55] Guessed Channel Layout: mono",
    _frame("meter", "0.0999546", "-120.7", "-20.5"),
    _frame("meter", "0.199955", "-120.7", "-17.7"),
    _frame("meter", "0.299955", "-120.7", " -3.1  -4.0"),
    _frame("meter", "0.399955", " -20.0", "-inf"),
    _frame("meter", "0.499955", " -20.0", "-9.0"),
    _frame("other", "0.099955", " -99.0", "-1.0"),
    "[loudnorm@norm @ 0x7d] ",
    "{",
    '\t"input_i" : "-29.21",',
    '\t"normalization_type" : "linear",',
    '\t"target_offset" : "-0.00"',
    "}",
    "[ebur128@other @ 0x7e] Summary:",
    "",
    "  Integrated loudness:",
    "    I:         -40.0 LUFS",
    "    Threshold: -50.0 LUFS",
    "[ebur128@meter @ 0x7f] Summary:",
    "",
    "  Integrated loudness:",
    "    I:         -28.9 LUFS",
    "    Threshold: -40.0 LUFS",
    "",
    "  Loudness range:",
    "    LRA:         2.5 LU",
    "    Threshold: -50.3 LUFS",
    "    LRA low:   -31.6 LUFS",
    "    LRA high:  -29.1 LUFS",
    "",
    "  True peak:",
    "    Peak:      -13.1 dBFS",
    "[astats@stats @ 0x7c] Overall",
    "[astats@stats @ 0x7c] Peak level dB: -13.877418",
    "[astats@stats @ 0x7c] RMS level dB: -28.647336",
    "[astats@stats @ 0x7c] Noise floor dB: -inf",
    "[out#0/null @ 0x55] video:0KiB audio:302KiB subtitle:0KiB other streams:0KiB global headers:0KiB",
])


def _log(instance: str = "meter") -> Ebur128Log:
    log = Ebur128Log(instance)
    for line in LOG.splitlines():
        log.feed(line)
    return log


def test_summary_frames_stats_and_json_are_read_for_the_named_instance() -> None:
    log = _log()
    assert log.summary() == LoudnessSummary(-28.9, -40.0, 2.5, -13.1, "true")
    assert list(log.momentary) == pytest.approx([-120.7, -120.7, -120.7, -20.0, -20.0])
    assert log.frame_peaks[2] == pytest.approx(-3.1)  # the louder of two channels
    assert log.frame_peaks[3] == -math.inf
    assert log.stats == {"Peak level dB": pytest.approx(-13.877418), "RMS level dB": pytest.approx(-28.647336),
                         "Noise floor dB": -math.inf}
    assert log.loudnorm_json == {"input_i": "-29.21", "normalization_type": "linear", "target_offset": "-0.00"}
    other = _log("other")
    assert other.summary() is not None and other.summary().integrated_lufs == -40.0  # type: ignore[union-attr]
    assert list(other.momentary) == pytest.approx([-99.0])


def test_sample_peak_summary() -> None:
    log = Ebur128Log("pre")
    for line in ["[ebur128@pre @ 0x1] Summary:", "", "  Integrated loudness:", "    I:         -70.0 LUFS",
                 "    Threshold: -70.0 LUFS", "", "  Sample peak:", "    Peak:      -inf dBFS"]:
        log.feed(line)
    summary = log.summary()
    assert summary is not None and summary.silent and summary.peak_kind == "sample"


def test_range_loudness_uses_blocks_inside_the_range() -> None:
    log = Ebur128Log()
    log.momentary.extend([-120.0] * 3 + [-20.0] * 10 + [-30.0] * 10)
    log.frame_peaks.extend([-50.0] * 13 + [-6.0] * 10)
    first = log.range_loudness(0.0, 1.3)
    assert first.integrated_lufs == pytest.approx(-20.0) and first.true_peak_dbtp == -50.0
    second = log.range_loudness(1.3, 2.3)  # blocks ending at 1.7 .. 2.3 s lie fully inside
    assert second.integrated_lufs == pytest.approx(-30.0) and second.true_peak_dbtp == -6.0
    assert log.range_loudness(0.0, 0.2).integrated_lufs is None  # shorter than a 400 ms block


def test_gating_follows_bs1770() -> None:
    assert gated_loudness([-23.0] * 10) == pytest.approx(-23.0)
    assert gated_loudness([-80.0] * 10) is None  # under the absolute gate
    # quiet blocks more than 10 LU under the ungated mean do not pull the result down
    assert gated_loudness([-20.0] * 10 + [-45.0] * 30) == pytest.approx(-20.0)
    mixed = gated_loudness([-20.0] * 10 + [-26.0] * 10)
    assert mixed is not None and -23.0 < mixed < -20.0


def _measured(lufs: float, peak: float, kind: str = "sample") -> LoudnessSummary:
    return LoudnessSummary(lufs, lufs - 10, 4.0, peak, kind)


def test_a_gain_that_fits_under_the_ceiling_is_linear() -> None:
    plan = plan_gain(_measured(-30.0, -20.0), DEFAULT_TARGET, lossy=True)
    assert plan.mode == "linear" and plan.gain_db == pytest.approx(12.0)
    chain = plan.filter(22050)
    assert chain is not None and chain.startswith("loudnorm@norm=I=-18.0:TP=-3.0")
    assert "linear=true" in chain and "measured_I=-30.00" in chain and "measured_thresh=-40.00" in chain
    assert "measured_TP=-19.00" in chain  # sample peak + 1 dB kept for the codec and inter-sample peaks
    assert "aresample" not in chain


def test_peaks_that_would_clip_get_the_limiter_or_dynamic_mode() -> None:
    limited = plan_gain(_measured(-19.0, -0.5), DEFAULT_TARGET, lossy=True)
    assert limited.mode == "limited" and limited.limit_db == pytest.approx(-3.5)
    chain = limited.filter(22050)
    assert chain is not None and chain.startswith("aresample=88200,volume=1.000dB,alimiter=")  # 4x: true peaks
    assert chain.endswith(",aresample=22050")
    assert "latency=1" in chain and "level=0" in chain  # timing kept, no auto make-up gain
    assert "peaks limited" in limited.notes[0]
    lossless = plan_gain(_measured(-19.0, -0.5), DEFAULT_TARGET, lossy=False)
    assert lossless.limit_db == pytest.approx(-3.3)
    dynamic = plan_gain(_measured(-19.0, -0.5), DEFAULT_TARGET, lossy=True, allow_dynamic=True)
    assert dynamic.mode == "dynamic" and "aresample=22050" in (dynamic.filter(22050) or "")


def test_silence_and_no_target() -> None:
    assert plan_gain(_measured(-70.0, -90.0), DEFAULT_TARGET, lossy=True).mode == "silent"
    assert plan_gain(None, DEFAULT_TARGET, lossy=True).filter(22050) is None
    assert plan_gain(_measured(-20.0, -10.0), None, lossy=True).mode == "none"


def test_limiter_chain_clamps_to_alimiters_range() -> None:
    assert "limit=0.06" in limiter_chain(0.0, -40.0, 24000)
    assert "limit=0.70795" in limiter_chain(2.0, -3.0, 24000)


def test_calibration_interpolates_the_limited_gain_curve() -> None:
    # +1 dB gives -18.8, +3 dB gives -17.6 (slope 0.6): -18.0 needs +2.33 dB
    assert calibrated_gain(1.0, -18.8, 3.0, -17.6, -18.0) == pytest.approx(1.0 + 0.8 / 0.6)
    assert calibrated_gain(1.0, -18.8, 3.0, -18.8, -18.0) == pytest.approx(1.8)  # flat: slope 1 fallback
    assert calibrated_gain(0.0, -40.0, 2.0, -38.0, -18.0) == pytest.approx(8.0)  # capped at +8 dB


def test_targets_are_validated_and_acx_is_defined() -> None:
    with pytest.raises(ValueError):
        LoudnessTarget(-60.0)
    with pytest.raises(ValueError):
        LoudnessTarget(-18.0, 1.0)
    assert (ACX_TARGET.integrated_lufs, ACX_TARGET.true_peak_dbtp, ACX_TARGET.rms_range_db) == (-20.0, -3.0,
                                                                                                 (-23.0, -18.0))
