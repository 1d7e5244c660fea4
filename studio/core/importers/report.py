"""What an import produced and what the user should double-check.

The report is the importer's receipt: the CLI prints :meth:`ImportReport.summary`, the GUI shows the
warnings next to the chapter tree, and tests assert on the counts. Warnings are plain sentences (with a line
number where one is known) because they are read by authors, not parsed by code.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from studio.core.book import Book
from studio.core.importers.toc import TocEntry, toc_entries

#: More warnings than this are summarised as "... and N more": a badly broken file must not bury the one
#: useful line under thousands of identical ones.
MAX_WARNINGS = 100

_FORMAT_NAMES = {"txt": "plain text", "markdown": "Markdown", "epub": "EPUB", "docx": "Word (DOCX)"}


@dataclass
class ImportReport:
    source: str
    format: str
    encoding: str | None
    chapters: int
    paragraphs: int
    characters: int
    warnings: list[str] = field(default_factory=list)
    toc: list[TocEntry] = field(default_factory=list)
    front_matter: list[str] = field(default_factory=list)
    #: Website boilerplate lines left out of the spoken text (``更新时间…``, ``本章字数…``), in order; reported,
    #: never silently dropped (see :mod:`.boilerplate`).
    site_lines: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """A short human-readable account for the CLI: one line, then one indented line per warning."""
        fmt = _FORMAT_NAMES.get(self.format, self.format)
        if self.encoding:
            fmt = f"{fmt}, {self.encoding}"
        head = (
            f"{self.source} ({fmt}): {_plural(self.chapters, 'chapter')}, "
            f"{_plural(self.paragraphs, 'paragraph')}, {_plural(self.characters, 'character')}"
        )
        lines = [f"{head}; {_plural(len(self.warnings), 'warning')}:" if self.warnings else head]
        lines.extend(f"  - {w}" for w in self.warnings)
        if self.toc:
            lines.append("chapters:")
            lines.extend(_toc_line(i, e) for i, e in enumerate(self.toc, 1))
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (for ``studio import --json`` and the project store)."""
        return asdict(self)


@dataclass
class ImportResult:
    book: Book
    report: ImportReport


def _toc_line(number: int, entry: TocEntry) -> str:
    indent = "    " if entry.level > 1 else "  "
    sure = "" if entry.confidence >= 0.8 else f" (confidence {entry.confidence:.2f}: {entry.reason})"
    return f"{indent}{number}. {entry.title} - {_plural(entry.characters, 'character')}{sure}"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


class WarningLog:
    """Collects warnings in order, capped at :data:`MAX_WARNINGS` so a broken file stays readable."""

    def __init__(self, limit: int = MAX_WARNINGS) -> None:
        #: Lines of the manuscript moved into the book's metadata (title, author lines), in order.
        self.moved: list[str] = []
        #: Website boilerplate lines left out of the text (see :mod:`.boilerplate`), in order.
        self.site_lines: list[str] = []
        self._items: list[str] = []
        self._limit = limit
        self._dropped = 0

    def add(self, message: str, *, line: int | None = None, unit: str = "line") -> None:
        """Record a warning; ``line`` (a line, or for DOCX a paragraph number) prefixes it."""
        if len(self._items) >= self._limit:
            self._dropped += 1
            return
        self._items.append(f"{unit} {line}: {message}" if line is not None else message)

    def extend(self, messages: list[str]) -> None:
        for m in messages:
            self.add(m)

    def as_list(self) -> list[str]:
        if self._dropped:
            return [*self._items, f"... and {self._dropped:,} more warnings"]
        return list(self._items)

    def __len__(self) -> int:
        return len(self._items) + self._dropped


def make_report(book: Book, *, source: str, fmt: str, encoding: str | None, warnings: WarningLog) -> ImportReport:
    return ImportReport(
        source=source,
        format=fmt,
        encoding=encoding,
        chapters=len(book.chapters),
        paragraphs=book.paragraph_count,
        characters=book.characters,
        warnings=warnings.as_list(),
        toc=toc_entries(book),
        front_matter=list(warnings.moved),
        site_lines=list(warnings.site_lines),
    )
