"""Bad inputs: every one is an InputError with a one-line message that names the file."""

from __future__ import annotations

import os
import zlib
from pathlib import Path

import pytest

from studio.core.errors import InputError
from studio.core.importers import import_file, import_text
from tests.unit.importer_fixtures import epub2_files, write_zip


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    header = (1).to_bytes(4, "big") * 2 + b"\x08\x02\x00\x00\x00"
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) \
        + chunk(b"IEND", b"")


def _expect(path: Path, fragment: str) -> InputError:
    with pytest.raises(InputError) as err:
        import_file(path)
    message = str(err.value)
    assert message.startswith(str(path)), message
    assert fragment in message, message
    assert "\n" not in message
    return err.value


@pytest.mark.parametrize(("name", "content", "fragment"), [
    ("empty.txt", b"", "the file is empty"),
    ("spaces.txt", b"  \r\n\t\n\xe3\x80\x80\n", "the file is empty"),
    ("bom-only.txt", b"\xef\xbb\xbf", "the file is empty"),
    ("utf16-bom-only.txt", b"\xff\xfe", "the file is empty"),
    ("front-matter-only.md", b"---\ntitle: x\n---\n\n", "contains no text"),
    ("separators.txt", "******\n———\n".encode(), "contains no text"),
    ("random.txt", bytes(range(256)) * 4, "binary file"),
    ("random.bin", os.urandom(2048) + b"\x00", "binary file"),
    ("image.txt", _png(), "this is a PNG image, not a text manuscript"),
    ("controls.txt", bytes([1, 2, 3, 4, 5, 6, 14, 15, 16, 17, 18]) * 20, "binary file"),
    ("scan.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF"),
    ("book.epub", b"just text, not a zip", "not a valid EPUB: the file is not a ZIP archive"),
    ("archive.zip", None, "this is a ZIP archive, not an EPUB or DOCX manuscript"),
    ("fake.epub", None, "this ZIP archive is not an EPUB (it has no META-INF/container.xml)"),
    ("damaged.epub", b"PK\x03\x04\x14\x00garbage", "not a valid EPUB: the ZIP data is damaged"),
])
def test_bad_files(tmp_path: Path, name: str, content: bytes | None, fragment: str) -> None:
    path = tmp_path / name
    if content is None:
        write_zip(path, {"notes/readme.txt": "hello", "notes/other.txt": "world"})
    else:
        path.write_bytes(content)
    _expect(path, fragment)


def test_epub_spine_with_missing_file(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "missing.epub", epub2_files(drop=("OEBPS/Text/ch1.xhtml", "OEBPS/Text/ch3.xhtml")),
                     mimetype="application/epub+zip")
    _expect(path, "spine names missing file(s): OEBPS/Text/ch1.xhtml, OEBPS/Text/ch3.xhtml")


def test_epub_spine_with_unknown_id(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "unknown.epub", epub2_files(spine=["ch1", "nowhere"]),
                     mimetype="application/epub+zip")
    _expect(path, "spine names unknown item(s): nowhere")


def test_epub_with_malformed_opf(tmp_path: Path) -> None:
    files = epub2_files()
    files["OEBPS/content.opf"] = "<package><manifest>"
    _expect(write_zip(tmp_path / "opf.epub", files), "OEBPS/content.opf is not well-formed XML")


def test_missing_file(tmp_path: Path) -> None:
    _expect(tmp_path / "nope.txt", "file not found")


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    _expect(folder, "this is a folder, not a manuscript file")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root can read files whatever their mode")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("第一章\n正文。\n", encoding="utf-8")
    path.chmod(0)
    try:
        _expect(path, "permission denied")
    finally:
        path.chmod(0o600)


def test_permission_error_is_reported_even_when_running_as_root(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.txt"
    path.write_text("正文。", encoding="utf-8")

    def refuse(self: Path, *args: object, **kwargs: object) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    _expect(path, "permission denied: cannot read the file")


def test_file_named_txt_that_is_an_epub_is_imported_as_epub(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "book.txt", epub2_files(), mimetype="application/epub+zip")
    result = import_file(path)
    assert result.report.format == "epub"
    assert any("named .txt but is an EPUB" in w for w in result.report.warnings)


@pytest.mark.parametrize("text", ["", "   \n\u3000\n", "\ufeff"])
def test_empty_text(text: str) -> None:
    with pytest.raises(InputError, match="<text>: the text is empty"):
        import_text(text)
