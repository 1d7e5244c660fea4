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


def test_quotes_are_coloured_by_character_and_the_dock_auditions_their_voice(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from studio.gui.cast_marks import character_color

    monkeypatch.setattr("studio.gui.cast_confirm.ask", lambda _parent, _lines: True)
    folder = tmp_path / "q.studio"
    book = Book("阿Q正传", voice=VoiceSettings(engine="local", voice="local-cmn"),
                chapters=[Chapter("第一章", [Paragraph(ONE[0] + TWO[0])])])
    with Project.create(folder, book):
        pass
    window.show()
    qtbot.waitExposed(window)
    window.open_project(folder)
    wait_idle(qtbot)
    dock = window.cast_dock
    assert dock.propose() is not None
    qtbot.waitUntil(lambda: dock.proposal is not None and dock.task is None, timeout=30_000)
    assert "阿Q" in dock.legend.text() and "王胡" in dock.legend.text()

    rows = dock.model.quotes()
    dock.view.selectRow(next(i for i, q in enumerate(rows) if q.speaker == "王胡"))
    wanted = next(c for c in dock.proposal.characters if c.name == "王胡").voice
    auditioned: list[object] = []
    monkeypatch.setattr(window.preview, "audition", lambda voice: auditioned.append(voice))
    dock.audition_requested.disconnect()
    dock.audition_requested.connect(window.preview.audition)
    dock.audition()
    assert [v.id for v in auditioned] == [wanted]  # type: ignore[attr-defined]

    assert dock.accept() is not None
    wait_idle(qtbot)
    text = ONE[0] + TWO[0]
    block = window.editor.document().firstBlock()
    colours = {f.format.foreground().color().name() for f in block.layout().formats()
               if f.start >= text.index("“") and f.format.foreground().style() != 0}
    names = list(window.document.book.cast_voices)
    assert {character_color("阿Q", names).name(), character_color("王胡", names).name()} <= colours
    assert len({character_color(n, names).name() for n in names}) == 2  # two characters, two colours
