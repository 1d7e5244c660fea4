"""From a flat run of headings and paragraphs to the Book > Chapter > Paragraph tree.

Every format importer reduces its input to :class:`Block` s (a heading with a level, or a paragraph with
its emotion spans) and lets this module decide the chapters, so the rules are the same everywhere:

* which heading level makes chapters (:func:`choose_chapter_level`): a single top heading at the start
  followed by deeper ones is the book title; otherwise the top-most level that occurs more than once;
* headings deeper than the chapter level stay in the text as paragraphs (no words are lost);
* a heading followed directly by another (``第一卷`` then ``第一章``, a "Part One" page) does not make an
  empty chapter: its title is carried into the next one, joined with " · ";
* text before the first heading: a few short title/author lines become book metadata; anything longer
  is kept as a chapter called 前言 / "Front matter".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from studio.core.book import Book, Chapter, EmotionSpan, Paragraph
from studio.core.errors import InputError
from studio.core.importers.headings import normalise_title
from studio.core.importers.plain_headings import Heading, detect_headings, pattern_headings
from studio.core.importers.report import WarningLog
from studio.core.importers.toc import ChapterInfo, get_info, named_chapter, set_info

TITLE_JOINER = " – "

_AUTHOR_RE = re.compile(
    r"^(?:作者|作\s+者|著者|原著|author|written by)\s*[:：]?\s*(?P<name>\S.{0,39})$"
    r"|^(?P<name2>\S.{1,29}?)\s*著$",
    re.I,
)
_BY_RE = re.compile(r"^[Bb]y\s+(?P<name>[A-Z][\w.\-' ]{1,39})$")
_SENTENCE_END = "。！？!?.…"
_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_RE = re.compile(r"[A-Za-z]")
STRUCTURE_MODES = ("auto", "toc", "none")


@dataclass(slots=True)
class Block:
    """One heading (``level`` >= 1) or body paragraph (``level`` == 0) with its source line.

    Plain text also records the layout a heading is recognised by: ``indent`` (columns, a full-width space
    counts two) and the blank lines around the line (``gap_before`` / ``gap_after``; formats that have
    paragraphs rather than lines leave the default of one). A heading block keeps in ``source`` the exact
    characters it was made from, with the ``confidence`` and ``reason`` of the detection.
    """

    text: str
    level: int = 0
    emotions: list[EmotionSpan] = field(default_factory=list)
    line: int | None = None
    indent: int = 0
    gap_before: int = 1
    gap_after: int = 1
    source: str | None = None
    confidence: float = 1.0
    reason: str = "heading markup"


def check_structure(structure: str) -> re.Pattern[str] | None:
    """Validate ``--structure``: ``auto``, ``toc``, ``none`` or ``pattern:REGEX`` (returns the compiled REGEX)."""
    if structure in STRUCTURE_MODES:
        return None
    if structure.startswith("pattern:") and len(structure) > len("pattern:"):
        try:
            return re.compile(structure[len("pattern:") :])
        except re.error as exc:
            raise InputError(f"--structure pattern is not a valid regular expression ({exc})") from exc
    raise InputError(f"unknown structure {structure!r}: use auto, toc, none or pattern:REGEX")


def _slice(block: Block, a: int, b: int) -> Block | None:
    """``block.text[a:b]`` stripped, as a paragraph block with its emotion spans moved along."""
    raw = block.text[a:b]
    body = raw.strip()
    if not body:
        return None
    shift = a + (len(raw) - len(raw.lstrip()))
    n = len(body)
    spans = [
        EmotionSpan(max(s.start - shift, 0), min(s.end - shift, n), s.category, s.intensity)
        for s in block.emotions
        if s.end - shift > 0 and s.start - shift < n
    ]
    return Block(body, emotions=spans, line=block.line)


def detect_plain_headings(pieces: list[Block], structure: str = "auto") -> list[Block]:
    """Mark plain-text headings among paragraph blocks (levels 1-2); split headings glued to their text.

    ``structure`` is ``auto`` (every kind of evidence, see :mod:`.plain_headings`), ``toc`` (only lines a
    table of contents lists, plus the numbered headings it confirms), ``none`` (no chapters) or
    ``pattern:REGEX`` (lines the expression matches at their start).
    """
    regex = check_structure(structure)
    if structure == "none" or not pieces:
        return pieces
    if regex is not None:
        headings = pattern_headings(pieces, regex)
    else:
        headings, _toc = detect_headings(pieces)
        if structure == "toc":
            headings = [h for h in headings if "toc" in h.reasons]
    if not headings:
        return pieces
    by_block: dict[int, list[Heading]] = {}
    for h in headings:
        by_block.setdefault(h.index, []).append(h)
    out: list[Block] = []
    skip = -1
    for i, block in enumerate(pieces):
        if i == skip:
            continue
        hs = by_block.get(i)
        if not hs:
            out.append(block)
            continue
        pos = 0
        for h in hs:
            if h.start > pos:
                before = _slice(block, pos, h.start)
                if before is not None:
                    out.append(before)
            source = block.text[h.start : h.cut]
            if h.joins_next and i + 1 < len(pieces):
                source = f"{source} {pieces[i + 1].text}"
                skip = i + 1
            out.append(Block(h.title or normalise_title(source), level=h.level, line=block.line, source=source,
                             confidence=round(h.confidence, 2), reason=h.reason))
            pos = h.cut
        after = _slice(block, pos, len(block.text))
        if after is not None:
            out.append(after)
    return out


def choose_chapter_level(levels: list[int]) -> tuple[int, bool]:
    """Return ``(chapter_level, first_heading_is_book_title)`` for the heading levels of a document."""
    counts = Counter(levels)
    top = min(counts)
    if counts[top] == 1 and len(counts) > 1 and levels[0] == top:
        rest = Counter(levels[1:])
        repeated = [lvl for lvl in sorted(rest) if rest[lvl] > 1]
        return (repeated[0] if repeated else min(rest)), True
    repeated = [lvl for lvl in sorted(counts) if counts[lvl] > 1]
    return (repeated[0] if repeated else top), False


def build_chapters(blocks: list[Block], chapter_level: int) -> tuple[list[Block], list[Chapter]]:
    """Split blocks into (blocks before the first chapter heading, chapters)."""
    return _split_at_headings(blocks, lambda b: (b.text, 1) if 0 < b.level <= chapter_level else None)


def build_leveled_chapters(blocks: list[Block]) -> tuple[list[Block], list[Chapter]]:
    """Chapters from plain-text headings of two levels: a level-2 chapter is titled "Work – Chapter"."""
    two_levels = any(b.level == 2 for b in blocks)
    work: str | None = None

    def opens(block: Block) -> tuple[str, int] | None:
        nonlocal work
        if not block.level:
            return None
        if block.level == 1:
            work = block.text if two_levels else None
        elif work is not None:
            return f"{work}{TITLE_JOINER}{block.text}", block.level
        return block.text, block.level

    return _split_at_headings(blocks, opens)


def _split_at_headings(blocks: list[Block], opens: Callable[[Block], tuple[str, int] | None],
                       ) -> tuple[list[Block], list[Chapter]]:
    """(blocks before the first chapter, chapters): ``opens`` gives (title, level) for a block that starts a
    chapter, None for text; text joins the chapter above it."""
    pre: list[Block] = []
    chapters: list[Chapter] = []
    current: Chapter | None = None
    for block in blocks:
        opened = opens(block)
        if opened is not None:
            current = Chapter(title=opened[0])
            set_info(current, ChapterInfo(opened[1], block.confidence, block.reason,
                                          block.source if block.source is not None else block.text))
            chapters.append(current)
        elif current is None:
            pre.append(block)
        else:
            current.paragraphs.append(Paragraph(block.text, list(block.emotions)))
    return pre, merge_empty_chapters(chapters)


def merge_empty_chapters(chapters: list[Chapter]) -> list[Chapter]:
    """Carry the title of a chapter without text into the next chapter's title."""
    out: list[Chapter] = []
    carry: list[Chapter] = []
    for chapter in chapters:
        if not chapter.paragraphs:
            carry.append(chapter)
            continue
        if carry:
            titles = [c.title for c in carry]
            joined = TITLE_JOINER.join(titles)
            if not chapter.title.startswith(joined + TITLE_JOINER):
                chapter.title = TITLE_JOINER.join([*titles, chapter.title])
            info = get_info(chapter)
            sources = [get_info(c).heading for c in carry]
            set_info(chapter, ChapterInfo(info.level, info.confidence, info.reason,
                                          " ".join([*sources, info.heading]).strip()))
            carry = []
        out.append(chapter)
    if carry:
        # Trailing headings with no text after them: keep them (the title is the author's text) on the
        # last chapter if there is one, else as a title-only chapter.
        if out:
            out[-1].paragraphs.extend(Paragraph(get_info(c).heading or c.title) for c in carry)
        else:
            lone = Chapter(title=TITLE_JOINER.join(c.title for c in carry))
            set_info(lone, ChapterInfo(1, 1.0, "heading", " ".join(get_info(c).heading for c in carry)))
            out.append(lone)
    return out


def is_author_line(text: str) -> str | None:
    """The author's name if ``text`` is a byline ("作者：鲁迅", "鲁迅 著", "by Lu Xun"), else ``None``."""
    m = _AUTHOR_RE.match(text)
    if m is not None:
        return (m.group("name") or m.group("name2") or "").strip() or None
    m = _BY_RE.match(text)
    return m.group("name").strip() if m is not None else None


def _title_like(text: str) -> bool:
    return 0 < len(text) <= 40 and text[-1] not in _SENTENCE_END and "。" not in text


def take_front_matter(
    pre: list[Block], meta: dict[str, Any], warnings: WarningLog, *, language: str
) -> Chapter | None:
    """Decide what the text before the first chapter heading is.

    A short block (at most 6 title-like lines: short, no sentence punctuation) is front matter: the first
    line is the title, "作者：..." / "by ..." lines the author, the rest goes to ``metadata["front_matter"]``.
    Leading title/author lines are peeled off a longer block too; what remains becomes a chapter titled
    前言 (or "Front matter" for non-Chinese text), so no prose is ever dropped.
    """
    if not pre:
        return None
    rest = list(pre)
    moved: list[str] = []
    # Peel a title line and author lines off the top.
    for _ in range(3):
        if not rest:
            break
        text = rest[0].text
        author = is_author_line(text)
        if author is not None:
            meta.setdefault("author", author)
        elif not moved and _title_like(text) and len(text) <= 30 and (
            len(rest) == 1 or is_author_line(rest[1].text) is not None
        ):
            meta.setdefault("title", text)
        else:
            break
        moved.append(text)
        rest.pop(0)
    if rest and len(rest) <= 6 and all(_title_like(b.text) for b in rest):
        extra = [b.text for b in rest]
        if "title" not in meta and not moved:
            meta["title"] = extra[0]
        meta.setdefault("front_matter", []).extend(extra)
        moved.extend(extra)
        rest = []
    if moved:
        warnings.moved.extend(moved)
        n = len(moved)
        warnings.add(f"{n} line{'s' if n != 1 else ''} of front matter moved to metadata: "
                     + " / ".join(moved)[:120])
    if not rest:
        return None
    title = "前言" if language == "zh" else "Front matter"
    return named_chapter(Chapter(title=title, paragraphs=[Paragraph(b.text, list(b.emotions)) for b in rest]),
                         "text before the first heading")


def guess_language(texts: list[str]) -> str:
    """"zh" if the sample is mostly Chinese characters, else "en" (good enough to name the front matter)."""
    sample = "".join(texts)[:5000]
    cjk = len(_CJK_RE.findall(sample))
    latin = len(_LATIN_RE.findall(sample))
    return "zh" if cjk >= latin / 4 and cjk > 0 else ("en" if latin else "zh")


def single_chapter_title(blocks: list[Block]) -> str | None:
    """With no headings at all: the first line is the chapter title if it is short and title-like."""
    if len(blocks) > 1 and blocks[0].level == 0 and _title_like(blocks[0].text) and len(blocks[0].text) <= 30:
        return blocks[0].text
    return None


def finish_book(
    chapters: list[Chapter],
    meta: dict[str, Any],
    *,
    default_title: str,
    path: str,
) -> Book:
    """Assemble the :class:`Book`; refuse a result with nothing to narrate."""
    chapters = [c for c in chapters if c.paragraphs or c.title]
    language_tag = str(meta.pop("language", "") or "zh").strip().replace("_", "-")
    language = language_tag.split("-")[0].lower() or "zh"
    if language_tag.lower() != language:
        meta["language_tag"] = language_tag  # "zh-TW" is kept for voice choice; Book.language is "zh"
    book = Book(
        title=str(meta.pop("title", "") or default_title).strip() or default_title,
        author=str(meta.pop("author", "") or "").strip(),
        language=language,
        chapters=chapters,
        metadata=meta,
    )
    if book.characters == 0:
        what = "only headings, no text" if chapters else "no text"
        raise InputError(f"the manuscript contains {what}", path=path)
    return book


def plain_chapters(
    blocks: list[Block], meta: dict[str, Any], warnings: WarningLog, *, language: str, fallback_title: str,
    structure: str = "auto",
) -> list[Chapter]:
    """Chapters for text without heading markup, using the plain-text heading rules."""
    if not blocks:
        return []
    if structure == "none":
        title = str(meta.get("title") or fallback_title)
        return [named_chapter(Chapter(title, [Paragraph(b.text, list(b.emotions)) for b in blocks]),
                              "structure none")]
    blocks = detect_plain_headings(blocks, structure)
    if any(b.level for b in blocks):
        pre, chapters = build_leveled_chapters(blocks)
        front = take_front_matter(pre, meta, warnings, language=language)
        return [front, *chapters] if front is not None else chapters
    warnings.add("no chapter headings found; using one chapter")
    detected: str | None = None
    if "title" not in meta:
        detected = single_chapter_title(blocks)
        if detected is not None:
            meta["title"] = detected
            warnings.moved.append(detected)
            blocks = blocks[1:]
            author = is_author_line(blocks[0].text) if blocks else None
            if author is not None and len(blocks) > 1:
                meta.setdefault("author", author)
                warnings.moved.append(blocks[0].text)
                blocks = blocks[1:]
    chapter_title = detected or str(meta.get("title") or fallback_title)
    return [named_chapter(Chapter(chapter_title, [Paragraph(b.text, list(b.emotions)) for b in blocks]),
                          "no headings found")]


def chapters_from_headings(
    blocks: list[Block], meta: dict[str, Any], warnings: WarningLog, *, language: str, default_title: str,
    structure: str = "auto", heading_as_subtitle: bool = False,
) -> list[Chapter]:
    """Chapters of a manuscript whose headings are marked up (DOCX styles, Markdown ``#``): blocks with a
    ``level`` open chapters at the level ``choose_chapter_level`` picks; without any, the plain-text rules.

    A lone top heading above the chapters becomes the book title; with ``heading_as_subtitle`` (Markdown, whose
    front matter may already name the title) a different one is kept as the subtitle instead of being lost.
    """
    levels = [b.level for b in blocks if b.level]
    if not levels:
        return plain_chapters(blocks, meta, warnings, language=language, fallback_title=default_title,
                              structure=structure)
    level, first_is_title = choose_chapter_level(levels)
    if first_is_title:
        first = next(i for i, b in enumerate(blocks) if b.level)
        heading = blocks.pop(first).text
        if heading_as_subtitle and meta.get("title") and meta["title"] != heading:
            meta.setdefault("subtitle", heading)
        meta.setdefault("title", heading)
    for b in blocks:
        if b.level > level:
            b.level = 0
    pre, chapters = build_chapters(blocks, level)
    front = take_front_matter(pre, meta, warnings, language=language)
    if front is not None:
        chapters.insert(0, front)
    return chapters
