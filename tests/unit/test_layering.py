"""The house rules of docs' ARCHITECTURE: only studio.gui imports Qt, and the layers import in one direction.

An AST walk, so a lazy import inside a function counts too. The direction rules: ``core`` imports no ``render``,
``engines``, ``audio`` (nor ``gui``); ``engines`` import no ``render``; no layer below the drivers imports
``gui``; and nothing imports the CLI but the CLI itself and ``python -m studio`` (``studio/__main__.py``).
Why: each rule keeps a layer testable and reusable without the one above it (the CLI and the window are two
thin drivers of the same pipeline), and a slip would otherwise only show as an import cycle much later.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

STUDIO = Path(__file__).resolve().parents[2] / "studio"
QT_FREE = ("core", "engines", "render", "audio", "qa")
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


def test_top_level_modules_never_import_qt() -> None:
    """The CLI, the self-test's driver and its checks, logging and paths run headless: Qt stays under gui/."""
    files = sorted(STUDIO.glob("*.py"))
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
            "studio.engines.local, studio.qa;"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in {'PySide6','shiboken6'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=STUDIO.parent)
    assert out.stdout.strip() == "[]"


# -- direction rules between studio's own packages -------------------------------------------------------------------

#: package -> packages it must never import (as ``studio.<name>``), with the reason shown on failure.
FORBIDDEN: dict[str, tuple[tuple[str, ...], str]] = {
    "core": (("render", "engines", "audio", "gui"), "core is the domain every layer builds on"),
    "engines": (("render", "gui"), "engines turn one unit into audio; planning and scheduling live above them"),
    "render": (("gui",), "render is driven by the window and the CLI alike"),
    "audio": (("gui",), "audio is driven by the window and the CLI alike"),
}
#: Modules that may import the CLI: the CLI's own modules (a package or top-level cli*.py files) and the
#: ``python -m studio`` entry point.
CLI_ITSELF = re.compile(r"^studio\.(cli(_\w+)?(\..*)?|__main__)$")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(STUDIO.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported_modules(source: str, module: str, is_package: bool) -> set[str]:
    """Every ``studio...`` module a source names in an import, relative imports resolved; for ``from a import b``
    both ``a`` and ``a.b`` (b may be a submodule)."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return {name for name in found if name == "studio" or name.startswith("studio.")}


def _studio_modules() -> list[tuple[Path, str, set[str]]]:
    return [(path, _module_name(path), _imported_modules(path.read_text("utf-8"), _module_name(path),
                                                          path.name == "__init__.py"))
            for path in sorted(STUDIO.rglob("*.py"))]


def _names_package(imported: str, package: str) -> bool:
    return imported == f"studio.{package}" or imported.startswith(f"studio.{package}.")


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layer_imports_only_downwards(package: str) -> None:
    forbidden, why = FORBIDDEN[package]
    offenders = [f"{path.relative_to(STUDIO.parent)} imports {name}"
                 for path, module, imported in _studio_modules() if _names_package(module, package)
                 for name in sorted(imported) if any(_names_package(name, other) for other in forbidden)]
    assert not offenders, f"studio/{package} must not import {', '.join(forbidden)} ({why}):\n" + "\n".join(offenders)


def test_nothing_imports_the_cli() -> None:
    offenders = [f"{path.relative_to(STUDIO.parent)} imports {name}"
                 for path, module, imported in _studio_modules() if not CLI_ITSELF.match(module)
                 for name in sorted(imported) if CLI_ITSELF.match(name) and name != "studio.__main__"]
    assert not offenders, "only the CLI itself and studio/__main__.py may import the CLI:\n" + "\n".join(offenders)


def test_direction_detector_resolves_relative_and_lazy_imports() -> None:
    source = ("from ..render import plan\nfrom . import book\n"
              "def f():\n    from studio import cli\n    import studio.audio.export\n")
    found = _imported_modules(source, "studio.core.project", is_package=False)
    assert {"studio.render", "studio.render.plan", "studio.core.book", "studio.cli", "studio.audio.export"} <= found
    assert CLI_ITSELF.match("studio.cli_export") and CLI_ITSELF.match("studio.cli.render")
    assert not CLI_ITSELF.match("studio.client")
