"""Every path the app uses, from one place: resources (source tree or frozen bundle) and user folders."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "AudiobookStudio"


def resources_dir() -> Path:
    """``resources/`` next to the package in a source checkout, or inside the PyInstaller bundle."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def samples_dir() -> Path:
    return resources_dir() / "samples"


def sample_book() -> Path:
    return samples_dir() / "zhaohua-xishi.md"


def log_dir() -> Path:
    override = os.environ.get("STUDIO_LOG_DIR")
    return Path(override) if override else Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
