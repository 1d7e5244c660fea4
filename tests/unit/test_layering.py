"""The house rule: only studio.gui imports Qt. An AST walk, so a lazy import inside a function counts too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

STUDIO = Path(__file__).resolve().parents[2] / "studio"
QT_FREE = ("core", "engines", "render", "audio")
QT_ROOTS = {"PySide6", "PyQt5", "PyQt6", "PySide2", "shiboken6", "qtpy"}


def _imported_roots(source: str) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
            "import_module", "__import__"
        ) and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            roots.add(node.args[0].value.split(".")[0])
    return roots


@pytest.mark.parametrize("package", QT_FREE)
def test_layer_never_imports_qt(package: str) -> None:
    files = sorted((STUDIO / package).rglob("*.py"))
    assert files, f"studio/{package} has no modules"
    offenders = [f"{f.relative_to(STUDIO.parent)} imports {sorted(_imported_roots(f.read_text('utf-8')) & QT_ROOTS)}"
                 for f in files if _imported_roots(f.read_text("utf-8")) & QT_ROOTS]
    assert not offenders, "Qt imported outside studio/gui:\n" + "\n".join(offenders)


def test_detector_catches_a_lazy_qt_import() -> None:
    source = "def f():\n    from PySide6.QtCore import QObject\n    import importlib\n" \
             "    importlib.import_module('PyQt6.QtGui')\n"
    assert _imported_roots(source) & QT_ROOTS == {"PySide6", "PyQt6"}


def test_only_gui_imports_qt_at_runtime() -> None:
    """Importing the headless pipeline must not drag Qt in (e.g. through a helper module)."""
    import subprocess
    import sys

    code = ("import sys, studio.cli, studio.render.export_book, studio.render.session.run, studio.core.importers, "
            "studio.engines.local;"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in {'PySide6','shiboken6'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=STUDIO.parent)
    assert out.stdout.strip() == "[]"
