"""A thin ctypes binding to the espeak-ng library shipped inside the ``espeakng-loader`` wheel.

Why ctypes and not a wrapper package: the wheel carries the library *and* its data (with ``cmn_dict``), so
the packaged app needs no system espeak and no download, and the few calls we need (synchronous synthesis
with word/clause events) fit in one small module.

espeak-ng keeps one global engine per process (voice, parameters, callback, and synthesis state such as the
pitch-flutter phase that carries over from one call to the next). So this module exposes one instance per
process (:func:`get_espeak`) and is meant to run inside worker processes, never in the GUI process.

Facts about the events, checked against espeak-ng 1.52 on the wheel's library:

* ``text_position`` is 1-based and counts Unicode code points of the UTF-8 input (a CJK character, an
  emoji and a combining accent each count 1), so ``text[pos - 1]`` is where the word starts.
* ``sample`` is the sample index in the audio of the current ``espeak_Synth`` call (it restarts at 0 for
  every call); ``audio_position`` is the same in milliseconds, so we use ``sample``.
* ``length`` is right for alphabetic words but is 1 for multi-character Mandarin dictionary words
  ("你好" gives one event of length 1), and numbers give several events pointing inside the number.
* An ``END`` event closes every clause (at commas too) after the clause's pause, usually exactly where
  the next clause's first word starts; with ``espeakENDPAUSE`` the last one falls on the last sample.
* Without the ``espeakSSML`` flag ``<``, ``>`` and ``&`` are plain text: ``&`` is read ("and"/"和"), a
  lone ``<`` is skipped like other punctuation, ``<b>bold</b>`` is read "b bold slash b" in English.
"""

from __future__ import annotations

import ctypes
import enum
import sys
import threading
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# speak_lib.h constants (espeak-ng 1.52).
AUDIO_OUTPUT_SYNCHRONOUS = 2
POS_CHARACTER = 1
espeakCHARS_UTF8 = 0x1
espeakENDPAUSE = 0x1000
EE_OK = 0

# Sound buffer length handed to the callback, in ms: longer buffers mean fewer Python callbacks.
_BUFFER_MS = 500


class EventType(enum.IntEnum):
    LIST_TERMINATED = 0
    WORD = 1
    SENTENCE = 2
    MARK = 3
    PLAY = 4
    END = 5
    MSG_TERMINATED = 6
    PHONEME = 7
    SAMPLERATE = 8


class Parameter(enum.IntEnum):
    RATE = 1
    VOLUME = 2
    PITCH = 3
    RANGE = 4


class _EventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    """``espeak_EVENT`` as laid out by speak_lib.h (unchanged from 1.4x through 1.52)."""

    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    ]


_SynthCallback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int,
                                  ctypes.POINTER(_Event))


@dataclass(frozen=True)
class EspeakEvent:
    """One word or clause event: where in the text (1-based code point) and when (sample index)."""

    kind: EventType
    text_position: int
    length: int
    sample: int


class EspeakError(RuntimeError):
    """espeak-ng refused a call; ``code`` is its ``espeak_ERROR`` value (or -1 for load failures)."""

    def __init__(self, message: str, code: int = -1) -> None:
        super().__init__(message)
        self.code = code

    def __reduce__(self) -> tuple[type[EspeakError], tuple[str, int]]:
        # Raised in worker processes and re-raised in the parent, so it must survive pickling.
        return (type(self), (str(self), self.code))


def library_paths() -> tuple[Path, Path]:
    """Where the wheel keeps the library and its data; raises EspeakError if either is missing."""
    try:
        import espeakng_loader
    except ImportError as exc:  # pragma: no cover - a broken install
        raise EspeakError(f"the espeakng-loader package is not installed: {exc}") from exc
    library = Path(espeakng_loader.get_library_path())
    try:
        data = Path(espeakng_loader.get_data_path())
    except RuntimeError as exc:
        raise EspeakError(str(exc)) from exc
    if not library.is_file():
        raise EspeakError(f"espeak-ng library not found at {library}")
    return library, data


class Espeak:
    """The process's espeak-ng engine, synchronous mode: audio and events come back through a callback."""

    def __init__(self, library: Path, data: Path) -> None:
        try:
            lib = ctypes.CDLL(str(library))
        except OSError as exc:
            raise EspeakError(f"cannot load {library}: {exc}") from exc
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_SetParameter.restype = ctypes.c_int
        lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                                     ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
        lib.espeak_Synth.restype = ctypes.c_int
        lib.espeak_Synchronize.restype = ctypes.c_int
        lib.espeak_Info.argtypes = [ctypes.c_void_p]
        lib.espeak_Info.restype = ctypes.c_char_p
        self._lib = lib
        rate = lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, _BUFFER_MS, str(data).encode(), 0)
        if rate <= 0:
            raise EspeakError(f"espeak_Initialize failed with data at {data}", rate)
        self.sample_rate: int = rate
        self.version: str = (lib.espeak_Info(None) or b"?").decode(errors="replace")
        self._callback = _SynthCallback(self._on_synth)  # kept alive: espeak holds a raw pointer
        lib.espeak_SetSynthCallback(self._callback)
        self._sink: Callable[[bytes], None] | None = None
        self._events: list[EspeakEvent] = []
        self._error: BaseException | None = None
        self._swap = sys.byteorder != "little"  # WAV wants little-endian samples

    def set_voice(self, name: str) -> None:
        """Select a voice such as ``"cmn"`` or a variant such as ``"cmn+f3"``."""
        status = self._lib.espeak_SetVoiceByName(name.encode())
        if status != EE_OK:
            # espeak keeps the previous voice on failure, which would speak in the wrong language.
            raise EspeakError(f"espeak-ng has no voice {name!r}", status)

    def set_parameter(self, parameter: Parameter, value: int) -> None:
        status = self._lib.espeak_SetParameter(int(parameter), int(value), 0)
        if status != EE_OK:
            raise EspeakError(f"espeak_SetParameter({parameter.name}, {value}) failed", status)

    def seed(self, value: int) -> None:
        """Fix espeak's random generator (used for noise in some voices) where the library allows it."""
        setter = getattr(self._lib, "espeak_ng_SetRandSeed", None)
        if setter is not None:
            setter.argtypes = [ctypes.c_long]
            setter.restype = None
            setter(value)

    def synthesize(self, text: str, sink: Callable[[bytes], None]) -> list[EspeakEvent]:
        """Speak ``text`` as plain text (no SSML), streaming 16-bit mono PCM to ``sink``.

        Returns the word, sentence and clause-end events, with samples relative to this call's audio.
        A sentence pause is kept at the end (``espeakENDPAUSE``) so consecutive paragraphs do not run on.
        """
        data = text.encode("utf-8", "replace")
        self._sink, self._events, self._error = sink, [], None
        try:
            status = self._lib.espeak_Synth(data, len(data) + 1, 0, POS_CHARACTER, 0,
                                            espeakCHARS_UTF8 | espeakENDPAUSE, None, None)
            if status != EE_OK:
                raise EspeakError("espeak_Synth failed", status)
            status = self._lib.espeak_Synchronize()
            if self._error is not None:
                raise self._error
            if status != EE_OK:
                raise EspeakError("espeak_Synchronize failed", status)
            return self._events
        finally:
            self._sink, self._error = None, None

    def _on_synth(self, wav: ctypes._Pointer[ctypes.c_short], count: int, events: ctypes._Pointer[_Event]) -> int:
        # An exception must not escape into C: remember it, and return 1 so espeak stops synthesizing.
        try:
            if count > 0 and self._sink is not None:
                chunk = ctypes.string_at(wav, count * 2)
                if self._swap:
                    samples = array("h", chunk)
                    samples.byteswap()
                    chunk = samples.tobytes()
                self._sink(chunk)
            i = 0
            while events[i].type != EventType.LIST_TERMINATED:
                event = events[i]
                if event.type in (EventType.WORD, EventType.SENTENCE, EventType.END):
                    self._events.append(EspeakEvent(EventType(event.type), event.text_position,
                                                    event.length, event.sample))
                i += 1
        except BaseException as exc:
            self._error = exc
            return 1
        return 0


_instance: Espeak | None = None
_instance_lock = threading.Lock()


def get_espeak() -> Espeak:
    """The process-wide engine, loaded on first use (espeak cannot run two instances in one process)."""
    global _instance
    with _instance_lock:
        if _instance is None:
            _instance = Espeak(*library_paths())
        return _instance
