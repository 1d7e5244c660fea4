"""Text coverage: did the audio say every sentence that was sent, and nothing else?

Both vendors echo what they spoke, sentence by sentence with its text (Alibaba ``sentences``, Baidu
``speech_timestamp``); the offline engine reports its own word and sentence events. Those echoes are matched
against the text that was sent with the project's one matcher (``studio.engines.timing.locate_sentences``),
so a sentence the vendor normalized (punctuation, spaces) still counts as spoken. A sentence of the sent text
whose letters no echo covers is *missing* (the vendor skipped it: silent truncation is the complaint users of
every peer make); an echo that matches nothing in the text is *extra*. The offline engine marks a sentence it
produced no word events for with a zero-length timestamp: that covers nothing, so it is found as missing too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from studio.engines.local_timing import split_sentences
from studio.engines.timing import Timestamp, locate_sentences
from studio.qa.findings import BookEvidence, Finding, UnitEvidence

#: A sent sentence counts as spoken when at least this share of its letters lies inside matched echoes.
COVERED_SHARE = 0.5

_RERENDER = "Listen to this paragraph; re-render it (a new take) if the sentence is really missing."


@dataclass(frozen=True)
class Coverage:
    """The result of matching one unit's echoes to its text."""

    missing: tuple[tuple[int, str, int | None], ...]  # (request paragraph, sentence text, near ms)
    extra: tuple[tuple[int, str, int], ...]  # (request paragraph, echoed text, begin ms)
    echoes: int  # how many echoes were looked at (0: nothing to check against)


def _letters(text: str) -> str:
    return "".join(ch.casefold() for ch in text if ch.isalnum())


def measure_coverage(texts: Sequence[str], stamps: Sequence[Timestamp]) -> Coverage:
    """Match ``stamps`` (sentences, or words) to the request's paragraphs ``texts``."""
    joined = "\n".join(texts)
    starts, position = [], 0
    for text in texts:
        starts.append(position)
        position += len(text) + 1

    def owner(index: int) -> int:
        paragraph = 0
        while paragraph + 1 < len(starts) and starts[paragraph + 1] <= index:
            paragraph += 1
        return paragraph

    covered = [False] * len(joined)
    extra: list[tuple[int, str, int]] = []
    ends: list[tuple[int, int]] = []  # (text position, ms) where matched echoes end: to say where a gap is
    for stamp, (start, stop) in zip(stamps, locate_sentences(joined, [s.text for s in stamps]), strict=True):
        needle = _letters(stamp.text)
        if not needle or stamp.end_ms <= stamp.begin_ms:
            continue  # a zero-length mark: the offline engine's "nothing was spoken here" (no events in it)
        if _letters(joined[start:stop]) != needle:
            extra.append((owner(min(start, max(0, len(joined) - 1))), stamp.text.strip(), stamp.begin_ms))
            continue
        for i in range(start, stop):
            covered[i] = True
        ends.append((stop, stamp.end_ms))
    missing: list[tuple[int, str, int | None]] = []
    for paragraph, text in enumerate(texts):
        base = starts[paragraph]
        for s_start, s_stop in split_sentences(text):
            letters = [base + i for i in range(s_start, s_stop) if text[i].isalnum()]
            if not letters:
                continue
            share = sum(covered[i] for i in letters) / len(letters)
            if share < COVERED_SHARE:
                near = max((ms for pos, ms in ends if pos <= base + s_start), default=None)
                missing.append((paragraph, text[s_start:s_stop].strip(), near))
    return Coverage(tuple(missing), tuple(extra), len(stamps))


class TextCoverageChecker:
    """Flags sentences the audio skipped, and spoken sentences that are not in the text."""

    name = "coverage"

    def check(self, unit: UnitEvidence, book: BookEvidence) -> Iterable[Finding]:
        stamps = unit.timing.sentences or unit.timing.words
        if not stamps:  # the voice gives no timestamps: nothing to compare with (pace and signal still apply)
            return []
        result = measure_coverage(unit.texts, stamps)
        found = [unit.finding("missing_sentence", f"the audio skips “{_short(text)}”", _RERENDER,
                              paragraph=paragraph, at_ms=near, sentence=text)
                 for paragraph, text, near in result.missing]
        found += [unit.finding("extra_sentence", f"the audio says “{_short(text)}”, which is not in the text",
                               "Listen to this paragraph; re-render it if the audio says something else.",
                               paragraph=paragraph, at_ms=begin, sentence=text)
                  for paragraph, text, begin in result.extra]
        return found


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
