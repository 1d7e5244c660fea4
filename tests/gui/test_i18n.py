"""The Chinese catalogue: complete, placeholders intact, compiled, and in step with the code."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator

from studio.paths import resources_dir

TS = resources_dir() / "i18n" / "studio_zh_CN.ts"
QM = resources_dir() / "i18n" / "studio_zh_CN.qm"
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:[:!][^{}]*)?\}")
GUI = Path(__file__).resolve().parents[2] / "studio" / "gui"


def _messages(path: Path) -> list[tuple[str, str, ET.Element]]:
    out = []
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            out.append((name, message.findtext("source") or "", message))
    return out


def test_every_message_is_translated() -> None:
    messages = _messages(TS)
    assert len(messages) > 300
    unfinished = [(c, s) for c, s, m in messages
                  if m.find("translation") is None or m.find("translation").get("type") in ("unfinished", "obsolete")
                  or not (m.findtext("translation") or "").strip()]
    assert not unfinished, unfinished[:10]
    assert all(c for c, _s, _m in messages), "a message without a context (lupdate lost track of a class)"


def test_translations_keep_their_placeholders() -> None:
    broken = []
    for context, source, message in _messages(TS):
        translation = message.findtext("translation") or ""
        if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translation)):
            broken.append((context, source, translation))
    assert not broken, broken


def test_accelerators_stay_accelerators() -> None:
    broken = []
    for context, source, message in _messages(TS):
        translation = message.findtext("translation") or ""
        key = re.search(r"&([A-Za-z])", source)
        if key and f"&{key.group(1).upper()}" not in translation.upper():
            broken.append((context, source, translation))
    assert not broken, broken


def test_compiled_catalogue_translates(qapp) -> None:  # type: ignore[no-untyped-def]
    assert QM.stat().st_mtime >= TS.stat().st_mtime - 1, "run pyside6-lrelease: the .qm is older than the .ts"
    translator = QTranslator()
    assert translator.load(str(QM))
    assert translator.translate("MainWindow", "&File") == "文件(&F)"
    text = translator.translate("MainWindow", "Opened {path}")
    assert text.format(path="/x") == "已打开 /x"


def test_catalogue_lists_every_string_in_the_code(tmp_path: Path) -> None:
    lupdate = shutil.which("pyside6-lupdate") or str(Path(sys.executable).with_name("pyside6-lupdate"))
    if not Path(lupdate).exists() and not shutil.which(lupdate):
        pytest.skip("pyside6-lupdate is not installed")
    fresh = tmp_path / "fresh.ts"
    subprocess.run([lupdate, *sorted(str(p) for p in GUI.glob("*.py")), "-ts", str(fresh)], check=True,
                   capture_output=True)
    in_code = {(c, s) for c, s, _m in _messages(fresh)}
    in_catalogue = {(c, s) for c, s, _m in _messages(TS)}
    assert not in_code - in_catalogue, f"run pyside6-lupdate and translate: {sorted(in_code - in_catalogue)[:10]}"
    assert not in_catalogue - in_code, f"obsolete entries: {sorted(in_catalogue - in_code)[:10]}"


def test_the_window_speaks_chinese(qtbot, settings) -> None:  # type: ignore[no-untyped-def]
    from studio.gui import i18n
    from studio.gui.main_window import MainWindow

    app = QCoreApplication.instance()
    translator = QTranslator()
    assert translator.load("studio_zh_CN", i18n.i18n_dir())
    app.installTranslator(translator)
    i18n.set_current_language("zh_CN")
    try:
        window = MainWindow(settings)
        qtbot.addWidget(window)
        assert window.menuBar().actions()[0].text() == "文件(&F)"
        assert window.voice_dock.windowTitle() == "音色"
        assert window.editor_panel.insert_emotion_action.text() == "插入情感(&E)…"
        window.close()
    finally:
        app.removeTranslator(translator)
        i18n.set_current_language("en")
    assert i18n.resolve_language("system") in ("en", "zh_CN")
    assert i18n.resolve_language("zh_CN") == "zh_CN"
