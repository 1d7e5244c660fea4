"""Request-rate limiting per engine: a token bucket the scheduler consults before every vendor request.

Why a bucket and not a sleep between calls: requests come in bursts (twenty submits when a render starts, a
poll round over many ids) and a bucket lets a short burst through at once while holding the long-run rate to
the configured requests per second. The scheduler asks ``take`` before dispatching and, when refused, asks
``wait_s`` how long until enough tokens exist, so it sleeps exactly as long as needed and never spins.

Only the scheduler's loop thread uses a bucket; no locking needed.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable


class TokenBucket:
    """``rate`` tokens per second, at most ``burst`` stored; ``rate`` of ``inf`` (or <= 0) means no limit."""

    def __init__(self, rate: float, burst: float | None = None, *, clock: Callable[[], float] = time.monotonic
                 ) -> None:
        self.unlimited = not rate or rate <= 0 or math.isinf(rate)
        self.rate = rate
        self.burst = max(1.0, burst if burst is not None else (rate if not self.unlimited else 1.0))
        self._clock = clock
        self._tokens = self.burst
        self._stamp = clock()
        self.taken = 0

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def available(self) -> int:
        """Whole tokens that can be taken now."""
        if self.unlimited:
            return 1 << 30
        self._refill()
        return int(self._tokens)

    def take(self, n: int = 1) -> bool:
        """Take ``n`` tokens if they are there (all or nothing)."""
        if n <= 0:
            return True
        if self.unlimited:
            self.taken += n
            return True
        self._refill()
        if self._tokens + 1e-9 >= n:
            self._tokens -= n
            self.taken += n
            return True
        return False

    def wait_s(self, n: int = 1) -> float:
        """Seconds until ``n`` tokens (at most ``burst``) will be available; 0 if they are now."""
        if self.unlimited:
            return 0.0
        self._refill()
        missing = min(float(n), self.burst) - self._tokens
        return max(0.0, missing / self.rate)
