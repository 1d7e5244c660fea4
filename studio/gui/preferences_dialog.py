"""The Preferences dialog: UI language, autosave, Alibaba endpoint, concurrency, cache folder, prices."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.gui.dialogs import ask_directory
from studio.gui.qtcompat import emit
from studio.gui.settings import ENGINES, Settings, max_concurrency


class PreferencesDialog(QDialog):
    """Signals:
        applied(): the settings were written (controllers re-read what they use).
    """

    applied = Signal()

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Preferences"))
        self.setObjectName("preferences_dialog")
        self.settings = settings
        names = {"local": self.tr("Offline"), "aliyun": self.tr("Alibaba"), "baidu": self.tr("Baidu")}

        general = QGroupBox(self.tr("General"))
        form = QFormLayout(general)
        self.language = QComboBox()
        self.language.addItem(self.tr("System language"), "system")
        self.language.addItem("English", "en")
        self.language.addItem("简体中文", "zh_CN")
        self.language.setCurrentIndex(max(0, self.language.findData(settings.ui_language)))
        form.addRow(self.tr("Interface language"), self.language)
        hint = QLabel(self.tr("A new language applies at once (during a render: on the next start)."))
        hint.setStyleSheet("color: #606060;")
        form.addRow("", hint)
        self.autosave = QSpinBox()
        self.autosave.setRange(0, 3600)
        self.autosave.setSuffix(self.tr(" s"))
        self.autosave.setSpecialValueText(self.tr("off"))
        self.autosave.setValue(settings.autosave_seconds)
        form.addRow(self.tr("Autosave every"), self.autosave)
        self.reopen_last = QCheckBox(self.tr("Reopen the last project on start"))
        self.reopen_last.setChecked(settings.reopen_last_project)
        form.addRow("", self.reopen_last)

        engines = QGroupBox(self.tr("Engines"))
        engine_form = QFormLayout(engines)
        self.endpoint = QComboBox()
        self.endpoint.addItem(self.tr("Public internet"), "public")
        self.endpoint.addItem(self.tr("Alibaba Cloud internal network (ECS in Shanghai)"), "internal")
        self.endpoint.setCurrentIndex(max(0, self.endpoint.findData(settings.aliyun_endpoint)))
        engine_form.addRow(self.tr("Alibaba endpoint"), self.endpoint)
        self.concurrency: dict[str, QSpinBox] = {}
        self.prices: dict[str, QDoubleSpinBox] = {}
        for engine in ENGINES:
            spin = QSpinBox()
            spin.setRange(1, max_concurrency(engine))
            spin.setValue(settings.concurrency(engine))
            self.concurrency[engine] = spin
            engine_form.addRow(self.tr("{engine}: tasks at once").format(engine=names[engine]), spin)
        self.cache_dir = QLineEdit(str(settings.cache_dir))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(lambda: ask_directory(self, self.tr("Cache Folder"),
                                                     lambda p: self.cache_dir.setText(str(p)), settings))
        row = QHBoxLayout()
        row.addWidget(self.cache_dir, 1)
        row.addWidget(browse)
        engine_form.addRow(self.tr("Audition cache"), row)

        costs = QGroupBox(self.tr("Cost estimate"))
        cost_form = QFormLayout(costs)
        for engine in ("aliyun", "baidu"):
            price = QDoubleSpinBox()
            price.setRange(0.0, 10_000.0)
            price.setDecimals(3)
            price.setValue(settings.price_per_10k(engine))
            price.setSpecialValueText(self.tr("not set"))
            self.prices[engine] = price
            cost_form.addRow(self.tr("{engine}: price per 10,000 characters").format(engine=names[engine]), price)
        self.confirm_above = QSpinBox()
        self.confirm_above.setRange(0, 100_000_000)
        self.confirm_above.setSingleStep(10_000)
        self.confirm_above.setGroupSeparatorShown(True)
        self.confirm_above.setValue(settings.confirm_above_chars)
        self.confirm_above.setSuffix(self.tr(" characters"))
        self.confirm_above.setSpecialValueText(self.tr("always ask"))
        cost_form.addRow(self.tr("Ask before a cloud render over"), self.confirm_above)
        note = QLabel(self.tr("Enter your contract's prices (blank: unknown; the vendor documents we ship list no "
                              "prices); Render Book then shows what a render costs before it sends anything."))
        note.setWordWrap(True)
        note.setStyleSheet("color: #606060;")
        cost_form.addRow(note)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (general, engines, costs, buttons):
            layout.addWidget(widget)

    def accept(self) -> None:
        self.apply()
        super().accept()

    def apply(self) -> None:
        s = self.settings
        s.ui_language = self.language.currentData()
        s.autosave_seconds = self.autosave.value()
        s.reopen_last_project = self.reopen_last.isChecked()
        s.aliyun_endpoint = self.endpoint.currentData()
        for engine, spin in self.concurrency.items():
            s.set_concurrency(engine, spin.value())
        for engine, price in self.prices.items():
            s.set_price_per_10k(engine, price.value())
        s.confirm_above_chars = self.confirm_above.value()
        text = self.cache_dir.text().strip()
        s.cache_dir = Path(text) if text else None
        s.sync()
        emit(self.applied)
