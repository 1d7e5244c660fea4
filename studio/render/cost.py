"""What a render costs: characters as each vendor bills them, times configurable prices.

Why configurable and not built in: vendor prices change, differ by account (free quota, resource packs, paid
tiers) and currency, so the app only multiplies. Prices are per 10,000 characters, the unit both vendors'
price pages use; an engine without a price has no cost estimate (None), which the CLI and GUI show as unknown
rather than as free. The offline engine is free.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from studio.engines.registry import engine_names, traits
from studio.render.grouping import request_characters
from studio.render.plan import RenderUnit

#: Environment variables that set a price per 10,000 characters, e.g. STUDIO_PRICE_ALIYUN=3.0 (the engine's
#: ``price_key``, upper-cased).
PRICE_ENV = "STUDIO_PRICE_{engine}"


def billable_characters(unit: RenderUnit) -> int:
    """Characters of ``unit`` as its vendor counts them (Alibaba: markup free; Baidu: every character)."""
    return request_characters(unit.engine, unit.request.paragraphs, unit.request.emotions)


def prices_from_env(environ: Mapping[str, str] | None = None) -> dict[str, float]:
    """Prices from ``STUDIO_PRICE_<ENGINE>`` variables (ignored if not numbers >= 0)."""
    environ = os.environ if environ is None else environ
    prices: dict[str, float] = {}
    for engine in engine_names():
        key = traits(engine).price_key
        if key is None:
            continue
        raw = environ.get(PRICE_ENV.format(engine=key.upper()))
        try:
            value = float(raw) if raw is not None else None
        except ValueError:
            value = None
        if value is not None and value >= 0:
            prices[engine] = value
    return prices


def price_of(engine: str, characters: int, prices: Mapping[str, float] | None) -> float | None:
    """Cost of ``characters`` on ``engine``; None when the engine has no configured price."""
    if traits(engine).free:
        return 0.0
    price = (prices or {}).get(engine)
    return None if price is None else characters * price / 10_000


def add_costs(*costs: float | None) -> float | None:
    """Sum that stays unknown (None) when any part is unknown."""
    total = 0.0
    for cost in costs:
        if cost is None:
            return None
        total += cost
    return total
