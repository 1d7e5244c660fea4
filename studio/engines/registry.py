"""Engines by name, created on first use and closed together.

The render layer asks for engines by the name stored in a voice setting (``local``, later ``aliyun``,
``baidu``); this is the one place that knows which class serves which name.
"""

from __future__ import annotations

import threading

from studio.core.errors import InputError
from studio.engines.base import Engine

ENGINE_NAMES = ("local",)


class EngineSet:
    """A lazily filled set of engines shared by one render (thread-safe)."""

    def __init__(self, *, local_workers: int | None = None) -> None:
        self._engines: dict[str, Engine] = {}
        self._lock = threading.Lock()
        self._local_workers = local_workers

    def __call__(self, name: str) -> Engine:
        with self._lock:
            engine = self._engines.get(name)
            if engine is None:
                engine = self._create(name)
                self._engines[name] = engine
            return engine

    def _create(self, name: str) -> Engine:
        if name == "local":
            from studio.engines.local import LocalEngine

            return LocalEngine(workers=self._local_workers)
        raise InputError(f"unknown engine {name!r} (available: {', '.join(ENGINE_NAMES)})")

    def close(self) -> None:
        with self._lock:
            for engine in self._engines.values():
                engine.close()
            self._engines.clear()

    def __enter__(self) -> EngineSet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
