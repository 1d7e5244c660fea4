"""A project is one folder: ``project.sqlite`` (the manuscript, voices, emotions, render state) plus ``cache/``.

SQLite in WAL mode with foreign keys; every write is one transaction, so a crash (or a killed process) leaves
either the old or the new state, never half of each. Opening migrates older schemas forward.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from studio.core.book import Book, Chapter, EmotionSpan, Paragraph, VoiceSettings
from studio.core.errors import ProjectDamagedError, ProjectError
from studio.core.lexicon import ReadingSpan
from studio.core.project_schema import MIGRATIONS, SCHEMA_VERSION
from studio.core.voice_span import VoiceSpan

DB_NAME = "project.sqlite"
CACHE_DIR = "cache"
#: One spelling of "this unit's audio is in the cache" and "its job is done", shared by the methods that commit
#: a render (a preview's, a scheduler's download) so the two rows cannot drift apart.
_INSERT_RENDERED_UNIT = ("INSERT OR REPLACE INTO rendered_unit(cache_key, engine, voice, audio_file, sample_rate, "
                         "duration_ms, timestamps) VALUES (?, ?, ?, ?, ?, ?, ?)")
_MARK_JOB_DONE = ("UPDATE render_job SET state = 'done', error_type = NULL, error_code = NULL, error_message = NULL, "
                  "updated_at = ? WHERE cache_key = ?")


def is_project_dir(path: str | Path) -> bool:
    return (Path(path) / DB_NAME).is_file()


class Project:
    """An open project folder. Not thread-safe: open one ``Project`` per thread (SQLite allows that)."""

    def __init__(self, folder: Path, conn: sqlite3.Connection) -> None:
        self.folder = folder
        self._conn = conn

    # -- opening -----------------------------------------------------------------------------------------
    @classmethod
    def create(cls, folder: str | Path, book: Book | None = None) -> Project:
        """Create a new project folder (it may exist but must not already hold a project)."""
        folder = Path(folder)
        if is_project_dir(folder):
            raise ProjectError(f"{folder}: already holds a project")
        if folder.exists() and not folder.is_dir():
            raise ProjectError(f"{folder}: exists and is not a folder")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ProjectError(f"{folder}: cannot create project folder ({exc.strerror})") from exc
        project = cls._open(folder, new=True)
        if book is not None:
            project.save_book(book)
        return project

    @classmethod
    def open(cls, folder: str | Path) -> Project:
        folder = Path(folder)
        if not is_project_dir(folder):
            raise ProjectError(f"{folder}: not a project folder (no {DB_NAME})")
        return cls._open(folder)

    @classmethod
    def _open(cls, folder: Path, *, new: bool = False) -> Project:
        db_path = folder / DB_NAME
        if not new:
            _refuse_empty_database(db_path)
        (folder / CACHE_DIR).mkdir(exist_ok=True)
        conn: sqlite3.Connection | None = None
        try:
            conn = sqlite3.connect(db_path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=NORMAL")
            if not new:
                _check_integrity(conn, db_path)
            _migrate(conn, folder)
        except sqlite3.DatabaseError as exc:
            if conn is not None:
                conn.close()
            if is_damage(exc):
                raise ProjectDamagedError(damaged_message(db_path, str(exc))) from exc
            raise ProjectError(f"{db_path}: cannot open project database ({exc})") from exc
        except ProjectError:
            if conn is not None:
                conn.close()
            raise
        return cls(folder, conn)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def cache_dir(self) -> Path:
        return self.folder / CACHE_DIR

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        else:
            self._conn.execute("COMMIT")

    # -- the book ----------------------------------------------------------------------------------------
    def save_book(self, book: Book) -> None:
        """Replace the stored book with ``book`` in one transaction and give every element its id."""
        with self.transaction() as db:
            db.execute("DELETE FROM emotion_span")
            db.execute("DELETE FROM reading_span")
            db.execute("DELETE FROM voice_span")
            db.execute("DELETE FROM paragraph")
            db.execute("DELETE FROM chapter")
            db.execute(
                "INSERT OR REPLACE INTO book(id, title, author, language, voice, metadata) "
                "VALUES (1, ?, ?, ?, ?, ?)",
                (book.title, book.author, book.language, _dump(book.voice.to_dict()),
                 json.dumps(book.metadata, ensure_ascii=False, default=str)),
            )
            for cpos, chapter in enumerate(book.chapters):
                cur = db.execute(
                    "INSERT INTO chapter(position, title, voice) VALUES (?, ?, ?)",
                    (cpos, chapter.title, _dump(chapter.voice.to_dict())),
                )
                chapter.id = cur.lastrowid
                for ppos, para in enumerate(chapter.paragraphs):
                    cur = db.execute(
                        "INSERT INTO paragraph(chapter_id, position, text, voice) VALUES (?, ?, ?, ?)",
                        (chapter.id, ppos, para.text, _dump(para.voice.to_dict())),
                    )
                    para.id = cur.lastrowid
                    db.executemany(
                        "INSERT INTO emotion_span(paragraph_id, start, end, category, intensity) "
                        "VALUES (?, ?, ?, ?, ?)",
                        [(para.id, e.start, e.end, e.category, e.intensity) for e in para.emotions],
                    )
                    db.executemany(
                        "INSERT INTO reading_span(paragraph_id, start, end, kind, value, alias, written) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [(para.id, r.start, r.end, r.kind, r.value, r.alias, r.source) for r in para.readings],
                    )
                    db.executemany(
                        "INSERT INTO voice_span(paragraph_id, start, end, character, voice, emotion) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        [(para.id, v.start, v.end, v.character, v.voice, v.emotion) for v in para.voices],
                    )

    def load_book(self) -> Book:
        db = self._conn
        row = db.execute("SELECT title, author, language, voice, metadata FROM book WHERE id = 1").fetchone()
        if row is None:
            raise ProjectError(f"{self.folder}: the project holds no book yet")
        book = Book(title=row[0], author=row[1], language=row[2], voice=VoiceSettings.from_dict(json.loads(row[3])),
                    metadata=json.loads(row[4]))
        chapters: dict[int, Chapter] = {}
        for cid, title, voice in db.execute("SELECT id, title, voice FROM chapter ORDER BY position"):
            chapter = Chapter(title=title, voice=VoiceSettings.from_dict(json.loads(voice)), id=cid)
            chapters[cid] = chapter
            book.chapters.append(chapter)
        paragraphs: dict[int, Paragraph] = {}
        for pid, cid, text, voice in db.execute(
            "SELECT id, chapter_id, text, voice FROM paragraph ORDER BY chapter_id, position"
        ):
            para = Paragraph(text=text, voice=VoiceSettings.from_dict(json.loads(voice)), id=pid)
            paragraphs[pid] = para
            chapters[cid].paragraphs.append(para)
        for pid, start, end, category, intensity in db.execute(
            "SELECT paragraph_id, start, end, category, intensity FROM emotion_span ORDER BY paragraph_id, start"
        ):
            paragraphs[pid].emotions.append(EmotionSpan(start, end, category, intensity))
        for pid, start, end, kind, value, alias, written in db.execute(
            "SELECT paragraph_id, start, end, kind, value, alias, written FROM reading_span "
            "ORDER BY paragraph_id, start"
        ):
            paragraphs[pid].readings.append(ReadingSpan(start, end, kind, value, alias, source=written))
        for pid, start, end, character, voice_id, emotion in db.execute(
            "SELECT paragraph_id, start, end, character, voice, emotion FROM voice_span ORDER BY paragraph_id, start"
        ):
            paragraphs[pid].voices.append(VoiceSpan(start, end, character, voice_id, emotion))
        from studio.core.lexicon_store import book_lexicon

        book.lexicon = book_lexicon(self)
        book.cast_voices = {name: {"aliases": json.loads(aliases), "voices": json.loads(voices)}
                            for name, aliases, voices in db.execute("SELECT name, aliases, voices FROM cast_member")}
        return book

    def lexicon_rows(self, columns: Sequence[str]) -> list[tuple[Any, ...]]:
        """The project's lexicon entries (``studio.core.lexicon_store``), read without taking the write lock."""
        names = ", ".join(c for c in columns if c.isidentifier())
        return self._conn.execute(f"SELECT {names} FROM lexicon_entry ORDER BY written, context").fetchall()

    def read_rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of one read-only statement on the project's connection (modules that own a table of their own,
        such as ``studio.core.takes``, read through this instead of reaching for the connection)."""
        return self._conn.execute(sql, tuple(params)).fetchall()

    def set_book_voice(self, voice: VoiceSettings) -> None:
        """Change only the book-level voice (the CLI's stored choices), leaving chapters and paragraphs alone."""
        with self.transaction() as db:
            db.execute("UPDATE book SET voice = ? WHERE id = 1", (_dump(voice.to_dict()),))

    def has_book(self) -> bool:
        return self._conn.execute("SELECT 1 FROM book WHERE id = 1").fetchone() is not None

    # -- key/value settings ------------------------------------------------------------------------------
    def get_meta(self, key: str, default: Any = None) -> Any:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_meta(self, key: str, value: Any) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                       (key, json.dumps(value, ensure_ascii=False)))

    # -- rendered audio ----------------------------------------------------------------------------------
    def rendered_unit(self, cache_key: str) -> dict[str, Any] | None:
        """The stored render of a unit if its audio file still exists, else None."""
        row = self._conn.execute(
            "SELECT engine, voice, audio_file, sample_rate, duration_ms, timestamps FROM rendered_unit "
            "WHERE cache_key = ?", (cache_key,)).fetchone()
        if row is None:
            return None
        audio = self.cache_dir / row[2]
        if not audio.is_file():
            return None
        return {"engine": row[0], "voice": row[1], "audio_path": audio, "sample_rate": row[3],
                "duration_ms": row[4], "timestamps": json.loads(row[5])}

    def record_rendered_unit(self, cache_key: str, *, engine: str, voice: str, audio_file: str,
                             sample_rate: int, duration_ms: int, timestamps: dict[str, Any]) -> None:
        """Commit a finished render; call only after the audio file is fully written (atomic rename)."""
        with self.transaction() as db:
            db.execute(_INSERT_RENDERED_UNIT, (cache_key, engine, voice, audio_file, sample_rate, duration_ms,
                                               json.dumps(timestamps, ensure_ascii=False)))

    # -- render jobs (``studio.render.job_store`` gives these rows types and rules) ---------------------------
    def render_jobs(self) -> list[dict[str, Any]]:
        """Every durable render job, one per distinct unit content (cache key)."""
        cur = self._conn.execute(f"SELECT {', '.join(JOB_COLUMNS)} FROM render_job")
        return [dict(zip(JOB_COLUMNS, row, strict=True)) for row in cur]

    def render_job(self, cache_key: str) -> dict[str, Any] | None:
        row = self._conn.execute(f"SELECT {', '.join(JOB_COLUMNS)} FROM render_job WHERE cache_key = ?",
                                 (cache_key,)).fetchone()
        return dict(zip(JOB_COLUMNS, row, strict=True)) if row is not None else None

    def add_render_jobs(self, rows: Iterable[dict[str, Any]], *, now: float) -> None:
        """Insert jobs that do not exist yet (state ``queued`` unless a row says otherwise); existing jobs keep
        their state and task id. One transaction."""
        with self.transaction() as db:
            db.executemany(
                "INSERT INTO render_job(cache_key, engine, voice, characters, paragraphs, params_key, "
                "paragraph_keys, target_chars, state, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(cache_key) DO NOTHING",
                [(r["cache_key"], r["engine"], r["voice"], r["characters"], r.get("paragraphs", 1),
                  r.get("params_key", ""), json.dumps(list(r.get("paragraph_keys", ()))), r.get("target_chars"),
                  r.get("state", "queued"), now, now) for r in rows])

    def mark_render_jobs_done(self, cache_keys: Iterable[str], *, now: float) -> None:
        """Jobs whose audio is in the cache (rendered earlier, e.g. by a preview) are done. One transaction."""
        with self.transaction() as db:
            db.executemany(_MARK_JOB_DONE + " AND state != 'done'", [(now, key) for key in cache_keys])

    def update_render_job(self, cache_key: str, *, now: float, **fields: Any) -> None:
        """Change some columns of one job in its own transaction (committed when this returns)."""
        unknown = set(fields) - set(JOB_MUTABLE)
        if unknown:
            raise ValueError(f"not a mutable render_job column: {', '.join(sorted(unknown))}")
        assignments = ", ".join(f"{name} = ?" for name in fields)
        with self.transaction() as db:
            db.execute(f"UPDATE render_job SET {assignments}, updated_at = ? WHERE cache_key = ?",
                       (*fields.values(), now, cache_key))

    def finish_render_job(self, cache_key: str, *, now: float, engine: str, voice: str, audio_file: str,
                          sample_rate: int, duration_ms: int, timestamps: dict[str, Any],
                          take: tuple[int, int, str] | None = None) -> None:
        """Commit a verified download and mark its job done, in one transaction (never done without audio).

        ``take`` (chapter, paragraph, written text) records the audio as a take of that paragraph in the same
        transaction (``studio.core.takes``), so a committed render is never missing from the takes."""
        with self.transaction() as db:
            if take is not None:
                from studio.core.takes import insert_take

                insert_take(db, chapter_index=take[0], paragraph_index=take[1], text=take[2], cache_key=cache_key,
                            audio_file=audio_file, engine=engine, voice=voice, sample_rate=sample_rate,
                            duration_ms=duration_ms, timestamps=timestamps, now=now)
            db.execute(_INSERT_RENDERED_UNIT, (cache_key, engine, voice, audio_file, sample_rate, duration_ms,
                                               json.dumps(timestamps, ensure_ascii=False)))
            db.execute(_MARK_JOB_DONE, (now, cache_key))

    def replace_render_plan(self, units: Iterable[tuple[str, int, int, int]]) -> None:
        """Remember the units of the render being started, in order: (cache key, chapter, paragraph, count)."""
        with self.transaction() as db:
            db.execute("DELETE FROM render_plan_unit")
            db.executemany("INSERT INTO render_plan_unit(position, cache_key, chapter_index, paragraph_index, "
                           "paragraph_count) VALUES (?, ?, ?, ?, ?)",
                           [(i, *unit) for i, unit in enumerate(units)])

    def render_status_rows(self) -> list[dict[str, Any]]:
        """The last render's units with their jobs, in plan order: one statement, so one consistent snapshot."""
        columns = ("position", "cache_key", "chapter_index", "paragraph_index", "paragraph_count", "rendered",
                   *JOB_COLUMNS[1:])
        cur = self._conn.execute(
            "SELECT p.position, p.cache_key, p.chapter_index, p.paragraph_index, p.paragraph_count, "
            "r.cache_key IS NOT NULL, " + ", ".join(f"j.{c}" for c in JOB_COLUMNS[1:]) +
            " FROM render_plan_unit p LEFT JOIN render_job j ON j.cache_key = p.cache_key "
            "LEFT JOIN rendered_unit r ON r.cache_key = p.cache_key ORDER BY p.position")
        return [dict(zip(columns, row, strict=True)) for row in cur]

    def rendered_keys(self) -> set[str]:
        """Cache keys with a committed render (the audio file itself is checked by ``rendered_unit``)."""
        return {row[0] for row in self._conn.execute("SELECT cache_key FROM rendered_unit")}


#: Columns of ``render_job`` in the order the row dicts list them.
JOB_COLUMNS = ("cache_key", "engine", "voice", "characters", "paragraphs", "params_key", "paragraph_keys",
               "target_chars", "state", "task_id", "submitted_at", "attempts", "error_type", "error_code",
               "error_message", "created_at", "updated_at")
JOB_MUTABLE = ("state", "task_id", "submitted_at", "attempts", "error_type", "error_code", "error_message",
               "target_chars")


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _migrate(conn: sqlite3.Connection, folder: Path) -> None:
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise ProjectError(
            f"{folder}: project was saved by a newer Audiobook Studio (schema {version}, this app knows "
            f"{SCHEMA_VERSION}); update the app to open it"
        )
    for target in range(version + 1, SCHEMA_VERSION + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in MIGRATIONS[target - 1]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {target}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


# -- damaged databases (opening refuses them; nothing is re-initialised over the author's work) ---------------

_DAMAGE_WORDS = ("malformed", "not a database", "file is encrypted", "disk image", "corrupt")


def is_damage(exc: BaseException) -> bool:
    """Whether an SQLite error means the file itself is damaged (as opposed to locked or read-only)."""
    return isinstance(exc, sqlite3.DatabaseError) and any(w in str(exc).lower() for w in _DAMAGE_WORDS)


def damaged_message(db_path: Path, detail: str) -> str:
    """What is wrong, where, and what to do: the same words in the CLI and the window."""
    return (f"{db_path}: cannot open project database: the file is damaged ({detail}). Nothing was changed. "
            "Restore the project folder from a backup or snapshot, or import the manuscript again into a new "
            "project folder")


def _refuse_empty_database(db_path: Path) -> None:
    """A zero-byte project.sqlite is what a failed copy or a full disk leaves; SQLite would silently make it
    a new, empty project, so the author's book would look gone. Refuse it instead."""
    try:
        size = db_path.stat().st_size
    except OSError:
        return
    if size == 0:
        raise ProjectDamagedError(damaged_message(db_path, "the file is empty (0 bytes)"))


def _check_integrity(conn: sqlite3.Connection, db_path: Path) -> None:
    """``PRAGMA quick_check`` (milliseconds for a book): a damaged page is found at opening, with a clear
    message, not as a raw SQLite error in the middle of a render or an edit."""
    rows = conn.execute("PRAGMA quick_check(3)").fetchall()
    problems = [" ".join(str(row[0]).replace("*** in database main ***", "").split()) for row in rows
                if row and row[0] != "ok"]
    if problems:
        detail = "; ".join(p for p in problems if p)
        raise ProjectDamagedError(damaged_message(db_path, detail[:200] + ("…" if len(detail) > 200 else "")))
