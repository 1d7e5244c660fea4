"""Room tone: the low-level noise ACX wants at the head and tail of every file instead of digital silence.

Retail reviewers reject files that open or close on digital zero (it sounds like a dropout on a player that
adds its own gain), and synthesized speech has nothing else between its words. So a preset can ask for
``RoomTone``: the head and tail of each file are lengthened by silence spans in the *timeline* (so the exact
length check and the chapter marks see them), and one ``aeval`` filter after the gain stage adds white noise
at ``level_db`` RMS to the whole file. Added after the gain stage, the noise is not raised by normalization;
at -72 dB it moves neither the loudness nor the peak measurably, and it stays under ACX's -60 dB noise floor.

ACX wants 0.5-1 s of room tone before the speech, not 0.7 s plus whatever silence the voice opens with (some
engines lead with 0.3 s or more). So the quiet at the very start of a file's first piece and at the very end of
its last one is trimmed to ``edge_keep_ms`` before the room tone is added (``trim_edges``): the measured head is
then ``head_ms`` plus at most that, whatever the voice does.

ACX checks RMS over the whole file, room tone included: 3.2 s of room tone around 3 s of credits takes 3 dB off
the file's RMS. ``file_target`` raises such a file's loudness target by that dilution (at most
``MAX_DILUTION_DB``), so short files land inside ACX's RMS window like long ones.
"""

from __future__ import annotations

import array
import math
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from studio.audio.loudness import LoudnessTarget
from studio.audio.timeline import ChapterSpan, Span, TimedCue, Timeline, ms_to_frames
from studio.audio.wavinfo import PcmFormat, data_offset

#: Samples below this (dBFS, before the gain stage) count as the voice's own leading/trailing silence.
QUIET_DBFS = -55.0
_BLOCK_FRAMES = 4096
#: The most a short file's loudness target is raised to make up for its room tone.
MAX_DILUTION_DB = 4.0


@dataclass(frozen=True)
class RoomTone:
    """Silence added before and after each file's audio, and the level of the noise laid over the file."""

    head_ms: int = 700
    tail_ms: int = 2500
    level_db: float = -72.0
    #: the voice's own quiet kept before its first sound and after its last (the rest is trimmed)
    edge_keep_ms: int = 80

    def filter(self) -> str:
        """An ``aeval`` expression adding uniform white noise of ``level_db`` RMS to every channel.

        Uniform noise over [-a/2, a/2] has an RMS of a / (2 * sqrt(3)); ``random(0)`` keeps its state in
        variable 0, so the sequence is the same on every export (the export stays reproducible).
        """
        amplitude = 10 ** (self.level_db / 20) * 2 * 3 ** 0.5
        return f"aeval=exprs='val(ch)+{amplitude:.7f}*(random(0)-0.5)':channel_layout=same"


def with_room_tone(timeline: Timeline, tone: RoomTone) -> Timeline:
    """``timeline`` with ``tone.head_ms`` of silence before it and ``tone.tail_ms`` after (marks and cues
    moved by the head); the noise itself is the encoder's filter (``RoomTone.filter``)."""
    timeline = trim_edges(timeline, ms_to_frames(tone.edge_keep_ms, timeline.format.sample_rate))
    rate = timeline.format.sample_rate
    head, tail = ms_to_frames(tone.head_ms, rate), ms_to_frames(tone.tail_ms, rate)
    spans = [Span(None, 0, head), *timeline.spans, Span(None, 0, tail)]
    marks = [ChapterSpan(m.index, m.title, m.start + head if n else 0, m.end + head)
             for n, m in enumerate(timeline.chapters)]
    if marks:
        last = marks[-1]
        marks[-1] = ChapterSpan(last.index, last.title, last.start, last.end + tail)
    cues = [TimedCue(c.text, c.start + head, c.end + head) for c in timeline.cues]
    return Timeline(timeline.format, spans, marks, cues, timeline.total_frames + head + tail)


def _quiet_run(path: Path, start: int, frames: int, fmt: PcmFormat, *, from_end: bool) -> int:
    """Frames of quiet (below ``QUIET_DBFS``) at the start (or end) of ``frames`` frames of a 16-bit WAV."""
    offset = data_offset(path)
    if offset is None or fmt.sample_width != 2:
        return 0
    threshold = int(32768 * 10 ** (QUIET_DBFS / 20))
    quiet = 0
    with open(path, "rb") as fh:
        while quiet < frames:
            take = min(_BLOCK_FRAMES, frames - quiet)
            first = start + frames - quiet - take if from_end else start + quiet
            fh.seek(offset + first * fmt.frame_size)
            block = array.array("h")
            block.frombytes(fh.read(take * fmt.frame_size))
            if sys.byteorder == "big":
                block.byteswap()
            order = range(len(block) - 1, -1, -1) if from_end else range(len(block))
            loud = next((i for i in order if abs(block[i]) > threshold), None)
            if loud is not None:
                frame = loud // fmt.channels
                return quiet + ((take - 1 - frame) if from_end else frame)
            if len(block) < take * fmt.channels:
                return quiet
            quiet += take
    return quiet


def trim_edges(timeline: Timeline, keep: int) -> Timeline:
    """``timeline`` without the quiet its first and last audio spans open and close with (``keep`` frames of it
    stay); marks and cues move with the audio. A file that is quiet throughout is left as it is."""
    spans = list(timeline.spans)
    audio = [n for n, s in enumerate(spans) if s.path is not None and s.frames > 0]
    if not audio:
        return timeline
    fmt = timeline.format
    first, last = spans[audio[0]], spans[audio[-1]]
    assert first.path is not None and last.path is not None
    lead = max(0, _quiet_run(first.path, first.start, first.frames, fmt, from_end=False) - keep)
    if lead >= first.frames:
        return timeline
    spans[audio[0]] = replace(first, start=first.start + lead, frames=first.frames - lead)
    last = spans[audio[-1]]
    assert last.path is not None
    trail = max(0, _quiet_run(last.path, last.start, last.frames, fmt, from_end=True) - keep)
    trail = min(trail, last.frames - 1)
    spans[audio[-1]] = replace(last, frames=last.frames - trail)
    # the trimmed head is before every mark and cue, except what lies before the first sound
    before = sum(s.frames for s in timeline.spans[:audio[0]])
    total = timeline.total_frames - lead - trail

    def moved(frame: int) -> int:
        return min(total, frame if frame <= before else max(before, frame - lead))

    marks = [ChapterSpan(m.index, m.title, moved(m.start), moved(m.end)) for m in timeline.chapters]
    if marks:
        marks[-1] = ChapterSpan(marks[-1].index, marks[-1].title, marks[-1].start, total)
    cues = [TimedCue(c.text, moved(c.start), moved(c.end)) for c in timeline.cues]
    return Timeline(fmt, spans, marks, cues, total)


def file_target(target: LoudnessTarget, speech_frames: int, tone: RoomTone, rate: int) -> LoudnessTarget:
    """``target`` raised by how much the room tone dilutes a file of ``speech_frames`` (see the module doc)."""
    if speech_frames <= 0:
        return target
    added = ms_to_frames(tone.head_ms + tone.tail_ms, rate)
    boost = min(MAX_DILUTION_DB, 10 * math.log10((speech_frames + added) / speech_frames))
    return replace(target, integrated_lufs=min(-5.0, target.integrated_lufs + boost))
