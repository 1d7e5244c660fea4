"""Which manuscript a project came from: its path, a hash of its bytes, and the chapter titles it had.

Why: re-running ``studio render BOOK.md`` or ``studio import BOOK.md --project P`` must never replace the
book the author has been editing. With the manuscript's hash stored in the project, a re-run can tell "the
same file again" (use the project as it is) from "the file changed" (refuse, or re-import on request after a
snapshot). The imported chapter titles let a re-import tell a title the author renamed in the window (kept)
from one the manuscript itself changed (taken from the manuscript).

Stored in the project's ``meta`` table under ``source`` (the key older projects already use for the path and
the import report), so projects from before this module still open: they just have no hash yet.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studio.core.book import Book
from studio.core.project import Project

SOURCE_KEY = "source"
_CHUNK = 1 << 20


def file_sha256(path: Path) -> str:
    """The manuscript's content hash, read in chunks (memory stays flat whatever the file's size)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class ManuscriptSource:
    """The manuscript a project's book was imported from, as recorded at import time."""

    path: str
    sha256: str | None = None  # None: imported before hashes were recorded
    chapter_titles: tuple[str, ...] = ()  # the titles as imported (before any rename in the window)
    report: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "sha256": self.sha256, "chapter_titles": list(self.chapter_titles),
                "report": self.report}

    @classmethod
    def from_dict(cls, data: Any) -> ManuscriptSource | None:
        if not isinstance(data, dict) or not data.get("path"):
            return None
        return cls(path=str(data["path"]), sha256=data.get("sha256") or None,
                   chapter_titles=tuple(str(t) for t in data.get("chapter_titles") or ()),
                   report=dict(data.get("report") or {}))


def source_of(path: Path, book: Book, report: dict[str, Any], sha256: str | None = None) -> ManuscriptSource:
    """The record for a manuscript just imported into ``book`` (hashes ``path`` unless ``sha256`` is given)."""
    return ManuscriptSource(path=str(Path(path).resolve()), sha256=sha256 or file_sha256(path),
                            chapter_titles=tuple(c.title for c in book.chapters), report=report)


def read_source(project: Project) -> ManuscriptSource | None:
    return ManuscriptSource.from_dict(project.get_meta(SOURCE_KEY))


def record_source(project: Project, source: ManuscriptSource) -> None:
    project.set_meta(SOURCE_KEY, source.to_dict())
