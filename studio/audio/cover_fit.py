"""Covers players can show: at most 1400 px on the long side, as JPEG, embedded (M4B ``covr``, MP3 ``APIC``).

Authors drop in a 4000 px PNG straight from the designer: 10-30 MB in every chapter file of an ACX upload
(each carries the cover), and some players (older iPods, car head units, Audiobookshelf's thumbnails on a
phone) fail or lag on huge embedded pictures. Apple and Audible ask for square JPEGs of a few thousand px at
most at the storefront, which is a separate upload; the embedded copy only has to look right on a device.
So an oversized cover is scaled (aspect kept) and recompressed with ffmpeg (no Pillow: ffmpeg is bundled
anyway); a cover that already fits is embedded byte for byte, so nothing the author chose is changed needlessly.
"""

from __future__ import annotations

import re
from pathlib import Path

from studio.audio.errors import AudioError
from studio.audio.ffmpeg import run_ffmpeg
from studio.audio.tags import Cover

#: the long side of an embedded cover
MAX_COVER_PX = 1400
#: covers above this size are recompressed even when they are small enough in pixels (a 1400 px PNG photo)
MAX_EMBEDDED_BYTES = 1_000_000
_SIZE = re.compile(r"Video: .*?, (\d{2,5})x(\d{2,5})")


def cover_size(path: Path) -> tuple[int, int]:
    """Width and height as ffmpeg decodes them."""
    lines: list[str] = []
    run_ffmpeg(["-i", str(path), "-frames:v", "1", "-f", "null", "-"], loglevel="info", stderr_cb=lines.append)
    for line in lines:
        found = _SIZE.search(line)
        if found:
            return int(found.group(1)), int(found.group(2))
    raise AudioError("cannot read the cover image's size", path=path)


def fit_cover(cover: Cover, work: Path) -> Cover:
    """``cover`` itself when it fits, else a JPEG of at most ``MAX_COVER_PX`` written into ``work``."""
    width, height = cover_size(cover.path)
    if max(width, height) <= MAX_COVER_PX and cover.path.stat().st_size <= MAX_EMBEDDED_BYTES:
        return cover
    scale = min(1.0, MAX_COVER_PX / max(width, height))
    w, h = max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)  # even: 4:2:0 JPEG
    out = work / "cover.jpg"
    run_ffmpeg(["-i", str(cover.path), "-frames:v", "1", "-vf", f"scale={w}:{h}:flags=lanczos,format=yuvj420p",
                "-q:v", "3", "-f", "image2", "-c:v", "mjpeg", "-y", str(out)])
    return Cover(out, "image/jpeg", "jpeg")


__all__ = ["MAX_COVER_PX", "cover_size", "fit_cover"]
