"""Alibaba Cloud "POP" RPC request signing (signature version 1.0, HMAC-SHA1), as the vendor documents it.

Why the emulator owns a copy: the emulator must reject exactly what nls-meta would reject, so it recomputes
the signature from the received parameters. It is written from NOTES.md, not imported from the app, so a bug
in the app's signer cannot hide behind the same bug here; the published vector pins it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import quote

__all__ = ["canonical_query", "percent_encode", "pop_signature", "string_to_sign"]


def percent_encode(value: str) -> str:
    """RFC 3986: keep ``A-Za-z0-9-_.~``, encode everything else as UTF-8 %XX (space -> %20, never ``+``)."""
    return quote(value, safe="-_.~")


def canonical_query(params: Mapping[str, str]) -> str:
    """Sorted ``k=v`` pairs joined by ``&``, names and values percent-encoded; ``Signature`` is left out."""
    items = sorted((k, v) for k, v in params.items() if k != "Signature")
    return "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in items)


def string_to_sign(params: Mapping[str, str], method: str = "GET") -> str:
    """``METHOD&%2F&`` + percentEncode(canonical query): the path is always ``/`` for POP RPC calls."""
    return f"{method.upper()}&{percent_encode('/')}&{percent_encode(canonical_query(params))}"


def pop_signature(params: dict[str, str], secret: str, method: str = "GET") -> str:
    """Base64(HMAC-SHA1(secret + "&", StringToSign)) for ``params`` (a ``Signature`` key is ignored)."""
    digest = hmac.new(f"{secret}&".encode(), string_to_sign(params, method).encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")
