"""PySide6 user interface: the only package that imports Qt.

How it is put together (one concept per module; the window only wires them up):

* ``app``: the entry point (logging, crash hooks, translators, GC tuning, ``studio PATH``).
* ``main_window``: menus, toolbar, status bar, the resume bar; assembles everything below.
* ``document``: ``BookDocument``, the open book + undo stack + change signals; ``commands`` are its
  ``QUndoCommand``s, each a shell around the Qt-free ``studio.core.book_edit``.
* Models: ``chapter_model`` (chapters, drag and drop), ``voice_model`` (catalogue + filter proxy),
  ``job_model`` (render units). Views: ``chapter_dock``, ``editor`` (+ ``emotion_menu``), ``voice_dock``,
  ``job_dock``, ``player``; dialogs: ``export_dialog``, ``accounts_dialog``, ``preferences_dialog``, ``dialogs``.
* Controllers: ``project_controller`` (open/import/save/autosave/recent), ``status`` (chapter render status),
  ``render_controller`` (render + job monitor feed), ``preview`` (paragraph/chapter previews, auditions). What
  a render covers, resume, statuses and failure memory are decided by the Qt-free ``studio.render.session``;
  these controllers run it in background tasks (docs/decisions/0008-render-session.md).
* Infrastructure: ``workers`` (``BackgroundTask``, the one way to run work off the UI thread, and the QThread
  pool handed to the render scheduler), ``throttle`` (progress batching), ``settings`` (typed QSettings),
  ``i18n`` (catalogues), ``crash`` (excepthook, Qt messages into logging), ``qtcompat`` (binding work-arounds),
  ``widgets`` (small shared widgets).
"""
