"""Vendor credentials as values: what each cloud engine needs, never printed in full.

Where they are stored (the OS keyring, or environment variables for headless use) is
``studio.core.accounts``; this module only defines the shapes, with ``repr`` masking every secret so a
credential object in a log line or a traceback reveals nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


def mask(value: str) -> str:
    """Show just enough to tell two keys apart: the first 3 characters."""
    if not value:
        return "''"
    return f"'{value[:3]}…'" if len(value) > 6 else "'***'"


class _Masked:
    def __repr__(self) -> str:
        parts = ", ".join(
            f"{f.name}={'***' if 'secret' in f.name else mask(getattr(self, f.name))}"
            for f in fields(self)  # type: ignore[arg-type]
        )
        return f"{type(self).__name__}({parts})"

    __str__ = __repr__


@dataclass(frozen=True, repr=False)
class AliyunCredentials(_Masked):
    """AccessKey pair (to create tokens with CreateToken) and the project's AppKey."""

    access_key_id: str
    access_key_secret: str
    appkey: str


@dataclass(frozen=True, repr=False)
class BaiduCredentials(_Masked):
    """API Key and Secret Key of a Baidu AI application (OAuth client credentials)."""

    api_key: str
    secret_key: str
