"""Changing a cached unit's audio in tests (to plant a fault the checks must find), whatever the cache stores:
FLAC since decision 0015, WAV in older projects."""

from __future__ import annotations

import tempfile
import wave
from pathlib import Path

from studio.audio.cached_audio import decode_to_wav, store_flac
from studio.audio.wavinfo import is_flac


def cut_cached_unit(path: Path, share: float) -> None:
    """Keep the first ``share`` of the unit's audio, as a clean (well-formed) but shorter file of its kind."""
    with tempfile.TemporaryDirectory() as work:
        wav = decode_to_wav(path, Path(work) / "unit.wav") if is_flac(path) else path
        with wave.open(str(wav), "rb") as reader:
            params, frames = reader.getparams(), reader.readframes(reader.getnframes())
        keep = int(len(frames) * share) // params.sampwidth * params.sampwidth
        cut = Path(work) / "cut.wav"
        with wave.open(str(cut), "wb") as writer:
            writer.setparams(params)
            writer.writeframes(frames[:keep])
        if is_flac(path):
            store_flac(cut, path)
        else:
            cut.replace(path)


def as_wav_cache(folder: Path) -> int:
    """Turn a project's cache back into what projects from before decision 0015 hold: every unit a WAV named
    by its cache key (the database updated to match). Returns the number of units converted."""
    import sqlite3

    from studio.core.project import CACHE_DIR, DB_NAME

    db = sqlite3.connect(folder / DB_NAME)
    try:
        rows = db.execute("SELECT audio_file FROM rendered_unit").fetchall()
        converted = 0
        for (name,) in rows:
            flac = folder / CACHE_DIR / name
            if flac.suffix != ".flac":
                continue
            wav = flac.with_suffix(".wav")
            decode_to_wav(flac, wav)
            with db:
                db.execute("UPDATE rendered_unit SET audio_file = ? WHERE audio_file = ?", (wav.name, name))
            flac.unlink()
            converted += 1
    finally:
        db.close()
    return converted
