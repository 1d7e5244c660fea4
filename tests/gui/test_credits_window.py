"""The credits in the window (real widgets offscreen, the offline engine): proof-listening finds a fault in a
credit and names it, and "Re-render This" renders just that credit through the ordinary render path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from studio.core.book import Book, Chapter, Paragraph, VoiceSettings
from studio.core.project import Project
from studio.engines.registry import EngineSet
from studio.gui.main_window import MainWindow
from studio.gui.qa_panel import FindingsModel
from studio.gui.settings import Settings
from studio.render.credits_plan import OPENING_CREDITS, project_credit_units
from studio.render.job_store import plan_project
from studio.render.plan import RenderPlan
from studio.render.runner import render_plan
from tests.cached_units import cut_cached_unit
from tests.emulator import Faults, VendorEmulator
from tests.gui.conftest import wait_idle
from tests.gui.test_qa_panel import TEXTS


def _rendered_with_credits(folder: Path) -> str:
    """A rendered book with both credits; the opening credit's audio cut short. Returns its cache key."""
    book = Book("朝花", author="鲁迅", voice=VoiceSettings(engine="local", voice="local-cmn"),
                chapters=[Chapter(f"第{c + 1}章", [Paragraph(t) for t in texts]) for c, texts in enumerate(TEXTS)])
    with Project.create(folder, book) as project, EngineSet() as engines:
        plan = plan_project(project)
        credits = project_credit_units(project, project.load_book(), plan)
        render_plan(RenderPlan([*plan.units, *credits]), project, engines)
        opening = next(u for u in credits if u.paragraph_index == OPENING_CREDITS)
        stored = project.rendered_unit(opening.cache_key)
    assert stored is not None
    cut_cached_unit(stored["audio_path"], 0.4)
    return opening.cache_key


def test_a_cut_credit_is_found_named_and_re_rendered_alone(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                          tmp_path: Path) -> None:
    folder = tmp_path / "book.studio"
    key = _rendered_with_credits(folder)
    window.open_project(folder)
    wait_idle(qtbot)
    dock = window.qa_dock
    window.check_audio()
    wait_idle(qtbot)
    rows = [dock.model.finding(r) for r in range(dock.model.rowCount())]
    assert rows and {(f.cache_key, f.credits) for f in rows if f} == {(key, "opening")}, rows
    assert dock.model.index(0, FindingsModel.WHERE).data() == "Opening credits"
    assert "findings in 7 rendered units" in dock.summary.text()

    rect = dock.view.visualRect(dock.model.index(0, 0))
    qtbot.mouseClick(dock.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseClick(dock.rerender_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot)
    qtbot.waitUntil(lambda: not window.render_controller.is_running(), timeout=60_000)
    jobs = window.render_controller.jobs.rows()
    # only the credits were planned; the closing credit came from the cache, the opening one was rendered
    assert sorted((r.chapter_title, r.cached, r.state) for r in jobs) == [
        ("Closing credits", True, "done"), ("Opening credits", False, "done")], jobs
    assert list((folder / "cache" / "takes").iterdir())  # the cut audio is kept as a take
    with qtbot.waitSignal(window.render_controller.finished, timeout=60_000) as finished:
        assert window.render_controller.retry_units([key]) is not None  # Retry on the credit's row plans it
    assert "0 units rendered and 1 taken from the cache" in finished.args[1], finished.args
    window.check_audio()
    wait_idle(qtbot)
    assert dock.model.rowCount() == 0 and "No findings in 7 rendered units" in dock.summary.text()


EDITED_OPENING = "《混合》。作者：作者。演播：合成语音，由命令行编辑。"
EDITED_CLOSING = "全书完。谢谢收听《混合》。"


def _export_dialog(qtbot, window: MainWindow):  # type: ignore[no-untyped-def]
    dialog = window.show_export()
    dialog.preset_box.setCurrentIndex(dialog.preset_box.findData("acx"))
    assert dialog.credits_group.isVisibleTo(dialog)
    return dialog


def test_cli_and_window_edit_the_same_credit_texts_with_undo(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow, tmp_path: Path) -> None:
    from studio.core.credits import stored_credits
    from tests.integration.test_export_support import cli_export, seeded_project

    folder = seeded_project(tmp_path / "p", [("One", ("local", None, 22050, [3000.0])),
                                             ("Two", ("local", None, 22050, [3000.0]))])
    code, _, err = cli_export(folder, "-o", str(tmp_path / "acx"), "--preset", "acx", "--no-retail-sample",
                              "--opening-credits", EDITED_OPENING, "--render-missing")
    assert code == 0, err
    window.open_project(folder)
    wait_idle(qtbot)
    dialog = _export_dialog(qtbot, window)
    editor = dialog.acx_extras.editor
    # what the CLI stored, the window shows; the closing credits are generated from the book's metadata
    assert editor.edits["opening"].toPlainText() == EDITED_OPENING
    assert editor.edits["closing"].toPlainText().startswith("全书完。您收听的是《混合》")
    assert editor.resets["opening"].isEnabled() and not editor.resets["closing"].isEnabled()
    assert editor.states["closing"].text().startswith("Generated")

    editor.edits["closing"].setPlainText(EDITED_CLOSING)
    assert "not stored yet" in editor.states["closing"].text()
    with qtbot.waitSignal(window.render_controller.finished, timeout=120_000) as finished:
        editor.render_button.click()  # the offline voice is free: no question, the render starts
    assert finished.args[0] is True, finished.args[1]
    rows = sorted((r.chapter_title, r.cached) for r in window.render_controller.jobs.rows())
    assert rows == [("Closing credits", False), ("Opening credits", True)]  # only the edited credit was rendered
    with Project.open(folder) as project:
        assert stored_credits(project) == {"opening": EDITED_OPENING, "closing": EDITED_CLOSING}
    # the CLI speaks what the window stored: nothing left to render
    code, out, err = cli_export(folder, "-o", str(tmp_path / "again"), "--preset", "acx", "--no-retail-sample",
                                "--json")
    assert code == 0 and '"units_rendered": 0' in out, err

    assert window.document.undo_stack.undoText() == "Change the credits"
    window.document.undo_stack.undo()
    assert editor.edits["closing"].toPlainText().startswith("全书完。您收听的是《混合》")
    with Project.open(folder) as project:
        assert stored_credits(project) == {"opening": EDITED_OPENING}
    editor.resets["opening"].click()  # back to the generated text, stored at once
    assert editor.states["opening"].text().startswith("Generated") and not editor.resets["opening"].isEnabled()
    with Project.open(folder) as project:
        assert stored_credits(project) == {}
    window.document.undo_stack.undo()
    assert editor.edits["opening"].toPlainText() == EDITED_OPENING
    editor.edits["opening"].setPlainText("x" * 1001)
    dialog.output.setText(str(tmp_path / "long"))
    assert dialog.start() is None and "at most 1000" in dialog.status.text()
    editor.edits["opening"].setPlainText(EDITED_OPENING)
    dialog.close()
    wait_idle(qtbot)


@pytest.fixture
def emu(monkeypatch: pytest.MonkeyPatch) -> Iterator[VendorEmulator]:
    with VendorEmulator(seed=5, faults=Faults(time_scale=0.02)) as emulator:
        for key, value in emulator.env().items():
            monkeypatch.setenv(key, value)
        yield emulator


def _answer_render(qtbot, window: MainWindow, previous: object) -> str:  # type: ignore[no-untyped-def]
    """Wait for the render question, press Render, wait for the render; returns the question's details."""
    qtbot.waitUntil(lambda: window.render_question is not None and window.render_question is not previous
                    and window.render_question.isVisible(), timeout=30_000)
    details = window.render_question.informativeText()
    send = next(b for b in window.render_question.buttons() if b.text() == "Render")
    with qtbot.waitSignal(window.render_controller.finished, timeout=120_000) as finished:
        send.click()
    assert finished.args[0] is True, finished.args[1]
    return details


def test_an_edited_credit_is_priced_in_the_render_question_and_sent_alone(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow, settings: Settings, emu: VendorEmulator, tmp_path: Path) -> None:
    book = Book("朝花", author="鲁迅", voice=VoiceSettings(engine="aliyun", voice="xiaoyun"),
                chapters=[Chapter("第一章", [Paragraph("我常想在纷扰中寻出一点闲静来。")])])
    Project.create(tmp_path / "b.studio", book).close()
    window.open_project(tmp_path / "b.studio")
    wait_idle(qtbot)
    settings.confirm_above_chars = 0  # ask before any paid character
    settings.set_price_per_10k("aliyun", 3.0)
    dialog = _export_dialog(qtbot, window)
    editor = dialog.acx_extras.editor
    dialog.title_edit.setText("朝花夕拾")  # generated credits follow the title the export will write
    assert "《朝花夕拾》" in editor.text("opening")
    dialog.title_edit.setText("朝花")
    editor.render_button.click()
    details = _answer_render(qtbot, window, None)
    assert "characters in 2 tasks" in details and "about 0.0" in details, details
    assert len(emu.submitted_texts("aliyun")) == 2

    edited = "《朝花》，鲁迅著，合成语音演播。"
    editor.edits["opening"].setPlainText(edited)
    question = window.render_question
    editor.render_button.click()
    details = _answer_render(qtbot, window, question)
    assert f"Alibaba: {len(edited)} characters in 1 tasks" in details, details  # the edited credit only
    texts = emu.submitted_texts("aliyun")
    assert len(texts) == 3 and edited in texts[-1], texts
    dialog.close()
    wait_idle(qtbot)
