"""Room tone: the low-level noise ACX wants at the head and tail of every file instead of digital silence.

Retail reviewers reject files that open or close on digital zero (it sounds like a dropout on a player that
adds its own gain), and synthesized speech has nothing else between its words. So a preset can ask for
``RoomTone``: the head and tail of each file are lengthened by silence spans in the *timeline* (so the exact
length check and the chapter marks see them), and one ``aeval`` filter after the gain stage adds white noise
at ``level_db`` RMS to the whole file. Added after the gain stage, the noise is not raised by normalization;
at -72 dB it moves neither the loudness nor the peak measurably, and it stays under ACX's -60 dB noise floor.
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.audio.timeline import ChapterSpan, Span, TimedCue, Timeline, ms_to_frames


@dataclass(frozen=True)
class RoomTone:
    """Silence added before and after each file's audio, and the level of the noise laid over the file."""

    head_ms: int = 700
    tail_ms: int = 2500
    level_db: float = -72.0

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
