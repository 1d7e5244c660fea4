"""The table of contents an import proposes: one entry per chapter, with how sure the importer is and why.

The book model has chapters and no levels, so a two-level structure (work -> chapters, part -> chapters)
is flattened into chapters titled "Work – Chapter" and the level is kept here. Each chapter built by the
importers carries a :class:`ChapterInfo`; :func:`toc_entries` turns them into the ``toc`` of the import
report (``studio import --json``) that the author reviews before trusting a guess.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from studio.core.book import Book, Chapter

_ATTR = "_import_toc_info"


@dataclass(frozen=True, slots=True)
class ChapterInfo:
    """How a chapter was found: its level (1 or 2), confidence 0-1, the evidence, the heading's own text.

    ``heading`` is the exact text of the line(s) the title came from ("" for a chapter the importer named,
    such as the front matter), so a check can account for every character of the source.
    """

    level: int
    confidence: float
    reason: str
    heading: str


@dataclass(frozen=True, slots=True)
class TocEntry:
    title: str
    level: int
    paragraphs: int
    characters: int
    confidence: float
    reason: str
    heading: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_DEFAULT = ChapterInfo(1, 1.0, "heading markup", "")


def set_info(chapter: Chapter, info: ChapterInfo) -> None:
    """Attach the detection record to a chapter (kept off the model: it only matters during import)."""
    setattr(chapter, _ATTR, info)


def get_info(chapter: Chapter) -> ChapterInfo:
    info = getattr(chapter, _ATTR, None)
    return info if isinstance(info, ChapterInfo) else ChapterInfo(1, 1.0, "heading markup", chapter.title)


def named_chapter(chapter: Chapter, reason: str) -> Chapter:
    """Mark a chapter whose title the importer chose (front matter, a text without headings)."""
    set_info(chapter, ChapterInfo(1, 1.0, reason, ""))
    return chapter


def toc_entries(book: Book) -> list[TocEntry]:
    """One entry per chapter of ``book``, in order."""
    out: list[TocEntry] = []
    for chapter in book.chapters:
        info = get_info(chapter)
        out.append(TocEntry(
            title=chapter.title,
            level=info.level,
            paragraphs=len(chapter.paragraphs),
            characters=sum(len(p.text) for p in chapter.paragraphs),
            confidence=info.confidence,
            reason=info.reason,
            heading=info.heading,
        ))
    return out
