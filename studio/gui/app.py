"""GUI entry point (``studio`` with no subcommand, ``studio PATH``, and the ``studio-gui`` script)."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def tune_gc() -> None:
    """Keep garbage-collection pauses off the UI thread's budget.

    A full collection walks every tracked object; with Qt wrappers, the book and the catalogue loaded that is
    ~50 ms, long enough to make the window stutter while a render runs. Everything alive after start-up lives
    until exit anyway, so it is moved out of the collector's sight (``gc.freeze``), and young collections run
    less often.
    """
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)


def main(argv: Sequence[str] | None = None) -> int:
    from PySide6.QtWidgets import QApplication

    from studio import __version__
    from studio.gui import crash
    from studio.gui.i18n import install_translators
    from studio.gui.main_window import MainWindow
    from studio.gui.settings import Settings
    from studio.gui.startup import open_at_start
    from studio.logsetup import setup_logging

    args = list(sys.argv[1:] if argv is None else argv)
    setup_logging()
    crash.install()
    app = QApplication.instance() or QApplication([sys.argv[0], *[a for a in args if a.startswith("-")]])
    app.setApplicationName("Audiobook Studio")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("AudiobookStudio")
    settings = Settings()
    install_translators(app, settings.ui_language)
    window = MainWindow(settings)
    window.show()
    tune_gc()
    open_at_start(window, [a for a in args if not a.startswith("-")])
    code = app.exec()
    if not window.isVisible():
        # Whatever a late signal started after the window closed is waited for here, before the window (and the
        # tasks it parents) is destroyed: a QThread destroyed while it runs aborts the process.
        from studio.gui.workers import BackgroundTask

        BackgroundTask.cancel_all()
    return code


if __name__ == "__main__":
    sys.exit(main())
