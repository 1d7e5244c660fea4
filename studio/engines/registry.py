"""Engines by name, created on first use and closed together.

The render layer asks for engines by the name stored in a voice setting (``local``, ``aliyun``, ``baidu``);
this is the one place that knows which class serves which name and where its credentials come from.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from studio.core.errors import InputError
from studio.engines.base import Engine

ENGINE_NAMES = ("local", "aliyun", "baidu")


@dataclass(frozen=True)
class EngineOptions:
    """Per-render engine settings (from Preferences or CLI flags); URLs also honour STUDIO_* env vars."""

    local_workers: int | None = None
    aliyun_endpoint: str = "public"


class EngineSet:
    """A lazily filled set of engines shared by one render (thread-safe)."""

    def __init__(self, *, local_workers: int | None = None, options: EngineOptions | None = None) -> None:
        self._engines: dict[str, Engine] = {}
        self._lock = threading.Lock()
        self._options = options or EngineOptions(local_workers=local_workers)

    def __call__(self, name: str) -> Engine:
        with self._lock:
            engine = self._engines.get(name)
            if engine is None:
                engine = create_engine(name, self._options)
                self._engines[name] = engine
            return engine

    def close(self) -> None:
        with self._lock:
            for engine in self._engines.values():
                engine.close()
            self._engines.clear()

    def __enter__(self) -> EngineSet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def create_engine(name: str, options: EngineOptions | None = None) -> Engine:
    """A new engine; cloud engines take their credentials from the environment or the keyring."""
    options = options or EngineOptions()
    if name == "local":
        from studio.engines.local import LocalEngine

        return LocalEngine(workers=options.local_workers)
    if name == "aliyun":
        from studio.core.accounts import require_credentials
        from studio.engines.aliyun import AliyunEngine

        return AliyunEngine(require_credentials("aliyun"), endpoint=options.aliyun_endpoint)  # type: ignore[arg-type]
    if name == "baidu":
        from studio.core.accounts import require_credentials
        from studio.engines.baidu import BaiduEngine

        return BaiduEngine(require_credentials("baidu"))  # type: ignore[arg-type]
    raise InputError(f"unknown engine {name!r} (available: {', '.join(ENGINE_NAMES)})")


def test_connection(vendor: str, options: EngineOptions | None = None) -> tuple[bool, str]:
    """Fetch a real token with the stored credentials: (True, message) or (False, the vendor's reason).

    Used by ``studio accounts test`` and the GUI's "Test connection"; never shows the token itself.
    """
    from studio.core.errors import StudioError

    try:
        engine = create_engine(vendor, options)
    except StudioError as exc:
        return False, str(exc)
    try:
        check = getattr(engine, "check_credentials", None)
        if check is not None:
            check()
    except StudioError as exc:
        return False, str(exc)
    finally:
        engine.close()
    return True, "credentials accepted (a token was issued)"
