"""Credentials in a keyring backend (in memory: tests/memory_keyring.py), env overrides, refused backends."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from keyring.backends import fail

from studio.core import accounts
from studio.core.accounts import AccountError
from studio.core.credentials import AliyunCredentials, BaiduCredentials
from tests.memory_keyring import MemoryKeyring, PlaintextKeyring


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    for vendor_vars in accounts.ENV_VARS.values():
        for var in vendor_vars.values():
            monkeypatch.delenv(var, raising=False)
    monkeypatch.delenv(accounts.ALLOW_PLAINTEXT_ENV, raising=False)
    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_save_load_remove_round_trip(memory_keyring: MemoryKeyring) -> None:
    creds = AliyunCredentials("LTAI-id", "very-secret-value", "my-appkey")
    accounts.save_credentials("aliyun", creds)
    assert accounts.load_credentials("aliyun") == creds
    assert accounts.credential_source("aliyun") == "keyring"
    assert accounts.load_credentials("baidu") is None
    assert accounts.remove_credentials("aliyun") is True
    assert accounts.load_credentials("aliyun") is None
    assert accounts.remove_credentials("aliyun") is False


def test_environment_overrides_field_by_field(memory_keyring: MemoryKeyring,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    accounts.save_credentials("aliyun", AliyunCredentials("stored-id", "stored-secret", "stored-app"))
    monkeypatch.setenv("STUDIO_ALIYUN_APPKEY", "env-app")
    creds = accounts.load_credentials("aliyun")
    assert creds == AliyunCredentials("stored-id", "stored-secret", "env-app")
    assert accounts.credential_source("aliyun") == "environment+keyring"


def test_missing_credentials_say_how_to_fix(memory_keyring: MemoryKeyring,
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


def test_keyring_status_warns_about_plaintext_and_fail(memory_keyring: MemoryKeyring) -> None:
    assert accounts.keyring_status().secure and accounts.keyring_status().refusal is None
    keyring.set_keyring(PlaintextKeyring())
    status = accounts.keyring_status()
    assert not status.secure and "plaintext" in (status.warning or "")
    keyring.set_keyring(fail.Keyring())
    status = accounts.keyring_status()
    assert not status.secure and "cannot be saved" in (status.warning or "")
    with pytest.raises(AccountError, match="cannot be stored"):
        accounts.save_credentials("aliyun", AliyunCredentials("a", "b", "c"))


def test_a_plaintext_backend_is_refused_unless_the_user_opts_in(memory_keyring: MemoryKeyring,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    plaintext = PlaintextKeyring()
    plaintext.set_password(accounts.SERVICE, "baidu", '{"api_key": "old-key", "secret_key": "old-secret"}')
    keyring.set_keyring(plaintext)
    with pytest.raises(AccountError, match=f"plaintext files.*{accounts.ALLOW_PLAINTEXT_ENV}=1"):
        accounts.save_credentials("aliyun", AliyunCredentials("id", "secret", "app"))
    assert plaintext.get_password(accounts.SERVICE, "aliyun") is None  # nothing was written
    assert accounts.load_credentials("baidu") is None  # a plaintext secret is not used either
    with pytest.raises(AccountError, match="plaintext files"):
        accounts.require_credentials("baidu")
    monkeypatch.setenv("STUDIO_BAIDU_API_KEY", "env-key")
    monkeypatch.setenv("STUDIO_BAIDU_SECRET_KEY", "env-secret")
    assert accounts.require_credentials("baidu") == BaiduCredentials("env-key", "env-secret")  # no keyring needed
    monkeypatch.setenv(accounts.ALLOW_PLAINTEXT_ENV, "1")
    accounts.save_credentials("aliyun", AliyunCredentials("id", "secret", "app"))
    assert accounts.load_credentials("aliyun") == AliyunCredentials("id", "secret", "app")
