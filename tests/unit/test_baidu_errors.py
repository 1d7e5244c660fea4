"""Baidu error codes -> studio error types: the whole table, and that no URL or secret leaks into messages."""

from __future__ import annotations

import pytest
import requests

from studio.core.errors import (
    AuthError,
    BadInputError,
    ConnectionLostError,
    EngineError,
    QuotaError,
    RetryableEngineError,
    TaskExpiredError,
    ThrottledError,
)
from studio.engines.baidu_errors import (
    ERROR_CODES,
    TOKEN_CODES,
    error_for_code,
    error_for_http_status,
    error_for_task_failure,
    error_for_token_response,
    error_for_transport,
)

EXPECTED = {
    336200: RetryableEngineError,
    336201: TaskExpiredError,
    336202: BadInputError,
    336203: BadInputError,
    336204: QuotaError,
    100000: BadInputError,
    1: RetryableEngineError,
    2: RetryableEngineError,
    3: BadInputError,
    4: QuotaError,
    6: AuthError,
    13: AuthError,
    14: AuthError,
    15: AuthError,
    17: QuotaError,
    18: ThrottledError,
    19: QuotaError,
    100: BadInputError,
    110: AuthError,
    111: AuthError,
    282000: RetryableEngineError,
    3301: RetryableEngineError,
}


def test_table_is_what_we_documented() -> None:
    assert {code: kind for code, (kind, _) in ERROR_CODES.items()} == EXPECTED
    assert frozenset({110, 111}) == TOKEN_CODES


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_every_code_maps_to_its_type_and_keeps_vendor_words(code: int) -> None:
    err = error_for_code(code, "vendor says so", action="create")
    assert type(err) is EXPECTED[code]
    assert err.vendor_code == code
    assert err.vendor_message == "vendor says so"
    assert str(code) in str(err)
    assert "vendor says so" in str(err)
    assert "Baidu create" in str(err)


def test_codes_as_strings_are_understood() -> None:
    err = error_for_code("18", "Open api qps request limit reached")
    assert isinstance(err, ThrottledError)
    assert err.vendor_code == 18


def test_unknown_code_is_not_retried() -> None:
    err = error_for_code(424242, "something new")
    assert type(err) is EngineError
    assert not err.retryable
    assert "424242" in str(err)


def test_throttling_is_retryable_quota_is_not() -> None:
    assert error_for_code(18, "qps").retryable
    assert not error_for_code(17, "daily").retryable
    assert not error_for_code(336204, "limit").retryable


def test_task_failures_default_to_retryable() -> None:
    err = error_for_task_failure(3301, "speech quality error")
    assert isinstance(err, RetryableEngineError)
    assert "3301" in str(err) and "speech quality error" in str(err)
    other = error_for_task_failure(9999, "odd")
    assert isinstance(other, RetryableEngineError) and other.vendor_code == 9999
    assert isinstance(error_for_task_failure(336203, "missing param"), BadInputError)


def test_token_errors() -> None:
    err = error_for_token_response(401, "invalid_client", "unknown client id")
    assert isinstance(err, AuthError)
    assert err.vendor_code == "invalid_client" and err.vendor_message == "unknown client id"
    assert "unknown client id" in str(err)
    assert isinstance(error_for_token_response(401, "invalid_client", "Client authentication failed"), AuthError)
    assert isinstance(error_for_token_response(500, "server_error", "boom"), RetryableEngineError)
    assert isinstance(error_for_token_response(503, None, None), RetryableEngineError)
    assert isinstance(error_for_token_response(429, "too_many", None), ThrottledError)


@pytest.mark.parametrize(("status", "kind"), [
    (500, RetryableEngineError), (502, RetryableEngineError), (503, RetryableEngineError),
    (408, RetryableEngineError), (429, ThrottledError), (401, AuthError), (403, AuthError), (404, EngineError),
])
def test_http_status(status: int, kind: type[EngineError]) -> None:
    err = error_for_http_status(status, action="query")
    assert type(err) is kind
    assert str(status) in str(err)


SECRET_URL = ("https://aip.baidubce.com/rpc/2.0/tts/v1/create?access_token=24.SECRETTOKEN123&"
              "client_secret=SECRETKEY456")


@pytest.mark.parametrize(("exc", "kind"), [
    (requests.ConnectionError("HTTPSConnectionPool(host='aip.baidubce.com', port=443): Max retries exceeded "
                              "with url: /rpc/2.0/tts/v1/create?access_token=24.SECRETTOKEN123 (Caused by x)"),
     ConnectionLostError),
    (requests.ReadTimeout(f"Read timed out. {SECRET_URL}"), ConnectionLostError),
    (requests.exceptions.ChunkedEncodingError(f"IncompleteRead {SECRET_URL}"), ConnectionLostError),
    (requests.exceptions.SSLError(f"certificate verify failed {SECRET_URL}"), EngineError),
])
def test_transport_errors_never_quote_urls(exc: requests.RequestException, kind: type[EngineError]) -> None:
    err = error_for_transport(exc, action="create", secrets=("24.SECRETTOKEN123", "SECRETKEY456"))
    assert type(err) is kind  # a lost connection backs off without spending an attempt (issue 13)
    text = str(err) + repr(err)
    assert "SECRETTOKEN123" not in text
    assert "SECRETKEY456" not in text
    assert "access_token=24" not in text
