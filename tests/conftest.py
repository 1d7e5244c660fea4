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


# -- Unexpected WARNING/ERROR records from our own loggers fail the test ------------------------------------------
# In the spirit of qutebrowser's tests/helpers/logfail.py: pytest-qt already fails a test on a Qt warning
# (qt_log_level_fail); this does the same for ``studio.*`` records, so a warning nobody looks at (a swallowed
# error in a worker, a retry that should not happen) fails the test that caused it instead of scrolling by.
# A test that expects a warning declares it: ``@pytest.mark.expect_log(r"regex", logger="studio.x")`` (regex
# searched in the message, logger matched as a dotted prefix), or by taking the ``caplog`` fixture and asserting
# on ``caplog.records`` itself. Records still arriving after the test (a thread that outlives it) are checked at
# teardown.

import logging  # noqa: E402
import re  # noqa: E402

#: (logger prefix, message regex, why): expected in every test. Keep it empty if at all possible: an expected
#: record belongs to the test that expects it (``expect_log``), where it also documents the behaviour. (Qt
#: messages logged to ``studio.qt`` are held to pyproject's ``qt_log_ignore``, see below.)
ALLOWED_EVERYWHERE: tuple[tuple[str, str, str], ...] = ()


class _StudioRecords(logging.Handler):
    """Collects WARNING and above from the ``studio`` logger tree (any thread)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _logger_matches(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _expected(record: logging.LogRecord, rules: list[tuple[str, str]]) -> bool:
    message = record.getMessage()
    return any(_logger_matches(record.name, prefix) and re.search(pattern, message) for prefix, pattern in rules)


def _describe_record(record: logging.LogRecord) -> str:
    text = f"  {record.levelname} {record.name}: {record.getMessage()}"
    if record.exc_info and record.exc_info[1] is not None:
        text += f" [{type(record.exc_info[1]).__name__}: {record.exc_info[1]}]"
    return text


_LOG_CHECK = pytest.StashKey[tuple[_StudioRecords, list[tuple[str, str]]]]()


def _check_studio_records(item: pytest.Item) -> None:
    """Fail on the undeclared records collected so far (each is reported once)."""
    if _LOG_CHECK not in item.stash:
        return
    handler, rules = item.stash[_LOG_CHECK]
    records, handler.records = handler.records, []
    unexpected = [r for r in records if not _expected(r, rules)]
    if unexpected:
        pytest.fail("unexpected WARNING/ERROR log records from studio.* (if the test expects them, declare them "
                    "with @pytest.mark.expect_log(r'regex', logger='studio.x') or assert on them with caplog):\n"
                    + "\n".join(_describe_record(r) for r in unexpected), pytrace=False)


@pytest.fixture(autouse=True)
def _fail_on_unexpected_studio_log_records(request: pytest.FixtureRequest) -> Iterator[None]:
    """Collect ``studio.*`` WARNING/ERROR records over set-up, call and teardown (see the block comment)."""
    if "caplog" in request.fixturenames:
        yield  # the test reads the records itself
        return
    rules = [(prefix, pattern) for prefix, pattern, _why in ALLOWED_EVERYWHERE]
    # Qt's own messages, once the app routes them into ``studio.qt`` (studio.gui.crash.install): the harmless ones
    # are those pytest-qt's qt_log_ignore already lists, one list for both ways a Qt message can arrive.
    rules += [("studio.qt", pattern) for pattern in request.config.getini("qt_log_ignore")]
    for marker in request.node.iter_markers("expect_log"):
        rules.append((marker.kwargs.get("logger", "studio"), marker.args[0] if marker.args else ""))
    handler = _StudioRecords()
    request.node.stash[_LOG_CHECK] = (handler, rules)
    studio_logger = logging.getLogger("studio")
    studio_logger.addHandler(handler)
    try:
        yield
    finally:
        studio_logger.removeHandler(handler)
    _check_studio_records(request.node)  # what set-up left unreported, and what teardown logged


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Records logged while the test ran fail the test itself (not its teardown)."""
    result = yield
    _check_studio_records(item)
    return result


# -- Time limits: a hang fails with every thread's stack ----------------------------------------------------------
# pyproject's ``timeout`` (thread method) is the per-test backstop; end-to-end tests marked ``slow`` (minutes on a
# busy 2-CPU machine) get SLOW_TEST_TIMEOUT_S instead, unless they carry their own ``@pytest.mark.timeout``.
SLOW_TEST_TIMEOUT_S = 900


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("slow") is not None and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(SLOW_TEST_TIMEOUT_S))
