"""Engines by name: their traits, their factories, and a set of engines created on first use and closed together.

The render layer asks for engines by the name stored in a voice setting (``local``, ``aliyun``, ``baidu``);
this is the one place that lists the engine names, knows which adapter module serves each name, and hands out
each engine's ``EngineTraits`` (``traits(name)``): render/, the CLI and the GUI read vendor facts only from
there. Adding an engine is one adapter module that exports ``TRAITS`` and ``create(options)`` plus its
catalogue data, named in ``_ADAPTERS``; tests (and plug-ins) may ``register`` one in-process.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from studio.core.errors import InputError
from studio.engines.base import Engine
from studio.engines.traits import EngineTraits

#: Engine name -> the adapter module that exports ``TRAITS`` and ``create(options)``. The only list of names.
_ADAPTERS: dict[str, str] = {
    "local": "studio.engines.local",
    "aliyun": "studio.engines.aliyun",
    "baidu": "studio.engines.baidu",
}

ENGINE_NAMES: tuple[str, ...] = tuple(_ADAPTERS)


@dataclass(frozen=True)
class EngineOptions:
    """Per-render engine settings (from Preferences or CLI flags); URLs also honour STUDIO_* env vars."""

    local_workers: int | None = None
    aliyun_endpoint: str = "public"


Factory = Callable[[EngineOptions], Engine]


@dataclass(frozen=True)
class _Entry:
    traits: EngineTraits
    create: Factory


_registered: dict[str, _Entry] = {}
_registry_lock = threading.Lock()


def engine_names() -> tuple[str, ...]:
    """Every engine the app knows, built-in ones first (in their order), then registered ones."""
    with _registry_lock:
        extra = tuple(name for name in _registered if name not in _ADAPTERS)
    return ENGINE_NAMES + extra


def _entry(name: str) -> _Entry:
    with _registry_lock:
        entry = _registered.get(name)
    if entry is not None:
        return entry
    module_name = _ADAPTERS.get(name)
    if module_name is None:
        raise InputError(f"unknown engine {name!r} (available: {', '.join(engine_names())})")
    module = importlib.import_module(module_name)
    entry = _Entry(module.TRAITS, module.create)
    with _registry_lock:
        return _registered.setdefault(name, entry)


def traits(name: str) -> EngineTraits:
    """The traits of engine ``name``; ``InputError`` naming the known engines if there is none."""
    return _entry(name).traits


def known(name: str) -> bool:
    return name in _ADAPTERS or name in _registered


def register(engine_traits: EngineTraits, create: Factory | None = None) -> Callable[[], None]:
    """Add (or replace) an engine in-process; returns a function that restores what was there before.

    Without ``create`` a known engine keeps its factory and only its traits change (tests that shrink a limit).
    """
    name = engine_traits.name
    factory = create or _entry(name).create
    with _registry_lock:
        previous = _registered.get(name)
        _registered[name] = _Entry(engine_traits, factory)

    def restore() -> None:
        with _registry_lock:
            if previous is None:
                _registered.pop(name, None)
            else:
                _registered[name] = previous

    return restore


class DurableEngines:
    """A live set view: ``name in DurableEngines()`` says whether that engine's task ids outlive the app."""

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and known(name) and traits(name).durable

    def __iter__(self) -> Iterator[str]:
        return (name for name in engine_names() if traits(name).durable)


class RetentionSeconds(Mapping[str, float]):
    """A live mapping view: how long each durable engine's vendor keeps a task, in seconds."""

    def __getitem__(self, name: str) -> float:
        retention = traits(name).retention_s if known(name) else None
        if retention is None:
            raise KeyError(name)
        return float(retention)

    def __iter__(self) -> Iterator[str]:
        return (name for name in engine_names() if traits(name).retention_s is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


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
    return _entry(name).create(options or EngineOptions())


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
