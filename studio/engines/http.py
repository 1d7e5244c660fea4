"""Small HTTP helpers shared by the cloud engines: one session factory, one way to describe failures.

Why a module of its own: every vendor call must have connect/read timeouts, verified TLS and a connection
pool big enough for the worker threads, and every failure must be described *without* the URL, because
vendor URLs carry tokens in their query strings (Alibaba's poll, Baidu's ``access_token``). Exceptions end
up in the job monitor, the CLI and crash reports, where a token must never appear.

The helpers never retry: the render scheduler owns retries and backoff.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from studio.core.errors import ConnectionLostError
from studio.logsetup import redact

# urllib3 logs whole request URLs (tokens in the query string) at DEBUG on its own loggers, which our
# redacting handler never sees: keep it at WARNING for as long as the engines are loaded.
logging.getLogger("urllib3").setLevel(logging.WARNING)

__all__ = [
    "DEFAULT_TIMEOUT",
    "describe_response",
    "make_session",
    "response_json",
    "scrub",
    "transport_error",
]

#: (connect, read) seconds: a dead host fails fast, a slow vendor gets time to answer.
DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 30.0)

_USER_AGENT = "AudiobookStudio/0.1 (+python-requests)"

# Vendor messages quote tokens in prose ("The token 'abc' is invalid!"), which ``redact`` (made for
# ``key=value`` pairs) does not catch.
_QUOTED_TOKEN = re.compile(r"(?i)(token\s*[:=]?\s*['\"`])([^'\"`]+)(['\"`])")
_URL = re.compile(r"(?i)\bhttps?://[^\s'\"<>]+")


def make_session(*, pool_size: int = 32, user_agent: str = _USER_AGENT) -> requests.Session:
    """A ``requests.Session`` for one engine: pooled, TLS-verified, with no automatic retries.

    ``pool_size`` connections per host so that many worker threads sharing the session do not queue on
    (or discard) connections. ``max_retries=0``: a retry hidden here would double-bill a submit whose
    answer was lost, and would hide throttling from the scheduler.
    """
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_size, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.verify = True
    session.headers["User-Agent"] = user_agent
    return session


def scrub(text: str, secrets: Iterable[str | None] = ()) -> str:
    """Remove secrets from text meant for people: known secret values, quoted tokens, URL parameters.

    Known values (tokens we were issued, the AccessKey secret) are replaced wherever they appear; then
    tokens quoted in prose and ``key=value`` secrets (via ``studio.logsetup.redact``) are masked, and whole
    URLs are dropped to their scheme and host, since their paths and queries may carry signatures.
    """
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    text = _QUOTED_TOKEN.sub(lambda m: f"{m.group(1)}***{m.group(3)}", text)
    text = _URL.sub(lambda m: _host_only(m.group(0)), text)
    return redact(text)


def _host_only(url: str) -> str:
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0].split("?", 1)[0]
    return f"{scheme}://{host}/…"


def transport_error(exc: BaseException, what: str, secrets: Iterable[str | None] = ()) -> ConnectionLostError:
    """A network failure (no connection, timeout, dropped or short response) as a ``ConnectionLostError``: the
    scheduler backs off and asks again without counting it against the unit's attempts.

    The message names what we were doing and the kind of failure, never the URL: requests puts the full
    URL, query string included, into its exception texts. Raise the result *outside* the ``except`` block
    that caught ``exc`` (keep the exception in a variable): inside it, even ``raise ... from None`` leaves the
    original (and its URL) attached as ``__context__``, where a crash reporter would find it.
    """
    if isinstance(exc, requests.Timeout):
        kind = "timed out"
    elif isinstance(exc, requests.exceptions.ChunkedEncodingError):
        kind = "connection dropped mid-response"
    elif isinstance(exc, requests.ConnectionError):
        kind = "connection failed"
    else:
        kind = f"failed ({type(exc).__name__})"
    detail = _root_cause(exc)
    message = f"{what}: {kind}"
    if detail:
        message += f" ({scrub(detail, secrets)})"
    return ConnectionLostError(message)


def _root_cause(exc: BaseException) -> str:
    """The innermost reason (e.g. "Connection refused"), which is what a user can act on."""
    seen: set[int] = set()
    current: BaseException | None = exc
    reason = ""
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        inner = getattr(current, "reason", None)
        if isinstance(inner, BaseException):
            current = inner
            continue
        args = getattr(current, "args", ())
        if args and isinstance(args[0], BaseException):
            current = args[0]
            continue
        reason = str(current)
        break
    # urllib3 formats "<urllib3.connection.HTTPConnection object at 0x...>: Failed to establish ..."
    reason = re.sub(r"<[^>]*object at 0x[0-9a-f]+>:?\s*", "", reason)
    return reason[:300]


def response_json(response: requests.Response) -> dict[str, Any] | None:
    """The body as a JSON object, or None when it is not one (an HTML error page, an empty body)."""
    try:
        data = json.loads(response.content.decode("utf-8", errors="replace"))
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def describe_response(response: requests.Response) -> str:
    """``HTTP 502 Bad Gateway``: the status without the URL (which may carry a token)."""
    reason = response.reason or ""
    if isinstance(reason, bytes):  # pragma: no cover - requests decodes it already
        reason = reason.decode("latin-1", errors="replace")
    return f"HTTP {response.status_code}{' ' + reason if reason else ''}"
