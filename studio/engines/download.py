"""Download a finished cloud task's audio and turn it into the 16-bit WAV the studio works on. Qt-free.

Why shared: both cloud engines do the same thing (stream the vendor's link into a temporary file next to the
destination, check that the whole body arrived, convert, rename into place, leave nothing behind on failure)
and they had drifted: one opened its temporary file twice, and one skipped the length check whenever the
body was content-encoded (Content-Length counts the bytes on the wire, so a compressed body is checked by what
was read off the connection, not by what it decoded to). What differs per vendor (how a refused link or an HTTP
error is reported, how the format is known) is passed in.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import requests

from studio.audio.errors import AudioError
from studio.audio.wavinfo import WavInfo
from studio.core.errors import EngineError, LocalStorageError, RetryableEngineError
from studio.engines.audio_convert import to_wav

__all__ = ["AudioSource", "DownloadErrors", "download_wav"]

_CHUNK = 1 << 16
#: HTTP answers that mean the link itself is no longer valid (expired, revoked, gone).
REFUSED_STATUSES = (403, 404, 410)


@dataclass(frozen=True)
class AudioSource:
    """What the downloaded bytes are: a container ("wav", "pcm", "mp3", "auto") and, for raw PCM, its rate."""

    container: str
    sample_rate: int | None = None


@dataclass(frozen=True)
class DownloadErrors:
    """How one vendor reports what can go wrong with a download (each returns the error to raise).

    ``refused``: the link answered 403/404/410 (expired); ``http``: any other non-200 status; ``transport``:
    no whole answer (the vendor's own wording, with its secrets scrubbed).
    """

    refused: Callable[[requests.Response], EngineError]
    http: Callable[[int], EngineError]
    transport: Callable[[requests.RequestException], EngineError]


def download_wav(session: requests.Session, url: str, dest: Path, *, what: str, timeout: float | tuple[float, float],
                 errors: DownloadErrors, source: Callable[[Path], AudioSource]) -> WavInfo:
    """Stream ``url`` to a temporary file beside ``dest``, check it is whole, convert it to WAV at ``dest``
    (atomically) and describe it. ``what`` names the download in messages ("Baidu task 123").

    ``source(path)`` says what the downloaded file is (it may look at the bytes). A body shorter than its
    Content-Length, an empty body and audio that cannot be decoded are ``RetryableEngineError`` (download
    again); a local file system error (disk full, no permission) is a ``LocalStorageError`` naming the path: it
    is our disk, not the vendor, so the task stays valid and the render stops with the real reason. Nothing is
    left behind on failure.
    """
    dest = Path(dest)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".download")
    except OSError as exc:
        raise LocalStorageError.from_os_error(exc, dest.parent) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            _stream(session, url, out, tmp, what=what, timeout=timeout, errors=errors)
        kind = source(tmp)
        try:
            return to_wav(tmp, dest, source_format=kind.container, sample_rate=kind.sample_rate)
        except AudioError as exc:
            raise RetryableEngineError(f"{what}: the downloaded audio is not usable ({exc.message})") from None
        except OSError as exc:
            raise LocalStorageError.from_os_error(exc, dest) from None
    finally:
        tmp.unlink(missing_ok=True)


def _stream(session: requests.Session, url: str, out: BinaryIO, path: Path, *, what: str,
            timeout: float | tuple[float, float], errors: DownloadErrors) -> None:
    failure: requests.RequestException | None = None
    expected: str | None = None
    wire = received = 0
    try:
        with session.get(url, stream=True, timeout=timeout) as response:
            if response.status_code in REFUSED_STATUSES:
                raise errors.refused(response)
            if response.status_code != 200:
                raise errors.http(response.status_code)
            expected = response.headers.get("Content-Length")
            for chunk in response.iter_content(_CHUNK):
                out.write(chunk)
                received += len(chunk)
            wire = _wire_bytes(response, received)
    except requests.RequestException as exc:
        failure = exc
    except OSError as exc:  # requests' own errors are OSErrors too, but were caught above
        raise LocalStorageError.from_os_error(exc, path) from None
    if failure is not None:
        # Raised outside the handler, so the requests exception (whose text holds the URL, which may hold a
        # token) is not even the suppressed context of what we raise.
        raise errors.transport(failure)
    if expected is not None and expected.strip().isdigit() and wire != int(expected):
        raise RetryableEngineError(f"{what}: truncated download ({wire:,} of {int(expected):,} bytes); "
                                   "download again")
    if received == 0:
        raise RetryableEngineError(f"{what}: the audio file is empty")


def _wire_bytes(response: requests.Response, decoded: int) -> int:
    """Bytes read off the connection (what Content-Length counts), even if the body was content-encoded."""
    raw = getattr(response, "raw", None)
    tell = getattr(raw, "tell", None)
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    if callable(tell) and encoding not in ("", "identity"):
        try:
            return int(tell())
        except (TypeError, ValueError, OSError):
            return decoded
    return decoded
