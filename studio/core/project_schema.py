"""The project database schema and its forward migrations.

``PRAGMA user_version`` holds the schema version. Each migration is a list of statements run inside one
transaction together with the version bump, so a crash mid-migration leaves the old schema intact. A database
from a newer app (version above ``SCHEMA_VERSION``) is refused rather than guessed at.
"""

from __future__ import annotations

MIGRATIONS: list[list[str]] = [
    # 1: the book, its chapters and paragraphs, emotion spans, voices as JSON, a key/value table.
    [
        """CREATE TABLE meta (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )""",
        """CREATE TABLE book (
            id       INTEGER PRIMARY KEY CHECK (id = 1),
            title    TEXT NOT NULL,
            author   TEXT NOT NULL DEFAULT '',
            language TEXT NOT NULL DEFAULT 'zh',
            voice    TEXT NOT NULL DEFAULT '{}',
            metadata TEXT NOT NULL DEFAULT '{}'
        )""",
        """CREATE TABLE chapter (
            id       INTEGER PRIMARY KEY,
            position INTEGER NOT NULL,
            title    TEXT NOT NULL,
            voice    TEXT NOT NULL DEFAULT '{}'
        )""",
        "CREATE INDEX chapter_position ON chapter(position)",
        """CREATE TABLE paragraph (
            id         INTEGER PRIMARY KEY,
            chapter_id INTEGER NOT NULL REFERENCES chapter(id) ON DELETE CASCADE,
            position   INTEGER NOT NULL,
            text       TEXT NOT NULL,
            voice      TEXT NOT NULL DEFAULT '{}'
        )""",
        "CREATE INDEX paragraph_chapter ON paragraph(chapter_id, position)",
        """CREATE TABLE emotion_span (
            id           INTEGER PRIMARY KEY,
            paragraph_id INTEGER NOT NULL REFERENCES paragraph(id) ON DELETE CASCADE,
            start        INTEGER NOT NULL CHECK (start >= 0),
            end          INTEGER NOT NULL CHECK (end >= start),
            category     TEXT NOT NULL,
            intensity    REAL NOT NULL DEFAULT 1.0 CHECK (intensity > 0)
        )""",
        "CREATE INDEX emotion_span_paragraph ON emotion_span(paragraph_id)",
    ],
    # 2: rendered audio per paragraph-group, keyed by content so edits re-render only what changed.
    [
        """CREATE TABLE rendered_unit (
            cache_key   TEXT PRIMARY KEY,
            engine      TEXT NOT NULL,
            voice       TEXT NOT NULL,
            audio_file  TEXT NOT NULL,
            sample_rate INTEGER NOT NULL,
            duration_ms INTEGER NOT NULL,
            timestamps  TEXT NOT NULL DEFAULT '{}',
            created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        )""",
    ],
    # 3: durable render jobs (one per distinct unit content: vendor task id, state, attempts, last error) and
    #    the units of the most recent render in plan order (what ``studio status`` lists). Times are Unix
    #    seconds (wall clock: vendor retention is counted from ``submitted_at``).
    [
        """CREATE TABLE render_job (
            cache_key      TEXT PRIMARY KEY,
            engine         TEXT NOT NULL,
            voice          TEXT NOT NULL,
            characters     INTEGER NOT NULL,
            paragraphs     INTEGER NOT NULL DEFAULT 1,
            params_key     TEXT NOT NULL DEFAULT '',
            paragraph_keys TEXT NOT NULL DEFAULT '[]',
            target_chars   INTEGER,
            state          TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'submitted', 'running',
                               'downloading', 'done', 'failed', 'cancelled')),
            task_id        TEXT,
            submitted_at   REAL,
            attempts       INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            error_type     TEXT,
            error_code     TEXT,
            error_message  TEXT,
            created_at     REAL NOT NULL,
            updated_at     REAL NOT NULL
        )""",
        "CREATE INDEX render_job_params ON render_job(params_key)",
        """CREATE TABLE render_plan_unit (
            position        INTEGER PRIMARY KEY,
            cache_key       TEXT NOT NULL,
            chapter_index   INTEGER NOT NULL,
            paragraph_index INTEGER NOT NULL,
            paragraph_count INTEGER NOT NULL DEFAULT 1
        )""",
    ],
    # 4: the project's pronunciation lexicon (studio/core/lexicon.py) and readings set on one occurrence.
    [
        """CREATE TABLE lexicon_entry (
            id       INTEGER PRIMARY KEY,
            written  TEXT NOT NULL,
            pinyin   TEXT NOT NULL DEFAULT '',
            alias    TEXT NOT NULL DEFAULT '',
            espeak   TEXT NOT NULL DEFAULT '',
            say_as   TEXT NOT NULL DEFAULT '',
            context  TEXT NOT NULL DEFAULT '',
            note     TEXT NOT NULL DEFAULT '',
            UNIQUE (written, context)
        )""",
        """CREATE TABLE reading_span (
            id           INTEGER PRIMARY KEY,
            paragraph_id INTEGER NOT NULL REFERENCES paragraph(id) ON DELETE CASCADE,
            start        INTEGER NOT NULL CHECK (start >= 0),
            end          INTEGER NOT NULL CHECK (end > start),
            kind         TEXT NOT NULL CHECK (kind IN ('phoneme', 'sub', 'say-as')),
            value        TEXT NOT NULL,
            alias        TEXT NOT NULL DEFAULT '',
            written      TEXT NOT NULL DEFAULT ''
        )""",
        "CREATE INDEX reading_span_paragraph ON reading_span(paragraph_id)",
    ],
    # 5: takes (studio/core/takes.py): every audio a paragraph was rendered to, kept when it is rendered again,
    #    and the take pinned per paragraph position (what the export uses). Times are Unix seconds.
    [
        """CREATE TABLE take (
            id              INTEGER PRIMARY KEY,
            chapter_index   INTEGER NOT NULL,
            paragraph_index INTEGER NOT NULL,
            text            TEXT NOT NULL,
            cache_key       TEXT NOT NULL,
            audio_file      TEXT NOT NULL,
            engine          TEXT NOT NULL,
            voice           TEXT NOT NULL,
            sample_rate     INTEGER NOT NULL,
            duration_ms     INTEGER NOT NULL,
            timestamps      TEXT NOT NULL DEFAULT '{}',
            created_at      REAL NOT NULL
        )""",
        "CREATE INDEX take_text ON take(text)",
        "CREATE INDEX take_audio ON take(audio_file)",
        """CREATE TABLE take_pin (
            chapter_index   INTEGER NOT NULL,
            paragraph_index INTEGER NOT NULL,
            take_id         INTEGER NOT NULL REFERENCES take(id) ON DELETE CASCADE,
            PRIMARY KEY (chapter_index, paragraph_index)
        )""",
    ],
    # 6: dialogue casting (studio/core/cast.py): the project's characters with a voice per engine (JSON), and
    #    voice spans inside paragraphs naming a character or a voice, like emotion spans.
    [
        """CREATE TABLE cast_member (
            name      TEXT PRIMARY KEY,
            aliases   TEXT NOT NULL DEFAULT '[]',
            gender    TEXT NOT NULL DEFAULT 'unknown',
            age_band  TEXT NOT NULL DEFAULT 'unknown',
            notes     TEXT NOT NULL DEFAULT '',
            voices    TEXT NOT NULL DEFAULT '{}'
        )""",
        """CREATE TABLE voice_span (
            id           INTEGER PRIMARY KEY,
            paragraph_id INTEGER NOT NULL REFERENCES paragraph(id) ON DELETE CASCADE,
            start        INTEGER NOT NULL CHECK (start >= 0),
            end          INTEGER NOT NULL CHECK (end > start),
            character    TEXT,
            voice        TEXT,
            emotion      TEXT
        )""",
        "CREATE INDEX voice_span_paragraph ON voice_span(paragraph_id)",
    ],
]

SCHEMA_VERSION = len(MIGRATIONS)
