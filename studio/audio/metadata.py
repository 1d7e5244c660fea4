"""FFMETADATA1 files: how chapters and tags reach ffmpeg, and how we read them back.

ffmpeg's format treats ``=``, ``;``, ``#``, ``\\`` and newline as syntax, so a chapter called "a=b; #1"
would silently lose its tail unless escaped with a backslash. Files are UTF-8, so Chinese titles pass
through untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

HEADER = ";FFMETADATA1"
_SPECIAL = frozenset("=;#\\\n")


def escape(value: str) -> str:
    """Escape a key or value per ffmpeg's ffmetadata rules (a backslash before each special character)."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join("\\" + ch if ch in _SPECIAL else ch for ch in text)


@dataclass
class ChapterEntry:
    """One ``[CHAPTER]`` block; times are integers in ``timebase`` units, as ffmpeg stores them."""

    start: int
    end: int
    timebase: Fraction = Fraction(1, 1000)
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.tags.get("title", "")

    @property
    def start_ms(self) -> float:
        return float(self.start * self.timebase * 1000)

    @property
    def end_ms(self) -> float:
        return float(self.end * self.timebase * 1000)


@dataclass
class FfMetadata:
    tags: dict[str, str] = field(default_factory=dict)
    chapters: list[ChapterEntry] = field(default_factory=list)


def render(meta: FfMetadata) -> str:
    """The text of an FFMETADATA1 file for ``meta`` (write it as UTF-8)."""
    lines = [HEADER]
    lines += [f"{escape(k)}={escape(v)}" for k, v in meta.tags.items()]
    for ch in meta.chapters:
        lines += ["[CHAPTER]", f"TIMEBASE={ch.timebase.numerator}/{ch.timebase.denominator}",
                  f"START={ch.start}", f"END={ch.end}"]
        lines += [f"{escape(k)}={escape(v)}" for k, v in ch.tags.items()]
    return "\n".join(lines) + "\n"


def _logical_lines(text: str) -> list[str]:
    """Split on unescaped newlines, keeping escapes in place (they matter to the ``=`` split)."""
    lines, current, i = [], [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            current.append(text[i:i + 2])
            i += 2
            continue
        if ch == "\n":
            lines.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    if current:
        lines.append("".join(current))
    return lines


def _split_pair(line: str) -> tuple[str, str] | None:
    """``key=value`` at the first unescaped ``=``, both unescaped."""
    key: list[str] = []
    value: list[str] = []
    target, i = key, 0
    while i < len(line):
        ch = line[i]
        if ch == "\\" and i + 1 < len(line):
            target.append(line[i + 1])
            i += 2
            continue
        if ch == "=" and target is key:
            target = value
        else:
            target.append(ch)
        i += 1
    return None if target is key else ("".join(key), "".join(value))


def parse(text: str) -> FfMetadata:
    """Read what ``ffmpeg -i FILE -f ffmetadata -`` prints (or any FFMETADATA1 file)."""
    meta = FfMetadata()
    section: str | None = None
    chapter: ChapterEntry | None = None
    for line in _logical_lines(text.replace("\r\n", "\n")):
        if not line or line[0] in ";#":
            continue
        if line.startswith("[") and line.rstrip().endswith("]"):
            section = line.strip()[1:-1].upper()
            chapter = None
            if section == "CHAPTER":
                chapter = ChapterEntry(0, 0)
                meta.chapters.append(chapter)
            continue
        pair = _split_pair(line)
        if pair is None:
            continue
        key, value = pair
        if chapter is not None:
            if key == "TIMEBASE":
                num, _, den = value.partition("/")
                chapter.timebase = Fraction(int(num), int(den or 1))
            elif key in ("START", "END"):
                setattr(chapter, key.lower(), int(value))
            else:
                chapter.tags[key] = value
        elif section is None:
            meta.tags[key] = value
    return meta
