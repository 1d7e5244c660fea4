"""The window on a damaged project or a zip bomb: a clear message, and the files left exactly as they were."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.core.importers import import_text
from studio.core.project import DB_NAME, Project
from studio.gui.main_window import MainWindow
from tests.gui.conftest import wait_idle
from tests.integration.test_bad_input import _damage
from tests.integration.test_import_limits import epub_bomb


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "book.studio"
    with Project.create(folder) as p:
        p.save_book(import_text("第一章 开始\n你好世界。\n\n第二章 结束\n再见。\n").book)
    return folder


@pytest.mark.expect_log(r"^project task failed: .*cannot open project database: the file is damaged",
                        logger="studio.gui")
@pytest.mark.parametrize("harm", ["damaged", "emptied"])
def test_opening_a_damaged_project_says_what_to_do_and_changes_nothing(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                                       project: Path, harm: str) -> None:
    db = project / DB_NAME
    if harm == "damaged":
        _damage(db)
    else:
        db.write_bytes(b"")
    before = db.read_bytes()
    window.open_path(project)
    wait_idle(qtbot)
    text = window.last_message.text()
    window.last_message.close()
    assert str(db) in text and "damaged" in text and "backup or snapshot" in text
    assert "log" not in text.lower()  # a user's problem with a way out, not a crash report
    assert db.read_bytes() == before and window.document.book is None


@pytest.mark.expect_log(r"^project task failed: .*bomb\.epub: the archive unpacks to", logger="studio.gui")
def test_importing_a_zip_bomb_in_the_window_fails_fast_with_a_message(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                                      tmp_path: Path) -> None:
    bomb = epub_bomb(tmp_path / "bomb.epub", "OEBPS/images/cover.jpg", 3790)
    window.import_manuscript(bomb, tmp_path / "bomb.studio")
    wait_idle(qtbot, timeout=30_000)
    text = window.last_message.text()
    window.last_message.close()
    assert "bomb.epub" in text and "unpacks to 3.7 GB" in text
    assert not (tmp_path / "bomb.studio").exists()
