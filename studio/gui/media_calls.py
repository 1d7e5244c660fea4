"""QMediaPlayer calls that release the Python lock while they run (play, pause, stop, seek, set source).

Why: PySide6 keeps the GIL held during these calls, and with the FFmpeg backend they wait for Qt's audio thread.
That thread logs warnings ("No audio device detected") through the installed Qt message handler -- a Python
function (``studio.gui.crash``, pytest-qt's in tests) -- which first waits for the GIL: the UI thread waits for
the audio thread, the audio thread for the GIL the UI thread holds, and the app freezes (it hung CI once).

A Python handler cannot refuse the GIL (the binding takes it before our code runs), so the fix is on the other
side: these calls go through ``ctypes`` into Qt's own exported functions, and a ``ctypes.CDLL`` call releases
the GIL for its duration. The C++ object pointer comes from ``shiboken6.getCppPointer``. Where the library or a
symbol cannot be found (another platform's name mangling, a static build) the ordinary binding call is used,
so playback never depends on this shim; ``RELEASES_GIL`` says whether it is active.
"""

from __future__ import annotations

import ctypes
import logging
import sys
from pathlib import Path
from typing import Any

import shiboken6

log = logging.getLogger("studio.gui.media_calls")

# Itanium C++ ABI (Linux, macOS) and MSVC (Windows x64) names of the non-virtual QMediaPlayer members used.
_SYMBOLS = {
    "play": ("_ZN12QMediaPlayer4playEv", "?play@QMediaPlayer@@QEAAXXZ"),
    "pause": ("_ZN12QMediaPlayer5pauseEv", "?pause@QMediaPlayer@@QEAAXXZ"),
    "stop": ("_ZN12QMediaPlayer4stopEv", "?stop@QMediaPlayer@@QEAAXXZ"),
    "setPosition": ("_ZN12QMediaPlayer11setPositionEx", "?setPosition@QMediaPlayer@@QEAAX_J@Z"),
    "setSource": ("_ZN12QMediaPlayer9setSourceERK4QUrl", "?setSource@QMediaPlayer@@QEAAXAEBVQUrl@@@Z"),
}


def _library() -> ctypes.CDLL | None:
    import PySide6

    root = Path(PySide6.__file__).parent
    candidates = [root / "Qt" / "lib" / "libQt6Multimedia.so.6", root / "Qt6Multimedia.dll",
                  root / "Qt" / "lib" / "QtMultimedia.framework" / "QtMultimedia", Path("libQt6Multimedia.so.6")]
    for path in candidates:
        if path.parent != Path(".") and not path.exists():
            continue
        try:
            return ctypes.CDLL(str(path))  # already loaded by PySide6.QtMultimedia: the same copy
        except OSError:
            continue
    return None


def _functions() -> dict[str, Any]:
    library = _library()
    found: dict[str, Any] = {}
    if library is None:
        return found
    for name, symbols in _SYMBOLS.items():
        for symbol in symbols:
            try:
                fn = getattr(library, symbol)
            except AttributeError:
                continue
            fn.restype = None
            fn.argtypes = [ctypes.c_void_p] + ([ctypes.c_longlong] if name == "setPosition" else
                                              [ctypes.c_void_p] if name == "setSource" else [])
            found[name] = fn
            break
    return found


_FUNCTIONS: dict[str, Any] = _functions() if sys.platform != "emscripten" else {}
RELEASES_GIL = len(_FUNCTIONS) == len(_SYMBOLS)
if not RELEASES_GIL:
    log.info("QtMultimedia calls hold the Python lock on this platform (symbols not found)")


def _this(obj: Any) -> int:
    return int(shiboken6.getCppPointer(obj)[0])


def play(player: Any) -> None:
    """``player.play()`` without holding the GIL."""
    _call(player, "play")


def pause(player: Any) -> None:
    """``player.pause()`` without holding the GIL."""
    _call(player, "pause")


def stop(player: Any) -> None:
    """``player.stop()`` without holding the GIL."""
    _call(player, "stop")


def set_position(player: Any, ms: int) -> None:
    """``player.setPosition(ms)`` without holding the GIL."""
    fn = _FUNCTIONS.get("setPosition") if RELEASES_GIL else None
    if fn is None:
        player.setPosition(ms)
    else:
        fn(_this(player), int(ms))


def set_source(player: Any, url: Any) -> None:
    """``player.setSource(url)`` (a ``QUrl``, kept alive by the caller for the call) without holding the GIL."""
    fn = _FUNCTIONS.get("setSource") if RELEASES_GIL else None
    if fn is None:
        player.setSource(url)
    else:
        fn(_this(player), _this(url))


def _call(player: Any, name: str) -> None:
    fn = _FUNCTIONS.get(name) if RELEASES_GIL else None
    if fn is None:
        getattr(player, name)()
    else:
        fn(_this(player))
