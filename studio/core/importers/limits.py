"""How much of a manuscript the importers will read or unpack, and the checks that enforce it.

Why limits at all: ``studio import /dev/zero`` or a 6 MB EPUB that inflates to 3.7 GiB used to eat 5 GB of
memory before failing, and a 3 GB file was read whole before "binary file". The limits below are far above
any real book (the longest web novels are some 20 million characters, about 60 MB of UTF-8), so they only
ever stop damaged files, wrong files and zip bombs, and they stop them in milliseconds: a size is checked
from the file system or the archive's directory before anything is read or inflated.

The declared sizes alone are not enough: ``zipfile.read`` (which ebooklib and python-docx use) inflates a
member's whole compressed data in one call and only then cuts it at the declared size, so a member whose
header says 1 KB but whose data inflates to 2 GB costs 2 GB. Every deflated member is therefore inflated once
here, in 1 MB steps and thrown away, and refused the moment it grows past its declared size.
"""

from __future__ import annotations

import os
import stat
import struct
import zipfile
import zlib
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


def check_archive(zf: zipfile.ZipFile, path: Path, source: str, *, file_size: int | None = None) -> None:
    """Refuse archives that are, or unpack to, more than any real EPUB/DOCX (zip bombs included)."""
    if file_size is not None and file_size > MAX_ARCHIVE_BYTES:
        raise too_big("the file", file_size, MAX_ARCHIVE_BYTES, source)
    total = text = 0
    for info in zf.infolist():
        total += info.file_size
        if info.filename.lower().endswith(_TEXT_SUFFIXES):
            text += info.file_size
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise InputError(f"the archive member {info.filename} uses a compression EPUB and DOCX files do not "
                             "use; nothing was unpacked", path=source)
        if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
            raise _lying(info, source)
    if total > MAX_UNPACKED_BYTES:
        raise InputError(f"the archive unpacks to {human_size(total)}, more than the "
                         f"{human_size(MAX_UNPACKED_BYTES)} any real book needs (a damaged file or a zip bomb?); "
                         "nothing was unpacked", path=source)
    if text > MAX_UNPACKED_TEXT_BYTES:
        raise InputError(f"the archive holds {human_size(text)} of text documents, more than the "
                         f"{human_size(MAX_UNPACKED_TEXT_BYTES)} a manuscript may have; nothing was unpacked",
                         path=source)
    with path.open("rb") as raw:
        for info in zf.infolist():
            if info.compress_type == zipfile.ZIP_DEFLATED and not info.flag_bits & 0x1:  # encrypted: fails later
                _inflate_within(raw, info, source)


_STEP = 1024 * 1024


def _lying(info: zipfile.ZipInfo, source: str) -> InputError:
    return InputError(f"damaged archive: {info.filename} holds more data than its header declares "
                      f"({human_size(info.file_size)}); a damaged file or a zip bomb, nothing was unpacked",
                      path=source)


def _inflate_within(raw: BinaryIO, info: zipfile.ZipInfo, source: str) -> None:
    """Inflate one member in steps (never more than 1 MB in memory); refuse it past its declared size."""
    raw.seek(info.header_offset)
    header = raw.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise InputError(f"damaged archive: no local header for {info.filename}", path=source)
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    raw.seek(info.header_offset + 30 + name_len + extra_len)
    inflater = zlib.decompressobj(-15)
    remaining, produced = info.compress_size, 0
    try:
        while remaining > 0 and not inflater.eof:
            data = raw.read(min(_STEP, remaining))
            if not data:
                break
            remaining -= len(data)
            while data and not inflater.eof:
                produced += len(inflater.decompress(data, _STEP))
                if produced > info.file_size:
                    raise _lying(info, source)
                data = inflater.unconsumed_tail
    except zlib.error as exc:
        raise InputError(f"damaged archive: {info.filename} cannot be unpacked ({exc})", path=source) from exc


def file_size(path: str | os.PathLike[str]) -> int | None:
    try:
        return os.stat(path).st_size
    except OSError:
        return None
