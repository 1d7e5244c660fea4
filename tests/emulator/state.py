"""State shared by both vendors: the emulator clock, issued tokens, tasks, and the rendered-audio store.

Why one clock with an offset: vendor time limits are days long (Alibaba keeps audio 7 days, Baidu 72 h,
tokens live 24 h / 30 days). ``advance_time`` moves the emulator's idea of "now" forward so tests can cross
those limits instantly; task latencies still run on the real monotonic clock underneath, so
``time_scale`` keeps ordinary lifecycles short.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.emulator.audio import Layout, encode_mp3, iter_pcm, wav_header

CONTENT_TYPES = {"mp3": "audio/mpeg", "wav": "audio/wav", "pcm": "application/octet-stream"}


class Clock:
    """Emulator time = real time + an offset that only ``advance`` changes."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += seconds

    def monotonic(self) -> float:
        return time.monotonic() + self._offset

    def wall(self) -> float:
        """Unix time as the emulated vendor sees it (for token ExpireTime and link expiry)."""
        return time.time() + self._offset


def new_hex(n: int = 32) -> str:
    return (uuid.uuid4().hex + uuid.uuid4().hex)[:n]


@dataclass
class TokenInfo:
    vendor: str
    expires_at: float  # emulator wall time
    revoked: bool = False


class TokenStore:
    """Tokens issued by either vendor; ``check`` says "ok", "expired" or "invalid"."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._tokens: dict[str, TokenInfo] = {}
        self._lock = threading.Lock()

    def issue(self, vendor: str, token: str, ttl_s: float) -> float:
        expires = self._clock.wall() + ttl_s
        with self._lock:
            self._tokens[token] = TokenInfo(vendor, expires)
        return expires

    def check(self, vendor: str, token: object) -> str:
        if not isinstance(token, str) or not token:
            return "invalid"
        with self._lock:
            info = self._tokens.get(token)
        if info is None or info.vendor != vendor:
            return "invalid"
        if info.revoked or self._clock.wall() >= info.expires_at:
            return "expired"
        return "ok"

    def expire_all(self) -> None:
        with self._lock:
            for info in self._tokens.values():
                info.revoked = True

    def count(self, vendor: str) -> int:
        with self._lock:
            return sum(1 for t in self._tokens.values() if t.vendor == vendor)

    def issued(self, vendor: str | None = None) -> list[str]:
        """Every token handed out (for tests that search logs and files for leaked tokens)."""
        with self._lock:
            return [t for t, info in self._tokens.items() if vendor is None or info.vendor == vendor]


@dataclass
class Task:
    """One accepted synthesis task of either vendor."""

    vendor: str
    task_id: str
    text: str
    request: dict[str, Any]
    layout_of: Callable[[], Layout]  # built on first use (a status answer or download), not inside the submit
    file_ext: str  # "mp3" | "wav" | "pcm"
    submitted_at: float  # emulator monotonic
    queued_until: float
    finish_at: float
    fail: bool
    subtitles: int  # Aliyun: 0/1; Baidu: enable_subtitle 0/1/2
    keep_s: float  # how long results stay available after finishing
    timestamps_supported: bool = True
    sn: str = field(default_factory=lambda: new_hex(32))

    _layout: Layout | None = field(default=None, init=False, repr=False)
    _layout_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def layout(self) -> Layout:
        """The task's audio timeline, computed once: a real vendor does this work while the task runs, so the
        submit answers as fast as a vendor's does and the latency model alone decides when the task is done."""
        with self._layout_lock:
            if self._layout is None:
                self._layout = self.layout_of()
            return self._layout

    def finished(self, now: float) -> bool:
        return now >= self.finish_at

    def expired(self, now: float) -> bool:
        return now >= self.finish_at + self.keep_s


class TaskStore:
    def __init__(self) -> None:
        self._tasks: dict[str, Task] = {}
        self._lock = threading.Lock()
        self.submitted: list[Task] = []

    def add(self, task: Task) -> None:
        with self._lock:
            self._tasks[task.task_id] = task
            self.submitted.append(task)

    def get(self, task_id: object) -> Task | None:
        if not isinstance(task_id, str):
            return None
        with self._lock:
            return self._tasks.get(task_id)

    def unfinished(self, vendor: str, now: float) -> int:
        with self._lock:
            return sum(1 for t in self._tasks.values() if t.vendor == vendor and not t.finished(now))

    def all(self, vendor: str | None = None) -> list[Task]:
        with self._lock:
            return [t for t in self.submitted if vendor is None or t.vendor == vendor]


@dataclass
class AudioBody:
    """A downloadable body: its size and a way to stream any byte range of it."""

    size: int
    content_type: str
    etag: str
    read: Callable[[int, int], Iterator[bytes]]  # (start, stop) -> chunks


class AudioStore:
    """Renders task audio on demand; MP3 files are encoded once per distinct timeline and kept on disk."""

    def __init__(self) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="vendor-emulator-audio-"))
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def close(self) -> None:
        shutil.rmtree(self._dir, ignore_errors=True)

    def body(self, layout: Layout, ext: str) -> AudioBody:
        key = layout.key
        if ext == "pcm":
            return AudioBody(layout.pcm_size, CONTENT_TYPES[ext], key, lambda a, b: iter_pcm(layout, a, b))
        if ext == "wav":
            header = wav_header(layout.pcm_size, layout.sample_rate)

            def read_wav(start: int, stop: int) -> Iterator[bytes]:
                if start < len(header):
                    yield header[start:min(stop, len(header))]
                if stop > len(header):
                    yield from iter_pcm(layout, max(0, start - len(header)), stop - len(header))

            return AudioBody(len(header) + layout.pcm_size, CONTENT_TYPES[ext], key, read_wav)
        path = self._mp3(layout)

        def read_file(start: int, stop: int) -> Iterator[bytes]:
            with path.open("rb") as fh:
                fh.seek(start)
                left = stop - start
                while left > 0:
                    chunk = fh.read(min(left, 1 << 18))
                    if not chunk:
                        return
                    left -= len(chunk)
                    yield chunk

        return AudioBody(path.stat().st_size, CONTENT_TYPES[ext], key, read_file)

    def _mp3(self, layout: Layout) -> Path:
        key = layout.key
        path = self._dir / f"{key}.mp3"
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if not path.exists():
                encode_mp3(layout, path)
        return path
