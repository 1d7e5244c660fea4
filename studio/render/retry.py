"""The one place retries are decided: bounded attempts with jittered exponential backoff.

Engines never retry on their own (apart from refreshing a rejected token once); stacking retries in several
layers multiplies attempts and hides failures. Throttling waits longer than a plain server error.

Two budgets, because two kinds of trouble differ in what they say about the unit:

* **Attempts** (``max_attempts``) are spent by real failures: a server error at submit, a task the vendor
  failed. They end in giving the unit up.
* **Backoffs** (``max_backoffs``) are spent by throttling (Alibaba 40000005, Baidu 18) and lost connections:
  the vendor refused nothing, so a throttled burst must not use up the attempts and abandon units. They are
  counted in a row (any success resets them) and bounded too, so a vendor that never stops throttling ends the
  render (every task id is in the project) instead of waiting forever.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from studio.core.errors import ConnectionLostError, EngineError, ThrottledError


def is_backoff(error: BaseException) -> bool:
    """Whether ``error`` only asks us to wait (throttled, connection lost): no attempt is spent on it."""
    return isinstance(error, (ThrottledError, ConnectionLostError))


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    base_delay_s: float = 0.5
    max_delay_s: float = 30.0
    throttle_factor: float = 4.0
    #: Throttles / lost connections in a row before giving up; at the 30 s cap this is well over ten minutes.
    max_backoffs: int = 40

    def should_retry(self, error: EngineError, attempts: int) -> bool:
        """``attempts`` counts the tries made so far, including the one that just failed."""
        return error.retryable and attempts < self.max_attempts

    def delay(self, error: EngineError, attempts: int, rng: random.Random | None = None) -> float:
        """Equal jitter: uniform in [cap/2, cap], cap doubling per attempt and capped. Half the cap is kept so a
        retry never comes back almost at once (full jitter's [0, cap] can), while the random half still spreads
        the retries of many units that failed together (a vendor outage) instead of sending them in one wave."""
        cap = self.base_delay_s * (2 ** max(0, min(attempts, 64) - 1))
        if isinstance(error, ThrottledError):
            cap *= self.throttle_factor
        cap = min(cap, self.max_delay_s)
        return (rng or random).uniform(cap / 2, cap)
