"""Exporting more chapters costs little more memory: what Python holds per chapter of an M4B export (layout,
chunk, encoded-chapter record, meter, report) stays a few kB, so a 3,000-chapter book fits beside its encoders.

tracemalloc counts Python's allocations at their peak for 200 and for 800 chapters of one repeated beep (the
chunked encoder encodes a repeated chapter once, so this is fast); the difference per added chapter is
bounded. Loudness is on, so every chapter carries its gain plan and meter. No timing involved.
"""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

from studio.audio.export import ExportOptions, export_audiobook
from studio.audio.pieces import Piece
from studio.audio.stitch import ChapterAudio
from studio.audio.tags import BookInfo
from studio.audio.timeline import Gaps
from tests.integration.test_export_support import tone_piece

#: Measured 6.4 kB per chapter (2026-12); a per-chapter copy of anything book-sized would be far above.
MAX_BYTES_PER_CHAPTER = 16_000


def _export_peak(beep: Path, chapters: int, out: Path) -> int:
    book = [ChapterAudio(f"第{n + 1}章", [Piece(beep)]) for n in range(chapters)]
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        result = export_audiobook(book, out, BookInfo("长篇", "作者"),
                                  ExportOptions(format="m4b", gaps=Gaps(chapter_ms=400)))
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert len(result.files[0].chapters) == chapters
    assert result.files[0].integrated_lufs is not None
    return peak


def test_peak_python_memory_per_added_chapter_is_a_few_kilobytes(tmp_path: Path, record_property: object) -> None:
    beep = tone_piece(tmp_path / "beep.wav", [150.0], rate=8000).piece.path
    small = _export_peak(beep, 200, tmp_path / "small.m4b")
    large = _export_peak(beep, 800, tmp_path / "large.m4b")
    per_chapter = (large - small) / 600
    record_property("bytes_per_chapter", round(per_chapter))  # type: ignore[operator]
    assert per_chapter < MAX_BYTES_PER_CHAPTER, f"{per_chapter:.0f} bytes of peak memory per added chapter"
