"""Word (DOCX) manuscripts via python-docx: heading styles make chapters, core properties give title/author.

A paragraph is a heading when its style (or a style it is based on) is a heading style - recognised by
name ("Heading 1", "heading 1", "标题 1", "標題 1", "Überschrift 1", "Titre 1"...), by the style id Word
writes in localised installs ("1", "Heading1"), or by an outline level set on the style or the paragraph.
The "Title" style (Chinese Word: "标题" without a number) gives the book title. Without any heading
style, the plain-text rules (第X章, Chapter N) run over the paragraphs, because many manuscripts are typed
with bold "第一章" in the Normal style. Line breaks inside a paragraph split it, like ``<br>`` elsewhere;
literal ``<emotion>`` tags typed into the text are honoured.
"""

from __future__ import annotations

import re
import zipfile
from typing import Any

from studio.core.errors import InputError
from studio.core.importers.cleanup import InlineCleaner
from studio.core.importers.report import ImportResult, WarningLog, make_report
from studio.core.importers.structure import (
    Block,
    chapters_from_headings,
    finish_book,
    guess_language,
)

_HEADING_NAME_RE = re.compile(
    r"(?:heading|标题|標題|überschrift|titre|título|titolo|kop|rubrik|заголовок|見出し)\s*(\d)", re.I
)
_HEADING_ID_RE = re.compile(r"(?:heading)?(\d)", re.I)
_TITLE_NAMES = frozenset(("title", "标题", "標題", "titel", "titre", "título", "titolo", "表題"))
_W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def import_docx(
    path: str, *, source: str, default_title: str, warnings: WarningLog, structure: str = "auto"
) -> ImportResult:
    """Build a book from a DOCX file."""
    _check_zip(path, source)
    try:
        import docx as python_docx

        document = python_docx.Document(path)
        meta = _core_metadata(document)
        blocks, title_paragraph = _blocks(document, InlineCleaner(warnings, unit="paragraph"))
    except InputError:
        raise
    except Exception as exc:  # python-docx raises KeyError, lxml errors, PackageNotFoundError ...
        raise InputError(f"cannot read this DOCX (corrupt Word file: {type(exc).__name__}: {exc})",
                         path=source) from exc
    if title_paragraph and not meta.get("title"):
        meta["title"] = title_paragraph
    if not blocks:
        raise InputError("the DOCX contains no text", path=source)
    language = guess_language([b.text for b in blocks[:50]])
    meta.setdefault("language", language)
    if structure != "auto":  # the author chose: heading styles are text like any other paragraph
        for b in blocks:
            b.level = 0
    chapters = chapters_from_headings(blocks, meta, warnings, language=language, default_title=default_title,
                                      structure=structure)
    book = finish_book(chapters, meta, default_title=default_title, path=source)
    return ImportResult(book, make_report(book, source=source, fmt="docx", encoding=None, warnings=warnings))


def _check_zip(path: str, source: str) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise InputError("corrupt DOCX: the file is not a ZIP archive", path=source) from exc
    if "word/document.xml" not in names:
        raise InputError("corrupt DOCX: the archive has no word/document.xml", path=source)


def _core_metadata(document: Any) -> dict[str, Any]:
    props = document.core_properties
    meta: dict[str, Any] = {}
    for key, value in (("title", props.title), ("author", props.author), ("subject", props.subject),
                       ("description", props.comments), ("keywords", props.keywords),
                       ("language", props.language)):
        if value and str(value).strip():
            meta[key] = str(value).strip()
    if "language" in meta:
        meta["language"] = meta["language"].split("-")[0].lower()
    return meta


def _outline_level(ppr: Any) -> int | None:
    if ppr is None:
        return None
    el = ppr.find(f"{_W_NS}outlineLvl")
    if el is None:
        return None
    try:
        value = int(el.get(f"{_W_NS}val", "9"))
    except ValueError:
        return None
    return value + 1 if 0 <= value < 9 else None


def heading_level(paragraph: Any) -> int | None:
    """0 for the Title style, 1-9 for headings, ``None`` for body text."""
    direct = _outline_level(paragraph._p.pPr)
    if direct is not None:
        return direct
    style = paragraph.style
    for _ in range(8):  # follow "based on" a few steps: custom styles derive from Heading N
        if style is None:
            return None
        name = (style.name or "").strip().lower()
        sid = (style.style_id or "").strip()
        if name in _TITLE_NAMES or sid.lower() == "title":
            return 0
        m = _HEADING_NAME_RE.fullmatch(name) or _HEADING_ID_RE.fullmatch(sid)
        if m is not None:
            return int(m.group(1))
        level = _outline_level(style.element.pPr)
        if level is not None:
            return level
        style = style.base_style
    return None


def _paragraphs(document: Any) -> list[Any]:
    """Body paragraphs in order, including those inside tables (once per merged cell)."""
    out: list[Any] = []
    seen: set[int] = set()

    def visit(container: Any) -> None:
        for item in container.iter_inner_content():
            if hasattr(item, "rows"):
                for row in item.rows:
                    for cell in row.cells:
                        if id(cell._tc) not in seen:
                            seen.add(id(cell._tc))
                            visit(cell)
            else:
                out.append(item)

    visit(document)
    return out


def _blocks(document: Any, cleaner: InlineCleaner) -> tuple[list[Block], str | None]:
    blocks: list[Block] = []
    title: str | None = None
    for index, paragraph in enumerate(_paragraphs(document), 1):
        text = paragraph.text
        if not text or not text.strip():
            continue
        level = heading_level(paragraph)
        if level is not None:
            heading = " ".join(text.split())
            if level == 0:
                if title is None:
                    title = heading
                    continue
                level = 1
            blocks.append(Block(heading, level, [], index))
            continue
        for line in text.split("\n"):
            for piece, emotions in cleaner.clean(line, index):
                blocks.append(Block(piece, 0, emotions, index))
    return blocks, title
