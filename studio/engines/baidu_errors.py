"""Baidu's error codes -> the studio's error types, in one table.

Why a table of its own: the scheduler decides what to do from the error *type* alone (retry with backoff,
slow down, ask for credentials, give up on the text), so every code Baidu can answer must land in exactly one
of those types, and a test walks the whole table. Every error keeps Baidu's code and message verbatim
(``vendor_code``/``vendor_message``) for the job monitor.

Sources: the long-text API's own codes (336200-336204) and the example in its create section (100000
"missing param"); Baidu AI platform's generic codes, which every ``aip.baidubce.com`` API can answer
(4 / 17 / 18 / 19 limits, 110 / 111 tokens, 1 / 2 / 282000 server side, 6 / 13 / 14 / 15 permissions);
task failures (``task_result.err_no``, e.g. 3301 "speech quality error") are the vendor's engine giving up
on one task, which a new attempt usually gets past, so they are retryable unless the code says otherwise.

Nothing here ever formats a URL: Baidu puts ``access_token`` in the query string and the audio links carry a
signed ``authorization`` parameter, so transport errors are described without their URLs (through
``studio.engines.http``), and vendor messages pass through ``scrub``.
"""

from __future__ import annotations

from collections.abc import Iterable

import requests

from studio.core.errors import (
    AuthError,
    BadInputError,
    EngineError,
    QuotaError,
    RetryableEngineError,
    TaskExpiredError,
    ThrottledError,
)
from studio.engines.http import scrub, transport_error

__all__ = [
    "ERROR_CODES",
    "TASK_UNKNOWN",
    "TOKEN_CODES",
    "error_for_code",
    "error_for_http_status",
    "error_for_task_failure",
    "error_for_token_response",
    "error_for_transport",
]

#: Printed by ``studio accounts test baidu``: a token proves the keys, not that long-text synthesis is enabled.
LONG_TEXT_NOTE = ("a token proves the API Key and Secret Key only. Long-text synthesis must be enabled and paid "
                  "for on the application: otherwise the first task gets 336204 (enable 长文本在线合成 in the "
                  "Baidu AI console)")

#: Codes after which a fresh access token may help (the official SDK refreshes on 110; 111 = expired).
TOKEN_CODES = frozenset({110, 111})
#: The query API's "unknown task id": Baidu keeps tasks 72 h, so an old id has to be submitted again.
TASK_UNKNOWN = 336201

#: code -> (error type, what it means in our words). Vendor text is added by ``error_for_code``.
ERROR_CODES: dict[int, tuple[type[EngineError], str]] = {
    # Long-text synthesis API (documented).
    336200: (RetryableEngineError, "internal error at Baidu; retry later"),
    336201: (TaskExpiredError, "task unknown or expired at the vendor (results are kept 72 h); resubmit"),
    336202: (BadInputError, "invalid task_ids parameter"),
    336203: (BadInputError, "a required parameter is missing"),
    336204: (QuotaError, "long-text synthesis is not enabled for this application, or its free quota is used "
                         "up: in the Baidu AI console open the application's speech technology (语音技术) "
                         "services, enable and pay for long-text synthesis (长文本在线合成), then render again: "
                         "finished paragraphs are kept"),
    100000: (BadInputError, "a required parameter is missing"),  # the create example in the doc
    # Baidu AI platform, generic.
    1: (RetryableEngineError, "unknown error at Baidu; retry later"),
    2: (RetryableEngineError, "service temporarily unavailable; retry later"),
    3: (BadInputError, "the API method is not supported"),
    4: (QuotaError, "the application's request limit is reached"),
    6: (AuthError, "the application has no permission for this API (enable speech synthesis in the console)"),
    13: (AuthError, "could not get a service token for the application"),
    14: (AuthError, "IAM certification failed; check the API key and secret key"),
    15: (AuthError, "the application does not exist"),
    17: (QuotaError, "the daily request limit is reached"),
    18: (ThrottledError, "too many requests per second (QPS limit); slow down"),
    19: (QuotaError, "the total request limit is reached"),
    100: (BadInputError, "invalid parameter"),
    110: (AuthError, "access token invalid; check the API key and secret key"),
    111: (AuthError, "access token expired"),
    282000: (RetryableEngineError, "internal error at Baidu; retry later"),
    # Task failures (task_result.err_no in a query answer).
    3301: (RetryableEngineError, "synthesis failed at the vendor (speech quality error); retry"),
}


def error_for_code(code: int | str, message: str | None, *, action: str = "request") -> EngineError:
    """The studio error for a Baidu ``error_code`` (or task ``err_no``); unknown codes are not retryable.

    Unknown codes give a plain ``EngineError``: retrying something we do not understand could bill the user
    again and again, and the job monitor shows the vendor's code and message so the user can decide.
    """
    number = _as_int(code)
    kind, meaning = ERROR_CODES.get(number, (EngineError, "the vendor reported an error")) if number is not None \
        else (EngineError, "the vendor reported an error")
    vendor_message = scrub(str(message)) if message else None
    return kind(f"Baidu {action} failed: {meaning}", vendor_code=number if number is not None else code,
                vendor_message=vendor_message)


def error_for_task_failure(code: int | str | None, message: str | None) -> EngineError:
    """A task that ended in ``Failure``: known codes as in the table, anything else retryable.

    Why retryable by default: the text and parameters were accepted at submit time, so a failure afterwards is
    the vendor's synthesis giving up; the scheduler caps the attempts.
    """
    number = _as_int(code)
    if number is not None and number in ERROR_CODES:
        return error_for_code(number, message, action="synthesis task")
    vendor_message = scrub(str(message)) if message else None
    return RetryableEngineError("Baidu synthesis task failed at the vendor; retry",
                                vendor_code=number if number is not None else code, vendor_message=vendor_message)


def error_for_token_response(status: int, error: str | None, description: str | None) -> EngineError:
    """The OAuth endpoint's answer when it gives no token.

    ``invalid_client`` is a wrong API key ("unknown client id") or secret key ("Client authentication
    failed"): the user must fix the keys, so ``AuthError``, with Baidu's words kept.
    """
    vendor_message = scrub(description) if description else None
    if error:
        if status == 429:
            return ThrottledError("Baidu token request was throttled", vendor_code=error,
                                  vendor_message=vendor_message)
        if status >= 500:
            return RetryableEngineError("Baidu token service failed; retry later", vendor_code=error,
                                        vendor_message=vendor_message)
        if error in ("invalid_client", "unauthorized_client", "invalid_grant", "access_denied"):
            return AuthError("Baidu rejected the API key / secret key", vendor_code=error,
                             vendor_message=vendor_message)
        return AuthError("Baidu token request failed", vendor_code=error, vendor_message=vendor_message)
    return error_for_http_status(status, action="token request")


def error_for_http_status(status: int, *, action: str = "request") -> EngineError:
    """An HTTP failure without a Baidu error code in the body."""
    what = f"Baidu {action} failed with HTTP {status}"
    if status == 429:
        return ThrottledError(f"{what}: too many requests; slow down")
    if status >= 500 or status == 408:
        return RetryableEngineError(f"{what}; retry later")
    if status in (401, 403):
        return AuthError(f"{what}: access denied")
    return EngineError(f"{what} (check the service URL)")


def error_for_transport(exc: requests.RequestException, *, action: str = "request",
                        secrets: Iterable[str | None] = ()) -> EngineError:
    """A request that got no (whole) HTTP answer: connection refused or dropped, timeout, TLS failure.

    TLS verification failures and malformed service URLs are not retryable (a proxy, clock or settings
    problem the user has to fix); everything else on the wire is. The text never contains the URL; raise the
    result ``from None`` so requests' own exception (which quotes the URL) is not chained either.
    """
    if isinstance(exc, requests.exceptions.SSLError):
        said = str(transport_error(exc, f"Baidu {action}", secrets))
        return EngineError(f"{said}; TLS certificate verification failed: check the proxy and the system clock")
    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                        requests.exceptions.InvalidSchema)):
        return EngineError(f"Baidu {action}: the service URL is invalid ({type(exc).__name__})")
    return transport_error(exc, f"Baidu {action}", secrets)


def _as_int(code: object) -> int | None:
    if isinstance(code, bool):
        return None
    if isinstance(code, int):
        return code
    if isinstance(code, str):
        try:
            return int(code.strip())
        except ValueError:
            return None
    return None
