"""The Baidu token provider: caching until shortly before expiry, one request for many threads, errors."""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
import requests

from studio.core.credentials import BaiduCredentials
from studio.core.errors import AuthError, RetryableEngineError
from studio.engines.baidu_token import BaiduTokenProvider

CREDS = BaiduCredentials(api_key="APIKEY-abcdef123", secret_key="SECRET-zyxwvu987")


def make_response(status: int = 200, body: object = None, *, content: bytes | None = None,
                  headers: dict[str, str] | None = None) -> requests.Response:
    """A real ``requests.Response`` with a body, as the engine and the provider see one."""
    response = requests.Response()
    response.status_code = status
    raw = content if content is not None else json.dumps(body).encode("utf-8")
    response._content = raw  # type: ignore[attr-defined]
    response.raw = io.BytesIO(raw)
    response.headers.update(headers or {})
    response.reason = "OK" if status == 200 else "Error"
    return response


Handler = Callable[[str, str, dict[str, Any]], requests.Response]


class FakeSession:
    """Records calls and answers them with ``handler(method, url, kwargs)``; thread-safe."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.calls: list[tuple[str, str, dict[str, Any]]] = []
        self.lock = threading.Lock()
        self.closed = False

    def _call(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        assert kwargs.get("timeout"), "every call needs a timeout"
        with self.lock:
            self.calls.append((method, url, kwargs))
        return self.handler(method, url, kwargs)

    def post(self, url: str, **kwargs: Any) -> requests.Response:
        return self._call("POST", url, **kwargs)

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        return self._call("GET", url, **kwargs)

    def close(self) -> None:
        self.closed = True

    def calls_to(self, fragment: str) -> list[tuple[str, str, dict[str, Any]]]:
        with self.lock:
            return [c for c in self.calls if fragment in c[1]]


def token_handler(expires_in: int = 2592000, delay: float = 0.0) -> Handler:
    counter = iter(range(1, 10_000))

    def handler(method: str, url: str, kwargs: dict[str, Any]) -> requests.Response:
        time.sleep(delay)
        params = kwargs["params"]
        assert params["grant_type"] == "client_credentials"
        if params["client_id"] != CREDS.api_key:
            return make_response(401, {"error": "invalid_client", "error_description": "unknown client id"})
        if params["client_secret"] != CREDS.secret_key:
            return make_response(401, {"error": "invalid_client",
                                       "error_description": "Client authentication failed"})
        return make_response(200, {"access_token": f"24.token{next(counter)}", "expires_in": expires_in})

    return handler


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def provider(session: FakeSession, creds: BaiduCredentials = CREDS, clock: Clock | None = None) -> BaiduTokenProvider:
    return BaiduTokenProvider(creds, token_url="https://example.test/oauth/2.0/token",
                              session=session, timeout=(1.0, 2.0),  # type: ignore[arg-type]
                              clock=clock or time.monotonic)


def test_token_is_cached_until_shortly_before_expiry() -> None:
    session = FakeSession(token_handler(expires_in=3600))
    clock = Clock()
    tokens = provider(session, clock=clock)
    assert tokens.get() == "24.token1"
    clock.now += 3000
    assert tokens.get() == "24.token1"
    clock.now += 250  # 3250 s > 3600 - 360 (a tenth of the lifetime)
    assert tokens.get() == "24.token2"
    assert len(session.calls) == 2
    method, url, kwargs = session.calls[0]
    assert method == "POST" and url.endswith("/oauth/2.0/token")
    assert kwargs["params"]["client_id"] == CREDS.api_key


def test_many_threads_share_one_request() -> None:
    session = FakeSession(token_handler(delay=0.2))
    tokens = provider(session)
    results: list[str] = []
    barrier = threading.Barrier(20)

    def worker() -> None:
        barrier.wait()
        results.append(tokens.get())

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["24.token1"] * 20
    assert len(session.calls) == 1


def test_waiters_share_a_failure_instead_of_queueing() -> None:
    def handler(method: str, url: str, kwargs: dict[str, Any]) -> requests.Response:
        time.sleep(0.2)
        raise requests.ConnectTimeout("connect timed out")

    session = FakeSession(handler)
    tokens = provider(session)
    errors: list[BaseException] = []
    barrier = threading.Barrier(10)

    def worker() -> None:
        barrier.wait()
        try:
            tokens.get()
        except RetryableEngineError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(errors) == 10
    assert len(session.calls) == 1
    assert len({id(e) for e in errors}) == 10  # each thread raises its own copy


def test_invalidate_only_drops_the_rejected_token() -> None:
    session = FakeSession(token_handler())
    tokens = provider(session)
    first = tokens.get()
    tokens.invalidate("24.some-older-token")
    assert tokens.get() == first
    tokens.invalidate(first)
    assert tokens.get() == "24.token2"
    tokens.reset()
    assert tokens.get() == "24.token3"


@pytest.mark.parametrize(("creds", "said"), [
    (BaiduCredentials("WRONG-api-key", CREDS.secret_key), "unknown client id"),
    (BaiduCredentials(CREDS.api_key, "WRONG-secret-key"), "Client authentication failed"),
])
def test_bad_keys_are_auth_errors_with_vendor_words(creds: BaiduCredentials, said: str) -> None:
    tokens = provider(FakeSession(token_handler()), creds=creds)
    with pytest.raises(AuthError) as info:
        tokens.get()
    assert info.value.vendor_code == "invalid_client"
    assert info.value.vendor_message == said
    text = str(info.value) + repr(info.value) + repr(tokens)
    assert creds.api_key not in text and creds.secret_key not in text
    assert info.value.__cause__ is None


@pytest.mark.parametrize("response", [
    make_response(500, content=b"<html>oops</html>"),
    make_response(503, {"error": "temporarily_unavailable", "error_description": "try later"}),
    make_response(200, {"unexpected": True}),
    make_response(200, content=b"not json"),
])
def test_server_trouble_is_retryable(response: requests.Response) -> None:
    tokens = provider(FakeSession(lambda m, u, k: response))
    with pytest.raises(RetryableEngineError):
        tokens.get()


def test_connection_error_hides_the_secret_url() -> None:
    def handler(method: str, url: str, kwargs: dict[str, Any]) -> requests.Response:
        raise requests.ConnectionError(
            "HTTPSConnectionPool(host='aip.baidubce.com', port=443): Max retries exceeded with url: "
            f"/oauth/2.0/token?grant_type=client_credentials&client_id={CREDS.api_key}&"
            f"client_secret={CREDS.secret_key} (Caused by NewConnectionError('refused'))")

    tokens = provider(FakeSession(handler))
    with pytest.raises(RetryableEngineError) as info:
        tokens.get()
    text = str(info.value) + repr(info.value)
    assert CREDS.api_key not in text and CREDS.secret_key not in text
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_repr_never_shows_the_token() -> None:
    tokens = provider(FakeSession(token_handler()))
    token = tokens.get()
    assert token not in repr(tokens)
    assert CREDS.secret_key not in repr(tokens)
