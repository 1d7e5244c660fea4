"""Text and timing for the offline engine: sentence splitting and mapping espeak's events to timestamps.

Pure functions (no espeak needed to test them). espeak reports word events with 1-based *character*
positions; Mandarin words arrive as length-1 events and numbers as several events inside one token, so words
are taken to run up to the next word, and sentences come from our own splitter (espeak's sentence events
split at abbreviations like "Dr.").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from studio.engines.base import Timestamp
from studio.engines.espeak_binding import EspeakEvent, EventType

_SENTENCE_ENDS = frozenset("。！？!?；;…．.\n")
_CLOSERS = frozenset("”’\"'）)】]」』》〉}›»")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Cut a paragraph into sentence spans that tile it: every character is in exactly one span.

    A sentence ends at 。！？!?；;… or a line break, takes any further end marks and closing quotes with
    it ("好！”" stays whole) and the spaces after it. A "." ends a sentence only before a space, a closer
    or the end, so "3.14" stays whole. Spans with nothing to say (a lone "……") join their neighbour
    rather than becoming empty sentences.
    """
    spans: list[tuple[int, int]] = []
    n = len(text)
    start = i = 0
    while i < n:
        ch = text[i]
        if ch not in _SENTENCE_ENDS or (ch == "." and i + 1 < n and not text[i + 1].isspace()
                                        and text[i + 1] not in _CLOSERS):
            i += 1
            continue
        j = i + 1
        while j < n and (text[j] in _SENTENCE_ENDS or text[j] in _CLOSERS) and text[j] != "\n":
            j += 1
        while j < n and text[j].isspace():
            j += 1
        spans.append((start, j))
        start = i = j
    if start < n:
        spans.append((start, n))
    merged: list[tuple[int, int]] = []
    for span in spans:
        if merged and not _has_words(text[merged[-1][0]:merged[-1][1]]):
            merged[-1] = (merged[-1][0], span[1])  # a wordless first span joins the next one
        elif merged and not _has_words(text[span[0]:span[1]]):
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    return merged


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


@dataclass(frozen=True)
class _Word:
    start: int  # code point index into the paragraph
    cover: int  # end of the token espeak said it read (its ``length``); later events inside it merge
    begin: int  # sample, relative to the paragraph


def paragraph_timestamps(text: str, events: Sequence[EspeakEvent], *, start: int, length: int,
                         sample_rate: int, paragraph: int) -> tuple[list[Timestamp], list[Timestamp]]:
    """Turn one paragraph's espeak events into sentence and word timestamps on the unit's timeline.

    ``start`` and ``length`` are the paragraph's place in the unit's audio, in samples. Word spans run to
    the next word (espeak's ``length`` is 1 for multi-character Mandarin words), events pointing inside
    a token already seen (numbers are read piece by piece) extend that word, and a word ends where the
    next word or clause starts, so a clause's pause belongs to its last word. Sentences come from
    :func:`split_sentences` and take their times from the words inside them.
    """
    n = len(text)
    words: list[_Word] = []
    clause_ends: list[int] = []
    for event in events:
        sample = min(max(event.sample, 0), length)
        if event.kind == EventType.END:
            clause_ends.append(sample)
        elif event.kind == EventType.WORD:
            pos = min(max(event.text_position - 1, 0), n)
            if pos >= n or (words and pos < words[-1].cover):
                continue
            begin = max(sample, words[-1].begin) if words else sample
            words.append(_Word(pos, pos + max(event.length, 1), begin))
    spans = split_sentences(text)
    ends = [_word_end(i, words, clause_ends, length) for i in range(len(words))]

    def ms(sample: int) -> int:
        return (start + sample) * 1000 // sample_rate

    word_stamps: list[Timestamp] = []
    sentence_stamps: list[Timestamp] = []
    w = 0
    previous_end = 0
    for s_begin, s_end in spans:
        first = w
        while w < len(words) and words[w].start < s_end:
            stop = min(words[w + 1].start if w + 1 < len(words) else n, s_end)
            word_stamps.append(Timestamp(_word_text(text, words[w].start, stop), ms(words[w].begin),
                                         ms(ends[w]), paragraph))
            w += 1
        if w > first:
            begin, previous_end = words[first].begin, ends[w - 1]
        else:
            begin = previous_end  # nothing spoken here: a zero-length mark where speech stands
        sentence_stamps.append(Timestamp(text[s_begin:s_end], ms(begin), ms(previous_end), paragraph))
    return sentence_stamps, word_stamps


def _word_end(i: int, words: list[_Word], clause_ends: list[int], length: int) -> int:
    limit = words[i + 1].begin if i + 1 < len(words) else length
    after = [end for end in clause_ends if words[i].begin < end < limit]
    return after[0] if after else limit


def _word_text(text: str, start: int, stop: int) -> str:
    """The word as written: trailing spaces and punctuation go, unless the word is only punctuation."""
    raw = text[start:stop].strip()
    if _has_words(raw):
        while raw and not raw[-1].isalnum():
            raw = raw[:-1]
    return raw or text[start:start + 1]
