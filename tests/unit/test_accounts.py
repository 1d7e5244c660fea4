"""Credentials in a real keyring backend (keyrings.alt's file backend, in a temp folder), env overrides."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from keyrings.alt.file import PlaintextKeyring

from studio.core import accounts
from studio.core.accounts import AccountError
from studio.core.credentials import AliyunCredentials, BaiduCredentials


@pytest.fixture
def plaintext_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PlaintextKeyring]:
    for vendor_vars in accounts.ENV_VARS.values():
        for var in vendor_vars.values():
            monkeypatch.delenv(var, raising=False)
    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring_pass.cfg")  # type: ignore[misc]
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_save_load_remove_round_trip(plaintext_keyring: PlaintextKeyring) -> None:
    creds = AliyunCredentials("LTAI-id", "very-secret-value", "my-appkey")
    accounts.save_credentials("aliyun", creds)
    assert accounts.load_credentials("aliyun") == creds
    assert accounts.credential_source("aliyun") == "keyring"
    assert accounts.load_credentials("baidu") is None
    assert accounts.remove_credentials("aliyun") is True
    assert accounts.load_credentials("aliyun") is None
    assert accounts.remove_credentials("aliyun") is False


def test_environment_overrides_field_by_field(plaintext_keyring: PlaintextKeyring,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    accounts.save_credentials("aliyun", AliyunCredentials("stored-id", "stored-secret", "stored-app"))
    monkeypatch.setenv("STUDIO_ALIYUN_APPKEY", "env-app")
    creds = accounts.load_credentials("aliyun")
    assert creds == AliyunCredentials("stored-id", "stored-secret", "env-app")
    assert accounts.credential_source("aliyun") == "environment+keyring"


def test_missing_credentials_say_how_to_fix(plaintext_keyring: PlaintextKeyring,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(AccountError, match="studio accounts set baidu"):
        accounts.require_credentials("baidu")
    monkeypatch.setenv("STUDIO_BAIDU_API_KEY", "only-the-key")
    with pytest.raises(AccountError, match="Secret Key"):
        accounts.require_credentials("baidu")
    with pytest.raises(AccountError, match="missing AppKey"):
        accounts.save_credentials("aliyun", AliyunCredentials("id", "secret", ""))
    with pytest.raises(AccountError, match="unknown vendor"):
        accounts.load_credentials("azure")


def test_repr_never_shows_secrets() -> None:
    text = repr(AliyunCredentials("LTAI5tXYZabc", "s3cr3t-value-long", "appkey-1234"))
    assert "s3cr3t" not in text and "LTAI5tXYZabc" not in text
    assert "s3cr3t" not in str(BaiduCredentials("k", "s3cr3t-value-long"))


def test_keyring_status_warns_about_plaintext_and_fail(plaintext_keyring: PlaintextKeyring) -> None:
    status = accounts.keyring_status()
    assert not status.secure and "plaintext" in (status.warning or "")
    keyring.set_keyring(fail.Keyring())
    status = accounts.keyring_status()
    assert not status.secure and "cannot be saved" in (status.warning or "")
    with pytest.raises(AccountError, match="cannot save aliyun credentials"):
        accounts.save_credentials("aliyun", AliyunCredentials("a", "b", "c"))
