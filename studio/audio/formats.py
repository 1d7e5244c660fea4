"""The output formats: codec, container, valid sample rates, and how chapters, tags and covers get in.

One table, so adding a format means adding a row, and so the exporter never branches on format names
except where a container really differs (ID3 is written by mutagen; cue sheets sit beside the file).
"""

from __future__ import annotations

from dataclasses import dataclass

#: Sampling rates the AAC encoder accepts.
AAC_SAMPLE_RATES = (7350, 8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 64000, 88200, 96000)
#: MPEG-1/2/2.5 layer III rates (libmp3lame).
MP3_SAMPLE_RATES = (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000)


#: the most chapters a Nero ``chpl`` box holds (its count is one byte; ffmpeg writes the first 255 and drops the rest)
CHPL_MAX_CHAPTERS = 255


def mp4_movflags(chapters: int) -> list[str]:
    """The MP4 muxer's flags for a file of ``chapters`` chapters.

    Up to 255 chapters the file carries both the QuickTime chapter track (Apple) and a Nero ``chpl`` list
    (mutagen, older players). Beyond that the ``chpl`` list would hold only the first 255, and players read
    the first list they find: a 3,000-chapter web novel would end at chapter 255. So ``chpl`` is left out
    and the QuickTime track, which has no such limit, is the only list (ffmpeg, Apple Books and
    Audiobookshelf read it). Given after the codec arguments, this ``-movflags`` replaces theirs.
    """
    return ["-movflags", "+faststart" + ("+disable_chpl" if chapters > CHPL_MAX_CHAPTERS else "")]


@dataclass(frozen=True)
class FormatSpec:
    name: str
    extension: str
    lossy: bool
    #: rates the codec can encode; None: any rate
    sample_rates: tuple[int, ...] | None
    #: samples per codec frame: how finely a decoder can place the start of a chapter (1 for PCM/FLAC)
    frame_samples: int
    default_bitrate: str | None
    #: how chapters are stored: "mp4" (chapter track + chpl), "id3" (CHAP/CTOC), "vorbis" (CHAPTERnnn
    #: comments) or "none" (WAV: the cue sheet carries them)
    chapters: str
    #: cover art: "ffmpeg" (attached picture stream), "id3" (APIC by mutagen) or "none"
    cover: str
    #: relative encode cost per second of audio, for a progress bar that moves evenly (measure pass = 1)
    cost: float

    def codec_args(self, bitrate: str | None) -> list[str]:
        rate = bitrate or self.default_bitrate or ""
        if self.name == "m4b":
            return ["-c:a", "aac", "-b:a", rate, "-movflags", "+faststart", "-brand", "M4B ", "-f", "ipod"]
        if self.name == "m4a":
            return ["-c:a", "aac", "-b:a", rate, "-movflags", "+faststart", "-f", "ipod"]
        if self.name == "mp3":
            # no ID3v2 from ffmpeg (mutagen writes ours in front); keep the Xing/LAME frame: it carries the
            # encoder delay and padding that make decoders start on the exact first sample
            return ["-c:a", "libmp3lame", "-b:a", rate, "-id3v2_version", "0", "-write_xing", "1", "-f", "mp3"]
        if self.name == "flac":
            return ["-c:a", "flac", "-compression_level", "5", "-f", "flac"]
        if self.name == "wav":
            return ["-c:a", "pcm_s16le", "-rf64", "auto", "-f", "wav"]
        raise AssertionError(self.name)

    @property
    def has_cue_sheet(self) -> bool:
        """WAV and FLAC books get a .cue sheet, whose 1/75 s grid the chapter starts are aligned to."""
        return self.name in ("wav", "flac")


FORMATS: dict[str, FormatSpec] = {
    "m4b": FormatSpec("m4b", ".m4b", True, AAC_SAMPLE_RATES, 1024, "64k", "mp4", "ffmpeg", 6.0),
    "m4a": FormatSpec("m4a", ".m4a", True, AAC_SAMPLE_RATES, 1024, "64k", "mp4", "ffmpeg", 6.0),
    "mp3": FormatSpec("mp3", ".mp3", True, MP3_SAMPLE_RATES, 1152, "64k", "id3", "id3", 3.0),
    "flac": FormatSpec("flac", ".flac", False, None, 1, None, "vorbis", "ffmpeg", 1.5),
    "wav": FormatSpec("wav", ".wav", False, None, 1, None, "none", "none", 0.5),
}
#: What ``--format`` accepts: one file per book (or part), or one file per chapter.
BOOK_FORMATS = ("m4b", "mp3", "wav", "flac", "chapters")
CHAPTER_FORMATS = ("mp3", "m4a", "flac", "wav")
#: Output file extensions ``studio render`` understands, and the format each means.
FORMAT_BY_EXTENSION = {".m4b": "m4b", ".m4a": "m4a", ".mp3": "mp3", ".wav": "wav", ".flac": "flac"}
