"""Snapshots of a project's book: taken before anything replaces it, listed and restorable.

Why: the book in a project is the author's work (chapter names, text fixes, voices, emotions). A re-import or
a restore replaces it, so both first store the current book as a snapshot; a restore snapshots the current
state too, so a restore is itself undoable. Nothing the author did is ever only in the replaced version.

Stored in the project database itself (``meta`` rows ``snapshot:<id>`` plus an index row ``snapshots``, written
in one transaction), so a snapshot travels with the project folder, needs no schema change and never exists
half-written. Audio is not copied: the cache is keyed by content, so restored paragraphs find their audio again.
A snapshot also holds the project's manuscript record and book settings of that moment (``EXTRA_KEYS``).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from studio.core.book import Book, Chapter, EmotionSpan, Paragraph, VoiceSettings
from studio.core.errors import ProjectError
from studio.core.lexicon import ReadingSpan
from studio.core.project import Project
from studio.core.voice_span import VoiceSpan

INDEX_KEY = "snapshots"
_PREFIX = "snapshot:"
#: Project settings saved and restored along with the book: the manuscript record and the book's audio settings.
EXTRA_KEYS = ("source", "book_settings")


@dataclass(frozen=True)
class SnapshotInfo:
    """One snapshot as ``studio snapshots`` lists it."""

    id: str
    created: float  # Unix time
    reason: str
    title: str
    chapters: int
    paragraphs: int

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "created": self.created, "reason": self.reason, "title": self.title,
                "chapters": self.chapters, "paragraphs": self.paragraphs}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SnapshotInfo:
        return cls(str(data["id"]), float(data["created"]), str(data.get("reason", "")), str(data.get("title", "")),
                   int(data.get("chapters", 0)), int(data.get("paragraphs", 0)))

    @property
    def when(self) -> str:
        """Local time, to the second: what people recognise a snapshot by."""
        return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.created))


# -- the book as plain data ------------------------------------------------------------------------------------


def book_to_dict(book: Book) -> dict[str, Any]:
    """Everything the author can change in a book, as JSON-ready data (ids are not kept: they are the store's)."""
    return {
        "title": book.title, "author": book.author, "language": book.language, "voice": book.voice.to_dict(),
        "metadata": book.metadata,
        "chapters": [{"title": c.title, "voice": c.voice.to_dict(),
                      "paragraphs": [{"text": p.text, "voice": p.voice.to_dict(),
                                      "emotions": [[e.start, e.end, e.category, e.intensity] for e in p.emotions],
                                      **({"readings": [[r.start, r.end, r.kind, r.value, r.alias, r.source]
                                                       for r in p.readings]} if p.readings else {}),
                                      **({"voices": [[v.start, v.end, v.character, v.voice, v.emotion]
                                                     for v in p.voices]} if p.voices else {})}
                                     for p in c.paragraphs]} for c in book.chapters],
    }


def book_from_dict(data: dict[str, Any]) -> Book:
    chapters = [Chapter(title=c["title"], voice=VoiceSettings.from_dict(c.get("voice")),
                        paragraphs=[Paragraph(text=p["text"], voice=VoiceSettings.from_dict(p.get("voice")),
                                              emotions=[EmotionSpan(int(s), int(e), str(cat), float(i))
                                                        for s, e, cat, i in p.get("emotions") or ()],
                                              readings=[ReadingSpan(int(r[0]), int(r[1]), str(r[2]), str(r[3]),
                                                                    str(r[4]), source=str(r[5]))
                                                        for r in p.get("readings") or ()],
                                              voices=[VoiceSpan(int(v[0]), int(v[1]), v[2], v[3], v[4])
                                                      for v in p.get("voices") or ()])
                                    for p in c.get("paragraphs") or ()])
                for c in data.get("chapters") or ()]
    return Book(title=data["title"], author=data.get("author", ""), language=data.get("language", "zh"),
                chapters=chapters, voice=VoiceSettings.from_dict(data.get("voice")),
                metadata=dict(data.get("metadata") or {}))


# -- taking, listing, restoring ---------------------------------------------------------------------------------


def list_snapshots(project: Project) -> list[SnapshotInfo]:
    """Every snapshot of the project, oldest first."""
    return [SnapshotInfo.from_dict(d) for d in project.get_meta(INDEX_KEY, []) or []]


def take_snapshot(project: Project, reason: str, book: Book | None = None) -> SnapshotInfo:
    """Store the project's current book (or ``book``) and settings as a new snapshot; one transaction."""
    book = book if book is not None else project.load_book()
    existing = {s.id for s in list_snapshots(project)}
    created = time.time()
    base = time.strftime("%Y%m%d-%H%M%S", time.localtime(created))
    snap_id, n = base, 2
    while snap_id in existing:
        snap_id, n = f"{base}-{n}", n + 1
    info = SnapshotInfo(snap_id, created, reason, book.title, len(book.chapters), book.paragraph_count)
    payload = {"book": book_to_dict(book), "extra": {key: project.get_meta(key) for key in EXTRA_KEYS}}
    index = [*(s.to_dict() for s in list_snapshots(project)), info.to_dict()]
    with project.transaction() as db:
        db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                   (_PREFIX + snap_id, json.dumps(payload, ensure_ascii=False)))
        db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                   (INDEX_KEY, json.dumps(index, ensure_ascii=False)))
    return info


def snapshot_book(project: Project, snap_id: str) -> Book:
    """The book stored in snapshot ``snap_id`` (a ``ProjectError`` naming the choices if there is none)."""
    return book_from_dict(_payload(project, snap_id)["book"])


def restore_snapshot(project: Project, snap_id: str) -> tuple[SnapshotInfo, SnapshotInfo]:
    """Make snapshot ``snap_id`` the project's book again; return (restored, the snapshot of what it replaced).

    The current book is snapshotted first, so the restore can be undone by restoring that snapshot.
    """
    restored = next((s for s in list_snapshots(project) if s.id == snap_id), None)
    payload = _payload(project, snap_id)
    book = book_from_dict(payload["book"])
    before = take_snapshot(project, f"before restoring {snap_id}")
    project.save_book(book)
    for key, value in (payload.get("extra") or {}).items():
        if key in EXTRA_KEYS:
            project.set_meta(key, value)
    assert restored is not None  # _payload found it
    return restored, before


def _payload(project: Project, snap_id: str) -> dict[str, Any]:
    payload = project.get_meta(_PREFIX + snap_id)
    if not isinstance(payload, dict) or "book" not in payload:
        known = ", ".join(s.id for s in list_snapshots(project)) or "none"
        raise ProjectError(f"{project.folder}: no snapshot {snap_id!r} (snapshots: {known}; "
                           f"see `studio snapshots {project.folder}`)")
    return payload
