"""The project store: round trips, migrations, refusal of newer schemas, and crash safety."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from studio.core.book import Book, Chapter, EmotionSpan, Paragraph, VoiceSettings
from studio.core.errors import ProjectError
from studio.core.project import DB_NAME, Project, is_project_dir
from studio.core.project_schema import SCHEMA_VERSION


def sample_book() -> Book:
    return Book(
        title="朝花夕拾", author="鲁迅", metadata={"year": 1928},
        voice=VoiceSettings(engine="local", voice="local-cmn", speed=1.1),
        chapters=[
            Chapter("小引", [Paragraph("我常想在纷扰中寻出一点闲静来，然而委实不容易。"),
                             Paragraph("a < b & c > d", emotions=[EmotionSpan(0, 5, "happy", 1.5)],
                                       voice=VoiceSettings(voice="local-en-us"))]),
            Chapter("藤野先生", [Paragraph("东京也无非是这样。")], voice=VoiceSettings(speed=0.9)),
        ],
    )


def test_round_trip_keeps_everything(tmp_path: Path) -> None:
    book = sample_book()
    with Project.create(tmp_path / "p", book) as project:
        assert all(c.id is not None for c in book.chapters)
    with Project.open(tmp_path / "p") as project:
        loaded = project.load_book()
    assert loaded.title == "朝花夕拾" and loaded.author == "鲁迅" and loaded.metadata == {"year": 1928}
    assert [c.title for c in loaded.chapters] == ["小引", "藤野先生"]
    assert [p.text for p in loaded.chapters[0].paragraphs] == [p.text for p in book.chapters[0].paragraphs]
    assert loaded.chapters[0].paragraphs[1].emotions == [EmotionSpan(0, 5, "happy", 1.5)]
    assert loaded.voice == book.voice
    assert loaded.chapters[1].voice == VoiceSettings(speed=0.9)
    # Inheritance: paragraph override > chapter > book > defaults.
    eff = loaded.effective_voice(loaded.chapters[0], loaded.chapters[0].paragraphs[1])
    assert (eff.engine, eff.voice, eff.speed) == ("local", "local-en-us", 1.1)
    assert loaded.effective_voice(loaded.chapters[1]).speed == 0.9


def test_project_folder_layout_and_pragmas(tmp_path: Path) -> None:
    with Project.create(tmp_path / "p", sample_book()) as project:
        assert project.cache_dir.is_dir()
        assert project.schema_version == SCHEMA_VERSION
    assert is_project_dir(tmp_path / "p")
    conn = sqlite3.connect(tmp_path / "p" / DB_NAME)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_foreign_keys_cascade(tmp_path: Path) -> None:
    with Project.create(tmp_path / "p", sample_book()) as project, project.transaction() as db:
        db.execute("DELETE FROM chapter")
        assert db.execute("SELECT COUNT(*) FROM paragraph").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM emotion_span").fetchone()[0] == 0


def test_failed_save_rolls_back(tmp_path: Path) -> None:
    with Project.create(tmp_path / "p", sample_book()) as project:
        broken = sample_book()
        broken.chapters[1].paragraphs[0].emotions.append(EmotionSpan(5, 2, "sad"))  # end < start: CHECK fails
        with pytest.raises(sqlite3.IntegrityError):
            project.save_book(broken)
        assert [c.title for c in project.load_book().chapters] == ["小引", "藤野先生"]


def test_migrates_an_older_database_forward(tmp_path: Path) -> None:
    from studio.core.project_schema import MIGRATIONS

    folder = tmp_path / "old"
    folder.mkdir()
    conn = sqlite3.connect(folder / DB_NAME)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("INSERT INTO book(id, title) VALUES (1, 'Old book')")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with Project.open(folder) as project:
        assert project.schema_version == SCHEMA_VERSION
        assert project.load_book().title == "Old book"
        assert project.rendered_unit("nothing") is None


def test_refuses_a_newer_schema(tmp_path: Path) -> None:
    folder = tmp_path / "new"
    Project.create(folder, sample_book()).close()
    conn = sqlite3.connect(folder / DB_NAME)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(ProjectError, match="newer Audiobook Studio"):
        Project.open(folder)


def test_open_errors_name_the_folder(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="not a project folder"):
        Project.open(tmp_path)
    Project.create(tmp_path / "p").close()
    with pytest.raises(ProjectError, match="already holds a project"):
        Project.create(tmp_path / "p")
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / DB_NAME).write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ProjectError, match="cannot open project database"):
        Project.open(tmp_path / "junk")


@pytest.mark.parametrize("kill_after_s", [0.15, 0.3, 0.5])
def test_sigkill_during_saves_never_leaves_half_a_book(tmp_path: Path, kill_after_s: float) -> None:
    """A writer saving big books in a loop is killed; the project always holds one whole book."""
    folder = tmp_path / "p"
    Project.create(folder, Book("v0", chapters=[Chapter("c", [Paragraph("x")])])).close()
    writer = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})
        from studio.core.book import Book, Chapter, Paragraph
        from studio.core.project import Project
        p = Project.open({str(folder)!r})
        print("ready", flush=True)
        i = 0
        while True:
            i += 1
            chapters = [Chapter(f"v{{i}}-{{c}}", [Paragraph(f"v{{i}} 段落 {{n}}") for n in range(200)])
                        for c in range(20)]
            p.save_book(Book(f"v{{i}}", chapters=chapters))
    """)
    proc = subprocess.Popen([sys.executable, "-c", writer], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    time.sleep(kill_after_s)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with Project.open(folder) as project:
        book = project.load_book()
    version = book.title
    if version == "v0":
        assert [c.title for c in book.chapters] == ["c"]
    else:
        assert len(book.chapters) == 20
        assert all(c.title.startswith(version + "-") for c in book.chapters)
        assert all(len(c.paragraphs) == 200 for c in book.chapters)
        assert all(p.text.startswith(version + " ") for c in book.chapters for p in c.paragraphs)
