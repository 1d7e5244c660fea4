"""GUI entry point (``studio`` with no subcommand, and the ``studio-gui`` script)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path


def main(argv: Sequence[str] | None = None) -> int:
    from PySide6.QtCore import QLocale, QTranslator
    from PySide6.QtWidgets import QApplication

    from studio import __version__
    from studio.gui.main_window import MainWindow
    from studio.logsetup import setup_logging

    args = list(sys.argv[1:] if argv is None else argv)
    setup_logging()
    app = QApplication.instance() or QApplication([sys.argv[0], *[a for a in args if a.startswith("-")]])
    app.setApplicationName("Audiobook Studio")
    app.setApplicationVersion(__version__)
    translator = QTranslator(app)
    from studio.paths import resources_dir

    if translator.load(QLocale(), "studio", "_", str(resources_dir() / "i18n")):
        app.installTranslator(translator)
    window = MainWindow()
    window.show()
    paths = [a for a in args if not a.startswith("-")]
    if paths:
        window.open_path(Path(paths[0]))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
