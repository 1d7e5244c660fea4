"""The movie header (``moov``) of an audiobook MP4: the sound track, the chapter track, the tags.

Laid out as ffmpeg's ipod muxer lays out a stream-copied AAC book with ``+faststart``:

- track 1, sound: ``tkhd`` (enabled), an edit list that skips the encoder's 1,024 samples of priming and
  plays exactly the planned length (so the last frame's padding is hidden too), a ``tref/chap`` pointing at
  the chapter track, and the sample tables (one ``stts`` run of 1,024-sample frames, every frame's size,
  frames grouped in chunks of ``CHUNK_FRAMES``, ``stco``/``co64``, AAC's roll group);
- track 2, chapters: a QuickTime text track (not enabled, so nothing displays it as subtitles), one sample per
  chapter lasting until the next chapter; Apple Books, ffmpeg and Audiobookshelf read chapters from it, and
  it has no limit on their number;
- ``udta``: the iTunes tags (``mp4_tags``) and, for at most 255 chapters, the Nero ``chpl`` list.

Timescales: the movie's and both tracks' are the sample rate, so every chapter starts on its exact sample.
"""

from __future__ import annotations

import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from studio.audio import mp4_boxes as b
from studio.audio.adts import AdtsConfig
from studio.audio.formats import CHPL_MAX_CHAPTERS
from studio.audio.mp4_tags import chapter_sample, chpl, freeform, ilst, meta
from studio.audio.tags import Cover

AAC_FRAME = 1024
#: frames per chunk of the sound track (about 0.4 MB at 64 kb/s; ffmpeg's chunks stay under 1 MB)
CHUNK_FRAMES = 1024
SOUND_TRACK, CHAPTER_TRACK = 1, 2
STAMP_MEAN = "com.apple.iTunes"


@dataclass(frozen=True)
class BookContent:
    """Everything in the file besides the audio frames."""

    brand: bytes  # b"M4B " or b"M4A "
    rate: int
    #: samples that play (after the priming): the edit list's length and the durations players show
    samples: int
    #: (start sample, title) in order, the first at 0; empty: no chapter track
    chapters: Sequence[tuple[int, str]] = ()
    #: tags in ffmpeg's names (``tags.ffmpeg_tags``)
    tags: Mapping[str, str] = field(default_factory=dict)
    cover: Cover | None = None
    #: (name, value) of freeform atoms (the export stamp)
    freeform: Sequence[tuple[str, str]] = ()


@dataclass(frozen=True)
class SoundTables:
    """The sound track's sample tables; ``sizes``/``offsets`` None reserve their room (the frames' sizes are
    learned while the audio is written after the movie header)."""

    frames: int
    wide: bool
    sizes: array.array[int] | None = None  # big-endian, ``mp4_boxes.big_endian``
    offsets: Sequence[int] | None = None
    avg_bitrate: int = 0
    max_bitrate: int = 0

    @property
    def chunks(self) -> int:
        return -(-self.frames // CHUNK_FRAMES)


def chunk_runs(frames: int) -> list[tuple[int, int]]:
    """``stsc`` runs for ``frames`` in chunks of ``CHUNK_FRAMES`` (the last one may be shorter)."""
    chunks = -(-frames // CHUNK_FRAMES)
    last = frames - (chunks - 1) * CHUNK_FRAMES
    if chunks == 1 or last == CHUNK_FRAMES:
        return [(1, min(frames, CHUNK_FRAMES))]
    return [(1, CHUNK_FRAMES), (chunks, last)]


def chapter_timing(chapters: Sequence[tuple[int, str]], samples: int, rate: int) -> tuple[int, list[int]]:
    """(timescale, sample durations) of the chapter track: each chapter lasts until the next one starts, the
    last until the end. The sample rate is the timescale unless a chapter is too long for a 32-bit duration
    at it (a day at 48 kHz): then milliseconds."""
    starts = [start for start, _ in chapters]
    if starts[0] != 0 or any(a > z for a, z in pairwise([*starts, samples])):
        raise ValueError(f"chapter starts must rise from 0 within the {samples} samples: {starts[:5]}...")
    durations = [z - a for a, z in pairwise([*starts, samples])]
    if max(durations) <= b.U32_MAX:
        return rate, durations
    ms = [round(s * 1000 / rate) for s in [*starts, samples]]
    return 1000, [z - a for a, z in pairwise(ms)]


def _runs(values: Sequence[int]) -> list[tuple[int, int]]:
    runs: list[list[int]] = []
    for value in values:
        if runs and runs[-1][1] == value:
            runs[-1][0] += 1
        else:
            runs.append([1, value])
    return [(count, value) for count, value in runs]


def movie(content: BookContent, config: AdtsConfig, sound: SoundTables, chapter_offset: int | None) -> b.Box:
    """The ``moov`` box; ``chapter_offset`` is where the chapter samples sit in the file (None: reserve)."""
    tracks = [_sound_track(content, config, sound)]
    if content.chapters:
        tracks.append(_chapter_track(content, chapter_offset, sound.wide))
    udta: list[b.Box] = [meta(ilst(content.tags, content.cover,
                                   [freeform(STAMP_MEAN, name, value.encode("utf-8"))
                                    for name, value in content.freeform]))]
    if 0 < len(content.chapters) <= CHPL_MAX_CHAPTERS:
        udta.append(chpl(content.chapters, content.rate))
    return b.Box(b"moov", b.mvhd(content.rate, content.samples, len(tracks) + 1), *tracks, b.Box(b"udta", *udta))


def _sound_track(content: BookContent, config: AdtsConfig, sound: SoundTables) -> b.Box:
    rate = content.rate
    descriptor = b.esds(SOUND_TRACK, config.audio_specific_config(), sound.avg_bitrate, sound.max_bitrate)
    table = b.Box(b"stbl", b.stsd(b.mp4a(rate, config.channels, descriptor)),
                  b.stts([(sound.frames, AAC_FRAME)]), b.stsc(chunk_runs(sound.frames)),
                  b.stsz_table(sound.frames, sound.sizes),
                  b.chunk_offsets(sound.offsets if sound.offsets is not None else sound.chunks, wide=sound.wide),
                  *b.roll_group(sound.frames))
    media = b.Box(b"mdia", b.mdhd(rate, sound.frames * AAC_FRAME, b.LANGUAGE_UND), b.hdlr(b"soun", "SoundHandler"),
                  b.Box(b"minf", b.full_box(b"smhd", 0, 0, bytes(4)), b.dinf(), table))
    parts = [b.tkhd(SOUND_TRACK, content.samples, flags=3, alternate_group=1, volume=0x100),
             b.edts(content.samples, AAC_FRAME)]
    if content.chapters:
        parts.append(b.Box(b"tref", b.Box(b"chap", CHAPTER_TRACK.to_bytes(4, "big"))))
    return b.Box(b"trak", *parts, media)


def chapter_samples(content: BookContent) -> list[bytes]:
    return [chapter_sample(title) for _, title in content.chapters]


def _chapter_track(content: BookContent, offset: int | None, wide: bool) -> b.Box:
    scale, durations = chapter_timing(content.chapters, content.samples, content.rate)
    samples = chapter_samples(content)
    table = b.Box(b"stbl", b.stsd(b.text_entry()), b.stts(_runs(durations)), b.stsc([(1, len(samples))]),
                  b.stsz([len(s) for s in samples]), b.chunk_offsets(1 if offset is None else [offset], wide=wide))
    media = b.Box(b"mdia", b.mdhd(scale, sum(durations), 0), b.hdlr(b"text", "SubtitleHandler"),
                  b.Box(b"minf", b.gmhd(), b.dinf(), table))
    return b.Box(b"trak", b.tkhd(CHAPTER_TRACK, content.samples, flags=2, alternate_group=0, volume=0),
                 b.edts(content.samples, 0), media)
