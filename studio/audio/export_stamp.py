"""The content hash an export carries in its own tags, so an up-to-date book is recognized without work.

``studio render``/``export`` of an unchanged project used to re-encode the whole book. The exporter now
writes a digest of everything that shaped the file (units, their audio, titles, tags, options) into the
file itself, and the next run compares it before rendering or encoding anything: equal means "up to date".
The tag lives in the file rather than in the project because the file is what may have been replaced,
deleted or edited by the user since; a file without the tag (older exports, other tools) is simply
exported again.

Where: MP4 (M4B/M4A) a freeform iTunes atom, MP3 an ID3 ``TXXX`` frame, FLAC a Vorbis comment. WAV has no
place for it (RIFF INFO holds a few fixed keys), so WAV books are always exported again.
"""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger("studio.audio.export_stamp")

KEY = "AUDIOBOOK_STUDIO_EXPORT"
_MP4_KEY = f"----:com.apple.iTunes:{KEY}"
STAMPED_FORMATS = frozenset({"m4b", "m4a", "mp3", "flac"})


def write_stamp(path: Path, format_name: str, digest: str) -> None:
    """Put ``digest`` into the (staged) file's tags; formats without a place for it are left alone."""
    if format_name in ("m4b", "m4a"):
        from mutagen.mp4 import MP4, MP4FreeForm

        mp4 = MP4(path)
        assert mp4.tags is not None
        mp4.tags[_MP4_KEY] = [MP4FreeForm(digest.encode("ascii"))]
        mp4.save()
    elif format_name == "mp3":
        from mutagen import id3

        from studio.audio.tags import chapter_ordered_id3

        tag = chapter_ordered_id3()  # a plain save would scramble the chapter frames
        tag.load(path)
        tag.add(id3.TXXX(encoding=3, desc=KEY, text=digest))
        tag.save(path, v2_version=3, padding=lambda _info: 1024)
    elif format_name == "flac":
        from mutagen.flac import FLAC

        flac = FLAC(path)
        flac[KEY] = digest
        flac.save()


def read_stamp(path: Path, format_name: str) -> str | None:
    """The digest an earlier export wrote into ``path``, or None (no file, no tag, unreadable file)."""
    if format_name not in STAMPED_FORMATS or not path.is_file():
        return None
    try:
        if format_name in ("m4b", "m4a"):
            from mutagen.mp4 import MP4

            mp4_tags = MP4(path).tags
            values = mp4_tags.get(_MP4_KEY) if mp4_tags is not None else None
            return bytes(values[0]).decode("ascii") if values else None
        if format_name == "mp3":
            from mutagen import id3

            frame = id3.ID3(path).get(f"TXXX:{KEY}")
            return str(frame.text[0]) if frame is not None and frame.text else None
        from mutagen.flac import FLAC, VCFLACDict

        flac_tags = FLAC(path).tags  # typed with MetadataBlock too: only a Vorbis comment block holds our key
        found = flac_tags.get(KEY) if isinstance(flac_tags, VCFLACDict) else None
        return str(found[0]) if found else None
    except Exception as exc:  # any unreadable file just means "export again"
        log.info("%s: no export stamp read (%s)", path, exc)
        return None
