"""The structure review (issue 15): the author confirms the chapters an import proposed.

Real window, real project on disk, real snapshots; the dialog is driven through its widgets and model.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from studio.core.book import VoiceSettings
from studio.core.importers import import_text
from studio.core.importers.restructure import StructureDraft
from studio.gui.main_window import MainWindow
from studio.gui.structure_review import StructureReviewDialog, StructureReviewModel
from tests.gui.conftest import wait_idle

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

WEB_TXT = ("第一回 宴桃园\n更新时间:2007-11-16 本章字数:4804\n滚滚长江东逝水。\n第二回 张翼德\n且说董卓字仲颖。\n"
           "第三回 议温明\n且说曹操当日对何进曰。\n")


def _snapshots(folder: Path) -> list:
    from studio.core.project import Project
    from studio.core.snapshots import list_snapshots

    with Project.open(folder) as project:
        return list_snapshots(project)


def _saved_titles(folder: Path) -> list[str]:
    from studio.core.project import Project

    with Project.open(folder) as project:
        return [c.title for c in project.load_book().chapters]


def test_the_review_model_is_a_correct_qt_model(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    result = import_text(WEB_TXT)
    model = StructureReviewModel(StructureDraft.from_book(result.book, result.report.toc))
    qtmodeltester.check(model)
    assert model.rowCount() == 3
    assert model.data(model.index(0, 3)) == result.report.toc[0].reason


def test_rejecting_a_heading_changes_the_chapter_tree_after_a_snapshot(qtbot, book_window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window = book_window
    folder = window.document.folder
    first = window.document.book.chapters[0].paragraphs[0]
    first.voice = VoiceSettings(engine="local", voice="zh")  # the author's work on a paragraph
    dialog = window.show_structure_review()
    assert isinstance(dialog, StructureReviewDialog) and dialog.isVisible()
    model = dialog.model
    assert [model.data(model.index(r, 0)) for r in range(model.rowCount())] == ["第一章 百草园", "第二章 三味书屋"]
    from PySide6.QtCore import Qt

    assert model.setData(model.index(1, 0), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    assert dialog.preview_model.stringList() == ["第一章 百草园"]
    dialog.accept()
    wait_idle(qtbot)
    chapters = window.document.book.chapters
    assert [c.title for c in chapters] == ["第一章 百草园"]
    texts = [p.text for p in chapters[0].paragraphs]
    assert texts[1:] == ["第二章 三味书屋", "出门向东，不上半里。", "那是我的先生的家。"]  # the heading is text now
    assert chapters[0].paragraphs[0] is first and first.voice.voice == "zh"  # unchanged paragraph kept its voice
    assert window.document.chapters.rowCount() == 1  # the chapter tree shows it
    snaps = _snapshots(folder)
    assert snaps and snaps[-1].reason == "before a structure review" and snaps[-1].chapters == 2
    qtbot.waitUntil(lambda: _saved_titles(folder) == ["第一章 百草园"], timeout=20_000)
    window.document.undo_stack.undo()  # one step brings the two chapters back
    assert [c.title for c in window.document.book.chapters] == ["第一章 百草园", "第二章 三味书屋"]


def test_a_custom_expression_is_previewed_live_and_characters_stay_equal(qtbot) -> None:  # type: ignore[no-untyped-def]
    result = import_text(WEB_TXT)
    draft = StructureDraft.from_book(result.book, result.report.toc)
    dialog = StructureReviewDialog(draft, result.report.warnings, result.report.site_lines)
    qtbot.addWidget(dialog)
    dialog.pattern_edit.setText("第[一三]回")
    assert dialog.preview_model.stringList() == ["第一回 宴桃园", "第三回 议温明"]
    assert [c.accepted for c in dialog.model.draft.candidates] == [True, True, True]  # only a preview so far
    dialog.pattern_edit.setText("第[")
    assert "Not a valid expression" in dialog.pattern_status.text()
    dialog.pattern_edit.setText("第[一三]回")
    assert dialog.use_pattern()
    before, after = dialog.model.draft.totals()
    assert before == after
    assert f"{before:,}" in dialog.totals_label.text() and "✓" in dialog.totals_label.text()
    dialog.accept()
    assert [c.title for c in dialog.result_chapters] == ["第一回 宴桃园", "第三回 议温明"]
    # the website lines the import left out are listed with the warnings
    assert any("更新时间:2007-11-16" in line for line in dialog.warnings_model.stringList())


def test_lines_like_the_selected_heading_become_headings(qtbot) -> None:  # type: ignore[no-untyped-def]
    text = "第一回 宴桃园\n滚滚长江东逝水。\n第二回张翼德\n且说董卓字仲颖。\n"  # 第二回 glued: a reviewer adds it
    result = import_text(text, structure="pattern:第一回 宴桃园")
    dialog = StructureReviewDialog(StructureDraft.from_book(result.book, result.report.toc), [], [])
    qtbot.addWidget(dialog)
    assert dialog.preview_model.stringList() == ["第一回 宴桃园"]
    dialog.table.selectRow(0)
    assert dialog.accept_lines_like_selected() == 2
    assert dialog.preview_model.stringList() == ["第一回 宴桃园", "第二回张翼德"]
    before, after = dialog.model.draft.totals()
    assert before == after


def test_lines_like_any_text_line_become_headings(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A heading the importer did not propose is picked from the text itself, not only from the headings."""
    text = "第一回 宴桃园\n滚滚长江东逝水。\n卷二 张翼德\n且说董卓字仲颖。\n卷三 议温明\n且说曹操。\n"
    result = import_text(text, structure="pattern:第一回 宴桃园")
    dialog = StructureReviewDialog(StructureDraft.from_book(result.book, result.report.toc), [], [])
    qtbot.addWidget(dialog)
    assert dialog.preview_model.stringList() == ["第一回 宴桃园"]
    lines = dialog.lines_model.stringList()
    assert "卷二 张翼德" in lines and "滚滚长江东逝水。" in lines  # every line of the text is listed
    dialog.table.selectRow(0)
    dialog.lines_view.setCurrentIndex(dialog.lines_model.index(lines.index("卷二 张翼德")))
    dialog.like_button.click()
    assert dialog.preview_model.stringList() == ["第一回 宴桃园", "卷二 张翼德", "卷三 议温明"]
    before, after = dialog.model.draft.totals()
    assert before == after


def test_an_import_shows_the_review_before_the_project_exists(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                              tmp_path: Path) -> None:
    """Issue 15: the author confirms the chapters first; the project is created with the chapters chosen."""
    from studio.core.project import is_project_dir

    window.settings.review_structure_on_import = True
    book = tmp_path / "web.txt"
    book.write_text(WEB_TXT, encoding="utf-8")
    folder = tmp_path / "web.studio"
    window.import_manuscript(book, folder)
    wait_idle(qtbot)
    dialog = window.structure_review
    assert isinstance(dialog, StructureReviewDialog) and dialog.isVisible()
    assert not is_project_dir(folder) and window.document.book is None  # nothing opened, nothing created yet
    notes = dialog.warnings_model.stringList()
    assert any("left out 1 line a website added" in n for n in notes)
    assert dialog.model.rowCount() == 3
    dialog.model.setData(dialog.model.index(1, 0), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    dialog.accept()
    wait_idle(qtbot)
    assert window.structure_review is dialog  # no second review after the project opened
    assert _saved_titles(folder) == ["第一回 宴桃园", "第三回 议温明"]
    assert [c.title for c in window.document.book.chapters] == ["第一回 宴桃园", "第三回 议温明"]
    assert "第二回 张翼德" in [p.text for p in window.document.book.chapters[0].paragraphs]  # kept as text
    assert _snapshots(folder) == [] and not window.document.undo_stack.canUndo()
    assert "Imported: 2 chapters" in window.status_label.text()


def test_cancelling_the_review_at_import_creates_nothing(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window.settings.review_structure_on_import = True
    book = tmp_path / "web.txt"
    book.write_text(WEB_TXT, encoding="utf-8")
    window.import_manuscript(book, tmp_path / "web.studio")
    wait_idle(qtbot)
    window.structure_review.reject()
    wait_idle(qtbot)
    assert not (tmp_path / "web.studio").exists() and window.document.book is None
    assert "Import cancelled: no project was created" in window.status_label.text()


def test_the_chapter_menu_reopens_the_review_on_an_existing_project(qtbot, book_window: MainWindow,  # type: ignore[no-untyped-def]
                                                                   tmp_path: Path) -> None:
    window = book_window
    folder = window.document.folder
    window.open_project(folder)
    wait_idle(qtbot)
    assert window.review_structure_action in window.menuBar().actions()[2].menu().actions()
    window.review_structure_action.trigger()
    dialog = window.structure_review
    assert isinstance(dialog, StructureReviewDialog) and dialog.model.rowCount() == 2
    dialog.accept()  # nothing changed: no snapshot, no undo step
    wait_idle(qtbot)
    assert _snapshots(folder) == [] and not window.document.undo_stack.canUndo()


def test_opening_a_new_manuscript_reviews_before_creating_its_project(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                                      tmp_path: Path) -> None:
    """`studio MANUSCRIPT` / File ▸ Open on a manuscript never imported: the same review first; opened again,
    its project is reused without a review."""
    from studio.core.project import is_project_dir
    from studio.gui.project_controller import default_project_dir

    window.settings.review_structure_on_import = True
    book = tmp_path / "web.txt"
    book.write_text(WEB_TXT, encoding="utf-8")
    folder = default_project_dir(book)
    window.open_path(book)
    wait_idle(qtbot)
    dialog = window.structure_review
    assert isinstance(dialog, StructureReviewDialog) and not is_project_dir(folder)
    dialog.accept()
    wait_idle(qtbot)
    assert window.document.folder == folder and _saved_titles(folder) == ["第一回 宴桃园", "第二回 张翼德",
                                                                          "第三回 议温明"]
    window.structure_review = None
    window.open_path(book)
    wait_idle(qtbot)
    assert window.structure_review is None and "imported before" in window.status_label.text()
