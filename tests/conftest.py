"""Test-wide set-up: offscreen Qt, a private HOME/log folder, an in-memory keyring (never a plaintext file)."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.emulator import VendorEmulator

_SANDBOX = Path(tempfile.mkdtemp(prefix="studio-tests-"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.*=false")
os.environ["STUDIO_LOG_DIR"] = str(_SANDBOX / "logs")
os.environ["XDG_DATA_HOME"] = str(_SANDBOX / "data")
os.environ["XDG_CONFIG_HOME"] = str(_SANDBOX / "config")
os.environ["XDG_RUNTIME_DIR"] = str(_SANDBOX / "runtime")
(_SANDBOX / "runtime").mkdir(mode=0o700, exist_ok=True)

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

# -- keyring: in memory only (tests/memory_keyring.py). Never keyrings.alt, which writes plaintext files. --
# Subprocesses get the same backend by name, so they need the repository on their import path.
os.environ["PYTHON_KEYRING_BACKEND"] = "tests.memory_keyring.MemoryKeyring"
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
os.environ.pop("STUDIO_ALLOW_PLAINTEXT_KEYRING", None)
import keyring  # noqa: E402

from tests.memory_keyring import MemoryKeyring  # noqa: E402

keyring.set_keyring(MemoryKeyring())


# -- the vendor emulator, one fixture for every test that talks to "the cloud" --------------------------------


@pytest.fixture
def start_emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., VendorEmulator]]:
    """Start a vendor emulator (tests/emulator/) for this test: ``start_emulator(seed=7, time_scale=0.02, **faults)``.

    With ``env=True`` (the default) the ``STUDIO_*`` variables (base URLs and credentials) point this process,
    and the subprocesses it starts, at it. Stopped when the test ends. A test module keeps its own seed and
    time scale in a one-line ``emu`` fixture.
    """
    from tests.emulator import Faults, VendorEmulator

    started: list[VendorEmulator] = []

    def start(*, seed: int = 0, time_scale: float = 1.0, env: bool = True, **faults: float) -> VendorEmulator:
        emulator = VendorEmulator(seed=seed, faults=Faults(time_scale=time_scale, **faults)).start()
        started.append(emulator)
        if env:
            for key, value in emulator.env().items():
                monkeypatch.setenv(key, value)
        return emulator

    yield start
    for emulator in reversed(started):
        emulator.stop()
