"""Synthetic "speech": a deterministic timeline of tones and silences, rendered to PCM/WAV/MP3.

Why synthetic tones and not a real voice: the clients and the audio pipeline need audio that is *real* (right
format, sample rate, duration) and whose timestamps can be checked against the signal, not intelligible
speech. Each spoken character is a short harmonic tone with a small pitch glide (~200 ms at normal speed);
sentences are separated by silence, paragraphs by longer silence, so a silence detector finds exactly the
sentence boundaries the timestamps claim.

Why a timeline first: the layout (segments + sentence/word times) is computed at submit time in O(chars) with
no samples at all; samples are made only when the audio is downloaded, streamed from cached tone snippets (no
numpy here), so a 5,000-character task renders in well under a second and a 100,000-character one never sits
in memory as a whole. Everything is a pure function of (seed, text, parameters): an interrupted and an
uninterrupted render download identical bytes.
"""

from __future__ import annotations

import hashlib
import math
import subprocess
import sys
import threading
import unicodedata
import zlib
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# Timing model (milliseconds at speed 1.0).
CHAR_MS = 200  # a CJK character, a digit, any non-Latin letter
LATIN_MS = 80  # one Latin letter (a word of 5 letters ~ 400 ms)
SPACE_MS = 40  # a space inside a sentence (silence)
PAUSE_MS = 60  # a comma-like punctuation mark inside a sentence (silence)
LEAD_MS = 100  # silence before the first sentence
SENTENCE_GAP_MS = 150  # silence after every sentence
FADE_MS = 8  # fade in/out of each tone (no clicks; far shorter than any silence)

#: Characters that end a sentence (an ASCII '.' only when followed by whitespace or the end).
TERMINALS = frozenset("。！？!?；;…")
#: Closing marks that stay with the sentence they follow.
CLOSERS = frozenset("”’」』）)】》")  # ASCII quotes are ambiguous: never closers
#: Relative pitch of a character (chosen by hash of seed and character).
PITCH_STEPS = (0.90, 0.95, 1.0, 1.06, 1.12)
#: How an emotion shifts the pitch (at intensity 1.0).
EMOTION_PITCH = {"happy": 1.12, "surprise": 1.15, "angry": 1.06, "fear": 1.08, "arousal": 1.1, "sad": 0.9,
                 "hate": 0.95, "gentle": 0.97, "affectionate": 0.98, "serious": 0.96, "frustrated": 0.93}


@dataclass(frozen=True)
class Item:
    """One input unit: a character (with its emotion), an explicit pause, or a forced sentence boundary."""

    kind: str  # "char" | "break" | "boundary"
    text: str = ""
    ms: int = 0
    emotion: str | None = None
    intensity: float = 1.0


@dataclass(frozen=True)
class VoiceParams:
    """What shapes the sound: sample rate, register, speed/pitch factors (1.0 = default), loudness 0..1."""

    sample_rate: int
    base_hz: float
    speed: float = 1.0
    pitch: float = 1.0
    amplitude: float = 0.45
    seed: int = 0


@dataclass(frozen=True)
class Segment:
    """A stretch of the timeline: silence when ``f0 == 0``, else a tone gliding from f0 to f1 Hz."""

    ms: int
    f0: int = 0
    f1: int = 0
    amp: int = 0  # amplitude in 1/100


@dataclass(frozen=True)
class Word:
    """A timed unit inside a sentence (a CJK character or a run of Latin letters/digits)."""

    text: str
    begin_ms: int
    end_ms: int


@dataclass
class Sentence:
    """A sentence with its voiced region [begin_ms, end_ms) and the slot it owns when sentences tile the audio."""

    text: str
    paragraph_index: int
    begin_ms: int
    end_ms: int
    words: list[Word] = field(default_factory=list)
    slot_begin_ms: int = 0
    slot_end_ms: int = 0


@dataclass
class Layout:
    """The whole timeline of one task."""

    sample_rate: int
    segments: list[Segment]
    sentences: list[Sentence]
    total_ms: int
    dropped: str = ""  # fault ``drop_sentence_tasks``: the sentence left out of the audio and the timings

    @property
    def pcm_size(self) -> int:
        return self.total_ms * (self.sample_rate // 1000) * 2

    @property
    def key(self) -> str:
        """Content hash of the timeline (the audio is a pure function of it)."""
        h = hashlib.sha1(str(self.sample_rate).encode())
        for s in self.segments:
            h.update(f"{s.ms},{s.f0},{s.f1},{s.amp};".encode())
        return h.hexdigest()


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def _is_terminal(text: Sequence[Item], i: int) -> bool:
    ch = text[i].text
    if ch in TERMINALS:
        return True
    if ch == ".":
        nxt = text[i + 1].text if i + 1 < len(text) and text[i + 1].kind == "char" else ""
        return nxt == "" or nxt.isspace()
    return False


def split_sentences(items: Sequence[Item]) -> list[list[Item]]:
    """Split one paragraph into sentences at terminal punctuation (closers stay) and at forced boundaries."""
    sentences: list[list[Item]] = []
    current: list[Item] = []
    ended = False
    for i, item in enumerate(items):
        if item.kind == "boundary":
            if current:
                sentences.append(current)
            current, ended = [], False
            continue
        if item.kind == "char":
            terminal = _is_terminal(items, i)
            if ended and not terminal and item.text not in CLOSERS:
                sentences.append(current)
                current, ended = [], False
            current.append(item)
            ended = ended or terminal
        else:
            current.append(item)
    if current:
        sentences.append(current)
    return sentences


def _sentence_text(items: Sequence[Item]) -> str:
    text = "".join(it.text for it in items if it.kind == "char")
    text = " ".join(text.split()) if any(_is_latin(c) for c in text) else "".join(text.split())
    return text.rstrip("".join(TERMINALS) + ".").strip()


def _tone_for(ch: str, item: Item, voice: VoiceParams) -> tuple[int, int]:
    h = zlib.crc32(f"{voice.seed}|{ch}".encode())
    emotion = EMOTION_PITCH.get(item.emotion or "", 1.0)
    emotion = 1.0 + (emotion - 1.0) * item.intensity
    f0 = voice.base_hz * voice.pitch * emotion * PITCH_STEPS[h % len(PITCH_STEPS)]
    f1 = f0 * (1.05 if (h >> 8) & 1 else 0.95)
    return round(f0), round(f1)


def _scaled(ms: int, speed: float) -> int:
    return max(10, round(ms / speed))


def build_layout(paragraphs: Sequence[Sequence[Item]], voice: VoiceParams, *, paragraph_gap_ms: int,
                 drop_sentence: int | None = None) -> Layout:
    """Timeline for ``paragraphs`` (lists of items); sentences carry voiced times and tiling slots.

    Silence between two sentences is ``SENTENCE_GAP_MS`` (plus any explicit break at the end of the first),
    between two paragraphs exactly ``paragraph_gap_ms``; pauses for commas or spaces at a sentence's end are
    swallowed by that gap, so the gaps are measurable exactly in the audio.

    ``drop_sentence`` (the fault ``drop_sentence_tasks``): the spoken sentence with that index (0-based, over
    the whole task) is left out of the audio *and* of the timings, as a vendor that silently skips a sentence
    would; the usual sentence gap stands in its place. ``Layout.dropped`` names it.
    """
    timeline = _Timeline(voice)
    spoken, dropped = 0, ""
    for p_index, paragraph in enumerate(paragraphs):
        chunks = split_sentences(paragraph)
        if not any(it.kind == "char" and it.text.isalnum() for chunk in chunks for it in chunk):
            timeline.pending += sum(it.ms for chunk in chunks for it in chunk if it.kind == "break")
            continue
        if timeline.sentences and timeline.sentences[-1].paragraph_index != p_index:
            timeline.pending = timeline.trailing_breaks + paragraph_gap_ms
        for chunk in chunks:
            if _speaks(chunk):
                spoken += 1
                if spoken - 1 == drop_sentence:
                    dropped = _sentence_text(chunk)
                    continue
            timeline.add_sentence(chunk, p_index)
    layout = timeline.finish()
    layout.dropped = dropped
    return layout


def _speaks(chunk: Sequence[Item]) -> bool:
    return any(it.kind == "char" and it.text.isalnum() for it in chunk)


def spoken_sentences(paragraphs: Sequence[Sequence[Item]]) -> int:
    """How many sentences ``build_layout`` would speak (what ``drop_sentence`` counts)."""
    return sum(1 for paragraph in paragraphs for chunk in split_sentences(paragraph) if _speaks(chunk))


class _Timeline:
    """Mutable state of ``build_layout``: segments so far, time cursor, silence owed before the next sound."""

    def __init__(self, voice: VoiceParams) -> None:
        self.voice = voice
        self.amp = max(1, min(100, round(voice.amplitude * 100)))
        self.segments: list[Segment] = [Segment(LEAD_MS)]
        self.sentences: list[Sentence] = []
        self.t = LEAD_MS
        self.pending = 0  # silence owed before the next tone
        self.trailing_breaks = 0  # explicit breaks at the end of the last sentence

    def silence(self, ms: int) -> None:
        if ms <= 0:
            return
        if self.segments[-1].f0 == 0:
            self.segments[-1] = Segment(self.segments[-1].ms + ms)
        else:
            self.segments.append(Segment(ms))
        self.t += ms

    def tone(self, item: Item) -> None:
        ch = item.text
        ms = _scaled(LATIN_MS if _is_latin(ch) else CHAR_MS, self.voice.speed)
        f0, f1 = _tone_for(ch, item, self.voice)
        self.segments.append(Segment(ms, f0, f1, self.amp))
        self.t += ms

    def add_sentence(self, chunk: Sequence[Item], p_index: int) -> None:
        words: list[Word] = []
        word_text, word_begin = "", 0
        begin = end = -1
        gap = 0  # pause since the last tone (spaces, commas, breaks)
        breaks = 0  # the explicit-break part of ``gap``
        for it in chunk:
            if it.kind == "break":
                if begin < 0:
                    self.pending += it.ms
                else:
                    gap, breaks = gap + it.ms, breaks + it.ms
                continue
            ch = it.text
            if ch.isalnum():
                if begin < 0:
                    self.silence(self.pending)
                    self.pending, begin = 0, self.t
                else:
                    self.silence(gap)
                ascii_word = ch.isascii() and bool(word_text) and word_text[-1].isascii()
                if word_text and (gap or not ascii_word):
                    words.append(Word(word_text, word_begin, end))
                    word_text = ""
                if not word_text:
                    word_begin = self.t
                gap = breaks = 0
                self.tone(it)
                end = self.t
                word_text += ch
            elif begin < 0 or ch in TERMINALS or ch in CLOSERS or ch == ".":
                continue  # leading marks make no sound; the sentence gap is the terminal pause
            else:
                gap += _scaled(SPACE_MS if ch.isspace() else PAUSE_MS, self.voice.speed)
        if begin < 0:
            return
        if word_text:
            words.append(Word(word_text, word_begin, end))
        self.sentences.append(Sentence(_sentence_text(chunk), p_index, begin, end, words))
        self.trailing_breaks = breaks
        self.pending = breaks + SENTENCE_GAP_MS

    def finish(self) -> Layout:
        self.silence(self.pending if self.sentences else self.pending + SENTENCE_GAP_MS)
        for i, s in enumerate(self.sentences):
            s.slot_begin_ms = 0 if i == 0 else self.sentences[i - 1].slot_end_ms
            s.slot_end_ms = self.sentences[i + 1].begin_ms if i + 1 < len(self.sentences) else self.t
        return Layout(self.voice.sample_rate, self.segments, self.sentences, self.t)


# --- rendering -------------------------------------------------------------------------------------------

_snippets: dict[tuple[int, int, int, int, int], bytes] = {}
_snippet_lock = threading.Lock()
_MAX_SNIPPETS = 2048


def _tone_bytes(sample_rate: int, n: int, f0: int, f1: int, amp: int) -> bytes:
    key = (sample_rate, n, f0, f1, amp)
    cached = _snippets.get(key)
    if cached is not None:
        return cached
    out = array("h", bytes(2 * n))
    fade = min(n // 4, sample_rate * FADE_MS // 1000)
    scale = amp / 100 * 32000 / 1.75
    two_pi_over_sr = 2 * math.pi / sample_rate
    sin = math.sin
    phase = 0.0
    for i in range(n):
        phase += two_pi_over_sr * (f0 + (f1 - f0) * i / n)
        value = sin(phase) + 0.5 * sin(2 * phase) + 0.25 * sin(3 * phase)
        env = 1.0
        if i < fade:
            env = i / fade
        elif i >= n - fade:
            env = (n - 1 - i) / fade
        out[i] = int(value * scale * env)
    if sys.byteorder != "little":
        out.byteswap()
    data = out.tobytes()
    with _snippet_lock:
        if len(_snippets) >= _MAX_SNIPPETS:
            _snippets.clear()
        _snippets[key] = data
    return data


def iter_pcm(layout: Layout, start: int = 0, stop: int | None = None, chunk: int = 1 << 18) -> Iterator[bytes]:
    """Bytes ``[start, stop)`` of the s16le mono PCM of ``layout``, in chunks of about ``chunk`` bytes."""
    stop = layout.pcm_size if stop is None else min(stop, layout.pcm_size)
    per_ms = layout.sample_rate // 1000 * 2
    pos = 0
    buf: list[bytes] = []
    size = 0
    for seg in layout.segments:
        seg_len = seg.ms * per_ms
        seg_start, seg_end = pos, pos + seg_len
        pos = seg_end
        if seg_end <= start:
            continue
        if seg_start >= stop:
            break
        data = bytes(seg_len) if seg.f0 == 0 else _tone_bytes(layout.sample_rate, seg_len // 2, seg.f0, seg.f1,
                                                              seg.amp)
        lo, hi = max(start, seg_start) - seg_start, min(stop, seg_end) - seg_start
        piece = data if (lo, hi) == (0, seg_len) else data[lo:hi]
        buf.append(piece)
        size += len(piece)
        if size >= chunk:
            yield b"".join(buf)
            buf, size = [], 0
    if buf:
        yield b"".join(buf)


def wav_header(data_size: int, sample_rate: int) -> bytes:
    """44-byte RIFF/WAVE header for 16-bit mono PCM."""
    import struct

    return (b"RIFF" + struct.pack("<I", 36 + data_size) + b"WAVE" + b"fmt "
            + struct.pack("<IHHIIHH", 16, 1, 1, sample_rate, sample_rate * 2, 2, 16)
            + b"data" + struct.pack("<I", data_size))


def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def encode_mp3(layout: Layout, path: Path) -> None:
    """Encode ``layout`` to an MP3 file with LAME (a seekable file, so the Xing/LAME gapless tag is written)."""
    bitrate = "32k" if layout.sample_rate <= 16000 else "64k" if layout.sample_rate <= 24000 else "128k"
    tmp = path.with_suffix(".part.mp3")
    cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
           "-f", "s16le", "-ar", str(layout.sample_rate), "-ac", "1", "-i", "pipe:0",
           "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact",
           "-c:a", "libmp3lame", "-b:a", bitrate, "-f", "mp3", str(tmp)]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdin is not None
    try:
        for piece in iter_pcm(layout):
            proc.stdin.write(piece)
    finally:
        proc.stdin.close()
    err = proc.stderr.read() if proc.stderr else b""
    if proc.wait() != 0:
        raise RuntimeError(f"ffmpeg mp3 encode failed: {err.decode(errors='replace')[-500:]}")
    tmp.replace(path)


def sentence_chars(text: str) -> list[Item]:
    """Plain text -> char items (NFC, so combining sequences count as the vendor counts them)."""
    return [Item("char", ch) for ch in unicodedata.normalize("NFC", text)]
