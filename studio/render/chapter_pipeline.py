"""Encode each chapter while the rest of the book renders (issue 20): the final step only joins.

A render spends most of its time waiting for the vendors; the cores are free. ``ChapterPipeline`` listens to
the render's events and, as soon as every unit of a chapter is in the cache, encodes that chapter on a
background thread into the project's chapter cache (``studio.audio.chapter_ahead``): the chunk the final
export will look for. Chapters whose units were all cached already start at once. The export after the
render then finds every chapter but the last few encoded and only joins and muxes.

Errors here never fail the render: a chapter that could not be encoded ahead is encoded by the final export,
which reports the error properly if it happens again. Cancelling the render cancels the encodes (their
partial files are never trusted, see ``encode_chunk``); finished chapters stay in the cache, so a killed or
cancelled render that is run again does not encode them again.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from studio.audio.chapter_ahead import aac_book, encode_chapter_ahead, predicted_format
from studio.audio.export import ExportOptions
from studio.audio.pieces import Piece
from studio.audio.wavinfo import PcmFormat
from studio.core.project import Project
from studio.render.events import RenderProgress
from studio.render.plan import RenderPlan, RenderUnit
from studio.render.runner import RenderedPiece

log = logging.getLogger("studio.render.chapter_pipeline")


class ChapterPipeline:
    """Feed it the render's events (``on_event``); ``close()`` waits for the encodes started so far.

    ``piece_of`` turns a rendered unit into the exporter's ``Piece`` (``export_book.piece_of``); ``text_chapters``
    are the chapter indexes the export will contain, in order (chapters with text), so the first and the last
    chapter are known. ``first_encoded_s`` is the time from construction to the first chapter encoded (the
    first playable chapter), for benchmarks and the progress display.
    """

    def __init__(self, project: Project, plan: RenderPlan, options: ExportOptions, cache_dir: Path, *,
                 piece_of: Callable[[RenderedPiece], Piece], text_chapters: Sequence[int], titles: Sequence[str],
                 temp_dir: Path | None = None, workers: int | None = None) -> None:
        self._project = project
        self._options = options
        self._cache_dir = cache_dir
        self._temp_dir = temp_dir
        self._piece_of = piece_of
        self._order = list(text_chapters)
        self._titles = list(titles)
        self._units: dict[int, list[RenderUnit]] = {}
        for unit in plan.units:
            self._units.setdefault(unit.chapter_index, []).append(unit)
        self._pending = {ci: {u.cache_key for u in units} for ci, units in self._units.items()}
        self._pieces: dict[str, RenderedPiece] = {}
        self._cancel = threading.Event()
        self._format: PcmFormat | None = None
        self._format_lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1, thread_name_prefix="encode-ahead")
        self._futures: list[Future[None]] = []
        self._started = time.monotonic()
        self.first_encoded_s: float | None = None
        self.encoded_ahead = 0
        self.enabled = aac_book(options)

    def start(self) -> None:
        """Encode the chapters whose units are all in the cache already (call before the render starts)."""
        if not self.enabled:
            return
        for ci, units in self._units.items():
            for unit in units:
                self._collect(unit)
            self._maybe_submit(ci)

    def on_event(self, event: RenderProgress) -> None:
        """A render event: a unit that is "done" may complete its chapter. Runs on the render's own thread,
        which is also the project's, so the project is read here and only plain data goes to the encoders."""
        if not self.enabled or event.unit is None or event.state != "done":
            return
        self._collect(event.unit)
        self._maybe_submit(event.unit.chapter_index)

    def _collect(self, unit: RenderUnit) -> None:
        pending = self._pending.get(unit.chapter_index)
        if pending is None or unit.cache_key not in pending:
            return
        stored = self._project.rendered_unit(unit.cache_key)
        if stored is None:
            return
        self._pieces[unit.cache_key] = RenderedPiece(unit, Path(stored["audio_path"]), stored["sample_rate"],
                                                     stored["duration_ms"], stored["timestamps"])
        pending.discard(unit.cache_key)

    def _maybe_submit(self, ci: int) -> None:
        if self._pending.get(ci) or ci not in self._order or self._cancel.is_set():
            return
        del self._pending[ci]
        pieces = [self._piece_of(self._pieces[u.cache_key]) for u in self._units[ci]]
        title = self._titles[ci] if ci < len(self._titles) else ""
        first, last = ci == self._order[0], ci == self._order[-1]
        self._futures.append(self._pool.submit(self._encode, ci, title, pieces, first, last))

    def _encode(self, ci: int, title: str, pieces: list[Piece], first: bool, last: bool) -> None:
        try:
            with self._format_lock:
                if self._format is None:  # the first complete chapter decides; see chapter_ahead
                    self._format = predicted_format(pieces, self._options)
                fmt = self._format
            result = encode_chapter_ahead(title, pieces, fmt, self._options, first=first, last=last,
                                          cache_dir=self._cache_dir, temp_dir=self._temp_dir,
                                          cancel_event=self._cancel)
        except Exception as exc:  # the final export encodes this chapter instead, and reports a real failure
            if not self._cancel.is_set():
                log.warning("chapter %d could not be encoded ahead (the export will): %s", ci + 1, exc)
            return
        if result is not None:
            self.encoded_ahead += 0 if result.cached else 1
            if self.first_encoded_s is None:
                self.first_encoded_s = time.monotonic() - self._started

    def close(self, *, cancel: bool = False) -> None:
        """Wait for the encodes started so far (or stop them, with ``cancel``)."""
        if cancel:
            self._cancel.set()
        self._pool.shutdown(wait=True, cancel_futures=cancel)
