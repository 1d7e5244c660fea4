"""Cue sheets for WAV/FLAC books: one TRACK per chapter, INDEX 01 at the chapter's exact start.

Cue times are mm:ss:ff with 75 frames per second. The timeline puts every chapter start on that grid (see
``timeline.cue_grid``), so the INDEX written here is the real start, not a rounding of it. Minutes may
exceed 99 for long books (every cue reader we know accepts that). The Red Book allows 99 tracks, so the
exporter splits a cue-sheet book into parts of at most 99 chapters.

Files are UTF-8 with a BOM: foobar2000 and others otherwise read Chinese titles in the system code page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from studio.audio.tags import BookInfo
from studio.audio.timeline import CUE_FRAMES_PER_SECOND, ChapterSpan

MAX_TRACKS = 99


def cue_time(frames: int, rate: int) -> str:
    """``mm:ss:ff`` for a frame position (rounded to the nearest 1/75 s if it is not on the grid)."""
    cd = round(Fraction(frames * CUE_FRAMES_PER_SECOND, rate))
    minutes, rest = divmod(cd, 60 * CUE_FRAMES_PER_SECOND)
    seconds, ff = divmod(rest, CUE_FRAMES_PER_SECOND)
    return f"{minutes:02d}:{seconds:02d}:{ff:02d}"


def _quoted(text: str) -> str:
    """Cue sheets have no escape for quotes: use typographic ones; line breaks become spaces."""
    clean = " ".join(text.replace('"', "”").split())
    return f'"{clean}"'


def render_cue(audio_name: str, info: BookInfo, chapters: Sequence[ChapterSpan], rate: int) -> str:
    lines = []
    if info.genre:
        lines.append(f"REM GENRE {_quoted(info.genre)}")
    if info.year:
        lines.append(f"REM DATE {info.year}")
    if info.narrator:
        lines.append(f"REM COMPOSER {_quoted(info.narrator)}")
    if info.author:
        lines.append(f"PERFORMER {_quoted(info.author)}")
    lines.append(f"TITLE {_quoted(info.title)}")
    lines.append(f"FILE {_quoted(audio_name)} WAVE")
    for n, chapter in enumerate(chapters, 1):
        lines.append(f"  TRACK {n:02d} AUDIO")
        lines.append(f"    TITLE {_quoted(chapter.title)}")
        if info.author:
            lines.append(f"    PERFORMER {_quoted(info.author)}")
        lines.append(f"    INDEX 01 {cue_time(chapter.start, rate)}")
    return "\r\n".join(lines) + "\r\n"


def write_cue(dest: Path, audio_name: str, info: BookInfo, chapters: Sequence[ChapterSpan], rate: int) -> Path:
    dest.write_text(render_cue(audio_name, info, chapters, rate), encoding="utf-8-sig", newline="")
    return dest


@dataclass
class CueTrack:
    number: int
    title: str = ""
    start: Fraction = Fraction(0)  # seconds, exact

    @property
    def start_ms(self) -> float:
        return float(self.start * 1000)


@dataclass
class CueSheet:
    title: str = ""
    performer: str = ""
    file: str = ""
    tracks: list[CueTrack] = field(default_factory=list)


_LINE = re.compile(r'^\s*(\S+)\s*(.*?)\s*$')


def _unquote(text: str) -> str:
    text = text.strip()
    if text.startswith('"'):
        end = text.find('"', 1)
        return text[1:end] if end > 0 else text[1:]
    return text.split()[0] if text else ""


def parse_cue(text: str) -> CueSheet:
    """Read a cue sheet (ours or anyone's): title, performer, file and each track's INDEX 01."""
    sheet = CueSheet()
    track: CueTrack | None = None
    for raw in text.lstrip("\ufeff").splitlines():
        match = _LINE.match(raw)
        if not match:
            continue
        command, rest = match.group(1).upper(), match.group(2)
        if command == "FILE":
            sheet.file = _unquote(rest)
        elif command == "TRACK":
            track = CueTrack(int(rest.split()[0]))
            sheet.tracks.append(track)
        elif command == "TITLE":
            if track is None:
                sheet.title = _unquote(rest)
            else:
                track.title = _unquote(rest)
        elif command == "PERFORMER" and track is None:
            sheet.performer = _unquote(rest)
        elif command == "INDEX" and track is not None:
            number, _, stamp = rest.partition(" ")
            if int(number) == 1:
                mm, ss, ff = (int(x) for x in stamp.strip().split(":"))
                track.start = Fraction(mm * 60 + ss) + Fraction(ff, CUE_FRAMES_PER_SECOND)
    return sheet


def read_cue(path: Path) -> CueSheet:
    return parse_cue(path.read_text(encoding="utf-8-sig"))
