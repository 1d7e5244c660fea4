"""Imports that must fail in seconds with little memory: zip bombs, endless devices, huge files.

Each bomb is built on the fly and small on disk; the CLI runs in a child of a small wrapper process whose
``RUSAGE_CHILDREN`` therefore measures that one import's peak memory (``ru_maxrss``, KiB on Linux).
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

from studio.core.importers import limits

REPO = Path(__file__).resolve().parents[2]
#: The CLI with its imports needs about 30 MB; anything that reads or inflates a bomb needs gigabytes.
PEAK_LIMIT_KB = 200 * 1024
TIME_LIMIT_S = 30.0  # generous for a busy machine; a bomb that is inflated takes minutes or gets killed

_MEASURE = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"rc": done.returncode, "out": done.stdout, "err": done.stderr, "peak_kb": peak}))
"""


def measured_import(path: Path | str, tmp_path: Path) -> tuple[dict[str, object], float]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "STUDIO_LOG_DIR": str(tmp_path / "logs")}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", _MEASURE, sys.executable, "-m", "studio", "import", str(path),
                           "--project", str(tmp_path / "proj")], capture_output=True, text=True, env=env,
                          timeout=300)
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), elapsed


def _deflate_repeated(unit: bytes, count: int) -> bytes:
    """A raw deflate stream of ``unit`` repeated ``count`` times, built without inflating or compressing it all:
    one fully flushed block (it refers to nothing before it) repeated, then an empty final block."""
    block = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = block.compress(unit) + block.flush(zlib.Z_FULL_FLUSH)
    return piece * count + zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)


def write_zip(path: Path, members: list[tuple[str, bytes, int, int, bool]]) -> Path:
    """A ZIP from ``(name, stored bytes, uncompressed size, crc, deflated)``: sizes as a real tool writes them."""
    local, central = bytearray(), bytearray()
    for name, data, size, crc, deflated in members:
        method = 8 if deflated else 0
        offset = len(local)
        encoded = name.encode()
        local += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, len(data), size,
                             len(encoded), 0) + encoded + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, crc, len(data), size,
                               len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(local), 0)
    path.write_bytes(bytes(local) + bytes(central) + end)
    return path


def stored(name: str, data: bytes) -> tuple[str, bytes, int, int, bool]:
    return name, data, len(data), zlib.crc32(data), False


CONTAINER = (b'<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
             b'<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
             b"</rootfiles></container>")
OPF = (b'<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="id">'
       b'<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Bomb</dc:title>'
       b'<dc:identifier id="id">x</dc:identifier><dc:language>zh</dc:language></metadata>'
       b'<manifest><item id="ch1" href="ch1.xhtml" media-type="application/xhtml+xml"/></manifest>'
       b'<spine><itemref idref="ch1"/></spine></package>')
MIB = 1024 * 1024


def epub_bomb(path: Path, member: str, inflated_mib: int) -> Path:
    """An EPUB whose ``member`` inflates to ``inflated_mib`` MiB of spaces (declared honestly in the headers)."""
    data = _deflate_repeated(b" " * MIB, inflated_mib)
    return write_zip(path, [stored("mimetype", b"application/epub+zip"), stored("META-INF/container.xml", CONTAINER),
                            (member, data, inflated_mib * MIB, 0, True)])


def check_refused(result: dict[str, object], elapsed: float, fragment: str) -> None:
    assert result["rc"] == 2, result
    assert fragment in str(result["err"]) and "internal error" not in str(result["err"])
    assert int(result["peak_kb"]) < PEAK_LIMIT_KB, f"peak memory {result['peak_kb']} KiB"  # type: ignore[arg-type]
    assert elapsed < TIME_LIMIT_S


def test_an_epub_that_inflates_to_3_7_gib_is_refused_before_inflating(tmp_path: Path) -> None:
    bomb = epub_bomb(tmp_path / "bomb.epub", "OEBPS/images/cover.jpg", 3790)  # 3.7 GiB
    assert bomb.stat().st_size < 8 * MIB
    result, elapsed = measured_import(bomb, tmp_path)
    check_refused(result, elapsed, "the archive unpacks to 3.7 GB")


def test_an_epub_with_more_text_than_any_book_is_refused(tmp_path: Path) -> None:
    bomb = epub_bomb(tmp_path / "text.epub", "OEBPS/ch1.xhtml", limits.MAX_UNPACKED_TEXT_BYTES // MIB + 50)
    result, elapsed = measured_import(bomb, tmp_path)
    check_refused(result, elapsed, "of text documents")


def test_a_docx_bomb_is_refused(tmp_path: Path) -> None:
    data = _deflate_repeated(b" " * MIB, 2048)
    bomb = write_zip(tmp_path / "bomb.docx", [stored("[Content_Types].xml", b"<Types/>"),
                                              ("word/document.xml", data, 2048 * MIB, 0, True)])
    result, elapsed = measured_import(bomb, tmp_path)
    check_refused(result, elapsed, "the archive unpacks to 2.0 GB")


def test_a_member_whose_header_understates_its_size_is_not_inflated_past_it(tmp_path: Path) -> None:
    """The headers say 1 KiB, the data inflates to 2 GiB: ``zipfile.read`` would inflate it all before cutting."""
    data = _deflate_repeated(b"<p>x</p>" * (MIB // 8), 2048)
    bomb = write_zip(tmp_path / "liar.epub", [stored("mimetype", b"application/epub+zip"),
                                              stored("META-INF/container.xml", CONTAINER),
                                              stored("OEBPS/content.opf", OPF),
                                              ("OEBPS/ch1.xhtml", data, 1024, 0, True)])
    result, elapsed = measured_import(bomb, tmp_path)
    check_refused(result, elapsed, "OEBPS/ch1.xhtml holds more data than its header declares")


def test_dev_zero_is_refused_at_once(tmp_path: Path) -> None:
    result, elapsed = measured_import("/dev/zero", tmp_path)
    check_refused(result, elapsed, "not a manuscript file")


def test_a_3_gb_file_is_not_read_whole(tmp_path: Path) -> None:
    """Sparse: 3 GB on the file system, nothing on disk; text for the first 64 KiB so only the size tells."""
    big = tmp_path / "huge.txt"
    with big.open("wb") as f:
        f.write(("第一章 开始\n" + "正文。" * 40 + "\n").encode() * 400)
        f.truncate(3 * 1024**3)
    result, elapsed = measured_import(big, tmp_path)
    check_refused(result, elapsed, "the file is 3.0 GB, more than the 200.0 MB")


def test_a_3_gb_binary_file_is_refused_from_its_first_bytes(tmp_path: Path) -> None:
    big = tmp_path / "video.txt"
    with big.open("wb") as f:
        f.truncate(3 * 1024**3)
    result, elapsed = measured_import(big, tmp_path)
    check_refused(result, elapsed, "binary file")
