"""Number options of the command line, checked while parsing: ``--unit-chars 0`` is refused at once.

Why at parse time: a nonsense number (0 workers, a negative sample rate, 20 LUFS) must not cost an import, a
plan or a vendor request before it is noticed. argparse turns an ``ArgumentTypeError`` into
``studio: error: argument --unit-chars: ...`` and exit 2, so every message names the option.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

#: Upper bounds that no real use reaches; they only catch typos (an extra zero or two).
MAX_WORKERS = 64
MIN_SAMPLE_RATE, MAX_SAMPLE_RATE = 8000, 192000


def int_in_range(low: int, high: int | None = None, *, unit: str = "") -> Callable[[str], int]:
    """An argparse ``type`` accepting whole numbers in ``[low, high]``."""
    suffix = f" {unit}" if unit else ""

    def parse(text: str) -> int:
        try:
            value = int(text.strip().replace("_", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"wants a whole number{' of' + suffix if unit else ''}, not {text!r}") \
                from None
        if value < low or (high is not None and value > high):
            span = f"between {low:,} and {high:,}" if high is not None else f"at least {low:,}"
            raise argparse.ArgumentTypeError(f"must be {span}{suffix}, not {value:,}")
        return value

    parse.__name__ = "whole number"  # argparse names the type in its own "invalid ... value" message
    return parse


unit_chars = int_in_range(1, 100_000, unit="characters")
workers = int_in_range(1, MAX_WORKERS, unit="processes")
sample_rate = int_in_range(MIN_SAMPLE_RATE, MAX_SAMPLE_RATE, unit="Hz")
