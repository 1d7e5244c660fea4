"""Plain-text manuscripts: one paragraph per non-empty line, chapters from heading lines.

Chinese novels in TXT put each paragraph on its own line (often indented with full-width spaces) and
rarely leave blank lines, so every non-empty line is a paragraph; blank lines carry no meaning. Lines that
are only decoration (``******``, ``———``, ``☆☆☆``) are scene breaks with nothing to read and are dropped.
"""

from __future__ import annotations

import re

from studio.core.importers.boilerplate import is_site_line
from studio.core.importers.cleanup import InlineCleaner
from studio.core.importers.report import ImportResult, WarningLog, make_report
from studio.core.importers.structure import Block, finish_book, guess_language, plain_chapters

_SEPARATOR_CHARS = "*-_=~#·•—－＝＊※☆★◇◆○●□■◎～"
_SEPARATOR_FIRST = frozenset(_SEPARATOR_CHARS)
_SEPARATOR_LINE_RE = re.compile(rf"[\s{re.escape(_SEPARATOR_CHARS)}]{{3,}}")


def is_separator_line(text: str) -> bool:
    """``***``, ``- - -``, ``☆☆☆``: decoration between scenes, nothing to read aloud."""
    return text[0] in _SEPARATOR_FIRST and _SEPARATOR_LINE_RE.fullmatch(text) is not None


def _indent(raw: str) -> int:
    """Columns of leading whitespace; a full-width space is two columns, a tab four."""
    n = 0
    for ch in raw:
        if ch == " " or ch == "\u00a0":
            n += 1
        elif ch == "\u3000":
            n += 2
        elif ch == "\t":
            n += 4
        else:
            break
    return n


def text_blocks(text: str, cleaner: InlineCleaner, site_lines: list[str] | None = None) -> list[Block]:
    """Every non-empty line as a cleaned paragraph block (a ``<br>`` inside a line splits it).

    The layout a heading is recognised by is kept on each block: indentation and the number of blank lines
    before and after the line (a separator line counts as blank). Website boilerplate lines
    (:func:`.boilerplate.is_site_line`) are left out and appended to ``site_lines`` when it is given, so the
    caller reports them; they count as blank lines for the layout.
    """
    blocks: list[Block] = []
    append = blocks.append
    clean = cleaner.clean
    gap = 2  # the start of the file counts as a break
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or is_separator_line(line):
            gap += 1
            continue
        if site_lines is not None and is_site_line(line):
            site_lines.append(line)
            gap += 1
            continue
        pieces = clean(line, lineno)
        if not pieces:
            gap += 1
            continue
        if blocks:
            blocks[-1].gap_after = gap
        indent = _indent(raw)
        for k, (piece, emotions) in enumerate(pieces):
            append(Block(piece, 0, emotions, lineno, indent=indent, gap_before=gap if k == 0 else 0, gap_after=0))
        gap = 0
    if blocks:
        blocks[-1].gap_after = 2
    return blocks


def import_txt(
    text: str, *, source: str, default_title: str, encoding: str | None, warnings: WarningLog,
    structure: str = "auto",
) -> ImportResult:
    """Build a book from decoded plain text."""
    site_lines: list[str] = []
    blocks = text_blocks(text, InlineCleaner(warnings), site_lines)
    if site_lines:
        n = len(site_lines)
        warnings.add(f"left out {n:,} line{'s' if n != 1 else ''} a website added (update times, word counts, "
                     f"download notices), not read aloud; the first: {site_lines[0][:60]!r}")
    warnings.site_lines.extend(site_lines)
    language = guess_language([b.text for b in blocks[:50]])
    meta: dict[str, object] = {"language": language}
    chapters = plain_chapters(blocks, meta, warnings, language=language, fallback_title=default_title,
                              structure=structure)
    book = finish_book(chapters, meta, default_title=default_title, path=source)
    return ImportResult(book, make_report(book, source=source, fmt="txt", encoding=encoding, warnings=warnings))
