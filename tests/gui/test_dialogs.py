"""Accounts (keyring, test connection) and Preferences dialogs."""

from __future__ import annotations

import pytest

from studio.core import accounts
from studio.gui.accounts_dialog import AccountsDialog
from studio.gui.main_window import MainWindow
from studio.gui.preferences_dialog import PreferencesDialog
from studio.gui.settings import Settings
from tests.gui.conftest import wait_idle


@pytest.fixture(autouse=True)
def _clean_keyring():  # type: ignore[no-untyped-def]
    for vendor in accounts.VENDORS:
        accounts.remove_credentials(vendor)
    yield
    for vendor in accounts.VENDORS:
        accounts.remove_credentials(vendor)


@pytest.fixture
def plaintext_backend():  # type: ignore[no-untyped-def]
    """A backend named like keyrings.alt's plaintext file store (kept in memory: tests/memory_keyring.py)."""
    import keyring

    from tests.memory_keyring import PlaintextKeyring

    previous = keyring.get_keyring()
    backend = PlaintextKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.mark.expect_log(r"^accounts task failed: \w+ credentials not saved: .* stores credentials as plaintext",
                        logger="studio.gui")
def test_a_plaintext_keyring_is_flagged_and_refused(qtbot, plaintext_backend) -> None:  # type: ignore[no-untyped-def]
    dialog = AccountsDialog()
    qtbot.addWidget(dialog)
    wait_idle(qtbot)
    assert "PlaintextKeyring" in dialog.backend_label.text()
    assert "Not secure" in dialog.backend_label.text()
    dialog.edits["baidu"]["api_key"].setText("my-api-key")
    dialog.edits["baidu"]["secret_key"].setText("my-secret-key")
    dialog.buttons["baidu"]["save"].click()
    wait_idle(qtbot)
    assert "Not saved" in dialog.status["baidu"].text() and "plaintext" in dialog.status["baidu"].text()
    assert plaintext_backend.get_password(accounts.SERVICE, "baidu") is None


def test_accounts_save_to_keyring(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = AccountsDialog()
    qtbot.addWidget(dialog)
    wait_idle(qtbot)
    assert "MemoryKeyring" in dialog.backend_label.text()
    assert "Not secure" not in dialog.backend_label.text()
    assert dialog.status["baidu"].text() == "No credentials stored."
    assert dialog.edits["aliyun"]["access_key_secret"].echoMode() == dialog.edits["aliyun"]["access_key_secret"] \
        .EchoMode.Password
    dialog.edits["baidu"]["api_key"].setText("my-api-key")
    dialog.edits["baidu"]["secret_key"].setText("my-secret-key")
    dialog.buttons["baidu"]["save"].click()
    wait_idle(qtbot)
    assert "Saved in" in dialog.status["baidu"].text()
    stored = accounts.load_credentials("baidu")
    assert stored is not None and stored.api_key == "my-api-key" and stored.secret_key == "my-secret-key"
    # a new dialog shows what is stored
    again = AccountsDialog()
    qtbot.addWidget(again)
    wait_idle(qtbot)
    assert again.edits["baidu"]["api_key"].text() == "my-api-key"
    assert again.status["baidu"].text() == "Stored in the keyring."
    again.buttons["baidu"]["remove"].click()
    wait_idle(qtbot)
    assert accounts.load_credentials("baidu") is None and again.status["baidu"].text() == "Removed."


@pytest.mark.expect_log(r"^accounts task failed: aliyun: missing AccessKey Secret, AppKey$", logger="studio.gui")
def test_incomplete_credentials_are_not_saved(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = AccountsDialog()
    qtbot.addWidget(dialog)
    wait_idle(qtbot)
    dialog.edits["aliyun"]["access_key_id"].setText("id-only")
    dialog.save("aliyun")
    wait_idle(qtbot)
    assert "Not saved" in dialog.status["aliyun"].text() and "AccessKey Secret" in dialog.status["aliyun"].text()
    assert accounts.load_credentials("aliyun") is None


def test_test_connection_runs_in_the_background(qtbot, settings: Settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from studio.engines import registry

    calls: list[tuple[str, str]] = []

    def fake_test(vendor: str, options: registry.EngineOptions | None = None) -> tuple[bool, str]:
        calls.append((vendor, options.aliyun_endpoint if options else "no options"))
        creds = accounts.load_credentials(vendor)
        return (creds is not None, "token issued" if creds else "no credentials")

    monkeypatch.setattr(registry, "test_connection", fake_test)
    settings.aliyun_endpoint = "internal"  # what Preferences chose: the test uses it like a render would
    dialog = AccountsDialog(settings=settings)
    qtbot.addWidget(dialog)
    wait_idle(qtbot)
    for name, value in (("access_key_id", "AKID"), ("access_key_secret", "SECRET"), ("appkey", "APPKEY")):
        dialog.edits["aliyun"][name].setText(value)
    dialog.buttons["aliyun"]["test"].click()
    assert not dialog.buttons["aliyun"]["test"].isEnabled()
    wait_idle(qtbot)
    assert calls == [("aliyun", "internal")]
    # typed values were saved first
    assert dialog.status["aliyun"].text() == "✓ Credentials accepted (a token was issued)."
    dialog.test("baidu")
    wait_idle(qtbot)
    assert dialog.status["baidu"].text() == "✗ no credentials"


def test_test_connection_asks_the_vendor_with_the_preferences_endpoint(qtbot, settings: Settings,  # type: ignore[no-untyped-def]
                                                                       monkeypatch) -> None:
    """Against the vendor emulator: a real token request, by an engine built with the endpoint chosen."""
    from studio.engines import registry
    from tests.emulator import VendorEmulator

    endpoints: list[str] = []
    real_create = registry.create_engine

    def recording_create(name: str, options: registry.EngineOptions | None = None):  # type: ignore[no-untyped-def]
        engine = real_create(name, options)
        endpoints.append(options.aliyun_endpoint if options else "default")
        return engine

    monkeypatch.setattr(registry, "create_engine", recording_create)
    settings.aliyun_endpoint = "internal"
    with VendorEmulator(seed=3) as emulator:
        for key, value in emulator.env().items():
            monkeypatch.setenv(key, value)
        dialog = AccountsDialog(settings=settings)
        qtbot.addWidget(dialog)
        wait_idle(qtbot)
        dialog.buttons["aliyun"]["test"].click()
        wait_idle(qtbot)
        assert dialog.status["aliyun"].text() == "✓ Credentials accepted (a token was issued)."
        assert len(emulator.requests_for("aliyun", "token")) == 1
    assert endpoints == ["internal"]


def test_keyring_warning_is_translated(qtbot, monkeypatch, plaintext_backend) -> None:  # type: ignore[no-untyped-def]
    """The core's plaintext warning is English; the dialog words it itself, through tr()."""
    from PySide6.QtCore import QCoreApplication, QTranslator

    from studio.gui import i18n

    app = QCoreApplication.instance()
    translator = QTranslator()
    assert translator.load("studio_zh_CN", i18n.i18n_dir())
    app.installTranslator(translator)
    try:
        dialog = AccountsDialog()
        qtbot.addWidget(dialog)
        wait_idle(qtbot)
        text = dialog.backend_label.text()
    finally:
        app.removeTranslator(translator)
    assert "PlaintextKeyring" in text
    assert "plaintext files" not in text and "Not secure" not in text


def test_preferences_write_typed_settings(qtbot, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    dialog = PreferencesDialog(settings)
    qtbot.addWidget(dialog)
    assert dialog.language.currentData() == "system"
    dialog.language.setCurrentIndex(dialog.language.findData("zh_CN"))
    dialog.endpoint.setCurrentIndex(dialog.endpoint.findData("internal"))
    dialog.concurrency["aliyun"].setValue(3)
    dialog.prices["baidu"].setValue(2.5)
    dialog.autosave.setValue(30)
    with qtbot.waitSignal(dialog.applied):
        dialog.accept()
    reread = Settings(__import__("pathlib").Path(settings.file_name))
    assert reread.ui_language == "zh_CN"
    assert reread.aliyun_endpoint == "internal"
    assert reread.concurrency("aliyun") == 3
    assert reread.price_per_10k("baidu") == 2.5
    assert reread.autosave_seconds == 30
    assert reread.engine_options().aliyun_endpoint == "internal"


def test_settings_defaults_and_bad_values(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(tmp_path / "s.ini")
    assert settings.ui_language == "system" and settings.autosave_seconds == 60
    assert settings.concurrency("aliyun") == 20 and settings.price_per_10k("aliyun") == 0.0
    settings._qs.setValue("engines/concurrency_local", "lots")
    settings._qs.setValue("ui/language", "klingon")
    assert settings.concurrency("local") >= 1 and settings.ui_language == "system"
    for i in range(12):
        settings.add_recent_project(tmp_path / f"p{i}")
    assert len(settings.recent_projects) == 10 and settings.recent_projects[0].name == "p11"
    with pytest.raises(ValueError):
        settings.ui_language = "fr"


def test_preferences_and_accounts_open_from_the_window(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    prefs = window.show_preferences()
    assert prefs.isVisible()
    prefs.reject()
    acc = window.show_accounts()
    wait_idle(qtbot)
    assert acc.isVisible()
    acc.reject()


def test_test_connection_says_a_token_does_not_prove_long_text_synthesis(qtbot, settings: Settings,  # type: ignore[no-untyped-def]
                                                                          monkeypatch) -> None:
    """Issue 13: a token proves the keys, not the paid long-text service (Alibaba 40000010, Baidu 336204)."""
    from tests.emulator import VendorEmulator

    with VendorEmulator(seed=5) as emulator:
        for key, value in emulator.env().items():
            monkeypatch.setenv(key, value)
        dialog = AccountsDialog(settings=settings)
        qtbot.addWidget(dialog)
        dialog.show()
        wait_idle(qtbot)
        assert not dialog.long_text_notes["aliyun"].isVisible()
        for vendor, code in (("aliyun", "40000010"), ("baidu", "336204")):
            dialog.buttons[vendor]["test"].click()
            wait_idle(qtbot)
            assert dialog.status[vendor].text().startswith("✓")
            note = dialog.long_text_notes[vendor]
            assert note.isVisible() and code in note.text() and "Long-text synthesis" in note.text()


def test_a_failed_test_connection_shows_no_long_text_note(qtbot, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    dialog = AccountsDialog(settings=settings)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_idle(qtbot)
    dialog.test("baidu")  # no credentials anywhere
    wait_idle(qtbot)
    assert dialog.status["baidu"].text().startswith("✗")
    assert not dialog.long_text_notes["baidu"].isVisible()
