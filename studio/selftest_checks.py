"""What every ``studio --self-test`` check shares, and the checks that need no Qt.

The checks do the real thing rather than looking for files (see ``studio.selftest`` for why the self-test
exists): ffmpeg runs and lists its encoders; the offline engine speaks in a worker process; the keyring
resolves a backend; the catalogue and the sample book load; one paragraph is rendered to an M4B and read back.
The Qt checks live in ``studio.gui.selftest_qt`` (only ``studio.gui`` imports Qt); both use the helpers here.
In a frozen app, what a check finds must come from inside the bundle: a system ffmpeg found by accident would
hide a packaging bug (``require_bundled``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

#: Generous limits for slow CI machines; a check that takes longer is a failure, not a hang.
ENGINE_TIMEOUT_S = 120.0
RENDER_TIMEOUT_S = 300.0


class CheckFailed(Exception):
    """A check's verdict: the message is the FAIL line's text, so it must say what is wrong and what to do."""


@dataclass
class Context:
    """What checks share: a scratch folder (deleted afterwards unless ``--keep``)."""

    scratch: Path
    cancel: threading.Event = field(default_factory=threading.Event)


# -- where things come from --------------------------------------------------------------------------------------


def is_frozen() -> bool:
    """True in the PyInstaller bundle."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def bundle_roots() -> list[Path]:
    """Folders a frozen app's files live in (on macOS data sits in Contents/Resources, linked from
    Contents/Frameworks); empty when not frozen."""
    if not is_frozen():
        return []
    meipass = Path(sys._MEIPASS).resolve()  # type: ignore[attr-defined]
    roots = [meipass, Path(sys.executable).resolve().parent]
    if sys.platform == "darwin":
        roots.append(meipass.parent / "Resources")
    return roots


def require_bundled(what: str, path: str | Path) -> None:
    """In a frozen app, fail if ``path`` is not inside the bundle (a system copy hides a packaging bug)."""
    roots = bundle_roots()
    if roots and not any(Path(path).resolve().is_relative_to(root) for root in roots):
        raise CheckFailed(f"{what} comes from outside the bundle: {path}")


# -- the checks ---------------------------------------------------------------------------------------------------


def check_ffmpeg(ctx: Context) -> str:
    """The ffmpeg the studio will use runs and can encode AAC (M4B) and MP3."""
    from studio.audio.ffmpeg import ENV_VAR, ffmpeg_exe

    ffmpeg_exe.cache_clear()  # honour STUDIO_FFMPEG as it is now
    try:
        exe = ffmpeg_exe()
    except Exception as exc:
        raise CheckFailed(f"no ffmpeg: {exc}") from exc
    if not os.environ.get(ENV_VAR):
        require_bundled("ffmpeg", exe)
    flags = getattr(subprocess, "CREATE_NO_WINDOW", 0) if os.name == "nt" else 0
    try:
        version = subprocess.run([exe, "-hide_banner", "-version"], capture_output=True, text=True, timeout=60,
                                 creationflags=flags, check=False)
        encoders = subprocess.run([exe, "-hide_banner", "-encoders"], capture_output=True, text=True, timeout=60,
                                  creationflags=flags, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise CheckFailed(f"ffmpeg at {exe} does not run: {exc}") from exc
    if version.returncode != 0:
        raise CheckFailed(f"ffmpeg at {exe} exits with code {version.returncode}")
    names = {line.split()[1] for line in encoders.stdout.splitlines() if len(line.split()) > 1}
    missing = [name for name in ("aac", "libmp3lame", "flac") if name not in names]
    if missing:
        raise CheckFailed(f"ffmpeg at {exe} lacks encoders: {', '.join(missing)}")
    first = (version.stdout.splitlines() or ["ffmpeg ?"])[0]
    return f"{' '.join(first.split()[:3])} with aac, libmp3lame, flac ({Path(exe).name})"


def check_flac(ctx: Context) -> str:
    """The render cache's FLAC decodes in-process (libFLAC through plibflac, from the bundle when frozen) to the
    samples that went in: without it every export falls back to an ffmpeg decoder per chapter, several times
    the CPU (``flac_decode``)."""
    import array
    import math
    import wave

    from studio.audio import flac_decode
    from studio.audio.cached_audio import store_flac
    from studio.audio.wavinfo import PcmFormat

    if not flac_decode.available():
        raise CheckFailed("libFLAC (plibflac) does not load: exports decode the render cache with ffmpeg instead")
    import _plibflac  # type: ignore[import-not-found]
    import plibflac

    require_bundled("libFLAC (plibflac)", _plibflac.__file__)
    # little-endian, as ``available`` requires: every platform we build for (the module doc)
    samples = array.array("h", (round(8000 * math.sin(2 * math.pi * 440 * i / 22050)) for i in range(22050)))
    wav = ctx.scratch / "tone.wav"
    with wave.open(str(wav), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(22050)
        w.writeframes(samples.tobytes())
    stored = store_flac(wav, ctx.scratch / "tone.flac")
    decoded = b"".join(flac_decode.pcm(stored.path, PcmFormat(22050, 1, 2)))
    if decoded != samples.tobytes():
        raise CheckFailed(f"a FLAC of 1 s decoded to {len(decoded) // 2} samples that differ from what was stored")
    return f"libFLAC {plibflac.flac_version()} in-process (plibflac {plibflac.__version__}): 1 s stored and read back"


def check_engine(ctx: Context) -> str:
    """espeak-ng speaks in a worker process: library, voice data and (frozen) multiprocessing all work."""
    from studio.engines.base import SynthesisRequest
    from studio.engines.espeak_binding import EspeakError, library_paths
    from studio.engines.local import LocalEngine

    try:
        library, data = library_paths()
    except EspeakError as exc:
        raise CheckFailed(str(exc)) from exc
    require_bundled("the espeak-ng library", library)
    require_bundled("the espeak-ng data", data)
    with LocalEngine(workers=1, scratch_dir=ctx.scratch) as engine:
        request = SynthesisRequest(voice="local-cmn", paragraphs=("你好，这是离线语音。Hello from the offline voice.",))
        try:
            result = engine.fetch(engine.submit(request), ctx.scratch / "engine.wav", timeout=ENGINE_TIMEOUT_S)
        except Exception as exc:
            raise CheckFailed(f"the offline engine did not speak: {exc}") from exc
    if result.duration_ms < 500:
        raise CheckFailed(f"the offline engine produced only {result.duration_ms} ms of audio")
    return f"espeak-ng ({library.name}) spoke {result.duration_ms / 1000:.1f} s at {result.sample_rate} Hz in a worker"


#: The keyring backend that stores in the OS's own credential store, per platform.
NATIVE_KEYRING = {
    "win32": "keyring.backends.Windows",
    "darwin": "keyring.backends.macOS",
    "linux": "keyring.backends.SecretService",
}


def check_keyring(ctx: Context) -> str:
    """A keyring backend resolves and the OS's native backend is installed (bundled).

    Whether that native store is *usable* right now depends on the desktop session (a headless Linux has no
    Secret Service): that is reported, not failed, exactly as ``studio accounts show`` reports it. A frozen
    app that contains keyrings.alt fails: it would silently store passwords in plaintext.
    """
    import importlib

    from studio.core.accounts import keyring_status

    native = NATIVE_KEYRING.get("linux" if sys.platform.startswith("linux") else sys.platform)
    if native is not None:
        try:
            importlib.import_module(native)
        except Exception as exc:
            raise CheckFailed(f"the native keyring backend {native} is missing: {exc}") from exc
    try:
        status = keyring_status()
    except Exception as exc:
        raise CheckFailed(f"the keyring does not resolve a backend: {exc}") from exc
    if is_frozen():
        try:
            importlib.import_module("keyrings.alt")
        except ImportError:
            pass
        else:
            raise CheckFailed("keyrings.alt is bundled: it would store credentials as plaintext")
    note = f"; note: {status.warning}" if status.warning else ""
    return f"backend {status.backend}{note}"


def check_catalogue(ctx: Context) -> str:
    """The voice catalogue loads and every engine has voices and a default voice."""
    from studio.core.voices import VoiceCatalogue, catalogue_path

    path = catalogue_path()
    require_bundled("the voice catalogue", path)
    catalogue = VoiceCatalogue.load(path)
    counts = {engine: len(catalogue.query(engine=engine)) for engine in ("aliyun", "baidu", "local")}
    empty = [engine for engine, count in counts.items() if not count or catalogue.default_voice(engine) is None]
    if empty:
        raise CheckFailed(f"the catalogue has no voices or no default voice for: {', '.join(empty)}")
    return f"{len(catalogue)} voices ({', '.join(f'{e} {n}' for e, n in counts.items())})"

def check_resources(ctx: Context) -> str:
    """The bundled sample book imports and the app icon is there."""
    from studio.core.importers import import_file
    from studio.paths import resources_dir, sample_book

    book_path = sample_book()
    require_bundled("the sample book", book_path)
    result = import_file(book_path)
    if not result.book.chapters or not result.book.characters:
        raise CheckFailed(f"the sample book {book_path.name} imports empty")
    icon = resources_dir() / "icons" / "studio.svg"
    if not icon.is_file():
        raise CheckFailed(f"the app icon is missing: {icon}")
    return (f"sample book {book_path.name}: {len(result.book.chapters)} chapters, "
            f"{result.book.characters:,} characters; icon {icon.name}")


def check_render(ctx: Context) -> str:
    """One paragraph of the sample book, rendered offline to an M4B with a chapter mark, and read back."""
    from mutagen.mp4 import MP4

    from studio.core.book import Book, Chapter, Paragraph, VoiceSettings
    from studio.core.importers import import_file
    from studio.core.project import Project
    from studio.engines.registry import EngineOptions
    from studio.paths import sample_book
    from studio.render.export_book import export_project

    sample = import_file(sample_book()).book
    first = next(c for c in sample.chapters if c.paragraphs)
    book = Book(title=sample.title, author=sample.author, language=sample.language,
                chapters=[Chapter(first.title, [Paragraph(first.paragraphs[0].text)])])
    project = Project.create(ctx.scratch / "sample.studio")
    output = ctx.scratch / "sample.m4b"
    try:
        project.save_book(book)
        export_project(project, output, voice=VoiceSettings(engine="local", voice="local-cmn"),
                       engine_options=EngineOptions(local_workers=1), cancel=ctx.cancel)
    finally:
        project.close()
    if not output.is_file():
        raise CheckFailed(f"no M4B was written at {output}")
    audio = MP4(str(output))
    if audio.info is None:
        raise CheckFailed(f"the M4B at {output} has no audio stream mutagen can read")
    seconds = audio.info.length
    chapters = len(audio.chapters or [])
    if seconds < 1 or chapters != 1 or audio.info.codec != "mp4a.40.2":
        raise CheckFailed(f"the M4B is wrong: {seconds:.1f} s, {chapters} chapter marks, codec {audio.info.codec}")
    return (f"{len(first.paragraphs[0].text)} characters -> {seconds:.1f} s M4B (AAC, {chapters} chapter mark, "
            f"{output.stat().st_size // 1024} KB)")
