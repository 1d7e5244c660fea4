"""The next chapter of each export worker decoded and planned while the worker encodes the current one.

Why: between two encodes a worker used to decode the next chapter from FLAC, plan its gain and start its encoder,
about 0.1 s in which its core ran a decoder and Python but no encoder. Measured on the 1-hour bench book at 2
workers: only one encoder running for 3 to 4 s of a 36 s export, the CPU 3 % idle. Done ahead, that work fills
the gaps the encoders leave (their own threads wait on each other), and the worker starts its next encode as soon
as the last one ends.

Memory: one chapter is prepared at a time, across all workers (``SLOTS``: one preparing thread). The FLAC decode is
in this process (``flac_decode``), so preparing starts an ffmpeg only to measure units a render left unmeasured (or
to decode where libFLAC cannot load): an export runs at most one ffmpeg more than it has workers. Disk: each
worker may hold its next chapter's decoded PCM besides the one it encodes (``decode_ahead`` checks the room for
four).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

from studio.audio.chunk_encode import PreparedChunk
from studio.core.errors import CancelledError

#: Chapters being prepared at once, over all workers: what the design gives (one preparing thread), not a setting;
#: the ffmpeg census test counts with it.
SLOTS = 1


class ChunksAhead:
    """``start(i)`` queues chunk ``i`` for the preparing thread; ``take(i)`` returns it (prepared now, on the
    caller's thread, if it was never queued). One long-lived thread prepares them in turn (``SLOTS``), not a thread
    per chapter, so the interpreter's allocations stay in the arenas it already has. ``close``
    stops the thread and releases what no encode took (after a failure or a cancel), so no decoded chapter
    outlives the export."""

    def __init__(self, prepare: Callable[[int], PreparedChunk], stop: threading.Event) -> None:
        self._prepare = prepare
        self._stop = stop
        self._queue: queue.SimpleQueue[int | None] = queue.SimpleQueue()
        self._lock = threading.Condition()
        self._results: dict[int, PreparedChunk | BaseException] = {}
        self._queued: set[int] = set()
        self._thread: threading.Thread | None = None

    def start(self, i: int) -> None:
        with self._lock:
            self._queued.add(i)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="prepare-ahead", daemon=True)
                self._thread.start()
        self._queue.put(i)

    def _run(self) -> None:
        while (i := self._queue.get()) is not None:
            outcome: PreparedChunk | BaseException
            try:
                if self._stop.is_set():
                    raise CancelledError("export cancelled")
                outcome = self._prepare(i)
            except BaseException as exc:  # handed to whoever takes the chunk (or dropped by close)
                outcome = exc
            with self._lock:
                self._results[i] = outcome
                self._lock.notify_all()

    def take(self, i: int) -> PreparedChunk:
        with self._lock:
            if i not in self._queued:
                queued = False
            else:
                queued = True
                self._queued.discard(i)
                self._lock.wait_for(lambda: i in self._results)
                outcome = self._results.pop(i)
        if not queued:
            return self._prepare(i)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
        with self._lock:
            left, self._results, self._queued = list(self._results.values()), {}, set()
        for outcome in left:
            if isinstance(outcome, PreparedChunk):
                outcome.close()
