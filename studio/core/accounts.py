"""Where vendor credentials live: the OS keyring, with environment variables overriding for headless use.

Nothing here writes a secret anywhere else: not the project, not settings, not logs. The keyring backend the
user actually got is reported (``keyring_status``) because on Linux without a Secret Service, ``keyrings.alt``
silently stores plaintext and the ``fail`` backend silently stores nothing. Both are refused
(``KeyringStatus.refusal``): nothing is saved to them, and a plaintext file is not read, unless the user sets
``STUDIO_ALLOW_PLAINTEXT_KEYRING=1``; environment variables work without any keyring.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, fields
from typing import Literal, overload

import keyring
import keyring.errors

from studio.core.credentials import AliyunCredentials, BaiduCredentials
from studio.core.errors import InputError

log = logging.getLogger("studio.accounts")

SERVICE = "AudiobookStudio"
#: ``STUDIO_ALLOW_PLAINTEXT_KEYRING=1``: the user accepts a keyring backend that stores plaintext files.
ALLOW_PLAINTEXT_ENV = "STUDIO_ALLOW_PLAINTEXT_KEYRING"
VENDORS = ("aliyun", "baidu")

ENV_VARS: dict[str, dict[str, str]] = {
    "aliyun": {
        "access_key_id": "STUDIO_ALIYUN_ACCESS_KEY_ID",
        "access_key_secret": "STUDIO_ALIYUN_ACCESS_KEY_SECRET",
        "appkey": "STUDIO_ALIYUN_APPKEY",
    },
    "baidu": {
        "api_key": "STUDIO_BAIDU_API_KEY",
        "secret_key": "STUDIO_BAIDU_SECRET_KEY",
    },
}

FIELD_LABELS: dict[str, dict[str, str]] = {
    "aliyun": {"access_key_id": "AccessKey ID", "access_key_secret": "AccessKey Secret", "appkey": "AppKey"},
    "baidu": {"api_key": "API Key", "secret_key": "Secret Key"},
}

Credentials = AliyunCredentials | BaiduCredentials
_TYPES: dict[str, type[AliyunCredentials] | type[BaiduCredentials]] = {
    "aliyun": AliyunCredentials, "baidu": BaiduCredentials}


class AccountError(InputError):
    """Credentials are missing, incomplete, or the keyring cannot store them."""


@dataclass(frozen=True)
class KeyringStatus:
    """``problem`` names the warning's condition for a UI that words it itself: "no_backend" (nothing can
    store), "failing_backend" (a fail/null backend, e.g. no Secret Service on Linux) or "plaintext"."""

    backend: str
    secure: bool
    warning: str | None
    problem: str | None = None

    @property
    def refusal(self) -> str | None:
        """Why credentials are neither stored in nor read from this backend, or ``None`` if they are."""
        env = ", ".join(v for fields_ in ENV_VARS.values() for v in fields_.values())
        if self.problem == "plaintext" and os.environ.get(ALLOW_PLAINTEXT_ENV) != "1":
            return (f"the keyring backend {self.backend} stores credentials as plaintext files, so the studio "
                    "does not use it: install and unlock your system keyring (on Linux a Secret Service such "
                    f"as gnome-keyring), or pass credentials in environment variables ({env}), or set "
                    f"{ALLOW_PLAINTEXT_ENV}=1 to accept plaintext storage")
        if self.problem in ("no_backend", "failing_backend"):
            return (f"no usable keyring backend ({self.backend}): credentials cannot be stored; install and "
                    "unlock your system keyring (on Linux a Secret Service such as gnome-keyring), or pass "
                    f"credentials in environment variables ({env})")
        return None


def keyring_status() -> KeyringStatus:
    """Which keyring backend is in use, and a warning when it stores plaintext or cannot store at all."""
    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    chain = getattr(backend, "backends", None)
    if chain is not None and not chain:
        return KeyringStatus(name, False, "no usable keyring backend: credentials cannot be saved", "no_backend")
    lowered = name.lower()
    if "fail" in lowered or "null" in lowered:
        return KeyringStatus(name, False, "no usable keyring backend: credentials cannot be saved "
                                          "(on Linux install and unlock a Secret Service such as gnome-keyring)",
                             "failing_backend")
    if "plaintext" in lowered or "keyrings.alt" in lowered:
        return KeyringStatus(name, False, "the keyring backend stores credentials as plaintext files", "plaintext")
    return KeyringStatus(name, True, None)


def _check_vendor(vendor: str) -> None:
    if vendor not in VENDORS:
        raise AccountError(f"unknown vendor {vendor!r} (use one of: {', '.join(VENDORS)})")


def save_credentials(vendor: str, credentials: Credentials) -> None:
    """Store one vendor's credentials as one keyring entry (service ``AudiobookStudio``, user = vendor)."""
    _check_vendor(vendor)
    values = {f.name: getattr(credentials, f.name) for f in fields(credentials)}
    missing = [FIELD_LABELS[vendor][k] for k, v in values.items() if not v]
    if missing:
        raise AccountError(f"{vendor}: missing {', '.join(missing)}")
    refusal = keyring_status().refusal
    if refusal is not None:
        raise AccountError(f"{vendor} credentials not saved: {refusal}")
    try:
        keyring.set_password(SERVICE, vendor, json.dumps(values))
    except keyring.errors.KeyringError as exc:
        raise AccountError(f"cannot save {vendor} credentials in the keyring ({type(exc).__name__})") from None
    log.info("saved %s credentials in keyring backend %s", vendor, keyring_status().backend)


def remove_credentials(vendor: str) -> bool:
    """Delete the stored entry; False if there was none."""
    _check_vendor(vendor)
    try:
        keyring.delete_password(SERVICE, vendor)
    except keyring.errors.PasswordDeleteError:
        return False
    except keyring.errors.KeyringError as exc:
        raise AccountError(f"cannot remove {vendor} credentials from the keyring ({type(exc).__name__})") from None
    log.info("removed %s credentials", vendor)
    return True


def _stored(vendor: str) -> dict[str, str]:
    if keyring_status().problem == "plaintext" and keyring_status().refusal is not None:
        return {}  # secrets in a plaintext file are not used (nor spread further) without the user's consent
    try:
        raw = keyring.get_password(SERVICE, vendor)
    except keyring.errors.KeyringError:
        return {}
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        log.warning("ignoring an unreadable %s keyring entry", vendor)
        return {}
    return {k: v for k, v in data.items() if isinstance(v, str)} if isinstance(data, dict) else {}


def load_credentials(vendor: str) -> Credentials | None:
    """Environment variables first (each field on its own), then the keyring; None if nothing is set."""
    _check_vendor(vendor)
    stored = _stored(vendor)
    values: dict[str, str] = {}
    for name, env in ENV_VARS[vendor].items():
        values[name] = os.environ.get(env) or stored.get(name, "")
    if not any(values.values()):
        return None
    return _TYPES[vendor](**values)


@overload
def require_credentials(vendor: Literal["aliyun"]) -> AliyunCredentials: ...
@overload
def require_credentials(vendor: Literal["baidu"]) -> BaiduCredentials: ...
@overload
def require_credentials(vendor: str) -> Credentials: ...
def require_credentials(vendor: str) -> Credentials:
    """Like ``load_credentials`` but with a message telling the user how to add what is missing."""
    creds = load_credentials(vendor)
    missing = [] if creds is None else [FIELD_LABELS[vendor][f.name] for f in fields(creds)
                                        if not getattr(creds, f.name)]
    if creds is None or missing:
        what = ", ".join(missing) if missing else "credentials"
        env = ", ".join(ENV_VARS[vendor].values())
        refusal = keyring_status().refusal
        note = f" (note: {refusal})" if refusal is not None else ""
        raise AccountError(f"no {vendor} {what}: run `studio accounts set {vendor}` or set {env}{note}")
    return creds


def credential_source(vendor: str) -> str:
    """'environment', 'keyring', 'environment+keyring' or 'none' (for status displays)."""
    env = any(os.environ.get(v) for v in ENV_VARS[vendor].values())
    stored = bool(_stored(vendor))
    return {(True, True): "environment+keyring", (True, False): "environment",
            (False, True): "keyring", (False, False): "none"}[(env, stored)]
