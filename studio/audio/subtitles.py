"""SRT and LRC subtitles from the engines' sentence timestamps, on the finished file's timeline.

Cues arrive in frames of the output timeline (``timeline.TimedCue``), i.e. already shifted by every gap,
sentence cut, chapter gap and part start; here they are only formatted. SRT has start and end
(``HH:MM:SS,mmm``); LRC has start times only (``[mm:ss.xx]``, minutes unbounded), one line per sentence,
with ``ti``/``ar``/``al``/``length`` headers that lyric-aware players show.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from studio.audio.timeline import TimedCue

SUBTITLE_FORMATS = ("srt", "lrc")


def _srt_time(ms: int) -> str:
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, milli = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d},{milli:03d}"


def _lrc_time(ms: int) -> str:
    cs = round(ms / 10)
    m, rest = divmod(cs, 6000)
    s, hundredths = divmod(rest, 100)
    return f"{m:02d}:{s:02d}.{hundredths:02d}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def render_srt(cues: Sequence[TimedCue], rate: int) -> str:
    blocks = []
    for n, cue in enumerate(cues, 1):
        start = round(cue.start * 1000 / rate)
        end = max(round(cue.end * 1000 / rate), start + 1)
        blocks.append(f"{n}\n{_srt_time(start)} --> {_srt_time(end)}\n{_one_line(cue.text)}\n")
    return "\n".join(blocks)


def render_lrc(cues: Sequence[TimedCue], rate: int, *, title: str = "", artist: str = "", album: str = "",
               duration_frames: int | None = None) -> str:
    lines = []
    for key, value in (("ti", title), ("ar", artist), ("al", album)):
        if value:
            lines.append(f"[{key}:{_one_line(value)}]")
    if duration_frames is not None:
        total_s = round(duration_frames / rate)
        lines.append(f"[length:{total_s // 60:02d}:{total_s % 60:02d}]")
    lines += [f"[{_lrc_time(round(c.start * 1000 / rate))}]{_one_line(c.text)}" for c in cues]
    return "\n".join(lines) + "\n"


def write_subtitles(dest_stem: Path, kinds: Sequence[str], cues: Sequence[TimedCue], rate: int, *,
                    title: str = "", artist: str = "", album: str = "", duration_frames: int | None = None
                    ) -> list[Path]:
    """Write ``dest_stem.srt`` / ``dest_stem.lrc`` (UTF-8) and return their paths."""
    written = []
    for kind in kinds:
        dest = dest_stem.with_name(dest_stem.name + "." + kind)
        if kind == "srt":
            text = render_srt(cues, rate)
        elif kind == "lrc":
            text = render_lrc(cues, rate, title=title, artist=artist, album=album, duration_frames=duration_frames)
        else:
            raise ValueError(f"unknown subtitle format {kind!r}")
        dest.write_text(text, encoding="utf-8", newline="\n")
        written.append(dest)
    return written


_SRT_TIME = re.compile(r"(\d+):(\d\d):(\d\d),(\d{3})\s*-->\s*(\d+):(\d\d):(\d\d),(\d{3})")
_LRC_LINE = re.compile(r"^\[(\d+):(\d\d)(?:\.(\d{1,3}))?\](.*)$")


def parse_srt(text: str) -> list[tuple[float, float, str]]:
    """(start_ms, end_ms, text) per cue."""
    cues = []
    for block in re.split(r"\n\s*\n", text.strip().replace("\r\n", "\n")):
        lines = block.splitlines()
        for i, line in enumerate(lines):
            match = _SRT_TIME.search(line)
            if match:
                g = [int(x) for x in match.groups()]
                start = ((g[0] * 60 + g[1]) * 60 + g[2]) * 1000 + g[3]
                end = ((g[4] * 60 + g[5]) * 60 + g[6]) * 1000 + g[7]
                cues.append((float(start), float(end), "\n".join(lines[i + 1:])))
                break
    return cues


def parse_lrc(text: str) -> list[tuple[float, str]]:
    """(start_ms, text) per timed line; header tags are skipped."""
    lines = []
    for raw in text.splitlines():
        match = _LRC_LINE.match(raw.strip())
        if match:
            fraction = match.group(3) or "0"
            ms = (int(match.group(1)) * 60 + int(match.group(2))) * 1000 + int(fraction.ljust(3, "0"))
            lines.append((float(ms), match.group(4)))
    return lines
