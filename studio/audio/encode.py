"""The ffmpeg passes of an export: measure loudness, calibrate the limiter, encode one output file.

Every pass reads the timeline as raw PCM on stdin (``pcmfeed``), so each pass sees exactly the same
samples. The encode pass also meters its own output (``ebur128@meter`` after the gain stage, on the filter
thread beside the encoder, so it costs no wall time on two cores): the loudness report describes the audio
that was really encoded, and its final ``out_time_us`` is checked against the timeline's frame count, so a
filter that changed the length would be caught instead of silently shifting chapter marks.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from studio.audio import metadata
from studio.audio.errors import AudioError
from studio.audio.ffmpeg import ProgressCallback, run_ffmpeg_ex
from studio.audio.formats import FormatSpec, mp4_movflags
from studio.audio.loudness import (
    Ebur128Log,
    GainPlan,
    LoudnessMeter,
    LoudnessSummary,
    calibrated_gain,
    limiter_chain,
)
from studio.audio.pcmfeed import feed_spans
from studio.audio.tags import BookInfo, Cover, ffmpeg_tags, vorbis_chapter_tags, write_mp3_with_id3
from studio.audio.timeline import ChapterLayout, Span, Timeline, layout_output
from studio.audio.wavinfo import PcmFormat
from studio.audio.written_length import written_frames

log = logging.getLogger("studio.audio.encode")

METER = "ebur128@meter=peak=true:framelog=info"
STATS = "astats@stats=measure_perchannel=none:measure_overall=RMS_level+Peak_level+Noise_floor"
#: How much audio the limiter calibration listens to (spread over the book), in seconds.
CALIBRATION_SAMPLE_S = 300.0
CALIBRATION_STEP_DB = 2.0


def pcm_input(timeline: Timeline) -> list[str]:
    fmt = timeline.format
    return ["-f", "s16le", "-ar", str(fmt.sample_rate), "-ac", str(fmt.channels), "-i", "pipe:0"]


def _feeder(timeline: Timeline, cancel_event: threading.Event | None) -> Callable[[int], None]:
    def feed(fd: int) -> None:
        feed_spans(fd, timeline.spans, timeline.format, cancel_event=cancel_event)

    return feed


def measure_loudness(timeline: Timeline, *, cancel_event: threading.Event | None = None,
                     progress_cb: ProgressCallback | None = None) -> LoudnessSummary | None:
    """Integrated loudness, loudness range and sample peak of the whole timeline (ebur128, one decode)."""
    meter = Ebur128Log("pre")
    run_ffmpeg_ex([*pcm_input(timeline), "-map", "0:a", "-af", "ebur128@pre=peak=sample:framelog=quiet",
                   "-f", "null", "-"], feed=_feeder(timeline, cancel_event), stderr_cb=meter.feed, loglevel="info",
                  duration_hint_s=timeline.duration_ms / 1000, progress_cb=progress_cb, cancel_event=cancel_event)
    return meter.summary()


def calibrate_limiter(plan: GainPlan, sample: Timeline, *, cancel_event: threading.Event | None = None,
                      progress_cb: ProgressCallback | None = None) -> GainPlan:
    """Find the gain that reaches the target *after* the limiter took its share of the loudness.

    One decode of ``sample`` (a few chapters spread over the book) through three branches: untouched, and
    the limiter chain at two gains. The loudness each branch loses to the limiter is assumed to hold for
    the whole book (speech is statistically even), which the encode pass then verifies.
    """
    assert plan.measured is not None and plan.target is not None and plan.limit_db is not None
    gain_a = plan.gain_db
    gain_b = gain_a + CALIBRATION_STEP_DB
    rate = sample.format.sample_rate
    raw, meter_a, meter_b = Ebur128Log("raw"), Ebur128Log("ga"), Ebur128Log("gb")
    graph = (f"[0:a]asplit=3[r][a][b];[r]ebur128@raw=peak=sample:framelog=quiet[out];"
             f"[a]{limiter_chain(gain_a, plan.limit_db, rate)},ebur128@ga=peak=sample:framelog=quiet,anullsink;"
             f"[b]{limiter_chain(gain_b, plan.limit_db, rate)},ebur128@gb=peak=sample:framelog=quiet,anullsink")

    def both(line: str) -> None:
        for meter in (raw, meter_a, meter_b):
            meter.feed(line)

    run_ffmpeg_ex([*pcm_input(sample), "-filter_complex", graph, "-map", "[out]", "-f", "null", "-"],
                  feed=_feeder(sample, cancel_event), stderr_cb=both, loglevel="info",
                  duration_hint_s=sample.duration_ms / 1000, progress_cb=progress_cb, cancel_event=cancel_event)
    summaries = raw.summary(), meter_a.summary(), meter_b.summary()
    if any(s is None or s.silent for s in summaries):
        return plan
    s_raw, s_a, s_b = summaries
    assert s_raw is not None and s_a is not None and s_b is not None
    book = plan.measured.integrated_lufs
    # the sample's loss to the limiter at each gain, carried over to the whole book
    lufs_a = book + gain_a - (s_raw.integrated_lufs + gain_a - s_a.integrated_lufs)
    lufs_b = book + gain_b - (s_raw.integrated_lufs + gain_b - s_b.integrated_lufs)
    gain = calibrated_gain(gain_a, lufs_a, gain_b, lufs_b, plan.target.integrated_lufs)
    log.info("limiter calibration: %+.2f dB -> %.2f LUFS, %+.2f dB -> %.2f LUFS; using %+.2f dB",
             gain_a, lufs_a, gain_b, lufs_b, gain)
    return plan.with_gain(gain)


def calibration_sample(chapters: Sequence[ChapterLayout], fmt: PcmFormat) -> Timeline:
    """About ``CALIBRATION_SAMPLE_S`` of the book for the limiter calibration: the opening stretch of up to
    20 chapters spread evenly over the book (or everything, for a short book)."""
    total = sum(c.frames for c in chapters)
    want = int(CALIBRATION_SAMPLE_S * fmt.sample_rate)
    if total <= want:
        return layout_output(chapters, fmt, chapter_gap_ms=0)
    count = min(len(chapters), 20)
    stride = len(chapters) / count
    picked = [chapters[int(k * stride)] for k in range(count)]
    budget = want // count
    return layout_output([_opening(c, budget) for c in picked], fmt, chapter_gap_ms=0)


def _opening(chapter: ChapterLayout, frames: int) -> ChapterLayout:
    spans: list[Span] = []
    left = frames
    for span in chapter.spans:
        if left <= 0:
            break
        take = min(span.frames, left)
        spans.append(Span(span.path, span.start, take))
        left -= take
    return ChapterLayout(chapter.index, chapter.title, spans, frames - left)


@dataclass(frozen=True)
class EncodeJob:
    """One output file: which audio, which container, which tags."""

    timeline: Timeline
    spec: FormatSpec
    dest: Path
    info: BookInfo
    title: str | None = None  # the file's own title tag (a chapter's, a part's) instead of the book's
    track: tuple[int, int] | None = None
    chapter_marks: bool = True
    cover: Cover | None = None
    bitrate: str | None = None
    #: also measure RMS and noise floor (astats): ACX's numbers; about 3% of an AAC encode's time
    stats: bool = False
    #: a filter after the gain stage (room tone: ``RoomTone.filter``); it must not change the length
    after_gain: str | None = None
    #: the content hash to carry in the file's tags (``export_stamp``)
    stamp: str | None = None


@dataclass(frozen=True)
class EncodeOutcome:
    meter: LoudnessMeter
    out_time_us: int | None
    normalization: str
    #: the file already carries ``EncodeJob.stamp`` (written with it, not tagged afterwards)
    stamped: bool = False


def metadata_file(job: EncodeJob, path: Path) -> Path:
    spec, timeline = job.spec, job.timeline
    rate = timeline.format.sample_rate
    tags: dict[str, str] = {}
    chapters: list[metadata.ChapterEntry] = []
    if spec.chapters != "id3":
        tags = ffmpeg_tags(job.info, spec.name, title=job.title, track=job.track)
    if job.chapter_marks and spec.chapters == "mp4":
        tb = Fraction(1, rate)
        chapters = [metadata.ChapterEntry(c.start, c.end, tb, {"title": c.title}) for c in timeline.chapters]
    elif job.chapter_marks and spec.chapters == "vorbis":
        tags |= vorbis_chapter_tags(timeline.chapters, rate)
    path.write_text(metadata.render(metadata.FfMetadata(tags, chapters)), encoding="utf-8")
    return path


def encode(job: EncodeJob, plan: GainPlan, work_dir: Path, *, cancel_event: threading.Event | None = None,
           progress_cb: ProgressCallback | None = None) -> EncodeOutcome:
    """Encode ``job.timeline`` through ``plan``'s gain stage into ``job.dest`` (tagged, chaptered)."""
    spec, timeline = job.spec, job.timeline
    rate = timeline.format.sample_rate
    meta = metadata_file(job, work_dir / f"{job.dest.name}.ffmeta")
    target = job.dest.with_name(job.dest.name + ".audio") if spec.chapters == "id3" else job.dest
    args = [*pcm_input(timeline), "-f", "ffmetadata", "-i", str(meta)]
    maps = ["-map", "0:a", "-map_metadata", "1", "-map_chapters", "1" if spec.chapters == "mp4" else "-1"]
    if job.cover is not None and spec.cover == "ffmpeg":
        args += ["-i", str(job.cover.path)]
        maps += ["-map", "2:v", "-c:v", "copy", "-disposition:v:0", "attached_pic"]
        if spec.name == "flac":
            maps += ["-metadata:s:v:0", "comment=Cover (front)"]  # FLAC picture type 3, not "other"
    gain = plan.filter(rate)
    chain = ",".join(f for f in (gain, job.after_gain, METER, STATS if job.stats else None) if f)
    meter = Ebur128Log("meter")
    try:
        flags = mp4_movflags(len(timeline.chapters)) if spec.chapters == "mp4" and job.chapter_marks else []
        run = run_ffmpeg_ex([*args, *maps, "-af", chain, *spec.codec_args(job.bitrate), *flags, str(target)],
                            feed=_feeder(timeline, cancel_event), stderr_cb=meter.feed, loglevel="info",
                            duration_hint_s=timeline.duration_ms / 1000, progress_cb=progress_cb,
                            cancel_event=cancel_event, output=target)
        _check_length(run.out_time_us, timeline, target, spec.name,
                      end_slack=spec.frame_samples if spec.name == "mp3" else 0)
        if spec.chapters == "id3":
            write_mp3_with_id3(target, job.dest, job.info, chapters=timeline.chapters if job.chapter_marks else (),
                               rate=rate, duration_frames=timeline.total_frames, title=job.title, track=job.track,
                               cover=job.cover)
    finally:
        if target != job.dest:
            target.unlink(missing_ok=True)
        meta.unlink(missing_ok=True)
    normalization = plan.mode
    if meter.loudnorm_json and "normalization_type" in meter.loudnorm_json:
        normalization = meter.loudnorm_json["normalization_type"]
        if plan.mode == "linear" and normalization != "linear":
            log.warning("loudnorm did not stay linear (%s) for %s", normalization, job.dest.name)
    return EncodeOutcome(meter, run.out_time_us, normalization)


def _check_length(out_time_us: int | None, timeline: Timeline, written: Path, format_name: str, *,
                  end_slack: int = 0) -> None:
    """The encoded audio must be exactly as long as the timeline, or every chapter mark after a
    discrepancy would be off.

    ffmpeg's progress report (``out_time_us``) is checked first, with one sample of slack for its
    microsecond rounding. When it disagrees, the file itself decides (``written_length``): the report is
    only a report, and for MP3 it was measured up to 41 samples short of what the file really plays. Only
    a file that plays fewer samples than planned, or more than ``end_slack`` extra, is an error.

    ``end_slack`` frames of *extra* length are tolerated for MP3: for some lengths ffmpeg's LAME tag
    records slightly too little end padding (565,064 samples at 22,050 Hz decode as 565,103), i.e. a
    decoder plays a few samples of extra silence after the last chapter; nothing before it moves.
    """
    rate = timeline.format.sample_rate
    planned = timeline.total_frames
    if out_time_us is not None:
        expected_us = planned * 1_000_000 / rate
        slack_us = 1_000_000 / rate + 1
        if -slack_us <= out_time_us - expected_us <= slack_us + end_slack * 1_000_000 / rate:
            return
    frames = written_frames(written, format_name, rate)
    if 0 <= frames - planned <= end_slack:
        if out_time_us is not None:
            log.info("%s: ffmpeg reported %.3f ms, the file holds the planned %d samples (+%d)", written.name,
                     out_time_us / 1000, planned, frames - planned)
        return
    raise AudioError(f"the encoded audio is {(frames - planned) * 1000 / rate:+.2f} ms off the planned "
                     f"length ({frames} instead of {planned} samples): chapter marks would not match",
                     path=written)
