"""The pronunciation lexicon: how a written form is read, and where in a paragraph an entry applies. Qt-free.

Why a model of its own: the same entry is shown in the window, stored in the project (or the user's global
file), compiled differently per engine at plan time (``studio.core.pronounce``) and hashed into the cache key
of every unit it touches. So the entry is a small frozen value, matching is a pure function over a paragraph's
text, and validation (pinyin shape) happens here, before anything is sent, with messages naming the entry.

An entry's ``context`` narrows where it applies: empty means every occurrence of ``written``; a plain string
is a longer word containing ``written`` (the entry applies only inside that word: 行 in 银行 but not in 行走);
``re:<expression>`` is a regular expression, and the entry applies to occurrences of ``written`` inside its
matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from studio.core.errors import BadInputError

__all__ = [
    "BREAK",
    "SAY_AS_KINDS",
    "LexiconEntry",
    "LexiconError",
    "ReadingSpan",
    "find_readings",
    "is_han",
    "pinyin_syllables",
    "validate_entry",
]

#: ``interpret-as`` values Alibaba documents for ``<say-as>``.
SAY_AS_KINDS = ("cardinal", "digits", "telephone", "name", "address", "id", "characters", "punctuation",
                "date", "time", "currency")
_SYLLABLE = re.compile(r"^[a-zü]+[1-5]$")


class LexiconError(BadInputError):
    """An entry that cannot be used as written; the message names the entry (its written form)."""


#: ``ReadingSpan.kind`` of a pause the author put between two characters (``start == end``; ``value`` is
#: the length in milliseconds). Stored with the readings so it moves with edits, snapshots and re-imports.
BREAK = "break"


@dataclass(frozen=True)
class ReadingSpan:
    """How ``text[start:end]`` of one paragraph is read: ``kind`` is ``phoneme`` (``value`` is tone-numbered
    pinyin), ``sub`` (``value`` is the text spoken instead) or ``say-as`` (``value`` is an interpret-as kind).

    ``alias`` is the text engines without SSML speak instead (a phoneme reading may carry one too);
    ``espeak`` optionally carries an espeak-ng phoneme string for the offline engine; ``source`` says where
    the reading came from (an entry's written form; for a reading set on one occurrence, the characters it
    was set on, so a reading the text moved away from is recognized and dropped).
    """

    start: int
    end: int
    kind: str
    value: str
    alias: str = ""
    espeak: str = ""
    source: str = ""

    def key(self) -> list[object]:
        """What the cache key holds of this reading (everything that changes the audio)."""
        return [self.start, self.end, self.kind, self.value, self.alias, self.espeak]


@dataclass(frozen=True)
class LexiconEntry:
    """One written form and how to read it. At least one of ``pinyin``, ``alias``, ``espeak``, ``say_as``."""

    written: str
    pinyin: str = ""
    alias: str = ""
    espeak: str = ""
    say_as: str = ""
    context: str = ""
    scope: str = "project"  # "project" or "global"
    note: str = ""

    @property
    def label(self) -> str:
        """How messages name the entry: its written form, and its context if it has one."""
        return f"{self.written!r}" + (f" (in {self.context!r})" if self.context else "")

    def key(self) -> list[str]:
        return [self.written, self.pinyin, self.alias, self.espeak, self.say_as, self.context]

    def normalized(self) -> LexiconEntry:
        """The entry with pinyin lower-cased and single-spaced (``ü`` for ``v``/``u:``), fields trimmed."""
        pinyin = " ".join(self.pinyin.lower().replace("u:", "ü").replace("v", "ü").split())
        return LexiconEntry(self.written.strip(), pinyin, self.alias.strip(), self.espeak.strip(),
                            self.say_as.strip().lower(), self.context.strip(), self.scope, self.note.strip())


def is_han(char: str) -> bool:
    """A CJK ideograph (the characters pinyin readings are written for)."""
    code = ord(char)
    return 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x3134F


def pinyin_syllables(pinyin: str) -> list[str]:
    return pinyin.split()


def validate_entry(entry: LexiconEntry) -> LexiconEntry:
    """The normalized entry, or ``LexiconError`` naming it: pinyin has one syllable with a tone 1-5 per
    character of the written form, a say-as kind is one Alibaba knows, a regex context compiles and a word
    context contains the written form."""
    entry = entry.normalized()
    if not entry.written:
        raise LexiconError("a lexicon entry needs a written form")
    if not (entry.pinyin or entry.alias or entry.espeak or entry.say_as):
        raise LexiconError(f"lexicon entry {entry.label}: give a pinyin reading, an alias or a say-as kind")
    if entry.scope not in ("project", "global"):
        raise LexiconError(f"lexicon entry {entry.label}: scope must be 'project' or 'global', not {entry.scope!r}")
    if entry.pinyin:
        syllables = pinyin_syllables(entry.pinyin)
        if not all(is_han(c) for c in entry.written):
            raise LexiconError(f"lexicon entry {entry.label}: pinyin is for Chinese characters only; use an alias "
                               "for other text")
        if len(syllables) != len(entry.written):
            raise LexiconError(f"lexicon entry {entry.label}: pinyin {entry.pinyin!r} has {len(syllables)} "
                               f"syllable(s) for {len(entry.written)} character(s); write one syllable per character")
        for syllable in syllables:
            if not _SYLLABLE.match(syllable):
                raise LexiconError(f"lexicon entry {entry.label}: pinyin syllable {syllable!r} needs letters and a "
                                   "tone digit 1-5 at its end (e.g. 'hang2', 'le5')")
    if entry.say_as and entry.say_as not in SAY_AS_KINDS:
        raise LexiconError(f"lexicon entry {entry.label}: say-as {entry.say_as!r} is not one of "
                           f"{', '.join(SAY_AS_KINDS)}")
    if entry.context.startswith("re:"):
        try:
            re.compile(entry.context[3:])
        except re.error as exc:
            raise LexiconError(f"lexicon entry {entry.label}: the context expression does not compile: {exc}") \
                from None
    elif entry.context and entry.written not in entry.context:
        raise LexiconError(f"lexicon entry {entry.label}: the context word must contain {entry.written!r}")
    return entry


def _kind_of(entry: LexiconEntry) -> tuple[str, str]:
    if entry.pinyin:
        return "phoneme", entry.pinyin
    if entry.say_as:
        return "say-as", entry.say_as
    return "sub", entry.alias or entry.written


def _occurrences(text: str, entry: LexiconEntry) -> Iterable[tuple[int, int]]:
    if not entry.context:
        pattern = re.compile(re.escape(entry.written))
    elif entry.context.startswith("re:"):
        pattern = re.compile(entry.context[3:])
    else:
        pattern = re.compile(re.escape(entry.context))
    for match in pattern.finditer(text):
        if not entry.context:
            yield match.start(), match.end()
            continue
        inner = match.group(0).find(entry.written)
        if inner >= 0:
            yield match.start() + inner, match.start() + inner + len(entry.written)


def find_readings(text: str, entries: Sequence[LexiconEntry],
                  fixed: Sequence[ReadingSpan] = ()) -> list[ReadingSpan]:
    """The readings that apply to ``text``, in order, never overlapping.

    ``fixed`` (readings set on one occurrence) win; then entries with a context (more specific) and longer
    written forms; project entries before global ones with the same written form. A fixed reading whose
    ``source`` no longer matches the text under it (the text was edited around it) is dropped, never sent
    for the wrong characters.
    """
    taken: list[ReadingSpan] = sorted((r for r in fixed if r.kind != BREAK and 0 <= r.start < r.end <= len(text)
                                       and (not r.source or text[r.start:r.end] == r.source)),
                                      key=lambda r: r.start)
    order = sorted(range(len(entries)), key=lambda i: (not entries[i].context, -len(entries[i].written),
                                                       entries[i].scope != "project", i))
    for i in order:
        entry = entries[i]
        if entry.written not in text:
            continue
        kind, value = _kind_of(entry)
        for start, end in _occurrences(text, entry):
            if any(start < r.end and r.start < end for r in taken):
                continue
            taken.append(ReadingSpan(start, end, kind, value, entry.alias, entry.espeak, entry.written))
    for pause in fixed:  # a pause sits between characters; inside a reading it waits for the reading's end
        if pause.kind == BREAK and 0 <= pause.start <= len(text) and pause.start == pause.end:
            inside = next((r for r in taken if r.start < pause.start < r.end and r.kind != BREAK), None)
            taken.append(replace(pause, start=inside.end, end=inside.end) if inside else pause)
    taken.sort(key=lambda r: (r.start, r.end))
    return taken

