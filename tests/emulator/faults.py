"""Switchable faults and the seeded, per-request decision of which fault hits which request.

Why per request and seeded: a failing test must be reproducible. Each (vendor, endpoint) pair has its own
request counter, and the n-th request's decision is a pure function of (seed, vendor, endpoint, n) and the
current rates, so the same sequence of calls meets the same faults. With concurrent clients the *order* in
which requests reach a counter is up to the OS scheduler, so which logical request gets which decision can
vary between runs; a single-threaded sequence of calls is fully deterministic.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, fields


@dataclass
class Faults:
    """Fault rates (0..1) and limits; mutable while the emulator runs (read at every request)."""

    server_error_rate: float = 0.0  # Aliyun HTTP 500 / 50000000, 51020001 at submit; Baidu 336200 (sometimes HTTP 500)
    throttle_rate: float = 0.0  # Aliyun 40000005 TOO_MANY_REQUESTS; Baidu error 18 (submit/create, poll/query)
    slow_rate: float = 0.0  # answer after slow_seconds
    slow_seconds: float = 2.0
    drop_rate: float = 0.0  # close the connection without any response (request not processed)
    truncate_rate: float = 0.0  # audio download: full Content-Length, part of the bytes, then close
    task_failure_rate: float = 0.0  # a task ends in failure (Aliyun 51020001 at poll; Baidu task_status Failure)
    aliyun_token_ttl_s: float = 86400.0
    baidu_token_ttl_s: float = 2592000.0
    aliyun_concurrency: int = 100  # unfinished tasks per account; above -> 40000005 at submit
    baidu_query_limit: int = 200  # task_ids per query; above -> 336202
    latency_base_s: float = 0.2  # task latency = (base + chars * per_char) * time_scale
    latency_per_char_s: float = 0.0005
    time_scale: float = 1.0
    aliyun_forbidden_rate: float = 0.0  # addition: share of Aliyun token rejections answered as HTTP 403 "Forbidden"
    stuck_rate: float = 0.0  # addition: a submitted task never finishes (RUNNING forever), as a vendor bug would
    # Accounts that cannot use long-text synthesis, and the sample-rate gap in Alibaba's doc (1 = on, 0 = off):
    aliyun_trial_account: int = 0  # every Aliyun submit: 40000010 FREE_TRIAL_EXPIRED (long text is commercial-only)
    aliyun_max_sample_rate: int = 0  # > 0: Aliyun refuses higher rates with 40000003 (the parameter table's 8k/16k)
    baidu_long_text_disabled: int = 0  # every Baidu create: 336204 (long-text synthesis not enabled / not paid)

    @classmethod
    def field_types(cls) -> dict[str, type]:
        """Field name -> type, for ``--fault name=value`` on the command line."""
        return {f.name: (int if f.type in ("int", int) else float) for f in fields(cls)}


@dataclass(frozen=True)
class Decision:
    """What happens to one request; drawn whole so that the draws never depend on which rates are zero."""

    drop: bool
    slow: bool
    throttle: bool
    server_error: bool
    truncate: bool
    task_failure: bool
    forbidden: bool
    pick: float  # a free uniform number for choices inside a fault (which error code, how much to truncate)
    stuck: bool = False


def decide(seed: int, vendor: str, endpoint: str, counter: int, faults: Faults) -> Decision:
    """The fault decision of the ``counter``-th request to ``vendor``/``endpoint``."""
    rng = random.Random(f"{seed}/{vendor}/{endpoint}/{counter}")
    draws = [rng.random() for _ in range(9)]  # the 9th (stuck) came last, so the first eight never moved
    return Decision(
        drop=draws[0] < faults.drop_rate,
        slow=draws[1] < faults.slow_rate,
        throttle=draws[2] < faults.throttle_rate,
        server_error=draws[3] < faults.server_error_rate,
        truncate=draws[4] < faults.truncate_rate,
        task_failure=draws[5] < faults.task_failure_rate,
        forbidden=draws[6] < faults.aliyun_forbidden_rate,
        pick=draws[7],
        stuck=draws[8] < faults.stuck_rate,
    )
