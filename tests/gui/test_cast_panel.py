"""The Cast dock: propose for the chapter, low confidence first, reassign one quote, accept into the project."""

from __future__ import annotations

from pathlib import Path

from studio.core.book import Book, Chapter, Paragraph, VoiceSettings
from studio.core.cast_proposal import QuoteProposal
from studio.core.cast_store import load_cast
from studio.core.project import Project
from studio.gui.cast_panel import QuoteModel
from studio.gui.main_window import MainWindow
from tests.gui.conftest import wait_idle

TEXTS = ["阿Q说：“我们先前比你阔的多啦！”", "“你的骨头痒了么？”王胡也站起来，披上衣服说。",
         "阿Q又想了一想。王胡又说了几句。", "“谁认便骂谁！”"]


def test_quote_model_passes_modeltester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = QuoteModel()
    model.set_quotes([QuoteProposal(0, 0, 0, 3, "“好”", "阿Q", 0.9, "tag"),
                      QuoteProposal(0, 1, 0, 3, "“坏”", None, 0.0, "no tag")])
    qtmodeltester.check(model)
    assert model.data(model.index(0, 0)) == "Narrator"  # lowest confidence first


def test_propose_reassign_accept(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "q.studio"
    book = Book("阿Q正传", voice=VoiceSettings(engine="local", voice="local-cmn"),
                chapters=[Chapter("第二章", [Paragraph(t) for t in TEXTS])])
    with Project.create(folder, book):
        pass
    window.show()
    qtbot.waitExposed(window)
    window.open_project(folder)
    wait_idle(qtbot)
    dock = window.cast_dock
    dock.show()
    dock.raise_()
    assert dock.propose() is not None
    qtbot.waitUntil(lambda: dock.proposal is not None and dock.task is None, timeout=30_000)
    rows = dock.model.quotes()
    assert {q.speaker for q in rows} >= {"阿Q", "王胡"}
    assert rows[0].confidence <= rows[-1].confidence  # low confidence first
    untagged = next(i for i, q in enumerate(rows) if q.text == "“谁认便骂谁！”")
    dock.view.selectRow(untagged)
    dock.speaker.setCurrentIndex(dock.speaker.findData("阿Q"))
    dock.assign_selected()
    assert dock.model.quotes()[untagged].speaker == "阿Q"
    assert dock.accept() is not None
    wait_idle(qtbot)
    with Project.open(folder) as project:
        saved, cast = project.load_book(), load_cast(project)
    assert {m.name for m in cast.members} == {"阿Q", "王胡"}
    assert [[v.character for v in p.voices] for p in saved.chapters[0].paragraphs] == [["阿Q"], ["王胡"], [], ["阿Q"]]
    assert window.document.book.chapters[0].paragraphs[3].voices[0].character == "阿Q"  # the window's copy too
