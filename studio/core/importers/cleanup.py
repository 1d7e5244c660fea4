"""Turn one raw paragraph of manuscript text into clean paragraph text plus emotion spans.

Manuscripts copied from websites carry stray HTML (``<br>``, ``<p class="...">``, ``&nbsp;``); manuscripts
prepared for Alibaba's multi-emotion voices carry ``<emotion category=".." intensity="..">`` SSML. The book
model stores plain text with emotions as character spans, so here:

* a *recognisable* HTML tag (a known tag name with well-formed attributes) is removed and its inner text
  kept; block tags (``<br>``, ``<p>``, ``<div>``, ``<li>``, ``<h1>``...) end the paragraph, so one raw line can
  yield several paragraphs; ``<rt>``/``<rp>``/``<script>``/``<style>`` content is dropped (ruby annotations
  are a reading aid, the base text is kept);
* ``&name;`` / ``&#n;`` / ``&#xh;`` entities are decoded (only with the terminating ``;``);
* ``<emotion>`` becomes an :class:`EmotionSpan` over the cleaned text; broken ones (no category, unclosed,
  stray closing tag, nested) produce a warning with the line number and keep their text;
* anything else with ``<`` or ``&`` ("a < b & c", ``<foo>``) is plain text and stays exactly as written;
* leading/trailing whitespace (including the full-width indentation ``U+3000``) is stripped and byte-order
  marks (``U+FEFF``) inside the text are removed.

Lines without ``<`` or ``&`` take a fast path: that is nearly every line of a novel.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from html.entities import html5

from studio.core.book import MAX_INTENSITY, MIN_INTENSITY, EmotionSpan
from studio.core.importers.report import WarningLog

Piece = tuple[str, list[EmotionSpan]]

_TAG_RE = re.compile(
    r"<!--.*?-->"
    r"|<(?P<close>/?)(?P<name>[A-Za-z][A-Za-z0-9]*)"
    r"(?P<attrs>(?:\s+[^\s=/>\"'<]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)"
    r"\s*(?P<selfclose>/?)>",
    re.S,
)
_ATTR_RE = re.compile(r"([^\s=/>\"'<]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+)))?")
_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_BROKEN_EMOTION_RE = re.compile(r"</?emotion\b", re.I)

BLOCK_TAGS = frozenset((
        "p", "div", "br", "hr", "li", "ul", "ol", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "section",
        "article", "header", "footer", "aside", "main", "nav", "figure", "figcaption", "table", "tr", "td",
        "th", "thead", "tbody", "tfoot", "caption", "dl", "dt", "dd", "pre", "center", "address", "body",
        "html",
))
INLINE_TAGS = frozenset((
        "span", "em", "strong", "b", "i", "u", "s", "strike", "a", "font", "small", "big", "sub", "sup",
        "mark", "del", "ins", "code", "kbd", "var", "cite", "q", "abbr", "dfn", "tt", "ruby", "rb", "rtc",
        "wbr", "bdi", "bdo", "label", "time", "data", "nobr", "img", "meta", "link",
))
DROP_CONTENT_TAGS = frozenset(("rt", "rp", "script", "style"))

_WS_EDGE = " \t\n\r\f\v\u3000\u00a0\ufeff\u200b"


def decode_entities(text: str) -> str:
    """Decode ``&amp;``-style entities that end in ``;``; leave every other ``&`` alone."""
    if "&" not in text:
        return text
    return _ENTITY_RE.sub(_entity, text)


def _entity(m: re.Match[str]) -> str:
    name = m.group(0)
    if name[1] == "#":
        return html.unescape(name)
    # Exact names only: html.unescape would turn "&notanentity;" into "¬anentity;".
    return html5.get(name[1:], name)


class InlineCleaner:
    """Cleans raw paragraphs; collects its warnings in the import's :class:`WarningLog`.

    ``transform`` is applied to the plain-text runs between tags before entities are decoded (the Markdown
    importer passes its inline-syntax stripper there).
    """

    def __init__(self, warnings: WarningLog, transform: Callable[[str], str] | None = None,
                 unit: str = "line") -> None:
        self.warnings = warnings
        self.transform = transform
        self.unit = unit

    def clean(self, raw: str, line: int | None = None) -> list[Piece]:
        """Return the paragraphs (text, emotion spans) in ``raw``; empty ones are left out."""
        if "<" not in raw and "&" not in raw:
            if self.transform is not None:
                raw = self.transform(raw)
            if "\ufeff" in raw:
                raw = raw.replace("\ufeff", "")
            text = raw.strip(_WS_EDGE)
            return [(text, [])] if text else []
        return _Run(self, line).run(raw)


class _Run:
    """State for cleaning one raw paragraph that contains markup."""

    def __init__(self, cleaner: InlineCleaner, line: int | None) -> None:
        self.cleaner = cleaner
        self.line = line
        self.pieces: list[tuple[str, list[tuple[int, int, str, float]]]] = []
        self.buf: list[str] = []
        self.buflen = 0
        self.cur_spans: list[tuple[int, int, str, float]] = []
        # The open emotion: category, intensity, start in the current piece, and the parts already
        # closed off in earlier pieces of this paragraph (a <br> inside an emotion).
        self.open: tuple[str, float] | None = None
        self.open_start = 0
        self.pending: list[tuple[int, int, int]] = []
        self.stack: list[bool] = []  # True = the real emotion, False = an ignored (nested/invalid) one

    def warn(self, message: str) -> None:
        self.cleaner.warnings.add(message, line=self.line, unit=self.cleaner.unit)

    def emit(self, text: str) -> None:
        if not text:
            return
        if _BROKEN_EMOTION_RE.search(text):
            self.warn("malformed <emotion> tag (kept as text); write it as <emotion category=\"...\">...</emotion>")
        if self.cleaner.transform is not None:
            text = self.cleaner.transform(text)
        text = decode_entities(text)
        if "\ufeff" in text:
            text = text.replace("\ufeff", "")
        self.buf.append(text)
        self.buflen += len(text)

    def flush(self) -> None:
        if self.open is not None:
            self.pending.append((len(self.pieces), self.open_start, self.buflen))
            self.open_start = 0
        self.pieces.append(("".join(self.buf), self.cur_spans))
        self.buf = []
        self.buflen = 0
        self.cur_spans = []

    def run(self, raw: str) -> list[Piece]:
        pos = 0
        skip_until: str | None = None
        for m in _TAG_RE.finditer(raw):
            if skip_until is None:
                self.emit(raw[pos : m.start()])
            pos = m.end()
            name = m.group("name")
            if name is None:  # an HTML comment
                continue
            name = name.lower()
            closing = bool(m.group("close"))
            if skip_until is not None:
                if closing and name == skip_until:
                    skip_until = None
                continue
            if name == "emotion":
                self.emotion_tag(closing, bool(m.group("selfclose")), m.group("attrs") or "")
            elif name in BLOCK_TAGS:
                self.flush()
            elif name in DROP_CONTENT_TAGS:
                if not closing and not m.group("selfclose"):
                    skip_until = name
            elif name not in INLINE_TAGS:
                self.emit_literal(m.group(0))
        if skip_until is None:
            self.emit(raw[pos:])
        self.flush()
        if self.open is not None:
            self.warn(f'<emotion category="{self.open[0]}"> is not closed; text kept without emotion')
        return self.finish()

    def emit_literal(self, text: str) -> None:
        """An unknown ``<tag>`` is just text: keep it exactly, without entity decoding or transforms."""
        self.buf.append(text)
        self.buflen += len(text)

    def emotion_tag(self, closing: bool, selfclose: bool, attrs: str) -> None:
        if closing:
            if not self.stack:
                self.warn("</emotion> without an opening tag; removed")
                return
            if self.stack.pop() and self.open is not None:
                category, intensity = self.open
                parts = [*self.pending, (len(self.pieces), self.open_start, self.buflen)]
                for idx, start, end in parts:
                    if idx < len(self.pieces):
                        self.pieces[idx][1].append((start, end, category, intensity))
                    else:
                        self.cur_spans.append((start, end, category, intensity))
                self.open = None
                self.pending = []
            return
        if selfclose:
            self.warn("empty <emotion/> tag ignored")
            return
        values = {
            k.lower(): (a if a is not None else b if b is not None else c if c is not None else "")
            for k, a, b, c in _ATTR_RE.findall(attrs)
        }
        category = values.get("category", "").strip()
        if not category:
            self.warn("<emotion> tag without a category; text kept without emotion")
            self.stack.append(False)
            return
        if self.open is not None:
            self.warn("nested <emotion> tags are not supported; the inner one is ignored")
            self.stack.append(False)
            return
        intensity = 1.0
        raw_intensity = values.get("intensity")
        if raw_intensity is not None:
            try:
                intensity = float(raw_intensity)
            except ValueError:
                self.warn(f'<emotion> intensity "{raw_intensity}" is not a number; using 1.0')
                intensity = 1.0
            if not MIN_INTENSITY <= intensity <= MAX_INTENSITY:  # also catches NaN
                clamped = min(max(intensity, MIN_INTENSITY), MAX_INTENSITY) if intensity == intensity else 1.0
                self.warn(f"<emotion> intensity {raw_intensity} is outside {MIN_INTENSITY}-{MAX_INTENSITY}; "
                          f"using {clamped}")
                intensity = clamped
        self.open = (category, intensity)
        self.open_start = self.buflen
        self.pending = []
        self.stack.append(True)

    def finish(self) -> list[Piece]:
        out: list[Piece] = []
        for text, spans in self.pieces:
            stripped = text.lstrip(_WS_EDGE)
            lead = len(text) - len(stripped)
            stripped = stripped.rstrip(_WS_EDGE)
            if not stripped:
                continue
            n = len(stripped)
            emotions = []
            for start, end, category, intensity in spans:
                s = min(max(start - lead, 0), n)
                e = min(max(end - lead, 0), n)
                if e > s:
                    emotions.append(EmotionSpan(s, e, category, intensity))
            out.append((stripped, emotions))
        return out
