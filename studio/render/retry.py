"""The one place retries are decided: bounded attempts with jittered exponential backoff.

Engines never retry on their own (apart from refreshing a rejected token once); stacking retries in several
layers multiplies attempts and hides failures. Throttling waits longer than a plain server error.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from studio.core.errors import EngineError, ThrottledError


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    base_delay_s: float = 0.5
    max_delay_s: float = 30.0
    throttle_factor: float = 4.0

    def should_retry(self, error: EngineError, attempts: int) -> bool:
        """``attempts`` counts the tries made so far, including the one that just failed."""
        return error.retryable and attempts < self.max_attempts

    def delay(self, error: EngineError, attempts: int, rng: random.Random | None = None) -> float:
        """Equal jitter: uniform in [cap/2, cap], cap doubling per attempt and capped. Half the cap is kept so a
        retry never comes back almost at once (full jitter's [0, cap] can), while the random half still spreads
        the retries of many units that failed together (a vendor outage) instead of sending them in one wave."""
        cap = self.base_delay_s * (2 ** max(0, attempts - 1))
        if isinstance(error, ThrottledError):
            cap *= self.throttle_factor
        cap = min(cap, self.max_delay_s)
        return (rng or random).uniform(cap / 2, cap)
