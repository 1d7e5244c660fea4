"""The Cast dock proposes for the whole book when asked, and Accept first lists what changes: a No writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.core.book import Book, Chapter, Paragraph, VoiceSettings
from studio.core.cast_store import load_cast
from studio.core.project import Project
from studio.gui.main_window import MainWindow
from tests.gui.conftest import wait_idle

ONE = ["阿Q说：“我们先前比你阔的多啦！”", "阿Q又想了一想。"]
TWO = ["王胡说：“你的骨头痒了么？”", "王胡又说了几句。"]


def test_whole_book_proposal_and_accept_asks_first(qtbot, window: MainWindow, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[list[str]] = []
    answers = [False, True]

    def ask(_parent: object, lines: list[str]) -> bool:
        asked.append(lines)
        return answers.pop(0)

    monkeypatch.setattr("studio.gui.cast_confirm.ask", ask)
    folder = tmp_path / "q.studio"
    book = Book("阿Q正传", voice=VoiceSettings(engine="local", voice="local-cmn"),
                chapters=[Chapter("第一章", [Paragraph(t) for t in ONE]),
                          Chapter("第二章", [Paragraph(t) for t in TWO])])
    with Project.create(folder, book):
        pass
    window.show()
    qtbot.waitExposed(window)
    window.open_project(folder)
    wait_idle(qtbot)
    dock = window.cast_dock
    dock.whole_book.setChecked(True)
    assert dock.propose() is not None
    qtbot.waitUntil(lambda: dock.proposal is not None and dock.task is None, timeout=30_000)
    assert {q.speaker for q in dock.model.quotes()} == {"阿Q", "王胡"}  # both chapters, not only the first
    dock.show_chapter(1)
    assert dock.proposal is not None  # a whole-book proposal survives moving to another chapter

    assert dock.accept() is None  # the author said No
    assert any(line.startswith("阿Q: new character") for line in asked[0]), asked[0]
    assert any(line.startswith("王胡: new character") for line in asked[0]), asked[0]
    with Project.open(folder) as project:
        assert load_cast(project).members == []  # nothing written

    assert dock.accept() is not None  # Yes
    wait_idle(qtbot)
    with Project.open(folder) as project:
        saved, cast = project.load_book(), load_cast(project)
    assert {m.name for m in cast.members} == {"阿Q", "王胡"}
    spans = [[v.character for v in p.voices] for c in saved.chapters for p in c.paragraphs]
    assert spans == [["阿Q"], [], ["王胡"], []]
