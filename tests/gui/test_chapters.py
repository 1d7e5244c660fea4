"""The chapter tree: model checks, and split / merge / reorder (drag and drop) / rename, each undone and redone."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt

from studio.core.book import Book, Chapter, Paragraph
from studio.gui.chapter_model import STATUS_DONE, STATUS_NONE, STATUS_PARTIAL, STATUS_STALE, ChapterTreeModel
from studio.gui.document import BookDocument
from studio.gui.main_window import MainWindow
from tests.gui.conftest import wait_idle

MULTI = ("第一章 百草园\n甲一。\n\n甲二。\n\n甲三。\n\n第二章 三味书屋\n乙一。\n\n第三章 藤野先生\n丙一。\n")


def _titles(window: MainWindow) -> list[str]:
    model = window.document.chapters
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def _open(qtbot, window: MainWindow, tmp_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    manuscript = tmp_path / "multi.txt"
    manuscript.write_text(MULTI, encoding="utf-8")
    window.import_manuscript(manuscript, tmp_path / "multi.studio")
    wait_idle(qtbot)
    return window


def test_chapter_model_passes_modeltester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    document = BookDocument()
    document.set_book(Book("b", chapters=[Chapter("一", [Paragraph("甲乙"), Paragraph("丙")]), Chapter("二", [])]),
                      None)
    model = document.chapters
    qtmodeltester.check(model)
    assert model.rowCount() == 2 and model.columnCount() == ChapterTreeModel.COLUMNS
    assert model.index(0, ChapterTreeModel.CHARACTERS).data() == 3
    assert model.index(0, ChapterTreeModel.PARAGRAPHS).data() == 2
    assert model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    assert model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsDragEnabled
    assert model.flags(QModelIndex()) & Qt.ItemFlag.ItemIsDropEnabled
    document.split_chapter(0, 1)
    document.move_chapters(2, 1, 0)
    document.undo_stack.undo()
    qtmodeltester.check(model)


def test_split_merge_undo_redo(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _open(qtbot, window, tmp_path)
    assert _titles(window) == ["第一章 百草园", "第二章 三味书屋", "第三章 藤野先生"]
    stack = window.document.undo_stack
    # split at the cursor's paragraph
    window.chapter_dock.select_row(0)
    window.editor.select_range(1, 0, 0)
    window.chapter_dock.split_action.trigger()
    assert _titles(window) == ["第一章 百草园", "甲二。", "第二章 三味书屋", "第三章 藤野先生"]
    assert [p.text for p in window.document.book.chapters[1].paragraphs] == ["甲二。", "甲三。"]
    assert window.chapter_dock.current_row() == 1
    assert window.editor.toPlainText() == "甲二。\n甲三。"
    assert window.undo_action.isEnabled() and "Split" in window.undo_action.text()
    window.undo_action.trigger()
    assert _titles(window) == ["第一章 百草园", "第二章 三味书屋", "第三章 藤野先生"]
    assert len(window.document.book.chapters[0].paragraphs) == 3
    window.redo_action.trigger()
    assert _titles(window)[1] == "甲二。"
    stack.undo()

    # merge with next
    window.chapter_dock.select_row(0)
    window.chapter_dock.merge_action.trigger()
    assert _titles(window) == ["第一章 百草园", "第三章 藤野先生"]
    assert [p.text for p in window.document.book.chapters[0].paragraphs] == ["甲一。", "甲二。", "甲三。", "乙一。"]
    assert window.editor.blockCount() == 4
    stack.undo()
    assert _titles(window) == ["第一章 百草园", "第二章 三味书屋", "第三章 藤野先生"]
    assert window.editor.blockCount() == 3
    stack.redo()
    assert _titles(window) == ["第一章 百草园", "第三章 藤野先生"]
    stack.undo()
    window.chapter_dock.select_row(2)
    assert not window.chapter_dock.merge_action.isEnabled()


def test_reorder_by_drag_and_drop_undo_redo(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _open(qtbot, window, tmp_path)
    model = window.document.chapters
    data = model.mimeData([model.index(0, 0), model.index(0, 1)])
    assert model.canDropMimeData(data, Qt.DropAction.MoveAction, 3, 0, QModelIndex())
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, 3, 0, QModelIndex())
    assert _titles(window) == ["第二章 三味书屋", "第三章 藤野先生", "第一章 百草园"]
    window.undo_action.trigger()
    assert _titles(window) == ["第一章 百草园", "第二章 三味书屋", "第三章 藤野先生"]
    window.redo_action.trigger()
    assert _titles(window) == ["第二章 三味书屋", "第三章 藤野先生", "第一章 百草园"]
    window.undo_action.trigger()
    # dropping onto a chapter puts it before that chapter; dropping a chapter onto itself does nothing
    data = model.mimeData([model.index(2, 0)])
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, model.index(0, 0))
    assert _titles(window) == ["第三章 藤野先生", "第一章 百草园", "第二章 三味书屋"]
    assert not model.dropMimeData(model.mimeData([model.index(1, 0)]), Qt.DropAction.MoveAction, 1, 0,
                                  QModelIndex())
    # moveRows (the model API) is the same undoable move
    assert model.moveRows(QModelIndex(), 0, 1, QModelIndex(), 3)
    assert _titles(window) == ["第一章 百草园", "第二章 三味书屋", "第三章 藤野先生"]
    # mime data from another model is refused
    other = BookDocument()
    other.set_book(Book("x", chapters=[Chapter("x")]), None)
    foreign = other.chapters.mimeData([other.chapters.index(0, 0)])
    assert not model.canDropMimeData(foreign, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    # the keyboard actions move too
    window.chapter_dock.select_row(0)
    window.chapter_dock.down_action.trigger()
    assert _titles(window)[1] == "第一章 百草园" and window.chapter_dock.current_row() == 1
    window.chapter_dock.up_action.trigger()
    assert _titles(window)[0] == "第一章 百草园"


def test_rename_inline_undo_redo(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _open(qtbot, window, tmp_path)
    model = window.document.chapters
    assert model.setData(model.index(1, 0), "  第二章   新名字 ", Qt.ItemDataRole.EditRole)
    assert _titles(window)[1] == "第二章 新名字"
    assert not model.setData(model.index(1, 0), "   ", Qt.ItemDataRole.EditRole)
    assert not model.setData(model.index(1, 2), "x", Qt.ItemDataRole.EditRole)
    window.undo_action.trigger()
    assert _titles(window)[1] == "第二章 三味书屋"
    window.redo_action.trigger()
    assert _titles(window)[1] == "第二章 新名字"
    # through the view's editor
    window.chapter_dock.select_row(0)
    window.chapter_dock.rename_action.trigger()
    editor = window.chapter_dock.tree.indexWidget(model.index(0, 0)) or window.chapter_dock.tree.focusWidget()
    editor.setText("序")
    window.chapter_dock.tree.commitData(editor)
    assert _titles(window)[0] == "序"


def test_add_and_delete_chapter_are_undoable(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _open(qtbot, window, tmp_path)
    window.chapter_dock.select_row(2)
    window.chapter_dock.delete_action.trigger()
    assert len(_titles(window)) == 2
    window.undo_action.trigger()
    assert _titles(window)[2] == "第三章 藤野先生"
    window.chapter_dock.select_row(0)
    window.chapter_dock.add_action.trigger()
    assert _titles(window)[1] == "New chapter"
    window.undo_action.trigger()
    assert len(_titles(window)) == 3


def test_status_column_follows_the_cache(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _open(qtbot, window, tmp_path)
    model = window.document.chapters
    window.statuses.refresh_now()
    wait_idle(qtbot)
    assert [model.status(r) for r in range(3)] == [STATUS_NONE] * 3
    window.start_render([0])
    wait_idle(qtbot)
    qtbot.waitUntil(lambda: model.status(0) == STATUS_DONE, timeout=10_000)
    assert model.status(1) == STATUS_NONE
    assert model.index(0, ChapterTreeModel.STATUS).data() == "done"
    window.document.edit_text(0, 1, 0, 1, "乙")
    with qtbot.waitSignal(window.statuses.updated, timeout=10_000):
        pass
    assert model.status(0) == STATUS_STALE
    window.undo_action.trigger()
    with qtbot.waitSignal(window.statuses.updated, timeout=10_000):
        pass
    assert model.status(0) == STATUS_DONE


def test_an_interrupted_chapter_is_partly_rendered_not_stale(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                             tmp_path: Path) -> None:
    from studio.core.project import Project
    from studio.render.plan import plan_book

    _open(qtbot, window, tmp_path)
    model = window.document.chapters
    window.start_render([0])
    wait_idle(qtbot)
    qtbot.waitUntil(lambda: model.status(0) == STATUS_DONE, timeout=10_000)
    assert window.document.book is not None and window.document.folder is not None
    first = next(u for u in plan_book(window.document.book).units if u.chapter_index == 0)
    with Project.open(window.document.folder) as project:  # as if the render had stopped before this unit
        stored = project.rendered_unit(first.cache_key)
        assert stored is not None
        stored["audio_path"].unlink()
    with qtbot.waitSignal(window.statuses.updated, timeout=10_000):
        window.statuses.refresh_now()
    assert model.status(0) == STATUS_PARTIAL
    assert model.index(0, ChapterTreeModel.STATUS).data() == "partly rendered"


def test_voice_badge(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from studio.core.book import VoiceSettings
    from studio.core.book_edit import VoiceTarget

    _open(qtbot, window, tmp_path)
    model = window.document.chapters
    inherited = model.index(0, ChapterTreeModel.VOICE)
    assert inherited.data() == "Mandarin, male (offline)"  # the inherited voice, greyed (issue 16)
    assert inherited.data(Qt.ItemDataRole.ForegroundRole) is not None
    assert "Inherited from the book: Mandarin, male (offline)" in model.index(0, ChapterTreeModel.VOICE).data(
        Qt.ItemDataRole.ToolTipRole)
    window.document.assign_voice([VoiceTarget(1)], VoiceSettings(engine="aliyun", voice="zhifeng_emo"))
    assert model.index(1, ChapterTreeModel.VOICE).data() == "知锋_多情感"
    assert model.data(model.index(1, ChapterTreeModel.VOICE), Qt.ItemDataRole.FontRole).bold()
    assert "own voice" in model.index(1, ChapterTreeModel.VOICE).data(Qt.ItemDataRole.ToolTipRole)
    window.undo_action.trigger()
    assert model.index(1, ChapterTreeModel.VOICE).data() == "Mandarin, male (offline)"
