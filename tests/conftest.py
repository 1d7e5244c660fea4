"""Test-wide set-up: offscreen Qt, a private HOME/log folder, the plaintext keyring only in tests."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

_SANDBOX = Path(tempfile.mkdtemp(prefix="studio-tests-"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.*=false")
os.environ["STUDIO_LOG_DIR"] = str(_SANDBOX / "logs")
os.environ["XDG_DATA_HOME"] = str(_SANDBOX / "data")
os.environ["XDG_CONFIG_HOME"] = str(_SANDBOX / "config")
os.environ["XDG_RUNTIME_DIR"] = str(_SANDBOX / "runtime")
(_SANDBOX / "runtime").mkdir(mode=0o700, exist_ok=True)
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
