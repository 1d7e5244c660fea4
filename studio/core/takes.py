"""Takes: every audio a paragraph was rendered to, kept when the paragraph is rendered again.

Why: a re-render (new voice, emotion, lexicon entry, prosody, or just "again") used to replace the audio the
author had paid for and perhaps liked better. Now each finished one-paragraph render is a row of ``take``
(written by ``Project.finish_render_job`` in the same transaction as the audio), and the audio a new render of
the *same* request would overwrite is first moved to ``cache/takes/`` (``set_aside``).

A take belongs to the paragraph text the author wrote (before the lexicon), so the takes of a paragraph are the
takes with its current text, wherever it sits in the book. A pin is per paragraph position (chapter, paragraph;
0-based); the export uses the pinned take while its text still matches the paragraph (else it warns and uses the
current render: ``studio.render.takes_plan``). Without a pin the export uses the current render, i.e. the
newest take of the request the book asks for now.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studio.core.errors import BadInputError
from studio.core.project import Project

__all__ = ["TAKES_DIR", "Take", "all_takes", "delete_takes", "insert_take", "pin_take", "pinned_take", "pins",
           "set_aside", "take", "takes_of", "unpin"]

#: Where set-aside audio lives, inside the project's cache folder.
TAKES_DIR = "takes"

_COLUMNS = ("id", "chapter_index", "paragraph_index", "text", "cache_key", "audio_file", "engine", "voice",
            "sample_rate", "duration_ms", "timestamps", "created_at")


@dataclass(frozen=True)
class Take:
    """One rendered audio of a paragraph. ``audio_path`` is absolute; ``created_at`` Unix seconds."""

    id: int
    chapter_index: int
    paragraph_index: int
    text: str
    cache_key: str
    audio_path: Path
    engine: str
    voice: str
    sample_rate: int
    duration_ms: int
    timestamps: dict[str, Any]
    created_at: float

    @property
    def exists(self) -> bool:
        return self.audio_path.is_file()

    def label(self) -> str:
        """"#12 xiaoyun (aliyun) 2026-12-07 10:31, 4.2 s": how lists name a take."""
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.created_at))
        return f"#{self.id} {self.voice} ({self.engine}) {when}, {self.duration_ms / 1000:.1f} s"


def insert_take(db: sqlite3.Connection, *, chapter_index: int, paragraph_index: int, text: str, cache_key: str,
                audio_file: str, engine: str, voice: str, sample_rate: int, duration_ms: int,
                timestamps: dict[str, Any], now: float) -> None:
    """Record a take inside the caller's transaction. A take that pointed at the same file (its audio was
    replaced in place) is replaced, so no take ever names audio it does not have."""
    db.execute("DELETE FROM take WHERE audio_file = ?", (audio_file,))
    db.execute("INSERT INTO take(chapter_index, paragraph_index, text, cache_key, audio_file, engine, voice, "
               "sample_rate, duration_ms, timestamps, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               (chapter_index, paragraph_index, text, cache_key, audio_file, engine, voice, sample_rate,
                duration_ms, json.dumps(timestamps, ensure_ascii=False), now))


def _take(project: Project, row: tuple[Any, ...]) -> Take:
    data = dict(zip(_COLUMNS, row, strict=True))
    return Take(data["id"], data["chapter_index"], data["paragraph_index"], data["text"], data["cache_key"],
                project.cache_dir / data["audio_file"], data["engine"], data["voice"], data["sample_rate"],
                data["duration_ms"], json.loads(data["timestamps"]), data["created_at"])


def _select(project: Project, where: str, params: tuple[Any, ...]) -> list[Take]:
    rows = project.read_rows(f"SELECT {', '.join(_COLUMNS)} FROM take WHERE {where} ORDER BY created_at, id", params)
    return [_take(project, row) for row in rows]


def takes_of(project: Project, text: str) -> list[Take]:
    """The takes of a paragraph with this (written) text whose audio is still on disk, oldest first."""
    return [t for t in _select(project, "text = ?", (text,)) if t.exists]


def all_takes(project: Project, chapter_index: int | None = None) -> list[Take]:
    """Every take (of one chapter, 0-based, or of the book), audio on disk or not, oldest first."""
    if chapter_index is None:
        return _select(project, "1", ())
    return _select(project, "chapter_index = ?", (chapter_index,))


def take(project: Project, take_id: int) -> Take | None:
    found = _select(project, "id = ?", (take_id,))
    return found[0] if found else None


def pin_take(project: Project, chapter_index: int, paragraph_index: int, take_id: int) -> None:
    """Pin ``take_id`` for the paragraph at this position (0-based); the take must exist."""
    if take(project, take_id) is None:
        raise BadInputError(f"no take #{take_id} in {project.folder}")
    with project.transaction() as db:
        db.execute("INSERT OR REPLACE INTO take_pin(chapter_index, paragraph_index, take_id) VALUES (?, ?, ?)",
                   (chapter_index, paragraph_index, take_id))


def unpin(project: Project, chapter_index: int, paragraph_index: int) -> None:
    with project.transaction() as db:
        db.execute("DELETE FROM take_pin WHERE chapter_index = ? AND paragraph_index = ?",
                   (chapter_index, paragraph_index))


def pinned_take(project: Project, chapter_index: int, paragraph_index: int) -> Take | None:
    """The take pinned at this position, whatever its text (the caller checks it still matches)."""
    rows = project.read_rows("SELECT take_id FROM take_pin WHERE chapter_index = ? AND paragraph_index = ?",
                             (chapter_index, paragraph_index))
    return take(project, int(rows[0][0])) if rows else None


def pins(project: Project) -> dict[tuple[int, int], Take]:
    """Every pin of the project: (chapter, paragraph) -> take."""
    rows = project.read_rows("SELECT chapter_index, paragraph_index, take_id FROM take_pin")
    found = {(ci, pi): take(project, tid) for ci, pi, tid in rows}
    return {where: t for where, t in found.items() if t is not None}


def set_aside(project: Project, cache_key: str) -> Path | None:
    """Keep a unit's current audio as a take and forget it as the cache's answer, so the next render of the
    same request synthesizes it again. Returns where the audio went (None: nothing was cached).

    The file moves to ``cache/takes/`` (named by key and time) and its take row follows it; the unit's durable
    job is reset so the render submits a new task instead of downloading the old one again. The file is moved
    first: a failure leaves everything as it was."""
    stored = project.rendered_unit(cache_key)
    if stored is None:
        return None
    source: Path = stored["audio_path"]
    folder = project.cache_dir / TAKES_DIR
    folder.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = folder / f"{cache_key}-{stamp}{source.suffix}"
    counter = 1
    while target.exists():
        target = folder / f"{cache_key}-{stamp}-{counter}{source.suffix}"
        counter += 1
    source.replace(target)
    old_name = source.relative_to(project.cache_dir).as_posix()
    new_name = target.relative_to(project.cache_dir).as_posix()
    now = time.time()
    with project.transaction() as db:
        db.execute("UPDATE take SET audio_file = ? WHERE audio_file = ?", (new_name, old_name))
        db.execute("DELETE FROM rendered_unit WHERE cache_key = ?", (cache_key,))
        db.execute("UPDATE render_job SET state = 'queued', task_id = NULL, submitted_at = NULL, attempts = 0, "
                   "error_type = NULL, error_code = NULL, error_message = NULL, updated_at = ? "
                   "WHERE cache_key = ?", (now, cache_key))
    return target


def delete_takes(project: Project, doomed: list[Take]) -> int:
    """Delete these takes and their audio (and the cache entries that named the same files); returns the bytes
    freed. Rows go in one transaction first; a file that cannot be deleted is left for the next clean-up."""
    if not doomed:
        return 0
    names = [t.audio_path.relative_to(project.cache_dir).as_posix() for t in doomed]
    with project.transaction() as db:
        db.executemany("DELETE FROM take WHERE id = ?", [(t.id,) for t in doomed])
        db.executemany("DELETE FROM rendered_unit WHERE audio_file = ?", [(n,) for n in names])
    freed = 0
    for t in doomed:
        try:
            size = t.audio_path.stat().st_size
            t.audio_path.unlink()
            freed += size
        except OSError:
            continue
    return freed
