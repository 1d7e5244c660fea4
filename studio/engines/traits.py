"""What an engine is like, as one typed object: the vendor facts the render layer plans and schedules by.

Why one object per engine: limits, retention, request rates, batch sizes, SSML support and prices used to be
tables keyed by engine name spread over ``render/`` (and the GUI and CLI), and they drifted (two different
concurrency defaults for Alibaba). Each adapter module now exports its ``TRAITS`` next to the code that talks
to the vendor, ``studio.engines.registry.traits(name)`` is the only way to read them, and ``render/`` asks for
them instead of spelling engine names. A new engine is one adapter file (with its traits) plus catalogue data.

Counting characters is part of the traits because it decides where units are cut and what the vendor refuses:
Alibaba counts the request text with its SSML tags free (an entity is one character) and counts the newline
that separates grouped paragraphs like any other character (its page: every character, punctuation and space
counts; only tags are free); Baidu and the offline engine count every character of the plain text and get
paragraphs as a list, so nothing separates them.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from studio.core.book import EmotionSpan

__all__ = ["CharCounting", "EngineTraits", "PollRange"]


class CharCounting(enum.Enum):
    """How a vendor counts (limits and bills) the characters of a request."""

    #: Every character of the plain paragraph texts (markup is never sent).
    PLAIN = "plain"
    #: The request text as sent: SSML tags free, an entity one character, everything else one (Alibaba).
    SSML_TAGS_FREE = "ssml_tags_free"


@dataclass(frozen=True)
class PollRange:
    """The first (shortest) and the longest interval between polls of one task, in seconds."""

    first_s: float
    max_s: float


@dataclass(frozen=True)
class EngineTraits:
    """The facts about one engine that planning, scheduling, pricing and the settings need.

    ``durable``: task ids stay valid at the vendor after the app exits (kept ``retention_s`` seconds, counted
    from submission). ``max_chars``: the vendor's per-task limit (None: none), counted as ``counting`` says,
    with ``separator_chars`` counted between two grouped paragraphs. ``batch_query_ids``: how many ids one
    status query may carry (0: one request per id, and ``poll_chunk``/``poll_parallel`` shape the rounds).
    ``default_concurrency``/``max_concurrency``: tasks at the vendor at once (the maximum is the account's
    cap; None: no vendor cap). ``emotions``: voices speak emotion marks; ``strips_emotions``: the vendor
    refuses them, so they are dropped from requests (engines that merely ignore them keep them).
    ``requests_per_s``: submits and status queries per second (None: unlimited). ``audio_options``: the
    engine honours a requested format and sample rate. ``groups_by_default``: paragraphs are grouped into
    bigger units when a unit size is asked for. ``price_key``: the name of the price setting and of
    ``STUDIO_PRICE_<KEY>`` (None: free). ``task_deadline_s``: how long the vendor documents a task may take
    (None: undocumented); a task still running past it is reported and submitted again once.
    """

    name: str
    display_name: str
    durable: bool
    retention_s: float | None
    max_chars: int | None
    counting: CharCounting
    separator_chars: int
    batch_query_ids: int
    default_concurrency: int
    max_concurrency: int | None
    requests_per_s: float | None
    poll_range: PollRange
    emotions: bool
    ssml: bool
    price_key: str | None
    downloads: int = 4
    poll_chunk: int = 0
    poll_parallel: int = 1
    groups_by_default: bool = True
    audio_options: bool = True
    strips_emotions: bool = False
    task_deadline_s: float | None = None
    #: One task's synthesis speed in characters a second, for time estimates before a render (None: unknown).
    chars_per_second: float | None = None

    @property
    def free(self) -> bool:
        return self.price_key is None

    def paragraph_chars(self, text: str, emotions: Sequence[EmotionSpan] = ()) -> int:
        """Characters of one paragraph as the vendor counts them (without any separator)."""
        if self.counting is CharCounting.SSML_TAGS_FREE:
            from studio.core import ssml

            return ssml.vendor_char_count(ssml.paragraph_markup(text, emotions))
        return len(text)

    def request_chars(self, paragraphs: Sequence[str], emotions: Sequence[Sequence[EmotionSpan]] = ()) -> int:
        """Characters of a whole request as the vendor counts them, separators between paragraphs included."""
        spans = tuple(emotions) + ((),) * (len(paragraphs) - len(emotions))
        body = sum(self.paragraph_chars(text, marks) for text, marks in zip(paragraphs, spans, strict=False))
        return body + self.separator_chars * max(0, len(paragraphs) - 1)

    def units_chars(self, paragraph_chars: Sequence[int]) -> int:
        """Characters of a request made of paragraphs already counted with ``paragraph_chars``."""
        return sum(paragraph_chars) + self.separator_chars * max(0, len(paragraph_chars) - 1)
