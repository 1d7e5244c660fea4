"""XHTML (an EPUB content document) to heading and paragraph blocks.

Block elements (``p``, ``div``, ``li``, ``blockquote``, ``h1``-``h6``, table cells, ...) and ``<br>`` end a
paragraph; inline elements (``em``, ``span``, ``a``, ``ruby``...) only contribute their text, so markup never
loses a word. Ruby annotations (``rt``/``rp``) are dropped and the base text kept; ``script``/``style`` are
dropped. Whitespace follows HTML: ASCII whitespace runs collapse to one space, a line break between two
Chinese characters disappears (it was only source formatting), ``&nbsp;``/``U+3000`` inside the text stay,
and each paragraph is stripped. An inline ``<emotion category="..">`` becomes an emotion span.
"""

from __future__ import annotations

import re
import warnings as _warnings
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import CData

from studio.core.book import MAX_INTENSITY, MIN_INTENSITY, EmotionSpan
from studio.core.importers.structure import Block

_BLOCK = frozenset((
    "p", "div", "li", "ul", "ol", "blockquote", "section", "article", "header", "footer", "aside", "main",
    "nav", "figure", "figcaption", "table", "tr", "td", "th", "thead", "tbody", "tfoot", "caption", "dl",
    "dt", "dd", "pre", "hr", "address", "center", "body", "html",
))
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_SKIP = frozenset((
    "rt", "rp", "script", "style", "head", "title", "noscript", "template", "img", "svg", "math", "object",
    "iframe",
))
_WS_RUN = re.compile(r"[ \t\n\r\f]+")
_CJK = r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]"
_CJK_BREAK = re.compile(rf"(?<={_CJK})[ \t\r\f]*\n[ \t\n\r\f]*(?={_CJK})")
_EDGE = " \t\n\r\f\v\u3000\u00a0\ufeff\u200b"


_NOTE_ROLES = ("noteref", "backlink", "doc-noteref", "doc-backlink", "footnote-ref", "rearnote")
_MARKER_TEXT = re.compile(r"\s*[\[(]?(?:\d{1,3}|[ivxIVX]{1,5}|[*†‡§¶↩↑^]+)[\])]?\.?\s*")


def _note_marker(tag: Tag) -> bool:
    """A footnote reference or a back-link ("currency.¹", "↩"): a reading aid, not text to speak.

    Recognised by ``epub:type``/``role`` (noteref, backlink), or as a link to a place inside the book whose
    whole text is a number or a note sign; a ``<sup>`` holding only such a link goes with it. The note
    itself (``<aside epub:type="footnote">``) is the author's text and is kept.
    """
    kinds = " ".join(str(tag.get(attr) or "") for attr in ("epub:type", "role", "type", "class")).lower()
    if any(k in kinds.split() for k in _NOTE_ROLES):
        return True
    if tag.name == "sup":
        links = tag.find_all("a")
        return len(links) == 1 and links[0].get_text() == tag.get_text() and _note_marker(links[0])
    href = str(tag.get("href") or "")
    return "#" in href and not href.startswith(("http:", "https:", "mailto:")) and bool(
        _MARKER_TEXT.fullmatch(tag.get_text()))


@dataclass
class HtmlDocument:
    blocks: list[Block]
    title: str  # the <title> element, "" if none
    anchors: dict[str, int] = field(default_factory=dict)  # element id -> index of the next block
    dropped_emotions: int = 0


def parse_html(content: bytes | str, wanted_ids: frozenset[str] = frozenset()) -> HtmlDocument:
    """Blocks of one content document; ``anchors`` maps each id in ``wanted_ids`` to a block index."""
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore")  # bs4 warns that XHTML is parsed as HTML: that is intended
        soup = BeautifulSoup(content, "lxml")
    title_tag = soup.find("title")
    title = _WS_RUN.sub(" ", title_tag.get_text()).strip() if isinstance(title_tag, Tag) else ""
    walker = _Walker(wanted_ids)
    root = soup.body if soup.body is not None else soup
    walker.walk(root)
    walker.flush(0)
    return HtmlDocument(walker.blocks, title, walker.anchors, walker.dropped_emotions)


class _Walker:
    def __init__(self, wanted: frozenset[str]) -> None:
        self.wanted = wanted
        self.blocks: list[Block] = []
        self.anchors: dict[str, int] = {}
        self.buf: list[str] = []
        self.buflen = 0
        self.spans: list[EmotionSpan] = []
        self.dropped_emotions = 0

    def text(self, s: str) -> None:
        if "\n" in s:
            s = _CJK_BREAK.sub("", s)
        s = _WS_RUN.sub(" ", s)
        if s.startswith(" ") and (not self.buf or self.buf[-1].endswith(" ")):
            s = s[1:]
        if s:
            self.buf.append(s)
            self.buflen += len(s)

    def flush(self, level: int) -> None:
        if not self.buf:
            self.spans = []
            return
        raw = "".join(self.buf)
        stripped = raw.lstrip(_EDGE)
        lead = len(raw) - len(stripped)
        text = stripped.rstrip(_EDGE)
        self.buf = []
        self.buflen = 0
        spans, self.spans = self.spans, []
        if not text:
            return
        n = len(text)
        emotions = [
            EmotionSpan(max(s.start - lead, 0), min(s.end - lead, n), s.category, s.intensity)
            for s in spans
            if min(s.end - lead, n) > max(s.start - lead, 0)
        ]
        self.blocks.append(Block(text, level, [] if level else emotions))

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Tag):
                self.element(child)
            elif type(child) is NavigableString or isinstance(child, CData):  # not comments, doctypes...
                self.text(str(child))

    def element(self, tag: Tag) -> None:
        name = (tag.name or "").lower().rpartition(":")[2]
        if self.wanted:
            ident = tag.get("id")
            if isinstance(ident, str) and ident in self.wanted and ident not in self.anchors:
                self.flush(0)
                self.anchors[ident] = len(self.blocks)
        if name in _SKIP or (name in ("a", "sup") and _note_marker(tag)):
            return
        if name == "br":
            self.flush(0)
        elif name in _HEADINGS:
            self.flush(0)
            self.walk(tag)
            self.flush(_HEADINGS[name])
        elif name in _BLOCK:
            self.flush(0)
            self.walk(tag)
            self.flush(0)
        elif name == "emotion":
            self.emotion(tag)
        else:
            self.walk(tag)

    def emotion(self, tag: Tag) -> None:
        category = str(tag.get("category") or "").strip()
        blocks_before = len(self.blocks)
        start = self.buflen
        self.walk(tag)
        if not category:
            self.dropped_emotions += 1
            return
        if len(self.blocks) != blocks_before:
            self.dropped_emotions += 1  # spans a paragraph break: not representable
            return
        try:
            intensity = float(str(tag.get("intensity") or "1"))
        except ValueError:
            intensity = 1.0
        if not MIN_INTENSITY <= intensity <= MAX_INTENSITY:
            intensity = 1.0 if intensity != intensity else min(max(intensity, MIN_INTENSITY), MAX_INTENSITY)
        if self.buflen > start:
            self.spans.append(EmotionSpan(start, self.buflen, category, intensity))
