"""Alibaba NLS tokens: a signed CreateToken call (our own POP signer, no SDK) and a shared token cache.

Why our own signer: the signature is ~20 lines (sorted params, RFC 3986 encoding, HMAC-SHA1, base64),
tested against the vendor's published vector, while the generated SDK pulls a dependency tree into every
packaged app and cannot be pointed at the emulator as simply as a URL.

Why one provider per engine, shared by all worker threads: tokens live for hours (read from ExpireTime),
CreateToken is rate limited, and twenty workers starting at once must cause one CreateToken call, not
twenty. A rejected token is invalidated once by whoever saw the rejection and the next caller fetches a
fresh one. Neither the AccessKey secret, the signature nor a token ever appears in a message.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import quote

import requests

from studio.core.credentials import AliyunCredentials
from studio.core.errors import AuthError, EngineError, RetryableEngineError, ThrottledError
from studio.engines.http import DEFAULT_TIMEOUT, describe_response, response_json, scrub, transport_error

__all__ = [
    "DEFAULT_TOKEN_URL",
    "AliyunToken",
    "AliyunTokenProvider",
    "create_token_params",
    "percent_encode",
    "pop_signature",
]

log = logging.getLogger("studio.engines.aliyun")

DEFAULT_TOKEN_URL = "https://nls-meta.cn-shanghai.aliyuncs.com/"

#: Refresh this long before ExpireTime at most ...
MAX_MARGIN_S = 60.0
#: ... or this fraction of the token's lifetime, whichever is smaller (short-lived tokens stay usable).
MARGIN_FRACTION = 0.1

# POP error codes that mean "these credentials will not work": stop and ask the user.
_AUTH_CODES = {
    "InvalidAccessKeyId.NotFound": "the AccessKey ID does not exist",
    "InvalidAccessKeyId.Inactive": "the AccessKey is disabled",
    "InvalidAccessKeyId": "the AccessKey ID is invalid",
    "SignatureDoesNotMatch": "the AccessKey secret is wrong (signature mismatch)",
    "IncompleteSignature": "the request signature is incomplete",
    "InvalidTimeStamp.Expired": "the request time is off; check this computer's clock",
    "InvalidTimeStamp.Format": "the request timestamp is malformed",
    "Forbidden": "the AccessKey has no permission to create NLS tokens",
    "Forbidden.RAM": "the RAM user has no permission to create NLS tokens (AliyunNLSFullAccess)",
    "Forbidden.AccessKeyDisabled": "the AccessKey is disabled",
    "Forbidden.NoPermission": "the AccessKey has no permission to create NLS tokens",
    "InvalidAccessKeySecret": "the AccessKey secret is wrong",
    "UnsupportedSignatureMethod": "the signature method is not supported",
}
_RETRY_CODES = {"SignatureNonceUsed", "ServiceUnavailable", "InternalError", "ServiceUnavailableTemporary"}


def percent_encode(value: str) -> str:
    """RFC 3986 encoding as POP wants it: only ``A-Za-z0-9-_.~`` kept, space as ``%20``, UTF-8 bytes."""
    return quote(value, safe="-_.~")


def pop_signature(params: Mapping[str, str], secret: str, method: str = "GET") -> str:
    """Base64(HMAC-SHA1(secret + "&", METHOD&%2F&encode(sorted, encoded k=v joined by &))).

    ``params`` must not contain ``Signature`` itself.
    """
    canonical = "&".join(f"{percent_encode(k)}={percent_encode(str(params[k]))}" for k in sorted(params))
    string_to_sign = f"{method.upper()}&{percent_encode('/')}&{percent_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def create_token_params(access_key_id: str, *, timestamp: str | None = None,
                        nonce: str | None = None) -> dict[str, str]:
    """The CreateToken parameters (without Signature); a fresh UTC timestamp and nonce unless given."""
    return {
        "AccessKeyId": access_key_id,
        "Action": "CreateToken",
        "Format": "JSON",
        "RegionId": "cn-shanghai",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": nonce or str(uuid.uuid4()),
        "SignatureVersion": "1.0",
        "Timestamp": timestamp or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "Version": "2019-02-28",
    }


@dataclass(frozen=True, repr=False)
class AliyunToken:
    """A token and when the server says it expires (Unix seconds). ``repr`` hides the value."""

    value: str
    expire_time: float

    def __repr__(self) -> str:
        return f"AliyunToken(value='***', expire_time={self.expire_time:.0f})"


class AliyunTokenProvider:
    """Creates, caches and shares one NLS token between threads.

    ``get()`` returns a token valid for a while yet, fetching one if needed: the fetch happens under a lock,
    so concurrent callers wait for the one request in flight and share its outcome (its token, or its
    error: twenty threads with a wrong secret cause one CreateToken call, not twenty). ``invalidate(token)``
    drops the cached token if it is still that one, so a token rejected by the TTS service is replaced
    exactly once however many threads saw the rejection.
    """

    def __init__(self, credentials: AliyunCredentials, token_url: str = DEFAULT_TOKEN_URL,
                 session: requests.Session | None = None, *, timeout: tuple[float, float] = DEFAULT_TIMEOUT,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._credentials = credentials
        self._url = token_url
        self._own_session = session is None
        self._session = session if session is not None else requests.Session()
        self._timeout = timeout
        self._clock = clock
        self._lock = threading.Lock()
        self._token: AliyunToken | None = None
        self._refresh_at = 0.0  # clock() value after which the cached token is not handed out
        self._failure: tuple[float, type[EngineError], str, str | int | None, str | None] | None = None
        self._issued: list[str] = []  # recent token values, so messages can be scrubbed of them
        self._issued_lock = threading.Lock()  # not ``_lock``: that one is held during a CreateToken call
        self.requests_made = 0

    # -- public -------------------------------------------------------------------------------------

    def get(self) -> str:
        """A token to use now. Raises AuthError / ThrottledError / RetryableEngineError from CreateToken."""
        arrived = self._clock()
        with self._lock:
            if self._token is not None and self._clock() < self._refresh_at:
                return self._token.value
            failure = self._failure
            if failure is not None and failure[0] >= arrived:
                # A fetch that failed while we were waiting for the lock: share its outcome.
                _, cls, message, code, vendor_message = failure
                raise cls(message, vendor_code=code, vendor_message=vendor_message)
            try:
                token, lifetime = self._fetch()
            except EngineError as exc:
                self._failure = (self._clock(), type(exc), _base_message(exc), exc.vendor_code, exc.vendor_message)
                raise
            self._failure = None
            self._token = token
            margin = min(MAX_MARGIN_S, MARGIN_FRACTION * max(lifetime, 0.0))
            self._refresh_at = self._clock() + lifetime - margin
            return token.value

    def invalidate(self, token: str | None = None) -> None:
        """Forget the cached token (only if it is ``token``, when given): the service rejected it."""
        with self._lock:
            if self._token is not None and (token is None or self._token.value == token):
                self._token = None
                self._refresh_at = 0.0

    def secrets(self) -> list[str]:
        """Values that must never appear in a message: the AccessKey secret and every token issued."""
        with self._issued_lock:
            return [self._credentials.access_key_secret, *self._issued]

    def close(self) -> None:
        if self._own_session:
            self._session.close()

    # -- internals ----------------------------------------------------------------------------------

    def _fetch(self) -> tuple[AliyunToken, float]:
        """One signed CreateToken call; returns the token and its lifetime in seconds from now."""
        creds = self._credentials
        params = create_token_params(creds.access_key_id)
        params["Signature"] = pop_signature(params, creds.access_key_secret)
        query = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in params.items())
        url = f"{self._url}{'&' if '?' in self._url else '?'}{query}"
        secrets = [*self.secrets(), params["Signature"]]
        self.requests_made += 1
        failure: requests.RequestException | None = None
        try:
            response = self._session.get(url, timeout=self._timeout)
        except requests.RequestException as exc:
            failure = exc
        if failure is not None:
            # Raised outside the handler: the requests exception's text holds the signed URL, and must not
            # ride along even as the suppressed __context__.
            raise transport_error(failure, "Alibaba CreateToken", secrets)
        data = response_json(response)
        token = (data or {}).get("Token") if response.status_code == 200 else None
        if not isinstance(token, dict) or not token.get("Id"):
            raise _pop_error(response, data, secrets)
        value = str(token["Id"])
        try:
            expire = float(token.get("ExpireTime") or 0)
        except (TypeError, ValueError):
            expire = 0.0
        if expire > 1e11:  # milliseconds, not the documented seconds: be tolerant
            expire /= 1000.0
        with self._issued_lock:
            self._issued.append(value)
            del self._issued[:-16]  # a bounded memory of past tokens is enough for scrubbing
        lifetime = expire - _server_now(response) if expire else 3600.0
        log.info("Alibaba token created (valid for %.0f s)", lifetime)
        return AliyunToken(value, expire), lifetime


def _server_now(response: requests.Response) -> float:
    """The server's clock (its Date header) so a skewed local clock does not misjudge ExpireTime."""
    date = response.headers.get("Date")
    if date:
        try:
            return parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError, IndexError):
            pass
    return time.time()


def _pop_error(response: requests.Response, data: dict[str, object] | None, secrets: list[str]) -> EngineError:
    """A POP error answer (``{"Code": .., "Message": ..}``) as the project's error type."""
    status = response.status_code
    code = str((data or {}).get("Code") or "") or None
    message = scrub(str((data or {}).get("Message") or (data or {}).get("ErrMsg") or ""), secrets) or None
    lowered = (message or "").lower()
    if code in _AUTH_CODES:
        return AuthError(f"Alibaba CreateToken failed: {_AUTH_CODES[code]}", vendor_code=code, vendor_message=message)
    if (code and code.startswith("Throttling")) or "flow control" in lowered or status == 429:
        return ThrottledError("Alibaba CreateToken was throttled (too many token requests); slow down",
                              vendor_code=code or status, vendor_message=message)
    if code in _RETRY_CODES or status >= 500:
        return RetryableEngineError(f"Alibaba CreateToken failed: server error ({describe_response(response)})",
                                    vendor_code=code or status, vendor_message=message)
    if code and (code.startswith(("InvalidAccessKey", "Forbidden", "Signature")) or status in (401, 403)):
        return AuthError("Alibaba CreateToken rejected the credentials", vendor_code=code, vendor_message=message)
    if status in (401, 403):
        return AuthError(f"Alibaba CreateToken rejected the credentials ({describe_response(response)})",
                         vendor_code=code or status, vendor_message=message)
    if status == 200:
        return RetryableEngineError("Alibaba CreateToken answered without a token", vendor_code=code,
                                    vendor_message=message)
    return EngineError(f"Alibaba CreateToken failed ({describe_response(response)})", vendor_code=code or status,
                       vendor_message=message)


def _base_message(exc: EngineError) -> str:
    """The message an EngineError was built with, before its vendor code suffix was appended."""
    text = str(exc)
    if exc.vendor_code is not None:
        suffix = f" (vendor code {exc.vendor_code}"
        cut = text.rfind(suffix)
        if cut >= 0:
            return text[:cut]
    return text
