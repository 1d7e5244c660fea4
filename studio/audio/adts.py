"""ADTS, the framing our AAC chunks are encoded in: each AAC frame behind a 7-byte header (9 with a CRC).

The MP4 writer (``mp4_writer``) takes the raw AAC frames out of these headers, and the header of the first
frame tells it what the MP4 sample entry must say (object type, sample rate, channels: the
AudioSpecificConfig). Parsing is one tight loop per block of the file, because a 50-hour book is over four
million frames: the per-frame work is a few byte reads, and a frame that does not look like the first one
(another rate, another channel layout, a lost sync word) stops the export with the byte where it happened.
"""

from __future__ import annotations

import array
from dataclasses import dataclass

#: ADTS sampling_frequency_index -> rate (ISO 14496-3, table 1.18)
RATES = (96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350)
HEADER = 7
CRC_HEADER = 9


class FrameError(ValueError):
    """A frame that is not what the stream promised; ``at`` is its offset in the parsed buffer."""

    def __init__(self, reason: str, at: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.at = at


@dataclass(frozen=True)
class AdtsConfig:
    """What every frame header of a stream must repeat: the fields an MP4 sample entry is made of."""

    object_type: int  # 2: AAC LC
    rate_index: int
    channels: int  # channel_configuration 1-7
    crc: bool
    #: header bytes 1 and 2 (private bit cleared) and byte 3's channel bits, as every frame must carry them
    signature: tuple[int, int, int]

    @property
    def sample_rate(self) -> int:
        return RATES[self.rate_index]

    @property
    def header_size(self) -> int:
        return CRC_HEADER if self.crc else HEADER

    def audio_specific_config(self) -> bytes:
        """The two-byte AudioSpecificConfig (object type, rate index, channels, GASpecificConfig all zero)."""
        value = (self.object_type << 11) | (self.rate_index << 7) | (self.channels << 3)
        return value.to_bytes(2, "big")


def read_config(head: bytes) -> AdtsConfig:
    """The stream's configuration from its first frame header; ``FrameError`` if it is not one we can carry."""
    if len(head) < HEADER or head[0] != 0xFF or head[1] & 0xF6 != 0xF0:
        raise FrameError("not an ADTS stream", 0)
    profile, rate_index = head[2] >> 6, (head[2] >> 2) & 0x0F
    channels = ((head[2] & 0x01) << 2) | (head[3] >> 6)
    if rate_index >= len(RATES):
        raise FrameError(f"invalid sampling frequency index {rate_index}", 0)
    if channels == 0:
        raise FrameError("channel layout given in the stream (channel configuration 0) is not supported", 0)
    if head[6] & 0x03:
        raise FrameError("more than one AAC frame per ADTS frame is not supported", 0)
    return AdtsConfig(profile + 1, rate_index, channels, crc=not head[1] & 0x01,
                      signature=(head[1], head[2] & 0xFD, head[3] & 0xC0))


def parse_frames(data: bytes, start: int, config: AdtsConfig, sizes: array.array[int],
                 payloads: list[bytes]) -> int:
    """Take the whole frames of ``data`` from ``start`` on: append each frame's AAC payload to ``payloads``
    and its size to ``sizes``; return where the first incomplete frame begins (``len(data)`` if none).

    Raises ``FrameError`` (with the frame's offset in ``data``) for a frame unlike the stream's first.
    """
    b1, b2, b3 = config.signature
    header = config.header_size
    add_size, add_payload = sizes.append, payloads.append
    i, n = start, len(data)
    last = n - HEADER
    while i <= last:
        if data[i] != 0xFF or data[i + 1] != b1 or data[i + 2] & 0xFD != b2 or data[i + 3] & 0xC0 != b3:
            raise FrameError("not an ADTS frame like the first one (lost sync, or another rate or channel "
                             "layout)", i)
        length = ((data[i + 3] & 0x03) << 11) | (data[i + 4] << 3) | (data[i + 5] >> 5)
        if length <= header or data[i + 6] & 0x03:
            raise FrameError(f"invalid ADTS frame (length {length})", i)
        end = i + length
        if end > n:
            break
        add_payload(data[i + header:end])
        add_size(length - header)
        i = end
    return i
