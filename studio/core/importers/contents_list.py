"""Tables of contents at the top of plain text: found, and turned into keys headings are checked against.

A ``Contents`` / ``目录`` line near the top and the entries after it, until a repeated entry, three blank lines
or a paragraph. A line holding several short entries separated by runs of spaces (``鍾山    報恩塔``) gives one
entry each. The contents lines themselves are never headings (they would make empty chapters); a heading the
contents list names gains confidence (see :mod:`.plain_headings`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studio.core.importers.structure import Block

_TOC_WORDS = frozenset(("contents", "tableofcontents", "目录", "目錄", "目次"))
_KEY_DROP = re.compile(r"[^\w\u3400-\u9fff]+")
_LEADERS = re.compile(r"(?:\s*\.){2,}\s*\d*\s*$|\s{2,}\d{1,4}\s*$")
#: Entries separated by runs of spaces on one contents line ("鍾山    報恩塔    天台牡丹").
_TOC_COLUMNS_RE = re.compile(r"[ \t\u3000]{2,}")


def toc_key(text: str) -> tuple[str, ...]:
    """Words of a contents entry or heading, for matching one against the other."""
    text = _LEADERS.sub("", text.casefold())
    return tuple(w for w in _KEY_DROP.split(text) if w)


def find_toc(blocks: list[Block]) -> tuple[int, int, list[tuple[str, ...]]] | None:
    """``(first, end, keys)`` of a table of contents near the top: a ``Contents``/``目录`` line and its entries."""
    limit = min(len(blocks), max(600, len(blocks) // 2))
    for i in range(limit):
        if len(blocks[i].text) > 20 or re.sub(r"[\s:：]", "", blocks[i].text).casefold() not in _TOC_WORDS:
            continue
        keys: list[tuple[str, ...]] = []
        seen: set[tuple[str, ...]] = set()
        j = i + 1
        while j < len(blocks):
            block = blocks[j]
            columns = [c for c in _TOC_COLUMNS_RE.split(block.text) if c]
            if len(columns) >= 3 and all(len(c) <= 30 for c in columns):
                # several short entries on one line: one key each (the line itself is not a sentence)
                for c in columns:
                    if (ck := toc_key(c)) and ck not in seen:
                        seen.add(ck)
                        keys.append(ck)
                j += 1
                continue
            key = toc_key(block.text)
            if len(block.text) > 90 or not key or key in seen:
                break
            if keys and block.gap_before >= 3:
                break
            if len(block.text) > 60 and block.text[-1] in "。！？.!?":
                break
            seen.add(key)
            keys.append(key)
            j += 1
        if len(keys) >= 2:
            return i, j, keys
    return None


def in_toc(key: tuple[str, ...], toc: list[tuple[str, ...]]) -> bool:
    if not key:
        return False
    n = len(key)
    return any(entry == key or (len(entry) > n and entry[:n] == key and n >= 2) for entry in toc)
