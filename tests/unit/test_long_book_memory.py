"""A long book's loudness figures cost a fixed amount of memory, not one that grows with the book.

A 50-hour book exported chapter by chapter has 1.8 million 400 ms blocks in its chapters' meters (14 MB as
4-byte floats; ~60 MB when they were copied into lists at the end). Each chunk's meter is now reduced, as its
encode ends, to its chapter's figures and the book's block histogram (``book_meter``). tracemalloc counts what
is kept and what the report allocates; no timing involved.
"""

from __future__ import annotations

import array
import functools
import math
import tracemalloc

import pytest

from studio.audio.book_meter import BookMeter, JoinedMeter
from studio.audio.loudness import Ebur128Log, gated_loudness

CHAPTER_S = 60.0


@functools.cache
def _blocks(n: int) -> tuple[array.array[float], array.array[float]]:
    """One minute of speech-like blocks (-17..-25 LUFS, a pause every few seconds) and frame peaks; 37
    variants, shared by the chapters (the meters only read them)."""
    count = int(CHAPTER_S * 10)
    momentary = array.array("f", (-120.7 if (k + n) % 37 < 3 else -21.0 + 4 * math.sin(k + n) for k in range(count)))
    return momentary, array.array("f", (-6.0 - (k % 11) for k in range(count)))


def _meter(n: int) -> Ebur128Log:
    meter = Ebur128Log.from_json({"values": {"I.I": -20.0, "I.Threshold": -30.0, "LRA.LRA": 5.0,
                                             "True peak.Peak": -4.0}})
    momentary, peaks = _blocks(n % 37)
    meter.momentary, meter.frame_peaks = array.array("f", momentary), array.array("f", peaks)  # its own, as ffmpeg's
    return meter


def _book(chapters: int) -> JoinedMeter:
    book = BookMeter()
    return book.joined([(n * CHAPTER_S, CHAPTER_S, book.add(_meter(n), (0.0, CHAPTER_S))) for n in range(chapters)])


def _peak_while(call: object) -> int:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        call()  # type: ignore[operator]
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def test_the_book_loudness_of_600_chapters_is_gated_from_a_fixed_size_histogram() -> None:
    book = _book(600)  # 10 hours: 360,000 blocks
    summary = book.summary()
    assert summary is not None
    expected = gated_loudness([b for n in range(600) for b in _meter(n).momentary])  # the plain list, once
    assert expected is not None and abs(summary.integrated_lufs - expected) < 0.01
    assert -23.0 < summary.integrated_lufs < -18.0 and -35.0 < summary.threshold_lufs < -25.0
    # what remains is a summary per chapter; the blocks as lists took ~12 MB (50 hours: 60)
    assert _peak_while(book.summary) < 500_000


@pytest.mark.parametrize("chapters", [150, 600])
def test_what_a_chunked_book_keeps_per_chapter_does_not_grow_with_its_blocks(chapters: int) -> None:
    """Kept per chapter: its figures (~1 kB), whether the chapter lasts one minute or ten; the histogram is
    128 kB for any book."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        book = _book(chapters)
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert book.summary() is not None
    assert kept < 150_000 + 1_500 * chapters  # the meters themselves: 4.8 kB a chapter


def test_every_chapter_figure_of_a_long_book_costs_one_chapter_of_memory() -> None:
    """The export reports every chapter's loudness: each query looks at its own chapter's blocks, so the
    peak is one chapter's worth however long the book (the same 150 or 600 chapters in)."""
    peaks = []
    for chapters in (150, 600):
        book = _book(chapters)

        def report(book: JoinedMeter = book, chapters: int = chapters) -> None:
            for n in range(chapters):
                figures = book.range_loudness(n * CHAPTER_S, (n + 1) * CHAPTER_S)
                assert figures.integrated_lufs is not None and figures.true_peak_dbtp == -6.0

        peaks.append(_peak_while(report))
    assert max(peaks) < 200_000
    assert peaks[1] < peaks[0] * 1.5 + 20_000  # flat in the number of chapters
