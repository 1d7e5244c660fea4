"""The app icon for each OS, rendered at build time from the one source, ``resources/icons/studio.svg``.

Why generate instead of checking in ``.ico``/``.icns`` files: one drawing stays the single source, and no
image tool beyond PySide6 (already a dependency) is needed. Both container formats accept PNG images, so
they are written directly: ICO with PNG entries (Windows Vista and later), ICNS with PNG entries (macOS
10.7 and later). PyInstaller would otherwise need Pillow to convert.
"""

from __future__ import annotations

import struct
from pathlib import Path

ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
#: ICNS element types holding PNG data, by pixel size (the @2x types reuse the larger renderings).
ICNS_TYPES = (
    (b"ic11", 32), (b"ic12", 64), (b"ic07", 128), (b"ic08", 256), (b"ic13", 256), (b"ic09", 512),
    (b"ic14", 512), (b"ic10", 1024),
)


def render_png(svg: Path, size: int) -> bytes:
    """The SVG drawn on a transparent ``size``×``size`` canvas, as PNG bytes (no QGuiApplication needed)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"cannot read the icon drawing {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise ValueError(f"cannot encode the {size} px icon as PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """An ICO file holding the given PNG images (keyed by size; 256 is stored as 0 per the format)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, blobs = b"", b""
    for size in sizes:
        blob = pngs[size]
        dim = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset)
        blobs += blob
        offset += len(blob)
    return header + entries + blobs


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """An ICNS file with one PNG element per type of ``ICNS_TYPES`` (sizes must be present in ``pngs``)."""
    body = b"".join(kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def make_icons(svg: Path, out_dir: Path) -> dict[str, Path]:
    """Write ``studio.png`` (512 px), ``studio.ico`` and ``studio.icns`` into ``out_dir``; return them by kind."""
    out_dir.mkdir(parents=True, exist_ok=True)
    sizes = sorted({*ICO_SIZES, *(size for _, size in ICNS_TYPES)})
    pngs = {size: render_png(svg, size) for size in sizes}
    paths = {"png": out_dir / "studio.png", "ico": out_dir / "studio.ico", "icns": out_dir / "studio.icns"}
    paths["png"].write_bytes(pngs[512])
    paths["ico"].write_bytes(ico_bytes({size: pngs[size] for size in ICO_SIZES}))
    paths["icns"].write_bytes(icns_bytes(pngs))
    return paths
