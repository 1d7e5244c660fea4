"""EPUB 2 and 3: reading order from the spine, chapter titles from the table of contents.

``ebooklib`` reads the package (metadata, items, the EPUB 3 nav or the EPUB 2 NCX). Before that, the
container and the OPF are checked here with ``zipfile``/``lxml`` so a broken book gets a precise message
("spine names missing file OEBPS/ch2.xhtml") instead of a library traceback; manifest files that are
missing but not in the spine (a lost image) only produce a warning.

Chapters: each TOC entry (every level, in reading order) starts a chapter titled from the TOC; several
entries pointing into one file split it at their ``#fragment`` anchors. A spine document with no TOC entry
continues the previous chapter (a file split by the conversion tool), or, before the first TOC document or
when there is no TOC, is its own chapter titled from its first heading (``h1``-``h3``) or ``<title>``.

Documents that are not story text are skipped (with one warning listing them):

1. the EPUB 3 navigation document;
2. documents whose landmark (nav ``landmarks``) or OPF ``guide`` type is cover, toc, copyright page, title
   page or half-title page;
3. documents with no text at all (an image-only cover);
4. short documents (under 300 characters) that are not in the TOC and whose file name or id says cover,
   title page, copyright, toc, colophon or imprint, or whose every line repeats the book title/author.
"""

from __future__ import annotations

import posixpath
import warnings as _warnings
import zipfile
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urldefrag

from lxml import etree

from studio.core.book import Chapter, Paragraph
from studio.core.errors import InputError
from studio.core.importers.html_text import HtmlDocument, parse_html
from studio.core.importers.report import ImportResult, WarningLog, make_report
from studio.core.importers.structure import (
    Block,
    finish_book,
    guess_language,
    merge_empty_chapters,
    normalise_title,
    plain_chapters,
)
from studio.core.importers.toc import ChapterInfo, get_info, named_chapter, set_info

_OPF_NS = "http://www.idpf.org/2007/opf"
_CONTAINER_NS = "urn:oasis:names:tc:opendocument:xmlns:container"
_XHTML_TYPES = frozenset(("application/xhtml+xml", "text/html", "application/xml", "text/xml"))
_SKIP_TYPES = frozenset(("cover", "toc", "copyright-page", "titlepage", "title-page", "halftitlepage",
                         "loi", "lot", "landmarks"))
_AUX_NAME_WORDS = ("cover", "title", "copyright", "toc", "contents", "colophon", "imprint", "nav")
_SHORT_DOC = 300


@dataclass
class _Package:
    opf_dir: str
    manifest: dict[str, tuple[str, str, str]]  # id -> (href relative to OPF dir, media type, properties)
    spine: list[str]  # manifest ids
    guide_types: dict[str, str]  # href (relative to OPF dir) -> type


def import_epub(
    path: str, *, source: str, default_title: str, warnings: WarningLog, structure: str = "auto"
) -> ImportResult:
    """Build a book from an EPUB file."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise InputError(f"not a valid EPUB: the file is not a readable ZIP archive ({exc})", path=source) from exc
    try:
        with zf:
            package = _check_package(zf, source)
    except InputError:
        raise
    except Exception as exc:  # corrupt member, unsupported compression, encrypted entry ...
        raise InputError(f"not a valid EPUB: cannot read the archive ({exc})", path=source) from exc
    try:
        with _warnings.catch_warnings():
            _warnings.simplefilter("ignore")
            ebook, missing, toc_from_nav = _read_ebooklib(path)
    except InputError:
        raise
    except Exception as exc:  # ebooklib raises bare KeyError/IndexError/lxml errors on odd books
        raise InputError(f"cannot read this EPUB ({type(exc).__name__}: {exc})", path=source) from exc
    if missing:
        warnings.add(f"{len(missing)} file(s) listed in the EPUB manifest are missing: "
                     + ", ".join(sorted(missing)[:5]))
    try:
        return _build(ebook, package, toc_from_nav=toc_from_nav, source=source, default_title=default_title,
                      warnings=warnings, structure=structure)
    except InputError:
        raise
    except Exception as exc:  # a malformed document the HTML parser or ebooklib chokes on
        raise InputError(f"cannot read this EPUB ({type(exc).__name__}: {exc})", path=source) from exc


def _xml(data: bytes, what: str, source: str) -> Any:
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=False)
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"not a valid EPUB: {what} is not well-formed XML ({exc})", path=source) from exc


def _check_package(zf: zipfile.ZipFile, source: str) -> _Package:
    names = set(zf.namelist())
    if "META-INF/container.xml" not in names:
        raise InputError("this ZIP archive is not an EPUB (it has no META-INF/container.xml)", path=source)
    container = _xml(zf.read("META-INF/container.xml"), "META-INF/container.xml", source)
    rootfile = container.find(f".//{{{_CONTAINER_NS}}}rootfile")
    opf_path = rootfile.get("full-path") if rootfile is not None else None
    if not opf_path:
        raise InputError("not a valid EPUB: container.xml names no package (OPF) file", path=source)
    if opf_path not in names:
        raise InputError(f"not a valid EPUB: the package file {opf_path} is missing", path=source)
    opf = _xml(zf.read(opf_path), opf_path, source)
    opf_dir = posixpath.dirname(opf_path)
    manifest: dict[str, tuple[str, str, str]] = {}
    for item in opf.iter(f"{{{_OPF_NS}}}item"):
        ident, href = item.get("id"), item.get("href")
        if ident and href:
            manifest[ident] = (_norm(unquote(href)), item.get("media-type", ""), item.get("properties", ""))
    spine_el = opf.find(f"{{{_OPF_NS}}}spine")
    spine = [ref.get("idref", "") for ref in spine_el.iter(f"{{{_OPF_NS}}}itemref")] if spine_el is not None else []
    if not spine:
        raise InputError("not a valid EPUB: the package has no reading order (empty spine)", path=source)
    unknown = [ref for ref in spine if ref not in manifest]
    if unknown:
        raise InputError(f"not a valid EPUB: the spine names unknown item(s): {', '.join(unknown)}", path=source)
    missing = []
    for ref in spine:
        zip_name = _norm(posixpath.join(opf_dir, manifest[ref][0]))
        if zip_name not in names:
            missing.append(zip_name)
    if missing:
        raise InputError(f"broken EPUB: the spine names missing file(s): {', '.join(missing)}", path=source)
    guide: dict[str, str] = {}
    for ref in opf.iter(f"{{{_OPF_NS}}}reference"):
        href, kind = ref.get("href"), ref.get("type")
        if href and kind:
            guide[_norm(unquote(urldefrag(href)[0]))] = kind.lower()
    return _Package(opf_dir, manifest, spine, guide)


def _norm(path: str) -> str:
    return posixpath.normpath(path).lstrip("/") if path else path


def _read_ebooklib(path: str) -> tuple[Any, list[str], bool]:
    """The ebooklib book, the manifest files that were missing, and whether the TOC came from the nav."""
    from ebooklib import epub

    class _TolerantReader(epub.EpubReader):  # type: ignore[misc]
        """ebooklib loads every manifest item eagerly; one lost image must not sink the whole book."""

        missing: list[str]

        def read_file(self, name: str) -> bytes:
            try:
                return super().read_file(name)  # type: ignore[no-any-return]
            except KeyError:
                self.missing.append(name)
                return b""

    def load(ignore_ncx: bool) -> tuple[Any, list[str]]:
        reader = _TolerantReader(path, {"ignore_ncx": ignore_ncx})
        reader.missing = []
        book = reader.load()
        reader.process()
        return book, reader.missing

    try:
        book, missing = load(True)  # EPUB 3: the nav document is the TOC (EPUB 2: the NCX)
        has_nav = any(isinstance(item, epub.EpubNav) for item in book.get_items())
        return book, missing, has_nav
    except Exception:
        # ebooklib gives up on a nav without a "toc" list; the EPUB 2 NCX may still be there.
        book, missing = load(False)
        return book, missing, False


def _toc_entries(ebook: Any, nav_dir: str | None, ncx_dir: str) -> list[tuple[str, str, str]]:
    """Flatten the TOC to (file relative to OPF dir, fragment, title), in order."""
    out: list[tuple[str, str, str]] = []
    base = nav_dir if nav_dir is not None else ncx_dir

    def visit(items: Any) -> None:
        for item in items:
            if isinstance(item, tuple | list):
                if len(item) == 2 and not isinstance(item[0], tuple | list):
                    visit([item[0]])
                    visit(item[1])
                else:
                    visit(item)
                continue
            href = getattr(item, "href", None)
            title = normalise_title(str(getattr(item, "title", "") or ""))
            if not href:
                continue
            file_part, frag = urldefrag(unquote(str(href)))
            if nav_dir is None:  # NCX links are relative to the NCX file; ebooklib leaves them raw
                file_part = posixpath.join(base, file_part)
            out.append((_norm(file_part), frag, title))

    toc = ebook.toc or []
    visit(toc if isinstance(toc, list | tuple) else [toc])  # an empty NCX navMap yields a bare Link
    return out


def _landmark_types(items: dict[str, Any], nav_name: str | None) -> dict[str, str]:
    """href -> landmark type from the EPUB 3 nav's ``landmarks`` list (ebooklib does not parse it)."""
    if nav_name is None:
        return {}
    item = items.get(nav_name)
    if item is None or not item.content:
        return {}
    try:
        root = etree.fromstring(item.content, etree.HTMLParser())
    except (etree.XMLSyntaxError, ValueError):
        return {}
    if root is None:
        return {}
    nav_dir = posixpath.dirname(nav_name)
    out: dict[str, str] = {}
    for nav in root.iter("nav"):
        if "landmarks" not in " ".join(str(v) for k, v in nav.attrib.items() if k.endswith("type")):
            continue
        for a in nav.iter("a"):
            kind = next((str(v) for k, v in a.attrib.items() if k.endswith("type")), "")
            href = a.get("href")
            if href and kind:
                out[_norm(posixpath.join(nav_dir, unquote(urldefrag(href)[0])))] = kind.lower()
    return out


def _metadata(ebook: Any) -> dict[str, Any]:
    def values(name: str) -> list[str]:
        try:
            return [str(v).strip() for v, _ in ebook.get_metadata("DC", name) if v and str(v).strip()]
        except Exception:  # ebooklib returns odd structures for odd OPFs; metadata is optional
            return []

    meta: dict[str, Any] = {}
    titles = values("title")
    if titles:
        meta["title"] = titles[0]
    creators = values("creator")
    if creators:
        meta["author"] = (", " if all(c.isascii() for c in creators) else "、").join(creators)
    languages = values("language")
    if languages:
        meta["language"] = languages[0].split("-")[0].lower()
    for name in ("publisher", "date", "description", "identifier", "subject", "rights"):
        found = values(name)
        if found:
            meta[name] = found[0] if len(found) == 1 else found
    return meta


def _build(
    ebook: Any, package: _Package, *, toc_from_nav: bool, source: str, default_title: str, warnings: WarningLog,
    structure: str = "auto",
) -> ImportResult:
    meta = _metadata(ebook)
    nav_name = next((href for href, mt, props in package.manifest.values() if "nav" in props.split()), None)
    ncx_name = next((href for href, mt, _ in package.manifest.values() if mt == "application/x-dtbncx+xml"), "")
    nav_dir = posixpath.dirname(nav_name) if nav_name and toc_from_nav else None
    toc = _toc_entries(ebook, nav_dir, posixpath.dirname(ncx_name))
    toc_by_file: dict[str, list[tuple[str, str]]] = {}
    for file_name, frag, title in toc:
        entries = toc_by_file.setdefault(file_name, [])
        if (frag, title) not in entries:
            entries.append((frag, title))
    items = {_norm(str(item.get_name())): item for item in ebook.get_items()}
    skip_types = {**package.guide_types, **_landmark_types(items, nav_name)}
    book_words = {normalise_title(str(meta.get("title", ""))), normalise_title(str(meta.get("author", "")))}
    book_words.discard("")

    chapters: list[Chapter] = []
    skipped: list[str] = []
    seen_toc_doc = False
    for idref in package.spine:
        href, media_type, props = package.manifest[idref]
        if media_type not in _XHTML_TYPES or "nav" in props.split():
            if "nav" in props.split():
                skipped.append(posixpath.basename(href))
            continue
        if skip_types.get(href) in _SKIP_TYPES:
            skipped.append(posixpath.basename(href))
            continue
        item = items.get(href)
        content = item.get_content() if item is not None else b""
        entries = toc_by_file.get(href, [])
        doc = parse_html(content, frozenset(f for f, _ in entries if f))
        text_len = sum(len(b.text) for b in doc.blocks)
        if doc.dropped_emotions:
            warnings.add(f"{posixpath.basename(href)}: {doc.dropped_emotions} <emotion> tag(s) without a "
                         "category or across paragraphs were ignored")
        if text_len == 0 or (not entries and _auxiliary(idref, href, doc, text_len, book_words)):
            skipped.append(posixpath.basename(href))
            continue
        if entries:
            seen_toc_doc = True
            chapters.extend(_split_by_toc(doc, entries, chapters))
        elif seen_toc_doc and chapters:
            chapters[-1].paragraphs.extend(Paragraph(b.text, list(b.emotions)) for b in doc.blocks)
        else:
            chapters.append(_untitled_chapter(doc, href, meta))
    if skipped:
        warnings.add(f"skipped {len(skipped)} EPUB document(s) that are not story text: {', '.join(skipped)}")
    chapters = merge_empty_chapters(chapters)
    if structure != "auto" and chapters:
        chapters = _restructure(chapters, meta, warnings, structure, default_title)
    if not any(c.paragraphs for c in chapters):
        raise InputError("the EPUB contains no text to narrate", path=source)
    book = finish_book(chapters, meta, default_title=default_title, path=source)
    return ImportResult(book, make_report(book, source=source, fmt="epub", encoding=None, warnings=warnings))


def _restructure(
    chapters: list[Chapter], meta: dict[str, Any], warnings: WarningLog, structure: str, default_title: str
) -> list[Chapter]:
    """``--structure`` other than ``auto``: ``toc`` is what the nav/NCX gave; otherwise the text decides."""
    if structure == "toc":
        return chapters
    blocks: list[Block] = []
    for c in chapters:
        heading = get_info(c).heading
        if heading:
            blocks.append(Block(heading))
        blocks.extend(Block(p.text, emotions=list(p.emotions)) for p in c.paragraphs)
    language = guess_language([b.text for b in blocks[:50]])
    return plain_chapters(blocks, meta, warnings, language=language, fallback_title=default_title,
                          structure=structure)


def _auxiliary(idref: str, href: str, doc: HtmlDocument, text_len: int, book_words: set[str]) -> bool:
    if text_len >= _SHORT_DOC:
        return False
    name = (idref + " " + posixpath.basename(href)).lower()
    if any(word in name for word in _AUX_NAME_WORDS):
        return True
    return bool(book_words) and all(normalise_title(b.text) in book_words for b in doc.blocks)


def _paragraphs(blocks: list[Block]) -> list[Paragraph]:
    return [Paragraph(b.text, list(b.emotions)) for b in blocks]


def _take_title(blocks: list[Block], toc_title: str) -> tuple[str, list[Block], str]:
    """Use the document's leading headings as (part of) the title when they repeat the TOC title.

    Returns the title, the body blocks, and the text of the heading blocks that became the title.
    """
    lead = 0
    while lead < len(blocks) and blocks[lead].level:
        lead += 1
    raw = " ".join(b.text for b in blocks[:lead])
    headings = normalise_title(raw)
    rest = blocks[lead:]
    if not headings:
        return toc_title, blocks, ""
    if not toc_title:
        return headings, rest, raw
    squeeze_h, squeeze_t = headings.replace(" ", ""), toc_title.replace(" ", "")
    if squeeze_t in squeeze_h:
        return headings, rest, raw
    if squeeze_h in squeeze_t:
        return toc_title, rest, raw
    return toc_title, blocks, ""  # different words: keep the headings as text


def _split_by_toc(doc: HtmlDocument, entries: list[tuple[str, str]], chapters: list[Chapter]) -> list[Chapter]:
    starts: list[tuple[int, str]] = []
    for frag, title in entries:
        pos = doc.anchors.get(frag, 0) if frag else 0
        starts.append((pos, title))
    starts.sort(key=lambda s: s[0])
    out: list[Chapter] = []
    first_pos = starts[0][0]
    if first_pos > 0:
        lead_blocks = doc.blocks[:first_pos]
        if chapters:
            chapters[-1].paragraphs.extend(_paragraphs(lead_blocks))
        else:
            starts[0] = (0, starts[0][1])
    for i, (pos, title) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(doc.blocks)
        chapter_title, body, heading = _take_title(doc.blocks[pos:end], title)
        chapter = Chapter(chapter_title or doc.title or "—", _paragraphs(body))
        set_info(chapter, ChapterInfo(1, 1.0, "EPUB table of contents", heading))
        out.append(chapter)
    return out


def _untitled_chapter(doc: HtmlDocument, href: str, meta: dict[str, Any]) -> Chapter:
    blocks = doc.blocks
    if blocks and blocks[0].level and blocks[0].level <= 3:
        chapter = Chapter(blocks[0].text, _paragraphs(blocks[1:]))
        set_info(chapter, ChapterInfo(1, 0.8, "document heading", blocks[0].text))
        return chapter
    title = doc.title if doc.title and doc.title != meta.get("title") else ""
    return named_chapter(Chapter(title or posixpath.splitext(posixpath.basename(href))[0], _paragraphs(blocks)),
                         "EPUB document without a heading")
