"""The next chapter of each export worker decoded and planned while the worker encodes the current one.

Why: between two encodes a worker used to decode the next chapter from FLAC, plan its gain and start its encoder,
about 0.1 s in which its core ran a decoder and Python but no encoder. Measured on the 1-hour bench book at 2
workers: only one encoder running for 3 to 4 s of a 36 s export, the CPU 3 % idle. Done ahead, that work fills
the gaps the encoders leave (their own threads wait on each other), and the worker starts its next encode as soon
as the last one ends.

Memory: one chapter is prepared at a time, across all workers (``SLOTS``), so an export runs at most one ffmpeg
more than it has workers, and only for the tenth of a second a decode takes. Disk: each worker may hold its
next chapter's decoded PCM besides the one it encodes (``decode_ahead`` checks the room for four).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from studio.audio.chunk_encode import PreparedChunk
from studio.core.errors import CancelledError

#: Chapters being prepared at once, over all workers.
SLOTS = 1


class ChunksAhead:
    """``start(i)`` prepares chunk ``i`` on a thread of its own; ``take(i)`` returns it (prepared now if it was not
    started). ``close`` waits for every preparation and releases what no encode took (after a failure or a
    cancel), so no decoded chapter outlives the export."""

    def __init__(self, prepare: Callable[[int], PreparedChunk], stop: threading.Event) -> None:
        self._prepare = prepare
        self._stop = stop
        self._slots = threading.Semaphore(SLOTS)
        self._lock = threading.Lock()
        self._pending: dict[int, tuple[threading.Thread, list[PreparedChunk | BaseException]]] = {}

    def start(self, i: int) -> None:
        box: list[PreparedChunk | BaseException] = []
        thread = threading.Thread(target=self._run, args=(i, box), name=f"prepare_{i}", daemon=True)
        with self._lock:
            self._pending[i] = (thread, box)
        thread.start()

    def _run(self, i: int, box: list[PreparedChunk | BaseException]) -> None:
        with self._slots:
            try:
                if self._stop.is_set():
                    raise CancelledError("export cancelled")
                box.append(self._prepare(i))
            except BaseException as exc:  # handed to whoever takes the chunk (or dropped by close)
                box.append(exc)

    def take(self, i: int) -> PreparedChunk:
        with self._lock:
            pending = self._pending.pop(i, None)
        if pending is None:
            return self._prepare(i)
        thread, box = pending
        thread.join()
        outcome = box[0]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def close(self) -> None:
        with self._lock:
            left, self._pending = list(self._pending.values()), {}
        for thread, box in left:
            thread.join()
            for outcome in box:
                if isinstance(outcome, PreparedChunk):
                    outcome.close()
