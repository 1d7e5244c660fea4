"""How much of a manuscript the importers will read or unpack, and the checks that enforce it.

Why limits at all: ``studio import /dev/zero`` or a 6 MB EPUB that inflates to 3.7 GiB used to eat 5 GB of
memory before failing, and a 3 GB file was read whole before "binary file". The limits below are far above
any real book (the longest web novels are some 20 million characters, about 60 MB of UTF-8), so they only
ever stop damaged files, wrong files and zip bombs, and they stop them in milliseconds: a size is checked
from the file system or the archive's directory before anything is read or inflated.

An archive member whose header understates its size cannot get past this either: Python's ``zipfile`` stops
inflating at the declared size (and then fails the CRC check), so the declared sizes bound the memory.
"""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path
from typing import BinaryIO

from studio.core.errors import InputError

MB = 1024 * 1024
#: A text manuscript (TXT, Markdown) on disk.
MAX_TEXT_BYTES = 200 * MB
#: An EPUB or DOCX file on disk (illustrated books carry images; the text inside has its own limit).
MAX_ARCHIVE_BYTES = 1024 * MB
#: Everything an EPUB/DOCX unpacks to, as its ZIP directory declares it.
MAX_UNPACKED_BYTES = 1024 * MB
#: The text documents (XHTML, HTML, XML, NCX, OPF) inside an EPUB/DOCX, unpacked.
MAX_UNPACKED_TEXT_BYTES = 200 * MB
#: Bytes read first to recognise the kind of file (archive, binary, text) before reading the rest.
HEAD_BYTES = 64 * 1024

_TEXT_SUFFIXES = (".xhtml", ".html", ".htm", ".xml", ".ncx", ".opf", ".rels", ".txt", ".css")


def human_size(size: int) -> str:
    """``3.7 GB``, ``640 KB``: sizes in messages, in the units people see in their file manager."""
    for unit, factor in (("GB", 1024**3), ("MB", MB), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{size} bytes"


def open_manuscript(path: Path, source: str) -> tuple[BinaryIO, int | None]:
    """Open a manuscript for reading: ``(file, size)``, size ``None`` for a pipe.

    Devices and sockets are refused: ``/dev/zero`` never ends and ``/dev/random`` is no book.
    """
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise InputError("file not found", path=source) from exc
    except PermissionError as exc:
        raise InputError("permission denied: cannot reach the file", path=source) from exc
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the file ({getattr(exc, 'strerror', None) or exc})", path=source) from exc
    if stat.S_ISDIR(info.st_mode):
        raise InputError("this is a folder, not a manuscript file", path=source)
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
        raise InputError("this is a device or socket, not a manuscript file", path=source)
    try:
        handle = path.open("rb")  # the caller closes it
    except PermissionError as exc:
        raise InputError("permission denied: cannot read the file", path=source) from exc
    except IsADirectoryError as exc:
        raise InputError("this is a folder, not a manuscript file", path=source) from exc
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the file ({getattr(exc, 'strerror', None) or exc})", path=source) from exc
    return handle, info.st_size if stat.S_ISREG(info.st_mode) else None


def too_big(what: str, size: int, limit: int, source: str) -> InputError:
    return InputError(f"{what} is {human_size(size)}, more than the {human_size(limit)} a manuscript may have; "
                      "is this the right file?", path=source)


def read_rest(handle: BinaryIO, head: bytes, size: int | None, source: str) -> bytes:
    """The whole text file, never more than :data:`MAX_TEXT_BYTES` (a pipe is read up to one byte past it)."""
    if size is not None and size > MAX_TEXT_BYTES:
        raise too_big("the file", size, MAX_TEXT_BYTES, source)
    try:
        rest = handle.read(MAX_TEXT_BYTES + 1 - len(head))
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror or exc})", path=source) from exc
    data = head + rest
    if len(data) > MAX_TEXT_BYTES:
        raise InputError(f"the text is more than {human_size(MAX_TEXT_BYTES)}, more than a manuscript may "
                         "have; is this the right file?", path=source)
    return data


def check_archive(zf: zipfile.ZipFile, source: str, *, file_size: int | None = None) -> None:
    """Refuse archives that are, or unpack to, more than any real EPUB/DOCX (zip bombs included)."""
    if file_size is not None and file_size > MAX_ARCHIVE_BYTES:
        raise too_big("the file", file_size, MAX_ARCHIVE_BYTES, source)
    total = text = 0
    for info in zf.infolist():
        total += info.file_size
        if info.filename.lower().endswith(_TEXT_SUFFIXES):
            text += info.file_size
    if total > MAX_UNPACKED_BYTES:
        raise InputError(f"the archive unpacks to {human_size(total)}, more than the "
                         f"{human_size(MAX_UNPACKED_BYTES)} any real book needs (a damaged file or a zip bomb?); "
                         "nothing was unpacked", path=source)
    if text > MAX_UNPACKED_TEXT_BYTES:
        raise InputError(f"the archive holds {human_size(text)} of text documents, more than the "
                         f"{human_size(MAX_UNPACKED_TEXT_BYTES)} a manuscript may have; nothing was unpacked",
                         path=source)


def file_size(path: str | os.PathLike[str]) -> int | None:
    try:
        return os.stat(path).st_size
    except OSError:
        return None
