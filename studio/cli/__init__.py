"""``studio``: the headless driver of the pipeline (and, with no subcommand, the way into the window).

Modules: ``main`` (the parser, dispatch, exit codes for everything a command can end with, ``studio PATH``
opening the window), ``render`` (``studio render``: whole books, ``--chapters``, ``--retry-failed``),
``export`` (``studio export``), ``status`` (``studio status`` and the dry run), ``accounts`` (credentials),
``project`` (the project lock, checks before anything is created or sent, snapshots), ``confirm`` (the money
check before a big cloud render), ``numbers`` (number options checked while parsing), ``common`` (exit codes,
progress on stderr, error lines). Nothing outside this
package imports it, except the entry points (``studio.cli:main``, ``python -m studio``, the frozen launcher).
"""

from __future__ import annotations

from studio.cli.main import main

__all__ = ["main"]
