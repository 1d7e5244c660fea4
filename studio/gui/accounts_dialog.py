"""The Accounts dialog: Alibaba and Baidu credentials in the OS keyring, and "Test connection".

Keyring access can block (a locked Secret Service asks to be unlocked), and testing a connection is network
I/O, so both run in ``BackgroundTask``s. The dialog says which keyring backend is in use and warns when it is
not secure (plaintext file, or no backend at all). Secrets are shown masked and never logged.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.gui.settings import Settings
from studio.gui.workers import BackgroundTask

log = logging.getLogger("studio.gui.accounts")

VENDORS = ("aliyun", "baidu")


def _load_state(_report: Any, _cancel: threading.Event) -> dict[str, Any]:
    from studio.core import accounts

    state: dict[str, Any] = {"status": accounts.keyring_status(), "values": {}, "source": {}}
    for vendor in VENDORS:
        creds = accounts.load_credentials(vendor)
        state["values"][vendor] = {} if creds is None else {k: getattr(creds, k) for k in
                                                            accounts.FIELD_LABELS[vendor]}
        state["source"][vendor] = accounts.credential_source(vendor)
    return state


def _save(vendor: str, values: dict[str, str]) -> str:
    from studio.core import accounts
    from studio.core.credentials import AliyunCredentials, BaiduCredentials

    kind = AliyunCredentials if vendor == "aliyun" else BaiduCredentials
    accounts.save_credentials(vendor, kind(**values))
    return accounts.keyring_status().backend


def _test(vendor: str, values: dict[str, str] | None, options: Any) -> tuple[bool, str]:
    """Save (if new values were typed) and fetch a token with the engine options a render would use."""
    from studio.engines import registry

    if values is not None:
        _save(vendor, values)
    return registry.test_connection(vendor, options)


class AccountsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, settings: Settings | None = None) -> None:
        """``settings`` (default: the parent window's, else the user's) give "Test connection" the engine
        options (endpoint…) a render would use."""
        super().__init__(parent)
        if settings is None:
            settings = getattr(parent, "settings", None)
        self.settings = settings if isinstance(settings, Settings) else Settings()
        self.setWindowTitle(self.tr("Accounts"))
        self.setObjectName("accounts_dialog")
        from studio.core.accounts import FIELD_LABELS

        self.backend_label = QLabel(self.tr("Keyring: checking…"))
        self.backend_label.setWordWrap(True)
        self.edits: dict[str, dict[str, QLineEdit]] = {}
        self.status: dict[str, QLabel] = {}
        self.long_text_notes: dict[str, QLabel] = {}
        self.buttons: dict[str, dict[str, QPushButton]] = {}
        self._loaded: dict[str, dict[str, str]] = {}
        self._tasks: set[BackgroundTask] = set()
        layout = QVBoxLayout(self)
        layout.addWidget(self.backend_label)
        titles = {"aliyun": self.tr("Alibaba Cloud NLS"), "baidu": self.tr("Baidu long-text synthesis")}
        for vendor in VENDORS:
            group = QGroupBox(titles[vendor])
            form = QFormLayout(group)
            self.edits[vendor] = {}
            for name, label in FIELD_LABELS[vendor].items():
                edit = QLineEdit()
                edit.setObjectName(f"{vendor}_{name}")
                if "secret" in name:
                    edit.setEchoMode(QLineEdit.EchoMode.Password)
                form.addRow(label, edit)
                self.edits[vendor][name] = edit
            show = QCheckBox(self.tr("Show secrets"))
            show.toggled.connect(lambda on, v=vendor: self._show_secrets(v, on))
            form.addRow("", show)
            row = QHBoxLayout()
            save = QPushButton(self.tr("Save"))
            save.clicked.connect(lambda _c=False, v=vendor: self.save(v))
            remove = QPushButton(self.tr("Remove"))
            remove.clicked.connect(lambda _c=False, v=vendor: self.remove(v))
            test = QPushButton(self.tr("Test connection"))
            test.clicked.connect(lambda _c=False, v=vendor: self.test(v))
            for button in (save, remove, test):
                row.addWidget(button)
            row.addStretch(1)
            form.addRow(row)
            status = QLabel()
            status.setWordWrap(True)
            form.addRow(status)
            self.status[vendor] = status
            note = QLabel()
            note.setObjectName(f"{vendor}_long_text_note")
            note.setWordWrap(True)
            note.setStyleSheet("color: #8a5a00;")
            note.hide()
            form.addRow(note)
            self.long_text_notes[vendor] = note
            self.buttons[vendor] = {"save": save, "remove": remove, "test": test}
            layout.addWidget(group)
        note = QLabel(self.tr("Credentials are stored in your system keyring, never in projects or settings. "
                              "Environment variables (STUDIO_ALIYUN_*, STUDIO_BAIDU_*) override them."))
        note.setWordWrap(True)
        note.setStyleSheet("color: #606060;")
        layout.addWidget(note)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.reload()

    def _run(self, fn: Any, on_success: Any, on_failure: Any) -> BackgroundTask:
        task = BackgroundTask(fn, self, pool="accounts")
        task.succeeded.connect(on_success)
        task.failed.connect(on_failure)
        task.finished.connect(lambda: self._tasks.discard(task))
        self._tasks.add(task)
        task.start()
        return task

    def busy(self) -> bool:
        return bool(self._tasks)

    def _values(self, vendor: str) -> dict[str, str]:
        return {name: edit.text().strip() for name, edit in self.edits[vendor].items()}

    def _show_secrets(self, vendor: str, on: bool) -> None:
        for name, edit in self.edits[vendor].items():
            if "secret" in name:
                edit.setEchoMode(QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password)

    # -- load -------------------------------------------------------------------------------------------------
    def reload(self) -> BackgroundTask:
        return self._run(_load_state, self._loaded_state, self._failed_load)

    def _loaded_state(self, state: dict[str, Any]) -> None:
        status = state["status"]
        text = self.tr("Keyring backend: {backend}").format(backend=status.backend)
        if status.warning:
            warning = {
                "no_backend": self.tr("no usable keyring backend: credentials cannot be saved"),
                "failing_backend": self.tr("no usable keyring backend: credentials cannot be saved (on Linux "
                                           "install and unlock a Secret Service such as gnome-keyring)"),
                "plaintext": self.tr("the keyring backend stores credentials as plaintext files"),
            }.get(status.problem or "", status.warning)
            text += "\n⚠ " + self.tr("Not secure: {warning}").format(warning=warning)
            self.backend_label.setStyleSheet("color: #b00000;")
        else:
            self.backend_label.setStyleSheet("")
        self.backend_label.setText(text)
        self.secure = status.secure
        for vendor in VENDORS:
            values = state["values"].get(vendor, {})
            self._loaded[vendor] = dict(values)
            for name, edit in self.edits[vendor].items():
                edit.setText(values.get(name, ""))
            source = state["source"].get(vendor, "none")
            self.status[vendor].setText({
                "none": self.tr("No credentials stored."),
                "keyring": self.tr("Stored in the keyring."),
                "environment": self.tr("Taken from environment variables."),
                "environment+keyring": self.tr("Environment variables override the keyring."),
            }.get(source, source))

    def _failed_load(self, exc: BaseException) -> None:
        self.backend_label.setText(self.tr("Keyring unavailable: {error}").format(error=exc))
        self.backend_label.setStyleSheet("color: #b00000;")

    # -- actions ------------------------------------------------------------------------------------------------
    def save(self, vendor: str) -> BackgroundTask:
        values = self._values(vendor)
        self.status[vendor].setText(self.tr("Saving…"))
        return self._run(lambda _r, _c: _save(vendor, values),
                         lambda backend: self._saved(vendor, values, backend),
                         lambda exc: self.status[vendor].setText(self.tr("Not saved: {error}").format(error=exc)))

    def _saved(self, vendor: str, values: dict[str, str], backend: str) -> None:
        self._loaded[vendor] = values
        self.status[vendor].setText(self.tr("Saved in {backend}.").format(backend=backend))

    def remove(self, vendor: str) -> BackgroundTask:
        from studio.core.accounts import remove_credentials

        def done(removed: bool) -> None:
            for edit in self.edits[vendor].values():
                edit.clear()
            self._loaded[vendor] = {}
            self.status[vendor].setText(self.tr("Removed.") if removed else self.tr("Nothing was stored."))

        return self._run(lambda _r, _c: remove_credentials(vendor), done,
                         lambda exc: self.status[vendor].setText(str(exc)))

    def test(self, vendor: str) -> BackgroundTask:
        values = self._values(vendor)
        changed = values != self._loaded.get(vendor) and all(values.values())
        options = self.settings.engine_options()
        self.buttons[vendor]["test"].setEnabled(False)
        self.status[vendor].setText(self.tr("Testing…"))
        self.long_text_notes[vendor].hide()

        def done(result: tuple[bool, str]) -> None:
            ok, message = result
            self.buttons[vendor]["test"].setEnabled(True)
            if changed:
                self._loaded[vendor] = values
            # a success is always the same words (the engine's are English); a failure is the vendor's reason
            text = "✓ " + self.tr("Credentials accepted (a token was issued).") if ok else "✗ " + message
            self.status[vendor].setText(text)
            # A token is not the paid long-text service: say so, as `studio accounts test` does.
            self.long_text_notes[vendor].setText(self._long_text_note(vendor))
            self.long_text_notes[vendor].setVisible(ok)

        def failed(exc: BaseException) -> None:
            self.buttons[vendor]["test"].setEnabled(True)
            self.status[vendor].setText("✗ " + str(exc))

        return self._run(lambda _r, _c: _test(vendor, values if changed else None, options), done, failed)

    def _long_text_note(self, vendor: str) -> str:
        """What a token does not prove (the wording of ``LONG_TEXT_NOTE`` in the engines, through tr())."""
        if vendor == "aliyun":
            return self.tr("Note: a token proves the AccessKey and AppKey only. Long-text synthesis is for "
                           "commercial accounts only: a trial account gets error 40000010 at the first task "
                           "(upgrade to the commercial edition in the Intelligent Speech Interaction console).")
        return self.tr("Note: a token proves the API Key and Secret Key only. Long-text synthesis must be enabled "
                       "and paid for on the application: otherwise the first task gets error 336204 (enable "
                       "长文本在线合成 in the Baidu AI console).")
