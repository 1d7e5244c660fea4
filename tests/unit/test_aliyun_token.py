"""The POP signer (published vector) and the shared, thread-safe token cache, against a stub session."""

from __future__ import annotations

import json
import threading
import time
from email.utils import formatdate
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from studio.core.credentials import AliyunCredentials
from studio.core.errors import AuthError, RetryableEngineError, ThrottledError
from studio.engines.aliyun_token import (
    AliyunToken,
    AliyunTokenProvider,
    create_token_params,
    percent_encode,
    pop_signature,
)

SECRET = "very-secret-access-key-value"
CREDS = AliyunCredentials("LTAI-test-id", SECRET, "appkey-123")


def test_published_signature_vector() -> None:
    params = create_token_params("my_access_key_id", timestamp="2019-04-18T08:32:31Z",
                                 nonce="b924c8c3-6d03-4c5d-ad36-d984d3116788")
    assert pop_signature(params, "my_access_key_secret") == "hHq4yNsPitlfDJ2L0nQPdugdEzM="
    assert pop_signature(params, "my_access_key_secret", method="get") == "hHq4yNsPitlfDJ2L0nQPdugdEzM="


def test_signature_depends_on_method_and_order_independent() -> None:
    params = create_token_params("id", timestamp="2019-04-18T08:32:31Z", nonce="n")
    reordered = dict(reversed(list(params.items())))
    assert pop_signature(reordered, "s") == pop_signature(params, "s")
    assert pop_signature(params, "s", method="POST") != pop_signature(params, "s")


@pytest.mark.parametrize(("raw", "encoded"), [
    ("a b", "a%20b"), ("a+b", "a%2Bb"), ("a*b", "a%2Ab"), ("~-_.", "~-_."), ("2019-04-18T08:32:31Z",
                                                                             "2019-04-18T08%3A32%3A31Z"),
    ("/", "%2F"), ("中", "%E4%B8%AD"), ("a=b&c", "a%3Db%26c"),
])
def test_percent_encode_rfc3986(raw: str, encoded: str) -> None:
    assert percent_encode(raw) == encoded


def test_create_token_params_fresh_nonce_and_utc_timestamp() -> None:
    a, b = create_token_params("id"), create_token_params("id")
    assert a["SignatureNonce"] != b["SignatureNonce"]
    assert time.strptime(a["Timestamp"], "%Y-%m-%dT%H:%M:%SZ")
    assert {k: a[k] for k in ("Action", "Version", "Format", "RegionId", "SignatureMethod", "SignatureVersion")} == {
        "Action": "CreateToken", "Version": "2019-02-28", "Format": "JSON", "RegionId": "cn-shanghai",
        "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0"}


def _response(status: int, body: Any, headers: dict[str, str] | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = body if isinstance(body, bytes) else json.dumps(body).encode()
    response.headers.update(headers or {})
    response.reason = {200: "OK", 400: "Bad Request", 403: "Forbidden", 500: "Internal Server Error"}.get(status, "")
    return response


class StubSession:
    """Answers CreateToken like the vendor; records every URL and checks each signature."""

    def __init__(self, lifetime: float = 3600.0, delay: float = 0.0) -> None:
        self.urls: list[str] = []
        self.lifetime = lifetime
        self.delay = delay
        self.answer: requests.Response | Exception | None = None
        self.count = 0
        self.lock = threading.Lock()

    def get(self, url: str, timeout: Any = None) -> requests.Response:
        assert timeout is not None
        with self.lock:
            self.urls.append(url)
            self.count += 1
            n = self.count
        if self.delay:
            time.sleep(self.delay)
        params = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
        signature = params.pop("Signature")
        assert signature == pop_signature(params, SECRET)
        if isinstance(self.answer, Exception):
            raise self.answer
        if self.answer is not None:
            return self.answer
        now = time.time()
        return _response(200, {"NlsRequestId": "r", "RequestId": "r", "ErrMsg": "",
                               "Token": {"ExpireTime": int(now + self.lifetime), "Id": f"token-{n:04d}-abcdef",
                                         "UserId": "u"}}, {"Date": formatdate(now, usegmt=True)})


def test_token_is_cached_and_request_is_signed() -> None:
    session = StubSession()
    provider = AliyunTokenProvider(CREDS, "http://meta.example/aliyun-meta/", session)  # type: ignore[arg-type]
    assert provider.get() == "token-0001-abcdef"
    assert provider.get() == "token-0001-abcdef"
    assert session.count == 1
    assert session.urls[0].startswith("http://meta.example/aliyun-meta/?")
    assert SECRET not in session.urls[0]


def test_twenty_threads_share_one_request() -> None:
    session = StubSession(delay=0.2)
    provider = AliyunTokenProvider(CREDS, "http://meta.example/", session)  # type: ignore[arg-type]
    barrier = threading.Barrier(20)
    results: list[str] = []

    def worker() -> None:
        barrier.wait()
        results.append(provider.get())

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert session.count == 1
    assert results == ["token-0001-abcdef"] * 20


def test_invalidate_refreshes_once() -> None:
    session = StubSession()
    provider = AliyunTokenProvider(CREDS, "http://meta.example/", session)  # type: ignore[arg-type]
    first = provider.get()
    provider.invalidate("some-other-token")  # not the cached one: ignored
    assert provider.get() == first
    provider.invalidate(first)
    provider.invalidate(first)  # a second thread seeing the same rejection changes nothing more
    second = provider.get()
    assert second != first
    assert provider.get() == second
    assert session.count == 2


def test_refresh_before_expiry_with_margin() -> None:
    now = [1000.0]
    session = StubSession(lifetime=100.0)  # margin = min(60, 10 s) = 10 s
    provider = AliyunTokenProvider(CREDS, "http://meta.example/", session, clock=lambda: now[0])  # type: ignore[arg-type]
    first = provider.get()
    now[0] += 85
    assert provider.get() == first
    now[0] += 10  # 95 s: inside the margin
    assert provider.get() != first
    assert session.count == 2


def test_long_lived_token_margin_is_sixty_seconds() -> None:
    now = [0.0]
    session = StubSession(lifetime=24 * 3600)
    provider = AliyunTokenProvider(CREDS, "http://meta.example/", session, clock=lambda: now[0])  # type: ignore[arg-type]
    first = provider.get()
    now[0] = 24 * 3600 - 62
    assert provider.get() == first
    now[0] = 24 * 3600 - 58
    assert provider.get() != first


@pytest.mark.parametrize(("status", "body", "error", "code"), [
    (404, {"RequestId": "r", "Message": "Specified access key is not found.", "HostId": "h",
           "Code": "InvalidAccessKeyId.NotFound"}, AuthError, "InvalidAccessKeyId.NotFound"),
    (400, {"RequestId": "r", "Message": "Specified signature is not matched with our calculation.",
           "Code": "SignatureDoesNotMatch"}, AuthError, "SignatureDoesNotMatch"),
    (400, {"Code": "InvalidTimeStamp.Expired", "Message": "Specified time stamp or date value is expired."},
     AuthError, "InvalidTimeStamp.Expired"),
    (400, {"Code": "Throttling.User", "Message": "Request was denied due to user flow control."},
     ThrottledError, "Throttling.User"),
    (503, {"Code": "ServiceUnavailable", "Message": "The request has failed due to a temporary failure."},
     RetryableEngineError, "ServiceUnavailable"),
    (500, b"<html>oops</html>", RetryableEngineError, 500),
    (403, {"Code": "Forbidden.RAM", "Message": "User not authorized to operate on the specified resource."},
     AuthError, "Forbidden.RAM"),
])
def test_pop_errors_are_mapped(status: int, body: Any, error: type, code: Any) -> None:
    session = StubSession()
    session.answer = _response(status, body)
    provider = AliyunTokenProvider(CREDS, "http://meta.example/", session)  # type: ignore[arg-type]
    with pytest.raises(error) as info:
        provider.get()
    assert type(info.value) is error
    assert info.value.vendor_code == code
    if isinstance(body, dict):
        assert info.value.vendor_message == body["Message"]
        assert body["Message"] in str(info.value)
    assert str(code) in str(info.value)
    assert SECRET not in str(info.value) and SECRET not in repr(info.value)


def test_connection_error_is_retryable_and_hides_url() -> None:
    session = StubSession()
    session.answer = requests.ConnectionError(
        "HTTPConnectionPool(host='x', port=1): Max retries exceeded with url: /?AccessKeyId=LTAI-test-id&"
        "Signature=abc%3D (Caused by NewConnectionError('Connection refused'))")
    provider = AliyunTokenProvider(CREDS, "http://meta.example/", session)  # type: ignore[arg-type]
    with pytest.raises(RetryableEngineError) as info:
        provider.get()
    assert "Signature=abc" not in str(info.value)
    assert "LTAI-test-id" not in str(info.value)
    assert info.value.__cause__ is None and info.value.__context__ is None  # the URL does not ride along


def test_concurrent_waiters_share_a_failure() -> None:
    session = StubSession(delay=0.2)
    session.answer = _response(404, {"Code": "InvalidAccessKeyId.NotFound", "Message": "Specified access key is "
                                     "not found."})
    provider = AliyunTokenProvider(CREDS, "http://meta.example/", session)  # type: ignore[arg-type]
    barrier = threading.Barrier(10)
    errors: list[BaseException] = []

    def worker() -> None:
        barrier.wait()
        try:
            provider.get()
        except AuthError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(errors) == 10
    assert session.count == 1
    assert all(e.vendor_code == "InvalidAccessKeyId.NotFound" for e in errors)  # type: ignore[attr-defined]
    # A later call (the user fixed something) asks again.
    with pytest.raises(AuthError):
        provider.get()
    assert session.count == 2


def test_token_repr_hides_value() -> None:
    assert "secret-token" not in repr(AliyunToken("secret-token", 1.0))


def test_missing_token_in_200_answer_is_retryable() -> None:
    session = StubSession()
    session.answer = _response(200, {"ErrMsg": "", "RequestId": "r"})
    provider = AliyunTokenProvider(CREDS, "http://meta.example/", session)  # type: ignore[arg-type]
    with pytest.raises(RetryableEngineError):
        provider.get()
