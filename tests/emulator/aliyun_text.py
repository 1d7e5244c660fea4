"""Alibaba long-text input: plain text mixed with ``<speak>`` blocks -> timed items, validated like the vendor.

Rules emulated (vendor page + NOTES.md):
- Plain text and several ``<speak>...</speak>`` blocks may be mixed; inside ``<speak>`` the text is XML, so
  ``&amp; &lt; &gt; &quot; &apos;`` (and numeric references) are the characters they stand for, and a raw
  ``&``/``<`` or any other malformed markup is "Illegal ssml text".
- ``<emotion category=".." intensity="..">`` only for multi-emotion voices and only with a category that the
  emotion table lists for that voice; intensity 0.01..2.0 (default 1.0).
- Other tags accepted inside ``<speak>``: ``<break time>`` (50..10000 ms or 1..10 s), ``<s>``, ``<w>``,
  ``<sub alias>``, ``<phoneme alphabet="py" ph>`` (one pinyin syllable with tone digit per Chinese character),
  ``<say-as interpret-as>``. Anything else is illegal.
- Outside ``<speak>`` text is plain: a lone ``<`` or ``&`` is just a character, but something that looks like
  an SSML tag there (``<emotion ...>``, a stray ``</speak>``) is illegal [emulator's choice: stricter than
  "maybe accepted", so a client that forgets to wrap its markup fails in tests, not in production].
- Characters are counted as the vendor counts them (its page: every Chinese character, letter, punctuation
  mark and space is one character; tags are free): tags and attribute values do not count; every other
  character does, the line breaks between plain text and ``<speak>`` blocks included. Whitespace that only
  formats the markup inside ``<speak>`` (indentation between tags) is not text and does not count.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from tests.emulator.audio import Item
from tests.emulator.voices import AliyunVoice

SPEAK_BLOCK = re.compile(r"<speak\b[^>]*>.*?</speak\s*>", re.S)
TAG_LIKE = re.compile(r"<\s*/?\s*(speak|emotion|break|s|w|sub|phoneme|say-as|p|voice|prosody|audio|mark)\b", re.I)
BREAK_TIME = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*$")
PINYIN = re.compile(r"^[a-zü]+[1-5]$")
SAY_AS = frozenset({"cardinal", "digits", "telephone", "name", "address", "id", "characters", "punctuation",
                    "date", "time", "currency"})
LEAF_TAGS = frozenset({"w", "sub", "phoneme", "say-as"})
DEFAULT_BREAK_MS = 500


class SsmlError(ValueError):
    """The text is not acceptable SSML for this voice (the vendor's "Illegal ssml text")."""


@dataclass
class ParsedText:
    """Paragraphs of timed items plus the billable character count."""

    paragraphs: list[list[Item]]
    char_count: int
    plain: str  # the spoken text (tags removed, entities resolved), for diagnostics


def _is_cjk(ch: str) -> bool:
    return ch.isalpha() and not ch.isascii() and unicodedata.east_asian_width(ch) in ("W", "F")


class _Builder:
    def __init__(self, voice: AliyunVoice) -> None:
        self.voice = voice
        self.paragraphs: list[list[Item]] = [[]]
        self.count = 0
        self.plain: list[str] = []

    def add_chars(self, text: str, emotion: str | None = None, intensity: float = 1.0, *,
                  newline_breaks_paragraph: bool) -> None:
        text = unicodedata.normalize("NFC", text)
        if not newline_breaks_paragraph:
            if not text.strip() and "\n" in text:
                return  # indentation between tags is formatting, not text
            text = re.sub(r"\s+", " ", text)
        for ch in text:
            if ch in "\r\n":
                self.count += 1  # a character like any other for the limit and the bill, but not spoken
                if newline_breaks_paragraph and self.paragraphs[-1]:
                    self.paragraphs.append([])
                continue
            self.count += 1
            self.plain.append(ch)
            self.paragraphs[-1].append(Item("char", ch, emotion=emotion, intensity=intensity))

    def add(self, item: Item) -> None:
        self.paragraphs[-1].append(item)


def parse_aliyun_text(text: str, voice: AliyunVoice) -> ParsedText:
    """Validate ``text`` for ``voice`` and turn it into paragraphs of items; raises ``SsmlError``."""
    builder = _Builder(voice)
    pos = 0
    for match in SPEAK_BLOCK.finditer(text):
        _plain(builder, text[pos:match.start()])
        _speak(builder, match.group(0))
        pos = match.end()
    _plain(builder, text[pos:])
    paragraphs = [p for p in builder.paragraphs if p]
    return ParsedText(paragraphs, builder.count, "".join(builder.plain))


def _plain(builder: _Builder, segment: str) -> None:
    tag = TAG_LIKE.search(segment)
    if tag:
        raise SsmlError(f"Illegal ssml text: markup {tag.group(0)!r} outside <speak>")
    builder.add_chars(segment, newline_breaks_paragraph=True)


def _speak(builder: _Builder, block: str) -> None:
    try:
        root = ET.fromstring(block)
    except ET.ParseError as exc:
        raise SsmlError(f"Illegal ssml text: {exc}") from None
    _walk(builder, root, emotion=None, intensity=1.0, inside=())


def _walk(builder: _Builder, elem: ET.Element, *, emotion: str | None, intensity: float,
          inside: tuple[str, ...]) -> None:
    tag = elem.tag
    if not isinstance(tag, str) or "}" in tag:
        raise SsmlError("Illegal ssml text: namespaced or unknown node")
    if tag == "speak" and inside:
        raise SsmlError("Illegal ssml text: nested <speak>")
    if tag != "speak" and not inside:
        raise SsmlError("Illegal ssml text: root must be <speak>")
    if any(t in LEAF_TAGS for t in inside):
        raise SsmlError(f"Illegal ssml text: <{tag}> not allowed inside <{inside[-1]}>")
    if tag == "speak":
        pass
    elif tag == "emotion":
        emotion, intensity = _emotion(builder.voice, elem, inside)
    elif tag == "break":
        if (elem.text or "").strip() or len(elem):
            raise SsmlError("Illegal ssml text: <break> must be empty")
        builder.add(Item("break", ms=_break_ms(elem.get("time"))))
    elif tag == "s":
        if "s" in inside:
            raise SsmlError("Illegal ssml text: nested <s>")
        builder.add(Item("boundary"))
    elif tag == "w":
        pass
    elif tag == "sub":
        if not elem.get("alias"):
            raise SsmlError("Illegal ssml text: <sub> needs alias")
    elif tag == "phoneme":
        _phoneme(elem)
    elif tag == "say-as":
        if elem.get("interpret-as") not in SAY_AS:
            raise SsmlError(f"Illegal ssml text: say-as interpret-as={elem.get('interpret-as')!r}")
    else:
        raise SsmlError(f"Illegal ssml text: unsupported tag <{tag}>")
    if elem.text:
        builder.add_chars(elem.text, emotion, intensity, newline_breaks_paragraph=False)
    for child in elem:
        _walk(builder, child, emotion=emotion, intensity=intensity, inside=(*inside, tag))
        if child.tail:
            builder.add_chars(child.tail, emotion, intensity, newline_breaks_paragraph=False)
    if tag == "s":
        builder.add(Item("boundary"))


def _emotion(voice: AliyunVoice, elem: ET.Element, inside: tuple[str, ...]) -> tuple[str, float]:
    if not voice.multi_emotion:
        raise SsmlError(f"Illegal ssml text: voice {voice.voice!r} does not support <emotion>")
    if "emotion" in inside:
        raise SsmlError("Illegal ssml text: nested <emotion>")
    category = elem.get("category")
    if category not in voice.emotions:
        raise SsmlError(f"Illegal ssml text: emotion category {category!r} not supported by {voice.voice!r}")
    raw = elem.get("intensity", "1.0")
    try:
        value = float(raw)
    except ValueError:
        raise SsmlError(f"Illegal ssml text: emotion intensity {raw!r}") from None
    if not 0.01 <= value <= 2.0:
        raise SsmlError(f"Illegal ssml text: emotion intensity {raw!r} outside 0.01..2.0")
    return category, value


def _break_ms(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_BREAK_MS
    match = BREAK_TIME.match(raw)
    if not match:
        raise SsmlError(f"Illegal ssml text: break time {raw!r}")
    value, unit = float(match.group(1)), match.group(2)
    ms = round(value * 1000) if unit == "s" else round(value)
    if not 50 <= ms <= 10000:
        raise SsmlError(f"Illegal ssml text: break time {raw!r} outside 50ms..10s")
    return ms


def _phoneme(elem: ET.Element) -> None:
    if elem.get("alphabet") != "py":
        raise SsmlError(f"Illegal ssml text: phoneme alphabet {elem.get('alphabet')!r}")
    syllables = (elem.get("ph") or "").split()
    hanzi = [ch for ch in (elem.text or "") if _is_cjk(ch)]
    if not syllables or len(syllables) != len(hanzi) or not all(PINYIN.match(s) for s in syllables):
        raise SsmlError(f"Illegal ssml text: phoneme ph {elem.get('ph')!r} does not match {elem.text!r}")
