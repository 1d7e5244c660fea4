"""Render sessions, Qt-free: what to render, what an earlier render left, and how each chapter stands.

Why a package of its own: the window and the command line are two drivers of one pipeline (see
``docs/decisions/0008-render-session.md``). What used to live in ``studio.gui`` (the chapter and unit filters of
a render, the "render in progress" flag, the memory of failed units, the resume information, the chapter
statuses, the rendered items the player plays) is decided here, so ``studio render --chapters``/
``--retry-failed`` and the window's Render/Retry/Resume do exactly the same thing. The drivers only choose
*where* the work runs: the window hands ``render_book`` its QThread pool and runs it in a background task; the
CLI hands it nothing (plain threads) and runs it in the foreground.

Modules (import them directly; this package imports nothing, so the window's light modules, such as the
chapter model that needs only the status names, do not pull in the scheduler):

* ``memory``: the project's "unfinished render" flag and failure memory (``failed_units``, ``clear_failures``);
* ``units``: unit rows for the job monitor, ``select_units``, ``parse_chapters``, ``resume_info``;
* ``run``: ``render_book`` and its ``RenderSummary``;
* ``statuses``: ``chapter_statuses`` and the ``STATUS_*`` names;
* ``playback``: ``rendered_items`` (the book's audio so far), ``render_preview``, ``synthesize_once``.
"""

