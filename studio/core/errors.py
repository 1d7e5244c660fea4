"""The project's error types.

Every error a user can cause carries *where* it happened (file, line, chapter, paragraph) so the CLI can print
one clear line and the GUI can point at the spot. Engine errors carry the vendor's code and message.
"""

from __future__ import annotations

from pathlib import Path


class StudioError(Exception):
    """Base of every error the studio raises on purpose."""


class InputError(StudioError):
    """Bad user input: a file we cannot read or make sense of, or invalid markup.

    ``str(err)`` is the one-line message shown to the user, already naming the location.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        chapter: int | None = None,
        paragraph: int | None = None,
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.chapter = chapter
        self.paragraph = paragraph
        super().__init__(self._format())

    def _format(self) -> str:
        where: list[str] = []
        if self.path:
            where.append(self.path)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.chapter is not None:
            where.append(f"chapter {self.chapter}")
        if self.paragraph is not None:
            where.append(f"paragraph {self.paragraph}")
        return f"{': '.join([', '.join(where), self.message]) if where else self.message}"


class ProjectError(StudioError):
    """The project folder or database is missing, locked, or from a newer version of the app."""


class ProjectDamagedError(ProjectError):
    """The project database is damaged (corrupt or emptied): opening refuses it rather than starting afresh."""


class EngineError(StudioError):
    """A synthesis engine failed. Subclasses say what the caller should do about it.

    ``vendor_code`` and ``vendor_message`` are kept verbatim for the user (job monitor, CLI).
    """

    retryable: bool = False

    def __init__(self, message: str, *, vendor_code: str | int | None = None,
                 vendor_message: str | None = None) -> None:
        self.vendor_code = vendor_code
        self.vendor_message = vendor_message
        text = message
        if vendor_code is not None:
            text = f"{message} (vendor code {vendor_code}{': ' + vendor_message if vendor_message else ''})"
        super().__init__(text)


class RetryableEngineError(EngineError):
    """A transient failure (server error, dropped connection): retry with backoff."""

    retryable = True


class ThrottledError(RetryableEngineError):
    """The vendor asked us to slow down (rate or concurrency limit)."""


class ConnectionLostError(RetryableEngineError):
    """No whole answer came back (connection refused or dropped, timeout): the vendor refused nothing, so this
    backs off and asks again without spending one of the unit's attempts."""


class TaskExpiredError(RetryableEngineError):
    """The vendor no longer knows the task (unknown id, result past its retention): submit the unit again."""


class AuthError(EngineError):
    """Credentials are wrong or a token was rejected."""


class QuotaError(EngineError):
    """The account cannot do this (arrears, trial over, paid plan needed)."""


class BadInputError(EngineError):
    """The vendor (or our pre-check) rejected the text or parameters: retrying will not help."""


class LocalStorageError(StudioError):
    """Writing on this machine failed (disk full, no permission, read-only folder): not the vendor's fault.

    Why its own type: a vendor's finished task must not be failed (and paid again next time) because our disk
    is full; the render stops with the real reason and the task id stays in the project for the next run.
    """

    def __init__(self, message: str, *, path: str | Path | None = None) -> None:
        self.path = str(path) if path is not None else None
        super().__init__(message)

    @classmethod
    def from_os_error(cls, exc: OSError, path: str | Path | None = None) -> LocalStorageError:
        """``No space left on device: /the/file`` from an ``OSError`` and the file we were writing."""
        where = path if path is not None else exc.filename
        reason = exc.strerror or type(exc).__name__
        return cls(f"{reason}: {where}" if where is not None else reason, path=where)


class CancelledError(StudioError):
    """Work was cancelled by the user."""
