"""Every user preference and piece of window state, typed, with defaults, in one place.

Why a facade: QSettings hands back strings (or whatever the platform stored) under literal keys; read inline all
over the code that drifts and breaks silently. Here each setting is one property with its type and default,
and ``_migrate`` moves old keys forward when the layout changes (``VERSION``). Secrets never go here: they
live in the keyring (``studio.core.accounts``).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import platformdirs
from PySide6.QtCore import QByteArray, QSettings

from studio.engines.registry import engine_names, traits
from studio.paths import APP_NAME

log = logging.getLogger("studio.gui.settings")

VERSION = 1
MAX_RECENT = 10
#: Every engine, from the registry (the one list of names); defaults and caps come from each engine's traits.
ENGINES = engine_names()
UI_LANGUAGES = ("system", "en", "zh_CN")
ENDPOINTS = ("public", "internal")
#: The most tasks at once a user may set for an engine whose vendor states no cap of its own.
MAX_CONCURRENCY = 64


def max_concurrency(engine: str) -> int:
    """The highest concurrency the preferences offer for ``engine``: its account cap, else ``MAX_CONCURRENCY``."""
    cap = traits(engine).max_concurrency
    return MAX_CONCURRENCY if cap is None else cap


class Settings:
    """Typed access to the app's QSettings. Pass ``path`` for a private INI file (tests, portable installs)."""

    def __init__(self, path: Path | None = None) -> None:
        if path is not None:
            self._qs = QSettings(str(path), QSettings.Format.IniFormat)
        else:
            self._qs = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, APP_NAME, "studio")
        self._migrate()

    @property
    def file_name(self) -> str:
        return self._qs.fileName()

    def sync(self) -> None:
        self._qs.sync()

    # -- plumbing ----------------------------------------------------------------------------------------------
    def _get(self, key: str, default: Any) -> Any:
        value = self._qs.value(key)
        return default if value is None else value

    def _get_int(self, key: str, default: int, low: int, high: int) -> int:
        try:
            value = int(self._get(key, default))
        except (TypeError, ValueError):
            return default
        return min(high, max(low, value))

    def _get_json(self, key: str, default: Any) -> Any:
        raw = self._qs.value(key)
        if raw is None:
            return default
        try:
            return json.loads(str(raw))
        except ValueError:
            log.warning("ignoring unreadable setting %s", key)
            return default

    def _set_json(self, key: str, value: Any) -> None:
        self._qs.setValue(key, json.dumps(value, ensure_ascii=False))

    def _migrate(self) -> None:
        version = self._get_int("settings_version", 0, 0, 1_000)
        if version > VERSION:
            log.warning("settings were written by a newer version (%d); unknown keys are left alone", version)
            return
        # Version 0 -> 1: nothing to move yet (the first typed layout); later migrations go here, one per step.
        self._qs.setValue("settings_version", VERSION)

    # -- window ------------------------------------------------------------------------------------------------
    @property
    def window_geometry(self) -> QByteArray | None:
        value = self._qs.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    @window_geometry.setter
    def window_geometry(self, value: QByteArray) -> None:
        self._qs.setValue("window/geometry", value)

    @property
    def window_state(self) -> QByteArray | None:
        value = self._qs.value("window/state")
        return value if isinstance(value, QByteArray) else None

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self._qs.setValue("window/state", value)

    # -- files -------------------------------------------------------------------------------------------------
    @property
    def recent_projects(self) -> list[Path]:
        value = self._get_json("files/recent_projects", [])
        return [Path(p) for p in value if isinstance(p, str)][:MAX_RECENT] if isinstance(value, list) else []

    def add_recent_project(self, folder: Path) -> None:
        folder = folder.resolve()
        paths = [p for p in self.recent_projects if p != folder]
        self._set_json("files/recent_projects", [str(p) for p in [folder, *paths][:MAX_RECENT]])

    def remove_recent_project(self, folder: Path) -> None:
        self._set_json("files/recent_projects", [str(p) for p in self.recent_projects if p != folder])

    def clear_recent_projects(self) -> None:
        self._set_json("files/recent_projects", [])

    @property
    def last_directory(self) -> str:
        return str(self._get("files/last_directory", ""))

    @last_directory.setter
    def last_directory(self, value: str) -> None:
        self._qs.setValue("files/last_directory", value)

    @property
    def autosave_seconds(self) -> int:
        """0 turns autosave off."""
        return self._get_int("files/autosave_seconds", 60, 0, 3600)

    @autosave_seconds.setter
    def autosave_seconds(self, value: int) -> None:
        self._qs.setValue("files/autosave_seconds", int(value))

    @property
    def reopen_last_project(self) -> bool:
        """Open the most recent project when the app starts without a path (an author returns to one book)."""
        return str(self._get("files/reopen_last_project", "true")).lower() in ("true", "1")

    @reopen_last_project.setter
    def reopen_last_project(self, value: bool) -> None:
        self._qs.setValue("files/reopen_last_project", "true" if value else "false")

    @property
    def review_structure_on_import(self) -> bool:
        """Show the structure review after every import (the author confirms the chapters)."""
        return str(self._get("files/review_structure_on_import", "true")).lower() in ("true", "1")

    @review_structure_on_import.setter
    def review_structure_on_import(self, value: bool) -> None:
        self._qs.setValue("files/review_structure_on_import", "true" if value else "false")

    @property
    def confirm_above_chars(self) -> int:
        """Render Book asks first when a cloud render sends more characters than this (0: always asks)."""
        from studio.render.confirm import DEFAULT_CONFIRM_CHARS

        return self._get_int("engines/confirm_above_chars", DEFAULT_CONFIRM_CHARS, 0, 100_000_000)

    @confirm_above_chars.setter
    def confirm_above_chars(self, value: int) -> None:
        self._qs.setValue("engines/confirm_above_chars", max(0, int(value)))

    # -- interface ---------------------------------------------------------------------------------------------
    @property
    def ui_language(self) -> str:
        value = str(self._get("ui/language", "system"))
        return value if value in UI_LANGUAGES else "system"

    @ui_language.setter
    def ui_language(self, value: str) -> None:
        if value not in UI_LANGUAGES:
            raise ValueError(f"unknown UI language {value!r}")
        self._qs.setValue("ui/language", value)

    # -- engines -----------------------------------------------------------------------------------------------
    @property
    def aliyun_endpoint(self) -> str:
        value = str(self._get("engines/aliyun_endpoint", "public"))
        return value if value in ENDPOINTS else "public"

    @aliyun_endpoint.setter
    def aliyun_endpoint(self, value: str) -> None:
        if value not in ENDPOINTS:
            raise ValueError(f"unknown endpoint {value!r}")
        self._qs.setValue("engines/aliyun_endpoint", value)

    def concurrency(self, engine: str) -> int:
        """Tasks at once for ``engine``: the user's choice, else the engine's default (its traits)."""
        return self._get_int(f"engines/concurrency_{engine}", traits(engine).default_concurrency, 1,
                             max_concurrency(engine))

    def set_concurrency(self, engine: str, value: int) -> None:
        self._qs.setValue(f"engines/concurrency_{engine}", max(1, min(max_concurrency(engine), int(value))))

    def price_per_10k(self, engine: str) -> float:
        """The user's price per 10,000 characters (in their currency) for the cost estimate; 0 = unknown."""
        try:
            return max(0.0, float(self._get(f"engines/price_{engine}", 0.0)))
        except (TypeError, ValueError):
            return 0.0

    def set_price_per_10k(self, engine: str, value: float) -> None:
        self._qs.setValue(f"engines/price_{engine}", max(0.0, float(value)))

    @property
    def cache_dir(self) -> Path:
        """Where auditions (voice samples) are cached; each project keeps its own render cache."""
        value = str(self._get("engines/cache_dir", ""))
        return Path(value) if value else Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))

    @cache_dir.setter
    def cache_dir(self, value: Path | None) -> None:
        self._qs.setValue("engines/cache_dir", str(value) if value else "")

    def engine_options(self, *, local_workers: int | None = None) -> Any:
        """The ``EngineOptions`` a render or preview should use (plain data: safe to hand to a worker)."""
        from studio.engines.registry import EngineOptions

        return EngineOptions(local_workers=local_workers or self.concurrency("local"),
                             aliyun_endpoint=self.aliyun_endpoint)
