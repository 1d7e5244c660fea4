"""The build script (packaging/build.py) as a module, for tests of its checks."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]


def load_build_module() -> ModuleType:
    """Import packaging/build.py by path: ``packaging`` is not a package (and the name belongs to PyPI's)."""
    spec = importlib.util.spec_from_file_location("studio_packaging_build", REPO / "packaging" / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is created
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def build_module() -> ModuleType:
    return load_build_module()
