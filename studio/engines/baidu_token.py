"""Baidu OAuth access tokens (client credentials), shared by every thread of one engine.

Why a class of its own: every Baidu call needs an ``access_token`` made from the user's API Key and Secret
Key. Tokens live 30 days, so one is fetched once, reused by all worker threads, and renewed shortly before
it expires or when Baidu rejects it (error 110/111: ``invalidate`` then ``get``). When many threads need a
token at the same moment exactly one request goes out; the others wait for its result, and if it fails they
all get that failure instead of queueing up one timeout each.

Secrets: the API Key and Secret Key travel in the URL's query string (that is Baidu's protocol), so neither
the URL nor the exception texts of ``requests`` (which quote it) ever reach a message; the token itself is
never part of a message, repr or log line either.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
from collections.abc import Callable

import requests

from studio.core.credentials import BaiduCredentials
from studio.core.errors import AuthError, EngineError, RetryableEngineError
from studio.engines.baidu_errors import error_for_code, error_for_token_response, error_for_transport
from studio.engines.http import describe_response, response_json

__all__ = ["DEFAULT_TOKEN_URL", "BaiduTokenProvider"]

log = logging.getLogger("studio.engines.baidu")

DEFAULT_TOKEN_URL = "https://aip.baidubce.com/oauth/2.0/token"
#: Renew this long before the announced expiry (at most; a tenth of the lifetime for short-lived tokens).
REFRESH_MARGIN_S = 600.0
#: Lifetime assumed when Baidu does not say (``expires_in`` missing): rejections renew it anyway.
DEFAULT_LIFETIME_S = 86_400.0


class BaiduTokenProvider:
    """Hands out a valid access token; thread-safe, at most one token request in flight.

    ``session`` is used as is (the engine owns and closes it); ``timeout`` is requests' (connect, read).
    ``clock`` is injectable so tests can move time without sleeping.
    """

    def __init__(self, credentials: BaiduCredentials, *, token_url: str = DEFAULT_TOKEN_URL,
                 session: requests.Session, timeout: float | tuple[float, float] = (5.0, 30.0),
                 clock: Callable[[], float] = time.monotonic) -> None:
        if not credentials.api_key or not credentials.secret_key:
            raise AuthError("Baidu credentials need both an API key and a secret key")
        self._credentials = credentials
        self._token_url = token_url
        self._session = session
        self._timeout = timeout
        self._clock = clock
        self._cond = threading.Condition()
        self._token: str | None = None
        self._renew_at = 0.0
        self._fetching = False
        self._generation = 0  # bumps once per finished token request
        self._failure: tuple[int, EngineError] | None = None  # (generation, error) of the last failed request
        self.requests_made = 0  # for diagnostics and tests

    def __repr__(self) -> str:
        state = "valid token" if self._token is not None else "no token"
        return f"BaiduTokenProvider({self._credentials!r}, {state})"

    def get(self) -> str:
        """A token valid for a while yet; fetches one (once, for all waiting threads) when needed.

        Raises ``AuthError`` for rejected keys, ``RetryableEngineError`` for server and network failures.
        """
        with self._cond:
            while True:
                if self._token is not None and self._clock() < self._renew_at:
                    return self._token
                if not self._fetching:
                    self._fetching = True
                    break
                waited_for = self._generation + 1
                while self._fetching:
                    self._cond.wait()
                if self._failure is not None and self._failure[0] == waited_for:
                    raise _fresh(self._failure[1])
        token: str | None = None
        error: EngineError | None = None
        try:
            token, lifetime = self._request()
        except EngineError as exc:
            error = exc
            raise
        finally:
            with self._cond:
                self._fetching = False
                self._generation += 1
                if token is not None:
                    self._token = token
                    self._renew_at = self._clock() + max(0.0, lifetime - min(REFRESH_MARGIN_S, lifetime / 10))
                    self._failure = None
                else:
                    # Unexpected exceptions count as failures too, so waiters never spin on a stale state.
                    self._failure = (self._generation, error or RetryableEngineError("Baidu token request failed"))
                self._cond.notify_all()
        assert token is not None
        return token

    def invalidate(self, token: str) -> None:
        """Forget ``token`` because Baidu rejected it; a newer token (renewed meanwhile) is kept."""
        with self._cond:
            if self._token == token:
                self._token = None
                self._renew_at = 0.0

    def reset(self) -> None:
        """Forget any cached token, so the next ``get`` asks Baidu (a "Test connection" button)."""
        with self._cond:
            self._token = None
            self._renew_at = 0.0

    # -- internals ------------------------------------------------------------------------------------

    def _request(self) -> tuple[str, float]:
        params = {"grant_type": "client_credentials", "client_id": self._credentials.api_key,
                  "client_secret": self._credentials.secret_key}
        self.requests_made += 1
        try:
            response = self._session.post(self._token_url, params=params, timeout=self._timeout)
        except requests.RequestException as exc:
            raise error_for_transport(exc, action="token request", secrets=(
                self._credentials.api_key, self._credentials.secret_key)) from None
        with response:
            data = response_json(response)
        if data is None:
            if response.status_code >= 400:
                raise error_for_token_response(response.status_code, None, None)
            raise RetryableEngineError(f"Baidu token request: the answer is not JSON ({describe_response(response)})")
        token = data.get("access_token")
        if response.ok and isinstance(token, str) and token:
            lifetime = _seconds(data.get("expires_in"))
            log.debug("Baidu access token obtained, valid for %.0f s", lifetime)
            return token, lifetime
        if data.get("error"):
            raise error_for_token_response(response.status_code, str(data["error"]),
                                           _text(data.get("error_description")))
        if data.get("error_code") not in (None, 0, "0"):
            raise error_for_code(data["error_code"], _text(data.get("error_msg")), action="token request")
        if response.status_code >= 400:
            raise error_for_token_response(response.status_code, None, None)
        raise RetryableEngineError("Baidu token request: the answer holds no access token")


def _fresh(error: EngineError) -> EngineError:
    """A copy of a shared failure, so threads raising it at once do not share one traceback."""
    clone = copy.copy(error)
    clone.__traceback__ = None
    return clone


def _seconds(value: object) -> float:
    if not isinstance(value, (str, int, float)):
        return DEFAULT_LIFETIME_S
    try:
        seconds = float(value)
    except ValueError:
        return DEFAULT_LIFETIME_S
    return seconds if seconds > 0 else DEFAULT_LIFETIME_S


def _text(value: object) -> str | None:
    return None if value is None else str(value)
