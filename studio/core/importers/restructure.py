"""The structure review's logic, without Qt: which lines start chapters, decided by the author.

A book is seen as one flat run of *lines*: every chapter contributes its heading line (the title) and then
its paragraphs. Each line that could start a chapter is a :class:`Candidate` - the importer's proposed
headings (with their confidence and reason from the import report), and any line the author points at or
a custom expression matches. :meth:`StructureDraft.apply` rebuilds the chapters from the accepted ones:

* an accepted candidate starts a chapter titled with its line;
* a rejected heading's title becomes an ordinary paragraph at the top of the text it headed, so **no
  character is lost** - :meth:`StructureDraft.totals` counts the characters before and after and they are
  equal by construction, which the review shows and the tests assert;
* paragraphs move as the same objects, so their voices and emotions stay; a chapter whose heading survives
  keeps its own voice.

Text before the first accepted heading becomes an opening chapter named after the book.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from studio.core.book import Book, Chapter, Paragraph
from studio.core.importers.toc import TocEntry

#: Characters of context shown after a heading (the start of the text it opens).
CONTEXT_CHARS = 60
_NUMERALS = "[0-9０-９一二三四五六七八九十百千零〇两IVXLCDMivxlcdm]+"
_NUMERAL_RUN = re.compile(r"[0-9０-９]+|[一二三四五六七八九十百千零〇两]+|(?<![A-Za-z])[IVXLCDM]+(?![A-Za-z])")


@dataclass
class Line:
    """One line of the flat view: a chapter heading (``paragraph is None``) or a paragraph."""

    text: str
    paragraph: Paragraph | None
    chapter: Chapter | None = None  # the chapter a heading line came from


@dataclass
class Candidate:
    """A line that may start a chapter, with what the importer (or the author) said about it."""

    line: int
    title: str
    context: str
    confidence: float
    reason: str
    accepted: bool


@dataclass
class StructureDraft:
    """The author's working copy of a book's structure (nothing changes in the book until :meth:`apply`)."""

    book: Book
    lines: list[Line] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)

    @classmethod
    def from_book(cls, book: Book, toc: list[TocEntry] | None = None) -> StructureDraft:
        """The book's current chapters as accepted candidates (confidence and reason from ``toc`` if given)."""
        draft = cls(book)
        for k, chapter in enumerate(book.chapters):
            entry = toc[k] if toc is not None and k < len(toc) else None
            draft.lines.append(Line(chapter.title, None, chapter))
            draft.candidates.append(Candidate(
                len(draft.lines) - 1, chapter.title, _context(chapter.paragraphs),
                entry.confidence if entry is not None else 1.0,
                entry.reason if entry is not None else "current chapter", True))
            draft.lines.extend(Line(p.text, p) for p in chapter.paragraphs)
        return draft

    def copy(self) -> StructureDraft:
        """Another draft over the same lines (for a preview that must not change this one)."""
        return StructureDraft(self.book, self.lines, [replace(c) for c in self.candidates])

    # -- what the author can do ---------------------------------------------------------------------------

    def set_accepted(self, row: int, accepted: bool) -> None:
        self.candidates[row].accepted = accepted

    def add_line(self, line: int, reason: str) -> int:
        """Make paragraph line ``line`` a candidate (accepted); return its row. An existing one is accepted."""
        for row, c in enumerate(self.candidates):
            if c.line == line:
                c.accepted = True
                return row
        text = self.lines[line].text
        following = [ln.paragraph for ln in self.lines[line + 1 : line + 4] if ln.paragraph is not None]
        cand = Candidate(line, text.strip(), _context(following), 1.0, reason, True)
        self.candidates.append(cand)
        self.candidates.sort(key=lambda c: c.line)
        return self.candidates.index(cand)

    def accept_matching(self, pattern: re.Pattern[str], reason: str) -> int:
        """Accept every line ``pattern`` matches at its start (short lines only); return how many matched."""
        n = 0
        for i, ln in enumerate(self.lines):
            if len(ln.text) <= 80 and pattern.match(ln.text.strip()):
                self.add_line(i, reason)
                n += 1
        return n

    def use_pattern(self, pattern: re.Pattern[str]) -> None:
        """Only the lines ``pattern`` matches start chapters (a custom expression replaces the proposal)."""
        for c in self.candidates:
            c.accepted = False
        self.accept_matching(pattern, "custom expression")

    # -- results --------------------------------------------------------------------------------------------

    def chapter_titles(self) -> list[str]:
        """The chapter list the current choices give (the preview), opening part included."""
        return [c.title for c in self._chapters()]

    def totals(self) -> tuple[int, int]:
        """Characters (titles and paragraphs, spaces excluded) before and after applying the choices."""
        before = sum(_chars(ln.text) for ln in self.lines)
        after = 0
        for chapter in self._chapters():
            after += _chars(chapter.title) if not chapter.title_is_default else 0
            after += sum(_chars(p.text) for p in chapter.paragraphs)
        return before, after

    def apply(self) -> list[Chapter]:
        """The new chapter list (the book itself is not modified; the caller swaps it in)."""
        return [c.chapter for c in self._chapters()]

    def _chapters(self) -> list[_Built]:
        starts = {c.line: c for c in self.candidates if c.accepted}
        out: list[_Built] = []
        current: _Built | None = None
        for i, ln in enumerate(self.lines):
            if i in starts:
                source = ln.chapter
                chapter = Chapter(starts[i].title, [], voice=source.voice if source is not None else _voice())
                if source is not None:
                    chapter.id = source.id
                current = _Built(chapter, False)
                out.append(current)
                if ln.paragraph is not None and starts[i].title != ln.text.strip():
                    # a line made a heading keeps any text after the title as its first paragraph
                    rest = ln.text.strip()[len(starts[i].title):].strip()
                    if rest:
                        chapter.paragraphs.append(Paragraph(rest))
                continue
            if current is None:
                current = _Built(Chapter(self.book.title, []), True)
                out.append(current)
            para = ln.paragraph if ln.paragraph is not None else Paragraph(ln.text)
            current.chapter.paragraphs.append(para)
        return [b for b in out if b.chapter.paragraphs or not b.title_is_default]


@dataclass
class _Built:
    chapter: Chapter
    title_is_default: bool

    @property
    def title(self) -> str:
        return self.chapter.title

    @property
    def paragraphs(self) -> list[Paragraph]:
        return self.chapter.paragraphs


def _voice():  # type: ignore[no-untyped-def]
    from studio.core.book import VoiceSettings

    return VoiceSettings()


def _context(paragraphs: list[Paragraph | None]) -> str:
    text = " ".join(p.text for p in paragraphs if p is not None)
    return text[:CONTEXT_CHARS] + ("…" if len(text) > CONTEXT_CHARS else "")


def _chars(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace())


def shape_pattern(line: str) -> str:
    """An expression for "lines like this one": its words kept, its numbers any number, anchored at the start.

    ``第十二章 风起`` -> ``第[numerals]章``; ``卷一 闺房记乐`` -> ``卷[numerals]``; ``Chapter 12`` ->
    ``Chapter [numerals]``. Only the part up to the first space after a number is used, so the titles that
    follow may differ.
    """
    text = line.strip()
    m = _NUMERAL_RUN.search(text)
    if m is None:
        head = text.split()[0] if text.split() else text
        return re.escape(head) + r"(?:\s|$)"
    tail = text[m.end():]
    stop = re.match(r"[^\s：:、.．]{0,2}", tail)
    suffix = tail[: stop.end()] if stop else ""
    return re.escape(text[: m.start()]) + _NUMERALS + re.escape(suffix)
