"""Helpers shared by the export tests (no tests here): test audio with known timing, and ways to check it.

Sentences are 441 Hz tones (441 whole cycles per second, so pieces cut anywhere on a cycle stay clean) with
digital silence between them; the exact frame where each sentence starts is known, and an onset detector on
the decoded export finds it again to within a sample or two.
"""

from __future__ import annotations

import array
import math
import re
import wave
from dataclasses import dataclass
from pathlib import Path

from studio.audio.ffmpeg import run_ffmpeg
from studio.audio.pieces import Piece, TimedText

FREQ = 441


def _cycle_block(rate: int, amplitude: int, freq: int = FREQ) -> array.array[int]:
    return array.array("h", (int(amplitude * math.sin(2 * math.pi * freq * i / rate)) for i in range(rate)))


def write_wav(path: Path, samples: array.array[int], rate: int, channels: int = 1) -> Path:
    data = samples
    if channels == 2:
        data = array.array("h", (x for s in samples for x in (s, s)))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(data.tobytes())
    return path


@dataclass
class TonePiece:
    piece: Piece
    rate: int
    #: where each sentence's tone starts and ends in the piece (ms, exact to the frame)
    sentence_ms: list[tuple[float, float]]

    @property
    def duration_ms(self) -> float:
        return self.sentence_ms[-1][1]


def tone_piece(path: Path, sentences: list[float], *, pause_ms: float = 300, rate: int = 22050, channels: int = 1,
               amplitude: int = 8000, texts: list[str] | None = None, kind: str = "paragraph",
               stamps: str = "sentences", lead_ms: float = 0.0) -> TonePiece:
    """A piece of tone "sentences" (lengths in ms) with ``pause_ms`` of silence between them.

    ``stamps``: "sentences" (an engine with sentence timestamps), "words" (per-character stamps, Baidu
    style), or "none". Sentence stamps run from the tone's start to the next sentence's start, the way the
    offline engine reports them (the pause belongs to the sentence before it).
    """
    block = _cycle_block(rate, amplitude)
    samples = array.array("h", [0] * round(lead_ms * rate / 1000))
    spans: list[tuple[int, int]] = []
    for n, ms in enumerate(sentences):
        frames = round(ms * rate / 1000)
        start = len(samples)
        while frames > 0:
            take = min(frames, rate)
            samples.extend(block[:take])
            frames -= take
        spans.append((start, len(samples)))
        if n < len(sentences) - 1:
            samples.extend([0] * round(pause_ms * rate / 1000))
    write_wav(path, samples, rate, channels)
    texts = texts or [f"第{n + 1}句。" for n in range(len(sentences))]
    exact = [(a * 1000 / rate, b * 1000 / rate) for a, b in spans]
    stamp_ends = [*(s[0] for s in exact[1:]), len(samples) * 1000 / rate]
    timed = tuple(TimedText(t, a, e) for t, (a, _), e in zip(texts, exact, stamp_ends, strict=True))
    if stamps == "sentences":
        piece = Piece(path, sentences=timed, text="".join(texts), kind=kind)
    elif stamps == "words":
        words = []
        for t in timed:
            step = (t.end_ms - t.begin_ms) / len(t.text)
            words += [TimedText(ch, t.begin_ms + i * step, t.begin_ms + (i + 1) * step) for i, ch in enumerate(t.text)]
        piece = Piece(path, words=tuple(words), text="".join(texts), kind=kind)
    else:
        piece = Piece(path, text="".join(texts), kind=kind)
    return TonePiece(piece, rate, exact)


def sound_segments(pcm: array.array[int], rate: int, threshold: int = 1000,
                   min_silence_ms: float = 150) -> list[tuple[float, float]]:
    """(start_ms, end_ms) of each stretch of sound, split wherever it is quiet for ``min_silence_ms``."""
    min_gap = int(min_silence_ms * rate / 1000)
    segments: list[list[int]] = []
    last = -min_gap - 1
    for i, x in enumerate(pcm):
        if x > threshold or x < -threshold:
            if i - last > min_gap:
                segments.append([i, i])
            segments[-1][1] = i
            last = i
    return [(s * 1000 / rate, (e + 1) * 1000 / rate) for s, e in segments]


def first_sound_ms(pcm: array.array[int], rate: int, from_ms: float, to_ms: float, threshold: int = 1000) -> float:
    for i in range(max(0, int(from_ms * rate / 1000)), min(int(to_ms * rate / 1000), len(pcm))):
        if abs(pcm[i]) > threshold:
            return i * 1000 / rate
    return math.inf


_I = re.compile(r"^\s*I:\s*(-?[\d.]+|-inf)\s*LUFS", re.M)
_PEAK = re.compile(r"True peak:\s*\n\s*Peak:\s*(-?[\d.]+|-inf)\s*dBFS")


def loudness_of(path: Path) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) of a finished file, measured on what a decoder produces."""
    tail = run_ffmpeg(["-i", str(path), "-map", "0:a:0", "-af", "ebur128=peak=true:framelog=quiet", "-f", "null",
                       "-"], loglevel="info")
    return float(_I.findall(tail)[-1]), float(_PEAK.findall(tail)[-1])


def seeded_project(folder: Path, chapters: list[tuple[str, tuple[str, str | None, int, list[float]]]]) -> Path:
    """A real project whose cache already holds every unit's audio, as a finished render leaves it.

    ``chapters``: (title, (engine, voice, source rate, tone length in ms of each paragraph)); "local" uses
    the book's default voice. ``studio export`` then has nothing to synthesize.
    """
    from studio.core.book import Book, Chapter, Paragraph, VoiceSettings
    from studio.core.project import Project
    from studio.render.job_store import plan_project

    book = Book(title="混合", author="作者", chapters=[
        Chapter(title, [Paragraph(f"{title}，第{n + 1}段。") for n in range(len(lengths))],
                VoiceSettings(engine, voice) if engine != "local" else VoiceSettings())
        for title, (engine, voice, _rate, lengths) in chapters])
    with Project.create(folder, book) as project:
        wanted = {(c, p): (rate, ms) for c, (_t, (_e, _v, rate, lengths)) in enumerate(chapters)
                  for p, ms in enumerate(lengths)}
        for unit in plan_project(project).units:
            rate, ms = wanted[(unit.chapter_index, unit.paragraph_index)]
            name = f"{unit.cache_key}.wav"
            tone_piece(project.cache_dir / name, [ms], rate=rate, amplitude=9000)
            project.record_rendered_unit(unit.cache_key, engine=unit.engine, voice=unit.request.voice,
                                         audio_file=name, sample_rate=rate, duration_ms=round(ms), timestamps={})
    return folder


def cli_export(project: Path, *args: str) -> tuple[int, str, str]:
    """``studio export PROJECT ARGS...`` in this process: (exit code, stdout, stderr)."""
    import argparse
    import io

    from studio.cli.export import add_export_parser, run_export

    parser = argparse.ArgumentParser()
    add_export_parser(parser.add_subparsers(dest="command"))
    out, err = io.StringIO(), io.StringIO()
    code = run_export(parser.parse_args(["export", str(project), *args]), out, err)
    return code, out.getvalue(), err.getvalue()


def make_cover(path: Path) -> Path:
    run_ffmpeg(["-f", "lavfi", "-i", "testsrc=s=200x200:d=1", "-frames:v", "1", str(path)])
    return path
