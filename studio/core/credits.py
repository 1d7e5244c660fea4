"""Opening and closing credits: the text ACX requires at the start and end of a book, from its metadata.

ACX rejects a book without an opening credit (title, author, narrator) and a closing credit ("The end" /
"You have been listening to ..."). The studio writes both from the book's metadata so an author gets them for
free, and keeps the author's own wording when they edit it (stored in the project under ``credits``, one text
per credit; an empty text goes back to the generated one). The texts are spoken like any paragraph, so they are
rendered, cached and costed by the normal pipeline (``studio.render.credits_plan``).

"Narrated by" names the voice honestly for synthesized speech: the narrator the author set (the book's
``narrator`` metadata or ``--narrator``), else the voice's catalogue name and that it is a synthetic voice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from studio.core.book import Book, VoiceSettings
from studio.core.project import Project

KEY = "credits"
OPENING, CLOSING = "opening", "closing"
#: Longest credit accepted: a credit is a sentence or two, and a pasted chapter would be billed as one.
MAX_CREDIT_CHARS = 1000


@dataclass(frozen=True)
class CreditTexts:
    """What the opening and closing credits say, and whether each is the author's own wording."""

    opening: str
    closing: str
    opening_edited: bool = False
    closing_edited: bool = False


def _chinese(book: Book) -> bool:
    return book.language.lower().startswith(("zh", "yue", "cmn"))


def narrator_name(book: Book, voice: VoiceSettings, narrator: str | None = None) -> str:
    """Who the credits say narrated: the author's narrator, else the voice's name as a synthetic voice."""
    named = (narrator or str((book.metadata or {}).get("narrator") or "")).strip()
    if named:
        return named
    from studio.core.voices import default_catalogue

    found = default_catalogue().get(voice.engine or "", voice.voice or "") if voice.voice else None
    chinese = _chinese(book)
    name = found.display_name("zh" if chinese else "en") if found is not None else (voice.voice or "")
    if chinese:
        return f"合成语音{name}" if name else "合成语音"
    return f"{name}, a synthetic voice" if name else "a synthetic voice"


def generated_credits(book: Book, narrator: str, *, title: str | None = None,
                      author: str | None = None) -> tuple[str, str]:
    """(opening, closing) in the book's language, naming title, author and narrator."""
    title = (title or book.title).strip()
    author = (author if author is not None else book.author or "").strip()
    if _chinese(book):
        by = f"作者：{author}。" if author else ""
        opening = f"《{title}》。{by}演播：{narrator}。"
        closing = f"全书完。您收听的是《{title}》，" + (f"作者{author}，" if author else "") + f"演播{narrator}。"
        return opening, closing
    written = f" Written by {author}." if author else ""
    opening = f"{title}.{written} Narrated by {narrator}."
    closing = (f"The end. You have been listening to {title}" + (f", written by {author}" if author else "")
               + f", narrated by {narrator}.")
    return opening, closing


def stored_credits(project: Project) -> dict[str, str]:
    """The author's own credit texts (``opening``/``closing``), only those they set."""
    data: Any = project.get_meta(KEY) or {}
    if not isinstance(data, dict):
        return {}
    return {k: str(v) for k, v in data.items() if k in (OPENING, CLOSING) and isinstance(v, str) and v.strip()}


def store_credits(project: Project, *, opening: str | None = None, closing: str | None = None) -> list[str]:
    """Store the author's credit texts (None keeps the stored one, "" goes back to the generated text).

    Returns what changed, for the user. Raises ``ValueError`` for a text too long to be a credit."""
    stored = stored_credits(project)
    wanted = dict(stored)
    for name, text in ((OPENING, opening), (CLOSING, closing)):
        if text is None:
            continue
        text = " ".join(text.split())
        if len(text) > MAX_CREDIT_CHARS:
            raise ValueError(f"the {name} credits are {len(text)} characters long; a credit is a sentence or two "
                             f"(at most {MAX_CREDIT_CHARS})")
        if text:
            wanted[name] = text
        else:
            wanted.pop(name, None)
    if wanted == stored:
        return []
    project.set_meta(KEY, wanted)
    return [f"{name} credits " + ("set" if name in wanted else "generated from the book's metadata")
            for name in (OPENING, CLOSING) if wanted.get(name) != stored.get(name)]


def credit_texts(project: Project, book: Book, voice: VoiceSettings, *, title: str | None = None,
                 author: str | None = None, narrator: str | None = None) -> CreditTexts:
    """The credits the book will speak: the author's own texts where set, generated ones elsewhere."""
    opening, closing = generated_credits(book, narrator_name(book, voice, narrator), title=title, author=author)
    own = stored_credits(project)
    return CreditTexts(own.get(OPENING, opening), own.get(CLOSING, closing), OPENING in own, CLOSING in own)


__all__ = ["CLOSING", "OPENING", "CreditTexts", "credit_texts", "generated_credits", "narrator_name",
           "store_credits", "stored_credits"]
