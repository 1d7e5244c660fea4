"""Markdown manuscripts: YAML front matter, ATX/setext headings, inline syntax stripped to plain words.

This is not a full CommonMark renderer; it reads what authors write for prose:

* ``---`` YAML front matter at the very top becomes book metadata (title, author/creator, language, the
  rest verbatim in ``Book.metadata``). Front matter that is not a YAML mapping is *kept as text* with a
  warning: dropping it could lose prose, keeping it only costs a paragraph the author can delete.
* Paragraphs are separated by blank lines; soft line breaks join (without a space between Chinese
  characters), hard breaks (two trailing spaces, ``\\``, ``<br>``) start a new paragraph because the book
  model has no line breaks inside a paragraph. List items and block quotes are paragraphs without their
  markers. Indented lines are *not* code: Chinese manuscripts indent paragraphs.
* Fenced code blocks are kept verbatim, one paragraph per line. Thematic breaks (``***``) and link
  reference definitions are dropped.
* Inline: emphasis/strong/strike/code markers removed, ``[text](url)`` -> text, images dropped, autolinks
  -> the address, backslash escapes resolved; HTML and ``<emotion>`` handled by :mod:`.cleanup`.
* Chapters come from headings (see :func:`.structure.choose_chapter_level`); without any heading the
  plain-text rules (第X章, Chapter N) apply.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

import yaml

from studio.core.importers.cleanup import InlineCleaner
from studio.core.importers.report import ImportResult, WarningLog, make_report
from studio.core.importers.structure import (
    Block,
    chapters_from_headings,
    finish_book,
    guess_language,
)

_ATX_RE = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*")
_SETEXT_RE = re.compile(r" {0,3}(={3,}|-{3,})[ \t]*")
_HR_RE = re.compile(r" {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})")
_FENCE_RE = re.compile(r" {0,3}(`{3,}|~{3,})")
_LIST_RE = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+")
_QUOTE_RE = re.compile(r"[ \t]*>[ \t]?")
_REFDEF_RE = re.compile(r" {0,3}\[[^\]]+\]:[ \t]*\S+.*")

_INLINE_CHARS = frozenset("*_`[]!<~\\")
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~<>])")
# Spans are bounded ({1,500}) so an unclosed marker costs linear, not quadratic, time on a long paragraph.
_IMAGE_RE = re.compile(r"!\[[^\]]{0,500}\](?:\([^)]{0,2000}\)|\[[^\]]{0,500}\])")
_LINK_RE = re.compile(
    r"\[([^\]]{1,500})\]\((?:[^()\s]|\([^()\s]{0,200}\)){0,2000}(?:\s+(?:\"[^\"]{0,500}\"|'[^']{0,500}'))?\)"
)
_REFLINK_RE = re.compile(r"\[([^\]]{1,500})\]\[[^\]]{0,500}\]")
_AUTOLINK_RE = re.compile(r"<((?:https?|ftp|mailto):[^>\s]{1,2000})>")
_CODE_RE = re.compile(r"(`{1,10})(.{1,500}?)\1")
_STRONG_RE = re.compile(r"(\*\*|__)(?=\S)(.{1,500}?)(?<=\S)\1")
_EM_STAR_RE = re.compile(r"\*(?=[^\s*])(.{1,500}?)(?<=[^\s*])\*")
_EM_UNDER_RE = re.compile(r"(?<![A-Za-z0-9_])_(?=[^\s_])(.{1,500}?)(?<=[^\s_])_(?![A-Za-z0-9_])")
_STRIKE_RE = re.compile(r"~~(?=\S)(.{1,500}?)(?<=\S)~~")
_ESCAPE_BASE = 0xF0000  # escaped characters are parked in a private-use plane while markers are removed

_CJK_EDGE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


def strip_inline_markdown(text: str) -> str:
    """Plain words from Markdown inline syntax (no word is lost; images are dropped)."""
    if not any(ch in _INLINE_CHARS for ch in text):
        return text
    escaped = "\\" in text
    if escaped:
        text = _ESCAPE_RE.sub(lambda m: chr(_ESCAPE_BASE + ord(m.group(1))), text)
    text = _IMAGE_RE.sub("", text)
    text = _LINK_RE.sub(r"\1", text)
    text = _REFLINK_RE.sub(r"\1", text)
    text = _AUTOLINK_RE.sub(r"\1", text)
    text = _CODE_RE.sub(r"\2", text)
    text = _STRONG_RE.sub(r"\2", text)
    text = _EM_STAR_RE.sub(r"\1", text)
    text = _EM_UNDER_RE.sub(r"\1", text)
    text = _STRIKE_RE.sub(r"\1", text)
    if escaped:
        text = "".join(chr(ord(c) - _ESCAPE_BASE) if _ESCAPE_BASE <= ord(c) < _ESCAPE_BASE + 128 else c
                       for c in text)
    return text


def split_front_matter(text: str, warnings: WarningLog) -> tuple[dict[str, Any], str, int]:
    """Return (metadata, body text, line number of the body's first line - 1)."""
    if not text.startswith("---"):
        return {}, text, 0
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return {}, text, 0
    for i in range(1, min(len(lines), 500)):
        if lines[i].rstrip() in ("---", "..."):
            block = "\n".join(lines[1:i])
            try:
                data = yaml.safe_load(block) if block.strip() else {}
                problem = None if isinstance(data, dict) else "is not a list of 'key: value' pairs"
            except yaml.YAMLError as exc:
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else "syntax error"
                problem = f"is not valid YAML ({first})"
            if problem is None:
                return _metadata(data), "\n".join(lines[i + 1 :]), i + 1
            # Keep its lines as ordinary paragraphs (without the --- fences, which would otherwise turn
            # the block into a setext heading).
            warnings.add(f"front matter (lines 1-{i + 1}) {problem}; kept as text")
            return {}, "\n".join([*lines[1:i], "", *lines[i + 1 :]]), 1
    return {}, text, 0


def _metadata(data: dict[Any, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for key, value in data.items():
        meta[str(key).strip().lower()] = _plain(value)
    for key in ("author", "authors", "creator", "creators", "作者"):
        if key in meta and key != "author":
            meta.setdefault("author", meta[key])
    for key in ("lang", "语言"):
        if key in meta:
            meta.setdefault("language", meta[key])
    for key in ("标题", "书名"):
        if key in meta:
            meta.setdefault("title", meta[key])
    for key in ("title", "author", "language"):
        value = meta.get(key)
        if isinstance(value, list):
            meta[key] = "、".join(str(v) for v in value)
        elif value is not None and not isinstance(value, str):
            meta[key] = str(value)
    return meta


def _plain(value: Any) -> Any:
    """YAML values as JSON-ready data (dates become ISO strings)."""
    if isinstance(value, _dt.date | _dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _join(parts: list[str]) -> str:
    """Join soft-wrapped lines: no space between two CJK characters, one space otherwise."""
    out = parts[0]
    for part in parts[1:]:
        if out and part and _CJK_EDGE.match(out[-1]) and _CJK_EDGE.match(part[0]):
            out += part
        else:
            out += " " + part
    return out


class _Parser:
    def __init__(self, warnings: WarningLog, line_offset: int) -> None:
        self.cleaner = InlineCleaner(warnings, transform=strip_inline_markdown)
        self.offset = line_offset
        self.blocks: list[Block] = []
        self.para: list[str] = []
        self.para_line = 0

    def flush(self) -> None:
        if not self.para:
            return
        raw = _join(self.para)
        for text, emotions in self.cleaner.clean(raw, self.para_line):
            self.blocks.append(Block(text, 0, emotions, self.para_line))
        self.para = []

    def add_line(self, text: str, lineno: int) -> None:
        if not self.para:
            self.para_line = lineno
        hard = text.endswith("  ") or text.endswith("\\")
        stripped = text.strip()
        if stripped.endswith("\\"):
            stripped = stripped[:-1].rstrip()
        if stripped:
            self.para.append(stripped)
        if hard:
            self.flush()

    def heading(self, level: int, text: str, lineno: int) -> None:
        pieces = self.cleaner.clean(text, lineno)
        title = " ".join(p for p, _ in pieces).strip()
        if title:
            self.blocks.append(Block(title, level, [], lineno))

    def parse(self, body: str) -> list[Block]:
        lines = body.split("\n")
        fence: str | None = None
        for idx, line in enumerate(lines):
            lineno = idx + 1 + self.offset
            if fence is not None:
                if line.strip().startswith(fence) and line.strip().strip(fence[0]) == "":
                    fence = None
                elif line.strip():
                    self.blocks.append(Block(line.strip(), 0, [], lineno))
                continue
            m = _FENCE_RE.match(line)
            if m is not None:
                self.flush()
                fence = m.group(1)
                continue
            q = _QUOTE_RE.match(line)
            if q is not None:
                line = line[q.end() :]
            if not line.strip():
                self.flush()
                continue
            m = _ATX_RE.fullmatch(line)
            if m is not None:
                self.flush()
                self.heading(len(m.group(1)), m.group(2) or "", lineno)
                continue
            if self.para and _SETEXT_RE.fullmatch(line):
                raw = _join(self.para)
                self.para = []
                self.heading(1 if line.strip()[0] == "=" else 2, raw, self.para_line)
                continue
            if _HR_RE.fullmatch(line) or _REFDEF_RE.fullmatch(line):
                self.flush()
                continue
            li = _LIST_RE.match(line)
            if li is not None:
                self.flush()
                line = line[li.end() :]
            self.add_line(line, lineno)
        self.flush()
        return self.blocks


def import_markdown(
    text: str, *, source: str, default_title: str, encoding: str | None, warnings: WarningLog,
    structure: str = "auto",
) -> ImportResult:
    """Build a book from decoded Markdown."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    meta, body, offset = split_front_matter(text, warnings)
    blocks = _Parser(warnings, offset).parse(body)
    language = str(meta.get("language") or guess_language([b.text for b in blocks[:50]]))
    meta["language"] = language
    if structure != "auto":  # the author chose: heading markup is text like any other line
        for b in blocks:
            b.level = 0
    chapters = chapters_from_headings(blocks, meta, warnings, language=language, default_title=default_title,
                                      structure=structure, heading_as_subtitle=True)
    book = finish_book(chapters, meta, default_title=default_title, path=source)
    return ImportResult(book, make_report(book, source=source, fmt="markdown", encoding=encoding,
                                          warnings=warnings))
