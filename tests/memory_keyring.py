"""An in-memory keyring backend for the tests: nothing a test stores ever reaches a disk.

Why not keyrings.alt: installed into the app's environment it silently becomes the default backend and stores
real cloud secrets in a plaintext file. The test session selects :class:`MemoryKeyring` with
``keyring.set_keyring`` (tests/conftest.py) and subprocesses with
``PYTHON_KEYRING_BACKEND=tests.memory_keyring.MemoryKeyring`` (each process starts with an empty store).
:class:`PlaintextKeyring` has the name of keyrings.alt's file backend so tests can check that the app refuses
a plaintext backend, without any plaintext file being written.
"""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    """Passwords in a dict of this process."""

    priority = 1  # type: ignore[assignment]  # viable, but never chosen over a real backend by detection

    def __init__(self) -> None:
        super().__init__()
        self._store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self._store[(service, username)]
        except KeyError:
            raise PasswordDeleteError("no such password") from None


class PlaintextKeyring(MemoryKeyring):
    """Stands in for ``keyrings.alt.file.PlaintextKeyring``: the same name, but it keeps everything in memory."""
