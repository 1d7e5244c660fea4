"""Previews and auditions: synthesize a paragraph, a chapter or a voice sample in the background, then play it;
or play the whole book's rendered audio, chapter after chapter.

A paragraph preview is a one-unit render through ``studio.render.runner.render_plan``: the same cache key, the
same project cache and the same engine code as the full render, so a previewed paragraph is already rendered
when the book is, and previewing it again costs nothing. Auditions (a sample line in a voice, no project
involved) are cached by content in the user's cache folder.

The engines live as long as the window (starting the offline engine's worker processes takes a moment, and
every preview would pay it again); ``close()`` shuts them down.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from studio.core.book import Chapter
from studio.core.errors import CancelledError, InputError
from studio.engines.base import SynthesisRequest
from studio.engines.timing import UnitTiming, locate_sentences
from studio.gui.document import BookDocument
from studio.gui.qtcompat import emit
from studio.gui.settings import Settings
from studio.gui.workers import BackgroundTask, lower_child_priority

log = logging.getLogger("studio.gui.preview")

AUDITION_VERSION = 1
SAMPLE_LINES = {
    "zh": "你好，这是我的声音。欢迎收听这部有声书，希望你喜欢这个故事。",
    "yue": "你好，呢把係我嘅聲音。歡迎收聽呢本有聲書。",
    "en": "Hello, this is my voice. Welcome to this audiobook; I hope you enjoy the story.",
    "ja": "こんにちは、これは私の声です。このオーディオブックをお楽しみください。",
    "ko": "안녕하세요, 제 목소리입니다. 이 오디오북을 즐겨 주세요.",
}


@dataclass(frozen=True)
class Sentence:
    begin_ms: int
    end_ms: int
    start: int
    end: int


@dataclass(frozen=True)
class PlayItem:
    """One audio file the player can play, and where its sentences are in the book (if anywhere)."""

    audio_path: Path
    duration_ms: int
    label: str
    chapter: Chapter | None = None
    paragraph: int = -1
    sentences: tuple[Sentence, ...] = field(default_factory=tuple)


def sentence_ranges(text: str, timestamps: dict[str, Any] | None) -> tuple[Sentence, ...]:
    """Map the engine's sentence timestamps onto character ranges of the paragraph text, for the highlight.

    The matching is ``studio.engines.timing``'s, the same that assigns sentences to paragraphs: as they are,
    else by their letters; one that cannot be found takes the characters after the previous one.
    """
    sentences = UnitTiming.from_json(timestamps).sentences
    ranges = locate_sentences(text, [s.text for s in sentences])
    return tuple(Sentence(s.begin_ms, s.end_ms, start, stop)
                 for s, (start, stop) in zip(sentences, ranges, strict=True) if stop > start)


def sample_line(voice: Any) -> str:
    language = (voice.primary_language or "zh").lower()
    for prefix in (language, language.split("-")[0]):
        if prefix in SAMPLE_LINES:
            return SAMPLE_LINES[prefix]
    return SAMPLE_LINES["en"] if language.startswith("en") else SAMPLE_LINES["zh"]


class PreviewService(QObject):
    """Turns preview requests into ``PlayItem`` lists for the player.

    Signals:
        ready(object): the list of items to play, in order.
        busy(str): a message while synthesizing ("" when done).
        failed(object): the exception of a failed preview.
    """

    ready = Signal(object)
    busy = Signal(str)
    failed = Signal(object)

    def __init__(self, document: BookDocument, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.settings = settings
        self._engines: Any = None
        self._lock = threading.Lock()
        self._task: BackgroundTask | None = None

    def engines(self) -> Any:
        with self._lock:
            if self._engines is None:
                from studio.engines.registry import EngineSet

                options = self.settings.engine_options(local_workers=min(2, self.settings.concurrency("local")))
                self._engines = EngineSet(options=options)
            return self._engines

    def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task.wait(10_000)
        with self._lock:
            if self._engines is not None:
                self._engines.close()
                self._engines = None

    def is_busy(self) -> bool:
        return self._task is not None

    # -- requests -----------------------------------------------------------------------------------------------
    def preview_paragraph(self, row: int, paragraph: int) -> BackgroundTask | None:
        return self._preview(row, [paragraph], self.tr("Synthesizing paragraph {n}…").format(n=paragraph + 1))

    def preview_chapter(self, row: int) -> BackgroundTask | None:
        book = self.document.book
        if book is None or not 0 <= row < len(book.chapters):
            return None
        numbers = [i for i, p in enumerate(book.chapters[row].paragraphs) if p.text.strip()]
        return self._preview(row, numbers, self.tr("Synthesizing “{title}”…").format(title=book.chapters[row].title))

    def preview_book(self) -> BackgroundTask | None:
        """Play the book's rendered audio, chapter after chapter (nothing is synthesized: a whole book is a
        render, with the job monitor). Paragraphs without audio yet are skipped, and ``busy`` says how many."""
        book, folder = self.document.book, self.document.folder
        if book is None or folder is None:
            return None
        snapshot, _revision = self.document.snapshot()
        chapters = list(book.chapters)  # the live chapters: the player highlights in them
        skipped_text = self.tr("Skipped {n} paragraph(s) that have no audio yet: render the book to hear them.")
        nothing_text = self.tr("Nothing to play yet: render the book first.")

        def work(report: Any, _cancel: threading.Event) -> list[PlayItem]:
            from studio.core.project import Project
            from studio.render.session.playback import rendered_items

            with Project.open(folder) as project:
                rendered, missing = rendered_items(project, snapshot)  # grouped CLI units play too
            items = []
            for item in rendered:
                chapter = chapters[item.chapter_index]
                first = item.paragraphs[0]
                sentences = sentence_ranges(chapter.paragraphs[first].text, item.timestamps) \
                    if len(item.paragraphs) == 1 else ()
                items.append(PlayItem(item.audio_path, item.duration_ms, f"{chapter.title} ¶{first + 1}", chapter,
                                      first, sentences))
            if not items:
                raise InputError(nothing_text)
            if missing:
                report(skipped_text.format(n=missing))
            return items

        task = self._start(work, self.tr("Collecting the book's audio…"))
        if task is not None:
            task.progress.connect(lambda message: emit(self.busy, message))
        return task

    def _preview(self, row: int, numbers: list[int], message: str) -> BackgroundTask | None:
        book, folder = self.document.book, self.document.folder
        if book is None or folder is None or not 0 <= row < len(book.chapters):
            return None
        chapter = book.chapters[row]
        numbers = [n for n in numbers if 0 <= n < len(chapter.paragraphs) and chapter.paragraphs[n].text.strip()]
        if not numbers:
            emit(self.busy, self.tr("Nothing to preview: the paragraph is empty."))
            return None
        from studio.render.session.playback import book_of_paragraphs

        preview = book_of_paragraphs(book, chapter, numbers)  # now, on the UI thread: edits may follow
        texts = [chapter.paragraphs[n].text for n in numbers]
        title = chapter.title
        engines = self.engines()

        def work(_report: Any, cancel: threading.Event) -> list[PlayItem]:
            from studio.core.project import Project
            from studio.render.session.playback import render_preview

            with Project.open(folder) as project:
                pieces = render_preview(project, preview, engines, cancel=cancel,
                                        progress=lambda _event: lower_child_priority())
            items = []
            for piece, number, text in zip(pieces, numbers, texts, strict=True):
                items.append(PlayItem(Path(piece.audio_path), int(piece.duration_ms),
                                      f"{title} ¶{number + 1}", chapter, number,
                                      sentence_ranges(text, piece.timestamps)))
            return items

        return self._start(work, message)

    def audition(self, voice: Any) -> BackgroundTask | None:
        text = sample_line(voice)
        key = hashlib.sha256(f"{AUDITION_VERSION}|{voice.engine}|{voice.id}|{text}".encode()).hexdigest()[:32]
        dest = self.settings.cache_dir / "auditions" / f"{key}.wav"
        label = self.tr("Audition: {voice}").format(voice=voice.name)
        engines = self.engines()

        def work(_report: Any, cancel: threading.Event) -> list[PlayItem]:
            from studio.audio.wavinfo import read_wav_info

            if not dest.is_file():
                dest.parent.mkdir(parents=True, exist_ok=True)
                request = SynthesisRequest(voice=voice.id, paragraphs=(text,))
                engine = engines(voice.engine)
                from studio.render.session.playback import synthesize_once

                result = synthesize_once(engine, request, dest, cancel)
                lower_child_priority()
                return [PlayItem(dest, int(result.duration_ms), label)]
            return [PlayItem(dest, int(read_wav_info(dest).duration_ms), label)]

        return self._start(work, self.tr("Synthesizing a sample of {voice}…").format(voice=voice.name))

    def _start(self, work: Any, message: str) -> BackgroundTask | None:
        if self._task is not None:
            self._task.cancel()
        task = BackgroundTask(work, self, pool="preview")
        task.succeeded.connect(self.ready)
        task.failed.connect(self._failed)
        task.finished.connect(lambda: self._finished(task))
        self._task = task
        started = time.monotonic()
        task.succeeded.connect(lambda items: log.info("preview of %d item(s) ready in %.2fs", len(items),
                                                      time.monotonic() - started))
        emit(self.busy, message)
        task.start()
        return task

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, CancelledError):
            emit(self.failed, exc)

    def _finished(self, task: BackgroundTask) -> None:
        if self._task is task:
            self._task = None
            emit(self.busy, "")
