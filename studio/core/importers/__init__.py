"""Manuscript importers: TXT (any common encoding), Markdown, EPUB 2/3 and DOCX into a :class:`Book`.

Two entry points, both returning the book *and* a report of what was guessed:

* :func:`import_file` - picks the format from the file's content first (a ZIP is an EPUB or a DOCX
  whatever it is called; a PDF or an image is refused with a message saying so) and from its extension
  second (``.md`` / ``.markdown`` are Markdown, anything else textual is plain text unless it clearly
  looks like Markdown);
* :func:`import_text` - the same pipeline for text already in memory (tests, GUI paste).

Every problem the user can fix raises :class:`~studio.core.errors.InputError` naming the file; no library
exception escapes. Qt-free by rule: the GUI runs these on a worker thread. The heuristics are written
down in docs/decisions/0002-import-heuristics.md.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

from studio.core.errors import InputError
from studio.core.importers.limits import HEAD_BYTES, check_archive, open_manuscript, read_rest
from studio.core.importers.report import ImportReport, ImportResult, WarningLog
from studio.core.importers.structure import check_structure

__all__ = ["ImportReport", "ImportResult", "import_file", "import_text"]

_MARKDOWN_EXT = frozenset((".md", ".markdown", ".mdown", ".mkd", ".mkdn"))
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_MD_HEADING_RE = re.compile(r"^ {0,3}#{1,6}[ \t]+\S", re.M)
_MD_FRONT_RE = re.compile(r"\A---[ \t]*\n(?:[\w\"'-][^\n:]*:[^\n]*\n)+(?:---|\.\.\.)[ \t]*(?:\n|\Z)")
_CJK_RE = re.compile(r"[\u3400-\u9fff]")
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


def import_file(path: str | Path, *, structure: str = "auto") -> ImportResult:
    """Import a manuscript file; raise :class:`InputError` if it cannot be read or makes no sense.

    Reads at most :mod:`~studio.core.importers.limits` allows, and decides from the first bytes whether the
    file is an archive, binary or text before reading the rest, so a wrong file fails in milliseconds.
    ``structure`` chooses how chapters are found: ``auto``, ``toc``, ``none`` or ``pattern:REGEX``
    (see :func:`.structure.detect_plain_headings`).
    """
    check_structure(structure)
    source = str(path)
    file_path = Path(path)
    warnings = WarningLog()
    ext = file_path.suffix.lower()
    stem = file_path.stem or source
    handle, size = open_manuscript(file_path, source)
    with handle:
        head = _read_head(handle, source)
        if head.startswith(_ZIP_MAGIC):
            if size is None:
                raise InputError("an EPUB or DOCX cannot be read from a pipe; give the file itself", path=source)
            kind = _zip_kind(file_path, ext, source, size)
            data = b""
        else:
            kind = None
            from studio.core.importers.encoding import refuse_binary_head

            refuse_binary_head(head, source)
            data = read_rest(handle, head, size, source)
    if kind is not None:
        if ext not in ("", ".zip", f".{kind}"):
            warnings.add(f"the file is named {ext} but is {'an EPUB' if kind == 'epub' else 'a DOCX'}; "
                         "imported as such")
        if kind == "epub":
            from studio.core.importers.epub import import_epub

            return import_epub(source, source=source, default_title=stem, warnings=warnings, structure=structure)
        from studio.core.importers.docx import import_docx

        return import_docx(source, source=source, default_title=stem, warnings=warnings, structure=structure)
    if ext == ".docx":
        raise InputError("corrupt DOCX: the file is not a ZIP archive", path=source)
    if ext == ".epub":
        raise InputError("not a valid EPUB: the file is not a ZIP archive", path=source)

    from studio.core.importers.encoding import decode_bytes

    text, encoding, enc_warnings = decode_bytes(data, source)
    del data  # a large book: do not hold the bytes and the text at once longer than needed
    warnings.extend(enc_warnings)
    if ext in _MARKDOWN_EXT:
        markdown = True
    elif ext in (".txt", ".text"):
        markdown = False
    else:
        markdown = _looks_like_markdown(text)
    return _import_decoded(text, source=source, default_title=stem, markdown=markdown, encoding=encoding,
                           warnings=warnings, structure=structure)


def import_text(
    text: str, *, source: str = "<text>", title_hint: str | None = None, markdown: bool = False,
    structure: str = "auto",
) -> ImportResult:
    """Import text already in memory; ``title_hint`` names the book when the text itself does not."""
    check_structure(structure)
    default_title = title_hint or ("未命名" if _CJK_RE.search(text[:2000]) else "Untitled")
    return _import_decoded(text, source=source, default_title=default_title, markdown=markdown, encoding=None,
                           warnings=WarningLog(), structure=structure)


def _import_decoded(
    text: str, *, source: str, default_title: str, markdown: bool, encoding: str | None, warnings: WarningLog,
    structure: str = "auto",
) -> ImportResult:
    if text.startswith("\ufeff"):
        text = text[1:]
    if _CONTROL_RE.search(text):
        count = len(_CONTROL_RE.findall(text))
        text = _CONTROL_RE.sub("", text)
        warnings.add(f"removed {count:,} control character{'s' if count != 1 else ''}")
    if not text.strip():
        raise InputError("the file is empty" if source != "<text>" else "the text is empty", path=source)
    if markdown:
        from studio.core.importers.markdown import import_markdown

        return import_markdown(text, source=source, default_title=default_title, encoding=encoding,
                               warnings=warnings, structure=structure)
    from studio.core.importers.txt import import_txt

    return import_txt(text, source=source, default_title=default_title, encoding=encoding, warnings=warnings,
                      structure=structure)


def _read_head(handle: BinaryIO, source: str) -> bytes:
    try:
        return handle.read(HEAD_BYTES)
    except IsADirectoryError as exc:
        raise InputError("this is a folder, not a manuscript file", path=source) from exc
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror or exc})", path=source) from exc


def _zip_kind(path: Path, ext: str, source: str, size: int | None) -> str:
    """"epub" / "docx" for such ZIP archives; refuse other ZIPs, damaged ones and ones too big to unpack."""
    try:
        with zipfile.ZipFile(path) as zf:
            check_archive(zf, path, source, file_size=size)
            names = set(zf.namelist())
            mimetype = b""
            if "mimetype" in names and zf.getinfo("mimetype").file_size <= 1024:
                mimetype = zf.read("mimetype")[:64].strip()
    except InputError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, RuntimeError, EOFError,
            NotImplementedError, zlib.error) as exc:
        what = {".docx": "corrupt DOCX", ".epub": "not a valid EPUB"}.get(ext, "corrupt ZIP archive")
        raise InputError(f"{what}: the ZIP data is damaged ({exc})", path=source) from exc
    if "META-INF/container.xml" in names or mimetype == b"application/epub+zip":
        return "epub"
    if "word/document.xml" in names:
        return "docx"
    if ext == ".docx" or "[Content_Types].xml" in names:
        raise InputError("corrupt DOCX: the archive has no word/document.xml", path=source)
    if ext == ".epub":
        raise InputError("this ZIP archive is not an EPUB (it has no META-INF/container.xml)", path=source)
    raise InputError("this is a ZIP archive, not an EPUB or DOCX manuscript", path=source)


def _looks_like_markdown(text: str) -> bool:
    """For files with an unknown extension: front matter or at least two ATX headings."""
    head = text[:20000].replace("\r\n", "\n")
    return bool(_MD_FRONT_RE.match(head)) or len(_MD_HEADING_RE.findall(head)) >= 2
