"""Find quoted speech in paragraphs: Chinese “” 「」 『』 and English "…" / ‘…’.

Offsets are character offsets into the paragraph text, like emotion and reading spans, so a quote can become
a voice span without translation. Nested quotes (‘…’ inside “…”, 『』 inside 「」) belong to the outer quote.
A quote left open at the end of a paragraph is the English convention for speech running on into the next
paragraph (which reopens with a quote mark): it is marked ``runs_on`` so the attribution can carry its speaker
over.
"""

from __future__ import annotations

from dataclasses import dataclass

_PAIRS = {"“": "”", "「": "」", "『": "』", '"': '"', "‘": "’"}


@dataclass(frozen=True)
class Quote:
    """One quoted range in one paragraph. ``start``/``end`` include the quote marks."""

    paragraph: int
    start: int
    end: int
    text: str
    runs_on: bool = False

    @property
    def inner(self) -> str:
        """The words spoken, without the quote marks."""
        body = self.text[1:]
        if body and body[-1] in "”」』\"’" and not self.runs_on:
            body = body[:-1]
        return body


def _is_letter(ch: str) -> bool:
    return ch.isalnum()


def _single_opens(text: str, i: int) -> bool:
    """‘ opens a quote when it does not sit inside a word (’ is far more often an apostrophe: don’t, ’tis)."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not _is_letter(before) and (_is_letter(after) or after in "_—")


def _single_closes(text: str, i: int) -> bool:
    """’ closes unless it sits inside a word (don’t) or is a plural possessive (the boys’ fault) with another
    ’ still to come in the paragraph."""
    after = text[i + 1] if i + 1 < len(text) else " "
    if _is_letter(after):
        return False
    possessive = text[i - 1:i] == "s" and text[i + 1:i + 3][:1] == " " and text[i + 2:i + 3].islower()
    return not (possessive and "’" in text[i + 1:])


def quotes_in_paragraph(text: str, paragraph: int = 0, singles: bool = False) -> list[Quote]:
    """Top-level quotes of one paragraph. ``singles`` treats ‘…’ as top-level quotes (British style books)."""
    found: list[Quote] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        opener = ch in ("“", "「", "『", '"') or (ch == "‘" and singles and _single_opens(text, i))
        if not opener:
            i += 1
            continue
        close = _PAIRS[ch]
        depth, j = 0, i + 1
        end = -1
        while j < n:
            c = text[j]
            if ch == '"':
                if c == '"':
                    end = j
                    break
            elif c == ch and (ch != "‘" or _single_opens(text, j)):
                depth += 1
            elif c == close and (ch != "‘" or _single_closes(text, j)):
                if depth == 0:
                    end = j
                    break
                depth -= 1
            j += 1
        if end < 0:
            found.append(Quote(paragraph, i, n, text[i:], runs_on=True))
            break
        found.append(Quote(paragraph, i, end + 1, text[i:end + 1]))
        i = end + 1
    return found


def uses_single_quotes(paragraphs: list[str]) -> bool:
    """True for books that quote speech with ‘…’ and have (almost) no double quotes."""
    doubles = sum(p.count("“") + p.count('"') for p in paragraphs)
    singles = sum(sum(1 for i, c in enumerate(p) if c == "‘" and _single_opens(p, i)) for p in paragraphs)
    return singles > 5 and doubles < singles / 4


def find_quotes(paragraphs: list[str]) -> list[Quote]:
    """Every top-level quote of the paragraphs, in reading order."""
    singles = uses_single_quotes(paragraphs)
    out: list[Quote] = []
    for idx, text in enumerate(paragraphs):
        out.extend(quotes_in_paragraph(text, idx, singles))
    return out
