"""多音字: which characters of a paragraph have several common readings, the likely one in context, and the others.

Why pypinyin plus a bundled list: pypinyin (a maintained library with a phrase dictionary) is good at the
likely reading in context (银行 -> hang2) but lists every rare reading a character ever had; the bundled list
(``resources/pronunciation/polyphones.json``, data) says which characters are worth marking in the editor and
which readings an author actually chooses between. Also here: a homophone for a reading, which is how
engines without SSML (Baidu) are told a reading they cannot take as pinyin.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass

__all__ = ["Polyphone", "find_polyphones", "homophone", "likely_readings", "polyphone_table", "quiet_characters"]


@dataclass(frozen=True)
class Polyphone:
    """One polyphone character at ``index`` of a text: the likely reading there and every common one."""

    index: int
    char: str
    likely: str
    readings: tuple[str, ...]
    examples: tuple[str, ...]
    #: Worth underlining: not one of the list's quiet characters, or read differently from usual here.
    notable: bool = True


@functools.cache
def _data() -> dict[str, object]:
    from studio.paths import resources_dir

    return dict(json.loads((resources_dir() / "pronunciation" / "polyphones.json").read_text(encoding="utf-8")))


@functools.cache
def polyphone_table() -> dict[str, tuple[tuple[str, str], ...]]:
    """The bundled list: character -> ((pinyin with tone digit, example words), ...); the first is the usual."""
    return {char: tuple((str(r[0]), str(r[1])) for r in readings) for char, readings in _data().items()
            if not char.startswith("_") and isinstance(readings, list)}


def quiet_characters() -> frozenset[str]:
    """Characters underlined only where their reading is unusual (的, 了, 着...: otherwise every line)."""
    return frozenset(str(_data().get("_quiet", "")))


def likely_readings(text: str) -> list[str]:
    """pypinyin's reading of every character of ``text`` in context (tone digits, 5 for the neutral tone);
    characters without a reading give ``""``."""
    from pypinyin import Style, pinyin

    out: list[str] = []
    for char, reading in zip(text, _expand(pinyin(text, style=Style.TONE3, neutral_tone_with_five=True,
                                                   errors=_no_reading)), strict=False):  # type: ignore[arg-type]
        out.append(reading if reading and reading[-1].isdigit() and char.strip() else "")
    return out + [""] * (len(text) - len(out))


def _no_reading(chars: str) -> list[str]:
    """One empty reading per character pypinyin has none for, so readings stay aligned with characters.

    pypinyin's stub types this callback as returning ``str``; its runtime takes a list (one item per character),
    which is what keeps the alignment, hence the one ``arg-type`` ignore where it is passed."""
    return [""] * len(chars)


def _expand(rows: list[list[str]]) -> list[str]:
    out: list[str] = []
    for row in rows:
        out.append(row[0] if row else "")
    return out


def find_polyphones(text: str) -> list[Polyphone]:
    """Every character of ``text`` in the bundled list, with the reading pypinyin expects there first."""
    table = polyphone_table()
    if not any(c in table for c in text):
        return []
    likely = likely_readings(text)
    quiet = quiet_characters()
    out = []
    for index, char in enumerate(text):
        readings = table.get(char)
        if not readings:
            continue
        options = [r for r, _ in readings]
        guess = likely[index] if index < len(likely) and likely[index] else options[0]
        if guess not in options:
            options.append(guess)
        notable = char not in quiet or guess != options[0]
        out.append(Polyphone(index, char, guess, tuple(options), tuple(e for _, e in readings), notable))
    return out


@functools.cache
def _by_sound() -> dict[str, str]:
    """Tone-numbered syllable -> one common character with that as its only reading (for homophones).

    Common means GB2312 level 1 (the 3,755 most used characters): a homophone must be a character every
    voice reads without hesitation, never an obscure one that merely shares the sound.
    """
    from pypinyin import Style, pinyin

    out: dict[str, str] = {}
    for first in range(0xB0, 0xD8):
        for second in range(0xA1, 0xFF):
            try:
                char = bytes((first, second)).decode("gb2312")
            except UnicodeDecodeError:
                continue
            readings = pinyin(char, style=Style.TONE3, heteronym=True, neutral_tone_with_five=True)[0]
            if len(readings) == 1 and readings[0][-1:].isdigit():
                out.setdefault(readings[0], char)
    return out


def homophone(written: str, pinyin_reading: str) -> str | None:
    """Characters that are read ``pinyin_reading`` without ambiguity (one per syllable), or None if some
    syllable has no such character. Keeps characters whose only reading already is the one asked for."""
    from pypinyin import Style, pinyin

    sounds = _by_sound()
    out = []
    for char, syllable in zip(written, pinyin_reading.split(), strict=False):
        own = pinyin(char, style=Style.TONE3, heteronym=True, neutral_tone_with_five=True)[0]
        if own == [syllable]:
            out.append(char)
            continue
        substitute = sounds.get(syllable)
        if substitute is None:
            return None
        out.append(substitute)
    return "".join(out)
