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
from dataclasses import dataclass, field
from typing import Any

from studio.core.book import Book, Chapter, EmotionSpan, Paragraph
from studio.core.errors import InputError
from studio.core.importers.headings import HeadingMatch, confirm_weak, match_heading, normalise_title
from studio.core.importers.report import WarningLog

TITLE_JOINER = " · "

_AUTHOR_RE = re.compile(
    r"^(?:作者|作\s+者|著者|原著|author|written by)\s*[:：]?\s*(?P<name>\S.{0,39})$"
    r"|^(?P<name2>\S.{1,29}?)\s*著$",
    re.I,
)
_BY_RE = re.compile(r"^[Bb]y\s+(?P<name>[A-Z][\w.\-' ]{1,39})$")
_SENTENCE_END = "。！？!?.…"
_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_RE = re.compile(r"[A-Za-z]")


@dataclass(slots=True)
class Block:
    """One heading (``level`` >= 1) or body paragraph (``level`` == 0) with its source line."""

    text: str
    level: int = 0
    emotions: list[EmotionSpan] = field(default_factory=list)
    line: int | None = None


def detect_plain_headings(pieces: list[Block]) -> list[Block]:
    """Mark plain-text headings among paragraph blocks (level 1); split headings glued to their text."""
    found: list[tuple[int, HeadingMatch]] = []
    for i, block in enumerate(pieces):
        m = match_heading(block.text)
        if m is not None:
            found.append((i, m))
    if not found:
        return pieces
    keep = confirm_weak([m for _, m in found])
    out: list[Block] = []
    pos = 0
    for (i, m), ok in zip(found, keep, strict=True):
        if not ok:
            continue
        out.extend(pieces[pos:i])
        pos = i + 1
        block = pieces[i]
        title = normalise_title(block.text[: m.cut])
        out.append(Block(title, level=1, line=block.line))
        body_raw = block.text[m.cut :]
        body = body_raw.lstrip()
        if body:
            shift = len(block.text) - len(body)
            n = len(body)
            spans = [
                EmotionSpan(max(s.start - shift, 0), min(s.end - shift, n), s.category, s.intensity)
                for s in block.emotions
                if s.end - shift > 0 and s.start - shift < n
            ]
            out.append(Block(body, emotions=spans, line=block.line))
    out.extend(pieces[pos:])
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
    pre: list[Block] = []
    chapters: list[Chapter] = []
    current: Chapter | None = None
    for block in blocks:
        if 0 < block.level <= chapter_level:
            current = Chapter(title=block.text)
            chapters.append(current)
        elif current is None:
            pre.append(block)
        else:
            current.paragraphs.append(Paragraph(block.text, list(block.emotions)))
    return pre, merge_empty_chapters(chapters)


def merge_empty_chapters(chapters: list[Chapter]) -> list[Chapter]:
    """Carry the title of a chapter without text into the next chapter's title."""
    out: list[Chapter] = []
    carry: list[str] = []
    for chapter in chapters:
        if not chapter.paragraphs:
            carry.append(chapter.title)
            continue
        if carry:
            chapter.title = TITLE_JOINER.join([*carry, chapter.title])
            carry = []
        out.append(chapter)
    if carry:
        # Trailing headings with no text after them: keep them (the title is the author's text) on the
        # last chapter if there is one, else as a title-only chapter.
        if out:
            out[-1].paragraphs.extend(Paragraph(t) for t in carry)
        else:
            out.append(Chapter(title=TITLE_JOINER.join(carry)))
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
        n = len(moved)
        warnings.add(f"{n} line{'s' if n != 1 else ''} of front matter moved to metadata: "
                     + " / ".join(moved)[:120])
    if not rest:
        return None
    title = "前言" if language == "zh" else "Front matter"
    return Chapter(title=title, paragraphs=[Paragraph(b.text, list(b.emotions)) for b in rest])


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
    blocks: list[Block], meta: dict[str, Any], warnings: WarningLog, *, language: str, fallback_title: str
) -> list[Chapter]:
    """Chapters for text without heading markup, using the plain-text heading rules."""
    if not blocks:
        return []
    blocks = detect_plain_headings(blocks)
    if any(b.level for b in blocks):
        pre, chapters = build_chapters(blocks, 1)
        front = take_front_matter(pre, meta, warnings, language=language)
        return [front, *chapters] if front is not None else chapters
    warnings.add("no chapter headings found; using one chapter")
    title = None
    if "title" not in meta:
        title = single_chapter_title(blocks)
        if title is not None:
            meta["title"] = title
            blocks = blocks[1:]
            author = is_author_line(blocks[0].text) if blocks else None
            if author is not None and len(blocks) > 1:
                meta.setdefault("author", author)
                blocks = blocks[1:]
    chapter_title = title or str(meta.get("title") or fallback_title)
    return [Chapter(chapter_title, [Paragraph(b.text, list(b.emotions)) for b in blocks])]
